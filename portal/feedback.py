"""The 纠错 form: a visitor reports an error on a public page, without an account.

What is kept is a Feedback row (portal/models.py): the text, the contact the visitor chose
to give, the page it is about and the page's language. Each row is deleted
Feedback.RETENTION_DAYS after it arrived: every new feedback deletes the expired ones, and
`manage.py prune_feedback` does it from cron on a quiet site.

The visitor's address (portal.middleware.client_ip, which follows DJANGO_TRUSTED_PROXY_COUNT)
only counts their feedback: the cache holds an HMAC of it, not the address, for one hour, and
it is never written to the database. From one address PER_ADDRESS feedbacks an hour are
taken (counted in each worker's own cache, so with N workers at most N × PER_ADDRESS), and
from all visitors together ALL_VISITORS an hour (counted in the database, so across
workers); beyond either the visitor gets a 429 page in the page's language.

The form page is the only public page that sets a cookie: the CSRF cookie its form needs.
The thank-you page after it (POST/redirect/GET) sets none.
"""

import hmac
import re
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.middleware import client_ip
from portal.models import Feedback

NUL_REFUSED = _("含有无法保存的空字符，请删除后再提交。")
TOO_LONG = _("请缩短到 %(limit_value)d 字以内（现为 %(show_value)d 字）。")

PER_ADDRESS = 5
ALL_VISITORS = 100
WINDOW = timedelta(hours=1)

# A telephone number as people write it: 020-12345678, +86 138 0000 0000, (0851) 1234567.
TELEPHONE = re.compile(r"\+?[\d\s()\-]+")


def same_site_path(value):
    """The value if it is a path on this site ("/projects/…"), otherwise ""."""
    value = (value or "").strip()
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or len(value) > Feedback.PAGE_MAX_LENGTH
        or not value.isprintable()
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        return ""
    return value


class FeedbackForm(forms.ModelForm):
    # Hidden from people (Bootstrap's d-none); a bot that fills every field fills it too.
    website = forms.CharField(label=_("请勿填写此项"), required=False, max_length=200)

    class Meta:
        model = Feedback
        fields = ["text", "contact", "page"]
        labels = {
            "text": _("哪里有误"),
            "contact": _("联系方式（选填）"),
            "page": _("相关页面（选填）"),
        }
        help_texts = {
            "text": _("请写明哪项内容有误、应当是什么，以及依据（如原文出处）。"),
            "contact": _("电子邮箱或电话号码，仅在需要向您核实时使用。"),
            "page": _("本站页面的地址，例如 /projects/…"),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "text": {
                "required": _("请写下哪里有误。"),
                "max_length": TOO_LONG,
            },
            "contact": {"max_length": TOO_LONG},
            "page": {"max_length": TOO_LONG},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
            field.error_messages["null_characters_not_allowed"] = NUL_REFUSED
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if not contact:
            return ""
        if "@" in contact:
            try:
                validate_email(contact)
            except ValidationError:
                raise ValidationError(_("电子邮箱地址不正确。")) from None
            return contact
        digits = sum(character.isdigit() for character in contact)
        if not TELEPHONE.fullmatch(contact) or not 5 <= digits <= 20:
            raise ValidationError(_("请填写电子邮箱或电话号码，或留空。"))
        return contact

    def clean_page(self):
        page = self.cleaned_data["page"]
        if page and not same_site_path(page):
            raise ValidationError(_("请填写本站页面的地址（以 / 开头），或留空。"))
        return same_site_path(page)

    @property
    def from_a_bot(self):
        return bool(self.cleaned_data.get("website"))


def address_key(request):
    address = client_ip(request) or "unknown"
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), "sha256").hexdigest()
    return f"feedback:address:{digest}"


def too_many(request):
    if cache.get(address_key(request), 0) >= PER_ADDRESS:
        return True
    return Feedback.objects.received_since(timezone.now() - WINDOW).count() >= ALL_VISITORS


def count_one(request):
    key = address_key(request)
    if not cache.add(key, 1, WINDOW.total_seconds()):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW.total_seconds())


def refuse(request):
    response = render(
        request,
        "feedback/too_many.html",
        {
            "breadcrumbs": [(_("纠错"), None)],
            "per_address": PER_ADDRESS,
            "text": request.POST.get("text", "")[: Feedback.TEXT_MAX_LENGTH],
        },
        status=429,
    )
    response["Retry-After"] = str(int(WINDOW.total_seconds()))
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback_form(request):
    if request.method == "POST":
        if too_many(request):
            return refuse(request)
        form = FeedbackForm(request.POST)
        if form.is_valid():
            count_one(request)
            if not form.from_a_bot:
                form.instance.language = get_language() or ""
                form.save()
                Feedback.objects.expired().delete()
            thanks = reverse("feedback:thanks")
            page = form.cleaned_data["page"]
            return redirect(f"{thanks}?{urlencode({'page': page})}" if page else thanks)
    else:
        form = FeedbackForm(initial={"page": same_site_path(request.GET.get("page"))})
    context = {
        "form": form,
        "breadcrumbs": [(_("纠错"), None)],
        "retention_days": Feedback.RETENTION_DAYS,
    }
    return render(request, "feedback/form.html", context)


@require_GET
def feedback_thanks(request):
    return render(
        request,
        "feedback/thanks.html",
        {
            "breadcrumbs": [(_("纠错"), reverse("feedback:form")), (_("已收到"), None)],
            "page": same_site_path(request.GET.get("page")),
        },
    )


app_name = "feedback"
urlpatterns = [
    path("", feedback_form, name="form"),
    path("thanks/", feedback_thanks, name="thanks"),
]
