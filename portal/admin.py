from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
