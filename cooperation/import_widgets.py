"""How a spreadsheet cell names a record or a choice, both ways: read on import (a place
by its path, a pairing by its parties, a category by its label, in either language, or an
id) and written on export in the admin's language, so that an exported file imports back
unchanged. The names are looked up in the resource's `Names` (natural_keys.py), read once
per import or export.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, widgets

from cooperation.models import (
    Beneficiary,
    Benefit,
    Figure,
    Indicator,
    Organization,
    Pairing,
    Project,
    Region,
    Source,
)
from cooperation.natural_keys import ID, Names, normal, unknown_id
from cooperation.spreadsheets import cell_text

# How each kind of record is found from a cell and written into one (natural_keys.py).
KEYS = {
    Region: (Names.region, Names.region_key),
    Organization: (Names.organization, Names.organization_key),
    Pairing: (Names.pairing, Names.pairing_key),
}
OWN_KEYS = {
    Project: (("slug", "title", "title_en"), "title"),
    Source: (("slug", "title", "title_en"), "title"),
    Beneficiary: (("name", "name_en"), "name"),
}
# Written as ids: records without a name of their own.
BY_ID = (Indicator, Benefit, Figure)


def key_text(value):
    """Spreadsheet cells come back as numbers: 5.0 is the key "5"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return cell_text(value)


def find(names, model, text):
    """The pk a cell names (natural_keys.py), or a ValueError that says what is wrong."""
    if model in KEYS:
        return KEYS[model][0](names, text)
    if model in OWN_KEYS:
        own, shown = OWN_KEYS[model]
        return names.keyed(model, text, own, shown)
    if not ID.fullmatch(text):
        raise unknown_id(model, text)
    return names.keyed(model, text, (), "pk")


def key_of(names, model, pk):
    """How a cell names the record: its name or slug where that names it alone, else its
    id. Kept in `names` for the export's other rows."""
    if model in KEYS:
        return KEYS[model][1](names, pk)
    if model not in OWN_KEYS:
        return str(pk)
    written = names.written_keys
    if (model, pk) not in written:
        own = OWN_KEYS[model][0]
        key = model.objects.filter(pk=pk).values_list(own[0], flat=True).first()
        try:
            unique = key is not None and names.keyed(model, str(key), own) == pk
        except ValueError:
            unique = False
        written[model, pk] = str(key) if unique else str(pk)
    return written[model, pk]


class Reference(widgets.ForeignKeyWidget):
    """A reference to an existing record by name (or id). An empty cell is none."""

    names = None  # the resource's Names, set for each import or export

    def clean(self, value, row=None, **kwargs):
        if value is None or key_text(value) == "":
            return None
        return self.names.record(self.model, find(self.names, self.model, key_text(value)))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else key_of(self.names, self.model, value)


class References(widgets.ManyToManyWidget):
    """Several references in one cell ("坝羊镇;猫营镇"); every one must exist."""

    names = None
    SEPARATORS = ";；、\n"

    def clean(self, value, row=None, **kwargs):
        text = key_text(value)
        for separator in self.SEPARATORS:
            text = text.replace(separator, ";")
        keys = [key.strip() for key in text.split(";") if key.strip()]
        pks = [find(self.names, self.model, key) for key in keys]
        return self.model.objects.filter(pk__in=pks)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        pks = value.values_list("pk", flat=True) if hasattr(value, "values_list") else value
        return self.separator.join(key_of(self.names, self.model, pk) for pk in pks)


class ReferenceField(fields.Field):
    """Exports a reference from its id, so that a row costs no query for the record."""

    def get_value(self, instance):
        if isinstance(self.widget, widgets.ManyToManyWidget) or isinstance(instance, dict):
            return super().get_value(instance)
        return getattr(instance, f"{self.attribute}_id", None)


class Choice(widgets.Widget):
    """A choice written as its label in either language, or as its code."""

    def __init__(self, choices, **kwargs):
        self.choices = [(str(code), label) for code, label in choices]
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = key_text(value)
        if text == "":
            return ""
        for code, _label in self.choices:
            if text == code:
                return code
        for code, label in self.choices:
            if normal(text) in {normal(code), *labels_of(label)}:
                return code
        raise ValueError(
            _("“%(value)s”不是有效选项。可选：%(choices)s。")
            % {"value": text, "choices": "、".join(str(label) for _code, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return next((str(label) for code, label in self.choices if code == value), value or "")


def labels_of(label):
    """A label as written in each of the portal's languages, compared as names."""
    found = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.add(normal(str(label)))
    return found


def reference(model, column, many=False):
    widget = References(model, separator=";") if many else Reference(model)
    return ReferenceField(attribute=column, column_name=column, widget=widget)
