"""Reads for authoring pages: each runs a fixed number of queries whatever the size."""

from django.db.models import Prefetch, Q, QuerySet

from apps.accounts.permissions import scopes_of

from .models import Block, Edition, Section, Support


def supports_overview(
    user,
    *,
    search: str = "",
    programme_area=None,
    product_type=None,
    state: str = "",
    mine: bool = False,
) -> QuerySet[Support]:
    supports = Support.objects.with_overview().prefetch_related(
        Prefetch(
            "editions",
            queryset=Edition.objects.select_related("updated_by").order_by("-major", "-minor"),
        ),
        "diagnoses",
    )
    if mine:
        supports = supports.filter(programme_area__in=[o.pk for o in scopes_of(user, "author")])
    if search:
        supports = supports.filter(
            Q(title__icontains=search)
            | Q(code__icontains=search)
            | Q(diagnoses__code__istartswith=search)
        ).distinct()
    if programme_area is not None:
        supports = supports.filter(programme_area=programme_area)
    if product_type is not None:
        supports = supports.filter(product_type=product_type)
    if state:
        supports = supports.filter(working_edition__state=state)
    return supports.order_by("title")


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
