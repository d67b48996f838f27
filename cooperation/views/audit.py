"""The publishers' audit page: recent changes to every record, newest first, with their diffs.

Models with change history contribute their history rows; everything else the admin edits
(accounts, groups, project locations …) contributes the admin's own log entries.
"""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges

from cooperation import roles

PAGE_SIZE = 100
ACTIONS = {"+": _("新建"), "~": _("修改"), "-": _("删除")}
LOG_ACTIONS = {ADDITION: "+", CHANGE: "~", DELETION: "-"}


def can_see_audit(user):
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=roles.PUBLISHERS).exists())
    )


@dataclass
class FieldChange:
    name: str
    old: str
    new: str


@dataclass
class Change:
    when: datetime
    who: str
    action: str
    kind: str
    label: str
    url: str | None
    fields: list[FieldChange] = field(default_factory=list)
    note: str = ""

    @property
    def action_display(self):
        return ACTIONS[self.action]


def history_models():
    return [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]


def shown_value(model_field, value):
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def field_changes(row, previous):
    if row.history_type != "~" or previous is None:
        return []
    return [
        FieldChange(
            name=str(row._meta.get_field(change.field).verbose_name),
            old=shown_value(row._meta.get_field(change.field), change.old),
            new=shown_value(row._meta.get_field(change.field), change.new),
        )
        for change in row.diff_against(previous).changes
    ]


def history_label(row):
    """A name for a record that no longer exists, from its last known state."""
    for name in ("title", "name", "label"):
        if getattr(row, name, ""):
            return getattr(row, name)
    return f"#{row.id}"


def admin_change_url(model, pk):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
    except NoReverseMatch:
        return None


def latest_history_rows(username, before):
    """The newest PAGE_SIZE history rows over all models, each knowing its predecessor."""
    rows = []
    for history_model in history_models():
        previous = (
            history_model.objects.filter(
                id=OuterRef("id"), history_date__lt=OuterRef("history_date")
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        history = history_model.objects.annotate(previous_id=Subquery(previous))
        if username:
            history = history.filter(history_username=username)
        if before:
            history = history.filter(history_date__lt=before)
        rows += history.order_by("-history_date", "-history_id")[:PAGE_SIZE]
    rows.sort(key=lambda row: row.history_date, reverse=True)
    return rows[:PAGE_SIZE]


def history_changes(rows):
    changes = []
    for history_model in {type(row) for row in rows}:
        model = history_model.instance_type
        own_rows = [row for row in rows if type(row) is history_model]
        previous = history_model.objects.in_bulk([row.previous_id for row in own_rows])
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        current = model._default_manager.select_related(*relations).in_bulk(
            [row.id for row in own_rows]
        )
        for row in own_rows:
            record = current.get(row.id)
            changes.append(
                Change(
                    when=row.history_date,
                    who=row.history_username,
                    action=row.history_type,
                    kind=str(model._meta.verbose_name),
                    label=str(record) if record else history_label(row),
                    url=admin_change_url(model, row.id) if record else None,
                    fields=field_changes(row, previous.get(row.previous_id)),
                    note=row.history_change_reason or "",
                )
            )
    return changes


def log_changes(username, before):
    """Admin log entries for the models that keep no history of their own."""
    with_history = ContentType.objects.get_for_models(
        *[model.instance_type for model in history_models()]
    ).values()
    entries = LogEntry.objects.select_related("user", "content_type").exclude(
        content_type__in=list(with_history)
    )
    if username:
        entries = entries.filter(user__username=username)
    if before:
        entries = entries.filter(action_time__lt=before)
    return [
        Change(
            when=entry.action_time,
            who=entry.user.get_username(),
            action=LOG_ACTIONS.get(entry.action_flag, "~"),
            kind=str(entry.content_type.name) if entry.content_type else "—",
            label=entry.object_repr,
            url=None if entry.is_deletion() else entry.get_admin_url(),
            note=entry.get_change_message(),
        )
        for entry in entries.order_by("-action_time", "-id")[:PAGE_SIZE]
    ]


def recent_changes(username="", before=None):
    changes = history_changes(latest_history_rows(username, before))
    changes += log_changes(username, before)
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:PAGE_SIZE]


def parse_before(raw):
    try:
        moment = parse_datetime(raw or "")
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def audit_log(request):
    if not can_see_audit(request.user):
        raise PermissionDenied
    username = request.GET.get("user", "").strip()[:150]
    before = parse_before(request.GET.get("before"))
    changes = recent_changes(username, before)
    older_url = None
    if len(changes) == PAGE_SIZE:
        query = {"before": changes[-1].when.isoformat(), **({"user": username} if username else {})}
        older_url = f"{request.path}?{urlencode(query)}"
    context = {
        **admin.site.each_context(request),
        "title": _("变更记录"),
        "changes": changes,
        "username": username,
        "before": before,
        "older_url": older_url,
    }
    return TemplateResponse(request, "admin/audit.html", context)
