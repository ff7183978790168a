"""`manage.py run_scheduled`, the periodic work for cron: it publishes approved editions
whose planned time has passed and closes consultations after their last day to answer,
and a second run changes nothing more."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.authoring import workflow
from apps.authoring.models import Edition, EditionTransition, Support
from apps.authoring.workflow_states import EditionState as S
from apps.core.models import AuditEntry, Notification
from apps.remiss.models import Consultation
from tests.authoring import helpers
from tests.authoring.helpers import move_to, person, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return person("author", name="Astrid Författare")


@pytest.fixture
def editor(db):
    return person("national_editor", name="Nora Redaktör")


def new_edition(author, title):
    return helpers.working_edition(helpers.make_support(author, title=title))


def approved_due_in(author, title, delta):
    """An approved edition planned for now + delta (past times cannot be chosen in the
    tool, so the time is set directly)."""
    edition = move_to(new_edition(author, title), S.APPROVED)
    Edition.objects.filter(pk=edition.pk).update(scheduled_publish_at=timezone.now() + delta)
    return Edition.objects.get(pk=edition.pk)


def in_consultation_closing(author, editor, title, closes_on):
    edition = move_to(new_edition(author, title), S.READY_FOR_CONSULTATION)
    take(editor, edition, "open_consultation")
    Consultation.objects.filter(edition=edition).update(closes_on=closes_on)
    return Edition.objects.get(pk=edition.pk)


def counts():
    return (
        EditionTransition.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
        list(Edition.objects.order_by("pk").values_list("pk", "state", "lock_version")),
        list(Consultation.objects.order_by("pk").values_list("pk", "closed_at")),
    )


def run() -> str:
    out = StringIO()
    call_command("run_scheduled", stdout=out)
    return out.getvalue()


def test_publishes_approved_editions_whose_time_has_passed_and_not_the_others(author):
    due = approved_due_in(author, "Hjärtsvikt – behandling", -timedelta(minutes=5))
    future = approved_due_in(author, "Förmaksflimmer", timedelta(days=1))
    unplanned = move_to(new_edition(author, "Hypertoni"), S.APPROVED)

    output = run()

    assert "Publicera planerade versioner: 1 publicerade" in output
    due.refresh_from_db()
    assert due.state == S.PUBLISHED
    assert due.published_at is not None
    assert due.scheduled_publish_at is None
    assert Support.objects.get(pk=due.support_id).current_published_edition == due
    record = EditionTransition.objects.get(edition=due, name="publish")
    assert record.actor is None
    assert record.comment == "Publicerad enligt plan."
    assert Edition.objects.get(pk=future.pk).state == S.APPROVED
    assert Edition.objects.get(pk=unplanned.pk).state == S.APPROVED


def test_closes_consultations_after_their_last_day(author, editor):
    today = timezone.localdate()
    past = in_consultation_closing(author, editor, "Hjärtsvikt", today - timedelta(days=1))
    last_day = in_consultation_closing(author, editor, "Förmaksflimmer", today)
    later = in_consultation_closing(author, editor, "Hypertoni", today + timedelta(days=7))

    output = run()

    assert "Stäng remisser efter sista svarsdag: 1 stängda" in output
    assert Edition.objects.get(pk=past.pk).state == S.REVISION
    consultation = Consultation.objects.get(edition=past)
    assert consultation.closed_at is not None
    assert consultation.closed_by is None
    record = EditionTransition.objects.get(edition=past, name="close_consultation")
    assert record.actor is None
    assert record.to_state == S.REVISION
    # The last day to answer is still a day to answer.
    assert Edition.objects.get(pk=last_day.pk).state == S.IN_CONSULTATION
    assert Edition.objects.get(pk=later.pk).state == S.IN_CONSULTATION
    assert Consultation.objects.open().count() == 2


def test_running_twice_changes_nothing_more(author, editor):
    approved_due_in(author, "Hjärtsvikt", -timedelta(hours=1))
    in_consultation_closing(
        author, editor, "Förmaksflimmer", timezone.localdate() - timedelta(days=2)
    )

    run()
    after_first = counts()
    output = run()

    assert counts() == after_first
    assert "0 publicerade" in output
    assert "0 stängda" in output
    assert Edition.objects.filter(state=S.PUBLISHED).count() == 1
    assert Edition.objects.filter(state=S.REVISION).count() == 1


def test_nothing_due_changes_nothing(author):
    approved_due_in(author, "Hjärtsvikt", timedelta(hours=1))
    before = counts()
    run()
    assert counts() == before


def test_a_planned_publication_does_not_survive_a_return_to_the_authors(author, editor):
    """Bug (see test_workflow): after a return and a new approval, the old planned time
    still publishes the edition although nobody chose to publish it again."""
    edition = move_to(new_edition(author, "Hjärtsvikt"), S.APPROVED)
    workflow.edition_schedule_publication(
        actor=editor,
        edition=edition,
        lock_version=edition.lock_version,
        publish_at=timezone.now() + timedelta(hours=1),
    )
    take(editor, edition, "return_from_editorial_review", comment="Referens saknas.")
    edition = move_to(edition, S.APPROVED)  # reworked and approved again (steps shortened)
    # The old planned time passes before anyone has chosen to publish the new approval.
    Edition.objects.filter(pk=edition.pk, scheduled_publish_at__isnull=False).update(
        scheduled_publish_at=timezone.now() - timedelta(minutes=1)
    )

    run()

    assert Edition.objects.get(pk=edition.pk).state == S.APPROVED
