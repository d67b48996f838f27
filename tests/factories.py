"""Small, explicit test data. Each function makes one record; keyword arguments override."""

import datetime
import itertools
from decimal import Decimal

from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Indicator,
    Organization,
    Pairing,
    Person,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Publication,
    Region,
    Side,
    Source,
)
from cooperation.models.periods import Period, year_flow

_sequence = itertools.count(1)


def unique(prefix):
    return f"{prefix}{next(_sequence)}"


def make_source(**fields):
    fields.setdefault("slug", unique("source-"))
    fields.setdefault("title", "广东南沙与贵州紫云携手开启新征程")
    fields.setdefault("publisher", "中国乡村振兴网")
    fields.setdefault("author", "罗建国")
    fields.setdefault("published_on", datetime.date(2023, 10, 26))
    return Source.objects.create(**fields)


def make_region(name=None, level=Region.Level.PROVINCE, parent=None, side=Side.EAST, **fields):
    return Region.objects.create(
        name=name or unique("区域"), level=level, parent=parent, side=side, **fields
    )


def make_organization(name=None, kind=Organization.Kind.ENTERPRISE, region=None, **fields):
    return Organization.objects.create(
        name=name or unique("单位"), kind=kind, region=region, **fields
    )


def make_person(name=None, post="挂职副县长", **fields):
    fields.setdefault("is_public_figure", True)
    return Person.objects.create(name=name or unique("人员"), post=post, **fields)


def make_pairing(east_region, west_region, source, level=Pairing.Level.COUNTY, **fields):
    fields.setdefault("status", Publication.PUBLISHED)
    fields.setdefault("start_year", 2021)
    return Pairing.objects.create(
        level=level, east_region=east_region, west_region=west_region, source=source, **fields
    )


def make_hospital_pairing(world, **fields):
    """南沙区8家医院 → 紫云县15家医院 under the county pairing: counted, never named."""
    return make_pairing(
        world.nansha,
        world.ziyun,
        world.source,
        level=Pairing.Level.HOSPITAL,
        mode=Pairing.Mode.TEAM_BASED,
        east_count=8,
        west_count=15,
        parent=world.pairing,
        **fields,
    )


def make_project(pairing, source, title=None, locations=(), funds=None, **fields):
    """A project; `funds` (元) adds an actual assistance-funds figure."""
    fields.setdefault("status", Publication.PUBLISHED)
    fields.setdefault("category", Project.Category.INDUSTRY)
    fields.setdefault("start_year", 2023)
    title = title or unique("协作项目")
    fields.setdefault("slug", unique("project-"))
    project = Project.objects.create(title=title, pairing=pairing, source=source, **fields)
    for region in locations:
        ProjectLocation.objects.create(project=project, region=region)
    if funds is not None:
        make_figure(project=project, source=source, value=funds)
        project.refresh_from_db()
    return project


def make_role(project, organization, role=ProjectOrganization.Role.FUNDER):
    return ProjectOrganization.objects.create(project=project, organization=organization, role=role)


def make_figure(source, value, **fields):
    """A figure; by default actual assistance funds in 元, owned by the given owner field."""
    fields.setdefault("measure", Figure.Measure.ASSISTANCE_FUNDS)
    fields.setdefault("label", "帮扶资金")
    fields.setdefault("unit", Figure.Unit.YUAN)
    year = fields.pop("year", 2023)
    if year is not None and "period_kind" not in fields:
        start, end = year_flow(year)
        fields |= {"period_kind": Period.FLOW, "period_start": start, "period_end": end}
    places = fields.pop("places", ())
    figure = Figure.objects.create(source=source, value=Decimal(value), **fields)
    figure.places.set(places)
    return figure


def make_beneficiary(source, name=None, kind=Beneficiary.Kind.VILLAGE, region=None, **fields):
    fields.setdefault("status", Publication.PUBLISHED)
    return Beneficiary.objects.create(
        name=name or unique("受益对象"), kind=kind, region=region, source=source, **fields
    )


def make_benefit(project, beneficiary, kind=Benefit.Kind.JOBS, **fields):
    fields.setdefault("source", project.source)
    return Benefit.objects.create(project=project, beneficiary=beneficiary, kind=kind, **fields)


