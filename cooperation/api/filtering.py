"""The public lists' filters (cooperation.filters) bound to the API's query string, so
that the API filters exactly as the lists do and says what is wrong in the same plain
words. Their query parameters are described in the OpenAPI schema from the FilterSets
themselves.

The API is stricter than the HTML form in one way, so that the schema says exactly what
is accepted: a parameter that is present must have a value in the schema's form (the
form sends every field, empty ones too; an API client has no reason to)."""

import re

import django_filters
from django import forms
from django.utils import translation
from django.utils.translation import gettext as _

from cooperation.api.schemas import MAX_ID
from cooperation.filters import SEARCH_MAX_LENGTH, PortalFilterSet

WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")


class FilterProblem(Exception):
    """A filter the API cannot use: 400 with each parameter's messages, or 404 when a
    well-formed id names no published record."""

    def __init__(self, errors, status=400):
        super().__init__(errors)
        self.errors, self.status = errors, status


def parameter_schema(name, filter_):
    field = filter_.field
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    if isinstance(filter_, django_filters.ChoiceFilter):
        codes = [code for code, _label in filter_.extra["choices"] if code != ""]
        return {"type": "string", "enum": codes}
    if isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        for validator in field.validators:
            if hasattr(validator, "limit_value"):
                bound = "minimum" if validator.code == "min_value" else "maximum"
                schema[bound] = validator.limit_value
        return schema
    return {
        "type": "string",
        "maxLength": SEARCH_MAX_LENGTH,
        "pattern": "^[^\\u0000]*$",
        "description": "Words to find (Chinese substrings).",
    }


def filter_parameters(filterset_class):
    """OpenAPI query parameters for every filter of the FilterSet, described by the
    English labels of the list's form."""
    with translation.override("en"):
        return [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": str(filter_.label or name),
                "schema": parameter_schema(name, filter_),
            }
            for name, filter_ in filterset_class.base_filters.items()
        ]


def well_formed(name, filter_, value):
    """The message for a value outside the schema's form, or None."""
    schema = parameter_schema(name, filter_)
    if schema["type"] == "integer" and not WHOLE_NUMBER.fullmatch(value):
        return _("请写一个整数。")
    if isinstance(filter_, django_filters.ModelChoiceFilter) and not 1 <= int(value) <= MAX_ID:
        return _("没有这个选项，请从列表中选择。")
    if "enum" in schema and value not in schema["enum"]:
        return _("没有这个选项，请从列表中选择。")
    if schema["type"] == "string" and len(value) > SEARCH_MAX_LENGTH:
        return _("最多 %(limit_value)d 个字，请缩短后再试。") % {"limit_value": SEARCH_MAX_LENGTH}
    if "\x00" in value:
        return _("不能包含空字符。")
    return None


def filtered(filterset_class: type[PortalFilterSet], request, queryset):
    """The queryset narrowed by the request's filters, or FilterProblem."""
    present = {
        name: request.GET[name] for name in filterset_class.base_filters if name in request.GET
    }
    errors = {}
    for name, value in present.items():
        message = well_formed(name, filterset_class.base_filters[name], value)
        if message:
            errors[name] = [message]
    if errors:
        raise FilterProblem(errors)
    filterset = filterset_class(present, queryset=queryset, request=request)
    if not filterset.is_valid():
        errors = {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
        references = {
            name
            for name, filter_ in filterset_class.base_filters.items()
            if isinstance(filter_, django_filters.ModelChoiceFilter)
        }
        # A well-formed id of no published record: the record is not found.
        raise FilterProblem(errors, status=404 if set(errors) <= references else 400)
    return filterset.qs
