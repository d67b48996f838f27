from django import template

from cooperation import formatting, fragments, jsonld
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


@register.tag
def kept_row(parser, token):
    """{% kept_row row %}<tr>…</tr>{% endkept_row %}: the row as kept for its record's data
    (cooperation/fragments.py), or rendered."""
    try:
        _tag, row = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("kept_row takes one argument, the row.") from None
    nodelist = parser.parse(("endkept_row",))
    parser.delete_first_token()
    return KeptRowNode(parser.compile_filter(row), nodelist)


class KeptRowNode(template.Node):
    def __init__(self, row, nodelist):
        self.row = row
        self.nodelist = nodelist

    def render(self, context):
        row = self.row.resolve(context)
        return fragments.rendered_row(row, lambda: self.nodelist.render(context))
