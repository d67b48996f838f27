"""Source intake in the admin: a report in, every quantity proposed, each accepted (as it is
or corrected), dropped or left for later; what is accepted becomes a draft or a revision
citing its sentence, never a public record (cooperation/intake.py)."""

import io
import re
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cooperation import intake as intakes
from cooperation import publishing, roles
from cooperation.models import Figure, Indicator, Intake, Project, Publication, Revision, Source
from tests.factories import make_project, make_staff

REPORT = (
    "南沙区与紫云县结对帮扶。\n"
    "今年南沙区选派5名挂职干部、43名专业技术人才到紫云县开展帮扶工作。\n"
    "南沙区在坝羊镇投入扶持资金1000万元，建成大宗茶叶加工厂。\n"
    "一年来，两地举办劳务协作培训班14期，培训农村劳动力568人次。"
)
FUNDS_SENTENCE = "南沙区在坝羊镇投入扶持资金1000万元，建成大宗茶叶加工厂。"
ADD = reverse("admin:cooperation_intake_add")
CHANGELIST = reverse("admin:cooperation_intake_changelist")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(db):
    return signed_in(make_staff(roles.EDITORS, "bianji"))


@pytest.fixture
def publisher(db):
    return signed_in(make_staff(roles.PUBLISHERS, "fabu"))


def metadata(**fields):
    return {
        "title": "南沙紫云协作简报",
        "kind": Source.Kind.REPORT,
        "publisher": "南沙区协作办",
        "author": "",
        "published_on": "2023-10-26",
        "url": "",
        "source": "",
        "text": REPORT,
    } | fields


