from django.db import OperationalError
from django.urls import reverse


def test_healthz_answers_ok_when_database_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_is_503_when_database_is_unreachable(client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr("portal.views.connection.cursor", refuse)
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert b"unavailable" in response.content


def test_healthz_is_never_cached(client, db):
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"]
