"""Pages carry schema.org JSON-LD that harvesters find (extruct), that no stored text can
break out of, and a link to their record in the API."""

from decimal import Decimal
from html.parser import HTMLParser

import extruct
import pytest
from django.urls import reverse
from django.utils import translation

from cooperation.models import Organization, Publication, Qualifier
from tests.factories import (
    make_beneficiary,
    make_figure,
    make_organization,
    make_project,
    make_role,
)

HOSTILE = '</script><script>alert("x")</script><!--&'


def json_ld(response):
    html = response.content.decode()
    return extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])["json-ld"]


class HeadLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        if tag == "script":
            self.scripts.append(attrs)


def head(response):
    parser = HeadLinks()
    parser.feed(response.content.decode())
    return parser


def api_links(response):
    return [
        link["href"]
        for link in head(response).links
        if link.get("rel") == "alternate" and link.get("type") == "application/json"
    ]


@pytest.fixture
def project(world):
    record = make_project(
        world.pairing,
        world.source,
        title="红芯薯产业园",
        title_en="Red-heart sweet potato park",
        summary="建设红芯薯产业园",
        locations=[world.huanghe],
        slug="hxs",
        start_year=2022,
    )
    make_figure(world.source, Decimal("27500000"), project=record, qualifier=Qualifier.AT_LEAST)
    make_role(
        record,
        make_organization("广州市南沙区农业农村局", kind=Organization.Kind.GOVERNMENT),
    )
    return record


def test_project_page_is_a_schema_org_project(project, client):
    (data,) = json_ld(client.get(project.get_absolute_url()))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Project"
    assert data["name"] == "红芯薯产业园"
    assert data["url"] == "http://testserver/projects/hxs/"
    assert data["inLanguage"] == "zh-Hans"
    assert data["location"] == [
        {"@type": "AdministrativeArea", "name": "黄鹤营村", "url": data["location"][0]["url"]}
    ]
    assert data["funder"][0]["@type"] == "GovernmentOrganization"
    assert data["funder"][0]["name"] == "广州市南沙区农业农村局"
    assert data["funding"]["amount"] == {
        "@type": "MonetaryAmount",
        "currency": "CNY",
        "minValue": 27500000,
    }
    assert data["sponsor"]["name"] == "南沙区"
    assert data["foundingDate"] == "2022"


def test_english_project_page_gives_the_english_name(project, client):
    with translation.override("en"):
        url = project.get_absolute_url()

    response = client.get(url)
    (data,) = json_ld(response)

    assert data["name"] == "Red-heart sweet potato park"
    assert data["inLanguage"] == "en"
    assert api_links(response) == [f"/api/v1/projects/{project.pk}?lang=en"]


def test_hostile_title_stays_inside_its_data_block(world, client):
    record = make_project(world.pairing, world.source, title=HOSTILE, slug="hostile")

    response = client.get(record.get_absolute_url())

    html = response.content.decode()
    block = html[html.index('<script type="application/ld+json">') :]
    block = block[: block.index("</script>")]
    assert "<" not in block[1:] and ">" not in block[block.index(">") + 1 :]
    assert "&" not in block
    (data,) = json_ld(response)
    assert data["name"] == HOSTILE
    assert [attrs.get("type") for attrs in head(response).scripts if "src" not in attrs] == [
        "application/ld+json"
    ]


def test_project_page_links_its_api_record(project, client):
    response = client.get(project.get_absolute_url())

    assert api_links(response) == [f"/api/v1/projects/{project.pk}"]


def test_project_list_is_a_dataset_with_its_downloads(project, client):
    response = client.get(reverse("cooperation:project-list"), {"category": "industry", "page": 1})

    (data,) = json_ld(response)

    assert data["@type"] == "Dataset"
    assert data["name"] == "协作项目"
    assert data["description"]
    assert data["url"] == "http://testserver/projects/?category=industry&page=1"
    urls = {item["contentUrl"]: item["encodingFormat"] for item in data["distribution"]}
    base = "http://testserver/projects/?category=industry&_export="
    assert urls[base + "csv"] == "text/csv"
    assert urls[base + "json"] == "application/json"
    assert base + "xlsx" in urls
    assert urls[base + "csv&table=figures"] == "text/csv"
    assert data["includedInDataCatalog"]["url"] == "http://testserver/data/"
    assert api_links(response) == ["/api/v1/projects/?category=industry"]


@pytest.mark.parametrize(
    "name, kind",
    [("cooperation:pairing-list", "pairings"), ("cooperation:beneficiary-list", "beneficiaries")],
)
def test_other_lists_are_datasets(world, client, name, kind):
    response = client.get(reverse(name))

    (data,) = json_ld(response)
    assert data["@type"] == "Dataset"
    assert len(data["distribution"]) == 3
    assert api_links(response) == [f"/api/v1/{kind}/"]


def test_pairing_page_is_a_service_of_the_east_to_the_west(world, client):
    response = client.get(world.pairing.get_absolute_url())

    (data,) = json_ld(response)
    assert data["@type"] == "GovernmentService"
    assert data["provider"] == {"@type": "GovernmentOrganization", "name": "南沙区"} | {
        "areaServed": data["provider"]["areaServed"]
    }
    assert data["areaServed"]["name"] == "紫云苗族布依族自治县"
    assert api_links(response) == [f"/api/v1/pairings/{world.pairing.pk}"]


def test_region_organization_and_beneficiary_pages_have_fitting_types(world, client):
    hospital = make_organization(
        "紫云县人民医院", kind=Organization.Kind.HOSPITAL, region=world.ziyun
    )
    school = make_beneficiary(world.source, name="猫营小学", kind="school", region=world.maoying)

    region = json_ld(client.get(world.ziyun.get_absolute_url()))[0]
    organization = json_ld(client.get(hospital.get_absolute_url()))[0]
    beneficiary = json_ld(client.get(school.get_absolute_url()))[0]

    assert (region["@type"], region["name"], region["alternateName"]) == (
        "AdministrativeArea",
        "紫云苗族布依族自治县",
        "紫云县",
    )
    assert (organization["@type"], organization["location"]["name"]) == (
        "Hospital",
        "紫云苗族布依族自治县",
    )
    assert (beneficiary["@type"], beneficiary["location"]["name"]) == ("School", "猫营镇")


def test_draft_project_has_no_page_and_is_in_no_dataset(world, project, client):
    draft = make_project(world.pairing, world.source, title="草稿项目", status=Publication.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "草稿项目" not in client.get(reverse("cooperation:project-list")).content.decode()
