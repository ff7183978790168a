from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_url() -> str:
    """The configured address of the site, for absolute links in e-mails (which are rendered
    without a request, and must not trust one's Host header anyway)."""
    return settings.SITE_URL.rstrip("/")
