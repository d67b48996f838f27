"""Settings for the East–West cooperation portal, read from the environment.

Every variable is listed in README.md. Values are parsed strictly: a value that
cannot be read is an error at start-up, never a silent default.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of "
        f"{', '.join(sorted(TRUE_WORDS))} or {', '.join(sorted(FALSE_WORDS))}."
    )


def env_int(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is below the least allowed value, {minimum}.")
    return value


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name, default, choices):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw.strip() not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of: {', '.join(sorted(choices))}.")
    return raw.strip()


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(`make run` generates one for local use)."
        )
    SECRET_KEY = "insecure-key-for-local-debugging-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "portal.apps.PortalConfig",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "ninja",
    "cooperation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.language.AddressLanguageMiddleware",
    # Whole public pages for anonymous visitors, in the page's language (portal/page_cache.py).
    "portal.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SessionLifetimeMiddleware",
    "portal.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]
# The benchmark reads each page's number of queries from a response header.
if env_bool("PORTAL_QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(0, "portal.middleware_querycount.QueryCountMiddleware")

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site_identity",
                "portal.context_processors.page_languages",
                "portal.context_processors.summaries_lagging",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite serves several gunicorn workers: in WAL mode readers never block the writer nor
# the writer them; a transaction takes the write lock when it begins (instead of failing
# half-way when another holds it) and waits up to 20 s for it.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def database(url):
    settings = dj_database_url.parse(
        url, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if settings["ENGINE"] == "django.db.backends.sqlite3":
        settings["OPTIONS"] = {**SQLITE_OPTIONS, **settings.get("OPTIONS", {})}
    return settings


DATABASES = {
    "default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cached pages, counts and totals are stored under the versions of the data they show,
# which live in the database, so that a change reaches every worker at once
# (cooperation/counting.py). REDIS_URL (redis://host:port/db) shares one cache between every
# worker of every app server, the API's rate limit included; without it each worker keeps
# its own, in memory.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 3600,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "portal"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
# Whole public pages cached for anonymous visitors (portal/page_cache.py), and the summaries
# a change touched computed again in the background after it commits (cooperation/summaries.py).
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
WARM_SUMMARIES = env_bool("DJANGO_WARM_SUMMARIES", True)
# How long an anonymous page may show a summary computed before a change of values while
# the new one is computed (cooperation/counting.py); 0: never.
SUMMARY_LAG_SECONDS = env_int("DJANGO_SUMMARY_LAG_SECONDS", 300, minimum=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Production security; every value can be relaxed from the environment (README lists them).
# No proxy is trusted unless counted: only then are X-Forwarded-For (the visitor's address,
# portal.middleware.client_ip) and X-Forwarded-Proto (HTTPS) believed.
for replaced in ("DJANGO_PROXY_COUNT", "DJANGO_SECURE_PROXY_SSL_HEADER"):
    if replaced in os.environ:
        raise ImproperlyConfigured(
            f"{replaced} was replaced by DJANGO_TRUSTED_PROXY_COUNT, the number of trusted "
            "proxies in front (0 by default); unset it."
        )
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0, minimum=0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
HTTPS_DEFAULT = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS_DEFAULT)
SECURE_HSTS_SECONDS = env_int(
    "DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS_DEFAULT else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = env_bool("DJANGO_SECURE_CONTENT_TYPE_NOSNIFF", True)
SECURE_REFERRER_POLICY = env_choice(
    "DJANGO_SECURE_REFERRER_POLICY",
    "same-origin",
    {
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
    },
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = env_choice(
    "DJANGO_SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "same-origin",
    {"same-origin", "same-origin-allow-popups", "unsafe-none"},
)
X_FRAME_OPTIONS = env_choice("DJANGO_X_FRAME_OPTIONS", "DENY", {"DENY", "SAMEORIGIN"})
# The messages framework's cookie follows the SESSION_COOKIE_* settings. No script reads a
# cookie: forms carry the CSRF token and the language switcher is a form.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env_bool(
    "DJANGO_SECURE_COOKIES", HTTPS_DEFAULT
)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Only this site's own files: no inline script or style, no outside origin.
csp_directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
if os.environ.get("DJANGO_CSP_REPORT_URI"):
    csp_directives["report-uri"] = os.environ["DJANGO_CSP_REPORT_URI"]
if env_bool("DJANGO_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": csp_directives}

# Staff login: django-axes locks a user name and, separately, an address after repeated
# failures. Addresses come from portal.middleware.client_ip (TRUSTED_PROXY_COUNT above).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_HANDLER = "portal.second_factor.CompleteLoginHandler"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "portal.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout_response"

# The second factor for superusers, reviewers and publishers (portal/second_factor.py): a
# TOTP app or a backup code; wrong codes count as failed logins above. The issuer names the
# account in the app; it is not translated, or an app would hold one account per language.
OTP_TOTP_ISSUER = "东西部协作管理后台"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Staff sessions end after 30 idle minutes and at most 8 hours after login.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_MAX_SECONDS = env_int("DJANGO_SESSION_MAX_SECONDS", 8 * 3600, minimum=60)

# Audit records (change history, admin log, login logs) are kept at least this long.
AUDIT_RETENTION_MIN_DAYS = 180

# The audit chain (portal/audit.py) seals those records with HMACs under this key. Keep it
# off the database server; unset, a key derived from SECRET_KEY is used and
# `check --deploy` warns (portal.W002). Historical models of simple_history are added to the
# chained models at start-up; labels that name no model are skipped.
AUDIT_KEY = os.environ.get("DJANGO_AUDIT_KEY", "").strip()
if AUDIT_KEY and len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_AUDIT_KEY must be at least 32 characters long.")
AUDIT_CHAINED_MODELS = ["admin.LogEntry", "axes.AccessFailureLog", "cooperation.ReviewStep"]

# Review before publishing (cooperation/publishing.py): 2 people at least (nobody approves
# what they wrote), or 3 (三审: the publisher is a third person). REVIEW_SOLO lets a single
# account take every step, for `make run` only; the admin shows a banner while it is on.
REVIEW_PEOPLE = int(env_choice("DJANGO_REVIEW_PEOPLE", "2", {"2", "3"}))
REVIEW_SOLO = env_bool("DJANGO_REVIEW_SOLO", False)

# The footer's lines that Chinese government sites carry, each shown only when set: who runs
# the site (主办单位), how to reach them, the ICP备案号 and the 网站标识码. None is invented.
SITE_PUBLISHER = os.environ.get("DJANGO_SITE_PUBLISHER", "").strip()
SITE_CONTACT = os.environ.get("DJANGO_SITE_CONTACT", "").strip()
SITE_ICP = os.environ.get("DJANGO_SITE_ICP", "").strip()
SITE_CODE = os.environ.get("DJANGO_SITE_CODE", "").strip()

# The bulk download (/data/, cooperation/opendata.py): where `build_open_data` writes it, and
# the licence and publisher its datapackage.json and catalogue name, each only when set.
OPEN_DATA_DIR = Path(os.environ.get("DJANGO_OPEN_DATA_DIR", "").strip() or BASE_DIR / "open-data")
OPEN_DATA_LICENSE_NAME = os.environ.get("DJANGO_OPEN_DATA_LICENSE_NAME", "").strip()
OPEN_DATA_LICENSE_URL = os.environ.get("DJANGO_OPEN_DATA_LICENSE_URL", "").strip()
OPEN_DATA_PUBLISHER = os.environ.get("DJANGO_OPEN_DATA_PUBLISHER", "").strip()

# The reporting organisation of the IATI file (/api/v1/iati/activities.xml): its IATI
# organisation identifier (e.g. CN-XXX-123), its type (IATI OrganisationType codelist) and
# name. IATI requires all three; until they are set the file answers 404 saying so.
IATI_REPORTING_ORG_REF = os.environ.get("DJANGO_IATI_REPORTING_ORG_REF", "").strip()
IATI_REPORTING_ORG_TYPE = env_choice(
    "DJANGO_IATI_REPORTING_ORG_TYPE",
    "",
    {str(code) for code in (10, 11, 15, 21, 22, 23, 24, 30, 40, 60, 70, 71, 72, 73, 80, 90)},
)
IATI_REPORTING_ORG_NAME = os.environ.get("DJANGO_IATI_REPORTING_ORG_NAME", "").strip()
# Activities in one file; more are on the next pages (the Link header, rel="next").
IATI_MAX_ACTIVITIES = env_int("DJANGO_IATI_MAX_ACTIVITIES", 1000, minimum=1)

# The JSON API (/api/v1/): requests a minute per client address before 429 (each worker
# process counts on its own, cooperation/api/limits.py).
API_RATE_LIMIT = env_int("DJANGO_API_RATE_LIMIT", 120, minimum=1)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
# locale/ is the portal's own catalogs, made by `make messages`; locale_vendor/ adds the
# Chinese that django-import-export and django-axes lack. It comes second so that
# makemessages writes only to locale/ (it takes the first path that holds a source file).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"


# The task queue (portal/celery.py, cooperation/jobs.py): long work (large exports and imports,
# the bulk download after changes) runs on Celery workers when there is a broker, else in a
# thread of the web server. The broker is database REDIS_QUEUE_DB (15) of the REDIS_URL
# server, apart from the cache's database (Django's cache.clear() empties a whole database,
# which must not take queued work with it); CELERY_BROKER_URL overrides. No result backend:
# a job's state, progress and file are rows of portal.models.Job.
def redis_database(url, number):
    base, _, last = url.rstrip("/").rpartition("/")
    return f"{base}/{number}" if last.isdigit() and "//" in base else f"{url.rstrip('/')}/{number}"


CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or (
    redis_database(os.environ["REDIS_URL"].strip(), env_int("REDIS_QUEUE_DB", 15, minimum=0))
    if os.environ.get("REDIS_URL", "").strip()
    else ""
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False  # Never eager: a task must not run inside the request.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # Jobs are long: a worker takes one at a time.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Finished jobs' files (exports, import reports) are written through Django's storage API
# (STORAGES["default"] above): MEDIA_ROOT on one machine; with several app servers set
# DJANGO_MEDIA_ROOT to a directory all of them and the workers mount (NFS), or configure an
# object store as STORAGES["default"]. `prune_jobs --days 2` removes old jobs and files.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", "").strip() or BASE_DIR / "media")
# A list export of more rows than this is written by a job, with a progress page; fewer are
# streamed at once. With a broker, the bulk download is rebuilt by a task once the data has
# stood still for OPEN_DATA_SETTLE_SECONDS after a change (cooperation/open_data_jobs.py);
# without one, by the build_open_data timer, or by a thread with OPEN_DATA_AFTER_CHANGES=1.
EXPORT_JOB_FROM_ROWS = env_int("DJANGO_EXPORT_JOB_FROM_ROWS", 20_000, minimum=1)
OPEN_DATA_AFTER_CHANGES = env_bool("DJANGO_OPEN_DATA_AFTER_CHANGES", bool(CELERY_BROKER_URL))
OPEN_DATA_SETTLE_SECONDS = env_int("DJANGO_OPEN_DATA_SETTLE_SECONDS", 300, minimum=0)

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
