"""The permission policy of regional additions.

A region's additions are written, published, archived and reviewed by that region's regional
editors only (the role "regional_editor" held in the region, a guardian object permission, as
a region's remiss coordinator holds theirs). National editors read every region's additions
and change none. For everyone else, the signed-in pages of another region's additions do not
exist: 404, exactly as for a guessed id. Where an addition can be read but the action is not
the reader's to take, the answer is 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.permissions import has_role, scopes_of
from apps.accounts.roles import NATIONAL_EDITOR, REGIONAL_EDITOR


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def edited_regions(user) -> list:
    """The regions whose additions this user writes, by name."""
    if not _signed_in(user):
        return []
    return sorted(scopes_of(user, REGIONAL_EDITOR), key=lambda region: region.name)


def may_write_in_region(user, region) -> bool:
    """Write, publish, archive and review the region's additions."""
    return _signed_in(user) and region is not None and has_role(user, REGIONAL_EDITOR, region)


def reads_every_region(user) -> bool:
    return _signed_in(user) and has_role(user, NATIONAL_EDITOR)


def may_read_region(user, region) -> bool:
    """The signed-in pages of a region's additions (drafts and archived ones included)."""
    return may_write_in_region(user, region) or reads_every_region(user)


def may_read_addition(user, addition) -> bool:
    return may_read_region(user, addition.region)


def may_change_addition(user, addition) -> bool:
    return may_write_in_region(user, addition.region)


def may_use_overview(user) -> bool:
    """The menu's "Mina regionala tillägg": the regional editors, and the national editors
    who read every region's additions."""
    return bool(edited_regions(user)) or reads_every_region(user)


def require_region_writer(user, region) -> None:
    """404 for a region whose additions this user cannot even read; 403 where they can be
    read but not written (a national editor)."""
    if may_write_in_region(user, region):
        return
    if may_read_region(user, region):
        raise PermissionDenied(_("Bara regionens redaktörer för regionala tillägg skriver här."))
    raise Http404


def require_readable(user, addition) -> None:
    if not may_read_addition(user, addition):
        raise Http404


def require_writable(user, addition) -> None:
    require_readable(user, addition)
    if not may_change_addition(user, addition):
        raise PermissionDenied(
            _("Bara regionens redaktörer för regionala tillägg ändrar, publicerar och arkiverar.")
        )
