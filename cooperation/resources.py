"""Spreadsheet import and export (CSV, XLSX) for the records admins keep in spreadsheets.

A file is checked as a whole first (every column known, the key column there, no key
twice), then row by row; a row that cannot be imported is reported with its field, so
that an admin can fix the cell. The admin imports a file all or nothing, as an edit
(cooperation/editing.py): a row that changes a published record goes into its revision.
"""

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

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
from cooperation.spreadsheets import FileRefused, cell_text


def key_name(model, field):
    if field in ("pk", "id"):
        return _("编号")
    return model._meta.get_field(field).verbose_name


def not_found(model, field, value):
    return ValueError(
        _("找不到%(key)s为“%(value)s”的%(model)s。")
        % {"key": key_name(model, field), "value": value, "model": model._meta.verbose_name}
    )


def key_text(value):
    """Spreadsheet cells come back as numbers: 5.0 is the key "5"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return cell_text(value)


class Reference(widgets.ForeignKeyWidget):
    """A reference to an existing record. An empty cell is none; an unknown key is an error."""

    def clean(self, value, row=None, **kwargs):
        if value is None or key_text(value) == "":
            return None
        key = key_text(value)
        try:
            return super().clean(key, row=row, **kwargs)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise not_found(self.model, self.field, key) from None


class References(widgets.ManyToManyWidget):
    """Several references in one cell ("12;15"); every one must exist."""

    def clean(self, value, row=None, **kwargs):
        if value is None or key_text(value) == "":
            return self.model.objects.none()
        keys = [key.strip() for key in key_text(value).split(self.separator) if key.strip()]
        try:
            found = {
                str(getattr(record, self.field)): record.pk
                for record in self.model.objects.filter(**{f"{self.field}__in": keys})
            }
        except (ValueError, TypeError):
            found = {}
        for key in keys:
            if key not in found:
                raise not_found(self.model, self.field, key)
        return self.model.objects.filter(pk__in=found.values())


def reference(model, column, field="pk"):
    return fields.Field(attribute=column, column_name=column, widget=Reference(model, field))


class CooperationResource(resources.ModelResource):
    """Errors keyed by column and label ("category（类别）"), references checked before saving."""

    source = reference(Source, "source", "slug")

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # An empty spreadsheet cell in a text column is empty text, as in a CharField.
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    def import_data(self, dataset, **kwargs):
        """Nothing of a file whose columns or keys are wrong is imported: it is refused
        with what to fix, before any row is read."""
        problems = self.file_problems(dataset)
        if not problems:
            return super().import_data(dataset, **kwargs)
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        for problem in problems:
            result.append_base_error(self.get_error_result_class()(FileRefused(problem)))
        return result

    def file_problems(self, dataset):
        columns = [field.column_name for field in self.get_import_fields()]
        headers = [cell_text(header) for header in dataset.headers or []]
        problems = []
        unknown = [header for header in headers if header not in columns]
        if unknown:
            problems.append(
                _("未知的列：%(unknown)s。可用的列：%(columns)s。")
                % {"unknown": "、".join(unknown), "columns": ", ".join(columns)}
            )
        keys = [self.fields[name].column_name for name in self.get_import_id_fields()]
        missing = [key for key in keys if key not in headers]
        if missing and keys != ["id"]:
            problems.append(
                _("缺少“%(column)s”列：按这一列找到要更新的记录，新记录也须填写。")
                % {"column": "、".join(missing)}
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
                        "column": "、".join(keys),
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
        if attribute == NON_FIELD_ERRORS:
            return attribute
        column = next(
            (f.column_name for f in self.get_import_fields() if f.attribute == attribute),
            attribute,
        )
        try:
            label = self._meta.model._meta.get_field(attribute).verbose_name
        except FieldDoesNotExist:
            return column
        return f"{column}（{label}）"


class PublishingResource(CooperationResource):
    """A file never sets a publication state: records are published through review."""

    def before_save_instance(self, instance, row, **kwargs):
        stored = type(instance).objects.filter(pk=instance.pk).values_list("status", flat=True)
        instance.status = (stored.first() if instance.pk else None) or Publication.DRAFT
        super().before_save_instance(instance, row, **kwargs)


class ProjectResource(PublishingResource):
    pairing = reference(Pairing, "pairing")
    locations = fields.Field(
        attribute="locations",
        column_name="locations",
        widget=References(Region, separator=";"),
    )

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
    project = reference(Project, "project", "slug")
    indicator = reference(Indicator, "indicator")
    beneficiary = reference(Beneficiary, "beneficiary")
    benefit = reference(Benefit, "benefit")
    part_of = reference(Figure, "part_of")
    places = fields.Field(
        attribute="places", column_name="places", widget=References(Region, separator=";")
    )

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
