"""An extension: the national editor gives one recipient a later closing date, a working day
after the round's, with a reason; recorded, shown in the grid, and told to the recipient."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditEntry, Notification
from apps.remiss import calendar
from apps.remiss.models import Recipient, RecipientStatus
from apps.remiss.services import recipient_extend
from tests.authoring.helpers import person, take
from tests.factories import grant, region
from tests.remiss.helpers import open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return person("national_editor", name="Nora Redaktör")


@pytest.fixture
def consultation(editor):
    return open_round(editor, recipients=[region("skane"), region("uppsala")])


@pytest.fixture
def skane(consultation):
    return Recipient.objects.get(consultation=consultation, organisation__code="skane")


def later_working_day(consultation, days=10):
    return calendar.next_working_day(consultation.closes_on + timedelta(days=days))


def extend_url(recipient) -> str:
    return reverse("remiss:recipient_extend", args=[recipient.consultation_id, recipient.pk])


def recipient_state(recipient):
    row = Recipient.objects.get(pk=recipient.pk)
    return (row.extended_until, row.extension_reason, row.extended_by_id)


def test_an_extension_is_recorded_audited_and_told_to_the_recipient(
    editor, consultation, skane, django_capture_on_commit_callbacks
):
    coordinator = grant(person(), "remiss_coordinator", region("skane"))
    reviewer = grant(person(), "remiss_reviewer", region("skane"))
    until = later_working_day(consultation)
    with django_capture_on_commit_callbacks(execute=True):
        extended = recipient_extend(
            actor=editor, recipient=skane, until=until, reason="Regionfullmäktige den 20:e."
        )
    assert extended.closes_on == until
    assert recipient_state(skane) == (until, "Regionfullmäktige den 20:e.", editor.pk)
    entry = AuditEntry.objects.get(action="recipient.extended")
    assert entry.details["to"] == until.isoformat()
    assert entry.details["reason"] == "Regionfullmäktige den 20:e."
    told = Notification.objects.filter(kind="remiss.extended")
    assert set(told.values_list("recipient", flat=True)) == {coordinator.pk, reviewer.pk}
    assert "Region Skåne har fått längre tid" in told.first().title
    assert "Regionfullmäktige den 20:e." in told.first().body


def _saturday_after(day):
    return day + timedelta(days=(5 - day.weekday()) % 7 or 7)


@pytest.mark.parametrize(
    ("until", "reason", "field", "message"),
    [
        (lambda c: c.closes_on, "Skäl.", "until", "måste ligga efter remissens sista svarsdag"),
        (
            lambda c: c.closes_on - timedelta(days=3),
            "Skäl.",
            "until",
            "måste ligga efter remissens sista svarsdag",
        ),
        (lambda c: _saturday_after(c.closes_on), "Skäl.", "until", "lördag eller söndag"),
        (lambda c: c.closes_on + timedelta(days=400), "Skäl.", "until", "högst ett år"),
        (lambda c: None, "Skäl.", "until", "Ange det nya sista svarsdatumet."),
        (later_working_day, "   ", "reason", "Ange skälet till förlängningen."),
    ],
    ids=["same-day", "earlier", "saturday", "too-far", "no-date", "no-reason"],
)
def test_bad_extensions_are_refused_with_a_reason_and_change_nothing(
    editor, consultation, skane, until, reason, field, message
):
    with pytest.raises(ValidationError) as info:
        recipient_extend(actor=editor, recipient=skane, until=until(consultation), reason=reason)
    assert any(message in m for m in info.value.message_dict[field])
    assert recipient_state(skane) == (None, "", None)
    assert not AuditEntry.objects.filter(action="recipient.extended").exists()


def test_a_recipient_that_has_answered_gets_no_extension(editor, consultation, skane):
    Recipient.objects.filter(pk=skane.pk).update(status=RecipientStatus.SUBMITTED)
    with pytest.raises(ValidationError) as info:
        recipient_extend(
            actor=editor, recipient=skane, until=later_working_day(consultation), reason="Skäl."
        )
    assert "har redan svarat" in " ".join(info.value.messages)


def test_a_closed_round_gets_no_extension(editor, consultation, skane):
    take(editor, consultation.edition, "close_consultation")
    with pytest.raises(ValidationError) as info:
        recipient_extend(
            actor=editor, recipient=skane, until=later_working_day(consultation), reason="Skäl."
        )
    assert "Remissen är stängd" in " ".join(info.value.messages)


@pytest.mark.parametrize("role", ["author", "npo_chair", "administrator", "remiss_coordinator"])
def test_only_a_national_editor_extends(consultation, skane, role):
    with pytest.raises(PermissionDenied):
        recipient_extend(
            actor=person(role),
            recipient=skane,
            until=later_working_day(consultation),
            reason="Skäl.",
        )
    assert recipient_state(skane) == (None, "", None)


def test_an_extension_through_the_page_shows_in_the_grid(editor, consultation, skane, client_for):
    client = client_for(editor)
    assert client.get(extend_url(skane)).status_code == 200
    until = later_working_day(consultation)
    response = client.post(
        extend_url(skane), {"until": until.isoformat(), "reason": "Sjukdom hos samordnaren."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("remiss:round", args=[consultation.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Sjukdom hos samordnaren." in html
    assert f"Förlängd till {until.day}" in html


def test_a_bad_extension_through_the_page_is_400_beside_the_field(
    editor, consultation, skane, client_for
):
    response = client_for(editor).post(
        extend_url(skane), {"until": consultation.closes_on.isoformat(), "reason": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason_error"' in html
    assert "Ange skälet till förlängningen." in html
    assert recipient_state(skane) == (None, "", None)


def test_the_page_with_a_date_after_the_round_but_no_reason_is_400(
    editor, consultation, skane, client_for
):
    response = client_for(editor).post(
        extend_url(skane), {"until": later_working_day(consultation).isoformat(), "reason": ""}
    )
    assert response.status_code == 400
    assert recipient_state(skane) == (None, "", None)


def test_a_reader_who_may_not_extend_gets_403_and_a_stranger_404(consultation, skane, client_for):
    author = person("author")
    assert client_for(author).get(extend_url(skane)).status_code == 403
    assert (
        client_for(author)
        .post(extend_url(skane), {"until": "2099-01-05", "reason": "Skäl."})
        .status_code
        == 403
    )
    assert client_for(person()).get(extend_url(skane)).status_code == 404
    assert recipient_state(skane) == (None, "", None)


def test_a_recipient_of_another_round_is_404(editor, consultation, client_for):
    other = open_round(editor, recipients=[region("skane")])
    stranger = Recipient.objects.get(consultation=other)
    url = reverse("remiss:recipient_extend", args=[consultation.pk, stranger.pk])
    assert client_for(editor).get(url).status_code == 404


def test_the_extension_keeps_the_round_open_past_its_closing_date(editor, consultation, skane):
    from apps.authoring.models import Edition
    from apps.remiss.models import Consultation
    from apps.remiss.scheduled import close_due_consultations

    recipient_extend(
        actor=editor, recipient=skane, until=later_working_day(consultation), reason="Skäl."
    )
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    close_due_consultations()
    assert Edition.objects.get(pk=consultation.edition_id).state == "in_consultation"
    Recipient.objects.filter(pk=skane.pk).update(status=RecipientStatus.SUBMITTED)
    close_due_consultations()
    assert Edition.objects.get(pk=consultation.edition_id).state == "revision"


def test_an_empty_extension_form_is_400_with_both_messages(editor, skane, client_for):
    response = client_for(editor).post(extend_url(skane), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ange det nya sista svarsdatumet." in html
    assert "Ange skälet till förlängningen." in html
