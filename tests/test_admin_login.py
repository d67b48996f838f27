from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse


def test_admin_login_page_is_served(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_admin_redirects_anonymous_visitor_to_login(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_ensure_admin_creates_one_admin_with_a_random_password(db, capsys):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    call_command("ensure_admin")
    second = capsys.readouterr().out
    User = get_user_model()
    assert User.objects.filter(is_superuser=True).count() == 1
    password = first.split("password:")[1].split()[0]
    assert len(password) >= 16
    assert User.objects.get(username="admin").check_password(password)
    assert "already exists" in second
    assert password not in second
