"""Every admin page of the cooperation app opens for a superuser, at a fixed query cost."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.urls import reverse

from cooperation import intake as intakes
from cooperation import publishing, roles
from cooperation.models import (
    Figure,
    Organization,
    Pairing,
    Project,
    Region,
    ReviewedMap,
    ReviewStep,
    Revision,
)
from tests.factories import (
    make_beneficiary,
    make_benefit,
    make_event,
    make_figure,
    make_indicator,
    make_organization,
    make_pairing,
    make_person,
    make_project,
    make_region,
    make_role,
    make_source,
    make_staff,
    unique,
)

MODEL_ADMINS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "cooperation"),
    key=lambda model: model._meta.model_name,
)
MODEL_NAMES = [model._meta.model_name for model in MODEL_ADMINS]
# Revisions are made by editing records, never added as such.
ADDABLE = [model for model in MODEL_ADMINS if model is not Revision]

# A changelist costs the same handful of queries whether it shows 3 rows or 30.
CHANGELIST_QUERY_BOUND = 12


def populate(world, count):
    """`count` linked records of every model, named so that a search for 紫云 finds them."""
    for _ in range(count):
        town = make_region(unique("紫云测试镇"), Region.Level.TOWN, world.ziyun)
        company = make_organization(unique("紫云测试企业"), region=world.nansha)
        make_person(unique("紫云联络人"), organization=company, region=world.ziyun)
        make_source(title=unique("紫云简报"))
        intakes.start(None, f"紫云{unique('简报')}：投入3个车间。", title=unique("紫云简报"))
        town_pairing = make_pairing(
            world.nansha,
            town,
            world.source,
            level=Pairing.Level.TOWN,
            parent=world.pairing,
            description="紫云乡镇结对",
        )
        company_pairing = Pairing.objects.create(
            level=Pairing.Level.ENTERPRISE_VILLAGE,
            parent=town_pairing,
            east_organization=company,
            west_region=town,
            west_count=2,
            source=world.source,
        )
        project = make_project(
            company_pairing,
            world.source,
            title=unique("紫云茶叶加工项目"),
            locations=[town],
            funds=3056500,
            description="紫云",
        )
        make_role(project, company)
        village = make_beneficiary(world.source, unique("紫云受益村"), region=town)
        benefit = make_benefit(project, village, description="紫云")
        make_figure(world.source, 25, benefit=benefit, unit="人", measure=Figure.Measure.JOBS)
        make_figure(world.source, 80, beneficiary=village, unit="人", measure="people")
        make_indicator(town_pairing, Figure.Measure.JOBS, 2023, 43)
        make_event(world.source, title=unique("紫云招聘会"), pairing=town_pairing, project=project)
        writer = make_staff(roles.EDITORS)
        publishing.step(writer, publishing.start(writer, project), publishing.Action.SUBMITTED)


def url(model, view, *args):
    return reverse(f"admin:cooperation_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_the_app_is_in_the_admin():
    app_models = {
        model
        for model in apps.get_app_config("cooperation").get_models()
        if not model._meta.model_name.startswith("historical")
    }
    # Review steps are shown on their revision's page; reviewed maps are installed by the
    # install_map command, never edited.
    assert set(MODEL_ADMINS) == app_models - {ReviewStep, ReviewedMap}


@pytest.mark.parametrize("model", MODEL_ADMINS, ids=MODEL_NAMES)
def test_changelist_and_search_answer(admin_client, world, model):
    populate(world, 2)
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 2
    response = admin_client.get(url(model, "changelist"), {"q": "紫云"})
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", ADDABLE, ids=lambda model: model._meta.model_name)
def test_add_form_answers(admin_client, world, model):
    response = admin_client.get(url(model, "add"))
    assert response.status_code == 200
    assert str(model._meta.verbose_name) in response.content.decode()


@pytest.mark.parametrize("model", MODEL_ADMINS, ids=MODEL_NAMES)
def test_change_form_and_history_answer(admin_client, world, model):
    populate(world, 1)
    record = model.objects.order_by("-pk").first()
    response = admin_client.get(url(model, "change", record.pk))
    assert response.status_code == 200
    assert response.context["original"] == record
    response = admin_client.get(url(model, "history", record.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODEL_ADMINS, ids=MODEL_NAMES)
def test_changelist_query_count_does_not_grow_with_rows(
    admin_client, world, model, django_assert_max_num_queries
):
    admin_client.get(url(model, "changelist"))  # warm the session and content types
    counts = []
    for added, total in ((3, 3), (27, 30)):
        populate(world, added)
        with django_assert_max_num_queries(CHANGELIST_QUERY_BOUND) as captured:
            response = admin_client.get(url(model, "changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count >= total
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_project_changelist_shows_funds_in_wan_yuan(admin_client, world):
    make_project(world.pairing, world.source, title="紫云红心薯加工厂", funds=3056500)
    response = admin_client.get(url(Project, "changelist"))
    assert "305.65万元" in response.content.decode()


def test_changelist_filters_by_side_and_county(admin_client, world):
    make_organization("南沙企业", region=world.nansha)
    make_organization("紫云企业", region=world.ziyun)
    response = admin_client.get(url(Organization, "changelist"), {"side": "west"})
    assert [o.name for o in response.context["cl"].result_list] == ["紫云企业"]
    inside = make_project(world.pairing, world.source, title="坝羊项目", locations=[world.bayang])
    make_project(world.pairing, world.source, title="无地点项目")
    response = admin_client.get(url(Project, "changelist"), {"county": world.ziyun.pk})
    assert list(response.context["cl"].result_list) == [inside]


def test_admin_speaks_chinese(admin_client, db):
    response = admin_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert "东西部协作信息公开平台 · 管理后台" in html
    assert "协作项目" in html
    assert "结对关系" in html


def region_form(**fields):
    return {"name": "", "short_name": "", "level": "", "parent": "", "division_code": ""} | {
        "source": "",
        "quote": "",
        "source_note": "",
        **fields,
    }


def test_admin_adds_a_province_with_the_side_chosen(admin_client, db):
    response = admin_client.post(
        url(Region, "add"), region_form(name="四川省", level="province", side="west")
    )
    assert response.status_code == 302
    assert Region.objects.get(name="四川省").side == "west"


def test_admin_refuses_a_province_without_a_side(admin_client, db):
    response = admin_client.post(url(Region, "add"), region_form(name="四川省", level="province"))
    assert response.status_code == 200
    assert "side" in response.context["adminform"].form.errors
    assert not Region.objects.filter(name="四川省").exists()


def test_admin_adds_a_town_that_takes_its_provinces_side(admin_client, world):
    response = admin_client.post(
        url(Region, "add"),
        region_form(name="宗地镇", level="town", parent=world.ziyun.pk, side="east"),
    )
    assert response.status_code == 302
    assert Region.objects.get(name="宗地镇").side == "west"
    response = admin_client.post(
        url(Region, "add"), region_form(name="四大寨乡", level="town", parent=world.ziyun.pk)
    )
    assert response.status_code == 302
    assert Region.objects.get(name="四大寨乡").side == "west"


def test_admin_refuses_a_town_without_parent_with_a_message(admin_client, db):
    response = admin_client.post(
        url(Region, "add"), region_form(name="无上级镇", level="town", side="west")
    )
    assert response.status_code == 200
    assert "省级区域没有上级，其他区域必须有上级。" in response.content.decode()


def test_admin_refuses_a_region_under_its_own_descendant(admin_client, world):
    form = region_form(name=world.ziyun.name, level="county", parent=world.huanghe.pk)
    response = admin_client.post(url(Region, "change", world.ziyun.pk), form)
    assert response.status_code == 200
    assert "上级不能是本区域或其下级。" in response.content.decode()
    world.ziyun.refresh_from_db()
    assert world.ziyun.parent == world.anshun


def pairing_form(world, **fields):
    return {
        "level": "county",
        "mode": "one_to_one",
        "parent": "",
        "start_year": "2021",
        "description": "",
        "status": "draft",
        "east_region": "",
        "east_organization": "",
        "east_count": "",
        "west_region": "",
        "west_organization": "",
        "west_count": "",
        "source": world.source.pk,
        "quote": "",
        "source_note": "",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        **fields,
    }


def test_admin_names_the_place_on_the_wrong_side(admin_client, world):
    response = admin_client.post(
        url(Pairing, "add"),
        pairing_form(world, east_region=world.ziyun.pk, west_region=world.nansha.pk),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "东部一方“紫云苗族布依族自治县”不在东部。" in html
    assert "西部一方“南沙区”不在西部。" in html
    assert Pairing.objects.count() == 1


def test_admin_refuses_a_pairing_side_without_party(admin_client, world):
    response = admin_client.post(
        url(Pairing, "add"), pairing_form(world, east_region=world.nansha.pk)
    )
    assert response.status_code == 200
    assert "西部一方须指明区域或单位。" in response.content.decode()


def test_admin_saves_a_counted_pairing_under_its_parent(admin_client, world):
    response = admin_client.post(
        url(Pairing, "add"),
        pairing_form(
            world,
            level="social_village",
            parent=world.pairing.pk,
            east_region=world.nansha.pk,
            east_count="20",
            west_region=world.ziyun.pk,
            west_count="34",
        ),
    )
    assert response.status_code == 302
    assert str(Pairing.objects.get(east_count=20)) == "南沙区20家社会组织 → 紫云县34个村"


@pytest.mark.parametrize("model", MODEL_ADMINS, ids=MODEL_NAMES)
def test_changelist_columns_are_labelled_in_chinese(admin_client, world, model):
    populate(world, 1)
    response = admin_client.get(url(model, "changelist"))
    headers = [
        str(header["text"])
        for header in result_headers(response.context["cl"])
        if header["class_attrib"] != ' class="action-checkbox-column"'
    ]
    assert headers
    assert [h for h in headers if re.search("[A-Za-z]", h)] == []
