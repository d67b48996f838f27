from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project itself: staff accounts, login records and the security middleware."""

    name = "portal"
    verbose_name = _("平台安全")

    def ready(self):
        from portal import accounts, audit, checks  # noqa: F401 (connect receivers, register checks)

        audit.connect()
        if settings.OPEN_DATA_AFTER_CHANGES:
            from cooperation import open_data_jobs

            open_data_jobs.connect()  # The bulk download rebuilt by a task after changes.
