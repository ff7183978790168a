"""The round page /remiss/<pk>/: kind, dates, days left, what went out (cover letter and the
impact statement as a download), the 21 regions as a grid by healthcare region with each
one's status and extension, the other organisations as a list; readable by whoever may read
the edition, in a constant number of queries."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from apps.accounts.models import Organisation
from apps.remiss.models import Recipient, RecipientStatus
from apps.remiss.selectors import days_left_text, recipient_status
from tests.authoring.helpers import person
from tests.factories import grant, region
from tests.remiss.helpers import manual_closing_day, open_round

pytestmark = pytest.mark.django_db


def round_url(consultation) -> str:
    return reverse("remiss:round", args=[consultation.pk])


def download_url(consultation) -> str:
    return reverse("remiss:impact_statement", args=[consultation.pk])


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("Konsekvenser för regionerna.pdf", b"%PDF-1.7\n" + b"1" * 400)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def set_status(consultation, code: str, status: str) -> None:
    Recipient.objects.filter(consultation=consultation, organisation__code=code).update(
        status=status
    )


@pytest.fixture
def editor(db):
    return person("national_editor", name="Nora Redaktör")


@pytest.fixture
def consultation(editor):
    others = list(Organisation.objects.other_bodies()[:2])
    return open_round(
        editor,
        recipients=[*Organisation.objects.regions().active(), *others],
        cover_letter="Vi vill särskilt ha synpunkter på doseringen.",
        impact_statement=pdf(),
    )


def test_the_round_page_shows_dates_days_left_and_what_went_out(editor, consultation, client_for):
    response = client_for(editor).get(round_url(consultation))
    assert response.status_code == 200
    text = text_of(response)
    left = (consultation.closes_on - timezone.localdate()).days
    assert f"{left} dagar kvar" in text
    assert date_format(consultation.closes_on, "j F Y") in text
    assert "Remiss" in text
    assert "Vi vill särskilt ha synpunkter på doseringen." in text
    assert download_url(consultation) in response.content.decode()
    assert "Brådskande" not in text and "Testomgång med egna datum." in text


def test_the_grid_groups_the_21_regions_by_healthcare_region_with_their_status(
    editor, consultation, client_for
):
    set_status(consultation, "skane", RecipientStatus.SUBMITTED)
    set_status(consultation, "uppsala", RecipientStatus.DRAFTING)
    set_status(consultation, "gotland", RecipientStatus.DECLINED)
    html = client_for(editor).get(round_url(consultation)).content.decode()
    groups = re.findall(r'<section class="recipient-group"[^>]*>\s*<h4[^>]*>([^<]+)</h4>', html)
    assert len(groups) == 6
    assert "Södra sjukvårdsregionen" in groups
    south = html.split("Södra sjukvårdsregionen", 1)[1].split("</section>", 1)[0]
    assert "Region Skåne" in south and "Har svarat" in south
    assert len(re.findall(r'class="recipient recipient--', html)) == 21 + 2
    assert 'recipient--drafting">\n  <span class="recipient__name">Region Uppsala' in html
    assert 'recipient--declined">\n  <span class="recipient__name">Region Gotland' in html
    others = html.split("Andra organisationer", 1)[1]
    for organisation in Organisation.objects.other_bodies()[:2]:
        assert organisation.name in others


def test_a_region_silent_after_its_closing_date_is_late_unless_extended(editor, client_for):
    consultation = open_round(editor, closes_on=timezone.localdate() - timedelta(days=1))
    Recipient.objects.filter(consultation=consultation, organisation__code="skane").update(
        extended_until=timezone.localdate() + timedelta(days=5),
        extension_reason="Nämndsammanträde först den 10:e.",
    )
    rows = {
        r.organisation.code: recipient_status(r)
        for r in Recipient.objects.filter(consultation=consultation).select_related(
            "organisation", "consultation"
        )
    }
    assert rows["uppsala"] == RecipientStatus.LATE
    assert rows["skane"] == RecipientStatus.INVITED
    text = text_of(client_for(editor).get(round_url(consultation)))
    assert "Sen" in text
    assert "Nämndsammanträde först den 10:e." in text
    assert f"Stängd {date_format(consultation.closes_on, 'j F')}" in text


def test_days_left_are_said_in_words():
    today = timezone.localdate()
    assert days_left_text(today + timedelta(days=12), today) == "12 dagar kvar"
    assert days_left_text(today + timedelta(days=1), today) == "1 dag kvar"
    assert days_left_text(today, today) == "Sista dagen i dag"
    yesterday = today - timedelta(days=1)
    assert days_left_text(yesterday, today).startswith("Stängd ")


def _queries(client, consultation) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(round_url(consultation)).status_code == 200
    return len(queries)


def test_the_round_page_runs_as_many_queries_for_23_recipients_as_for_one(editor, client_for):
    client = client_for(editor)
    small = open_round(editor, recipients=[region("skane")])
    every = open_round(
        editor,
        recipients=[
            *Organisation.objects.regions().active(),
            *Organisation.objects.other_bodies()[:2],
        ],
    )
    Recipient.objects.filter(consultation=every).update(
        extended_until=every.closes_on + timedelta(days=7), extended_by=editor
    )
    _queries(client, small)  # warm the caches of the session and the content types
    assert _queries(client, every) == _queries(client, small)


@pytest.mark.parametrize("role", ["author", "npo_chair", "national_editor", "administrator"])
def test_the_people_of_the_edition_read_the_round_page(consultation, client_for, role):
    assert client_for(person(role)).get(round_url(consultation)).status_code == 200


def test_a_recipients_coordinator_reads_the_round_page_from_the_opening_day(client_for, editor):
    coordinator = grant(person(), "remiss_coordinator", region("skane"))
    reviewer = grant(person(), "remiss_reviewer", region("skane"))
    opened = open_round(editor, recipients=[region("skane")])
    assert client_for(coordinator).get(round_url(opened)).status_code == 200
    assert client_for(reviewer).get(round_url(opened)).status_code == 200


def test_a_round_in_a_later_window_is_not_there_for_its_recipients_yet(client_for, editor):
    from apps.remiss import services

    coordinator = grant(person(), "remiss_coordinator", region("skane"))
    later = open_round(
        editor, recipients=[region("skane")], window=services.offered_windows("remiss")[0]
    )
    assert client_for(coordinator).get(round_url(later)).status_code == 404
    assert client_for(editor).get(round_url(later)).status_code == 200


@pytest.mark.parametrize(
    "who",
    ["no-role", "other-region-coordinator", "author-of-another-npo"],
)
def test_people_who_may_not_read_the_edition_get_404_on_the_page_and_the_download(
    consultation, client_for, who
):
    from tests.factories import npo

    if who == "no-role":
        user = person()
    elif who == "other-region-coordinator":
        user = person()
        Recipient.objects.filter(consultation=consultation, organisation__code="skane").delete()
        grant(user, "remiss_coordinator", region("skane"))
    else:
        user = grant(person(), "author", npo("cancersjukdomar"))
    client = client_for(user)
    assert client.get(round_url(consultation)).status_code == 404
    assert client.get(download_url(consultation)).status_code == 404


def test_a_guessed_round_is_404(editor, client_for):
    assert client_for(editor).get(reverse("remiss:round", args=[999999])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(consultation, client):
    response = client.get(round_url(consultation))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "logga-in" in response["Location"]


def test_the_impact_statement_downloads_as_an_attachment_that_may_not_be_sniffed(
    consultation, client_for
):
    coordinator = grant(person(), "remiss_coordinator", region("skane"))
    response = client_for(coordinator).get(download_url(consultation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "Konsekvenser" in disposition and ".pdf" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_round_without_an_impact_statement_has_no_download(editor, client_for):
    bare = open_round(editor, closes_on=manual_closing_day())
    assert client_for(editor).get(download_url(bare)).status_code == 404


def test_the_edition_page_shows_the_closing_date_days_left_and_links_to_the_round(
    editor, client_for
):
    consultation = open_round(editor)
    response = client_for(editor).get(consultation.edition.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    left = (consultation.closes_on - timezone.localdate()).days
    assert f"{left} dagar kvar" in text
    assert f"Sista svarsdag {date_format(consultation.closes_on, 'j F Y')}" in text
    assert round_url(consultation) in response.content.decode()


def test_the_edition_page_shows_the_recipients_grid_of_its_round(editor, consultation, client_for):
    set_status(consultation, "skane", RecipientStatus.SUBMITTED)
    Recipient.objects.filter(consultation=consultation, organisation__code="uppsala").update(
        extended_until=consultation.closes_on + timedelta(days=7),
        extension_reason="Regionfullmäktige sammanträder sent.",
    )
    html = client_for(editor).get(consultation.edition.get_absolute_url()).content.decode()
    panel = html.split('class="panel round-summary"', 1)[1].split('class="panel workflow"', 1)[0]
    groups = re.findall(r'<section class="recipient-group"[^>]*>\s*<h5[^>]*>([^<]+)</h5>', panel)
    assert len(groups) == 6
    assert len(re.findall(r'class="recipient recipient--', panel)) == 21 + 2
    south = panel.split("Södra sjukvårdsregionen", 1)[1].split("</section>", 1)[0]
    assert "Region Skåne" in south and "Har svarat" in south
    assert "Regionfullmäktige sammanträder sent." in panel
    # The national editor extends from here as from the round page.
    uppsala = Recipient.objects.get(consultation=consultation, organisation__code="uppsala")
    assert reverse("remiss:recipient_extend", args=[consultation.pk, uppsala.pk]) in panel


def test_the_edition_panel_links_the_comments_and_the_table_and_counts_submitted_comments(
    client_for,
):
    from tests.remiss.helpers import open_on_complete_edition, write_answer

    r = open_on_complete_edition()
    write_answer(r, region("skane"), 2)
    write_answer(r, region("uppsala"), 1, submit=False)
    comments = reverse("remiss:comments", args=[r.consultation.pk])
    table = reverse("remiss:table", args=[r.consultation.pk])
    html = client_for(r.author).get(r.edition.get_absolute_url()).content.decode()
    assert comments in html and table in html
    # A draft's comment is not counted.
    assert "2 synpunkter, 2 saknar bemötande" in text_of_html(html)


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_edition_panel_runs_a_constant_number_of_queries(editor, client_for):
    small = open_round(editor, recipients=list(Organisation.objects.regions()[:2]))
    large = open_round(editor)
    client = client_for(editor)
    counts = []
    for consultation in (small, large):
        with CaptureQueriesContext(connection) as queries:
            client.get(consultation.edition.get_absolute_url())
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_edition_not_sent_out_has_no_round_panel(editor, client_for):
    from tests.remiss.helpers import ready_edition

    edition = ready_edition()
    html = client_for(editor).get(edition.get_absolute_url()).content.decode()
    assert "round-summary" not in html


def test_the_round_page_links_to_the_register_only_for_those_who_may_read_it(
    consultation, client_for
):
    coordinator = grant(person(), "remiss_coordinator", region("skane"))
    register = f'href="{reverse("remiss:register")}"'
    assert register not in client_for(coordinator).get(round_url(consultation)).content.decode()
    assert register in client_for(person("author")).get(round_url(consultation)).content.decode()
