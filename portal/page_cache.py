"""Public pages and API answers cached whole for anonymous visitors.

An entry is kept per address (path, query parameters in a stable order, language, host
and scheme) and holds the answer with the scopes the page declared while it was built
(`depends_on`; none declared means all the data, counting.ANY) and their versions then.
A request reads the current versions of the entry's scopes, with ANY and GLOBAL_SCOPES, in
one query (cooperation/counting.py); if they are the same, the stored answer is sent, with
an ETag made of the versions and the address (304 when the visitor has it). Otherwise the
page is built as usual and stored if it may be: nothing changed while it was built (ANY is
the same as at the start, so the data it read is the data of the versions stored), status
200, a GET by a visitor without a session or messages cookie, and an answer that set no
cookie, used no CSRF token, does not vary on Cookie, is not streamed (exports, files) or an
attachment, and not marked private or no-store by its view. The admin, the feedback form,
the language switch, /healthz and the progress of jobs are never cached. Cacheable answers
say `Cache-Control: public, no-cache`: nginx or a CDN may keep them but must ask again each
time (a 304 costs one query). Staff, or anyone with a session, always get pages built for
them, marked `private, no-store`.

The API's rate limit (cooperation.api.limits) is counted here, before a stored answer is
sent, and the API then does not count the same request again.

A page built while a summary it shows lags behind a change of values (cooperation/counting.py:
only these anonymous requests may be given one) is sent marked `X-Page-Cache: lagging` and
`no-store`, and not kept: the visitor after the summary is computed again gets the new page.

Answers that could be kept say `X-Page-Cache: hit` or `miss` (the benchmark's hit rate).
settings.PAGE_CACHE turns it off (the tests do, except their own).
"""

import hashlib
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, get_conditional_response
from django.utils.translation import get_language

from cooperation.counting import (
    ANY,
    EVERYTHING,
    allow_lag,
    began_with,
    lagging,
    version_key,
    versions,
)

# Staff pages, forms, liveness, and the progress of long work (cooperation/views/jobs.py),
# which changes with no change of the data.
NEVER_CACHED = ("/admin/", "/i18n/", "/healthz", "/feedback/", "/jobs/")
API = "/api/"
ENTRY_PREFIX = "page:"
# Headers the stored answer keeps; the outer middleware add the security headers anew.
KEPT_HEADERS = ("Content-Type", "Content-Language", "ETag", "Link", "X-Frame-Options", "Vary")


def depends_on(request, *scopes):
    """Say that the page being built shows data of these scopes (see
    cooperation/invalidation.py); a page that says nothing depends on all the data."""
    request.__dict__.setdefault("page_scopes", set()).update(scopes)


def never_cached_path(path):
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if code != settings.LANGUAGE_CODE and path.startswith(prefix):
            path = path[len(prefix) - 1 :]
    return path.startswith(NEVER_CACHED)


def has_session(request):
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def entry_key(request):
    """The address's key, or None when it cannot be cached."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    # One parameter's values keep their order (?sort=a&sort=b is not ?sort=b&sort=a).
    pairs = sorted(
        parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True),
        key=lambda pair: pair[0],
    )
    address = f"{request.scheme}://{host}{request.path}?{urlencode(pairs)}#{get_language()}"
    return ENTRY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def etag_of(key, tokens):
    return f'"{version_key(tokens)}{key[-8:]}"'


def cacheable(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    if request.META.get("CSRF_COOKIE_USED") or response.has_header("Content-Disposition"):
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
    if "cookie" in vary or "*" in vary:
        return False
    # A view that said it must not be kept (never_cache, private answers).
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "max-age=0")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def stored_response(entry):
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(entry["content"]))  # as CommonMiddleware would
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_session(request):
            response = self.get_response(request)
            add_never_cache_headers(response)
            return response
        if (
            not getattr(settings, "PAGE_CACHE", True)
            or request.method not in ("GET", "HEAD")
            or never_cached_path(request.path_info)
        ):
            return self.get_response(request)
        key = entry_key(request)
        if key is None:
            return self.get_response(request)
        return self.answer(request, key)

    def answer(self, request, key):
        if request.path_info.startswith(API):
            refused = rate_limited(request)
            if refused is not None:
                return refused
        entry = cache.get(key)
        scopes = entry["scopes"] if entry else []
        start = versions([*scopes, ANY])
        if entry is not None and {s: start[s] for s in entry["versions"]} == entry["versions"]:
            response = stored_response(entry)
            response["X-Page-Cache"] = "hit"
            return self.finish(request, response, entry["etag"])
        began_with(start)
        allow_lag()
        response = self.get_response(request)
        if lagging():
            add_never_cache_headers(response)
            response["X-Page-Cache"] = "lagging"
            return response
        if not cacheable(request, response):
            return response
        scopes = sorted(request.__dict__.get("page_scopes") or {ANY})
        now = versions([*scopes, ANY], fresh=True)
        if (now[ANY], now[EVERYTHING]) != (start[ANY], start[EVERYTHING]):
            return response  # the data changed while the page was built
        tokens = {scope: now[scope] for scope in {*scopes, EVERYTHING}}
        etag = response.get("ETag") or etag_of(key, tokens)
        response["ETag"] = etag
        headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
        entry = {"scopes": scopes, "versions": tokens, "etag": etag, "headers": headers}
        cache.set(key, {**entry, "content": response.content})
        response["X-Page-Cache"] = "miss"
        return self.finish(request, response, etag)

    def finish(self, request, response, etag):
        response["Cache-Control"] = "public, no-cache"
        return get_conditional_response(request, etag=etag, response=response)


def rate_limited(request):
    """The API's 429, counted here so that a stored answer is not sent past the limit."""
    from ninja.errors import Throttled

    from cooperation.api.limits import AddressRateLimit
    from cooperation.api.service import too_many_requests

    limit = AddressRateLimit()
    allowed = limit.allow_request(request)
    request.api_rate_counted = True
    if allowed:
        return None
    wait = limit.wait()
    response = too_many_requests(request, Throttled(wait))
    response["Retry-After"] = str(int(wait))  # as django-ninja's own 429
    return response
