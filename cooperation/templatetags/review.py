from django import template
from django.conf import settings

from cooperation.publishing import waiting_for

register = template.Library()


@register.simple_tag
def review_solo():
    """Whether one account may take every review step (settings.REVIEW_SOLO)."""
    return settings.REVIEW_SOLO


@register.simple_tag
def waiting_count(user):
    """How many open revisions wait for this user's step (the review desk's default list)."""
    return waiting_for(user).count()
