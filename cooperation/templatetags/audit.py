from django import template

from cooperation.views.audit import can_see_audit as audit_allowed

register = template.Library()


@register.filter
def can_see_audit(user):
    """{% if request.user|can_see_audit %} shows the audit link to publishers only."""
    return audit_allowed(user)
