"""The second-factor pages under /admin/second-factor/: enrol, verify, and the user's own page.

They sit outside admin.site.urls so that SecondFactorMiddleware can leave the first two open
to a user it keeps out of the rest of the admin; they wear the admin's look all the same.
"""

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice

from portal import second_factor
from portal.middleware import client_ip
from portal.second_factor import log

WRONG_CODE = _("验证码不正确，或距上次输错太近。请核对后稍候几秒再输入；连续输错会被锁定。")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self):
        """Apps show codes as "123 456" and paper copies get dashes; both are ignored."""
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


def staff_page(view):
    """Only signed-in staff, as on any admin page; never cached, the code never logged."""

    @wraps(view)
    def page(request, *args, **kwargs):
        if not admin.site.has_permission(request):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return never_cache(sensitive_post_parameters("code")(page))


def render(request, template, title, **context):
    context = {
        **admin.site.each_context(request),
        "title": title,
        "next": next_url(request),
        **context,
    }
    return TemplateResponse(request, f"admin/second_factor/{template}", context)


def next_url(request):
    """Where to go afterwards: ?next= if it stays on this site, else the admin's index."""
    url = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def keeping_next(request, url_name):
    return f"{reverse(url_name)}?{urlencode({'next': next_url(request)})}"


def posted_code_form(request):
    return CodeForm(request.POST) if request.method == "POST" else CodeForm()


@staff_page
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not second_factor.confirmed_totp(user).exists():
        return redirect(keeping_next(request, "second-factor:enrol"))
    if second_factor.is_locked(request):
        return second_factor.refuse_locked(request)
    form = posted_code_form(request)
    if form.is_valid():
        code = form.cleaned_data["code"]
        device = second_factor.check_code(request, second_factor.devices_for_code(user, code), code)
        if device is None and second_factor.is_locked(request):
            return second_factor.refuse_locked(request)
        if device is None:
            form.add_error("code", WRONG_CODE)
        else:
            second_factor.accept(request, device)
            if isinstance(device, StaticDevice):
                left = second_factor.backup_codes_left(user)
                messages.warning(request, backup_codes_left_message(left))
            return redirect(next_url(request))
    return render(request, "verify.html", _("双因素认证"), form=form)


def backup_codes_left_message(left):
    return ngettext(
        "已用掉一个备用验证码，还剩 %(left)d 个。用完前请在“我的双因素认证”页面重新生成。",
        "已用掉一个备用验证码，还剩 %(left)d 个。用完前请在“我的双因素认证”页面重新生成。",
        left,
    ) % {"left": left}


@staff_page
def enrol(request):
    user = request.user
    if second_factor.confirmed_totp(user).exists():
        return redirect(keeping_next(request, "second-factor:verify"))
    if second_factor.is_locked(request):
        return second_factor.refuse_locked(request)
    device = second_factor.unconfirmed_totp(user)
    form = posted_code_form(request)
    form.fields["code"].widget.attrs["inputmode"] = "numeric"
    if form.is_valid():
        confirmed = second_factor.check_code(request, [device], form.cleaned_data["code"])
        if confirmed is None and second_factor.is_locked(request):
            return second_factor.refuse_locked(request)
        if confirmed is None:
            form.add_error("code", WRONG_CODE)
        else:
            confirmed.confirmed = True
            confirmed.save(update_fields=["confirmed"])
            second_factor.accept(request, confirmed)
            log.info(
                "second factor enrolled: user=%r ip=%s", user.get_username(), client_ip(request)
            )
            return show_backup_codes(request, second_factor.replace_backup_codes(user))
    return render(
        request,
        "enrol.html",
        _("设置双因素认证"),
        form=form,
        qr_code=second_factor.qr_code_svg(device.config_url),
        secret=second_factor.manual_secret(device),
    )


def show_backup_codes(request, codes):
    """The one time the codes are shown: rendered into this response, kept nowhere else."""
    return render(request, "backup_codes.html", _("备用验证码"), codes=codes)


@staff_page
def account(request):
    user = request.user
    if request.method == "POST":
        if not user.is_verified():
            return redirect(keeping_next(request, "second-factor:verify"))
        log.info("backup codes replaced: user=%r ip=%s", user.get_username(), client_ip(request))
        return show_backup_codes(request, second_factor.replace_backup_codes(user))
    return render(
        request,
        "account.html",
        _("我的双因素认证"),
        enrolled=second_factor.confirmed_totp(user).exists(),
        required=second_factor.needs_second_factor(user),
        backup_codes_left=second_factor.backup_codes_left(user),
    )


app_name = "second-factor"
urlpatterns = [
    path("", verify, name="verify"),
    path("enrol/", enrol, name="enrol"),
    path("account/", account, name="account"),
]
