from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Feedback, Job

User = get_user_model()

admin.site.unregister(User)


@admin.register(User)
class StaffAccountAdmin(UserAdmin):
    """Accounts are deactivated, never deleted, so that their admin log and history stay;
    and keep their name, which the sealed audit rows name them by (portal/audit.py)."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "username"] if obj is not None else readonly

    def delete_view(self, request, object_id, extra_context=None):
        self.message_user(
            request,
            _("账号不能删除，以免丢失其操作记录。请取消勾选“有效”来停用该账号。"),
            messages.ERROR,
        )
        return redirect(reverse("admin:auth_user_change", args=[object_id]))


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Visitors' 纠错 (portal/feedback.py). What a visitor wrote is kept as written: staff
    set its status and note how it was handled. Publishers hold view, change and delete
    (portal/migrations/0002_feedback.py); a deletion asked for under 个人信息保护法 is a delete."""

    list_display = ["received_at", "status", "summary", "page_link", "contact", "language"]
    list_display_links = ["received_at", "summary"]
    list_filter = ["status", "language"]
    search_fields = ["text", "contact", "page", "handling_note"]
    date_hierarchy = "received_at"
    readonly_fields = ["received_at", "text", "contact", "page_link", "language"]
    fields = [*readonly_fields, "status", "handling_note"]
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("反馈内容"))
    def summary(self, feedback):
        return Truncator(" ".join(feedback.text.split())).chars(60)

    @admin.display(description=_("相关页面"), ordering="page")
    def page_link(self, feedback):
        if not feedback.page:
            return "—"
        return format_html('<a href="{0}" rel="noopener">{0}</a>', feedback.page)

    @admin.action(description=_("标为已处理"), permissions=["change"])
    def mark_handled(self, request, queryset):
        waiting = list(queryset.exclude(status=Feedback.Status.HANDLED))
        for feedback in waiting:
            feedback.status = Feedback.Status.HANDLED
            feedback.save(update_fields=["status"])
            self.log_change(request, feedback, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request, gettext("%(count)d 条反馈已标为已处理。") % {"count": len(waiting)}
        )


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Long exports and imports (cooperation/jobs.py), read only: what ran, for whom, how far
    it got and why it failed. Only superusers hold its permissions; old jobs and their files
    go with `prune_jobs`."""

    list_display = ["created_at", "kind", "state", "done", "total", "user", "finished_at"]
    list_filter = ["kind", "state"]
    date_hierarchy = "created_at"
    readonly_fields = ["kind", "state", "done", "total", "user", "created_at", "finished_at"]
    fields = [*readonly_fields, "params", "file_name", "error"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
