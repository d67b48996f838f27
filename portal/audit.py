"""A tamper-evident audit record (等保 2.0 三级 安全审计).

Chained: every row inserted into an audited table: each simple_history historical model and
those of settings.AUDIT_CHAINED_MODELS that exist (admin log, failed logins, review steps).
Only append-only tables qualify; axes' AccessAttempt counters and AccessLog's logout time are
updated in place. In the row's own transaction an AuditEntry records its gapless seq, table,
pk, digest (sha256 of the row's canonical content, read back from the database) and
mac = HMAC-SHA256(key, seq|table|pk|digest|prev_mac). Raw saves (loaddata) are not sealed:
a restored dump brings its entries along.

Key: settings.AUDIT_KEY (DJANGO_AUDIT_KEY), else HMAC(SECRET_KEY, a fixed label), which
`check --deploy` warns about (portal.W002). It must stay out of the database, and cannot be
rotated: old entries keep the macs of the key they were made with.

Canonical content: concrete fields, sorted, as JSON; times in UTC cut to milliseconds and
decimals normalized, so that a JSON dump and load still verifies. A key to a model with
natural keys (users) counts as that natural key, because --natural-primary dumps renumber
those models. Fields marked `audit_added_later` count only when not empty, so that adding
such a field keeps earlier rows verifiable. Keys Django clears itself (on_delete=SET_NULL:
history_user,
LogEntry.content_type) are left out; history rows keep the sealed history_username.

verify() checks each row against its entry, entries whose row is gone, rows without an
entry, every mac; above the newest validly signed checkpoint a gapless seq and prev links,
below it the surviving entries as a set against the checkpoint (prune_history).

Not detected: removal of the newest entries with their rows and the head (truncation of the
tail): each new head is logged at INFO on `portal.audit`, ship that log off the machine and
compare; anyone holding both the database and the key. Renaming a user is reported as a
change of their sealed rows. A row saved outside a transaction whose seal then fails is
reported, not prevented.
"""

import functools
import hashlib
import hmac
import json
import logging
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntryManager
from django.db import DEFAULT_DB_ALIAS, models, router, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.duration import duration_iso_string
from simple_history.models import HistoricalChanges

from portal.models import AuditCheckpoint, AuditEntry, AuditHead

log = logging.getLogger("portal.audit")

CHUNK = 1000
CLEARED_BY_DJANGO = (models.SET_NULL, models.SET_DEFAULT)


class AuditRefused(Exception):
    pass


def audit_key():
    return derived_key(settings.AUDIT_KEY, settings.SECRET_KEY)


@functools.cache
def derived_key(audit_key, secret_key):
    if audit_key:
        return audit_key.encode()
    return hmac.new(secret_key.encode(), b"portal audit chain key", "sha256").digest()


def sign(*parts):
    message = "|".join(str(part) for part in parts).encode()
    return hmac.digest(audit_key(), message, "sha256").hex()


def audited_models():
    chosen = {}
    for label in settings.AUDIT_CHAINED_MODELS:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        chosen[model._meta.label_lower] = model
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            chosen[model._meta.label_lower] = model
    return [chosen[label] for label in sorted(chosen)]


@functools.cache
def chained_fields(model):
    return tuple(
        sorted(
            (
                field
                for field in model._meta.concrete_fields
                if not (field.is_relation and field.remote_field.on_delete in CLEARED_BY_DJANGO)
            ),
            key=lambda field: field.attname,
        )
    )


def added_later(field):
    """A field added to an audited table after rows were sealed (marked so by its model)
    counts only once it holds something: an empty one is what the row held before it."""
    return getattr(field, "audit_added_later", False)


def by_natural_key(field):
    return field.is_relation and hasattr(field.related_model, "natural_key")


def plain(value):
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(UTC)
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, time):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, int | float | str | bool | list | dict) or value is None:
        return value
    return str(value)


def row_digest(model, row):
    content = {}
    for field in chained_fields(model):
        if added_later(field) and getattr(row, field.attname) in ("", None):
            continue
        if by_natural_key(field):
            related = getattr(row, field.name)
            content[field.attname] = None if related is None else list(related.natural_key())
        else:
            content[field.attname] = plain(getattr(row, field.attname))
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def stored_rows(model, using):
    """The rows as the database holds them, with what their natural keys need."""
    natural = [field.name for field in chained_fields(model) if by_natural_key(field)]
    return model._base_manager.using(using).select_related(*natural).order_by("pk")


def entry_mac(seq, label, object_pk, digest, prev_mac):
    return sign(seq, label, object_pk, digest, prev_mac)


def lock_head(using=DEFAULT_DB_ALIAS):
    """Must run inside a transaction; holding the head keeps others from appending."""
    head, _created = AuditHead.objects.using(using).select_for_update().get_or_create(id=1)
    return head


