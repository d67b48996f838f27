"""Who may change what the public sees.

A published record is on the public site the moment it is saved, so until reviewed
revisions arrive only those who may publish it may change it: an editor's edit would
otherwise go live unreviewed. A record shown as part of published ones (a project's
figures, places, partners, benefits and events; a pairing's indicators and events) is
live with them, so the same rule holds for it, before and after the change: an editor
can neither change a live figure nor attach a new one to a published project.

Reference data (sources, places, bodies, people) has no publication state and is not
covered here. The admin and the spreadsheet import both ask `may_change`.
"""

from django.utils.translation import gettext_lazy as _

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
)

PUBLISHABLE = (Pairing, Project, Beneficiary)

REFUSAL = _(
    "此记录已发布（或属于已发布的记录），修改会立即公开，只有发布者可以修改。"
    "请联系发布者，或请其先撤回发布。"
)


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


def live_owners(record):
    """The published records among those `record` is shown under, as they are stored."""
    return [owner for owner in shown_under(record) if owner.pk and owner.is_published]


def may_publish(user, model):
    return user.has_perm(f"cooperation.publish_{model._meta.model_name}")


def may_change(user, record):
    """Whether `user` may save `record`: always, unless it is live and they may not
    publish every published record it is shown under."""
    return all(may_publish(user, type(owner)) for owner in live_owners(record))
