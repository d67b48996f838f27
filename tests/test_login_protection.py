import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from portal.middleware import client_ip

PASSWORD = "Ziyun-Nansha-2023"
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.7"

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("bianji", password=PASSWORD, is_staff=True)


@pytest.fixture
def publisher(db):
    return get_user_model().objects.create_user("fabuzhe", password=PASSWORD, is_staff=True)


def log_in(client, username, password, address, forwarded_for=None):
    """A login over a connection from `address`, claiming `forwarded_for` if given."""
    forwarded = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **forwarded,
    )


def fail_five_times(client, username, address=ATTACKER):
    for _ in range(5):
        log_in(client, username, "wrong-password", address)


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(client, editor):
    for attempt in range(4):
        response = log_in(client, "bianji", "wrong-password", ATTACKER)
        assert response.status_code == 200, attempt
    assert log_in(client, "bianji", "wrong-password", ATTACKER).status_code == 429

    response = log_in(client, "bianji", PASSWORD, ATTACKER)

    assert response.status_code == 429
    assert "已被暂时锁定" in response.content.decode()
    assert "30 分钟后再试" in response.content.decode()
    assert not is_logged_in(client)


def test_lock_lasts_the_whole_cool_off_and_lifts_after_it(client, editor):
    fail_five_times(client, "bianji")

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=29))
    assert log_in(client, "bianji", PASSWORD, ATTACKER).status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=31))
    response = log_in(client, "bianji", PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_locked_user_name_is_refused_from_any_address(client, editor):
    fail_five_times(client, "bianji", ATTACKER)
    assert log_in(client, "bianji", PASSWORD, COLLEAGUE).status_code == 429


def test_locked_address_is_refused_for_every_user_name(client, editor):
    for name in ["a", "b", "c", "d", "e"]:
        log_in(client, name, "guess", ATTACKER)
    assert log_in(client, "bianji", PASSWORD, ATTACKER).status_code == 429


def test_lock_on_one_user_does_not_block_another_user_elsewhere(client, editor, publisher):
    fail_five_times(client, "bianji", ATTACKER)

    response = log_in(client, "fabuzhe", PASSWORD, COLLEAGUE)

    assert response.status_code == 302
    assert is_logged_in(client)


def fail_five_times_then_log_in_another_user_through(client, remote_addr):
    for _ in range(5):
        log_in(client, "bianji", "wrong-password", remote_addr, forwarded_for=ATTACKER)
    return log_in(client, "fabuzhe", PASSWORD, remote_addr, forwarded_for=COLLEAGUE)


def test_without_a_trusted_proxy_a_new_forwarded_address_does_not_lift_the_lock(
    client, editor, publisher
):
    response = fail_five_times_then_log_in_another_user_through(client, PROXY)

    assert response.status_code == 429
    assert not is_logged_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {PROXY}


def test_behind_a_trusted_proxy_the_forwarded_address_is_locked_not_the_proxy(
    client, editor, publisher, settings
):
    settings.TRUSTED_PROXY_COUNT = 1

    response = fail_five_times_then_log_in_another_user_through(client, PROXY)

    assert response.status_code == 302
    assert is_logged_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert AccessLog.objects.get().ip_address == COLLEAGUE


def test_success_resets_the_failure_count(client, editor):
    for _ in range(4):
        log_in(client, "bianji", "wrong-password", ATTACKER)
    assert log_in(client, "bianji", PASSWORD, ATTACKER).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()

    for _ in range(4):
        log_in(client, "bianji", "wrong-password", ATTACKER)
    assert log_in(client, "bianji", PASSWORD, ATTACKER).status_code == 302


def test_logins_and_failures_are_logged_without_the_password(client, editor, caplog):
    caplog.set_level(logging.INFO, logger="portal.accounts")
    log_in(client, "bianji", "wrong-password", ATTACKER)
    log_in(client, "bianji", PASSWORD, COLLEAGUE)

    messages = [
        record.getMessage() for record in caplog.records if record.name == "portal.accounts"
    ]
    assert messages == [
        f"login failed: user='bianji' ip={ATTACKER}",
        f"login succeeded: user='bianji' ip={COLLEAGUE}",
    ]
    assert "wrong-password" not in caplog.text
    assert PASSWORD not in caplog.text
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address) == ("bianji", ATTACKER)
    success = AccessLog.objects.get()
    assert (success.username, success.ip_address) == ("bianji", COLLEAGUE)


@pytest.mark.parametrize(
    ("remote_addr", "forwarded", "proxies", "expected"),
    [
        ("10.0.0.2", "", 1, "10.0.0.2"),
        ("10.0.0.2", "203.0.113.66", 1, "203.0.113.66"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.66", 1, "203.0.113.66"),
        ("10.0.0.3", "6.6.6.6, 203.0.113.66, 10.0.0.2", 2, "203.0.113.66"),
        ("203.0.113.66", "6.6.6.6", 0, "203.0.113.66"),
        ("10.0.0.2", "not-an-address", 1, "10.0.0.2"),
        ("10.0.0.2", "2001:db8::1", 1, "2001:db8::1"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(
    settings, remote_addr, forwarded, proxies, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_by_default_the_connection_address_is_used_whatever_is_forwarded():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert client_ip(request) == PROXY


def test_admin_login_form_still_logs_staff_in(client, editor):
    response = log_in(client, "bianji", PASSWORD, COLLEAGUE)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_every_failed_login_of_one_user_stays_on_record_past_axes_limit(client, editor):
    """django-axes keeps 1,000 failures a user by default and deletes the oldest."""
    AccessFailureLog.objects.bulk_create(
        AccessFailureLog(username="bianji", ip_address=ATTACKER, path_info="/admin/login/")
        for _ in range(1499)
    )
    log_in(client, "bianji", "wrong-password", ATTACKER)

    assert AccessFailureLog.objects.filter(username="bianji").count() == 1500
