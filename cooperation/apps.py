from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("东西部协作")

    def ready(self):
        from cooperation import counting

        counting.watch_changes()
