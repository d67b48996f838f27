from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record


class HistoryBase(models.Model):
    """Keeps the name of whoever made a change, so the record outlives their account."""

    history_username = models.CharField(_("操作人"), max_length=150, blank=True)

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def remember_username(sender, history_instance, history_user, **kwargs):
    if history_user is not None and hasattr(history_instance, "history_username"):
        history_instance.history_username = history_user.get_username()
