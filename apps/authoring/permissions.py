"""The permission policy of authoring: who reads an edition, who writes.

Published content (a published edition, and the superseded ones before it) is for everyone.
An edition that is not, or no longer, published (a draft, one in review or on remiss, an
approved one waiting, a withdrawn or an abandoned one) is read only by the owning NPO's
authors and chair, the national editors and the administrators, and by whoever a higher app
names through `register_reader_rule` (remiss: the coordinators and reviewers of the
organisations an edition was sent to, from the day the round opens). For everyone else such an
edition does not exist: the views answer 404, exactly as for a guessed number.

Only the owning NPO's authors and the national editors write."""

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from apps.accounts.permissions import has_role, scopes_of

from .models import Edition
from .workflow_states import EditionState

# What readers see, and what stays readable as the record of what they saw.
PUBLIC_STATES = frozenset({EditionState.PUBLISHED, EditionState.SUPERSEDED})

# `rule(user)` gives a Q over Edition for the editions the user reads besides the ones this
# module already grants, or None when it grants nothing (so that asking costs no query). The Q
# is applied to Edition querysets only: an Exists(...) inside may refer to OuterRef("pk").
ReaderRule = Callable[[object], Q | None]
_READER_RULES: list[ReaderRule] = []


def register_reader_rule(rule: ReaderRule) -> None:
    """Let a higher app name more readers of unpublished editions (from its AppConfig.ready())."""
    if rule not in _READER_RULES:
        _READER_RULES.append(rule)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _reads_everything(user) -> bool:
    return has_role(user, "national_editor") or has_role(user, "administrator")


def _npo_reader_areas(user) -> set[int]:
    """The NPOs whose unpublished editions this user reads: as author or as chair."""
    return {o.pk for role in ("author", "npo_chair") for o in scopes_of(user, role)}


def _registered_grants(user) -> list[Q]:
    return [q for q in (rule(user) for rule in _READER_RULES) if q is not None]


def readable_editions_q(user) -> Q:
    """The editions this user may read, as a filter on Edition querysets."""
    public = Q(state__in=sorted(PUBLIC_STATES))
    if not _signed_in(user):
        return public
    if _reads_everything(user):
        return Q(pk__isnull=False)
    grants = [public]
    areas = _npo_reader_areas(user)
    if areas:
        grants.append(Q(support__programme_area__in=sorted(areas)))
    grants += _registered_grants(user)
    return reduce(or_, grants)


def readable_editions(user) -> QuerySet[Edition]:
    """Every edition this user may read, one filter for lists (no check per row)."""
    return Edition.objects.filter(readable_editions_q(user))


def may_read_edition(user, edition) -> bool:
    """The same policy as `readable_editions`, for one edition: no query unless a registered
    rule has something to grant this user."""
    if edition.state in PUBLIC_STATES:
        return True
    if not _signed_in(user):
        return False
    if _reads_everything(user) or edition.support.programme_area_id in _npo_reader_areas(user):
        return True
    grants = _registered_grants(user)
    if not grants:
        return False
    return Edition.objects.filter(pk=edition.pk).filter(reduce(or_, grants)).exists()


def may_create_support_in(user, programme_area) -> bool:
    return has_role(user, "national_editor") or has_role(user, "author", programme_area)


def creatable_programme_areas(user):
    """The NPOs in which this user may start a support (all of them for national editors)."""
    from apps.accounts.models import Organisation

    if has_role(user, "national_editor"):
        return Organisation.objects.programme_areas().active()
    return Organisation.objects.filter(pk__in=[o.pk for o in scopes_of(user, "author")])


def may_edit_support(user, support) -> bool:
    return has_role(user, "national_editor") or has_role(user, "author", support.programme_area)


def may_edit_content(user, edition) -> bool:
    return edition.is_editable and may_edit_support(user, edition.support)


def may_edit_templates(user) -> bool:
    return has_role(user, "national_editor")
