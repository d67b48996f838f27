"""The model signals that replace, in a change's own transaction, the versions of the scopes
the change can be seen under (cooperation/invalidation.py says which), and of MOVES unless it
only edits values; and, after its commit, the summaries among those scopes computed again in
the background (cooperation.summaries.warm)."""

import threading

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from cooperation.counting import MOVES, TOTALS, bump
from cooperation.invalidation import NAMED, SCOPES_OF, UNSEEN, scopes_of


def touch(scopes, moves=True):
    """Replace the versions of these scopes (of everything for None), and of MOVES unless
    the change only edits values; recompute the summaries among them after the commit."""
    if scopes is None:
        bump()
        return
    if scopes:
        bump(*scopes, *([MOVES] if moves else []))
        warm_later(scopes)


def placing_fields(record):
    """What places a record among the others: its links, a figure's year, a region's path."""
    fields = [f.attname for f in type(record)._meta.concrete_fields if f.is_relation]
    return fields + [name for name in ("year", "path") if hasattr(record, name)]


def changed(before, after, fields):
    return any(getattr(before, name) != getattr(after, name) for name in fields)


def moved(before, after):
    """Whether a save changes which scopes the record is seen under: where it is placed, or
    its publication status."""
    status = ["status"] if hasattr(after, "status") else []
    return changed(before, after, [*placing_fields(after), *status])


def before_save(sender, instance, raw=False, **kwargs):
    instance._scopes_before, instance._moves = set(), instance._state.adding
    if raw or instance._state.adding or sender not in SCOPES_OF:
        return
    before = sender._base_manager.filter(pk=instance.pk).first()
    if before is None:
        instance._moves = True
    elif moved(before, instance):
        instance._scopes_before, instance._moves = scopes_of(before), True


def after_save(sender, instance, created=False, raw=False, **kwargs):
    if raw:  # loaddata: the links of the record may not be loaded yet
        touch(None)
        return
    scopes = scopes_of(instance)
    if scopes is not None:
        scopes |= getattr(instance, "_scopes_before", set())
        if not created and sender in NAMED:
            scopes.add(NAMED[sender])
    touch(scopes, getattr(instance, "_moves", True))


def before_delete(sender, instance, **kwargs):
    scopes = scopes_of(instance)
    if scopes is not None and sender in NAMED:
        scopes.add(NAMED[sender])
    touch(scopes)


def links_changed(sender, instance, action, model, pk_set, **kwargs):
    """Both sides of a many-to-many link: added links after, removed ones before."""
    if action not in ("post_add", "pre_remove", "pre_clear"):
        return
    if action == "pre_clear":
        pk_set = linked_pks(sender, instance, model)
    scopes = scopes_of(instance)
    if scopes is not None:
        for record in model._base_manager.filter(pk__in=pk_set or ()):
            more = scopes_of(record)
            scopes = None if more is None else scopes | more
            if scopes is None:
                break
    touch(scopes)


def linked_pks(through, instance, model):
    source = target = None
    for field in through._meta.concrete_fields:
        if field.is_relation and field.related_model is type(instance) and source is None:
            source = field
        elif field.is_relation and field.related_model is model:
            target = field
    if source is None or target is None:
        return set()
    links = through._base_manager.filter(**{source.attname: instance.pk})
    return set(links.values_list(target.attname, flat=True))


def connect_signals():
    for model in apps.get_app_config("cooperation").get_models():
        if model.__name__.startswith("Historical") or model in UNSEEN:
            continue
        pre_save.connect(before_save, sender=model)
        post_save.connect(after_save, sender=model)
        pre_delete.connect(before_delete, sender=model)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(links_changed, sender=field.remote_field.through)


_pending = threading.local()


def warm_later(scopes):
    """After the commit, recompute the summaries among the scopes in the background. The
    changes of one transaction are sent together, by the first of their callbacks (scopes
    of a transaction rolled back go with the next: warming them again costs little)."""
    wanted = {s for s in scopes if s.startswith(("region:", "pairing:")) or s == TOTALS}
    if wanted and settings.WARM_SUMMARIES:
        _pending.__dict__.setdefault("scopes", set()).update(wanted)
        transaction.on_commit(send_warm)


def send_warm():
    from cooperation import jobs

    scopes = sorted(_pending.__dict__.get("scopes", ()))
    _pending.scopes = set()
    if scopes:
        jobs.run_later("cooperation.summaries.warm", scopes)
