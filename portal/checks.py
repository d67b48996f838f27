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
