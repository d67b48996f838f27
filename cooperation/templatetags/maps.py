from django import template
from django.template.loader import render_to_string

from cooperation import maps

register = template.Library()


@register.simple_tag
def choropleth(shapes, caption=""):
    """{% choropleth shapes %}: the shapes' regions shaded on the installed reviewed map,
    with its 审图号 under it; nothing at all when no reviewed map is installed or none of
    the regions is on it, so that no unreviewed boundary is ever drawn."""
    drawing = maps.choropleth(shapes)
    if drawing is None:
        return ""
    return render_to_string("includes/choropleth.html", {"drawing": drawing, "caption": caption})
