"""The workflow of an edition: every row of the transition table (allowed actor, forbidden
actors, wrong state, missing reason, four eyes), publication and withdrawal, conflicts,
rollback of side effects, guards, the diagram against the table, and the frozen record of
what was published (in the services and in the database itself).

The builders (`make_complete`, `take`, `drive_to`, `move_to`, `person`, `footprint`) live in
tests/authoring/helpers.py, shared by the other workflow tests."""

from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.authoring import services, workflow
from apps.authoring.models import Block, Edition, EditionKind, EditionTransition, Section, Support
from apps.authoring.workflow import (
    BACK_TO_AUTHORS,
    TRANSITIONS,
    TRANSITIONS_BY_NAME,
    TransitionConflict,
    edition_transition,
)
from apps.authoring.workflow_states import FROZEN_STATES
from apps.authoring.workflow_states import EditionState as S
from apps.core.models import AuditEntry
from apps.core.notifications import notify
from apps.remiss.models import Consultation
from tests.authoring import helpers
from tests.authoring.helpers import (  # noqa: F401 (re-exported for older importers)
    COMPLETE_BODY,
    EXTRA_DATA,
    NPO_ROLES,
    ROUTE,
    assert_refused,
    consultation_data,
    drive_to,
    footprint,
    make_complete,
    move_to,
    person,
    take,
)
from tests.factories import npo

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------- builders

# The builders live in tests/authoring/helpers.py; the names are kept importable from here
# while other test modules move over to the helpers module.

# ---------------------------------------------------------------- people

ROLE_KEYS = (
    "none",
    "author",
    "npo_chair",
    "national_editor",
    "remiss_coordinator",
    "remiss_reviewer",
    "regional_editor",
    "administrator",
)


@dataclass
class Cast:
    by_role: dict[str, User]
    other_npo: dict[str, User]

    @property
    def author(self):
        return self.by_role["author"]

    @property
    def chair(self):
        return self.by_role["npo_chair"]

    @property
    def editor(self):
        return self.by_role["national_editor"]


@pytest.fixture
def cast(db) -> Cast:
    """One person per role (in the NPO under test, or a region), none for "none", and the
    NPO roles again in an NPO out of scope."""
    by_role = {key: person(*([] if key == "none" else [key])) for key in ROLE_KEYS}
    outside = npo("psykisk-halsa")
    other_npo = {key: person(key, area=outside, name=f"{key} annat NPO") for key in NPO_ROLES}
    return Cast(by_role=by_role, other_npo=other_npo)


@pytest.fixture
def draft(cast) -> Edition:
    support = helpers.make_support(cast.author)
    return helpers.working_edition(support)


@pytest.fixture
def complete_draft(cast, draft) -> Edition:
    return make_complete(draft, cast.author)


# ---------------------------------------------------------------- every row of the table


def _wrong_state(transition) -> str:
    """A state the row does not start from (and that a queryset can still leave)."""
    return next(s for s in S if s not in transition.sources and s not in FROZEN_STATES)


ROWS = [
    pytest.param(t.name, source, id=f"{t.name}-from-{source}")
    for t in TRANSITIONS
    for source in sorted(t.sources)
]


