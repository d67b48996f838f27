"""Long jobs in the admin: read only, with the error a failed one left for staff."""

from django.urls import reverse

from portal.models import Job


def test_a_failed_job_shows_its_error_and_cannot_be_changed(admin_client):
    job = Job.objects.create(
        kind=Job.Kind.EXPORT, state=Job.State.FAILED, done=3, total=9, error="磁盘已满"
    )
    changelist = admin_client.get(reverse("admin:portal_job_changelist"))
    assert changelist.status_code == 200
    page = admin_client.get(reverse("admin:portal_job_change", args=[job.pk]))
    assert page.status_code == 200
    assert "磁盘已满" in page.content.decode()
    assert not page.context["has_change_permission"]
    assert admin_client.get(reverse("admin:portal_job_add")).status_code == 403
