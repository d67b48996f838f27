"""The 纠错 form (portal/feedback.py): open to every visitor, stored for the admins, bounded
per address and in all, and safe against whatever a visitor or a bot sends."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cooperation import roles
from portal import feedback
from portal.models import Feedback
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

FORM = "/feedback/"
THANKS = "/feedback/thanks/"


@pytest.fixture(autouse=True)
def _empty_cache_and_chinese():
    """Each test starts with no count of feedback, and in Chinese: an English request
    leaves English active in the thread, which reverse() would then follow."""
    cache.clear()
    with translation.override("zh-hans"):
        yield
    cache.clear()


def send(client, text="坝羊镇茶叶加工厂的投入资金应为305.65万元。", **fields):
    return client.post(FORM, {"text": text, **fields})


class Tags(HTMLParser):
    """The tags of a page, to look for inline script and style."""

    def __init__(self):
        super().__init__()
        self.inline_scripts, self.styled = [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self._in_script = True
        if tag == "style" or "style" in attrs or any(name.startswith("on") for name in attrs):
            self.styled.append(tag)

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


# The link ----------------------------------------------------------------------------------


def test_every_public_page_links_to_the_form_with_its_own_address(world, client):
    html = client.get(world.pairing.get_absolute_url()).content.decode()
    assert f'href="/feedback/?page={world.pairing.get_absolute_url()}"' in html

    assert 'href="/feedback/?page=/"' in client.get("/").content.decode()
    assert 'href="/en/feedback/?page=/en/projects/"' in client.get("/en/projects/").content.decode()


def test_the_address_in_the_link_is_encoded(db, client):
    html = client.get("/no-such-page/?x=1&evil=<b>").content.decode()
    assert 'href="/feedback/?page=/no-such-page/"' in html


def test_the_form_does_not_link_to_itself_with_a_page(db, client):
    html = client.get(FORM, {"page": "/projects/"}).content.decode()
    assert 'href="/feedback/"' in html
    assert "?page=/feedback/" not in html


# The form page -----------------------------------------------------------------------------


def test_the_form_is_prefilled_with_a_page_of_this_site(db, client):
    response = client.get(FORM, {"page": "/projects/坝羊镇/"})

    assert response.status_code == 200
    assert response.context["form"]["page"].value() == "/projects/坝羊镇/"
    assert 'value="/projects/坝羊镇/"' in response.content.decode()


@pytest.mark.parametrize(
    "page",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/a\x00b",
        "/a\r\nSet-Cookie: x=1",
        "/\u202eexe",
        "/" + "长" * 600,
        "projects/",
        "",
    ],
)
def test_a_page_elsewhere_or_odd_is_not_prefilled(db, client, page):
    response = client.get(FORM, {"page": page})

    assert response.status_code == 200
    assert response.context["form"]["page"].value() == ""


def test_only_the_form_page_sets_the_csrf_cookie(world, client):
    form_page = client.get(FORM)
    assert "csrftoken" in form_page.cookies
    assert 'name="csrfmiddlewaretoken"' in form_page.content.decode()
    assert "no-cache" in form_page["Cache-Control"] or "max-age=0" in form_page["Cache-Control"]

    for path in ("/", world.pairing.get_absolute_url(), THANKS, "/en/feedback/thanks/"):
        fresh = Client()
        response = fresh.get(path)
        assert response.status_code == 200, path
        assert "csrftoken" not in response.cookies, path


def test_the_form_page_has_no_inline_script_or_style(db, client):
    tags = Tags()
    tags.feed(client.get(FORM).content.decode())
    assert tags.inline_scripts == [] and tags.styled == []


def test_the_notice_says_what_is_kept_why_how_long_and_how_to_delete(db, client, settings):
    settings.SITE_PUBLISHER = "紫云自治县乡村振兴局"
    settings.SITE_CONTACT = "0851-0000000"

    html = client.get(FORM).content.decode()

    assert "个人信息说明" in html
    assert "选填的联系方式" in html
    assert "365 天后自动删除" in html
    assert "不写入数据库" in html
    assert "删除" in html and "0851-0000000" in html
    assert "个人信息处理者：紫云自治县乡村振兴局" in html


def test_the_form_is_in_english_under_en(db, client):
    response = client.get("/en/feedback/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert 'action="/en/feedback/"' in response.content.decode()


# Sending -----------------------------------------------------------------------------------


def test_feedback_is_stored_and_the_visitor_thanked_after_a_redirect(db, client):
    response = send(client, contact="someone@example.org", page="/projects/x/")

    assert response.status_code == 302
    assert response["Location"] == f"{THANKS}?page=%2Fprojects%2Fx%2F"
    stored = Feedback.objects.get()
    assert stored.text == "坝羊镇茶叶加工厂的投入资金应为305.65万元。"
    assert stored.contact == "someone@example.org"
    assert stored.page == "/projects/x/"
    assert stored.status == Feedback.Status.NEW
    assert stored.language == "zh-hans"

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "已收到您的反馈" in thanks.content.decode()
    assert 'href="/projects/x/"' in thanks.content.decode()


def test_feedback_sent_from_an_english_page_keeps_its_language(db, client):
    response = client.post("/en/feedback/", {"text": "The title is wrong."})

    assert response["Location"] == "/en/feedback/thanks/"
    assert Feedback.objects.get().language == "en"


@pytest.mark.parametrize(
    "contact", ["", "someone@example.org", "020-12345678", "+86 138 0000 0000"]
)
def test_an_email_a_telephone_or_nothing_is_a_contact(db, client, contact):
    assert send(client, contact=contact).status_code == 302
    assert Feedback.objects.get().contact == contact


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"text": ""}, "请写下哪里有误。"),
        ({"text": "   \n  "}, "请写下哪里有误。"),
        ({"text": "错" * 2001}, "请缩短到 2000 字以内（现为 2001 字）。"),
        ({"contact": "not an address @"}, "电子邮箱地址不正确。"),
        ({"contact": "call me"}, "请填写电子邮箱或电话号码，或留空。"),
        ({"contact": "1" * 101}, "100"),
        ({"page": "https://evil.example/"}, "请填写本站页面的地址"),
        ({"page": "//evil.example/"}, "请填写本站页面的地址"),
        ({"page": "/" + "x" * 600}, "500"),
        ({"text": "a\x00b"}, "含有无法保存的空字符"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(db, client, fields, error):
    data = {"text": "标题有误", **fields}

    response = client.post(FORM, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "提交未成功" in html
    assert error in html or error.lower() in html.lower()
    assert Feedback.objects.count() == 0


def test_hostile_text_is_stored_as_written_and_shown_escaped(db, client):
    script = "<script>alert(1)</script>"
    response = client.post(FORM, {"text": script, "contact": "bad", "page": "/x/"})

    assert script not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()
    assert send(client, text=script).status_code == 302
    assert Feedback.objects.get().text == script


def test_a_post_without_the_csrf_token_is_refused_not_an_error(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(FORM, {"text": "标题有误"})

    assert response.status_code == 403
    assert Feedback.objects.count() == 0


def test_a_post_with_the_token_from_the_form_page_is_taken(db):
    client = Client(enforce_csrf_checks=True)
    token = client.get(FORM).cookies["csrftoken"].value

    response = client.post(FORM, {"text": "标题有误", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert Feedback.objects.count() == 1


def test_a_filled_honeypot_is_thanked_but_not_stored(db, client):
    response = send(client, website="https://spam.example/")

    assert response.status_code == 302
    assert Feedback.objects.count() == 0


def test_other_methods_are_refused(db, client):
    assert client.put(FORM).status_code == 405
    assert client.post(THANKS).status_code == 405


# Limits ------------------------------------------------------------------------------------


def test_a_sixth_feedback_from_one_address_within_the_hour_is_refused_politely(db, client):
    for _ in range(feedback.PER_ADDRESS):
        assert send(client).status_code == 302

    refused = send(client, text="第六条")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    html = refused.content.decode()
    assert "提交过于频繁" in html
    assert "第六条" in html  # given back to copy, not lost
    assert Feedback.objects.count() == feedback.PER_ADDRESS
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert send(other).status_code == 302


def test_the_refusal_is_in_the_pages_language(db, client):
    for _ in range(feedback.PER_ADDRESS):
        send(client)

    refused = client.post("/en/feedback/", {"text": "sixth"})

    assert refused.status_code == 429
    assert refused["Content-Language"] == "en"
    assert '<html lang="en">' in refused.content.decode()


def test_the_limit_follows_the_address_the_trusted_proxy_saw(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")
    for _ in range(feedback.PER_ADDRESS):
        assert send(first).status_code == 302

    assert send(first).status_code == 429
    assert send(second).status_code == 302
    # A forged address further left changes nothing: the proxy's view is what counts.
    forged = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1")
    assert send(forged).status_code == 429


def test_the_address_is_not_stored(db):
    send(Client(REMOTE_ADDR="198.51.100.77"))

    stored = Feedback.objects.get()
    assert "198.51.100.77" not in repr(
        {field.name: getattr(stored, field.name) for field in Feedback._meta.fields}
    )


def test_all_visitors_together_are_bounded_per_hour(db, client, monkeypatch):
    monkeypatch.setattr(feedback, "ALL_VISITORS", 3)
    Feedback.objects.create(text="早先的", received_at=timezone.now() - timedelta(hours=2))
    for number in range(3):
        assert send(Client(REMOTE_ADDR=f"198.51.100.{number}")).status_code == 302

    assert send(Client(REMOTE_ADDR="198.51.100.99")).status_code == 429


def test_a_honeypot_hit_counts_toward_the_limit(db, client):
    for _ in range(feedback.PER_ADDRESS):
        send(client, website="spam")

    assert send(client).status_code == 429


# Ageing out --------------------------------------------------------------------------------


def test_feedback_older_than_the_retention_is_deleted_by_the_next_one(db, client):
    old = Feedback.objects.create(
        text="旧的", received_at=timezone.now() - timedelta(days=Feedback.RETENTION_DAYS + 1)
    )
    recent = Feedback.objects.create(text="近的", received_at=timezone.now() - timedelta(days=30))

    send(client)

    assert not Feedback.objects.filter(pk=old.pk).exists()
    assert Feedback.objects.filter(pk=recent.pk).exists()


def test_prune_feedback_deletes_expired_feedback(db, capsys):
    Feedback.objects.create(text="旧的", received_at=timezone.now() - timedelta(days=400))
    Feedback.objects.create(text="近的")

    call_command("prune_feedback", dry_run=True)
    assert Feedback.objects.count() == 2
    call_command("prune_feedback")

    assert list(Feedback.objects.values_list("text", flat=True)) == ["近的"]
    assert "Deleted 1 feedback" in capsys.readouterr().out


# The admin ---------------------------------------------------------------------------------


def test_publishers_list_search_and_mark_feedback_handled(publisher):
    wanted = Feedback.objects.create(text="茶叶加工厂的日期有误", contact="a@example.org")
    Feedback.objects.create(text="别的")
    changelist = reverse("admin:portal_feedback_changelist")

    listed = publisher.get(changelist, {"q": "茶叶"})
    assert listed.status_code == 200
    assert "茶叶加工厂的日期有误" in listed.content.decode()
    assert "别的" not in listed.content.decode()

    response = publisher.post(
        changelist, {"action": "mark_handled", "_selected_action": [wanted.pk]}
    )
    assert response.status_code == 302
    wanted.refresh_from_db()
    assert wanted.status == Feedback.Status.HANDLED
    # The admin log, kept longer than the feedback, names it without its text.
    logged = LogEntry.objects.get(object_id=str(wanted.pk))
    assert "茶叶" not in logged.object_repr and logged.object_repr.startswith(f"#{wanted.pk} ")


def test_publishers_change_the_status_but_not_the_text(publisher):
    item = Feedback.objects.create(text="原话", contact="a@example.org", page="/x/")
    change = reverse("admin:portal_feedback_change", args=[item.pk])

    page = publisher.get(change)
    assert page.status_code == 200
    assert 'name="text"' not in page.content.decode()

    publisher.post(
        change, {"status": "handled", "handling_note": "已更正", "text": "改过", "contact": ""}
    )
    item.refresh_from_db()
    assert (item.status, item.handling_note, item.text, item.contact) == (
        "handled",
        "已更正",
        "原话",
        "a@example.org",
    )


def test_nobody_adds_feedback_in_the_admin(publisher):
    assert publisher.get(reverse("admin:portal_feedback_add")).status_code == 403


def test_publishers_delete_feedback_on_request(publisher):
    item = Feedback.objects.create(text="请删除我上次的反馈")
    delete = reverse("admin:portal_feedback_delete", args=[item.pk])

    assert publisher.post(delete, {"post": "yes"}).status_code == 302
    assert Feedback.objects.count() == 0


def test_editors_do_not_see_feedback(editor):
    assert editor.get(reverse("admin:portal_feedback_changelist")).status_code == 403


def test_superusers_see_feedback_history_and_search(admin_client):
    item = Feedback.objects.create(text="标题有误")
    assert admin_client.get(reverse("admin:portal_feedback_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:portal_feedback_changelist"), {"q": "标题"}).status_code
        == 200
    )
    history = reverse("admin:portal_feedback_history", args=[item.pk])
    assert admin_client.get(history).status_code == 200


def test_publishers_group_holds_the_feedback_permissions(db):
    user = make_staff(roles.PUBLISHERS)
    assert user.has_perms(
        ["portal.view_feedback", "portal.change_feedback", "portal.delete_feedback"]
    )
    assert not user.has_perm("portal.add_feedback")
