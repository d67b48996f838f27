import pytest
from django.test import Client


@pytest.fixture(scope="session", autouse=True)
def _force_login_includes_the_second_factor():
    """`client.force_login(user)` stands for a finished sign-in, and for staff who need a second
    factor (portal.second_factor) a finished sign-in includes the code. So that tests which
    open admin pages as a publisher or superuser keep the gate switched on rather than around
    it, force_login also gives such a user a confirmed TOTP device and marks the session
    verified with it, as django_otp.login() does. Tests of the second factor itself sign in
    through the login form, or with the plain `Client.force_login` they keep as
    `Client.force_login_without_second_factor`.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.second_factor import needs_second_factor

    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if needs_second_factor(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login_without_second_factor", force_login, raising=False)
        patch.setattr(Client, "force_login", force_login_verified)
        yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _chinese_until_a_request_says_otherwise():
    """A request to an English address (/en/…) leaves English active in the test's thread, as
    every request leaves its language, and reverse() follows it: each test starts without."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def world(db):
    from tests.factories import World

    return World()


@pytest.fixture(autouse=True)
def _api_rate_limit_out_of_the_way(settings):
    """Tests send many API requests from one address; the rate limit's own test lowers it."""
    settings.API_RATE_LIMIT = 10**6


@pytest.fixture(autouse=True)
def _pages_built_afresh(settings):
    """Tests count the queries of building a page, and no summary is warmed in a thread
    after a commit; the page cache's and the invalidation's own tests turn them on."""
    settings.PAGE_CACHE = settings.WARM_SUMMARIES = False


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


@pytest.fixture
def lag(settings, monkeypatch):
    """The page cache on, and the background refresh of a lagging summary held back until
    the test runs it (`refreshes`), so that it starts from the same state each time."""
    from django.core.cache import cache

    from cooperation import counting

    settings.PAGE_CACHE = True
    settings.SUMMARY_LAG_SECONDS = 300
    pending = []
    monkeypatch.setattr(counting, "in_background", lambda work, name: pending.append(work))
    cache.clear()
    yield pending
    cache.clear()
