"""Spreadsheet import and export (CSV, XLSX) for the records admins keep in spreadsheets."""

from import_export import fields, resources, widgets

from cooperation.models import Beneficiary, Figure, Pairing, Project, Publication, Region, Source


class ByIdOrNone(widgets.ForeignKeyWidget):
    """An empty cell is no reference; anything else must name an existing record."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        return super().clean(value, row=row, **kwargs)


class PublishingResource(resources.ModelResource):
    """Only users who may publish can set or change a record's publication state by import."""

    source = fields.Field(
        attribute="source",
        column_name="source",
        widget=widgets.ForeignKeyWidget(Source, field="slug"),
    )

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        model_name = instance._meta.model_name
        if user is not None and not user.has_perm(f"cooperation.publish_{model_name}"):
            stored = type(instance).objects.filter(pk=instance.pk).values_list("status", flat=True)
            instance.status = stored.first() if instance.pk else Publication.DRAFT
            instance.status = instance.status or Publication.DRAFT
        super().before_save_instance(instance, row, **kwargs)


class ProjectResource(PublishingResource):
    pairing = fields.Field(
        attribute="pairing", column_name="pairing", widget=widgets.ForeignKeyWidget(Pairing)
    )
    locations = fields.Field(
        attribute="locations",
        column_name="locations",
        widget=widgets.ManyToManyWidget(Region, separator=";"),
    )

    class Meta(PublishingResource.Meta):
        model = Project
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "category",
            "pairing",
            "locations",
            "start_year",
            "end_year",
            "work_status",
            "summary",
            "description",
            "status",
            "source",
            "quote",
            "source_note",
        ]
        export_order = fields


class BeneficiaryResource(PublishingResource):
    region = fields.Field(attribute="region", column_name="region", widget=ByIdOrNone(Region))

    class Meta(PublishingResource.Meta):
        model = Beneficiary
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "description",
            "status",
            "source",
            "quote",
            "source_note",
        ]
        export_order = fields


class PairingResource(PublishingResource):
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
            "status",
            "source",
            "quote",
            "source_note",
        ]
        export_order = fields


class FigureResource(resources.ModelResource):
    source = fields.Field(
        attribute="source",
        column_name="source",
        widget=widgets.ForeignKeyWidget(Source, field="slug"),
    )
    project = fields.Field(
        attribute="project", column_name="project", widget=ByIdOrNone(Project, field="slug")
    )

    class Meta:
        model = Figure
        clean_model_instances = True
        skip_unchanged = True
        fields = [
            "id",
            "project",
            "indicator",
            "beneficiary",
            "benefit",
            "measure",
            "label",
            "value",
            "unit",
            "qualifier",
            "kind",
            "year",
            "period",
            "as_of",
            "part_of",
            "source",
            "quote",
            "source_note",
        ]
        export_order = fields
