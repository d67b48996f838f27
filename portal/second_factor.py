"""The second factor for staff: a TOTP code from an authenticator app, or a backup code.

GB/T 22239-2019 (等保 2.0, level 3, 8.1.4.1) asks for two authentication factors for
administrators. The password is the first (the admin login, guarded by django-axes); the
second is checked by the pages in portal.second_factor_views and kept in the session by
django-otp (the verified device's persistent_id under django_otp.DEVICE_ID_SESSION_KEY),
so it ends with the session. needs_second_factor() is the only place that says who must
have one; SecondFactorMiddleware keeps everyone else who is signed in but unverified out of
/admin/. A wrong code is a failed login to django-axes, so codes and passwords share one
lockout.
"""

import logging
import secrets
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage

from cooperation import roles
from portal.accounts import KeepEveryFailureHandler, lockout_response
from portal.middleware import client_ip

log = logging.getLogger("portal.accounts")

ROLES_THAT_NEED_IT = [roles.REVIEWERS, roles.PUBLISHERS]

BACKUP_CODE_COUNT = 10
BACKUP_CODE_LENGTH = 8
# No 0/o, 1/l/i: codes are copied from paper.
BACKUP_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def needs_second_factor(user):
    """Superusers, reviewers and publishers must verify a second factor before the admin;
    so must anyone (an editor) who chose to enrol, or enrolling would protect nothing."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(Q(groups__name__in=ROLES_THAT_NEED_IT) | Q(totpdevice__confirmed=True))
        .exists()
    )


class SecondFactorMiddleware:
    """Sends a signed-in user who needs a second factor, and has not verified one in this
    session, from any admin URL (audit page and JSON endpoints included) to the second-factor
    page. Only that page, enrolment, login and logout stay open: to finish, or to leave."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_root = reverse("admin:index")
        path = request.path_info
        if path.startswith(admin_root) and path not in self.open_paths():
            user = request.user
            if user.is_authenticated and not user.is_verified() and needs_second_factor(user):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('second-factor:verify')}?{query}")
        return self.get_response(request)

    @staticmethod
    def open_paths():
        return {
            reverse("second-factor:verify"),
            reverse("second-factor:enrol"),
            reverse("admin:login"),
            reverse("admin:logout"),
        }


class CompleteLoginHandler(KeepEveryFailureHandler):
    """Forgives earlier failures (AXES_RESET_ON_SUCCESS) only when a login is complete.

    For a user who needs a second factor the password is half a login: were failures forgiven
    then, whoever knows the password could sign in again after every few wrong codes and go
    on guessing codes for ever. accept() forgives them once the code is right.
    """

    def user_logged_in(self, sender, request, user, **kwargs):
        request.second_factor_pending = needs_second_factor(user)
        super().user_logged_in(sender, request, user, **kwargs)

    def reset_user_attempts(self, request, credentials=None):
        if getattr(request, "second_factor_pending", False):
            return 0
        return super().reset_user_attempts(request, credentials)


def credentials_of(user):
    return {"username": user.get_username()}


def is_locked(request):
    return AxesProxyHandler.is_locked(request, credentials_of(request.user))


def refuse_locked(request):
    """While django-axes holds the user name or address, the session ends: the lock is on
    signing in, and this session has not finished signing in."""
    credentials = credentials_of(request.user)
    auth.logout(request)
    return lockout_response(request, credentials=credentials)


def check_code(request, devices, code):
    """The device that accepts `code`, or None once the refusal is counted as a failed login.

    A code sent while django-otp makes a device wait (1, 2, 4 … seconds after each failure)
    is refused unchecked and counts too: guessing faster than the wait reaches the lock sooner.
    """
    for candidate in devices:
        with transaction.atomic():
            device = Device.from_persistent_id(candidate.persistent_id, for_verify=True)
            if device is not None and device.verify_token(code):
                return device
    user_login_failed.send(
        sender=__name__, credentials=credentials_of(request.user), request=request
    )
    return None


def accept(request, device):
    """Marks the session verified and forgives earlier failures, as a finished login does; the
    session gets a new key, as at any change of privilege."""
    request.session.cycle_key()
    django_otp.login(request, device)
    if settings.AXES_RESET_ON_SUCCESS:
        AxesProxyHandler.update_request(request)
        AxesProxyHandler.get_implementation().reset_user_attempts(
            request, credentials_of(request.user)
        )
    kind = "backup code" if isinstance(device, StaticDevice) else "totp"
    log.info(
        "second factor verified: user=%r ip=%s by=%s",
        request.user.get_username(),
        client_ip(request),
        kind,
    )


def confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def unconfirmed_totp(user):
    """The device being enrolled: the same one on every reload, so the QR code already
    scanned stays good until the code is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(
        user=user, name=gettext("身份验证器"), confirmed=False
    )


def devices_for_code(user, code):
    """Six digits are a TOTP code; anything else can only be a backup code."""
    if code.isdigit() and len(code) == 6:
        return list(confirmed_totp(user))
    return list(StaticDevice.objects.filter(user=user, confirmed=True))


def replace_backup_codes(user):
    """New backup codes, the old ones void. The codes are shown once and never again."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=gettext("备用验证码"), confirmed=True)
    codes = [
        "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        for _ in range(BACKUP_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def manual_secret(device):
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def qr_code_svg(text):
    """The QR code as <svg> markup: drawn here, one path and a white square for dark themes,
    with no script or style attribute that the Content-Security-Policy would refuse."""
    image = qrcode.make(text, image_factory=SvgPathFillImage, box_size=12, border=2)
    return image.to_string(encoding="unicode")


def remove_devices(user):
    """Deletes every second-factor device of `user`; returns how many of each kind."""
    totp = TOTPDevice.objects.filter(user=user)
    static = StaticDevice.objects.filter(user=user)
    counts = totp.count(), static.count()
    totp.delete()
    static.delete()
    return counts
