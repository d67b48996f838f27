"""Spreadsheet import and export (CSV, XLSX) for the records admins keep in spreadsheets.

A file is checked as a whole first (every column known, the key column there, no key
twice), then row by row; a row that cannot be imported is reported with its field, so
that an admin can fix the cell. The admin imports a file all or nothing, as an edit
(cooperation/editing.py): a row that changes a published record goes into its revision.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources, widgets

from cooperation.import_widgets import Choice, Reference, References, key_text, reference
from cooperation.models import (
    Beneficiary,
    Benefit,
    Figure,
    Indicator,
    Organization,
    Pairing,
    Project,
    Publication,
    Region,
    Source,
)
from cooperation.natural_keys import Names, normal
from cooperation.spreadsheets import FileRefused, cell_text


class CooperationResource(resources.ModelResource):
    """Columns named in the admin's language, references by name, errors keyed by column.

    A file's columns may be named in Chinese, in English or by field name (as files made
    before the portal named them in the admin's language were); they are read as this
    admin's column names, and an error names a column as the file wrote it."""

    source = reference(Source, "source")

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.names = Names()
        self.written = {}
        model = self._meta.model
        for name, field in self.fields.items():
            field.column_name = self.column_title(name)
            if isinstance(field.widget, Reference | References):
                field.widget.names = self.names
            elif model_field(model, field.attribute) is not None:
                choices = model_field(model, field.attribute).choices
                if choices and not isinstance(field.widget, widgets.ManyToManyWidget):
                    field.widget = Choice(choices)

    def column_title(self, name):
        """A column's name in the admin's language: its field's verbose name."""
        field = model_field(self._meta.model, self.fields[name].attribute)
        if name == "id" or field is None:
            return _("编号") if name == "id" else name
        return str(field.verbose_name)

    def column_aliases(self):
        """Every way a file may name each column: in each language, and by field name."""
        aliases = {}
        for name, field in self.fields.items():
            aliases.setdefault(field.column_name, name)
        for name in self.fields:
            aliases.setdefault(name, name)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for name in self.fields:
                    aliases.setdefault(self.column_title(name), name)
        folded = {}
        for alias, name in aliases.items():
            folded.setdefault(normal(alias), name)
        return aliases, folded

    def column_list(self):
        """The columns in the order of the import, each with its field name."""
        name_of = {id(field): name for name, field in self.fields.items()}
        return "、".join(
            f"{field.column_name}（{name_of[id(field)]}）" for field in self.get_import_fields()
        )

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # An empty spreadsheet cell in a text column is empty text, as in a CharField.
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    def import_data(self, dataset, **kwargs):
        """Nothing of a file whose columns or keys are wrong is imported: it is refused
        with what to fix, before any row is read."""
        problems = self.read_headers(dataset) or self.file_problems(dataset)
        if not problems:
            return super().import_data(dataset, **kwargs)
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        for problem in problems:
            result.append_base_error(self.get_error_result_class()(FileRefused(problem)))
        return result

    def read_headers(self, dataset):
        """Renames the file's columns to this admin's column names; the problems with them."""
        aliases, folded = self.column_aliases()
        headers = [cell_text(header) for header in dataset.headers or []]
        named = [aliases.get(header) or folded.get(normal(header)) for header in headers]
        unknown = [header for header, name in zip(headers, named, strict=True) if name is None]
        if unknown:
            return [
                _(
                    "未知的列：%(unknown)s。可用的列（中文、英文列名或括号中的字段名均可）：%(columns)s。"
                )
                % {"unknown": "、".join(unknown), "columns": self.column_list()}
            ]
        twice = sorted({name for name in named if named.count(name) > 1})
        if twice:
            return [
                _("这几列是同一列：%(columns)s。每列只能出现一次。")
                % {
                    "columns": "；".join(
                        "、".join(h for h, n in zip(headers, named, strict=True) if n == name)
                        for name in twice
                    )
                }
            ]
        dataset.headers = [self.fields[name].column_name for name in named]
        self.written = dict(zip(dataset.headers, headers, strict=True))
        return []

    def file_problems(self, dataset):
        headers = dataset.headers or []
        problems = []
        keys = [self.fields[name].column_name for name in self.get_import_id_fields()]
        missing = [key for key in keys if key not in headers]
        if missing and self.get_import_id_fields() != ["id"]:
            names = [f"{self.fields[n].column_name}（{n}）" for n in self.get_import_id_fields()]
            problems.append(
                _("缺少“%(column)s”列：按这一列找到要更新的记录，新记录也须填写。")
                % {"column": "、".join(names)}
            )
        elif not missing:
            problems += self.repeated_keys(dataset, keys)
        return problems

    def repeated_keys(self, dataset, keys):
        first_row = {}
        problems = []
        for number, row in enumerate(dataset.dict, 1):
            key = tuple(key_text(row[column]) for column in keys)
            if not all(key):
                continue  # a new record (no id yet), or an empty key the row check names
            if key in first_row:
                problems.append(
                    _(
                        "第%(first)d行和第%(row)d行的“%(column)s”都是“%(key)s”：同一条记录只能出现一次。"
                    )
                    % {
                        "first": first_row[key],
                        "row": number,
                        "column": "、".join(self.written.get(key, key) for key in keys),
                        "key": "、".join(key),
                    }
                )
            first_row.setdefault(key, number)
        return problems

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except ArithmeticError:  # decimal.InvalidOperation from a number cell
            value = row.get(field.column_name)
            raise ValueError(_("“%(value)s”不是有效的数字。") % {"value": value}) from None
        except ValueError:
            if not isinstance(field.widget, widgets.DateWidget):
                raise
            value = row.get(field.column_name)
            message = _("“%(value)s”不是有效的日期，请写作2023-10-26。") % {"value": value}
            raise ValueError(message) from None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many cells are saved after the record; check them now, with the others.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            raise ValidationError(
                {self.column_label(key): messages for key, messages in error.message_dict.items()}
            ) from None

    def column_label(self, attribute):
        """A column as the file wrote it, with its name in the admin's language where the
        file wrote it otherwise ("category（类别）")."""
        if attribute == NON_FIELD_ERRORS:
            return attribute
        column = next(
            (f.column_name for f in self.get_import_fields() if f.attribute == attribute),
            None,
        )
        if column is None:
            field = model_field(self._meta.model, attribute)
            return str(field.verbose_name) if field is not None else attribute
        written = self.written.get(column, column)
        return written if normal(written) == normal(column) else f"{written}（{column}）"