def seal(model, pks, using=DEFAULT_DB_ALIAS):
    """Append an entry for each of these freshly inserted rows, in the caller's transaction."""
    label = model._meta.label_lower
    with transaction.atomic(using=using, savepoint=False):
        head = lock_head(using)
        seq, mac = head.seq, head.mac
        entries = []
        for row in stored_rows(model, using).filter(pk__in=pks):
            seq += 1
            digest = row_digest(model, row)
            new_mac = entry_mac(seq, label, row.pk, digest, mac)
            entries.append(
                AuditEntry(
                    seq=seq,
                    model=label,
                    object_pk=str(row.pk),
                    digest=digest,
                    prev_mac=mac,
                    mac=new_mac,
                )
            )
            mac = new_mac
        if len(entries) != len(set(pks)):
            raise AuditRefused(f"{label}: some of rows {pks} are not in the database")
        AuditEntry.objects.using(using).bulk_create(entries)
        AuditHead.objects.using(using).filter(id=1).update(seq=seq, mac=mac)
        transaction.on_commit(
            functools.partial(log.info, "audit head seq=%d mac=%s", seq, mac), using=using
        )
    return len(entries)


def seal_new_row(sender, instance, created, raw, using, **kwargs):
    if created and not raw:
        seal(sender, [instance.pk], using)


def seal_bulk_logged_actions():
    """Django 5.2's LogEntryManager.log_actions writes two or more admin log entries with
    bulk_create, which sends no post_save: the admin's bulk delete and django-import-export's
    import log would go unsealed. Wrapping the manager method covers every caller at once,
    where overriding ModelAdmin.log_deletions would need every admin, third-party ones too."""
    original = LogEntryManager.log_actions
    if getattr(original, "seals_audit", False):
        return

    @functools.wraps(original)
    def log_actions(self, *args, **kwargs):
        using = router.db_for_write(self.model)
        with transaction.atomic(using=using, savepoint=False):
            logged = original(self, *args, **kwargs)
            # With log_action overridden (deprecated) Django saves one by one: post_save seals.
            bulk = type(self).log_action is LogEntryManager.log_action
            if bulk and isinstance(logged, list) and len(logged) > 1:
                seal(self.model, [entry.pk for entry in logged], using)
        return logged

    log_actions.seals_audit = True
    LogEntryManager.log_actions = log_actions


def connect():
    for model in audited_models():
        post_save.connect(seal_new_row, sender=model, dispatch_uid=f"audit:{model._meta.label}")
    seal_bulk_logged_actions()


def chunked_pks(queryset):
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        pks = list(page.values_list("pk", flat=True)[:CHUNK])
        if not pks:
            return
        yield pks
        last = pks[-1]


def seal_existing(using=DEFAULT_DB_ALIAS):
    """Upgrade: seal the rows that predate the chain, once, while the chain is still empty.
    Later it would launder rows inserted behind the portal's back."""
    sealed = 0
    with transaction.atomic(using=using):
        head = lock_head(using)
        if (
            head.seq
            or AuditEntry.objects.using(using).exists()
            or AuditCheckpoint.objects.using(using).exists()
        ):
            raise AuditRefused(
                "审计链已有条目，不能再封存已有记录：此时未封存的行是绕过门户写入的，"
                "封存它们就等于替篡改者洗白。"
            )
        for model in audited_models():
            for pks in chunked_pks(model._base_manager.using(using)):
                sealed += seal(model, pks, using)
    return sealed


def delete_sealed(model, pks, using=DEFAULT_DB_ALIAS):
    """prune_history's delete: the rows and their entries go together."""
    label = model._meta.label_lower
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        AuditEntry.objects.using(using).filter(
            model=label, object_pk__in=[str(pk) for pk in chunk]
        ).delete()
        model._base_manager.using(using).filter(pk__in=chunk).delete()


def seqs_at_or_below(seq, using):
    """How many entries remain at or below seq, and the sha256 over their seqs."""
    digest, count = hashlib.sha256(), 0
    remaining = AuditEntry.objects.using(using).filter(seq__lte=seq).order_by("seq")
    for found in remaining.values_list("seq", flat=True).iterator(chunk_size=10 * CHUNK):
        digest.update(f"{found}\n".encode())
        count += 1
    return count, digest.hexdigest()


def checkpoint_signature(checkpoint):
    return sign(
        "checkpoint",
        checkpoint.seq,
        checkpoint.mac,
        plain(checkpoint.made_at),
        checkpoint.count,
        checkpoint.seqs_sha256,
    )


def write_checkpoint(using=DEFAULT_DB_ALIAS):
    """After pruning, in its transaction: the head and which entries at or below it remain."""
    head = lock_head(using)
    count, seqs_sha256 = seqs_at_or_below(head.seq, using)
    now = timezone.now()
    checkpoint = AuditCheckpoint(
        seq=head.seq,
        mac=head.mac,
        made_at=now.replace(microsecond=now.microsecond // 1000 * 1000),
        count=count,
        seqs_sha256=seqs_sha256,
    )
    checkpoint.signature = checkpoint_signature(checkpoint)
    checkpoint.save(using=using)
    log.info("audit checkpoint seq=%d mac=%s count=%d", head.seq, head.mac, count)
    return checkpoint
