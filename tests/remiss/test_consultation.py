"""Consultation rounds as side effects of the workflow: opening one takes the snapshot and
records kind, dates (a window of the calendar, or dates set by hand with a reason),
recipients (all 21 regions unless chosen) and what goes out with the text; closing or
abandoning closes it; an edition has at most one open round."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.authoring.models import Edition, Snapshot
from apps.authoring.workflow_states import EditionState as S
from apps.core.models import AuditEntry
from apps.remiss import calendar, services
from apps.remiss.models import Consultation, ConsultationKind
from tests.authoring import helpers
from tests.authoring.helpers import assert_refused, footprint, make_complete, person, take
from tests.factories import organisation
from tests.remiss.helpers import manual_closing_day, open_round, ready_edition, regions, round_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return person("author", name="Astrid Författare")


@pytest.fixture
def editor(db):
    return person("national_editor", name="Nora Redaktör")


@pytest.fixture
def ready(author):
    return ready_edition(author)


def test_opening_by_hand_records_kind_dates_reason_and_all_21_regions(editor, ready):
    closes_on = manual_closing_day()
    moved = take(
        editor,
        ready,
        "open_consultation",
        data=round_data(
            kind=ConsultationKind.FEEDBACK_ROUND,
            closes_on=closes_on,
            dates_reason="Brådskande ändring av doseringen.",
        ),
    )

    assert moved.state == S.IN_CONSULTATION
    consultation = Consultation.objects.get(edition=ready)
    assert consultation.kind == ConsultationKind.FEEDBACK_ROUND
    assert consultation.opens_on == timezone.localdate()
    assert consultation.closes_on == closes_on
    assert consultation.dates_reason == "Brådskande ändring av doseringen."
    assert consultation.opened_by == editor
    assert consultation.closed_at is None
    assert consultation.announced_at is not None
    assert len(regions()) == 21
    assert set(consultation.recipients.all()) == set(regions())
    entry = AuditEntry.objects.get(action="consultation.opened")
    assert entry.details["reason"] == "Brådskande ändring av doseringen."


def test_opening_in_a_coming_window_takes_its_dates_and_needs_no_reason(editor, ready):
    window = services.offered_windows(ConsultationKind.REMISS)[1]
    consultation = open_round(editor, ready, window=window)
    assert (consultation.opens_on, consultation.closes_on) == (window.opens_on, window.closes_on)
    assert consultation.dates_reason == ""
    # It opens later: the recipients are told on the opening day, not now.
    assert consultation.announced_at is None


def test_opening_takes_the_snapshot_of_what_goes_out(editor, ready):
    consultation = open_round(editor, ready)
    snapshot = Snapshot.objects.get(edition=ready, purpose="consultation")
    assert consultation.snapshot == snapshot


def test_a_snapshot_already_taken_by_the_step_is_used_not_taken_again(editor, ready):
    from apps.authoring.snapshots import snapshot_take

    taken = snapshot_take(edition=ready, purpose="consultation", actor=editor)
    consultation = open_round(editor, ready)
    assert consultation.snapshot_id == taken.pk
    assert Snapshot.objects.filter(edition=ready, purpose="consultation").count() == 1


def test_opening_with_chosen_recipients_sends_only_to_them(editor, ready):
    chosen = [organisation("uppsala"), Organisation.objects.other_bodies().first()]
    consultation = open_round(editor, ready, recipients=chosen)
    assert consultation.kind == ConsultationKind.REMISS
    assert set(consultation.recipients.all()) == set(chosen)


def _a_saturday_after(weeks: int) -> date:
    day = timezone.localdate() + timedelta(weeks=weeks)
    return day + timedelta(days=(5 - day.weekday()) % 7)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closes_on": ""}, "closes_on", "Ange sista svarsdag."),
        ({"closes_on": "31/12"}, "closes_on", "Ange sista svarsdag."),
        (
            {"closes_on": lambda: timezone.localdate().isoformat()},
            "closes_on",
            "Sista svarsdag måste ligga efter i dag.",
        ),
        (
            {"closes_on": lambda: _a_saturday_after(6).isoformat()},
            "closes_on",
            "Sista svarsdag får inte vara en lördag eller söndag.",
        ),
        (
            {
                "closes_on": lambda: calendar.next_working_day(
                    timezone.localdate() + timedelta(days=10)
                ).isoformat()
            },
            "closes_on",
            "Remisstiden måste vara minst",
        ),
        (
            {"closes_on": lambda: (timezone.localdate() + timedelta(days=400)).isoformat()},
            "closes_on",
            "Sista svarsdag kan ligga högst ett år fram.",
        ),
        (
            {"opens_on": lambda: (timezone.localdate() - timedelta(days=1)).isoformat()},
            "opens_on",
            "Remissen kan inte öppna före i dag.",
        ),
        ({"dates_reason": "  "}, "dates_reason", "Ange varför remissen inte går ut"),
        ({"window": "2020-02-15_2020-04-14"}, "window", "Välj ett av de kommande fönstren"),
        ({"kind": "enkat"}, "kind", "Okänd typ av remiss."),
        ({"recipient_ids": []}, "__all__", "Välj minst en mottagare."),
        (
            {"recipient_ids": lambda: [Organisation.objects.programme_areas().first().pk]},
            "__all__",
            "Bara aktiva regioner och remissinstanser kan få en remiss.",
        ),
        (
            {
                "kind": "synpunktsinhamtning",
                "recipient_ids": lambda: [Organisation.objects.other_bodies().first().pk],
            },
            "organisations",
            "En synpunktsinhämtning går bara till regionerna.",
        ),
    ],
    ids=[
        "no-date",
        "garbage-date",
        "today",
        "saturday",
        "too-short",
        "too-far",
        "opens-yesterday",
        "no-reason",
        "unknown-window",
        "unknown-kind",
        "no-recipients",
        "an-npo",
        "feedback-round-to-a-society",
    ],
)
def test_opening_with_bad_data_says_what_is_wrong_and_changes_nothing(
    editor, ready, changes, field, message
):
    data = round_data()
    data.update({k: v() if callable(v) else v for k, v in changes.items()})
    before = footprint(ready)
    with pytest.raises(ValidationError) as info:
        take(editor, ready, "open_consultation", data=data)
    errors = info.value.message_dict
    assert any(message in m for m in errors.get(field, [])), errors
    assert footprint(ready) == before
    assert Edition.objects.get(pk=ready.pk).state == S.READY_FOR_CONSULTATION


def test_a_closing_day_on_a_weekday_holiday_is_refused_with_its_name(editor, ready):
    today = timezone.localdate()
    holiday = next(
        day
        for day in (today + timedelta(days=n) for n in range(40, 366))
        if day.weekday() < 5 and calendar.holiday_name(day)
    )
    with pytest.raises(ValidationError) as info:
        services.plan_round(round_data(closes_on=holiday))
    expected = f"Sista svarsdag får inte vara en helgdag ({calendar.holiday_name(holiday)})."
    assert expected in info.value.message_dict["closes_on"]


def test_dates_that_are_a_window_need_no_reason_even_when_typed_by_hand(editor, ready):
    window = services.offered_windows(ConsultationKind.REMISS)[0]
    plan = services.plan_round(
        round_data(opens_on=window.opens_on, closes_on=window.closes_on, dates_reason="")
    )
    assert plan.window == window
    assert plan.dates_reason == ""


def test_closing_sets_closed_at_and_moves_the_edition_to_revision(editor, ready):
    open_round(editor, ready)
    moved = take(editor, ready, "close_consultation")
    assert moved.state == S.REVISION
    consultation = Consultation.objects.get(edition=ready)
    assert consultation.closed_at is not None
    assert consultation.closed_by == editor


def test_abandoning_during_consultation_closes_the_round(author, editor, ready):
    open_round(editor, ready)
    moved = take(author, ready, "abandon", comment="Ersätts av ett nytt kunskapsstöd.")
    assert moved.state == S.ABANDONED
    consultation = Consultation.objects.get(edition=ready)
    assert consultation.closed_at is not None
    assert consultation.closed_by == author
    assert not Consultation.objects.open().exists()


def test_one_open_round_per_edition(editor, ready):
    open_round(editor, ready)
    # The workflow does not open a second one: the edition is no longer ready for it.
    assert_refused(editor, ready, "open_consultation", because="Versionen har status")
    # Nor does the database, even for code that bypasses the workflow.
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(edition=ready, kind="remiss", closes_on=manual_closing_day())
    assert Consultation.objects.filter(edition=ready).count() == 1


def test_a_closed_round_does_not_block_a_new_one(editor, ready):
    open_round(editor, ready)
    take(editor, ready, "close_consultation")
    Consultation.objects.create(edition=ready, kind="remiss", closes_on=manual_closing_day())
    assert Consultation.objects.filter(edition=ready).count() == 2
    assert Consultation.objects.filter(edition=ready).open().count() == 1


def test_a_whole_round_through_the_real_workflow(author, editor):
    chair = person("npo_chair", name="Cecilia Ordförande")
    edition = make_complete(helpers.working_edition(helpers.make_support(author)), author)
    take(author, edition, "submit_for_review")
    take(chair, edition, "approve_for_consultation")
    take(editor, edition, "open_consultation")
    take(editor, edition, "close_consultation")
    assert Edition.objects.get(pk=edition.pk).state == S.REVISION
    assert Consultation.objects.get(edition=edition).closed_at is not None
