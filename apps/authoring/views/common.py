"""Lookups shared by the authoring views: a support, an edition, a block by its URL parts."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import Block, Edition, Support
from ..permissions import may_edit_support


def _support(code) -> Support:
    return get_object_or_404(
        Support.objects.select_related("product_type", "programme_area"), code=code
    )


def _edition(support: Support, major: int, minor: int) -> Edition:
    return get_object_or_404(
        Edition.objects.select_related("support"), support=support, major=major, minor=minor
    )


def _editable_edition(request, code, major, minor) -> Edition:
    edition = _edition(_support(code), major, minor)
    if not may_edit_support(request.user, edition.support):
        raise PermissionDenied
    return edition


def _block(edition: Edition, uid) -> Block:
    return get_object_or_404(Block.objects.select_related("section"), edition=edition, uid=uid)


def edition_url(edition: Edition, name="authoring:edition_detail", **extra) -> str:
    return edition.url(name, **extra)
