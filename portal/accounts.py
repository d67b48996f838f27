"""Staff accounts: every login, failed login and logout is logged with user name and address,
and an account that has left an audit trail is deactivated, never deleted.
"""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.middleware import SESSION_LOGIN_AT, client_ip

log = logging.getLogger("portal.accounts")


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    if request is None:
        return
    request.session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    log.info("login succeeded: user=%r ip=%s", user.get_username(), client_ip(request))


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the name is logged.
    username = credentials.get("username", "")
    address = client_ip(request) if request is not None else None
    log.warning("login failed: user=%r ip=%s", username, address)


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    log.warning("login locked out: user=%r ip=%s", username, ip_address)


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None and request is not None:
        log.info("logout: user=%r ip=%s", user.get_username(), client_ip(request))


def lockout_response(request, original_response=None, credentials=None):
    """The admin-styled page shown instead of the login form while a lock lasts."""
    context = {
        **admin.site.each_context(request),
        "title": _("登录已锁定"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(get_cool_off(request).total_seconds() // 60),
    }
    return TemplateResponse(request, "admin/lockout.html", context, status=429).render()


@receiver(pre_delete, sender=get_user_model())
def keep_admin_log(sender, instance, **kwargs):
    """The admin log's user link cascades; refusing the delete keeps the log complete."""
    entries = LogEntry.objects.filter(user=instance)
    if entries.exists():
        raise ProtectedError(
            _("用户“%(username)s”有后台操作记录，不能删除，请改为停用。")
            % {"username": instance.get_username()},
            set(entries[:10]),
        )


class KeepEveryFailureHandler(AxesDatabaseHandler):
    """django-axes' database handler, except that it never deletes failed logins to keep
    a number per user (1,000 by default): whoever fails more often could flush the
    evidence. The login logs are pruned by age only, by prune_history (at least 180 days,
    网络安全法 Art. 21 asks for six months)."""

    def remove_out_of_limit_failure_logs(self, *, username, limit=None):
        return 0
