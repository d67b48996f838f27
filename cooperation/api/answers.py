"""How each kind of record is written: its fields, as cooperation.api.schemas declares
them, and the queryset that reads a page of them in a fixed number of queries."""

from django.db.models import Prefetch
from django.urls import reverse

from cooperation.api.operations import absolute, source_page
from cooperation.models import Beneficiary, Benefit, Figure, Pairing, Project, Region


def cited(request, record):
    return {
        "source_id": record.source_id,
        "source_url": source_page(request, record.source),
        "quote": record.quote,
        "quote_en": record.quote_en,
        "source_note": record.source_note,
        "source_note_en": record.source_note_en,
    }


def texts(record, *names):
    """Each text field beside its English sibling."""
    return {key: getattr(record, key) for name in names for key in (name, f"{name}_en")}


def basics(request, record, display_name):
    return {
        "id": record.pk,
        "url": absolute(request, record.get_absolute_url()),
        "display_name": str(display_name),
    }


def project_out(request, project):
    return {
        **basics(request, project, project.translated("title")),
        **cited(request, project),
        **texts(project, "title", "summary", "description"),
        "slug": project.slug,
        "category": project.category,
        "work_status": project.work_status,
        # A pairing not yet published is not named, as on the project's page.
        "pairing_id": project.pairing_id if project.pairing.is_published else None,
        "start_year": project.start_year,
        "end_year": project.end_year,
        "funds": project.funds,
        "funds_qualifier": project.funds_qualifier,
        "location_ids": [place.region_id for place in project.project_locations.all()],
        "organizations": [
            {"organization_id": role.organization_id, "role": role.role}
            for role in project.roles.all()
        ],
        "beneficiary_ids": [
            benefit.beneficiary_id
            for benefit in project.benefits.all()
            if benefit.beneficiary.is_published
        ],
        "updated_at": project.updated_at,
    }


def pairing_out(request, pairing):
    parent = pairing.parent
    return {
        **basics(request, pairing, pairing),
        **cited(request, pairing),
        **texts(pairing, "description"),
        "level": pairing.level,
        "mode": pairing.mode,
        "parent_id": parent.pk if parent is not None and parent.is_published else None,
        **{f"{party}_id": getattr(pairing, f"{party}_id") for party in Pairing.PARTIES},
        "east_count": pairing.east_count,
        "west_count": pairing.west_count,
        "start_year": pairing.start_year,
        "updated_at": pairing.updated_at,
    }


def beneficiary_out(request, beneficiary):
    return {
        **basics(request, beneficiary, beneficiary.translated("name")),
        **cited(request, beneficiary),
        **texts(beneficiary, "name", "description"),
        "kind": beneficiary.kind,
        "region_id": beneficiary.region_id,
        "organization_id": beneficiary.organization_id,
        "updated_at": beneficiary.updated_at,
    }


def organization_out(request, organization):
    return {
        **basics(request, organization, organization.display_name),
        **cited(request, organization),
        **texts(organization, "name", "short_name", "description"),
        "kind": organization.kind,
        "region_id": organization.region_id,
        "parent_id": organization.parent_id,
    }


def region_out(request, region):
    return {
        **basics(request, region, region.display_name),
        **cited(request, region),
        **texts(region, "name", "short_name"),
        "level": region.level,
        "parent_id": region.parent_id,
        "side": region.side,
        "division_code": region.division_code,
    }


def source_out(request, source):
    return {
        **basics(request, source, source.translated("title")),
        **texts(source, "title", "publisher", "author", "description"),
        "slug": source.slug,
        "kind": source.kind,
        "published_on": source.published_on,
        "document_url": source.url,
    }


def figure_page(figure):
    """The public page that shows the figure: its owner's."""
    if figure.indicator_id:
        pairing = reverse("cooperation:pairing-detail", kwargs={"pk": figure.indicator.pairing_id})
        return f"{pairing}#indicator-{figure.indicator_id}"
    if figure.benefit_id:
        return figure.benefit.project.get_absolute_url()
    if figure.beneficiary_id:
        return reverse("cooperation:beneficiary-detail", kwargs={"pk": figure.beneficiary_id})
    return figure.project.get_absolute_url()


def figure_out(request, figure):
    return {
        "id": figure.pk,
        "url": absolute(request, figure_page(figure)),
        "display_name": figure.translated("label"),
        **cited(request, figure),
        **texts(figure, "label", "period"),
        **{
            name: getattr(figure, name)
            for name in (
                "measure",
                "value",
                "unit",
                "qualifier",
                "kind",
                "period_kind",
                "period_start",
                "period_end",
                "year",
                "scope",
                "project_id",
                "indicator_id",
                "beneficiary_id",
                "benefit_id",
                "pairing_id",
                "part_of_id",
            )
        },
        "place_ids": [place.pk for place in figure.places.all()],
    }


def projects():
    # Published or not is read from the joined beneficiary, not asked of the database: a
    # WHERE on its status let SQLite scan every published beneficiary (0.2 s at 250,000
    # projects) instead of looking up the page's projects.
    benefits = Benefit.objects.select_related("beneficiary").only(
        "project_id", "beneficiary_id", "beneficiary__status"
    )
    return (
        Project.objects.published()
        .select_related("source", "pairing")
        .prefetch_related(
            "project_locations", "roles", Prefetch("benefits", benefits.order_by("pk"))
        )
    )


def pairings():
    return Pairing.objects.published().select_related("source", "parent", *Pairing.PARTIES)


def beneficiaries():
    return Beneficiary.objects.published().select_related("source")


def figures():
    return (
        Figure.objects.published()
        .select_related("source", "project", "indicator", "benefit__project")
        .prefetch_related(Prefetch("places", Region.objects.only("pk").order_by("pk")))
    )
