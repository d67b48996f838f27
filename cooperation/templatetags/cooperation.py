from django import template

from cooperation import formatting, jsonld
from cooperation.models import Qualifier

register = template.Library()


@register.filter
def yuan(value, qualifier=Qualifier.EXACT):
    """{{ project.funds|yuan:project.funds_qualifier }} → 305.65万元"""
    if value is None or value == "":
        return ""
    return formatting.yuan(value, qualifier or Qualifier.EXACT)


@register.filter
def figure(figure):
    """{{ figure|figure }} → 2750多万元"""
    return formatting.figure_text(figure)


@register.filter
def percent(value):
    return formatting.percent_text(value)


@register.filter
def translated(record, name):
    """{{ project|translated:"title" }}: the text in the page's language (Translated)."""
    if record is None or record == "":
        return ""
    return record.translated(name)


@register.simple_tag(takes_context=True)
def json_ld(context, kind):
    """{% json_ld "project" %}: the page's schema.org JSON-LD and its API link (jsonld.py)."""
    return jsonld.for_page(kind, context)
