"""Spreadsheet import and export in the admin: a file is imported whole or not at all, and
whatever is wrong with it is said in the admin's language, never as a traceback.

The file checks are in cooperation/spreadsheets.py (encoding, first line, formulas, size)
and cooperation/resources.py (columns, keys, each row). A refused preview leaves no
temporary file behind. A large file is previewed and imported by jobs, with a progress
page (cooperation/import_jobs.py).
"""

import contextlib
import logging

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import SelectableFieldsExportForm

from cooperation import import_jobs, spreadsheets
from cooperation.admin.base import HistoryAdmin
from cooperation.import_templates import template_workbook

log = logging.getLogger("cooperation.imports")

UNREADABLE = _("无法读取文件。请确认所选格式与文件一致：CSV 须为 UTF-8 编码，Excel 须为 .xlsx。")
ROW_FAILED = _("这一行无法导入，请检查各单元格的内容。")


def import_problems(result):
    """Each problem of an import as a sentence, naming the row (header not counted) and
    the column. An unexpected error is logged and named only as such."""
    problems = [staff_text(error.error) for error in result.base_errors]
    for row in result.invalid_rows:
        for field, errors in row.error_dict.items():
            where = "" if field == NON_FIELD_ERRORS else f" {field}"
            problems += [row_problem(row.number, f"{where}：{error}") for error in errors]
    for number, errors in result.row_errors():
        problems += [row_problem(number, f"：{staff_text(error.error)}") for error in errors]
    return problems


def staff_text(error):
    """Our own refusals and the widgets' ValueErrors are written for staff; any other
    error is logged, and staff are told only that the row failed."""
    if type(error) in (ValueError, spreadsheets.FileRefused):
        return str(error)
    log.error("import failed", exc_info=error)
    return str(ROW_FAILED)


def row_problem(number, text):
    return _("第%(row)d行") % {"row": number} + text


class ColumnsExportForm(SelectableFieldsExportForm):
    """The export's column choices named as the exported file names them, in the admin's
    language (import-export titles the field names: "Summary En")."""

    def _get_field_label(self, resource, field_name):
        columns = self.__dict__.setdefault("columns", {})
        if resource not in columns:
            columns[resource] = {name: f.column_name for name, f in resource().fields.items()}
        return columns[resource].get(field_name, field_name)


class ImportExportHistoryAdmin(ImportExportMixin, HistoryAdmin):
    import_formats = [spreadsheets.CSV, spreadsheets.XLSX]
    export_formats = [spreadsheets.CSV, spreadsheets.XLSX]
    import_template_name = "admin/cooperation/import.html"
    import_export_change_list_template = "admin/cooperation/change_list_import_export.html"
    export_form_class = ColumnsExportForm

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_template"
        view = self.admin_site.admin_view(self.import_template_view)
        return [path("import/template/", view, name=name), *super().get_urls()]

    def import_template_view(self, request):
        """The XLSX template to fill in for an import, in the admin's language."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource_class = self.get_import_resource_classes(request)[0]
        resource = resource_class(**self.get_import_resource_kwargs(request))
        response = HttpResponse(
            template_workbook(resource),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = _("%(model)s导入模板.xlsx") % {"model": self.opts.verbose_name_plural}
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: one invalid row rolls the whole file back.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.fields["import_file"].help_text = _(
            "第一行为列名（见上方字段，中文、英文列名或字段名均可）。地点、单位、结对关系按名称填写，"
            "项目和来源按标识或名称填写，多个地点用分号分隔；也可填编号。CSV 须为 UTF-8 编码。"
            "一个文件最多 %(mb)d MB；超过 %(rows)s 行的文件在后台预览和导入，页面显示进度。"
            "先预览再确认；任何一行有误，整个文件都不会导入。"
        ) % {
            "rows": f"{spreadsheets.IMPORT_DIRECT_ROWS:,}",
            "mb": spreadsheets.IMPORT_MAX_BYTES // (1024 * 1024),
        }
        return form

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, spreadsheets.FileRefused):
            form.add_error("import_file", str(e))
        else:
            log.warning("import file unreadable: %r", e)
            form.add_error("import_file", UNREADABLE)

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        handed_off = import_jobs.hand_off(self, request)
        if handed_off is not None:
            return handed_off  # A large file: a job previews it, with a progress page.
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse):
            context = response.context_data
            if context.get("result") is not None:
                context["problems"] = import_problems(context["result"])
            if "confirm_form" not in context:
                self.remove_uploaded_file(request.FILES.get("import_file"))
        return response

    def remove_uploaded_file(self, upload):
        """import-export keeps an upload for its confirmation, also one it refused."""
        name = getattr(upload, "tmp_storage_name", None)
        if name:
            storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())
            with contextlib.suppress(FileNotFoundError):
                storage.remove()

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except (spreadsheets.FileRefused, OSError) as error:
            # The previewed file is gone (a restart, another server) or was altered.
            log.warning("confirmed import unreadable: %r", error)
            return self.refuse_import(request, [_("预览过的文件已失效，请重新选择文件导入。")])

    def process_result(self, result, request):
        # The file passed its preview but not the import (the data changed since, or the
        # confirmation was forged): nothing was imported, and the admin is told why.
        if result.has_errors() or result.has_validation_errors():
            return self.refuse_import(request, import_problems(result))
        return super().process_result(result, request)

    def refuse_import(self, request, problems):
        self.message_user(
            request, _("未导入任何记录。") + "；".join(map(str, problems)), messages.ERROR
        )
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        )

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # import-export writes numbers as numbers only for the formats it lists by class,
        # which ours are not; an amount must stay a number in XLSX.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request,
            queryset,
            force_native_type=isinstance(file_format, spreadsheets.XLSX),
            **kwargs,
        )
        return file_format.export_data(data)
