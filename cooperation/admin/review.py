"""The review desk: what waits for whom, and each revision's page with its differences
against the published version and the steps it may take next."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _

from cooperation import publishing, revisions
from cooperation.models import Revision

Action, State = publishing.Action, Revision.State
BUTTONS = [
    (Action.SUBMITTED, _("提交审核")),
    (Action.APPROVED, _("审核通过")),
    (Action.RETURNED, _("退回修改")),
    (Action.PUBLISHED, _("发布")),
    (Action.DISCARDED, _("放弃修订")),
]


class WaitingFilter(admin.SimpleListFilter):
    title = _("待办")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("", _("等我处理")), ("open", _("全部未完成")), ("all", _("全部"))]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "") == value,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value} if value else {}, [self.parameter_name]
                ),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        if self.value() == "open":
            return queryset.open()
        return queryset.filter(pk__in=publishing.waiting_for(request.user).values("pk"))


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "content_type", "state", "next_step", "updated_at"]
    list_filter = [WaitingFilter, "state", "content_type"]
    search_fields = ["record_label"]
    list_select_related = ["content_type"]
    change_form_template = "admin/cooperation/revision.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    @admin.display(description=_("下一步"))
    def next_step(self, revision):
        return {
            State.DRAFT: _("编辑提交审核"),
            State.RETURNED: _("编辑按意见修改"),
            State.SUBMITTED: _("审核者审核"),
            State.APPROVED: _("发布者发布"),
        }.get(revision.state, "—")

    def get_urls(self):
        start = path(
            "start/<int:content_type>/<int:object_id>/",
            self.admin_site.admin_view(self.start_view),
            name="cooperation_revision_start",
        )
        return [start, *super().get_urls()]

    def start_view(self, request, content_type, object_id):
        """Submits a draft for its first publication (from its change form)."""
        if request.method != "POST":
            raise Http404
        model = get_object_or_404(ContentType, pk=content_type).model_class()
        if model not in publishing.PUBLISHABLE:
            raise Http404
        record = get_object_or_404(model, pk=object_id)
        if not publishing.may_write(request.user, model):
            raise PermissionDenied
        revision = publishing.start(request.user, record)
        return self.take_step(request, revision, Action.SUBMITTED, "")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, object_id)
        if revision is None or not self.has_view_permission(request, revision):
            raise Http404
        if request.method == "POST":
            action = request.POST.get("action", "")
            if action not in dict(BUTTONS):
                raise PermissionDenied
            return self.take_step(request, revision, action, request.POST.get("comment", ""))
        public = publishing.public_graph(revision)
        outcome = publishing.outcome(revision)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": revision,
            "title": str(revision),
            "revision": revision,
            "record_url": record_url(revision),
            "steps": revision.steps.select_related("user"),
            "changes": revisions.differences(public, outcome),
            "buttons": [
                (action, label, publishing.refusal(request.user, revision, action))
                for action, label in BUTTONS
                if revision.state in publishing.STEPS_FROM[action]
            ],
            "published_moved": bool(public)
            and revision.is_open
            and revision.base is not None
            and public != revision.base,
            "solo": settings.REVIEW_SOLO,
            "people": settings.REVIEW_PEOPLE,
        }
        return TemplateResponse(request, self.change_form_template, context)

    def take_step(self, request, revision, action, comment):
        try:
            publishing.step(request.user, revision, action, comment)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("修订 #%(pk)s：%(step)s。") % {"pk": revision.pk, "step": Action(action).label},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(revision.get_absolute_url())


def record_url(revision):
    try:
        return reverse(
            f"admin:cooperation_{revision.content_type.model}_change", args=[revision.object_id]
        )
    except NoReverseMatch:
        return None