@pytest.mark.parametrize(("name", "source"), ROWS)
def test_every_transition_allows_its_actor_and_refuses_everyone_and_everything_else(
    cast, complete_draft, name, source
):
    transition = TRANSITIONS_BY_NAME[name]
    allowed_role = transition.actors[0]
    actor = cast.by_role[allowed_role]
    edition = complete_draft
    needs_reason = transition.reason_required or source in transition.minor_only_from
    if source in transition.minor_only_from:
        Edition.objects.filter(pk=edition.pk).update(kind=EditionKind.MINOR)

    # The allowed actor, in a state the row does not start from.
    edition = move_to(edition, _wrong_state(transition))
    assert_refused(actor, edition, name, because="Versionen har status")

    edition = move_to(edition, source)

    # Every other role, and the system where it may not act.
    for role in ROLE_KEYS:
        if role in transition.actors:
            continue
        assert_refused(cast.by_role[role], edition, name, because="Steget görs av")
    if name not in workflow.SYSTEM_TRANSITIONS:
        assert_refused(None, edition, name, because="Steget görs av")
    else:
        assert workflow.refusal_reasons(None, edition, transition, {"comment": "x"}) == []

    # The allowed role, but in another NPO (a national editor has no NPO to be outside of).
    for role in transition.actors:
        if role in NPO_ROLES:
            assert_refused(cast.other_npo[role], edition, name, because="Steget görs av")

    # A reason is required: refused without one (and with only blanks).
    if needs_reason:
        assert_refused(actor, edition, name, because="Ange en motivering.", comment="")
        assert_refused(actor, edition, name, because="Ange en motivering.", comment="  \n ")

    # Four eyes: the one who took the step before may not take this one, whatever roles
    # they hold.
    if transition.four_eyes_after:
        before = TRANSITIONS_BY_NAME[transition.four_eyes_after]
        twin = person(before.actors[0], allowed_role, name="Tvilling med två roller")
        EditionTransition.objects.create(
            edition=edition,
            name=before.name,
            from_state=sorted(before.sources)[0],
            to_state=before.target,
            actor=twin,
        )
        assert_refused(twin, edition, name, because="Fyra ögon")

    # Every allowed role may; the first one takes the step.
    for role in transition.actors:
        reasons = workflow.refusal_reasons(
            cast.by_role[role], edition, transition, {"comment": "Motivering.", **_data(name)}
        )
        assert reasons == []
    before = footprint(edition)
    moved = take(actor, edition, name, comment="Motivering." if needs_reason else "")
    expected = S.DRAFT if transition.target == BACK_TO_AUTHORS else transition.target
    assert moved.state == expected
    assert Edition.objects.get(pk=edition.pk).state == expected
    assert moved.lock_version == before[1] + 1
    record = EditionTransition.objects.filter(edition=edition, name=name).latest("id")
    assert (record.from_state, record.to_state, record.actor) == (source, expected, actor)
    assert AuditEntry.objects.filter(action=f"edition.{name}").exists()

    # Back to the authors: draft before a consultation (above), revision after one.
    if transition.target == BACK_TO_AUTHORS:
        edition = move_to(edition, source, consulted=True)
        assert take(actor, edition, name, comment="Motivering.").state == S.REVISION


def _data(name: str) -> dict:
    return EXTRA_DATA[name]() if name in EXTRA_DATA else {}


def test_every_row_has_a_swedish_label_and_known_actors_and_states():
    states = set(S.values)
    for transition in TRANSITIONS:
        assert transition.label
        assert set(transition.actors) <= set(workflow.ROLE_LABELS)
        assert set(transition.sources) <= states
        assert set(transition.targets()) <= states
        if transition.four_eyes_after:
            assert transition.four_eyes_after in TRANSITIONS_BY_NAME


# ---------------------------------------------------------------- the real path


def test_an_edition_goes_the_whole_way_to_published_through_the_real_function(cast, complete_draft):
    published = drive_to(
        complete_draft, S.PUBLISHED, author=cast.author, chair=cast.chair, editor=cast.editor
    )
    assert published.published_at is not None
    assert published.approved_at is not None
    names = list(EditionTransition.objects.filter(edition=published).values_list("name", flat=True))
    assert names == [name for name, _role, _state in ROUTE]
    assert Support.objects.get(pk=published.support_id).current_published_edition == published


def test_an_incomplete_edition_cannot_be_submitted(cast, draft):
    reasons = assert_refused(
        cast.author, draft, "submit_for_review", because="Kontrollen", comment=""
    )
    assert "punkter som inte är uppfyllda" in reasons[0]


