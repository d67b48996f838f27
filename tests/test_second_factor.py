import io
import logging
from urllib.parse import quote, urlencode

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperation import roles
from portal.second_factor import manual_secret, needs_second_factor, replace_backup_codes

PASSWORD = "Ziyun-Nansha-2023"

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def staff(username, role=None, **fields):
    user = get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True, **fields
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def publisher(db):
    return staff("fabu", roles.PUBLISHERS)


@pytest.fixture
def enrolled(publisher):
    """The publisher, with an authenticator app set up."""
    TOTPDevice.objects.create(user=publisher, name="phone", confirmed=True)
    return publisher


def sign_in(client, user):
    """The password half of a sign-in, through the admin's login form."""
    response = client.post(
        reverse("admin:login"), {"username": user.get_username(), "password": PASSWORD}
    )
    assert response.status_code == 302, response
    return response


def code_now(user):
    return f"{totp(TOTPDevice.objects.get(user=user).bin_key):06d}"


def wrong_code(user):
    key = TOTPDevice.objects.get(user=user).bin_key
    valid = {totp(key, drift=drift) for drift in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(10) if n not in valid)


def verify_url(next_url=None):
    url = reverse("second-factor:verify")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def send_code(client, code, next_url=None):
    return client.post(verify_url(next_url), {"code": code})


def is_signed_in(client):
    return "_auth_user_id" in client.session


def gated_urls(user):
    return [
        reverse("admin:index"),
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin-audit"),
        reverse("admin:autocomplete") + "?app_label=cooperation&model_name=project&field_name=x",
    ]


@pytest.mark.parametrize("superuser", [False, True], ids=["publisher", "superuser"])
def test_without_a_verified_second_factor_no_admin_page_opens(client, db, superuser):
    user = staff("fabu", None if superuser else roles.PUBLISHERS, is_superuser=superuser)
    sign_in(client, user)

    for url in gated_urls(user):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == verify_url(url), url


def test_reviewers_and_publishers_need_a_second_factor_but_editors_do_not(db):
    assert needs_second_factor(staff("shenhe", roles.REVIEWERS))
    assert needs_second_factor(staff("fabu", roles.PUBLISHERS))
    assert needs_second_factor(staff("guanli", is_superuser=True))
    assert not needs_second_factor(staff("bianji", roles.EDITORS))


def test_editor_reaches_the_admin_without_a_second_factor(client, db):
    sign_in(client, staff("bianji", roles.EDITORS))
    assert client.get(reverse("admin:index")).status_code == 200


def test_editor_who_enrolled_is_asked_for_the_code(client, db):
    editor = staff("bianji", roles.EDITORS)
    TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    sign_in(client, editor)
    assert client.get(reverse("admin:index"))["Location"] == verify_url(reverse("admin:index"))


def test_logout_stays_open_before_the_second_factor(client, publisher):
    sign_in(client, publisher)
    assert client.post(reverse("admin:logout")).status_code == 200
    assert not is_signed_in(client)


def test_first_sign_in_is_sent_to_enrol(client, publisher):
    sign_in(client, publisher)
    response = client.get(verify_url("/admin/auth/"))
    assert response["Location"] == f"{reverse('second-factor:enrol')}?next=%2Fadmin%2Fauth%2F"


def test_enrolment_page_shows_an_svg_qr_code_and_the_secret(client, publisher):
    sign_in(client, publisher)
    response = client.get(reverse("second-factor:enrol"))
    page = response.content.decode()

    device = TOTPDevice.objects.get(user=publisher, confirmed=False)
    figure = page[page.index('<figure id="second-factor-qr">') :]
    svg = figure[figure.index("<svg") : figure.index("</svg>")]
    assert "<path" in svg
    assert "style=" not in svg and "<script" not in svg
    assert manual_secret(device) in page
    assert device.config_url.startswith(f"otpauth://totp/{quote('东西部协作管理后台:fabu')}?")
    assert f"issuer={quote('东西部协作管理后台')}" in device.config_url
    reloaded = client.get(reverse("second-factor:enrol")).content.decode()
    assert manual_secret(device) in reloaded, "a reload must keep the QR code already scanned"


def test_confirming_enrolment_signs_in_and_shows_ten_backup_codes_once(client, publisher):
    sign_in(client, publisher)
    client.get(reverse("second-factor:enrol"))

    response = client.post(reverse("second-factor:enrol"), {"code": code_now(publisher)})

    assert response.status_code == 200
    assert TOTPDevice.objects.get(user=publisher).confirmed
    codes = set(StaticToken.objects.filter(device__user=publisher).values_list("token", flat=True))
    assert len(codes) == 10 and all(len(code) == 8 for code in codes)
    assert all(code in response.content.decode() for code in codes)
    assert "离线" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("second-factor:enrol")).status_code == 302


