"""Counts and totals kept in the cache until the data changes, in every worker at once.

Each server process has its own cache (settings.CACHES). A cached value is stored under
the data's version: a random token in the database that any change to the app's records
replaces, in the same transaction. Reading the token is one small query; a process then
finds its value under the current token, or computes it once after a change. Writes
that skip the model signals (bulk_create, QuerySet.update) call `bump()` themselves.
"""

import hashlib
import uuid

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_TABLE = "cooperation_data_version"
MISSING = object()


def data_version():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {VERSION_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else ""


def bump():
    """Give the data a new version."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {VERSION_TABLE} (id, token) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET token = excluded.token",
            [uuid.uuid4().hex],
        )


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


def record_changed(sender, **kwargs):
    bump()


def links_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump()


def watch_changes():
    """Bump the version whenever a record of the app is saved, deleted or relinked."""
    for model in apps.get_app_config("cooperation").get_models():
        if model.__name__.startswith("Historical"):
            continue
        post_save.connect(record_changed, sender=model)
        post_delete.connect(record_changed, sender=model)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(links_changed, sender=field.remote_field.through)
