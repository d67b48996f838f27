"""How a change reaches the public: written, reviewed and published by different people.

The public pages, the exports and the sitemaps read the tables, and the tables hold what
was published. An edit of a published record, or of anything its page shows, is kept as a
revision (models/revisions.py, cooperation/editing.py) until it is published. A draft is
not public, so its tables are its working copy; publishing it the first time takes a
revision too, submitted and approved like any other.

The steps: an editor saves and submits; a reviewer (审核者) approves it or sends it back
with a comment; a publisher (发布者) publishes it. Nobody approves what they wrote or
submitted, so at least two people stand between writing and publishing. With
settings.REVIEW_PEOPLE = 3 (三审) the publisher must be a third person. settings.REVIEW_SOLO
lets one person do every step: for `make run`'s single account, never in production (the
admin says so in a banner, and a deploy check warns).

Reference records (sources, places, bodies, people) have no review: only publishers may
change them (cooperation/roles.py), and their history is kept like every other.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cooperation import revisions
from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Indicator,
    Pairing,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Publication,
    ReviewStep,
    Revision,
)

PUBLISHABLE = (Pairing, Project, Beneficiary)
Action = ReviewStep.Action
State = Revision.State


def shown_under(record):
    """The publishable records on whose public pages this record appears."""
    if isinstance(record, PUBLISHABLE):
        return [record]
    if isinstance(record, Figure):
        owners = [record.project, record.beneficiary]
        owners += [record.indicator.pairing] if record.indicator_id else []
        owners += shown_under(record.benefit) if record.benefit_id else []
        return [owner for owner in owners if owner is not None]
    if isinstance(record, Benefit | Event):
        parents = ("project", "beneficiary") if isinstance(record, Benefit) else ("project",)
        parents += ("pairing",) if isinstance(record, Event) else ()
        return [getattr(record, name) for name in parents if getattr(record, f"{name}_id")]
    if isinstance(record, Indicator):
        return [record.pairing] if record.pairing_id else []
    if isinstance(record, ProjectLocation | ProjectOrganization):
        return [record.project] if record.project_id else []
    return []


def may_publish(user, model):
    return user.has_perm(f"cooperation.publish_{model._meta.model_name}")


def may_review(user):
    return user.has_perm("cooperation.review_revision")


def may_write(user, model):
    return user.has_perm(f"cooperation.change_{model._meta.model_name}")


STEPS_FROM = {
    Action.SUBMITTED: (State.DRAFT, State.RETURNED),
    Action.APPROVED: (State.SUBMITTED,),
    Action.RETURNED: (State.SUBMITTED, State.APPROVED),
    Action.PUBLISHED: (State.APPROVED,),
    Action.DISCARDED: tuple(Revision.OPEN),
}


def refusal(user, revision, action):
    """Why `user` may not take this step now, or None."""
    model = revision.content_type.model_class()
    if revision.state not in STEPS_FROM[action]:
        return _("此修订当前为“%(state)s”，不能执行这一步。") % {
            "state": revision.get_state_display()
        }
    if action == Action.SUBMITTED and not may_write(user, model):
        return _("您没有修改此类记录的权限。")
    if action == Action.APPROVED and not may_review(user):
        return _("只有审核者可以审核通过。")
    if action == Action.RETURNED and not (may_review(user) or may_publish(user, model)):
        return _("只有审核者或发布者可以退回修订。")
    if action == Action.PUBLISHED and not may_publish(user, model):
        return _("只有发布者可以发布。")
    if action == Action.DISCARDED and not (
        user.pk in revision.authors() or may_publish(user, model)
    ):
        return _("只有修订的作者或发布者可以放弃它。")
    if settings.REVIEW_SOLO:
        return None
    if action == Action.APPROVED and user.pk in revision.authors():
        return _("不能审核自己编写或提交的修订：请另一位审核者审核。")
    took_part = user.pk in revision.authors() or user.pk == revision.approver()
    if action == Action.PUBLISHED and settings.REVIEW_PEOPLE >= 3 and took_part:
        return _("三审：编写、审核和发布须由三个不同的人完成。请另一位发布者发布。")
    return None


def step(user, revision, action, comment=""):
    """Takes one step of the review; refuses with ValueError(reason) when not allowed."""
    reason = refusal(user, revision, action)
    if reason is not None:
        raise ValueError(str(reason))
    if action == Action.RETURNED and not comment.strip():
        raise ValueError(str(_("退回时请写明需要修改什么。")))
    with transaction.atomic():
        if action == Action.PUBLISHED:
            publish(revision)
        revision.state = {
            Action.SUBMITTED: State.SUBMITTED,
            Action.APPROVED: State.APPROVED,
            Action.RETURNED: State.RETURNED,
            Action.PUBLISHED: State.PUBLISHED,
            Action.DISCARDED: State.DISCARDED,
        }[action]
        revision.save(update_fields=["state", "proposed", "updated_at"])
        record_step(user, revision, action, comment)
    return revision


def publish(revision):
    """Makes the tables hold the revision: its changes merged onto what is published now,
    or, for a first publication, exactly what was approved."""
    model = revision.content_type.model_class()
    root = model.objects.select_for_update().get(pk=revision.object_id)
    current = revisions.snapshot(root)
    if revision.first_publication:
        if current != revision.proposed:
            raise ValueError(str(_("记录在提交后又被修改过：请重新提交审核。")))
        target = current
    else:
        target = revisions.merged(current, revision.base, revision.proposed)
    target[revisions.key_of(root)]["status"] = Publication.PUBLISHED
    revision.proposed = revisions.written(root, target)
    # The page's "last updated" is when its content last went public.
    model.objects.get(pk=root.pk).save(update_fields=["updated_at"])


def record_step(user, revision, action, comment=""):
    return ReviewStep.objects.create(
        revision=revision, action=action, user=user, username=user.get_username(), comment=comment
    )


def start(user, root):
    """The open revision of `root`, begun for a first publication if there is none."""
    revision = Revision.objects.open().of(root).first()
    if revision is None:
        revision = Revision.objects.create(
            record=root, record_label=str(root)[:300], proposed=revisions.snapshot(root)
        )
        record_step(user, revision, Action.SAVED)
    return revision


def record_edit(user, root, before, after):
    """Keeps an admin's edit of `root`'s graph (`before` → `after`) in its open revision,
    beginning one for a published record. A revision already submitted or approved goes
    back to its editors: what was reviewed is no longer what it holds."""
    revision = Revision.objects.open().of(root).first()
    if root.is_published:
        if revision is None:
            if before == after:
                return None
            revision = Revision(record=root, base=before, proposed=before)
        proposed = revisions.merged(revision.proposed, before, after)
    elif revision is None:
        return None
    else:
        proposed = after
    if revision.pk is not None and proposed == revision.proposed:
        return revision
    revision.proposed, revision.record_label = proposed, str(root)[:300]
    if revision.state in (State.SUBMITTED, State.APPROVED):
        revision.state = State.DRAFT
    revision.save()
    record_step(user, revision, Action.SAVED)
    return revision


def public_graph(revision):
    """What the public sees of the revision's record now."""
    root = revision.record
    if root is None or not root.is_published:
        return {}
    return revisions.snapshot(root)