def test_submitter_cannot_approve_own_edition_but_a_second_person_can(cast, complete_draft):
    both = person("author", "npo_chair", name="Skribent och ordförande")
    take(both, complete_draft, "submit_for_review")
    reasons = assert_refused(both, complete_draft, "approve_for_consultation", because="Fyra ögon")
    assert reasons == [
        "Fyra ögon: du skickade själv versionen till det här steget och kan inte godkänna det."
    ]
    assert take(cast.chair, complete_draft, "approve_for_consultation").state == (
        S.READY_FOR_CONSULTATION
    )


def test_npo_approver_cannot_also_approve_editorially(cast, complete_draft):
    both = person("npo_chair", "national_editor", name="Ordförande och redaktör")
    edition = drive_to(
        complete_draft,
        S.AWAITING_NPO_APPROVAL,
        author=cast.author,
        chair=cast.chair,
        editor=cast.editor,
    )
    take(both, edition, "npo_approve")
    assert_refused(both, edition, "editorial_approve", because="Fyra ögon")
    assert take(cast.editor, edition, "editorial_approve").state == S.APPROVED


def test_minor_edition_may_skip_the_consultation_only_with_a_reason(cast, complete_draft):
    Edition.objects.filter(pk=complete_draft.pk).update(kind=EditionKind.MINOR)
    assert_refused(
        cast.author,
        complete_draft,
        "submit_for_approval",
        because="Ange en motivering.",
        comment="",
    )
    moved = take(cast.author, complete_draft, "submit_for_approval", comment="Stavfel rättade.")
    assert moved.state == S.AWAITING_NPO_APPROVAL


def test_major_edition_may_not_skip_the_consultation(cast, complete_draft):
    assert complete_draft.kind == EditionKind.MAJOR
    assert_refused(
        cast.author,
        complete_draft,
        "submit_for_approval",
        because="En huvudversion måste gå på remiss",
        comment="Vi hoppar över remissen.",
    )


# ---------------------------------------------------------------- publish and withdraw


@pytest.fixture
def published_and_next(cast, complete_draft):
    """Version 1.0 published for real, and 1.1 (a minor edition) approved after it."""
    first = drive_to(
        complete_draft, S.PUBLISHED, author=cast.author, chair=cast.chair, editor=cast.editor
    )
    support = Support.objects.get(pk=first.support_id)
    second = services.edition_start_new(
        actor=cast.author, support=support, kind=EditionKind.MINOR, change_summary="Språk."
    )
    second = move_to(second, S.APPROVED)
    return first, second


