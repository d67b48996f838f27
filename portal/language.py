"""Which language a request is answered in, and the address of a page in each language.

A public page carries its language in its address: Chinese at the root (/projects/), English
under /en/ (/en/projects/). Neither the browser's Accept-Language nor a language cookie is
read for it, so a public page is the same for every visitor and a cache may keep it whole
(no `Vary: Accept-Language` or `Cookie` on its account). Only the admin, which has no
addresses per language, follows the staff member's choice: the cookie `set_language`
writes, then the browser's Accept-Language, then Chinese.
"""

from dataclasses import dataclass

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.encoding import escape_uri_path, iri_to_uri

STAFF_PATHS = ("/admin/",)


def follows_the_visitor(path_info):
    return path_info.startswith(STAFF_PATHS)


class AddressLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if follows_the_visitor(request.path_info):
            language = translation.get_language_from_request(request)
        else:
            language = address_language(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if follows_the_visitor(request.path_info):
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _prefixes():
    """{language: its address prefix}: none for Chinese, "en/" for English."""
    return {
        code: "" if code == settings.LANGUAGE_CODE else f"{code}/" for code, _ in settings.LANGUAGES
    }


def address_language(path_info):
    """The language whose prefix the address starts with, or None for the root's."""
    for code, prefix in _prefixes().items():
        if prefix and (path_info + "/").startswith(f"/{prefix}"):
            return code
    return None


@dataclass(frozen=True)
class PageLanguage:
    code: str  # Django's: zh-hans, en
    hreflang: str  # BCP 47, as hreflang and lang expect: zh-Hans, en
    name: str  # in the language itself: 简体中文, English
    address: str  # path and query string, e.g. /en/projects/?page=2
    url: str  # the same, absolute, for hreflang
    current: bool  # the language of this response
    default: bool  # Chinese, the x-default


def page_in_each_language(request):
    """The page the request asked for, with its query string, in every language: the
    language switcher's links and the hreflang alternates. Built from the address alone,
    so that a page that does not exist still has its other-language address."""
    path_info = request.path_info
    current = address_language(path_info)
    if current is not None:
        path_info = path_info[len(current) + 1 :] or "/"
    query = request.META.get("QUERY_STRING", "")
    query = f"?{iri_to_uri(query)}" if query else ""
    active = translation.get_language()
    languages = []
    for code, prefix in _prefixes().items():
        address = escape_uri_path(f"{get_script_prefix()}{prefix}{path_info[1:]}") + query
        languages.append(
            PageLanguage(
                code=code,
                hreflang=translation.to_locale(code).replace("_", "-"),
                name=translation.get_language_info(code)["name_local"],
                address=address,
                url=request.build_absolute_uri(address),
                current=code == active,
                default=code == settings.LANGUAGE_CODE,
            )
        )
    return languages
