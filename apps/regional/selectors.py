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
