"""Data safety: `dumpdata` of the whole database, loaded into an empty one, gives back every
public page byte for byte and the same dump again.

The empty database is a flushed one: like a freshly migrated database it holds only the
content types and permissions that `migrate` makes, so those are left out of the dump and
referred to by natural key. Sessions are left out too: they are not data to keep. Login
records and the change history are kept.

JSON dumps keep times to the millisecond only (Django's JSON encoder cuts microseconds);
XML dumps keep them whole. Both are tested. A time within the first millisecond of its
second is dumped as "…:08.000Z" and, loaded back with no microseconds, again as "…:08Z":
the same value, written two ways, so JSON dumps are compared with ".000" taken out.

Every HTML page carries the language switcher's CSRF token, which Django masks afresh on
each response; it is blanked in both renderings before they are compared. Nothing else is.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Pairing, Project, Publication, Region
from tests.factories import make_beneficiary, make_pairing, make_person, make_project
from tests.public_urls import export_paths, public_paths

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
NOT_DATA = ["contenttypes", "auth.permission", "sessions"]
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
BLANK_TOKEN = b'name="csrfmiddlewaretoken" value=""'
# The IATI file says when it was written, which differs from one request to the next.
GENERATED = re.compile(rb'generated-datetime="[^"]+"')
# So does an Atom feed without entries: its <updated> is then the time it was written.
EMPTY_FEED_UPDATED = re.compile(rb"<updated>[^<]*</updated>")
WHOLE_SECOND = re.compile(rb"(T\d\d:\d\d:\d\d)\.000(?=Z|[+-]\d\d:\d\d)")


def add_drafts_and_audit_records():
    """Records that must stay off the public pages, and the staff side's own records."""
    pairing = Pairing.objects.filter(level=Pairing.Level.COUNTY).order_by("pk").first()
    source = pairing.source
    project = Project.objects.published().order_by("pk").first()
    drafts = [
        make_project(pairing, source, title="草稿项目", funds=1_000_000, status=Publication.DRAFT),
        make_pairing(pairing.east_region, pairing.west_region, source, status=Publication.DRAFT),
        make_beneficiary(source, name="草稿受益对象", status=Publication.DRAFT),
    ]
    make_person(name="非公开人员", is_public_figure=False, source=source)
    publisher = User.objects.create_user("publisher", password="unused-Passw0rd!", is_staff=True)
    publisher.groups.set(Group.objects.all())
    LogEntry.objects.create(
        action_time=timezone.now().replace(microsecond=500),
        user=publisher,
        content_type=ContentType.objects.get_for_model(Project),
        object_id=str(project.pk),
        object_repr=str(project),
        action_flag=CHANGE,
        change_message="修改了摘要",
    )
    AccessFailureLog.objects.create(
        username="publisher", ip_address="203.0.113.9", user_agent="test", path_info="/admin/"
    )
    return [draft.get_absolute_url() for draft in drafts]


@pytest.fixture(autouse=True)
def _iati_publisher_named(settings):
    settings.IATI_REPORTING_ORG_REF = "XM-DAC-00000"
    settings.IATI_REPORTING_ORG_TYPE = "10"
    settings.IATI_REPORTING_ORG_NAME = "东西部协作信息公开平台"


def visible_paths():
    """Every public page, the API and the exports; not the bulk download's files, which
    are built from the database by a command, not rendered from it on request."""
    paths = [
        path
        for name, name_paths in public_paths().items()
        if name != "open-data-file"
        for path in name_paths
    ]
    return paths + export_paths(formats=("csv", "json"))


def render(paths):
    """{path: (status, content type, body)} as a zh-hans visitor sees them."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    pages = {}
    for path in paths:
        response = client.get(path)
        content = b"".join(response) if response.streaming else response.content
        if content.startswith(b"<?xml") and b"<feed" in content and b"<entry>" not in content:
            content = EMPTY_FEED_UPDATED.sub(b"", content)
        body = GENERATED.sub(b"", CSRF_TOKEN.sub(BLANK_TOKEN, content))
        pages[path] = (response.status_code, response.get("Content-Type"), body)
    return pages


def dump(path, dump_format):
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        *(f"--exclude={label}" for label in NOT_DATA),
        f"--format={dump_format}",
        "--indent=1",
        f"--output={path}",
        verbosity=0,
    )
    dumped = path.read_bytes()
    return WHOLE_SECOND.sub(rb"\1", dumped) if dump_format == "json" else dumped


def stored_values(milliseconds):
    """The values loaddata must not recompute: the cached funds, the region paths, and
    when each project last changed (JSON keeps times to the millisecond only)."""
    projects = []
    for pk, funds, qualifier, updated_at in Project.objects.values_list(
        "pk", "funds", "funds_qualifier", "updated_at"
    ):
        if milliseconds:
            updated_at = updated_at.replace(microsecond=updated_at.microsecond // 1000 * 1000)
        projects.append((pk, funds, qualifier, updated_at))
    return projects, list(Region.objects.values_list("pk", "path"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("dump_format", ["json", "xml"])
def test_dump_loaded_into_an_empty_database_gives_back_every_page(tmp_path, dump_format):
    call_command("loaddata", *FIXTURES, verbosity=0)
    draft_paths = add_drafts_and_audit_records()
    paths = visible_paths()
    before = render(paths + draft_paths)
    stored = stored_values(milliseconds=dump_format == "json")
    dumped = dump(tmp_path / f"before.{dump_format}", dump_format)

    call_command("flush", interactive=False, verbosity=0)
    assert not Project.objects.exists() and not User.objects.exists()
    call_command("loaddata", str(tmp_path / f"before.{dump_format}"), verbosity=0)
    call_command("verify_audit", stdout=StringIO())

    assert dump(tmp_path / f"after.{dump_format}", dump_format) == dumped
    assert stored_values(milliseconds=False) == stored
    after = render(paths + draft_paths)
    assert [path for path in paths if after[path] != before[path]] == []
    assert after == before


@pytest.mark.django_db(transaction=True)
def test_the_compared_pages_are_the_public_ones():
    """Guards the test above against comparing error pages or a short list."""
    call_command("loaddata", *FIXTURES, verbosity=0)
    draft_paths = add_drafts_and_audit_records()
    pages = render(visible_paths() + draft_paths)

    statuses = {path: status for path, (status, _type, _body) in pages.items()}
    assert {statuses[path] for path in draft_paths} == {404}
    assert statuses[reverse("set_language")] == 302
    shown = [path for path, status in statuses.items() if path not in draft_paths]
    assert {statuses[path] for path in shown if path != reverse("set_language")} == {200}
    assert len(shown) > Project.objects.published().count() + Region.objects.count()
    html = {path: body for path, (status, kind, body) in pages.items() if "html" in kind}
    # A public page is the same for every visitor: the feedback form alone has a CSRF token.
    assert {path for path, body in html.items() if BLANK_TOKEN in body} == {
        reverse("feedback:form")
    }
    for hidden in ("草稿项目", "草稿受益对象", "非公开人员"):
        assert not any(hidden.encode() in body for _status, _type, body in pages.values())
