"""Reminders: the periodic job e-mails the coordinators of recipients that have neither
answered nor declined, at each of REMISS_REMINDER_DAYS days before their own closing date,
once per recipient and reminder; an extension earns new ones; running it twice sends
nothing more."""

from datetime import timedelta

import pytest
from django.core import mail

from apps.core.models import Notification
from apps.core.periodic import JOBS
from apps.remiss import calendar
from apps.remiss.models import Recipient, RecipientStatus, ReminderSent
from apps.remiss.scheduled import send_reminders
from apps.remiss.services import recipient_extend
from tests.authoring.helpers import person
from tests.factories import grant, region
from tests.remiss.helpers import open_round

pytestmark = pytest.mark.django_db

CODES = ("skane", "uppsala", "gotland", "halland")


@pytest.fixture(autouse=True)
def _reminder_days(settings):
    settings.REMISS_REMINDER_DAYS = (7, 2)


@pytest.fixture
def editor(db):
    return person("national_editor", name="Nora Redaktör")


@pytest.fixture
def coordinators(db):
    return {code: grant(person(), "remiss_coordinator", region(code)) for code in CODES}


@pytest.fixture
def consultation(editor, coordinators):
    return open_round(editor, recipients=[region(code) for code in CODES])


def reminded() -> list[str]:
    """Which regions' coordinators got a reminder (by the region the message names), in the
    order sent."""
    names = {region(code).name: code for code in CODES}
    titles = Notification.objects.filter(kind="remiss.reminder").order_by("pk")
    return [
        next(code for name, code in names.items() if f"{name} har inte svarat" in title)
        for title in titles.values_list("title", flat=True)
    ]


def run(day, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return send_reminders(today=day)


def test_reminders_go_at_7_and_2_days_before_the_closing_date_once_each(
    consultation, django_capture_on_commit_callbacks
):
    closes_on = consultation.closes_on
    mail.outbox.clear()
    run(closes_on - timedelta(days=8), django_capture_on_commit_callbacks)
    assert reminded() == []

    run(closes_on - timedelta(days=7), django_capture_on_commit_callbacks)
    assert sorted(reminded()) == sorted(CODES)
    run(closes_on - timedelta(days=6), django_capture_on_commit_callbacks)
    run(closes_on - timedelta(days=3), django_capture_on_commit_callbacks)
    assert len(reminded()) == 4

    run(closes_on - timedelta(days=2), django_capture_on_commit_callbacks)
    assert len(reminded()) == 8
    run(closes_on, django_capture_on_commit_callbacks)
    assert len(reminded()) == 8
    assert len([m for m in mail.outbox if m.subject.startswith("Påminnelse")]) == 8
    subject = next(m.subject for m in mail.outbox if "Region Skåne" in m.subject)
    assert "Region Skåne har inte svarat" in subject


def test_running_twice_on_the_same_day_sends_nothing_more(
    consultation, django_capture_on_commit_callbacks
):
    day = consultation.closes_on - timedelta(days=7)
    run(day, django_capture_on_commit_callbacks)
    run(day, django_capture_on_commit_callbacks)
    assert len(reminded()) == 4
    assert ReminderSent.objects.count() == 4


def test_recipients_that_submitted_or_declined_are_not_reminded(
    consultation, django_capture_on_commit_callbacks
):
    Recipient.objects.filter(consultation=consultation, organisation__code="skane").update(
        status=RecipientStatus.SUBMITTED
    )
    Recipient.objects.filter(consultation=consultation, organisation__code="uppsala").update(
        status=RecipientStatus.DECLINED
    )
    Recipient.objects.filter(consultation=consultation, organisation__code="gotland").update(
        status=RecipientStatus.DRAFTING
    )
    run(consultation.closes_on - timedelta(days=7), django_capture_on_commit_callbacks)
    assert sorted(reminded()) == ["gotland", "halland"]


def test_an_extension_earns_new_reminders_before_the_new_date(
    editor, consultation, django_capture_on_commit_callbacks
):
    closes_on = consultation.closes_on
    run(closes_on - timedelta(days=2), django_capture_on_commit_callbacks)
    assert len(reminded()) == 4
    skane = Recipient.objects.get(consultation=consultation, organisation__code="skane")
    until = calendar.next_working_day(closes_on + timedelta(days=14))
    recipient_extend(actor=editor, recipient=skane, until=until, reason="Nämndmöte.")

    # Before its old date Skåne gets nothing more: its date is now `until`.
    run(closes_on - timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(reminded()) == 4
    run(until - timedelta(days=7), django_capture_on_commit_callbacks)
    run(until - timedelta(days=2), django_capture_on_commit_callbacks)
    run(until - timedelta(days=2), django_capture_on_commit_callbacks)
    assert reminded()[4:] == ["skane", "skane"]


def test_a_missed_run_catches_up_with_the_most_pressing_reminder_only(
    consultation, django_capture_on_commit_callbacks
):
    run(consultation.closes_on - timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(reminded()) == 4
    assert set(ReminderSent.objects.values_list("days_before", flat=True)) == {7, 2}
    run(consultation.closes_on, django_capture_on_commit_callbacks)
    assert len(reminded()) == 4


def test_a_round_that_has_not_opened_or_has_closed_reminds_no_one(
    editor, coordinators, django_capture_on_commit_callbacks
):
    from apps.remiss import services
    from tests.authoring.helpers import take

    window = services.offered_windows("remiss")[0]
    later = open_round(editor, recipients=[region("skane")], window=window)
    run(window.opens_on - timedelta(days=1), django_capture_on_commit_callbacks)
    closed = open_round(editor, recipients=[region("uppsala")])
    take(editor, closed.edition, "close_consultation")
    run(closed.closes_on - timedelta(days=2), django_capture_on_commit_callbacks)
    assert reminded() == []
    assert later.pk


def test_the_reminders_are_a_registered_job():
    assert send_reminders in [job for _name, job in JOBS]
