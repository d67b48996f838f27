"""What frames every public page: the navigation, the footer's identity lines, the date a
record last changed, and the print stylesheet."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.timezone import localtime

from cooperation.models import Publication
from tests.factories import make_beneficiary, make_project

IDENTITY = {
    "SITE_PUBLISHER": "紫云自治县乡村振兴局",
    "SITE_CONTACT": "0851-0000000",
    "SITE_ICP": "黔ICP备00000000号",
    "SITE_CODE": "5200000000",
}


def test_the_navigation_leads_to_organisations(client, world):
    page = client.get(reverse("cooperation:home")).content.decode()
    nav = page[page.index('id="portal-nav-links"') :]
    assert f'href="{reverse("cooperation:organization-list")}"' in nav


def test_the_footer_shows_no_identity_line_that_was_not_set(client, world):
    footer = client.get(reverse("cooperation:home")).content.decode().split("<footer")[1]
    for label in ("主办单位", "联系方式", "网站标识码", "beian.miit.gov.cn"):
        assert label not in footer


def test_the_footer_shows_each_identity_line_set(client, world, settings):
    for name, value in IDENTITY.items():
        setattr(settings, name, value)
    footer = client.get(reverse("cooperation:home")).content.decode().split("<footer")[1]
    for value in IDENTITY.values():
        assert value in footer
    assert '<a class="me-3" href="https://beian.miit.gov.cn/" rel="noopener">黔ICP备' in footer


def test_each_record_page_says_when_it_last_changed(client, world):
    project = make_project(world.pairing, world.source, status=Publication.PUBLISHED)
    beneficiary = make_beneficiary(world.source, status=Publication.PUBLISHED)
    for record in (project, world.pairing, beneficiary):
        page = client.get(record.get_absolute_url()).content.decode()
        day = localtime(record.updated_at).strftime("%Y-%m-%d")
        assert (
            f'最后更新</dt>\n    <dd class="col-sm-9"><time datetime="{day}">{day}</time>' in page
        )


def test_printing_leaves_out_the_site_around_the_record():
    css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text()
    printed = css[css.index("@media print") :]
    for hidden in (".portal-nav", ".filter-form", ".pagination", ".language-switcher"):
        assert hidden in printed.split("display: none")[0]
    assert ".table-responsive" in printed and "overflow: visible" in printed