def said(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def started(client, **fields):
    response = client.post(ADD, metadata(**fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Intake.objects.get(pk=re.search(r"/(\d+)/change/", response["Location"])[1])


def pid_of(intake, text):
    """The id of the proposal whose span is `text`."""
    (pid,) = [pid for pid, proposal in intake.proposals.items() if proposal["text"] == text]
    return pid


def review(client, intake, decisions, action="accept", **extra):
    """Posts the review form: every proposal as proposed (or as `decisions` changes it)."""
    page = client.get(intake.get_absolute_url())
    data = {"action": action, **extra}
    for pid in intake.proposals:
        if intakes.made(intake, pid):
            continue
        form = next(
            row["form"] for p in page.context["paragraphs"] for row in p["rows"] if row["id"] == pid
        )
        for name in ["decision", *form.FIELDS]:
            value = form.initial.get(name, "")
            data[f"{pid}-{name}"] = "" if value is None else str(value)
        for name, value in decisions.get(pid, {}).items():
            data[f"{pid}-{name}"] = value
    response = client.post(intake.get_absolute_url(), data)
    intake.refresh_from_db()
    return response


# Starting ------------------------------------------------------------------------------


def test_a_pasted_report_is_split_into_sentences_with_each_quantity_marked(editor, world):
    intake = started(editor)
    texts = {proposal["text"] for proposal in intake.proposals.values()}
    assert {"5名", "43名", "1000万元", "14期", "568人次"} <= texts
    page = editor.get(intake.get_absolute_url())
    content = page.content.decode()
    assert page.status_code == 200
    assert content.count("<mark id=") == len(intake.proposals)
    assert f'<mark id="m-{pid_of(intake, "1000万元")}">1000万元</mark>' in content
    sentences = [s for p in page.context["paragraphs"] for s in p["sentences"]]
    assert len(sentences) == 4


def test_each_quantity_is_proposed_with_its_pairing_and_measure_details(editor, world):
    intake = started(editor)
    funds = intake.proposals[pid_of(intake, "1000万元")]
    assert funds["value"] == "10000000" or float(funds["value"]) == 10_000_000
    assert funds["model_unit"] == "元"
    assert funds["sentence"] == FUNDS_SENTENCE
    assert funds["pairing"] == world.pairing.pk
    assert "坝羊镇" in funds["places"]
    cadres = intake.proposals[pid_of(intake, "5名")]
    assert cadres["model_unit"] == "人"


def test_a_project_named_by_its_places_and_title_is_proposed(editor, world):
    tea = make_project(
        world.pairing, world.source, title="坝羊镇大宗茶叶加工厂", locations=[world.bayang]
    )
    make_project(world.pairing, world.source, title="猫营镇蜂蜜生产线", locations=[world.maoying])
    intake = started(editor)
    funds = intake.proposals[pid_of(intake, "1000万元")]
    assert funds["project"] == tea.pk
    assert funds["target"] == f"project:{tea.pk}"


def test_the_same_report_again_opens_the_first_intake(editor, world):
    first = started(editor)
    respaced = REPORT.replace("。\n", "。\n\n  ").replace("1000", "１０００")
    response = editor.post(ADD, metadata(text=respaced, title="另一个标题"))
    assert response["Location"] == first.get_absolute_url()
    assert "已经录入过" in said(response)
    assert Intake.objects.count() == 1


def test_a_report_at_the_same_address_is_recognised(editor, world):
    first = started(editor, url="https://example.cn/report/1")
    response = editor.post(
        ADD, metadata(text="另一份正文，有3个车间。", url="https://example.cn/report/1")
    )
    assert response["Location"] == first.get_absolute_url()
    assert Intake.objects.count() == 1


def test_an_existing_source_of_the_same_title_and_date_is_cited(editor, world):
    intake = started(editor, title=world.source.title, published_on="2023-10-26")
    assert intake.source == world.source


def test_the_start_form_needs_a_text_or_a_file(editor, world):
    response = editor.post(ADD, metadata(text=" "))
    assert response.status_code == 200
    assert "请粘贴报告正文，或上传文件" in response.content.decode()
    assert not Intake.objects.exists()


# Uploads -------------------------------------------------------------------------------


def upload(client, name, content, **fields):
    return client.post(ADD, metadata(text="", upload=SimpleUploadedFile(name, content), **fields))


def test_a_refused_upload_keeps_what_was_typed(editor, world):
    response = upload(editor, "report.pdf", b"%PDF-1.7", publisher="安顺市乡村振兴局")
    content = response.content.decode()
    assert response.status_code == 200
    assert "只能上传 .txt、.docx 或 .html 文件" in content
    assert 'value="安顺市乡村振兴局"' in content and 'value="南沙紫云协作简报"' in content
    assert not Intake.objects.exists()


def test_an_upload_over_the_limit_is_refused_with_the_limit(editor, world, settings):
    settings.INTAKE_UPLOAD_MAX_BYTES = 1024 * 1024
    response = upload(editor, "report.txt", REPORT.encode() * 20_000)
    assert response.status_code == 200
    assert "文件太大：上传的文件不能超过 1 MB" in response.content.decode()
    assert not Intake.objects.exists()


def test_a_zip_bomb_docx_is_refused(editor, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document>" + b"0" * 5_000_000)
    response = upload(editor, "bomb.docx", buffer.getvalue())
    assert response.status_code == 200
    assert "压缩炸弹" in response.content.decode()
    assert not Intake.objects.exists()


def test_a_malformed_docx_is_refused(editor, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document><w:body")
    response = upload(editor, "broken.docx", buffer.getvalue())
    assert "已损坏" in response.content.decode()
    assert not Intake.objects.exists()


def test_a_saved_page_comes_in_without_its_script(editor, world):
    page = f"<html><body><script>alert('x')</script><p>{REPORT}</p></body></html>"
    response = upload(editor, "report.html", page.encode())
    intake = Intake.objects.get()
    assert response["Location"] == intake.get_absolute_url()
    assert "alert" not in intake.text and "script" not in intake.text
    assert "1000万元" in intake.text


def test_a_gb18030_text_file_comes_in_as_text(editor, world):
    upload(editor, "report.txt", REPORT.encode("gb18030"))
    assert Intake.objects.get().text == REPORT


# Reviewing -----------------------------------------------------------------------------


def test_an_intake_saved_half_done_is_resumed_as_it_was_left(editor, world):
    intake = started(editor)
    funds, cadres = pid_of(intake, "1000万元"), pid_of(intake, "5名")
    decisions = {funds: {"label": "坝羊镇茶叶加工厂扶持资金"}, cadres: {"decision": "drop"}}
    response = review(editor, intake, decisions, action="save")
    assert "已保存进度" in said(response)
    page = editor.get(intake.get_absolute_url())
    content = page.content.decode()
    assert 'value="坝羊镇茶叶加工厂扶持资金"' in content
    assert f'name="{cadres}-decision" value="drop" id="id_{cadres}-decision_2" checked' in content
    assert not Figure.objects.filter(quote=FUNDS_SENTENCE).exists()
    assert intakes.progress(intake) == (1, len(intake.proposals))


def test_a_figure_accepted_for_a_new_project_is_a_draft_citing_its_sentence(editor, world):
    intake = started(editor, title=world.source.title)
    intake.source = world.source
    intake.save()
    funds = pid_of(intake, "1000万元")
    new = {"target": f"new:{world.pairing.pk}", "project_title": "坝羊镇茶叶加工厂"}
    response = review(editor, intake, {funds: {"decision": "accept", **new}})
    assert "1 条写入草稿" in said(response)
    figure = Figure.objects.get(quote=FUNDS_SENTENCE)
    assert figure.value == 10_000_000 and figure.unit == "元" and figure.source == world.source
    assert figure.project.title == "坝羊镇茶叶加工厂"
    assert figure.project.status == Publication.DRAFT
    assert not Figure.objects.published().filter(pk=figure.pk).exists()
    assert Client().get(figure.project.get_absolute_url()).status_code == 404
    assert intake.decisions[funds]["made"]["figure"] == figure.pk


def test_figures_accepted_for_one_new_project_share_it(editor, world):
    intake = started(editor)
    intake.source = world.source
    intake.save()
    new = {
        "decision": "accept",
        "target": f"new:{world.pairing.pk}",
        "project_title": "劳务协作培训",
    }
    review(editor, intake, {pid_of(intake, "14期"): new, pid_of(intake, "568人次"): new})
    project = Project.objects.get(title="劳务协作培训")
    assert sorted(project.figures.values_list("value", flat=True)) == [14, 568]


def test_a_correction_is_what_is_written(editor, world):
    intake = started(editor)
    intake.source = world.source
    intake.save()
    funds = pid_of(intake, "1000万元")
    corrected = {
        "decision": "accept",
        "target": f"new:{world.pairing.pk}",
        "project_title": "坝羊镇茶叶加工厂",
        "value": "9000000",
        "qualifier": "about",
        "measure": Figure.Measure.ASSISTANCE_FUNDS,
        "label": "扶持资金",
    }
    review(editor, intake, {funds: corrected})
    figure = Figure.objects.get(quote=FUNDS_SENTENCE)
    assert (figure.value, figure.qualifier, figure.label) == (9_000_000, "about", "扶持资金")
    assert figure.measure == Figure.Measure.ASSISTANCE_FUNDS


def test_a_figure_accepted_for_a_published_project_waits_in_its_revision(editor, world):
    tea = make_project(
        world.pairing, world.source, title="坝羊镇大宗茶叶加工厂", locations=[world.bayang]
    )
    intake = started(editor)
    intake.source = world.source
    intake.save()
    funds = pid_of(intake, "1000万元")
    response = review(
        editor, intake, {funds: {"decision": "accept", "target": f"project:{tea.pk}"}}
    )
    assert "1 条进入待审修订" in said(response)
    assert not Figure.objects.filter(quote=FUNDS_SENTENCE).exists()
    revision = Revision.objects.open().of(tea).get()
    added = [
        fields for key, fields in revision.proposed.items() if key.startswith("cooperation.figure:")
    ]
    assert any(
        fields["quote"] == FUNDS_SENTENCE and fields["value"] == "10000000.00" for fields in added
    )
    assert FUNDS_SENTENCE not in Client().get(tea.get_absolute_url()).content.decode()


def test_a_pairing_wide_figure_goes_to_the_pairings_annual_indicator_as_a_revision(editor, world):
    intake = started(editor)
    intake.source = world.source
    intake.save()
    cadres = pid_of(intake, "5名")
    decision = {
        "decision": "accept",
        "target": f"indicator:{world.pairing.pk}",
        "measure": Figure.Measure.SECONDED_CADRES,
    }
    review(editor, intake, {cadres: decision})
    assert not Indicator.objects.exists()  # the pairing is published: it waits
    revision = Revision.objects.open().of(world.pairing).get()
    indicators = [
        f for key, f in revision.proposed.items() if key.startswith("cooperation.indicator:")
    ]
    assert indicators == [
        {
            "pairing": world.pairing.pk,
            "measure": "seconded_cadres",
            "year": 2023,
            "note": "",
            "note_en": "",
        }
    ]


def test_a_dropped_proposal_makes_nothing(editor, world):
    intake = started(editor)
    intake.source = world.source
    intake.save()
    review(editor, intake, {pid: {"decision": "drop"} for pid in intake.proposals})
    assert not Figure.objects.exists() and not Project.objects.exists()
    assert intakes.progress(intake) == (len(intake.proposals), len(intake.proposals))


def test_accepting_a_paragraph_accepts_all_its_proposals_but_the_dropped(editor, world):
    intake = started(editor)
    intake.source = world.source
    intake.save()
    training = [pid_of(intake, "14期"), pid_of(intake, "568人次")]
    paragraph = intake.proposals[training[0]]["paragraph"]
    new = {"target": f"new:{world.pairing.pk}", "project_title": "劳务协作培训"}
    decisions = {training[0]: new, training[1]: {**new, "decision": "drop"}}
    response = review(editor, intake, decisions, action="", accept_paragraph=str(paragraph))
    assert response["Location"].endswith(f"#paragraph-{paragraph}")
    assert list(
        Project.objects.get(title="劳务协作培训").figures.values_list("value", flat=True)
    ) == [14]
    assert intake.decisions[training[1]]["decision"] == "drop"


def test_an_incomplete_acceptance_is_shown_again_with_its_problem(editor, world):
    intake = started(editor)
    intake.source = world.source
    intake.save()
    funds = pid_of(intake, "1000万元")
    response = review(editor, intake, {funds: {"decision": "accept", "target": "", "unit": ""}})
    assert response.status_code == 200
    content = response.content.decode()
    assert "请选择数据归入的记录" in content and "接受前请填写此项" in content
    assert not Figure.objects.filter(quote=FUNDS_SENTENCE).exists()
    assert intake.decisions[funds]["decision"] == "accept"


def test_an_accepted_proposal_is_not_made_twice(editor, world):
    intake = started(editor)
    intake.source = world.source
    intake.save()
    funds = pid_of(intake, "1000万元")
    new = {"decision": "accept", "target": f"new:{world.pairing.pk}", "project_title": "茶厂"}
    review(editor, intake, {funds: new})
    values = {
        "target": f"new:{world.pairing.pk}",
        "project_title": "茶厂",
        "measure": "other",
        "label": "x",
        "value": 1,
        "unit": "元",
        "qualifier": "exact",
        "kind": "actual",
        "period_kind": "unknown",
    }
    intakes.accept(intake, None, funds, values)
    assert Figure.objects.filter(quote=FUNDS_SENTENCE).count() == 1


def test_an_editor_needs_a_source_a_publisher_makes_it_from_the_intake(editor, publisher, world):
    intake = started(editor)
    funds = pid_of(intake, "1000万元")
    new = {"decision": "accept", "target": f"new:{world.pairing.pk}", "project_title": "茶厂"}
    response = review(editor, intake, {funds: new})
    assert "还没有来源记录" in said(response)
    assert not Figure.objects.filter(quote=FUNDS_SENTENCE).exists()
    assert not Source.objects.filter(title=intake.title).exists()
    review(publisher, intake, {funds: new})
    source = Source.objects.get(title=intake.title)
    assert (source.publisher, source.kind) == ("南沙区协作办", Source.Kind.REPORT)
    assert Figure.objects.get(quote=FUNDS_SENTENCE).source == source


def test_a_finished_intake_takes_no_decisions_until_reopened(editor, world):
    intake = started(editor)
    editor.post(intake.get_absolute_url(), {"action": "finish"})
    intake.refresh_from_db()
    assert intake.state == Intake.State.DONE
    response = review(editor, intake, {pid_of(intake, "5名"): {"decision": "drop"}}, action="save")
    assert "已完成" in said(response)
    assert intake.decisions == {}
    editor.post(intake.get_absolute_url(), {"action": "reopen"})
    intake.refresh_from_db()
    assert intake.is_open


def test_nothing_accepted_by_intake_is_published(editor, world):
    intake = started(editor)
    intake.source = world.source
    intake.save()
    new = {"decision": "accept", "target": f"new:{world.pairing.pk}", "project_title": "录入项目"}
    review(editor, intake, dict.fromkeys(intake.proposals, new))
    project = Project.objects.get(title="录入项目")
    assert project.status == Publication.DRAFT
    assert not Figure.objects.published().filter(project=project).exists()
    assert not Revision.objects.filter(state=Revision.State.PUBLISHED).exists()
    reviewer = make_staff(roles.REVIEWERS)
    assert publishing.waiting_for(reviewer).count() == 0  # nothing was submitted either


# Permissions and the admin's pages -------------------------------------------------------


def test_reviewers_and_visitors_cannot_intake(world):
    reviewer = signed_in(make_staff(roles.REVIEWERS))
    assert reviewer.get(ADD).status_code == 403
    assert reviewer.get(CHANGELIST).status_code == 403
    assert reviewer.post(ADD, metadata()).status_code == 403
    intake, _created = intakes.start(None, REPORT, title="简报")
    assert reviewer.get(intake.get_absolute_url()).status_code == 403
    assert reviewer.post(intake.get_absolute_url(), {"action": "finish"}).status_code == 403
    visitor = Client().get(ADD)
    assert visitor.status_code == 302 and "/login/" in visitor["Location"]
    assert not Intake.objects.exclude(pk=intake.pk).exists()
    assert "来源录入" not in reviewer.get(reverse("admin:index")).content.decode()


def test_the_intake_admin_pages_answer(editor, world):
    intake = started(editor, title="紫云简报")
    response = editor.get(CHANGELIST)
    assert response.status_code == 200 and response.context["cl"].result_count == 1
    assert editor.get(CHANGELIST, {"q": "紫云"}).context["cl"].result_count == 1
    assert "来源录入" in editor.get(ADD).content.decode()
    assert editor.get(intake.get_absolute_url()).context["original"] == intake
    history = reverse("admin:cooperation_intake_history", args=[intake.pk])
    assert editor.get(history).status_code == 200
    assert "来源录入" in editor.get(reverse("admin:index")).content.decode()


def test_the_review_page_costs_a_bounded_number_of_queries(
    editor, world, django_assert_max_num_queries
):
    intake = started(editor)
    with django_assert_max_num_queries(20):
        assert editor.get(intake.get_absolute_url()).status_code == 200


def test_the_changelist_costs_the_same_for_3_or_30_intakes(
    editor, world, django_assert_max_num_queries
):
    editor.get(CHANGELIST)
    counts = []
    for added in (3, 27):
        for _ in range(added):
            intakes.start(
                None, f"紫云简报{Intake.objects.count()}：投入3个车间。", title="紫云简报"
            )
        with django_assert_max_num_queries(12) as captured:
            assert editor.get(CHANGELIST).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
