"""The page of a job (portal.models.Job): its progress, then its download or its report.

A visitor's export has no user and is found by its token alone, so it needs no session: the
address is the permission, and the token cannot be guessed. A staff import's page needs its
user (or a superuser) logged in. Nothing here is cached: the page changes as the job runs.
The page refreshes its bar from the status address with static/js/job-progress.js; without
JavaScript its "refresh" link does the same.
"""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from cooperation.job_runs import progress_of
from portal.models import Job


def visible_job(request, token):
    """The job of the token, if this request may see it, else 404."""
    job = get_object_or_404(Job, token=token)
    if job.user_id is not None and not (
        request.user.is_authenticated
        and request.user.is_staff
        and (request.user.pk == job.user_id or request.user.is_superuser)
    ):
        raise Http404
    return job


def status(job):
    done, total = progress_of(job)
    percent = 100 if job.state == Job.State.DONE else min(99, done * 100 // total) if total else 0
    return {
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "done": done,
        "total": total,
        "percent": percent,
        "finished": job.finished,
    }


@never_cache
def job_page(request, token):
    job = get_object_or_404(Job, token=token, user=None)
    context = {
        "job": job,
        "status": status(job),
        "status_url": reverse("job-status", args=[token]),
        "file_url": reverse("job-file", args=[token]) if job.file else "",
    }
    return TemplateResponse(request, "jobs/job.html", context)


@never_cache
def job_status(request, token):
    return JsonResponse(status(visible_job(request, token)))


@never_cache
def job_file(request, token):
    job = get_object_or_404(Job, token=token, user=None, state=Job.State.DONE)
    if not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)


@never_cache
def admin_job_page(request, token):
    """A staff import's page: progress, then its preview or its report (cooperation/
    import_jobs.py answers the confirmation)."""
    from cooperation.import_jobs import job_context, start_import

    job = visible_job(request, token)
    if request.method == "POST":
        return start_import(request, job)
    context = {
        "job": job,
        "status": status(job),
        "status_url": reverse("job-status", args=[token]),
        **job_context(request, job),
    }
    return TemplateResponse(request, "admin/jobs/job.html", context)
