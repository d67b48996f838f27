"""Counts, totals and pages kept in the cache until the data they show changes.

The data has a version per scope: a row of the table cooperation_data_version whose random
token a change replaces, in the change's own transaction (cooperation/invalidation.py says
which scopes each change touches, and lists them). A cached value is stored under the tokens
of the scopes it depends on, read before it is computed, so that a value computed from
newer data than its tokens is never wrong and one from older data is never found again. A
value without scopes depends on ANY, which every change replaces; every value depends on
EVERYTHING, which `bump()` replaces for writes that skip the model signals (bulk_create,
QuerySet.update, raw SQL).

The cache (settings.CACHES) is one per process, or Redis shared by every process of every
app server (REDIS_URL); the tokens live in the database, so a change reaches them all at
once either way. A request reads the tokens it needs once: the first read also fetches
GLOBAL_SCOPES, so that most pages make one small query for all of them.

Summaries (`summary`) are the expensive values: totals over many figures, a region's page,
the flow diagram, the count of a text search (which reads every match). After a change
they are computed again in the background (cooperation.summaries.warm, or after the request
that met them), and until that is done an anonymous visitor's page
(`allow_lag`, set by portal.page_cache) may show the summary computed before the change:
what may lag is an edit of values (a figure's value, a title), for at most
settings.SUMMARY_LAG_SECONDS after the first visitor met it (then the visitor's request
computes it). Nothing lags behind a record created, published, unpublished, moved or
deleted or a link changed (MOVES), and nothing lags for staff or outside a request. A page
built from a lagging summary says so (`lagging`) and is not kept by the page cache.
"""

import hashlib
import logging
import threading
import time
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.utils.translation import get_language, override

logger = logging.getLogger(__name__)

VERSION_TABLE = "cooperation_data_version"
MISSING = object()

# Replaced by bump() alone: every cached value depends on it.
EVERYTHING = "everything"
# Replaced by every change: what a value or page without scopes depends on.
ANY = "any"
# Scopes that are not one record's; cooperation/invalidation.py says what each covers.
TOTALS = "totals"
YEARS = "years"
EVENTS = "events"
# Replaced by every change but an edit of values (see above, and invalidation.py).
MOVES = "moves"
# The projects' own funds (Project.funds), which the lists of projects show.
FUNDS = "funds"
LISTS = tuple(
    f"list:{kind}"
    for kind in (
        "project",
        "pairing",
        "beneficiary",
        "organization",
        "region",
        "source",
        "person",
        "figure",
    )
)
NAMES = tuple(f"names:{kind}" for kind in ("region", "organization", "source", "person"))
GLOBAL_SCOPES = (EVERYTHING, ANY, MOVES, FUNDS, TOTALS, YEARS, EVENTS, *LISTS, *NAMES)


# The tokens a request has read, so that it reads each once (wired in watch_changes).
_request = threading.local()


def _memo():
    return _request.versions if getattr(_request, "active", False) else None


def _read(scopes):
    scopes = sorted(scopes)
    marks = ", ".join(["%s"] * len(scopes))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scope, token FROM {VERSION_TABLE} WHERE scope IN ({marks})", scopes)
        found = dict(cursor.fetchall())
    return {scope: found.get(scope, "") for scope in scopes}


def versions(scopes, fresh=False):
    """{scope: token} of the scopes and EVERYTHING: read once per request (in one query
    with GLOBAL_SCOPES the first time), or from the database when `fresh`."""
    wanted = {*scopes, EVERYTHING}
    memo = _memo()
    if memo is None or fresh:
        found = _read(wanted | (set(GLOBAL_SCOPES) if memo is not None else set()))
    else:
        missing = wanted - memo.keys()
        if not missing:
            return {scope: memo[scope] for scope in wanted}
        found = _read(missing | (set() if memo else set(GLOBAL_SCOPES)))
    if memo is not None:
        memo.update(found)
        found = memo
    return {scope: found[scope] for scope in wanted}


@lru_cache(maxsize=1)
def code_release():
    """A fingerprint of the code, templates and catalogs this process runs, so that a
    shared cache does not serve what an older release rendered."""
    digest = hashlib.sha256()
    for folder in ("cooperation", "portal", "templates", "locale"):
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".xml", ".mo", ".json"):
                stat = path.stat()
                digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
    return digest.hexdigest()[:12]


def version_key(tokens):
    """A short key for a set of {scope: token}, and the code's release."""
    text = "\n".join(f"{scope}={token}" for scope, token in sorted(tokens.items()))
    return hashlib.sha256(f"{code_release()}\n{text}".encode()).hexdigest()[:32]


def versioned_key(key, tokens):
    return f"{key}:{version_key(tokens)}"


def data_version():
    """The version of all the data: new after any change."""
    tokens = versions([ANY])
    return f"{tokens[ANY]}{tokens[EVERYTHING]}"


def bump(*scopes):
    """Give these scopes (and ANY) a new version, or every scope when none are named."""
    scopes = sorted({*scopes, ANY} if scopes else {EVERYTHING, ANY})
    token = uuid.uuid4().hex
    values = ", ".join(["(%s, %s)"] * len(scopes))
    # Rows in sorted order, so that two transactions never wait for each other's rows.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {VERSION_TABLE} (scope, token) VALUES {values} "
            "ON CONFLICT (scope) DO UPDATE SET token = excluded.token",
            [part for scope in scopes for part in (scope, token)],
        )
    memo = _memo()
    if memo is not None:
        memo.update(dict.fromkeys(scopes, token))


def request_started_here(**kwargs):
    _request.active, _request.versions, _request.start = True, {}, None
    _request.lag_allowed = _request.lagging = False
    _request.refreshes = []


