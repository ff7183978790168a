"""The remiss register /remiss/ (every round past and present, with recipients, answer rate
and the positions in brief) and the national editors' queue /remiss/ko/ (editions approved
for remiss with the window each goes out in, rounds waiting for a later window)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.accounts.navigation import items_for
from apps.remiss import services
from apps.remiss.models import Answer, Position, Recipient, RecipientStatus
from tests.authoring.helpers import person, take
from tests.factories import grant, npo
from tests.remiss.helpers import open_round, ready_edition

pytestmark = pytest.mark.django_db

REGISTER = "/remiss/"
QUEUE = "/remiss/ko/"


@pytest.fixture
def editor(db):
    return person("national_editor", name="Nora Redaktör")


def answered(consultation, code: str, position: str) -> None:
    recipient = Recipient.objects.get(consultation=consultation, organisation__code=code)
    Recipient.objects.filter(pk=recipient.pk).update(status=RecipientStatus.SUBMITTED)
    Answer.objects.create(recipient=recipient, position=position, submitted_at=timezone.now())


def rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_addresses():
    assert reverse("remiss:register") == REGISTER
    assert reverse("remiss:queue") == QUEUE


def test_the_register_lists_every_round_with_answer_rate_and_positions(editor, client_for):
    current = open_round(editor, recipients=list(Organisation.objects.regions()[:4]))
    answered(current, current.recipients.all()[0].code, Position.YES)
    answered(current, current.recipients.all()[1].code, Position.YES_WITH_RESERVATIONS)
    answered(current, current.recipients.all()[2].code, Position.NO)
    past = open_round(editor)
    take(editor, past.edition, "close_consultation")

    response = client_for(editor).get(REGISTER)
    assert response.status_code == 200
    listed = rows(response)
    assert len(listed) == 2
    row = next(r for r in listed if "75 % (3 av 4)" in r)
    assert "Ja 1, med reservationer 1, nej 1" in row
    assert "dagar kvar" in row
    closed = next(r for r in listed if r is not row)
    assert "0 % (0 av 21)" in closed and "Stängd" in closed
    html = response.content.decode()
    assert reverse("remiss:round", args=[current.pk]) in html
    assert reverse("remiss:round", args=[past.pk]) in html


def test_the_register_links_each_round_to_its_response_table(editor, client_for):
    consultation = open_round(editor)
    html = client_for(editor).get(REGISTER).content.decode()
    assert reverse("remiss:table", args=[consultation.pk]) in html


def test_the_register_runs_a_constant_number_of_queries(
    editor, client_for, django_assert_max_num_queries
):
    client = client_for(editor)
    open_round(editor)
    client.get(REGISTER)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(REGISTER)
    for _ in range(4):
        consultation = open_round(editor)
        answered(consultation, "skane", Position.YES)
    with django_assert_max_num_queries(len(one)):
        response = client.get(REGISTER)
    assert len(rows(response)) == 5


def test_an_npo_member_sees_the_rounds_of_their_own_supports_only(editor, client_for):
    own = open_round(editor)
    other_area = npo("cancersjukdomar")
    other_author = grant(person(name="Annan Skribent"), "author", other_area)
    other_edition = ready_edition(other_author, area=other_area)
    assert other_edition.support.programme_area == other_area
    other = open_round(editor, edition=other_edition)

    for role in ("author", "npo_chair"):
        html = client_for(person(role)).get(REGISTER).content.decode()
        assert reverse("remiss:round", args=[own.pk]) in html
        assert reverse("remiss:round", args=[other.pk]) not in html


@pytest.mark.parametrize("role", ["national_editor", "administrator"])
def test_national_editors_and_administrators_see_every_round(editor, client_for, role):
    first = open_round(editor)
    second = open_round(editor, edition=ready_edition(area=npo("cancersjukdomar")))
    html = client_for(person(role)).get(REGISTER).content.decode()
    assert reverse("remiss:round", args=[first.pk]) in html
    assert reverse("remiss:round", args=[second.pk]) in html


@pytest.mark.parametrize("roles", [(), ("remiss_coordinator",), ("remiss_reviewer",)])
def test_others_may_not_see_the_register(client_for, roles):
    user = person(*roles)
    assert client_for(user).get(REGISTER).status_code == 403
    assert "remiss" not in [item["key"] for item in items_for(user)]


def test_the_register_is_in_the_menu_of_those_who_read_it():
    for role in ("national_editor", "administrator", "author", "npo_chair"):
        assert "remiss" in [item["key"] for item in items_for(person(role))]


# ---------------------------------------------------------------- the queue


def test_the_queue_shows_editions_approved_for_remiss_and_their_window(editor, client_for):
    waiting = ready_edition()
    window = services.next_window()
    later = open_round(editor, window=services.offered_windows("remiss")[1])
    now = open_round(editor)

    response = client_for(editor).get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert f"{waiting.support.code} {waiting.support.title} 1.0" in text
    assert str(window) in text
    step = reverse(
        "authoring:edition_step",
        kwargs={
            "code": waiting.support.code,
            "major": 1,
            "minor": 0,
            "name": "open_consultation",
        },
    )
    assert step in html
    assert reverse("remiss:round", args=[later.pk]) in html
    assert reverse("remiss:round", args=[now.pk]) not in html


def test_the_queue_runs_a_constant_number_of_queries(editor, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(editor)
    ready_edition()
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE)
    for _ in range(3):
        ready_edition()
        open_round(editor, window=services.offered_windows("remiss")[0])
    with CaptureQueriesContext(connection) as many:
        client.get(QUEUE)
    assert len(many) == len(one)


@pytest.mark.parametrize("role", ["author", "npo_chair", "remiss_coordinator", ""])
def test_only_national_editors_and_administrators_see_the_queue(client_for, role):
    user = person(role) if role else person()
    assert client_for(user).get(QUEUE).status_code == 403


def test_an_administrator_sees_the_queue_but_no_button_to_open(client_for):
    edition = ready_edition()
    html = client_for(person("administrator")).get(QUEUE).content.decode()
    assert edition.support.code in html
    assert "open_consultation" not in html
