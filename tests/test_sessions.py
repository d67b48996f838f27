from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from portal.middleware import SESSION_LOGIN_AT

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

PASSWORD = "Ziyun-Nansha-2023"


class Clock:
    """Moves Django's idea of now; the session store and the middleware both read it."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def staff_client(client, db, clock):
    get_user_model().objects.create_user("bianji", password=PASSWORD, is_staff=True)
    response = client.post(reverse("admin:login"), {"username": "bianji", "password": PASSWORD})
    assert response.status_code == 302
    return client


def admin_index_status(client):
    return client.get(reverse("admin:index")).status_code


def test_activity_keeps_the_session_alive(staff_client, clock):
    for _ in range(4):
        clock.advance(minutes=29)
        assert admin_index_status(staff_client) == 200


def test_session_ends_after_thirty_idle_minutes(staff_client, clock):
    clock.advance(minutes=29)
    assert admin_index_status(staff_client) == 200
    clock.advance(minutes=31)
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_session_ends_eight_hours_after_login_however_active(staff_client, clock):
    for _ in range(19):  # 19 × 25 minutes = 7 h 55 min
        clock.advance(minutes=25)
        assert admin_index_status(staff_client) == 200
    clock.advance(minutes=10)

    response = staff_client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("admin:login"))
    assert "登录已超过最长时限" in response.content.decode()
    assert "_auth_user_id" not in staff_client.session


def test_login_time_is_kept_in_the_session(staff_client, clock):
    assert staff_client.session[SESSION_LOGIN_AT] == clock.now.timestamp()


def test_logging_in_again_starts_a_new_eight_hours(staff_client, clock):
    clock.advance(minutes=20)
    assert admin_index_status(staff_client) == 200
    clock.advance(minutes=20)
    staff_client.post(reverse("admin:login"), {"username": "bianji", "password": PASSWORD})
    assert staff_client.session[SESSION_LOGIN_AT] == clock.now.timestamp()


def test_public_pages_stay_cacheable_for_visitors_without_a_session(client, db):
    response = client.get(reverse("healthz"))
    assert "Cookie" not in response.get("Vary", "")
