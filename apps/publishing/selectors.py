"""What readers may see: published editions and their publication snapshots, nothing else.

Every public page, the API and search read through these functions, so that "an unpublished
edition never reaches a reader" holds in one place. A support is public while it has a
current published edition; its earlier editions are readable as long as it is. A withdrawn
support is not listed; its address says when it was withdrawn (`withdrawn_support`)."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from apps.accounts.models import Organisation
from apps.authoring.models import (
    Edition,
    Snapshot,
    SnapshotBlock,
    SnapshotPurpose,
    SnapshotSection,
    Support,
)
from apps.authoring.workflow_states import EditionState
from apps.regional.models import AdditionState, RegionalAddition

# The states of an edition that was once published and may still be read as an earlier one.
READABLE_STATES = (EditionState.PUBLISHED, EditionState.SUPERSEDED)


def public_supports() -> QuerySet[Support]:
    """Supports with a published edition, with what a list row shows. One query."""
    return (
        Support.objects.filter(
            current_published_edition__isnull=False,
            current_published_edition__state=EditionState.PUBLISHED,
        )
        .select_related("current_published_edition", "product_type", "programme_area")
        .order_by("title", "pk")
    )


def public_support(slug: str) -> Support | None:
    """The published support at this address, or None (unknown, never published, withdrawn)."""
    return public_supports().filter(slug=slug).first()


def public_editions(support: Support) -> list[Edition]:
    """Every edition of a public support that readers may open, newest first, each with its
    publication snapshot as `.publication`. Two queries."""
    editions = list(
        Edition.objects.filter(support=support, state__in=READABLE_STATES)
        .exclude(published_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "snapshots",
                queryset=Snapshot.objects.filter(purpose=SnapshotPurpose.PUBLICATION),
                to_attr="publications",
            )
        )
        .order_by("-major", "-minor")
    )
    for edition in editions:
        edition.publication = edition.publications[0] if edition.publications else None
    return [edition for edition in editions if edition.publication is not None]


def public_edition(support: Support, major: int, minor: int) -> Edition | None:
    """One readable edition of a public support by its version, with `.publication`."""
    for edition in public_editions(support):
        if (edition.major, edition.minor) == (major, minor):
            return edition
    return None


def public_sections(snapshot: Snapshot) -> list[SnapshotSection]:
    """The snapshot's sections in order, each with `.blocks.all()` in order. Two queries,
    whatever the size of the support; the HTML was rendered when the snapshot was taken."""
    return list(
        SnapshotSection.objects.filter(snapshot=snapshot)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("blocks", queryset=SnapshotBlock.objects.order_by("position", "pk"))
        )
    )


def withdrawn_support(slug: str) -> tuple[Support, Edition] | None:
    """A support that readers could once read and that has no published edition now, with
    the edition that was withdrawn last: its page says so and since when."""
    support = Support.objects.filter(slug=slug, current_published_edition__isnull=True).first()
    if support is None:
        return None
    withdrawn = (
        Edition.objects.filter(support=support, state=EditionState.WITHDRAWN)
        .order_by("-state_changed_at")
        .first()
    )
    return (support, withdrawn) if withdrawn is not None else None


def public_regions() -> QuerySet[Organisation]:
    """The regions a reader may choose to see the additions of, by name."""
    return Organisation.objects.regions().active().order_by("name", "code")


def regions_for(support: Support) -> list[Organisation]:
    """Every region a reader may choose, each with `has_additions`: whether it has published
    additions on this support. One query."""
    published = RegionalAddition.objects.filter(
        region_id=OuterRef("pk"), support_id=support.pk, state=AdditionState.PUBLISHED
    )
    return list(public_regions().annotate(has_additions=Exists(published)))
