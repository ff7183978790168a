"""Template filters for the remiss pages: `{% load remiss_rounds %}`."""

from django import template

from ..permissions import may_read_register

register = template.Library()


@register.filter
def reads_register(user) -> bool:
    """Whether to link to the remiss register (/remiss/): a link one is shown must lead
    somewhere one may go, and recipients' coordinators and reviewers may not."""
    return may_read_register(user)
