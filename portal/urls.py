from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from cooperation import sitemaps
from cooperation.api.service import api
from cooperation.views import audit, iati, jobs
from cooperation.views import data as open_data
from portal import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # A plain view, before the API's include: the IATI file is XML, not a JSON endpoint.
    path("api/v1/iati/activities.xml", iati.activities, name="iati-activities"),
    # The JSON API (cooperation.api.service), after the other /api/v1/ paths.
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/second-factor/", include("portal.second_factor_views")),
    path("admin/audit/", admin.site.admin_view(audit.audit_log), name="admin-audit"),
    path("admin/jobs/<slug:token>/", admin.site.admin_view(jobs.admin_job_page), name="admin-job"),
    path("admin/", admin.site.urls),
    # The bulk download's files and catalogue: one address whatever the language.
    path("data/catalog.jsonld", open_data.catalog, name="open-data-catalog"),
    path("data/files/<str:name>", open_data.open_data_file, name="open-data-file"),
    # A job's progress and its file (cooperation/views/jobs.py): one address whatever the
    # language, never cached.
    path("jobs/<slug:token>/status.json", jobs.job_status, name="job-status"),
    path("jobs/<slug:token>/file", jobs.job_file, name="job-file"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap-section"),
] + i18n_patterns(
    # The public pages: Chinese at the root, English under /en/ (portal.language).
    path("feedback/", include("portal.feedback")),
    path("jobs/<slug:token>/", jobs.job_page, name="job"),
    path("", include("cooperation.urls")),
    prefix_default_language=False,
)