def test_wrong_code_at_enrolment_is_refused_and_counted(client, publisher):
    sign_in(client, publisher)
    client.get(reverse("second-factor:enrol"))

    response = client.post(reverse("second-factor:enrol"), {"code": wrong_code(publisher)})

    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.get(user=publisher).confirmed
    assert AccessFailureLog.objects.filter(username="fabu").count() == 1


def test_valid_code_lets_the_user_in_and_goes_to_next(client, enrolled):
    sign_in(client, enrolled)
    projects = reverse("admin:cooperation_project_changelist")
    password_session = client.session.session_key

    response = send_code(client, code_now(enrolled), next_url=projects)

    assert response["Location"] == projects
    assert client.session.session_key != password_session
    assert client.get(projects).status_code == 200


def test_valid_code_with_an_off_site_next_goes_to_the_admin_index(client, enrolled):
    sign_in(client, enrolled)
    response = send_code(client, code_now(enrolled), next_url="https://evil.example/admin/")
    assert response["Location"] == reverse("admin:index")


def test_wrong_codes_lock_the_user_out_even_with_the_right_password(client, enrolled, settings):
    sign_in(client, enrolled)
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert send_code(client, wrong_code(enrolled)).status_code == 200, attempt

    response = send_code(client, wrong_code(enrolled))

    assert response.status_code == 429
    assert "已被暂时锁定" in response.content.decode()
    assert not is_signed_in(client)
    failures = AccessFailureLog.objects.filter(username="fabu", path_info=verify_url())
    assert failures.count() == settings.AXES_FAILURE_LIMIT
    login = client.post(reverse("admin:login"), {"username": "fabu", "password": PASSWORD})
    assert login.status_code == 429
    assert not is_signed_in(client)


def test_signing_in_again_with_the_password_does_not_forgive_wrong_codes(
    client, enrolled, settings
):
    sign_in(client, enrolled)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        send_code(client, wrong_code(enrolled))
    client.logout()
    sign_in(client, enrolled)

    assert send_code(client, wrong_code(enrolled)).status_code == 429


def test_right_code_forgives_earlier_wrong_codes(client, enrolled, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    sign_in(client, enrolled)
    send_code(client, wrong_code(enrolled))

    assert send_code(client, code_now(enrolled)).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_right_code_does_not_lift_a_lock_in_force(client, enrolled, settings):
    sign_in(client, enrolled)
    AccessAttempt.objects.create(
        username="fabu", ip_address="203.0.113.66", failures_since_start=settings.AXES_FAILURE_LIMIT
    )

    response = send_code(client, code_now(enrolled))

    assert response.status_code == 429
    assert not is_signed_in(client)
    assert AccessAttempt.objects.filter(username="fabu").exists()


def test_backup_code_works_once_and_not_twice(client, enrolled):
    code = replace_backup_codes(enrolled)[0]
    sign_in(client, enrolled)
    response = send_code(client, code.upper()[:4] + "-" + code[4:])
    assert response["Location"] == reverse("admin:index")
    assert StaticToken.objects.filter(device__user=enrolled).count() == 9
    client.logout()

    sign_in(client, enrolled)
    response = send_code(client, code)

    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_regenerating_backup_codes_voids_the_old_ones(client, enrolled):
    old = set(replace_backup_codes(enrolled))
    client.force_login(enrolled)

    response = client.post(reverse("second-factor:account"))

    new = set(StaticToken.objects.filter(device__user=enrolled).values_list("token", flat=True))
    assert len(new) == 10 and not new & old
    assert all(code in response.content.decode() for code in new)


def test_reset_second_factor_removes_the_devices_and_asks_to_enrol_again(client, enrolled, caplog):
    replace_backup_codes(enrolled)
    out = io.StringIO()
    caplog.set_level(logging.INFO, logger="portal.accounts")

    call_command("reset_second_factor", "fabu", stdout=out)

    assert not TOTPDevice.objects.filter(user=enrolled).exists()
    assert not StaticDevice.objects.filter(user=enrolled).exists()
    assert "Removed the second factor of 'fabu'" in out.getvalue()
    assert "second factor reset: user='fabu'" in caplog.text
    sign_in(client, enrolled)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("second-factor:enrol"))


def test_reset_second_factor_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("reset_second_factor", "nobody")


def test_ensure_admin_explains_how_to_enrol(db, capsys):
    call_command("ensure_admin")
    out = capsys.readouterr().out
    assert "QR code" in out and "腾讯身份验证器" in out
    assert "backup codes" in out
    assert "reset_second_factor" in out
