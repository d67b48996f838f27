"""Counts and totals kept in the cache until the data changes, in every worker at once.

Each server process has its own cache (settings.CACHES). A cached value is stored under
the data's version: a random token in the database that any change to the app's records
replaces, in the same transaction. Reading the token is one small query, made once per
request; a process then finds its value under the current token, or computes it once
after a change. Writes that skip the model signals (bulk_create, QuerySet.update) call
`bump()` themselves.
"""

import hashlib
import threading
import uuid

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_TABLE = "cooperation_data_version"
MISSING = object()


# The version a request has read, so that it reads it once (wired in watch_changes).
_request = threading.local()


def data_version():
    token = getattr(_request, "version", None)
    if token is None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {VERSION_TABLE} WHERE id = 1")
            row = cursor.fetchone()
        token = row[0] if row else ""
        if getattr(_request, "active", False):
            _request.version = token
    return token


def bump():
    """Give the data a new version."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {VERSION_TABLE} (id, token) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET token = excluded.token",
            [uuid.uuid4().hex],
        )
    _request.version = None


def request_started_here(**kwargs):
    _request.active, _request.version = True, None


def request_ended_here(**kwargs):
    _request.active, _request.version = False, None


def cached(key, compute):
    """`compute()`, or its value for the current version of the data."""
    versioned = f"{key}:{data_version()}"
    value = cache.get(versioned, MISSING)
    if value is MISSING:
        value = compute()
        cache.set(versioned, value)
    return value


def cached_count(queryset):
    """The exact number of rows, counted once per version of the data."""
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        return 0
    digest = hashlib.sha256(f"{queryset.db}\n{sql}\n{params!r}".encode()).hexdigest()
    return cached(f"count:{digest}", queryset.count)


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


def capped(records, limit=CAPPED_ROWS):
    """The first records, and how many there are in all: counted once per version of the
    data, and looked up even when all are shown, so that a page makes the same queries
    whether it is cut or not."""
    return Capped(records[:limit], cached_count(records))


def record_changed(sender, **kwargs):
    bump()


def links_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump()


def watch_changes():
    """Bump the version whenever a record of the app is saved, deleted or relinked; read it
    once per request."""
    request_started.connect(request_started_here)
    request_finished.connect(request_ended_here)
    for model in apps.get_app_config("cooperation").get_models():
        if model.__name__.startswith("Historical"):
            continue
        post_save.connect(record_changed, sender=model)
        post_delete.connect(record_changed, sender=model)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(links_changed, sender=field.remote_field.through)