def model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class PublishingResource(CooperationResource):
    """A file never sets a publication state: records are published through review."""

    def before_save_instance(self, instance, row, **kwargs):
        stored = type(instance).objects.filter(pk=instance.pk).values_list("status", flat=True)
        instance.status = (stored.first() if instance.pk else None) or Publication.DRAFT
        super().before_save_instance(instance, row, **kwargs)


class ProjectResource(PublishingResource):
    pairing = reference(Pairing, "pairing")
    locations = reference(Region, "locations", many=True)

    class Meta(PublishingResource.Meta):
        model = Project
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "title_en",
            "category",
            "pairing",
            "locations",
            "start_year",
            "end_year",
            "work_status",
            "summary",
            "summary_en",
            "description",
            "description_en",
            "status",
            "source",
            "quote",
            "quote_en",
            "source_note",
        ]
        export_order = fields


class BeneficiaryResource(PublishingResource):
    region = reference(Region, "region")
    organization = reference(Organization, "organization")

    class Meta(PublishingResource.Meta):
        model = Beneficiary
        fields = [
            "id",
            "name",
            "name_en",
            "kind",
            "region",
            "organization",
            "description",
            "description_en",
            "status",
            "source",
            "quote",
            "quote_en",
            "source_note",
        ]
        export_order = fields


class PairingResource(PublishingResource):
    parent = reference(Pairing, "parent")
    east_region = reference(Region, "east_region")
    east_organization = reference(Organization, "east_organization")
    west_region = reference(Region, "west_region")
    west_organization = reference(Organization, "west_organization")

    class Meta(PublishingResource.Meta):
        model = Pairing
        fields = [
            "id",
            "level",
            "mode",
            "parent",
            "east_region",
            "east_organization",
            "east_count",
            "west_region",
            "west_organization",
            "west_count",
            "start_year",
            "description",
            "description_en",
            "status",
            "source",
            "quote",
            "quote_en",
            "source_note",
        ]
        export_order = fields


class FigureResource(CooperationResource):
    project = reference(Project, "project")
    indicator = reference(Indicator, "indicator")
    beneficiary = reference(Beneficiary, "beneficiary")
    benefit = reference(Benefit, "benefit")
    part_of = reference(Figure, "part_of")
    places = reference(Region, "places", many=True)

    class Meta(CooperationResource.Meta):
        model = Figure
        fields = [
            "id",
            "project",
            "indicator",
            "beneficiary",
            "benefit",
            "measure",
            "label",
            "label_en",
            "value",
            "unit",
            "qualifier",
            "kind",
            "period_kind",
            "period_start",
            "period_end",
            "period",
            "period_en",
            "scope",
            "places",
            "part_of",
            "source",
            "quote",
            "quote_en",
            "source_note",
        ]
        export_order = fields
