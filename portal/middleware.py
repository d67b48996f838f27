import base64
import hashlib
import ipaddress

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import auth, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SESSION_LOGIN_AT = "portal_login_at"


def client_ip(request):
    """The visitor's address: the one the outermost of TRUSTED_PROXY_COUNT proxies saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so
    the client is TRUSTED_PROXY_COUNT places from the right once REMOTE_ADDR is added.
    Anything further left was written by the client and cannot be trusted. With no trusted
    proxy (the default) it is REMOTE_ADDR, the connection's address.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote_addr]
    candidate = chain[max(len(chain) - 1 - settings.TRUSTED_PROXY_COUNT, 0)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr or None


def inline_hash(code):
    digest = hashlib.sha256(code.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# The admin's own pages are ours to trust but not ours to write: django-import-export's
# export form has one inline event handler, and a few admin templates set inline styles.
ADMIN_CSP_ADDITIONS = {
    "script-src": ["'unsafe-hashes'", inline_hash("onSelectToggleChange(event)")],
    "style-src": ["'unsafe-inline'"],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site-wide policy, widened under /admin/ only by ADMIN_CSP_ADDITIONS."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if parts.update is None and request.path_info.startswith(reverse("admin:index")):
            parts.update = ADMIN_CSP_ADDITIONS
        return parts


class SessionLifetimeMiddleware:
    """Ends a signed-in session SESSION_MAX_SECONDS after login, however active it is.

    Idle sessions end sooner, through SESSION_COOKIE_AGE and SESSION_SAVE_EVERY_REQUEST.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Visitors without a session cookie are skipped without touching the session, so
        # that public pages do not become `Vary: Cookie`.
        if request.session.session_key and request.user.is_authenticated:
            now = timezone.now().timestamp()
            login_at = request.session.setdefault(SESSION_LOGIN_AT, now)
            if now - login_at > settings.SESSION_MAX_SECONDS:
                auth.logout(request)
                messages.info(request, _("登录已超过最长时限，请重新登录。"))
        return self.get_response(request)