def working_copy(revision):
    """The record's graph with the revision's changes: what its editors see in the admin."""
    current = revisions.snapshot(revision.record)
    if revision.first_publication:  # a draft: its tables are its working copy
        return current
    return revisions.merged(current, revision.base, revision.proposed)


def outcome(revision):
    """What the public would see once the revision is published."""
    root = revision.record
    if root is None or not revision.is_open:
        return revision.proposed
    if revision.first_publication:
        graph = {key: dict(fields) for key, fields in revision.proposed.items()}
    else:
        graph = working_copy(revision)
    graph[revisions.key_of(root)]["status"] = Publication.PUBLISHED
    return graph


def waiting_for(user):
    """The open revisions whose next step is this user's."""
    own = Exists(
        ReviewStep.objects.filter(
            revision=OuterRef("pk"),
            user=user,
            action__in=[Action.SAVED, Action.SUBMITTED],
        )
    )
    approved_by_them = Exists(
        ReviewStep.objects.filter(revision=OuterRef("pk"), user=user, action=Action.APPROVED)
    )
    mine = Q(state__in=[State.DRAFT, State.RETURNED]) & own
    wanted = mine
    if may_review(user):
        wanted |= Q(state=State.SUBMITTED) & (Q() if settings.REVIEW_SOLO else ~own)
    publishable = [
        ContentType.objects.get_for_model(model).pk
        for model in PUBLISHABLE
        if may_publish(user, model)
    ]
    if publishable:
        ready = Q(state=State.APPROVED, content_type__in=publishable)
        if settings.REVIEW_PEOPLE >= 3 and not settings.REVIEW_SOLO:
            ready &= ~own & ~approved_by_them
        wanted |= ready
    return Revision.objects.filter(wanted)
