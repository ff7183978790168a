"""Builders for authoring tests: everything goes through the real services, as the views do.
The workflow builders (`take`, `drive_to`, `move_to`, `person`, `footprint`, ...) are shared by
the workflow, remiss, task and notification tests."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.authoring import services
from apps.authoring.history import HistoricalBlock
from apps.authoring.models import (
    Block,
    BlockDraft,
    Edition,
    EditionTransition,
    ProductType,
    Section,
    SectionPresence,
    Support,
)
from apps.authoring.workflow import TransitionRefused, edition_transition
from apps.authoring.workflow_states import EditionState as S
from apps.core.models import AuditEntry, Notification
from apps.remiss.models import Consultation
from tests.factories import UserFactory, grant, npo, region

# A clinical paragraph in the register the authors write in.
PARAGRAPH_START = (
    "Vid nydiagnostiserad hjärtsvikt med nedsatt ejektionsfraktion bör behandling med "
    "ACE-hämmare eller ARNI inledas tidigt, i låg dos som trappas upp var annan vecka."
)
PARAGRAPH_DOSE = (
    "Metformin 500 mg två gånger dagligen är förstahandsval vid typ 2-diabetes hos patienter "
    "med stabil hjärtsvikt och eGFR över 30."
)
PARAGRAPH_FOLLOW_UP = (
    "Följ upp njurfunktion och kalium inom två veckor efter varje dosökning, och därefter "
    "var tredje månad under det första året."
)
CLINICAL_TEXT = "\n\n".join([PARAGRAPH_START, PARAGRAPH_DOSE, PARAGRAPH_FOLLOW_UP])

COMPLETE_TEXT = {
    "kind": "text",
    "care_level": "both",
    "depth": "base",
    "strength": "",
    "basis": "",
    "references": "",
}
COMPLETE_RECOMMENDATION = {
    **COMPLETE_TEXT,
    "kind": "recommendation",
    "strength": "bor",
    "basis": "evidence",
}


def clinical() -> ProductType:
    return ProductType.objects.get(code="kliniskt-kunskapsstod")


def care_pathway() -> ProductType:
    return ProductType.objects.get(code="vardforlopp")


def make_support(actor, title="Hjärtsvikt – behandling", product_type=None, area=None, **extra):
    return services.support_create(
        actor=actor,
        title=title,
        product_type=product_type or clinical(),
        programme_area=area or npo(),
        **extra,
    )


def working_edition(support: Support) -> Edition:
    return Edition.objects.get(pk=Support.objects.get(pk=support.pk).working_edition_id)


def section_of(edition: Edition, key: str = "behandling") -> Section:
    return Section.objects.get(edition=edition, key=key)


def add_block(actor, section: Section, body: str = "", kind: str = "text", **content) -> Block:
    """A block with content, saved as an author saves it (block_add, then block_save)."""
    block = services.block_add(actor=actor, section=section, kind=kind)
    if body or content:
        block = services.block_save(
            actor=actor,
            block=block,
            lock_version=block.lock_version,
            content={"body": body, **content},
        )
    return block


def save(actor, block: Block, **content) -> Block:
    """Save on top of the block's current version in the database."""
    block = Block.objects.get(pk=block.pk)
    return services.block_save(
        actor=actor, block=block, lock_version=block.lock_version, content=content
    )


def publish(edition: Edition) -> Edition:
    """Simulates publication (the workflow is not under test here); the earlier published
    edition is superseded first, as the database allows one published edition a support."""
    Edition.objects.filter(support_id=edition.support_id, state="published").update(
        state="superseded"
    )
    Edition.objects.filter(pk=edition.pk).update(state="published")
    Support.objects.filter(pk=edition.support_id).update(
        current_published_edition=edition, working_edition=None
    )
    return Edition.objects.get(pk=edition.pk)


def positions(section: Section) -> list[tuple[int, str]]:
    return list(
        Block.objects.filter(section=section).order_by("position").values_list("position", "body")
    )


def snapshot() -> dict:
    """Everything an edit request could change, to show that a refused one changed nothing."""
    return {
        "supports": list(Support.objects.order_by("pk").values_list("pk", "title", "code")),
        "editions": list(
            Edition.objects.order_by("pk").values_list("pk", "state", "updated_at", "major")
        ),
        "blocks": list(
            Block.objects.order_by("pk").values_list(
                "pk", "section_id", "position", "body", "lock_version"
            )
        ),
        "history": HistoricalBlock.objects.count(),
        "drafts": BlockDraft.objects.count(),
        "presence": SectionPresence.objects.count(),
        "sections": Section.objects.count(),
    }


# ---------------------------------------------------------------- workflow builders

COMPLETE_BODY = "Behandling med ACE-hämmare bör inledas i låg dos och trappas upp var annan vecka."


def make_complete(edition: Edition, actor) -> Edition:
    """Fill every required section with a complete recommendation (care level, strength and
    basis set), through block_add + block_save as an author does, so the completeness check
    before submit_for_review / submit_for_approval passes."""
    for section in Section.objects.filter(edition=edition, required=True):
        add_block(actor, section, COMPLETE_BODY, **COMPLETE_RECOMMENDATION)
    return Edition.objects.get(pk=edition.pk)


