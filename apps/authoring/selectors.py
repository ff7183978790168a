"""Reads for authoring pages: each runs a fixed number of queries whatever the size."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.accounts.models import User
from apps.accounts.permissions import scopes_of

from .models import Block, Edition, Section, Support, SupportDiagnosis
from .permissions import readable_editions
from .workflow_states import CLOSED_STATES, EditionState


def supports_overview(
    user,
    *,
    search: str = "",
    programme_area=None,
    product_type=None,
    state: str = "",
    mine: bool = False,
) -> QuerySet[Support]:
    """Every support, each with the editions this user may read (`shown_editions`, newest
    first). The state filter finds the supports that have an edition in that state which the
    user may read: for "published" the one readers see now, for "superseded" an older
    published one, and so on for every working state, withdrawn and abandoned."""
    readable = readable_editions(user)
    supports = Support.objects.select_related("product_type", "programme_area").prefetch_related(
        Prefetch(
            "editions",
            queryset=readable.select_related("updated_by").order_by("-major", "-minor"),
            to_attr="shown_editions",
        ),
        "diagnoses",
    )
    if mine:
        supports = supports.filter(programme_area__in=[o.pk for o in scopes_of(user, "author")])
    if search:
        supports = supports.filter(
            Q(title__icontains=search)
            | Q(code__icontains=search)
            | Exists(
                SupportDiagnosis.objects.filter(support=OuterRef("pk"), code__istartswith=search)
            )
        )
    if programme_area is not None:
        supports = supports.filter(programme_area=programme_area)
    if product_type is not None:
        supports = supports.filter(product_type=product_type)
    if state:
        supports = supports.filter(Exists(readable.filter(support=OuterRef("pk"), state=state)))
    return supports.order_by("title", "pk")


@dataclass(frozen=True)
class SupportOverviewRow:
    """One line of the overview: what readers see (the published edition, or the withdrawn
    one that they no longer see) beside what is being worked on, each only if this user may
    read it; and the last change to any edition the user may read (a save or a step), so a
    published support always has one."""

    support: Support
    published: Edition | None
    withdrawn: Edition | None
    working: Edition | None
    changed_at: datetime | None
    changed_by: User | None


def _last_change(edition: Edition) -> tuple[datetime | None, User | None]:
    """The latest of a content save and a workflow step (a publication included)."""
    saved, stepped = edition.updated_at, edition.state_changed_at
    if saved and (stepped is None or saved >= stepped):
        return saved, edition.updated_by
    return stepped, None


def overview_rows(supports) -> list[SupportOverviewRow]:
    """Rows for supports from `supports_overview`: no query of their own."""
    rows = []
    for support in supports:
        editions = support.shown_editions
        published = next((e for e in editions if e.state == EditionState.PUBLISHED), None)
        working = next((e for e in editions if e.state not in CLOSED_STATES), None)
        withdrawn = None
        if published is None:
            withdrawn = next((e for e in editions if e.state == EditionState.WITHDRAWN), None)
        changes = [c for c in map(_last_change, editions) if c[0] is not None]
        changed_at, changed_by = max(changes, key=lambda c: c[0]) if changes else (None, None)
        rows.append(
            SupportOverviewRow(support, published, withdrawn, working, changed_at, changed_by)
        )
    return rows


def edition_with_content(edition_id: int) -> Edition:
    """An edition with its sections and blocks loaded: three queries."""
    return (
        Edition.objects.select_related(
            "support", "support__product_type", "support__programme_area"
        )
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "blocks",
                        queryset=Block.objects.select_related("updated_by").order_by("position"),
                    )
                ),
            )
        )
        .get(pk=edition_id)
    )
