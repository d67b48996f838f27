"""A list's download of more than settings.EXPORT_JOB_FROM_ROWS rows, written by a job.

The list's request starts the job and sends the visitor to its page (cooperation/views/
jobs.py), which shows the progress and then the download link. The job rebuilds the list as
the visitor asked for it (address, filters, sort, language) and writes the file with
cooperation.export_files.write_file to a temporary file, a chunk of records at a time
(openpyxl's write-only mode for XLSX), then through Django's storage API (STORAGES
["default"]) where every app server reads it.

The same download asked again while its job is queued or running, or within REUSE_MINUTES
of its end, is sent to that job: a crowd asking for one large file writes it once.
"""

import hashlib
import json
import tempfile
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers

from cooperation import export_files
from cooperation.job_runs import Progress, perform
from cooperation.jobs import run_later
from portal.models import Job

REUSE_MINUTES = 10


def start(request, table, export_format, count):
    """Queues the export of the list as `request` asks for it; the redirect to its page."""
    params = {
        "path": request.path,
        "query": request.GET.urlencode(),
        "language": translation.get_language(),
        "scheme": request.scheme,
        "host": request.get_host(),
        "table": table.name,
        "format": export_format,
    }
    params["key"] = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    job = same_export(params["key"])
    if job is None:
        job = Job.objects.create(kind=Job.Kind.EXPORT, params=params, total=count)
        run_later("cooperation.export_jobs.write", job.pk)
    response = redirect("job", token=job.token)
    add_never_cache_headers(response)
    return response


def same_export(key):
    recent = timezone.now() - timedelta(minutes=REUSE_MINUTES)
    running = Job.objects.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING])
    finished = Job.objects.filter(state=Job.State.DONE, finished_at__gte=recent)
    return (running | finished).filter(kind=Job.Kind.EXPORT, params__key=key).first()


def write(job_pk):
    """The task: writes the file of an export job."""
    perform(job_pk, write_export)


class StoredRequest(HttpRequest):
    """The visitor's request as far as a list and its download read it."""

    def __init__(self, params):
        super().__init__()
        self.method = "GET"
        self.path = self.path_info = params["path"]
        self.GET = QueryDict(params["query"])
        self.META = {"HTTP_HOST": params["host"], "QUERY_STRING": params["query"]}
        self.user = AnonymousUser()
        self.stored_scheme = params["scheme"]

    def _get_scheme(self):
        return self.stored_scheme

    def get_host(self):
        return self.META["HTTP_HOST"]


def write_export(job):
    params = job.params
    with translation.override(params["language"]):
        request = StoredRequest(params)
        match = resolve(params["path"])
        view = match.func.view_class(**match.func.view_initkwargs)
        view.setup(request, *match.args, **match.kwargs)
        if not view.filter_for_export():
            raise ValueError(f"The filters are no longer valid: {params['query']}")
        table = view.export_table()
        records, count = view.export_records(table.name)
        progress = Progress(job, count)
        rows = counted(table.rows(records, request, request.GET.get("labels") == "1"), progress)
        ascii_name, local_name = export_files.file_names(table, params["format"])
        with tempfile.TemporaryFile() as output:
            export_files.write_file(table, rows, params["format"], output)
            output.seek(0)
            job.file.save(ascii_name, File(output), save=False)
        job.file_name = local_name


def counted(rows, progress):
    """The rows, each counted in the job's progress after the header row."""
    yield next(rows)
    for row in rows:
        yield row
        progress.advance()
    progress.tell()
