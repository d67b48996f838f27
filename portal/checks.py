from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_https_redirect_behind_proxy(app_configs, **kwargs):
    """Behind a TLS-terminating proxy that is not trusted, every request looks like HTTP."""
    if settings.SECURE_SSL_REDIRECT and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            checks.Warning(
                "SECURE_SSL_REDIRECT is on but no proxy is trusted, so X-Forwarded-Proto is "
                "ignored: behind a TLS-terminating proxy every request looks like plain HTTP "
                "and is redirected to HTTPS forever.",
                hint="Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies in front "
                "(1 behind one nginx).",
                id="portal.W001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_separate_audit_key(app_configs, **kwargs):
    """A key derived from SECRET_KEY sits wherever the settings do, often beside the database."""
    if not settings.AUDIT_KEY:
        return [
            checks.Warning(
                "DJANGO_AUDIT_KEY is not set: the audit chain is sealed with a key derived "
                "from SECRET_KEY.",
                hint="Set DJANGO_AUDIT_KEY to a random value of 32 characters or more, kept "
                "off the database server and never stored in the database; it cannot be "
                "changed later without making the existing record unverifiable.",
                id="portal.W002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_review_not_solo(app_configs, **kwargs):
    """One account taking every review step is for trying the portal out, never for the public."""
    if settings.REVIEW_SOLO:
        return [
            checks.Warning(
                "DJANGO_REVIEW_SOLO is on: one account may write, review and publish the "
                "same revision.",
                hint="Unset DJANGO_REVIEW_SOLO: at least two people must stand between "
                "writing and publishing.",
                id="portal.W003",
            )
        ]
    return []
