"""The admin's side of the publishing rules (cooperation/publishing.py): editors save
drafts; a published record, and whatever is shown as part of it, is changed, published,
unpublished or deleted only by a publisher. An editor sees such a record read-only, told to
ask a publisher, and a change sent anyway (a form, an inline, a revert from History, an
import) is refused with that message and saves nothing.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cooperation.admin.base import HistoryAdmin
from cooperation.admin.imports import ImportExportHistoryAdmin
from cooperation.models import Publication
from cooperation.publishing import PUBLISHABLE, REFUSAL, may_change


class LiveRecordForm(forms.ModelForm):
    """Refuses a save whose result would change a published record's public page, for
    the user the admin gave it (an editor attaching a figure to a published project).

    A publishable record itself is judged as stored (LiveRecordMixin): an editor cannot
    change its state, so an old published version it is reverted to stays a draft. An
    inline row left as it was is not judged: it changes nothing."""

    user = None

    def clean(self):
        cleaned = super().clean()
        untouched = self.instance.pk is not None and not self.has_changed()
        judged_here = not isinstance(self.instance, PUBLISHABLE) and not untouched
        if self.user is not None and not self.errors and judged_here:
            target = construct_instance(self, copy.copy(self.instance))
            if not may_change(self.user, target):
                raise ValidationError(REFUSAL)
        return cleaned


def for_user(form_class, user):
    return type(form_class.__name__, (form_class,), {"user": user})


class LiveRecordInlineMixin:
    form = LiveRecordForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = for_user(formset.form, request.user)
        return formset


class LiveRecordMixin:
    """Guards a ModelAdmin's change form, inlines, History revert and delete."""

    form = LiveRecordForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        return for_user(super().get_form(request, obj, change, **kwargs), request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change(request.user, obj))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        refused = self.refuse_live_change(request, object_id)
        return refused or super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        refused = self.refuse_live_change(request, object_id)
        return refused or super().history_form_view(request, object_id, version_id, extra_context)

    def refuse_live_change(self, request, object_id):
        """Tells an editor on a live record to ask a publisher; refuses what they send."""
        stored = self.get_object(request, unquote(object_id)) if object_id else None
        if stored is None or may_change(request.user, stored):
            return None
        if request.method != "POST":
            self.message_user(request, REFUSAL, messages.WARNING)
            return None
        self.message_user(request, _("未保存。") + str(REFUSAL), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


class LiveRecordAdmin(LiveRecordMixin, HistoryAdmin):
    pass


class LiveRecordImportAdmin(LiveRecordMixin, ImportExportHistoryAdmin):
    pass


def delete_unpublished(modeladmin, request, queryset):
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


class PublishableAdmin(LiveRecordImportAdmin):
    """Editors save drafts; only publishers change the publication state or delete."""

    actions = ["publish", "unpublish"]

    def has_publish_permission(self, request):
        return request.user.has_perm(f"cooperation.publish_{self.opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("status")
        return readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The status field is read-only for editors; this also covers reverting to a
        # published version from the History page.
        if not self.has_publish_permission(request):
            stored = type(obj).objects.filter(pk=obj.pk).values_list("status", flat=True)
            obj.status = (stored.first() if change else None) or Publication.DRAFT
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            description = actions["delete_selected"][2]
            actions["delete_selected"] = (delete_unpublished, "delete_selected", description)
        return actions

    def _set_status(self, request, queryset, status):
        changed = 0
        for record in queryset.exclude(status=status):
            record.status = status
            record.save(update_fields=["status", "updated_at"])
            changed += 1
        return changed

    @admin.action(description=_("发布所选记录"), permissions=["publish"])
    def publish(self, request, queryset):
        changed = self._set_status(request, queryset, Publication.PUBLISHED)
        self.message_user(
            request,
            ngettext("已发布 %(count)d 条记录。", "已发布 %(count)d 条记录。", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("撤回所选记录（改为草稿）"), permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = self._set_status(request, queryset, Publication.DRAFT)
        self.message_user(
            request,
            ngettext("已撤回 %(count)d 条记录。", "已撤回 %(count)d 条记录。", changed)
            % {"count": changed},
            messages.SUCCESS,
        )
