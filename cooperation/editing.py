"""Admin writes that never reach the public unreviewed.

Every way the admin writes cooperation records (the change and add forms with their
inlines, delete, a revert from History, bulk actions, spreadsheet imports) runs inside
`editing()`. It opens a transaction, lays the open revisions of the records in hand over
the tables, lets Django's own code validate and save as usual, and notes which public
pages (cooperation/revisions.py: graphs) the saves touched. Then:

Only the pages whose records were saved or deleted are read back:

- a graph that is published is read back as the edited working copy, the transaction is
  rolled back, and the copy goes into its revision (publishing.record_edit): the public
  keeps the published version;
- a draft's graph stays written (a draft is not public), and an open revision of it
  follows.

Only the saves of the current thread are noted.
"""

import threading
from contextlib import contextmanager

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from cooperation import publishing, revisions
from cooperation.models import Revision


class Edit:
    """What one `editing()` block did: whether it touched a published page (and so was
    rolled back), and the revisions it kept."""

    def __init__(self):
        self.revisions = []
        self.live = False


def roots_of(record):
    try:
        return publishing.shown_under(record)
    except ObjectDoesNotExist:  # its owner is being deleted with it
        return []


@contextmanager
def editing(user, records=()):
    edit = Edit()
    roots = {revisions.key_of(root): root for record in records for root in roots_of(record)}
    touched = set()  # the pages whose records were saved or deleted
    thread = threading.get_ident()

    def note(sender, instance, raw=False, **kwargs):
        if raw or threading.get_ident() != thread or sender not in revisions.MODELS.values():
            return
        touched.update(revisions.key_of(root) for root in roots_of(instance) if root.pk)

    def note_m2m(sender, instance, action, **kwargs):
        if action.startswith("post_"):
            note(type(instance), instance)

    with transaction.atomic():
        for root in roots.values():
            revision = Revision.objects.open().of(root).first()
            if revision is not None and not revision.first_publication:
                # Also after a withdrawal: the draft's tables take its pending changes.
                revisions.written(root, publishing.working_copy(revision))
                edit.live = edit.live or root.is_published
        before = {key: revisions.snapshot(root) for key, root in roots.items()}
        receivers = [(post_save, note), (post_delete, note), (m2m_changed, note_m2m)]
        for signal, receiver in receivers:
            signal.connect(receiver, weak=False, dispatch_uid=f"editing-{thread}-{signal}")
        try:
            yield edit
        finally:
            for signal, _receiver in receivers:
                signal.disconnect(dispatch_uid=f"editing-{thread}-{signal}")
        after = {}
        for key in touched:
            model, pk = revisions.split(key)
            root = model.objects.filter(pk=pk).first()
            if root is not None:
                after[key] = (root, revisions.snapshot(root))
        edit.live = edit.live or any(root.is_published for root, _graph in after.values())
        if edit.live:
            transaction.set_rollback(True)

    with transaction.atomic():
        for key in touched - set(after):
            forget_deleted(user, *revisions.split(key))
        for key, (root, graph) in after.items():
            if key not in before:
                before[key] = revisions.snapshot(root) if root.is_published else graph
            if edit.live and not root.is_published:  # a draft edited with live pages
                revisions.written(root, graph)
            revision = publishing.record_edit(user, root, before[key], graph)
            if revision is not None:
                edit.revisions.append(revision)


def forget_deleted(user, model, pk):
    """Discards the open revision of a record that was deleted."""
    if model.objects.filter(pk=pk).exists():  # the deletion was rolled back
        return
    for revision in Revision.objects.open().filter(object_id=pk):
        if revision.content_type.model_class() is model:
            revision.state = Revision.State.DISCARDED
            revision.save(update_fields=["state", "updated_at"])
            publishing.record_step(user, revision, publishing.Action.DISCARDED)
