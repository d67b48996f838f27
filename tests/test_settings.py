import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings import env_bool, env_int, env_list

PROJECT_DIR = Path(__file__).resolve().parent.parent


def import_settings(**env):
    """Import the settings module in a fresh interpreter with the given environment."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=PROJECT_DIR,
        env=full_env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "yes", "on"])
def test_true_words_are_true(monkeypatch, word):
    monkeypatch.setenv("SOME_FLAG", word)
    assert env_bool("SOME_FLAG", False) is True


@pytest.mark.parametrize("word", ["0", "false", "No", "off"])
def test_false_words_are_false(monkeypatch, word):
    monkeypatch.setenv("SOME_FLAG", word)
    assert env_bool("SOME_FLAG", True) is False


def test_unset_boolean_takes_default(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_bool("SOME_FLAG", True) is True


@pytest.mark.parametrize("word", ["maybe", "2", "tru", "enabled"])
def test_bad_boolean_is_refused(monkeypatch, word):
    monkeypatch.setenv("SOME_FLAG", word)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


def test_bad_integer_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("SOME_NUMBER", 1)


def test_list_is_split_on_commas(monkeypatch):
    monkeypatch.setenv("SOME_HOSTS", "a.example, b.example,,")
    assert env_list("SOME_HOSTS", []) == ["a.example", "b.example"]


def test_bad_debug_value_stops_start_up_with_a_clear_message():
    result = import_settings(DJANGO_DEBUG="maybe", DJANGO_SECRET_KEY="x")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_secret_key_is_required_when_debug_is_off():
    result = import_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_defaults_to_off():
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(s.DEBUG)"],
        cwd=PROJECT_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_SECRET_KEY": "x"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_site_speaks_chinese_in_china_time(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_sqlite_files_are_opened_for_concurrent_workers(tmp_path, django_db_blocker):
    from django.db.utils import ConnectionHandler

    from portal.settings import database

    handler = ConnectionHandler({"default": database(f"sqlite:///{tmp_path / 'portal.sqlite3'}")})
    connection = handler["default"]
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert cursor.execute("PRAGMA busy_timeout").fetchone() == (20000,)
            assert cursor.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
        assert connection.transaction_mode == "IMMEDIATE"
        connection.close()


def test_postgresql_urls_get_no_sqlite_options():
    from portal.settings import database

    options = database("postgres://portal@db.internal:5432/portal").get("OPTIONS", {})
    assert "init_command" not in options
    assert "transaction_mode" not in options


@pytest.mark.parametrize("old_name", ["DJANGO_PROXY_COUNT", "DJANGO_SECURE_PROXY_SSL_HEADER"])
@pytest.mark.parametrize("value", ["0", "1"])
def test_replaced_proxy_variables_stop_start_up(old_name, value):
    result = import_settings(DJANGO_SECRET_KEY="x", **{old_name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{old_name} was replaced by DJANGO_TRUSTED_PROXY_COUNT" in result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "is below the least allowed value, 0"), ("one", "is not a whole number")],
)
def test_bad_trusted_proxy_count_stops_start_up(value, message):
    result = import_settings(DJANGO_SECRET_KEY="x", DJANGO_TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0
    assert f"DJANGO_TRUSTED_PROXY_COUNT={value!r} {message}" in result.stderr
