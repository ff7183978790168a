"""Reads of regional additions, each a fixed number of queries. The reading site and the API
(apps.publishing) import these; regional never imports publishing."""

from django.db.models import QuerySet

from apps.accounts.models import Organisation
from apps.authoring.models import Support

from .models import AdditionState, RegionalAddition


def published_additions(support: Support, region: Organisation) -> list[RegionalAddition]:
    """The region's published additions on the support, stale ones (needs_review) included:
    readers still see them, with a note. By section, then in the order written (the block's
    position is the snapshot's to tell). One query."""
    return list(
        RegionalAddition.objects.filter(
            support_id=support.pk, region_id=region.pk, state=AdditionState.PUBLISHED
        )
        .select_related("region", "written_against_edition")
        .order_by("section_key", "created_at", "id")
    )


def regions_with_additions(support: Support) -> list[Organisation]:
    """The regions that have published additions on this support, by name. One query."""
    return list(
        Organisation.objects.filter(
            regional_additions__support_id=support.pk,
            regional_additions__state=AdditionState.PUBLISHED,
        )
        .distinct()
        .order_by("name")
    )


def region_additions(region: Organisation) -> QuerySet:
    """Every published addition of a region, with its support, for the region's page."""
    return (
        RegionalAddition.objects.filter(region_id=region.pk, state=AdditionState.PUBLISHED)
        .select_related("support", "support__current_published_edition", "written_against_edition")
        .order_by("support__title", "section_key", "created_at", "id")
    )


# ---------------------------------------------------------------- the regional editor's pages


def overview_additions(regions) -> list[RegionalAddition]:
    """The additions of these regions (None: of every region) for the overview: stale ones
    first, oldest flag first; then by state and latest change. One query."""
    additions = RegionalAddition.objects.select_related(
        "region", "support", "written_against_edition", "updated_by"
    )
    if regions is not None:
        additions = additions.filter(region__in=[region.pk for region in regions])
    return sorted(
        additions,
        key=lambda a: (
            not a.needs_review,
            a.flagged_at.timestamp() if a.flagged_at else 0,
            ORDER_OF_STATES.index(a.state),
            -a.updated_at.timestamp(),
        ),
    )


ORDER_OF_STATES = [AdditionState.DRAFT, AdditionState.PUBLISHED, AdditionState.ARCHIVED]


def section_titles(additions) -> dict[tuple[int, str], str]:
    """{(edition id, section key): title} of the publication snapshots the additions stand
    against, so that a list names each addition's section. One query."""
    from apps.authoring.models import SnapshotPurpose, SnapshotSection

    editions = {a.written_against_edition_id for a in additions}
    if not editions:
        return {}
    rows = SnapshotSection.objects.filter(
        snapshot__edition_id__in=editions, snapshot__purpose=SnapshotPurpose.PUBLICATION
    ).values_list("snapshot__edition_id", "key", "title")
    return {(edition, key): title for edition, key, title in rows}


def published_supports(query: str = "") -> QuerySet:
    """The supports readers can read now, for choosing where to write an addition."""
    from django.db.models import Q

    supports = Support.objects.filter(current_published_edition__isnull=False).select_related(
        "current_published_edition", "programme_area"
    )
    if query:
        supports = supports.filter(Q(title__icontains=query) | Q(code__icontains=query))
    return supports.order_by("title", "pk")


def region_additions_on(support: Support, region: Organisation) -> list[RegionalAddition]:
    """The region's additions on one support that are not archived, for the place picker."""
    return list(
        RegionalAddition.objects.live()
        .filter(support_id=support.pk, region_id=region.pk)
        .order_by("created_at", "pk")
    )
