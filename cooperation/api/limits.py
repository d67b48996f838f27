"""What every API answer shares: a rate limit per client address, and an ETag.

The limit is API_RATE_LIMIT requests a minute per address (portal.middleware.client_ip),
counted in fixed minutes in the Django cache: with REDIS_URL the cache is shared and the
count is across every worker of every app server; without it each worker process counts
on its own, so with N workers an address may reach N times the limit. Past it, 429 with
`Retry-After`, the seconds left in the minute. The page cache (portal.page_cache) counts a
request before it answers from the cache; the API then does not count it again.

The ETag is a hash of the answer's bytes, so it changes exactly when the answer does;
a request whose If-None-Match holds it gets 304 and no body.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import get_conditional_response
from ninja.throttling import BaseThrottle

from portal.middleware import client_ip

WINDOW_SECONDS = 60


class AddressRateLimit(BaseThrottle):
    def allow_request(self, request):
        if getattr(request, "api_rate_counted", False):
            return True  # counted and allowed by portal.page_cache
        window = int(time.time() // WINDOW_SECONDS)
        key = f"api-rate:{client_ip(request)}:{window}"
        # add() starts the count only if absent, so concurrent first requests are not lost.
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add() and incr()
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        self.retry_after = WINDOW_SECONDS - int(time.time() % WINDOW_SECONDS)
        return count <= settings.API_RATE_LIMIT

    def wait(self):
        return self.retry_after


def with_etag(request, response):
    """Marks a 200 answer with the ETag of its body; 304 when the client has it."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)