def request_ended_here(**kwargs):
    """After the answer is sent: start the refreshes of the summaries it lagged behind."""
    refreshes = getattr(_request, "refreshes", [])
    _request.active, _request.versions, _request.start = False, {}, None
    _request.lag_allowed = _request.lagging = False
    _request.refreshes = []
    for work, name in refreshes:
        in_background(work, name)


def began_with(tokens):
    """Say that this request read these tokens (ANY and EVERYTHING among them) before any of
    its data, as portal.page_cache does first thing."""
    if getattr(_request, "active", False):
        _request.start = {scope: tokens[scope] for scope in (ANY, EVERYTHING)}


def tokens_since_start(scopes):
    """({scope: token} of the scopes, read now; whether nothing changed since the request
    began, see began_with), or None in a request that did not say when it began."""
    start = getattr(_request, "start", None)
    if not getattr(_request, "active", False) or start is None:
        return None
    found = _read({*scopes, *start})
    return found, all(found[scope] == token for scope, token in start.items())


def allow_lag():
    """Let this request's summaries lag behind changes of values (an anonymous visitor's)."""
    _request.lag_allowed = getattr(_request, "active", False)


def lagging():
    """Whether this request was given a summary computed before the latest change."""
    return getattr(_request, "lagging", False)


def cached(key, compute, scopes=None):
    """`compute()`, or its value for the current versions of `scopes` (of all the data
    when no scopes are named)."""
    versioned = versioned_key(key, versions(scopes or [ANY]))
    value = cache.get(versioned, MISSING)
    if value is MISSING:
        value = exactly(compute)
        cache.set(versioned, value)
    return value


def exactly(compute):
    """compute(), with no summary lagging inside it: what is kept under the current
    versions must be of the current data."""
    allowed = getattr(_request, "lag_allowed", False)
    _request.lag_allowed = False
    try:
        return compute()
    finally:
        _request.lag_allowed = allowed


def summary(key, compute, scopes):
    """cached(), for a value expensive to compute: where lag is allowed (see above), the
    value of older versions while nothing has moved since it was computed, and
    the new value computed meanwhile in a thread of this process."""
    tokens = versions([*scopes, MOVES])
    guard = f"{tokens[MOVES]}{tokens[EVERYTHING]}"
    tokens.pop(MOVES)
    versioned = versioned_key(key, tokens)
    value = cache.get(versioned, MISSING)
    if value is not MISSING:
        return value
    if getattr(_request, "lag_allowed", False) and settings.SUMMARY_LAG_SECONDS:
        value = lagged(key, versioned, guard)
        if value is not MISSING:
            _request.lagging = True
            # One refresh of a summary at a time: edits in a burst wait for it to end.
            if cache.add(f"{key}:computing", True, settings.SUMMARY_LAG_SECONDS):
                refresh(key, versioned, guard, compute)
            return value
    return keep(key, versioned, guard, exactly(compute))


def keep(key, versioned, guard, value):
    # Kept until replaced or evicted (a cache of bounded size drops old versions first).
    cache.set(versioned, value, None)
    cache.set(f"{key}:latest", (guard, versioned), None)
    return value


# How long the time a lag began is remembered: long after a lag may last.
LAG_MARK_SECONDS = 86400


def lagged(key, versioned, guard):
    """The latest value of `key` computed since the last move, unless its lag has
    lasted SUMMARY_LAG_SECONDS since a visitor first met it."""
    latest = cache.get(f"{key}:latest")
    if latest is None or latest[0] != guard:
        return MISSING
    since = cache.get_or_set(f"{versioned}:lag", time.time, LAG_MARK_SECONDS)
    if time.time() - since > settings.SUMMARY_LAG_SECONDS:
        return MISSING
    return cache.get(latest[1], MISSING)


def refresh(key, versioned, guard, compute):
    """Compute a lagging summary in the background once the answer is sent, in the request's
    language, and keep it under the versions the request read (its data is as new or
    newer)."""
    language = get_language()

    def work():
        try:
            with override(language):
                keep(key, versioned, guard, compute())
        finally:
            cache.delete(f"{key}:computing")

    _request.refreshes.append((work, f"summary:{key}"))


def in_background(work, name):
    """work() in a daemon thread with its own database connection; a failure is logged."""

    def run():
        try:
            work()
        except Exception:
            logger.exception("%s failed", name)
        finally:
            connections.close_all()

    threading.Thread(target=run, name=name, daemon=True).start()


def cached_count(queryset, scopes=None, lag=False):
    """The exact number of rows, counted once per version of the scopes (of all the data
    when none are named); with `lag`, kept as a summary that may lag (see above)."""
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        return 0
    digest = hashlib.sha256(f"{queryset.db}\n{sql}\n{params!r}".encode()).hexdigest()
    if lag:
        return summary(f"count:{digest}", queryset.count, scopes or [ANY])
    return cached(f"count:{digest}", queryset.count, scopes)


# What a page lists of one kind of record before saying how many there are in all.
CAPPED_ROWS = 50


class Capped(list):
    """The first records of a group, and how many the whole group holds."""

    def __init__(self, records, total):
        super().__init__(records)
        self.total = total

    @property
    def is_cut(self):
        return self.total > len(self)


def capped(records, limit=CAPPED_ROWS, scopes=None):
    """The first records, and how many there are in all: counted once per version of the
    data, and looked up even when all are shown, so that a page makes the same queries
    whether it is cut or not."""
    return Capped(records[:limit], cached_count(records, scopes))


def watch_changes():
    """Replace the versions of what a change can be seen under, whenever a record of the
    app is saved, deleted or relinked (cooperation/change_signals.py); read them once per
    request."""
    from django.core.signals import request_finished, request_started

    from cooperation import change_signals

    request_started.connect(request_started_here)
    request_finished.connect(request_ended_here)
    change_signals.connect_signals()
