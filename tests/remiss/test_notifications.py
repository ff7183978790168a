"""Opening a consultation tells the remiss coordinators and reviewers of each receiving
organisation, who act next: in the tool and by e-mail, naming the organisation, the support
and the closing date in words, with a link to their answer. People of organisations left out
hear nothing; a round that opens in a later window is announced on its opening day, once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from apps.core.models import Notification
from apps.remiss import scheduled, services
from apps.remiss.models import Consultation
from tests.authoring.helpers import person
from tests.factories import grant, region
from tests.remiss.helpers import manual_closing_day, open_round, ready_edition

pytestmark = pytest.mark.django_db


def _in_words(day):
    same_year = day.year == timezone.localdate().year
    return date_format(day, "j F" if same_year else "j F Y")


def test_opening_a_remiss_tells_the_coordinators_and_reviewers_of_the_chosen_regions_only(
    django_capture_on_commit_callbacks,
):
    skane = region("skane")
    coordinator = grant(person(), "remiss_coordinator", skane)
    reviewer = grant(person(), "remiss_reviewer", skane)
    uppsala_coordinator = grant(person(), "remiss_coordinator", region("uppsala"))
    edition = ready_edition()
    closes_on = manual_closing_day()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        consultation = open_round(
            edition=edition, recipients=[skane], closes_on=closes_on, cover_letter="Välkomna!"
        )

    notified = Notification.objects.filter(kind="remiss.opened")
    assert set(notified.values_list("recipient", flat=True)) == {coordinator.pk, reviewer.pk}
    expected = (
        f"Region Skåne har fått {edition.support.code} 1.0 på remiss. "
        f"Sista svarsdag {_in_words(closes_on)}."
    )
    assert {n.title for n in notified} == {expected}
    note = notified.first()
    assert note.url == f"/remiss/{consultation.pk}/svar/{skane.pk}/"
    assert note.url == services.answer_url(consultation, skane)
    assert "Välkomna!" in note.body
    assert sorted(m.to[0] for m in mail.outbox if m.subject == expected) == sorted(
        [coordinator.email, reviewer.email]
    )
    assert not Notification.objects.filter(recipient=uppsala_coordinator).exists()


def test_a_round_in_a_later_window_is_announced_on_its_opening_day_once(
    django_capture_on_commit_callbacks,
):
    coordinator = grant(person(), "remiss_coordinator", region("skane"))
    window = services.offered_windows("remiss")[0]
    consultation = open_round(window=window, recipients=[region("skane")])
    assert window.opens_on > timezone.localdate()
    assert not Notification.objects.filter(kind="remiss.opened").exists()

    scheduled.announce_opening_consultations(today=window.opens_on - timedelta(days=1))
    assert not Notification.objects.filter(kind="remiss.opened").exists()

    with django_capture_on_commit_callbacks(execute=True):
        scheduled.announce_opening_consultations(today=window.opens_on)
        scheduled.announce_opening_consultations(today=window.opens_on)
    assert list(
        Notification.objects.filter(kind="remiss.opened").values_list("recipient", flat=True)
    ) == [coordinator.pk]
    assert Consultation.objects.get(pk=consultation.pk).announced_at is not None
