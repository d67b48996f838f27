from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from cooperation.sitemaps import SITEMAPS
from cooperation.sitemaps import index as sitemap_index
from cooperation.views import audit
from portal import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/second-factor/", include("portal.second_factor_views")),
    path("admin/audit/", admin.site.admin_view(audit.audit_log), name="admin-audit"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
] + i18n_patterns(
    # The public pages: Chinese at the root, English under /en/ (portal.language).
    path("feedback/", include("portal.feedback")),
    path("", include("cooperation.urls")),
    prefix_default_language=False,
)
