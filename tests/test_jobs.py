"""Long work runs as jobs outside the request (cooperation/jobs.py): a large export is written
by a job with a progress page and then downloaded, a large import is previewed and imported
by jobs with the same report as a small one, and each page is seen only by whom it is for.

Without a broker a job runs in a thread of the server; these tests run the queued work in
the test's own thread (the thread itself is tested apart), and tests/test_task_worker.py
runs it on a real Celery worker."""

import csv
import io
import threading

import openpyxl
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from cooperation import (
    export_jobs,
    import_jobs,
    job_runs,
    jobs,
    open_data_jobs,
    opendata,
    roles,
    spreadsheets,
)
from cooperation.models import Project, Publication, Revision
from portal.models import Job
from tests.factories import (
    add_activity,
    admin_import,
    csv_file,
    make_project,
    make_staff,
    xlsx_file,
)
from tests.test_import_export import PROJECT_COLUMNS, project_rows

PROJECTS = reverse("cooperation:project-list")
calls = []
called = threading.Event()


def note(value):
    """What run_later runs in the thread tests: notes the value and the thread."""
    calls.append((value, threading.get_ident()))
    called.set()


@pytest.fixture(autouse=True)
def _jobs_in_a_scratch_place(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_BROKER_URL = ""
    settings.EXPORT_JOB_FROM_ROWS = 2
    calls.clear()
    called.clear()


@pytest.fixture
def progress_told(monkeypatch):
    """Every count a job tells its page, in order."""
    told = []
    monkeypatch.setattr(job_runs, "PROGRESS_EVERY_ROWS", 1)
    tell = job_runs.Progress.tell

    def noting(self):
        told.append((self.done, self.job.total))
        tell(self)

    monkeypatch.setattr(job_runs.Progress, "tell", noting)
    return told


# run_later ---------------------------------------------------------------------------------


def test_run_later_runs_after_the_commit_in_another_thread(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.run_later("tests.test_jobs.note", "after")
        assert not called.is_set(), "ran before the commit"
    assert called.wait(10)
    [(value, thread)] = calls
    assert value == "after"
    assert thread != threading.get_ident()


def test_run_later_runs_nothing_when_the_transaction_rolls_back(db):
    try:
        with transaction.atomic():
            jobs.run_later("tests.test_jobs.note", "never")
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert not called.wait(0.5)
    assert calls == []


def test_run_later_refuses_a_path_that_names_nothing(db):
    with pytest.raises(AttributeError):
        jobs.run_later("tests.test_jobs.no_such_function")


# Exports -----------------------------------------------------------------------------------


@pytest.fixture
def three_projects(world):
    return add_activity(world, 3)


def start_export(client, capture, export_format="csv", **query):
    """The list's answer to a large download, and the job it queued (not yet run)."""
    with capture() as queued:
        response = client.get(PROJECTS, {"_export": export_format, **query})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job", args=[job.token])
    assert len(queued) == 1
    return job


def test_a_small_export_is_still_answered_at_once(three_projects, client, settings):
    settings.EXPORT_JOB_FROM_ROWS = 3
    response = client.get(PROJECTS, {"_export": "csv"})
    assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 4
    assert not Job.objects.exists()


def test_a_large_export_is_queued_not_written_in_the_request(
    three_projects, client, django_capture_on_commit_callbacks
):
    job = start_export(client, django_capture_on_commit_callbacks)
    assert (job.state, job.kind, job.total, job.user) == (Job.State.QUEUED, "export", 3, None)
    assert not job.file
    page = client.get(reverse("job", args=[job.token]))
    text = page.content.decode()
    assert '<progress max="3" value="0"' in text
    assert "js/job-progress.js" in text
    assert "刷新" in text  # Without JavaScript, a link refreshes the page.
    assert "<script>" not in text and "http-equiv" not in text


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_an_export_job_counts_its_rows_then_offers_its_file(
    three_projects, client, django_capture_on_commit_callbacks, progress_told, export_format
):
    job = start_export(client, django_capture_on_commit_callbacks, export_format)
    export_jobs.write(job.pk)
    job.refresh_from_db()
    assert progress_told == [(1, 3), (2, 3), (3, 3), (3, 3)]
    assert (job.state, job.done, job.total) == (Job.State.DONE, 3, 3)
    assert job.finished_at is not None

    status = client.get(reverse("job-status", args=[job.token])).json()
    assert (status["state"], status["percent"], status["finished"]) == ("done", 100, True)
    page = client.get(reverse("job", args=[job.token])).content.decode()
    file_url = reverse("job-file", args=[job.token])
    assert f'href="{file_url}"' in page

    response = client.get(file_url)
    content = b"".join(response.streaming_content)
    assert response["Content-Disposition"].startswith("attachment")
    titles = {project.title for project in three_projects}
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert {row[rows[0].index("title")] for row in rows[1:]} == titles
    else:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert {row[rows[0].index("title")] for row in rows[1:]} == titles
        assert book.sheetnames[1] == "labels"


def test_an_export_job_follows_the_lists_filters_and_language(
    world, client, django_capture_on_commit_callbacks
):
    for category in ("industry", "workshop", "workshop", "workshop"):
        make_project(world.pairing, world.source, category=category)
    with django_capture_on_commit_callbacks():
        client.get("/en" + PROJECTS, {"_export": "csv", "labels": "1", "category": "workshop"})
    job = Job.objects.get()
    export_jobs.write(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as stored:
        rows = list(csv.reader(io.StringIO(stored.read().decode("utf-8-sig"))))
    assert len(rows) == 4
    assert rows[0][:4] == ["ID", "URL", "URL slug", "Project"]
    assert rows[1][1].startswith("http://testserver/en/projects/")


def test_a_status_address_tells_the_progress_of_a_running_job(db, client):
    job = Job.objects.create(kind=Job.Kind.EXPORT, state=Job.State.RUNNING, done=1, total=4)
    status = client.get(reverse("job-status", args=[job.token]))
    assert status.json() == {
        "state": "running",
        "state_label": "进行中",
        "done": 1,
        "total": 4,
        "percent": 25,
        "finished": False,
    }
    assert "no-store" in status["Cache-Control"]


def test_the_same_large_export_asked_twice_is_written_once(
    three_projects, client, django_capture_on_commit_callbacks
):
    first = start_export(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks() as queued:
        again = client.get(PROJECTS, {"_export": "csv"})
    assert again["Location"] == reverse("job", args=[first.token])
    assert queued == [] and Job.objects.count() == 1


def test_a_failed_export_says_so_without_the_error(
    three_projects, client, django_capture_on_commit_callbacks
):
    job = start_export(client, django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(params={**job.params, "path": "/no-such-list/"})
    export_jobs.write(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "Resolver404" in job.error  # For staff, in the admin.
    page = client.get(reverse("job", args=[job.token])).content.decode()
    assert "导出失败" in page
    assert "Resolver404" not in page
    assert client.get(reverse("job-file", args=[job.token])).status_code == 404


def test_a_job_already_taken_is_not_run_again(three_projects, client, monkeypatch):
    job = Job.objects.create(kind=Job.Kind.EXPORT, state=Job.State.RUNNING)
    monkeypatch.setattr(export_jobs, "write_export", lambda job: pytest.fail("ran twice"))
    export_jobs.write(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING


def test_a_visitor_sees_a_job_only_by_its_token(db, client, admin_user):
    export = Job.objects.create(kind=Job.Kind.EXPORT)
    staff_import = Job.objects.create(kind=Job.Kind.IMPORT_PREVIEW, user=admin_user)
    assert client.get(reverse("job", args=[export.token])).status_code == 200
    assert client.get(reverse("job", args=[export.token + "x"])).status_code == 404
    for name in ("job", "job-status", "job-file"):
        assert client.get(reverse(name, args=[staff_import.token])).status_code == 404
    assert client.get(reverse("job-file", args=[export.token])).status_code == 404  # Not done.


def test_old_jobs_and_their_files_are_pruned(
    three_projects, client, django_capture_on_commit_callbacks, settings
):
    job = start_export(client, django_capture_on_commit_callbacks)
    export_jobs.write(job.pk)
    job.refresh_from_db()
    path = settings.MEDIA_ROOT / job.file.name
    assert path.exists()
    call_command("prune_jobs", "--days", "2", stdout=io.StringIO())
    assert Job.objects.filter(pk=job.pk).exists()
    call_command("prune_jobs", "--days", "0", stdout=io.StringIO())
    assert not Job.objects.exists() and not path.exists()


# Imports -----------------------------------------------------------------------------------


@pytest.fixture
def small_direct_rows(monkeypatch):
    """Files of more than two rows go to jobs, as files of more than 200 do."""
    monkeypatch.setattr(spreadsheets, "IMPORT_DIRECT_ROWS", 2)


def start_import(client, capture, content, name="projects.csv"):
    with capture() as queued:
        response = admin_import(client, "project", name, content)
    job = Job.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin-job", args=[job.token])
    assert len(queued) == 1 and job.state == Job.State.QUEUED
    return job


@pytest.mark.parametrize("build", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_large_import_is_previewed_then_imported_by_jobs(
    admin_client,
    world,
    small_direct_rows,
    progress_told,
    django_capture_on_commit_callbacks,
    build,
):
    content = build(PROJECT_COLUMNS, project_rows(world))
    name = "projects." + build.__name__.split("_")[0]
    preview = start_import(admin_client, django_capture_on_commit_callbacks, content, name)
    import_jobs.preview(preview.pk)
    preview.refresh_from_db()
    assert (preview.state, preview.done, preview.total) == (Job.State.DONE, 3, 3)
    assert progress_told[:3] == [(1, 3), (2, 3), (3, 3)]
    assert not Project.objects.exists()
    page = admin_client.get(reverse("admin-job", args=[preview.token]))
    assert page.context["totals"][0] == ("新增", 3)
    assert "确认导入" in page.content.decode()

    with django_capture_on_commit_callbacks() as queued:
        confirmed = admin_client.post(reverse("admin-job", args=[preview.token]))
    job = Job.objects.get(kind=Job.Kind.IMPORT)
    assert confirmed["Location"] == reverse("admin-job", args=[job.token])
    assert len(queued) == 1
    import_jobs.confirm(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert set(Project.objects.values_list("slug", flat=True)) == {
        "zy-tea",
        "zy-fish",
        "zy-workshop",
    }
    assert set(Project.objects.values_list("status", flat=True)) == {Publication.DRAFT}
    assert Project.history.filter(history_user__username="admin").count() == 3
    report = admin_client.get(reverse("admin-job", args=[job.token])).content.decode()
    assert "已导入" in report and "确认导入" not in report
    again = admin_client.post(reverse("admin-job", args=[preview.token]))
    assert again.status_code == 403  # A previewed file is imported once.


def test_a_large_import_with_bad_rows_reports_each_and_imports_nothing(
    admin_client, world, small_direct_rows, django_capture_on_commit_callbacks
):
    rows = project_rows(world, {"category": "fishing"})
    rows[2][PROJECT_COLUMNS.index("pairing")] = 999
    job = start_import(
        admin_client, django_capture_on_commit_callbacks, csv_file(PROJECT_COLUMNS, rows)
    )
    import_jobs.preview(job.pk)
    job.refresh_from_db()
    problems = job.result["problems"]
    assert [problem[:3] for problem in problems] == ["第2行", "第3行"]
    page = admin_client.get(reverse("admin-job", args=[job.token])).content.decode()
    assert "未导入任何记录" in page and problems[0] in page
    assert "确认导入" not in page
    assert not Project.objects.exists()


def test_a_large_import_changing_a_published_project_becomes_a_revision(
    admin_client, world, small_direct_rows, django_capture_on_commit_callbacks
):
    live = make_project(world.pairing, world.source, slug="zy-tea", title="紫云茶叶")
    Project.objects.filter(pk=live.pk).update(status=Publication.PUBLISHED)
    rows = project_rows(world)
    job = start_import(
        admin_client, django_capture_on_commit_callbacks, csv_file(PROJECT_COLUMNS, rows)
    )
    import_jobs.preview(job.pk)
    with django_capture_on_commit_callbacks():
        admin_client.post(reverse("admin-job", args=[job.token]))
    import_jobs.confirm(Job.objects.get(kind=Job.Kind.IMPORT).pk)
    live.refresh_from_db()
    assert live.title == "紫云茶叶"  # The public still sees the published version.
    revision = Revision.objects.open().of(live).get()
    assert revision.proposed[f"cooperation.project:{live.pk}"]["title"] == "紫云茶叶加工"


def test_an_import_job_is_seen_only_by_its_staff_member(
    admin_client, client, world, small_direct_rows, django_capture_on_commit_callbacks
):
    job = start_import(
        admin_client,
        django_capture_on_commit_callbacks,
        csv_file(PROJECT_COLUMNS, project_rows(world)),
    )
    other = make_staff(roles.EDITORS)
    client.force_login(other)
    assert client.get(reverse("admin-job", args=[job.token])).status_code == 404
    assert client.get(reverse("job-status", args=[job.token])).status_code == 404
    client.logout()
    anonymous = client.get(reverse("admin-job", args=[job.token]))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_an_import_job_fails_when_its_staff_member_may_no_longer_import(
    admin_client, admin_user, world, small_direct_rows, django_capture_on_commit_callbacks
):
    job = start_import(
        admin_client,
        django_capture_on_commit_callbacks,
        csv_file(PROJECT_COLUMNS, project_rows(world)),
    )
    admin_user.is_staff = False
    admin_user.save()
    import_jobs.preview(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "PermissionDenied" in job.error


def test_a_staff_member_without_the_import_permission_starts_no_job(
    editor, world, small_direct_rows, settings
):
    settings.IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"  # a permission nobody is given
    response = admin_import_refused(editor, csv_file(PROJECT_COLUMNS, project_rows(world)))
    assert response.status_code == 403
    assert not Job.objects.exists()


def admin_import_refused(client, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:cooperation_project_import")
    upload = SimpleUploadedFile("p.csv", content)
    return client.post(url, {"format": "0", "resource": "0", "import_file": upload})


# The bulk download after changes ------------------------------------------------------------


def test_a_burst_of_changes_schedules_one_open_data_build(world, monkeypatch, settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path / "open-data"
    scheduled = []
    monkeypatch.setattr(open_data_jobs, "run_after", lambda *args: scheduled.append(args))
    cache.delete(open_data_jobs.SCHEDULED_KEY)
    open_data_jobs.recent.noted = -10.0
    open_data_jobs.changed(Project)
    open_data_jobs.changed(Project)  # Within a second: not even noted.
    open_data_jobs.schedule()  # Noted, but a build is already scheduled.
    assert scheduled == [(300, "cooperation.open_data_jobs.build")]

    open_data_jobs.build()  # The data has not stood still for 300 s yet: nothing is built,
    assert opendata.last_build() is None
    assert len(scheduled) == 2  # and the build is scheduled again.
