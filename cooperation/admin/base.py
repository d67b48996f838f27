"""What every admin page of the portal shares: change history, spreadsheet import and
export, and the rules of publishing."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from cooperation.models import (
    Publication,
    Side,
)

admin.site.site_header = _("东西部协作信息公开平台 · 管理后台")
admin.site.site_title = _("东西部协作管理后台")
admin.site.index_title = _("数据管理")

CITATION_FIELDS = (_("来源"), {"fields": ["source", "quote", "source_note"]})


class HistoryAdmin(SimpleHistoryAdmin):
    """Every change is kept with who made it; the History button shows it."""

    history_list_display = ["history_username"]


def import_problems(result):
    """Each problem of an import, naming the row (header not counted) and the field."""
    problems = []
    for row in result.invalid_rows:
        for field, errors in row.error_dict.items():
            where = "" if field == NON_FIELD_ERRORS else f" {field}"
            problems += [(row.number, f"{where}：{error}") for error in errors]
    for number, errors in result.row_errors():
        problems += [(number, f"：{error.error}") for error in errors]
    return [_("第%(row)d行") % {"row": number} + text for number, text in problems]


class ImportExportHistoryAdmin(ImportExportMixin, HistoryAdmin):
    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: one invalid row rolls the whole file back.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.fields["import_file"].help_text = _(
            "第一行为列名（见上方字段）。结对关系、区域、单位等按编号填写，项目和来源按标识（slug）填写，"
            "多个地点用分号分隔。先预览再确认；任何一行有误，整个文件都不会导入。"
        )
        return form

    def process_result(self, result, request):
        # The file passed its preview but not the import (the data changed since, or the
        # confirmation was forged): nothing was imported, and the admin is told why.
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _("未导入任何记录。") + "；".join(import_problems(result)),
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
            )
        return super().process_result(result, request)


class SideFilter(admin.SimpleListFilter):
    title = _("东西部")
    parameter_name = "side"
    region_field = "region"

    def lookups(self, request, model_admin):
        return Side.choices

    def queryset(self, request, queryset):
        if self.value() in Side.values:
            return queryset.filter(**{f"{self.region_field}__side": self.value()})
        return queryset


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


class PublishableAdmin(ImportExportHistoryAdmin):
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
