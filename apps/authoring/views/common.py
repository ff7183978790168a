"""Lookups shared by the authoring views: a support, an edition, a block by its URL parts.

Every view that shows or changes an edition finds it through `_readable_edition` (or
`_editable_edition`, which starts there), so that the read policy of permissions.py is
applied in one place: an edition the user may not read is a 404, as a guessed number is."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Block, Edition, Support
from ..permissions import may_edit_support, may_read_edition


def _support(code) -> Support:
    return get_object_or_404(
        Support.objects.select_related("product_type", "programme_area"), code=code
    )


def _edition(support: Support, major: int, minor: int) -> Edition:
    """An edition by its number, whoever asks: views go through `_readable_edition`."""
    return get_object_or_404(
        Edition.objects.select_related(
            "support", "support__product_type", "support__programme_area"
        ),
        support=support,
        major=major,
        minor=minor,
    )


def _readable_edition(request, support: Support | str, major: int, minor: int) -> Edition:
    """The edition at (support or its code, major, minor), if this user may read it; 404
    otherwise, with nothing to tell an unreadable edition from one that does not exist."""
    if not isinstance(support, Support):
        support = _support(support)
    edition = _edition(support, major, minor)
    if not may_read_edition(request.user, edition):
        raise Http404
    return edition


def _readable_or_none(request, edition: Edition | None) -> Edition | None:
    """Another edition a page would show beside this one (a comparison), if readable."""
    if edition is None or not may_read_edition(request.user, edition):
        return None
    return edition


def _editable_edition(request, code, major, minor) -> Edition:
    """A readable edition whose support this user writes: 404 if unreadable, 403 if only
    readable."""
    edition = _readable_edition(request, code, major, minor)
    if not may_edit_support(request.user, edition.support):
        raise PermissionDenied
    return edition


def _block(edition: Edition, uid) -> Block:
    return get_object_or_404(Block.objects.select_related("section"), edition=edition, uid=uid)


def edition_url(edition: Edition, name="authoring:edition_detail", **extra) -> str:
    return edition.url(name, **extra)