def consultation_data(weeks: int = 6) -> dict:
    """Dates set by hand, as the calendar accepts them: from today to a working day, with
    the reason that dates outside the calendar's windows need."""
    from apps.remiss.calendar import next_working_day

    return {
        "kind": "remiss",
        "closes_on": next_working_day(timezone.localdate() + timedelta(weeks=weeks)).isoformat(),
        "dates_reason": "Egna datum i testet.",
    }


# What a transition needs besides a comment, as the view's extra form would give it.
EXTRA_DATA = {"open_consultation": consultation_data}


def take(actor, edition: Edition, name: str, comment: str = "", data: dict | None = None):
    """Take one step through the real edition_transition, from the current lock_version."""
    current = Edition.objects.get(pk=edition.pk)
    if data is None and name in EXTRA_DATA:
        data = EXTRA_DATA[name]()
    return edition_transition(
        actor=actor,
        edition=current,
        name=name,
        lock_version=current.lock_version,
        comment=comment,
        data=data,
    )


# The usual way from draft to published, with the role that takes each step.
ROUTE = (
    ("submit_for_review", "author", S.INTERNAL_REVIEW),
    ("approve_for_consultation", "npo_chair", S.READY_FOR_CONSULTATION),
    ("open_consultation", "national_editor", S.IN_CONSULTATION),
    ("close_consultation", "national_editor", S.REVISION),
    ("submit_for_approval", "author", S.AWAITING_NPO_APPROVAL),
    ("npo_approve", "npo_chair", S.EDITORIAL_REVIEW),
    ("editorial_approve", "national_editor", S.APPROVED),
    ("publish", "national_editor", S.PUBLISHED),
)


def drive_to(edition: Edition, state: str, *, author, chair, editor) -> Edition:
    """Bring a complete draft to `state` along ROUTE through the real edition_transition,
    each step taken by a person of the right role (different people, so four eyes hold)."""
    actors = {"author": author, "npo_chair": chair, "national_editor": editor}
    edition = Edition.objects.get(pk=edition.pk)
    for name, role, reached in ROUTE:
        if edition.state == state:
            break
        edition = take(actors[role], edition, name)
        assert edition.state == reached
    assert edition.state == state, f"{state} is not on the route"
    return Edition.objects.get(pk=edition.pk)


def move_to(edition: Edition, state: str, *, consulted: bool = False) -> Edition:
    """A shortcut for speed: set the state by a queryset update (as if the steps had been
    taken) and bump lock_version, as every transition does. `consulted` records an
    open_consultation, which decides where "back to the authors" leads."""
    Edition.objects.filter(pk=edition.pk).update(state=state, lock_version=F("lock_version") + 1)
    if state == S.PUBLISHED:
        Support.objects.filter(pk=edition.support_id).update(current_published_edition=edition)
    if consulted:
        EditionTransition.objects.create(
            edition=edition,
            name="open_consultation",
            from_state=S.READY_FOR_CONSULTATION,
            to_state=S.IN_CONSULTATION,
        )
    return Edition.objects.get(pk=edition.pk)


def footprint(edition: Edition) -> tuple:
    """Everything a transition could change, to show that a refused one changed nothing."""
    current = Edition.objects.get(pk=edition.pk)
    support = Support.objects.get(pk=edition.support_id)
    return (
        current.state,
        current.lock_version,
        current.scheduled_publish_at,
        support.current_published_edition_id,
        EditionTransition.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
        Consultation.objects.count(),
    )


def refusal_of(exc: Exception) -> list[str]:
    if isinstance(exc, TransitionRefused):
        return exc.reasons
    return [str(arg) for arg in exc.args]


def assert_refused(actor, edition, name, *, because: str, comment="Motivering.", data=None):
    """The step is refused with a Swedish reason containing `because`; nothing changed."""
    before = footprint(edition)
    current = Edition.objects.get(pk=edition.pk)
    if data is None and name in EXTRA_DATA:
        data = EXTRA_DATA[name]()
    with pytest.raises((PermissionDenied, TransitionRefused)) as info:
        edition_transition(
            actor=actor,
            edition=current,
            name=name,
            lock_version=current.lock_version,
            comment=comment,
            data=data,
        )
    reasons = refusal_of(info.value)
    assert any(because in reason for reason in reasons), reasons
    assert footprint(edition) == before
    return reasons


NATIONAL_ROLES = {"national_editor", "administrator"}
NPO_ROLES = {"author", "npo_chair"}


def person(*roles: str, area=None, name: str = "") -> User:
    user = UserFactory(full_name=name or " ".join(roles) or "Utan roll")
    for role in roles:
        if role in NATIONAL_ROLES:
            grant(user, role)
        elif role in NPO_ROLES:
            grant(user, role, area or npo())
        else:
            grant(user, role, region())
    return User.objects.get(pk=user.pk)
