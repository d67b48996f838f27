import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def world(db):
    from tests.factories import World

    return World()


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """Tests speak plain HTTP; the security tests turn the HTTPS redirect back on."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def fast_password_hashing(settings):
    """For tests that log in many times: a weak hash is fine for throw-away accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(client, db):
    """The test client, signed in as a member of the editors' group."""
    from cooperation import roles
    from tests.factories import make_staff

    client.force_login(make_staff(roles.EDITORS, "bianji"))
    return client


@pytest.fixture
def publisher(client, db):
    """The test client, signed in as a member of the publishers' group."""
    from cooperation import roles
    from tests.factories import make_staff

    client.force_login(make_staff(roles.PUBLISHERS, "fabu"))
    return client
