"""The admin pages of the packages the portal uses, in the admin's language.

Their strings come from locale_vendor/ (see portal/settings.py, LOCALE_PATHS); what no
catalog can translate is named here: django-axes' app name (a plain "Axes") and the two
computed columns its AccessAttemptAdmin leaves unnamed, which the admin would title
"Status" and "Expiration" from their method names.
"""

from axes.admin import AccessAttemptAdmin
from django.apps import apps
from django.utils.translation import gettext_lazy as _

apps.get_app_config("axes").verbose_name = _("登录保护")
AccessAttemptAdmin.status.short_description = _("剩余尝试次数")
AccessAttemptAdmin.expiration.short_description = _("过期时间")
