from django import template

from apps.core.audit import action_label as _action_label
from apps.core.audit import details_shown

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return _action_label(action)


@register.filter
def audit_details(entry) -> str:
    """An audit entry's details in Swedish (see apps.core.audit.details_shown)."""
    return "; ".join(f"{label}: {value}" for label, value in details_shown(entry))
