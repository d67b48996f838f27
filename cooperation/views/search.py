"""The site search page: every kind at once, or one kind's full list (?kind=)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from cooperation.counting import LISTS, NAMES
from cooperation.search import FEW
from cooperation.site_search import KINDS, MAX_LENGTH, SiteSearch, cleaned
from portal.page_cache import depends_on

PAGE_SIZE = 25
# The records of every kind it finds, not figures.
SCOPES = [scope for scope in LISTS if scope != "list:figure"] + list(NAMES)


class SearchView(TemplateView):
    template_name = "cooperation/search.html"

    def get_context_data(self, **kwargs):
        depends_on(self.request, *SCOPES)
        raw = self.request.GET.get("q", "")
        text, problem = cleaned(raw)
        kind = self.request.GET.get("kind", "")
        kind = kind if kind in KINDS else ""
        context = {
            "search_text": text or raw[:MAX_LENGTH].replace("\x00", "\ufffd"),
            "problem": problem,
            "kind": kind,
            "kind_label": KINDS.get(kind, ""),
            "few": FEW,
            "max_length": MAX_LENGTH,
            "breadcrumbs": self.breadcrumbs(text, kind),
        }
        if text:
            search = SiteSearch(text)
            if kind:
                records = search.records(kind)
                paginator = Paginator(records[:FEW], PAGE_SIZE)
                page = paginator.get_page(self.request.GET.get("page"))
                context.update(
                    records=page.object_list,
                    page_obj=page,
                    paginator=paginator,
                    is_paginated=page.has_other_pages(),
                    query=urlencode({"q": text, "kind": kind}),
                )
            else:
                context["groups"] = search.groups()
                context["found_any"] = any(group.total for group in context["groups"])
        return super().get_context_data(**context, **kwargs)

    def breadcrumbs(self, text, kind):
        if not kind:
            return [(_("搜索"), None)]
        everything = reverse("cooperation:search") + "?" + urlencode({"q": text})
        return [(_("搜索"), everything), (KINDS[kind], None)]
