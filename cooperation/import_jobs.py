"""Imports of more than spreadsheets.IMPORT_DIRECT_ROWS rows, previewed and imported by jobs.

A file that size would outlast the web request, so the admin's import form hands it here:
the file is kept through Django's storage API (where every app server and worker reads it)
and a preview job reads it as the form would, with every row checked in a transaction that
is rolled back. Its page (cooperation/views/jobs.py, admin/jobs/job.html) shows the
progress, then the same problems list as a small import, or what the file would add and
change with a button to import it. That starts the import job, which imports the file whole
or not at all, inside `editing()` as every admin write does (a row that changes a published
record becomes a revision), and as the staff member who asked: with their permissions, in
their name in the change history and the admin log. Its page gives the report.

Files smaller than that are still previewed and imported in the request, as before.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from import_export.signals import post_import
from simple_history.models import HistoricalRecords

from cooperation import spreadsheets
from cooperation.editing import editing
from cooperation.job_runs import Progress, perform
from cooperation.jobs import run_later
from portal.models import Job, new_job_token

UPLOADS = "jobs/imports/"
# import-export's row types, as the report names them.
ROW_TYPES = {
    "new": _("新增"),
    "update": _("修改"),
    "delete": _("删除"),
    "skip": _("无变化"),
}


def hand_off(model_admin, request):
    """A redirect to the page of a preview job for a large file, or None for the form to
    go on as usual (a small file, an invalid form, a GET)."""
    if request.method != "POST":
        return None
    form = model_admin.create_import_form(request)
    if not form.is_valid():
        return None
    upload = form.cleaned_data["import_file"]
    format_index = int(form.cleaned_data["format"])
    input_format = model_admin.get_import_formats()[format_index]()
    content = b"".join(upload.chunks())
    upload.seek(0)
    if spreadsheets.rows_at_most(content, input_format) <= spreadsheets.IMPORT_DIRECT_ROWS:
        return None
    extension = "xlsx" if isinstance(input_format, spreadsheets.XLSX) else "csv"
    stored = default_storage.save(f"{UPLOADS}{new_job_token()}.{extension}", ContentFile(content))
    job = Job.objects.create(
        kind=Job.Kind.IMPORT_PREVIEW,
        user=request.user,
        params={
            "model": model_admin.opts.label_lower,
            "format": format_index,
            "upload": stored,
            "file_name": upload.name,
            "language": translation.get_language(),
        },
    )
    run_later("cooperation.import_jobs.preview", job.pk)
    return redirect("admin-job", token=job.token)


def preview(job_pk):
    """The task: checks every row of the file, imports nothing."""
    perform(job_pk, lambda job: run(job, dry_run=True))


def confirm(job_pk):
    """The task: imports the previewed file, whole or not at all."""
    perform(job_pk, lambda job: run(job, dry_run=False))


class StaffRequest(HttpRequest):
    """The staff member who asked for the job, as the admin's permission checks and the
    change history read a request."""

    def __init__(self, user):
        super().__init__()
        self.method = "POST"
        self.user = user if user is not None else AnonymousUser()


def model_admin_of(job):
    return admin.site._registry[apps.get_model(job.params["model"])]


def may_import(model_admin, request):
    return (
        request.user.is_active
        and request.user.is_staff
        and model_admin.has_import_permission(request)
        and model_admin.has_add_permission(request)
        and model_admin.has_change_permission(request)
    )


def run(job, dry_run):
    request = StaffRequest(job.user)
    model_admin = model_admin_of(job)
    if not may_import(model_admin, request):
        raise PermissionDenied(f"{job.user} may not import {job.params['model']}.")
    with translation.override(job.params["language"]):
        try:
            dataset = read_dataset(job, model_admin)
        except (spreadsheets.FileRefused, OSError) as error:
            return report(job, problems=[file_problem(model_admin, error)])
        progress = Progress(job, len(dataset))
        resource_class = model_admin.get_import_resource_classes(request)[0]
        resource = resource_class(**model_admin.get_import_resource_kwargs(request))
        counted(resource, progress)
        HistoricalRecords.context.request = request
        try:
            if dry_run:
                result = import_file(model_admin, resource, dataset, job, request, dry_run)
                revisions = []
            else:
                with editing(job.user) as edit:
                    result = import_file(model_admin, resource, dataset, job, request, dry_run)
                    if ok(result):
                        model_admin.generate_log_entries(result, request)
                revisions = [(str(rev), rev.get_absolute_url()) for rev in edit.revisions]
        finally:
            del HistoricalRecords.context.request
        progress.tell()
        if ok(result) and not dry_run:
            post_import.send(sender=None, model=model_admin.model)
        report(job, result=result, revisions=revisions)
    if not dry_run or not ok(result):
        default_storage.delete(job.params["upload"])


def read_dataset(job, model_admin):
    input_format = model_admin.get_import_formats()[job.params["format"]]()
    with default_storage.open(job.params["upload"], "rb") as upload:
        return input_format.create_dataset(upload.read())


def file_problem(model_admin, error):
    if isinstance(error, spreadsheets.FileRefused):
        return str(error)
    from cooperation.admin.imports import UNREADABLE

    return str(UNREADABLE)


def counted(resource, progress):
    """Counts each row the resource imports (or checks) in the job's progress."""
    import_row = resource.import_row

    def import_and_count(*args, **kwargs):
        try:
            return import_row(*args, **kwargs)
        finally:
            progress.advance()

    resource.import_row = import_and_count


def import_file(model_admin, resource, dataset, job, request, dry_run):
    kwargs = model_admin.get_import_data_kwargs(request=request)
    return resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        file_name=job.params["file_name"],
        user=job.user,
        retain_instance_in_row_result=True,
        **kwargs,
    )


def ok(result):
    return not result.has_errors() and not result.has_validation_errors()


def report(job, problems=None, result=None, revisions=()):
    """What the job's page says: the problems of the file (as a small import says them),
    else how many rows would be (or were) added, changed and left as they were."""
    from cooperation.admin.imports import import_problems

    if result is not None:
        problems = [str(problem) for problem in import_problems(result)]
    job.result = {
        "problems": problems or [],
        "totals": dict(result.totals) if result is not None and not problems else {},
        "revisions": [list(revision) for revision in revisions],
    }


def job_context(request, job):
    """The admin job page's context; its form's confirmation starts the import."""
    model_admin = model_admin_of(job)
    if not may_import(model_admin, request):
        raise PermissionDenied
    can_confirm = (
        job.kind == Job.Kind.IMPORT_PREVIEW
        and job.state == Job.State.DONE
        and not job.result.get("problems")
        and default_storage.exists(job.params["upload"])
        and not Job.objects.filter(kind=Job.Kind.IMPORT, params__upload=job.params["upload"])
    )
    return {
        "opts": model_admin.opts,
        "title": job.get_kind_display(),
        "can_confirm": can_confirm,
        "totals": [
            (label, job.result.get("totals", {}).get(row_type, 0))
            for row_type, label in ROW_TYPES.items()
        ],
        "import_url": reverse(
            f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_import"
        ),
        "changelist_url": reverse(
            f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist"
        ),
        **admin.site.each_context(request),
    }


def start_import(request, preview_job):
    """The import of a previewed file, as the staff member who confirms it."""
    context = job_context(request, preview_job)
    if not context["can_confirm"] or preview_job.user_id != request.user.pk:
        raise PermissionDenied
    job = Job.objects.create(
        kind=Job.Kind.IMPORT, user=request.user, params=preview_job.params, total=preview_job.total
    )
    run_later("cooperation.import_jobs.confirm", job.pk)
    return redirect("admin-job", token=job.token)
