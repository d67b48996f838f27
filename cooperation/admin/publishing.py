"""The admin's side of review (cooperation/publishing.py, cooperation/editing.py): every
form, inline, delete, revert, bulk action and import runs as an edit, so that a change to a
published page is kept as a revision, and the form shows the open revision, not the
published version. A publication state is changed only by the review's steps (and a
publisher's withdrawal), never by a form or a file.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cooperation import publishing
from cooperation.admin.base import HistoryAdmin
from cooperation.admin.imports import ImportExportHistoryAdmin
from cooperation.editing import editing
from cooperation.models import Publication, Revision

UNATTENDED_ACTIONS = {"publish", "unpublish", "submit_for_review"}


class EditingMixin:
    """Runs each writing view of a ModelAdmin as an edit (cooperation/editing.py)."""

    change_form_template = "admin/cooperation/change_form.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        stored = self.stored(request, object_id)
        extra_context = {**(extra_context or {}), "review_roots": review_roots(stored)}
        view = super().changeform_view
        return as_edit(request, stored, lambda: view(request, object_id, form_url, extra_context))

    def delete_view(self, request, object_id, extra_context=None):
        view = super().delete_view
        stored = self.stored(request, object_id)
        return as_edit(request, stored, lambda: view(request, object_id, extra_context))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        view = super().history_form_view
        stored = self.stored(request, object_id)
        return as_edit(request, stored, lambda: view(request, object_id, version_id, extra_context))

    def changelist_view(self, request, extra_context=None):
        view = super().changelist_view
        if request.method != "POST" or request.POST.get("action") in UNATTENDED_ACTIONS:
            return view(request, extra_context)
        return as_edit(request, None, lambda: view(request, extra_context))

    def stored(self, request, object_id):
        """The record as the tables hold it (the published version), or None."""
        return self.get_object(request, unquote(object_id)) if object_id else None

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # A success said while editing waits: if the edit became a revision, it is that
        # which is said, not "changed successfully".
        held = getattr(request, "held_messages", None)
        if held is not None and level == messages.SUCCESS:
            held.append((message, level))
            return
        super().message_user(request, message, level, *args, **kwargs)


def review_roots(stored):
    """For the change form's note: each page the record is shown on, its open revision,
    and its content type (for the first-publication button)."""
    roots = publishing.shown_under(stored) if stored is not None else []
    return [
        (root, Revision.objects.open().of(root).first(), content_type_id(root)) for root in roots
    ]


def as_edit(request, stored, view):
    """Runs `view` as an edit of the `stored` record (if any) and of whatever it saves,
    rendered before the edit ends; a success message it gives is replaced by the revision
    it became."""
    records = [] if stored is None else [stored]
    request.held_messages = []
    with editing(request.user, records) as edit:
        response = view()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    held, request.held_messages = request.held_messages, None
    if not edit.live:
        for message, level in held:
            messages.add_message(request, level, message)
    for revision in edit.revisions:
        messages.add_message(request, messages.SUCCESS, kept_as_revision(revision))
    if edit.live and stored is None and len(edit.revisions) == 1 and response.status_code == 302:
        # A record added to a published page exists only in the revision: show that.
        return HttpResponseRedirect(edit.revisions[0].get_absolute_url())
    return response


def content_type_id(record):
    return ContentType.objects.get_for_model(record).pk


def kept_as_revision(revision):
    return format_html(
        '{} <a href="{}">{}</a>',
        _("已保存到修订中；公众在它审核并发布之前仍看到已发布的版本。"),
        revision.get_absolute_url(),
        revision,
    )


class EditingAdmin(EditingMixin, HistoryAdmin):
    pass


class EditingImportAdmin(EditingMixin, ImportExportHistoryAdmin):
    def process_import(self, request, **kwargs):
        view = super().process_import
        return as_edit(request, None, lambda: view(request, **kwargs))


class PublishableAdmin(EditingImportAdmin):
    """Drafts are written in place; published records through revisions. Publishing takes
    an approved revision; a publisher may withdraw a record at once (a takedown must not
    wait for review), and only a draft may be deleted."""

    actions = ["submit_for_review", "publish", "unpublish"]

    def has_publish_permission(self, request):
        return publishing.may_publish(request.user, self.model)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Also when reverting to a published version from the History page.
        stored = type(obj).objects.filter(pk=obj.pk).values_list("status", flat=True)
        obj.status = (stored.first() if change else None) or Publication.DRAFT
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            description = actions["delete_selected"][2]
            actions["delete_selected"] = (delete_drafts, "delete_selected", description)
        return actions

    @admin.action(description=_("提交所选记录的修订审核"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        def revision_of(record):  # a draft's first publication begins here
            revision = Revision.objects.open().of(record).first()
            if revision is None and not record.is_published:
                revision = publishing.start(request.user, record)
            return revision

        self.take_step(request, queryset, publishing.Action.SUBMITTED, revision_of)

    @admin.action(description=_("发布所选记录已审核的修订"), permissions=["publish"])
    def publish(self, request, queryset):
        def revision_of(record):
            return Revision.objects.open().of(record).first()

        self.take_step(request, queryset, publishing.Action.PUBLISHED, revision_of)

    def take_step(self, request, queryset, action, revision_of):
        done, refused = 0, []
        for record in queryset:
            revision = revision_of(record)
            if revision is None:
                refused.append(f"{record}：{_('没有未完成的修订')}")
                continue
            try:
                publishing.step(request.user, revision, action)
                done += 1
            except ValueError as error:
                refused.append(f"{record}：{error}")
        if done:
            said = ngettext(
                "%(step)s：%(count)d 条修订。", "%(step)s：%(count)d 条修订。", done
            ) % {"step": action.label, "count": done}
            self.message_user(request, said, messages.SUCCESS)
        if refused:
            self.message_user(request, "；".join(refused), messages.WARNING)

    @admin.action(description=_("撤回所选记录（改为草稿）"), permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = 0
        for record in queryset.filter(status=Publication.PUBLISHED):
            record.status = Publication.DRAFT
            record.save(update_fields=["status", "updated_at"])
            changed += 1
        self.message_user(
            request,
            ngettext("已撤回 %(count)d 条记录。", "已撤回 %(count)d 条记录。", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


def delete_drafts(modeladmin, request, queryset):
    """Django's bulk delete, refused as a whole while a selected record is published."""
    published = queryset.filter(status=Publication.PUBLISHED).count()
    if published:
        modeladmin.message_user(
            request,
            _("所选记录中有 %(count)d 条已发布，未删除任何记录。请先撤回发布再删除。")
            % {"count": published},
            messages.ERROR,
        )
        return None
    return delete_selected(modeladmin, request, queryset)