def make_indicator(pairing, measure, year, value, unit=Figure.Unit.PERSON, source=None):
    indicator = Indicator.objects.create(pairing=pairing, measure=measure, year=year)
    make_figure(
        source=source or pairing.source,
        value=value,
        indicator=indicator,
        measure=measure,
        label=indicator.get_measure_display(),
        unit=unit,
        year=year,
        scope=Figure.Scope.PAIRING,
    )
    return indicator


def make_event(source, title=None, date=datetime.date(2023, 7, 19), **fields):
    fields.setdefault("kind", Event.Kind.SIGNING)
    return Event.objects.create(source=source, title=title or unique("大事"), date=date, **fields)


class World:
    """The smallest Nansha ↔ Ziyun graph most tests need."""

    def __init__(self):
        self.source = make_source()
        self.guangdong = make_region("广东省", side=Side.EAST, source=self.source)
        self.guangzhou = make_region("广州市", Region.Level.CITY, self.guangdong)
        self.nansha = make_region("南沙区", Region.Level.COUNTY, self.guangzhou)
        self.guizhou = make_region("贵州省", side=Side.WEST, source=self.source)
        self.anshun = make_region("安顺市", Region.Level.CITY, self.guizhou)
        self.ziyun = make_region(
            "紫云苗族布依族自治县", Region.Level.COUNTY, self.anshun, short_name="紫云县"
        )
        self.bayang = make_region("坝羊镇", Region.Level.TOWN, self.ziyun)
        self.maoying = make_region("猫营镇", Region.Level.TOWN, self.ziyun)
        self.huanghe = make_region("黄鹤营村", Region.Level.VILLAGE, self.maoying)
        self.pairing = make_pairing(self.nansha, self.ziyun, self.source)


def add_activity(world, count):
    """`count` more villages of 猫营镇, each with a published project, its funds, a role,
    a beneficiary and benefit, an event and a public official; and a draft project."""
    projects = []
    for _ in range(count):
        village = make_region(unique("村"), Region.Level.VILLAGE, world.maoying)
        organization = make_organization(region=village, source=world.source, quote="单位原句")
        project = make_project(
            world.pairing, world.source, locations=[village], funds=100_000, quote="项目原句"
        )
        make_role(project, organization, ProjectOrganization.Role.IMPLEMENTER)
        beneficiary = make_beneficiary(
            world.source, region=village, organization=organization, quote="受益原句"
        )
        make_benefit(project, beneficiary, quote="受益关系原句")
        make_figure(
            world.source,
            50,
            project=project,
            measure=Figure.Measure.JOBS,
            label="就业",
            unit=Figure.Unit.PERSON,
            quote="就业原句",
        )
        make_event(world.source, project=project, quote="大事原句")
        make_person(organization=organization, region=village, source=world.source, quote="人员")
        projects.append(project)
    make_project(
        world.pairing,
        world.source,
        locations=[world.huanghe],
        funds=1_000_000,
        status=Publication.DRAFT,
    )
    return projects


def make_staff(group_name, username=None):
    """A staff user in one of the admin roles (cooperation.roles.EDITORS or PUBLISHERS)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username or unique("staff"), is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def admin_import(client, model_name, file_name, content):
    """Upload a file on the admin's import page; returns the preview (or the errors) page."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse(f"admin:cooperation_{model_name}_import")
    form = client.get(url).context["form"]
    extension = file_name.rsplit(".", 1)[1]
    choice = next(key for key, label in form.fields["format"].choices if label == extension)
    upload = SimpleUploadedFile(file_name, content)
    return client.post(url, {"format": choice, "resource": "0", "import_file": upload})


def confirm_import(client, preview):
    """Post the confirmation form exactly as the preview page gives it."""
    from html.parser import HTMLParser

    class ConfirmForm(HTMLParser):
        action, fields, inside = None, {}, False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and attrs.get("action", "").endswith("/process_import/"):
                self.action, self.inside = attrs["action"], True
            elif tag == "input" and self.inside and attrs.get("type") != "submit":
                self.fields[attrs["name"]] = attrs.get("value", "")

        def handle_endtag(self, tag):
            self.inside = self.inside and tag != "form"

    form = ConfirmForm()
    form.feed(preview.content.decode())
    assert form.action, "the preview page offers no confirmation"
    return client.post(form.action, form.fields, follow=True)


def csv_file(header, rows):
    """A CSV file's bytes (UTF-8, no BOM), as a spreadsheet saves it."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_file(header, rows):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
