"""How every operation is declared: its responses, the headers they carry, and the
language of its texts."""

from django.urls import reverse
from django.utils import translation

from cooperation.api.schemas import Problem, RateLimited

ETAG_HEADER = {
    "ETag": {
        "description": "A hash of this answer; send it back as If-None-Match to get 304.",
        "schema": {"type": "string"},
    }
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer"},
        "required": True,
    }
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of an answer you hold: 304 if it is still current.",
    "schema": {"type": "string"},
}
LANG_NOTE = (
    "zh-hans (default) or en: the language of `display_name` and of the pages `url` links "
    "to. English falls back to the Chinese where no English text was entered. Both texts "
    "are always in their own fields (`title`, `title_en`), whatever the language."
)


def responses(ok_schema):
    """The ninja `response` mapping of a GET operation."""
    return {200: ok_schema, 304: None, 400: Problem, 404: Problem, 429: RateLimited}


def extra(parameters=()):
    """The parts of an operation's OpenAPI entry that ninja does not write itself."""
    return {
        "parameters": [*parameters, IF_NONE_MATCH],
        "responses": {
            200: {"headers": ETAG_HEADER},
            304: {"description": "Not modified: the ETag in If-None-Match is current."},
            400: {"description": "A query parameter is wrong; `errors` says which and why."},
            404: {"description": "No such published record."},
            414: {"description": "The address is longer than the server reads (4,094 bytes)."},
            429: {
                "description": "Too many requests from this address.",
                "headers": RETRY_AFTER_HEADER,
            },
        },
    }


def absolute(request, path):
    return request.build_absolute_uri(path)


def source_page(request, source):
    if source is None:
        return None
    return absolute(request, reverse("cooperation:source-detail", kwargs={"slug": source.slug}))


def speaking(lang):
    """The request's language for texts, messages and page links."""
    return translation.override(lang)