def test_publish_supersedes_the_previous_edition_and_points_the_support_at_the_new_one(
    cast, published_and_next
):
    first, second = published_and_next
    take(cast.editor, second, "publish", data={"next_review_date": "2031-01-31"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == S.SUPERSEDED
    assert second.state == S.PUBLISHED
    assert str(second.next_review_date) == "2031-01-31"
    support = Support.objects.get(pk=second.support_id)
    assert support.current_published_edition == second
    assert support.working_edition is None
    supersede = EditionTransition.objects.get(edition=first, name="supersede")
    assert (supersede.from_state, supersede.to_state) == (S.PUBLISHED, S.SUPERSEDED)


def test_publish_and_supersede_happen_in_one_transaction(cast, published_and_next):
    first, second = published_and_next

    def fail(**kwargs):
        raise RuntimeError("publiceringskanalen svarar inte")

    before = footprint(second)
    with workflow.registered_effect("publish", fail), pytest.raises(RuntimeError):
        take(cast.editor, second, "publish")
    assert footprint(second) == before
    assert Edition.objects.get(pk=first.pk).state == S.PUBLISHED
    assert not EditionTransition.objects.filter(name="supersede").exists()


def test_withdraw_clears_the_current_published_edition(cast, complete_draft):
    published = drive_to(
        complete_draft, S.PUBLISHED, author=cast.author, chair=cast.chair, editor=cast.editor
    )
    assert_refused(cast.editor, published, "withdraw", because="Ange en motivering.", comment="")
    withdrawn = take(cast.editor, published, "withdraw", comment="Felaktig dosering.")
    assert withdrawn.state == S.WITHDRAWN
    assert Support.objects.get(pk=published.support_id).current_published_edition is None


def test_returning_a_scheduled_edition_cancels_its_planned_publication(cast, complete_draft):
    """Bug: a planned publication outlives a return to the authors, so after the next
    approval run_scheduled publishes at the old time without anyone choosing to, and
    Mina uppgifter hides the approved edition from the national editors."""
    approved = drive_to(
        complete_draft, S.APPROVED, author=cast.author, chair=cast.chair, editor=cast.editor
    )
    workflow.edition_schedule_publication(
        actor=cast.editor,
        edition=approved,
        lock_version=approved.lock_version,
        publish_at=timezone.now() + timedelta(days=2),
    )
    returned = take(
        cast.editor, approved, "return_from_editorial_review", comment="Referens saknas."
    )
    assert returned.state == S.REVISION
    assert Edition.objects.get(pk=approved.pk).scheduled_publish_at is None


# ---------------------------------------------------------------- conflicts and rollback


def test_a_stale_lock_version_is_a_conflict_and_changes_nothing(cast, complete_draft):
    before = footprint(complete_draft)
    with pytest.raises(TransitionConflict) as info:
        edition_transition(
            actor=cast.author,
            edition=complete_draft,
            name="submit_for_review",
            lock_version=complete_draft.lock_version - 1,
        )
    assert "Ladda om" in str(info.value)
    assert footprint(complete_draft) == before


def test_an_unknown_transition_is_a_validation_error(cast, complete_draft):
    with pytest.raises(ValidationError):
        edition_transition(
            actor=cast.author, edition=complete_draft, name="teleport", lock_version=1
        )


def test_a_failing_side_effect_rolls_the_whole_transition_back(
    cast, complete_draft, django_capture_on_commit_callbacks
):
    edition = drive_to(
        complete_draft,
        S.READY_FOR_CONSULTATION,
        author=cast.author,
        chair=cast.chair,
        editor=cast.editor,
    )

    def notify_then_fail(*, edition, actor, data, record):
        notify(recipients=[cast.author], kind="workflow.task", title="Borde inte synas")
        raise RuntimeError("remisstjänsten svarar inte")

    mail.outbox.clear()
    before = footprint(edition)
    with (
        workflow.registered_effect("open_consultation", notify_then_fail),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        take(cast.editor, edition, "open_consultation")
    assert footprint(edition) == before
    assert not Consultation.objects.filter(edition=edition).exists()
    assert callbacks == []
    assert mail.outbox == []
    assert notify_then_fail not in workflow.effects_for("open_consultation")


# ---------------------------------------------------------------- the diagram


def table_edges() -> set[tuple[str, str, str]]:
    return {
        (str(source), t.name, str(target))
        for t in TRANSITIONS
        for source in t.sources
        for target in t.targets()
    }


class DiagramParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.edges: set[tuple[str, str, str]] = set()
        self.current: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if "diagram__edge" in classes:
            self.edges.add((attrs["data-from"], attrs["data-transition"], attrs["data-to"]))
        if "diagram__state" in classes and attrs.get("aria-current") == "step":
            self.current.append(attrs["data-state"])


def test_the_diagram_and_the_table_cannot_disagree(cast, draft, client_for):
    drawn = {
        (node["state"], edge["transition"].name, str(target))
        for node in workflow.diagram()
        for edge in node["outgoing"]
        for target in edge["targets"]
    }
    assert drawn == table_edges()
    assert {node["state"] for node in workflow.diagram()} == set(S.values)

    edition = move_to(draft, S.EDITORIAL_REVIEW)
    url = reverse(
        "authoring:edition_detail",
        kwargs={"code": edition.support.code, "major": edition.major, "minor": edition.minor},
    )
    response = client_for(cast.author).get(url)
    assert response.status_code == 200
    parser = DiagramParser()
    parser.feed(response.content.decode())
    assert parser.edges == table_edges()
    assert parser.current == [S.EDITORIAL_REVIEW]


# ---------------------------------------------------------------- the frozen record


@pytest.fixture(params=sorted(FROZEN_STATES))
def frozen(request, cast, draft):
    """An edition with content, then published, superseded or withdrawn."""
    section = helpers.section_of(draft)
    helpers.add_block(cast.author, section, COMPLETE_BODY, care_level="both")
    helpers.add_block(cast.author, section, "Andra stycket.", care_level="both")
    return move_to(draft, request.param)


def test_services_refuse_to_change_a_frozen_edition(cast, frozen):
    first, second = Block.objects.filter(edition=frozen).order_by("position")
    section = first.section
    snapshot = helpers.snapshot()
    with pytest.raises(ValidationError):
        services.block_save(
            actor=cast.author, block=first, lock_version=first.lock_version, content={"body": "x"}
        )
    with pytest.raises(ValidationError):
        services.block_add(actor=cast.author, section=section, kind="text")
    with pytest.raises(ValidationError):
        services.block_remove(actor=cast.author, block=first, lock_version=first.lock_version)
    with pytest.raises(ValidationError):
        services.block_move(actor=cast.author, block=second, section=section, position=1)
    assert helpers.snapshot() == snapshot

    everyone = person("author", "npo_chair", "national_editor", name="Alla roller")
    for transition in TRANSITIONS:
        if frozen.state in transition.sources:
            continue  # publish → withdrawn, the one way out of "published"
        assert_refused(everyone, frozen, transition.name, because="Versionen har status")
    assert helpers.snapshot() == snapshot


def test_only_withdraw_leaves_a_published_edition():
    leaving = {t.name for t in TRANSITIONS if S.PUBLISHED in t.sources}
    assert leaving == {"withdraw"}
    assert not [t for t in TRANSITIONS if {S.SUPERSEDED, S.WITHDRAWN} & t.sources]


def test_the_database_refuses_changes_that_bypass_the_services(cast, frozen):
    block = Block.objects.filter(edition=frozen).first()
    attempts = {
        "edition": lambda: Edition.objects.filter(pk=frozen.pk).update(change_summary="x"),
        "block": lambda: Block.objects.filter(edition=frozen).update(body="x"),
        "section": lambda: Section.objects.filter(edition=frozen).update(title="x"),
        "new block": lambda: Block.objects.create(
            edition=frozen, section=block.section, kind="text", position=99, body="Insmugglad."
        ),
        "new section": lambda: Section.objects.create(edition=frozen, key="smuggel", title="x"),
    }
    for what, attempt in attempts.items():
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
            pytest.fail(f"the database let {what} through")
    assert Edition.objects.get(pk=frozen.pk).change_summary != "x"
    assert not Block.objects.filter(edition=frozen, body="x").exists()
    assert Block.objects.filter(edition=frozen).count() == 2


def test_the_database_refuses_to_reopen_a_published_edition(cast, draft):
    """Bug: the trigger lets a published edition leave for ANY state, not only superseded or
    withdrawn as its docstring says; back in "draft" its content can be edited again."""
    published = move_to(draft, S.PUBLISHED)
    for state in (S.DRAFT, S.REVISION, S.APPROVED, S.ABANDONED):
        with pytest.raises(DatabaseError), transaction.atomic():
            Edition.objects.filter(pk=published.pk).update(state=state)
            pytest.fail(f"the database let a published edition go back to {state}")
    assert Edition.objects.get(pk=published.pk).state == S.PUBLISHED


@pytest.mark.parametrize("leaving_for", [S.SUPERSEDED, S.WITHDRAWN])
def test_the_database_lets_a_published_edition_be_superseded_or_withdrawn(draft, leaving_for):
    published = move_to(draft, S.PUBLISHED)
    Edition.objects.filter(pk=published.pk).update(state=leaving_for)
    assert Edition.objects.get(pk=published.pk).state == leaving_for
