"""Record graphs: what one public page shows, as one revisable whole.

A project's page shows the project with its places, partners, figures, benefits (and their
figures) and events; a pairing's its indicators (and their figures) and events; a
beneficiary's its figures and benefits. A revision (models/revisions.py) holds such a graph
twice, as JSON: `base`, the published graph when the revision began, and `proposed`, the
graph as its editors left it. A graph is a dict {"app.model:pk": {field: value}} in the
serializers' JSON form, many-to-many fields as lists of keys, the `created_at` and
`updated_at` stamps left out.

Publishing merges three ways (`merged`): the fields and records the revision changed go onto
the graph as it is published now, and nothing else does, so two revisions that changed
different things do not undo each other. `written` makes the tables hold a graph, saving
through the models (history, derived fields and cached funds follow) only what differs.

The admin edits a live graph in a transaction that is rolled back (cooperation/editing.py),
so a record that appears in it for the first time got its key from a rolled-back insert.
PostgreSQL never hands out such a key again; SQLite may, and `written` then gives the
record a new key and says so.
"""

import json

from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

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

STAMPS = {"created_at", "updated_at"}

# For each kind of root, the records its page shows: (model, lookup to the root).
PARTS = {
    Project: [
        (ProjectLocation, "project"),
        (ProjectOrganization, "project"),
        (Benefit, "project"),
        (Figure, "project"),
        (Figure, "benefit__project"),
        (Event, "project"),
    ],
    Pairing: [(Indicator, "pairing"), (Figure, "indicator__pairing"), (Event, "pairing")],
    Beneficiary: [
        (Benefit, "beneficiary"),
        (Figure, "beneficiary"),
        (Figure, "benefit__beneficiary"),
    ],
}
# Saved in this order (a figure may point to a benefit, a part to its whole); deleted in
# the reverse one.
WRITE_ORDER = [Project, Pairing, Beneficiary, ProjectLocation, ProjectOrganization, Benefit]
WRITE_ORDER += [Indicator, Event, Figure]
MODELS = {model._meta.label_lower: model for model in WRITE_ORDER}


def key_of(record):
    return f"{record._meta.label_lower}:{record.pk}"


def split(key):
    label, pk = key.rsplit(":", 1)
    return MODELS[label], int(pk)


def records_of(root):
    """The root and the records its page shows, each once, as the tables hold them (none
    if the root is not there)."""
    stored = type(root).objects.filter(pk=root.pk).first()
    if stored is None:
        return {}
    records = {key_of(root): stored}
    for model, lookup in PARTS[type(root)]:
        for record in model.objects.filter(**{lookup: root}).order_by("pk"):
            records.setdefault(key_of(record), record)
    return records


def snapshot(root):
    """The graph of `root` as the tables hold it now."""
    records = list(records_of(root).values())
    rows = json.loads(serializers.serialize("json", records, cls=DjangoJSONEncoder))
    return {
        f"{row['model']}:{row['pk']}": {
            name: value for name, value in row["fields"].items() if name not in STAMPS
        }
        for row in rows
    }


def merged(current, base, proposed):
    """`current` with the changes that lead from `base` to `proposed`: fields changed, records
    added and records removed. A record another change removed meanwhile stays removed."""
    result = {}
    for key, fields in current.items():
        if key in base and key not in proposed:
            continue
        fields = dict(fields)
        if key in proposed:
            before = base.get(key, {})
            fields.update(
                {name: value for name, value in proposed[key].items() if before.get(name) != value}
            )
        result[key] = fields
    for key, fields in proposed.items():
        if key not in base and key not in current:
            result[key] = dict(fields)
    return result


def renumbered(graph, old_key, new_key):
    """The graph with one record's key replaced, references to it included."""
    model, old_pk = split(old_key)
    _model, new_pk = split(new_key)
    references = {
        (field.model._meta.label_lower, field.name)
        for related in WRITE_ORDER
        for field in related._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is model
    }
    result = {}
    for key, fields in graph.items():
        label = key.rsplit(":", 1)[0]
        fields = dict(fields)
        for name, value in fields.items():
            if (label, name) in references and value == old_pk:
                fields[name] = new_pk
        result[new_key if key == old_key else key] = fields
    return result


def written(root, target):
    """Makes the tables hold `target` as the graph of `root`, saving what differs through
    the models. Returns the target as written: with new keys where SQLite had reused one."""
    current = snapshot(root)
    changed = {key: fields for key, fields in target.items() if current.get(key) != fields}
    for key in sorted(set(current) - set(target), key=_deletion_order):
        model, pk = split(key)
        record = model.objects.filter(pk=pk).first()
        if record is not None:
            record.delete()
    for key in sorted(changed, key=_write_order):
        model, pk = split(key)
        if key not in current and model.objects.filter(pk=pk).exists():
            saved = _save(model, None, target[key])
            target = renumbered(target, key, key_of(saved))
        else:
            _save(model, pk, target[key])
    if isinstance(root, Project):
        Project.objects.get(pk=root.pk).update_funds()
    return target


def _save(model, pk, fields):
    data = [{"model": model._meta.label_lower, "pk": pk, "fields": fields}]
    (row,) = serializers.deserialize("json", json.dumps(data, cls=DjangoJSONEncoder))
    record = row.object
    stored = model.objects.filter(pk=pk).first() if pk is not None else None
    if stored is not None:  # keep the stamps and anything a graph leaves out
        for field in model._meta.concrete_fields:
            if field.name in fields or field.attname in fields or field.primary_key:
                continue
            setattr(record, field.attname, getattr(stored, field.attname))
        record._state.adding = False
        if hasattr(stored, "loaded_values"):
            record.loaded_values = stored.loaded_values
    record.save()
    for name, values in row.m2m_data.items():
        getattr(record, name).set(values)
    return record


def _write_order(key):
    model, pk = split(key)
    return WRITE_ORDER.index(model), pk


def _deletion_order(key):
    model, pk = split(key)
    return -WRITE_ORDER.index(model), pk


def differences(before, after):
    """What changes between two graphs, record by record and field by field, for people:
    [(record label, action, [(field label, old text, new text)])], in writing order."""
    changes = []
    for key in sorted(set(before) | set(after), key=_write_order):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        model, _pk = split(key)
        action = "+" if old is None else "-" if new is None else "~"
        names = [name for name in (new or old) if (old or {}).get(name) != (new or {}).get(name)]
        fields = [
            (
                model._meta.get_field(name).verbose_name,
                shown(model, name, old),
                shown(model, name, new),
            )
            for name in names
        ]
        changes.append((label_of(key, new or old), action, fields))
    return changes


def label_of(key, fields):
    model, pk = split(key)
    record = _instance(model, pk, fields)
    try:
        text = str(record)
    except ObjectDoesNotExist:  # a related record its text needs was removed meanwhile
        text = f"#{pk}"
    return f"{model._meta.verbose_name}：{text}"


def shown(model, name, fields):
    """A field's value as the admin would print it; "—" when empty or absent."""
    if fields is None or fields.get(name) in (None, "", []):
        return "—"
    field, value = model._meta.get_field(name), fields[name]
    if field.many_to_many:
        return "、".join(str(item) for item in field.related_model.objects.filter(pk__in=value))
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _instance(model, pk, fields):
    data = [{"model": model._meta.label_lower, "pk": pk, "fields": fields}]
    (row,) = serializers.deserialize(
        "json", json.dumps(data, cls=DjangoJSONEncoder), ignorenonexistent=True
    )
    return row.object
