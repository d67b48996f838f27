from django.contrib import admin
from django.urls import include, path

from cooperation.views import audit
from portal import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/audit/", admin.site.admin_view(audit.audit_log), name="admin-audit"),
    path("admin/", admin.site.urls),
    path("", include("cooperation.urls")),
]
