"""Opening a round from the edition's step page: the coming windows of each kind offered,
dates set by hand with a reason, the recipients, the cover letter and the national impact
statement. Every bad input answers 400 with the message beside its field, and opens nothing."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.authoring.models import Edition
from apps.authoring.workflow_states import EditionState as S
from apps.remiss import services
from apps.remiss.models import Consultation, ConsultationKind
from tests.authoring.helpers import footprint, person
from tests.remiss.helpers import manual_closing_day, ready_edition, regions

pytestmark = pytest.mark.django_db


def pdf(name="konsekvenser.pdf", size=2000) -> SimpleUploadedFile:
    body = b"%PDF-1.7\n" + b"0" * max(0, size - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx(name="konsekvenser.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def renamed_executable() -> SimpleUploadedFile:
    return SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00\x03" + b"\x00" * 500, "application/pdf")


@pytest.fixture
def editor(db):
    return person("national_editor", name="Nora Redaktör")


@pytest.fixture
def ready(db):
    return ready_edition()


def step_url(edition) -> str:
    return reverse(
        "authoring:edition_step",
        kwargs={
            "code": edition.support.code,
            "major": edition.major,
            "minor": edition.minor,
            "name": "open_consultation",
        },
    )


def manual(**extra) -> dict:
    return {
        "window": services.MANUAL,
        "opens_on": "",
        "closes_on": manual_closing_day().isoformat(),
        "dates_reason": "Brådskande säkerhetsinformation.",
        **extra,
    }


def post(client, edition, **fields):
    data = {
        "lock_version": Edition.objects.get(pk=edition.pk).lock_version,
        "kind": ConsultationKind.REMISS,
        "regions": [o.pk for o in regions()],
        **fields,
    }
    return client.post(step_url(edition), data)


def field_error(response, field: str) -> str:
    match = re.search(
        rf'<div class="field-errors" id="id_{field}_error">(.*?)</div>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no error beside {field}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_the_page_offers_the_coming_windows_of_both_kinds_and_egna_datum(editor, ready, client_for):
    response = client_for(editor).get(step_url(ready))
    assert response.status_code == 200
    html = response.content.decode()
    offered = set(re.findall(r'<input[^>]*name="window"[^>]*value="([^"]+)"', html))
    remiss = services.offered_windows(ConsultationKind.REMISS)
    feedback = services.offered_windows(ConsultationKind.FEEDBACK_ROUND)
    assert len(remiss) == 4
    assert len(feedback) == 8
    assert offered == {w.key for w in remiss + feedback} | {services.MANUAL}
    # The next remiss window is chosen already; the form can send a file.
    checked = re.search(r'<input[^>]*name="window"[^>]*value="([^"]+)"[^>]*checked', html)
    assert checked.group(1) == remiss[0].key
    assert 'enctype="multipart/form-data"' in html
    assert str(remiss[0]) in html


def test_opening_in_a_window_through_the_page(editor, ready, client_for):
    window = services.offered_windows(ConsultationKind.REMISS)[0]
    response = post(client_for(editor), ready, window=window.key, cover_letter="Hej regioner!")
    assert response.status_code == 302
    consultation = Consultation.objects.get(edition=ready)
    assert (consultation.opens_on, consultation.closes_on) == (window.opens_on, window.closes_on)
    assert consultation.cover_letter == "Hej regioner!"
    assert consultation.recipients.count() == 21
    assert Edition.objects.get(pk=ready.pk).state == S.IN_CONSULTATION


def test_opening_a_feedback_round_on_dates_set_by_hand(editor, ready, client_for):
    response = post(client_for(editor), ready, kind=ConsultationKind.FEEDBACK_ROUND, **manual())
    assert response.status_code == 302
    consultation = Consultation.objects.get(edition=ready)
    assert consultation.kind == ConsultationKind.FEEDBACK_ROUND
    assert consultation.opens_on == timezone.localdate()
    assert consultation.closes_on == manual_closing_day()
    assert consultation.dates_reason == "Brådskande säkerhetsinformation."


def _saturday():
    day = timezone.localdate() + timedelta(weeks=6)
    return (day + timedelta(days=(5 - day.weekday()) % 7)).isoformat()


def _feedback_window():
    return services.offered_windows(ConsultationKind.FEEDBACK_ROUND)[0].key


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"window": ""}, "window", "Välj när remissen ska gå ut."),
        ({"window": "2020-02-15_2020-04-14"}, "window", "Välj ett giltigt alternativ"),
        (
            {"window": _feedback_window},
            "window",
            "Välj ett av de kommande fönstren för remiss",
        ),
        (
            {"window": lambda: services.next_window().key, "closes_on": manual_closing_day},
            "window",
            "Välj ”Egna datum” för att använda datumen",
        ),
        ({**manual(), "closes_on": ""}, "closes_on", "Ange sista svarsdag."),
        ({**manual(), "closes_on": "imorgon"}, "closes_on", "Fyll i ett giltigt datum."),
        ({**manual(), "closes_on": _saturday}, "closes_on", "får inte vara en lördag"),
        (
            {**manual(), "opens_on": lambda: timezone.localdate() - timedelta(days=2)},
            "opens_on",
            "Remissen kan inte öppna före i dag.",
        ),
        (
            {
                **manual(),
                "closes_on": lambda: services.calendar.next_working_day(
                    timezone.localdate() + timedelta(days=8)
                ),
            },
            "closes_on",
            "Remisstiden måste vara minst",
        ),
        ({**manual(), "dates_reason": ""}, "dates_reason", "Ange varför"),
        ({"kind": "enkat"}, "kind", "Välj ett giltigt alternativ"),
        (
            {
                **manual(),
                "kind": ConsultationKind.FEEDBACK_ROUND,
                "organisations": lambda: [Organisation.objects.other_bodies().first().pk],
            },
            "organisations",
            "En synpunktsinhämtning går bara till regionerna.",
        ),
    ],
    ids=[
        "no-window",
        "window-not-offered",
        "window-of-the-other-kind",
        "dates-without-egna-datum",
        "manual-without-closing-day",
        "garbage-date",
        "closing-on-a-saturday",
        "opening-in-the-past",
        "too-short",
        "no-reason",
        "unknown-kind",
        "feedback-round-to-a-society",
    ],
)
def test_bad_input_is_400_beside_the_field_and_opens_nothing(
    editor, ready, client_for, fields, field, message
):
    before = footprint(ready)
    resolved = {k: v() if callable(v) else v for k, v in fields.items()}
    resolved = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in resolved.items()}
    response = post(client_for(editor), ready, **resolved)
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert footprint(ready) == before
    assert not Consultation.objects.exists()


def test_no_recipients_is_400_with_the_message_on_top(editor, ready, client_for):
    before = footprint(ready)
    response = post(client_for(editor), ready, regions=[], **manual())
    assert response.status_code == 400
    assert "Välj minst en mottagare." in response.content.decode()
    assert footprint(ready) == before


# ---------------------------------------------------------------- the impact statement


@pytest.mark.parametrize(("upload", "kind"), [(pdf, "pdf"), (docx, "docx")], ids=["pdf", "docx"])
def test_a_pdf_or_docx_impact_statement_is_stored_under_a_random_name(
    editor, ready, client_for, upload, kind
):
    response = post(client_for(editor), ready, impact_statement=upload(), **manual())
    assert response.status_code == 302
    consultation = Consultation.objects.get(edition=ready)
    assert consultation.impact_statement_name == f"konsekvenser.{kind}"
    stored = consultation.impact_statement.name
    assert re.fullmatch(rf"remiss/[0-9a-f]{{32}}\.{kind}", stored)
    assert "konsekvenser" not in stored


def test_a_renamed_executable_is_refused_beside_the_field(editor, ready, client_for):
    response = post(client_for(editor), ready, impact_statement=renamed_executable(), **manual())
    assert response.status_code == 400
    assert "Bara PDF- och Word-dokument (DOCX)" in field_error(response, "impact_statement")
    assert not Consultation.objects.exists()


def test_an_empty_file_is_refused_beside_the_field(editor, ready, client_for):
    empty = SimpleUploadedFile("tom.pdf", b"", "application/pdf")
    response = post(client_for(editor), ready, impact_statement=empty, **manual())
    assert response.status_code == 400
    assert "Filen är tom." in field_error(response, "impact_statement")
    assert not Consultation.objects.exists()


def test_a_file_over_the_limit_is_refused_beside_the_field(editor, ready, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    response = post(
        client_for(editor), ready, impact_statement=pdf(size=1024 * 1024 + 1), **manual()
    )
    assert response.status_code == 400
    assert "Filen är större än 1 MB." in field_error(response, "impact_statement")
    assert not Consultation.objects.exists()


def test_the_step_refuses_a_bad_file_even_without_the_form(editor, ready):
    from django.core.exceptions import ValidationError

    from tests.authoring.helpers import take
    from tests.remiss.helpers import round_data

    before = footprint(ready)
    with pytest.raises(ValidationError) as info:
        take(
            editor,
            ready,
            "open_consultation",
            data=round_data(impact_statement=renamed_executable()),
        )
    assert "impact_statement" in info.value.message_dict
    assert footprint(ready) == before


def test_the_form_loads_its_script_deferred_and_marks_each_window_with_its_kind(
    editor, ready, client_for
):
    html = client_for(editor).get(step_url(ready)).content.decode()

    assert re.search(r'<script src="/static/js/remiss-open\.js" defer>', html)
    for kind in ConsultationKind.values:
        for window in services.offered_windows(kind):
            assert re.search(
                rf'<input type="radio" name="window" value="{window.key}"[^>]*'
                rf'data-window-kind="{kind}"',
                html,
            ), window
    assert re.search(r'value="egna"[^>]*data-window-kind="manual"', html)
    # Without the script everything is there to fill in: no field starts hidden.
    for name in ("opens_on", "closes_on", "dates_reason", "organisations"):
        assert f'name="{name}"' in html
    assert " hidden" not in html.split("<form", 1)[1].split("</form>", 1)[0]


def test_other_steps_load_no_remiss_script(editor, ready, client_for):
    url = step_url(ready).replace("open_consultation", "return_before_consultation")
    assert "remiss-open.js" not in client_for(editor).get(url).content.decode()
