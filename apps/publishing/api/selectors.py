"""The API's reads, on top of the public selectors (apps/publishing/selectors.py): only
supports with a published edition, only publication snapshots, and the publish and
withdraw steps of the workflow for the change feed. Each runs a fixed number of queries."""

from datetime import datetime

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from apps.authoring.models import (
    CareLevel,
    EditionTransition,
    SnapshotBlock,
    SnapshotPurpose,
    Support,
    SupportDiagnosis,
)
from apps.authoring.workflow_states import FROZEN_STATES, EditionState
from apps.regional import selectors as regional_selectors
from apps.regional.models import AdditionState, RegionalAddition

from .. import selectors

# The workflow steps that change what readers see. "supersede" is the shadow of a publish
# (the earlier edition gives way) and is reported as that publication.
PUBLIC_EVENTS = {"publish": "published", "withdraw": "withdrawn"}


def _has_text_for(level: str):
    return Exists(
        SnapshotBlock.objects.filter(
            snapshot__edition_id=OuterRef("current_published_edition_id"),
            snapshot__purpose=SnapshotPurpose.PUBLICATION,
            care_level__in=[level, CareLevel.BOTH],
        )
    )


def filtered_supports(
    *,
    npo: str | None = None,
    product_type: str | None = None,
    care_level: str | None = None,
    diagnosis: str | None = None,
    updated_since: datetime | None = None,
) -> QuerySet[Support]:
    """Public supports, filtered, each annotated with the care levels its text is for. A
    diagnosis filter is a prefix of ICD-10 codes (I50 finds I50 and I50.0); updated_since
    compares with the publication of the current edition."""
    supports = selectors.public_supports().annotate(
        for_primary=_has_text_for(CareLevel.PRIMARY),
        for_specialised=_has_text_for(CareLevel.SPECIALISED),
    )
    if npo:
        supports = supports.filter(programme_area__code=npo)
    if product_type:
        supports = supports.filter(product_type__code=product_type)
    if care_level == CareLevel.PRIMARY:
        supports = supports.filter(for_primary=True)
    elif care_level == CareLevel.SPECIALISED:
        supports = supports.filter(for_specialised=True)
    if diagnosis:
        supports = supports.filter(
            Exists(
                SupportDiagnosis.objects.filter(
                    support_id=OuterRef("pk"), code__startswith=diagnosis
                )
            )
        )
    if updated_since is not None:
        supports = supports.filter(current_published_edition__published_at__gte=updated_since)
    return supports


def diagnoses_by_support(support_ids) -> dict[int, list[SupportDiagnosis]]:
    found: dict[int, list[SupportDiagnosis]] = {}
    for diagnosis in SupportDiagnosis.objects.filter(support_id__in=support_ids).order_by("code"):
        found.setdefault(diagnosis.support_id, []).append(diagnosis)
    return found


def related_public(support: Support) -> list[Support]:
    """The public supports this one links to (the relation goes both ways)."""
    return list(selectors.public_supports().filter(related_supports=support))


def public_events() -> QuerySet[EditionTransition]:
    """Every publication and withdrawal, oldest first, with what an entry shows."""
    return (
        # An edition is frozen once it was published; the state is asked all the same, so
        # that no stray row could ever name an unpublished edition.
        EditionTransition.objects.filter(name__in=PUBLIC_EVENTS, edition__state__in=FROZEN_STATES)
        .select_related("edition", "edition__support")
        .order_by("created_at", "pk")
    )


def _latest(*moments: datetime | None) -> datetime | None:
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


def _metadata_changed_at(supports) -> datetime | None:
    """The last save of these supports' own fields (title, diagnoses, related supports),
    which readers see at once (support_update announces it): from their history rows."""
    return Support.history.filter(id__in=supports).aggregate(at=Max("history_date"))["at"]


def last_public_change_at() -> datetime | None:
    """When the last publication or withdrawal was made (what the change feed reports)."""
    return EditionTransition.objects.filter(name__in=PUBLIC_EVENTS).aggregate(at=Max("created_at"))[
        "at"
    ]


def list_changed_at() -> datetime | None:
    """When anything a public list shows last changed: a publication, a withdrawal, or the
    metadata of a support that readers can see."""
    public = selectors.public_supports().order_by().values("pk")
    return _latest(last_public_change_at(), _metadata_changed_at(public))


def feed_changed_at() -> datetime | None:
    """The change feed names every support ever published, withdrawn ones too."""
    published = (
        EditionTransition.objects.filter(name="publish").values("edition__support_id").order_by()
    )
    return _latest(last_public_change_at(), _metadata_changed_at(published))


def support_metadata_changed_at(support: Support) -> datetime | None:
    return _metadata_changed_at(Support.objects.filter(pk=support.pk).values("pk"))


def support_last_change_at(support: Support) -> datetime | None:
    """When a support's public answer last changed: its own publications, withdrawals and
    metadata, and those of the supports it links to (they come and go from its related)."""
    transitions = EditionTransition.objects.filter(
        Q(edition__support=support) | Q(edition__support__related_supports=support),
        name__in=PUBLIC_EVENTS,
    ).aggregate(at=Max("created_at"))["at"]
    linked = Support.objects.filter(Q(pk=support.pk) | Q(related_supports=support)).values("pk")
    return _latest(transitions, _metadata_changed_at(linked))


# ---------------------------------------------------------------- regional additions


def region_additions(region) -> QuerySet[RegionalAddition]:
    """The region's published additions on public supports, the last changed last (a system
    keeps the time of the last one it read and asks with updated_since next time)."""
    return (
        regional_selectors.region_additions(region)
        .filter(support__current_published_edition__state=EditionState.PUBLISHED)
        .select_related("support__product_type")
        .order_by("updated_at", "pk")
    )


def additions_changed_at(*, support: Support | None = None, region=None) -> datetime | None:
    """When readers last saw an addition change here: one published, changed, flagged or
    archived (an archived one leaves the answer, which changes it too)."""
    additions = RegionalAddition.objects.filter(
        state__in=[AdditionState.PUBLISHED, AdditionState.ARCHIVED]
    )
    if support is not None:
        additions = additions.filter(support_id=support.pk)
    if region is not None:
        additions = additions.filter(region_id=region.pk)
    return additions.aggregate(at=Max("updated_at"))["at"]
