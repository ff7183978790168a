"""Mina uppgifter: each person sees the editions that wait for them, per role and scope,
oldest first, nothing from NPOs outside their roles; the menu shows the count; the page
runs the same few queries however many editions there are."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.authoring.models import Edition
from apps.authoring.workflow_states import EditionState as S
from tests.authoring import helpers
from tests.authoring.helpers import move_to, person
from tests.factories import grant, npo

pytestmark = pytest.mark.django_db

TASKS = "/mina-uppgifter/"
HOME, OTHER = "hjart-och-karlsjukdomar", "psykisk-halsa"

# Every state an edition can be in, and one planned publication.
STATES = [*S.values, "approved+scheduled"]

WAITS_FOR = {
    "author": {S.DRAFT, S.REVISION},
    "npo_chair": {S.INTERNAL_REVIEW, S.AWAITING_NPO_APPROVAL},
    "national_editor": {S.READY_FOR_CONSULTATION, S.EDITORIAL_REVIEW, S.APPROVED},
}


def edition_in(author, area_code: str, state: str, title: str, age_days: int = 1) -> Edition:
    edition = helpers.working_edition(
        helpers.make_support(author, title=title, area=npo(area_code))
    )
    scheduled = state == "approved+scheduled"
    # Dates first: a published (frozen) edition cannot be changed afterwards.
    Edition.objects.filter(pk=edition.pk).update(
        state_changed_at=timezone.now() - timedelta(days=age_days),
        scheduled_publish_at=timezone.now() + timedelta(days=3) if scheduled else None,
    )
    return move_to(edition, S.APPROVED if scheduled else state)


def title_of(area_code: str, state: str) -> str:
    return f"Stöd {area_code} {state}"


@pytest.fixture
def authors(db):
    return {
        HOME: person("author", area=npo(HOME), name="Astrid Författare"),
        OTHER: person("author", area=npo(OTHER), name="Olle Annat-NPO"),
    }


@pytest.fixture
def every_state(authors):
    """One edition in each state in each of two NPOs."""
    return {
        (area, state): edition_in(authors[area], area, state, title_of(area, state))
        for area in (HOME, OTHER)
        for state in STATES
    }


def task_titles(html: str) -> list[str]:
    return re.findall(r'<td><a href="[^"]+">([^<]+?) \d+\.\d+</a></td>', html)


def badge(html: str) -> int | None:
    match = re.search(rf'<a href="{TASKS}"[^>]*>Mina uppgifter <span class="badge">(\d+)', html)
    return int(match.group(1)) if match else None


@pytest.mark.parametrize(
    ("role", "areas"),
    [
        ("author", [HOME]),
        ("npo_chair", [HOME]),
        ("national_editor", [HOME, OTHER]),
    ],
)
def test_each_role_sees_what_waits_for_it_in_its_scope_only(every_state, client_for, role, areas):
    user = person(role, area=npo(HOME), name=f"Person med rollen {role}")

    html = client_for(user).get(TASKS).content.decode()

    expected = {title_of(area, state) for area in areas for state in WAITS_FOR[role]}
    assert set(task_titles(html)) == expected
    assert badge(html) == len(expected)


def test_someone_with_roles_in_two_npos_sees_both_and_nothing_else(every_state, client_for):
    user = grant(
        person("author", area=npo(HOME), name="Två programområden"), "npo_chair", npo(OTHER)
    )

    html = client_for(user).get(TASKS).content.decode()

    assert set(task_titles(html)) == {
        title_of(HOME, S.DRAFT),
        title_of(HOME, S.REVISION),
        title_of(OTHER, S.INTERNAL_REVIEW),
        title_of(OTHER, S.AWAITING_NPO_APPROVAL),
    }


def test_a_person_without_roles_has_nothing_waiting_and_no_badge(every_state, client_for):
    html = client_for(person(name="Rut Läsare")).get(TASKS).content.decode()
    assert task_titles(html) == []
    assert "Inget väntar på dig just nu." in html
    assert badge(html) is None


def test_tasks_are_oldest_first(authors, client_for):
    for title, age in (("Mellan", 5), ("Nyast", 1), ("Äldst", 30)):
        edition_in(authors[HOME], HOME, S.DRAFT, title, age_days=age)

    html = client_for(authors[HOME]).get(TASKS).content.decode()

    assert task_titles(html) == ["Äldst", "Mellan", "Nyast"]
    assert "Skribent – " in html


def test_the_badge_shows_on_every_page(authors, client_for):
    edition_in(authors[HOME], HOME, S.DRAFT, "Ett utkast")
    edition_in(authors[HOME], HOME, S.REVISION, "En bearbetning")
    html = client_for(authors[HOME]).get("/arbete/").content.decode()
    assert badge(html) == 2


def _queries(user, client) -> int:
    user = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as context:
        response = client.get(TASKS)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_page_runs_the_same_few_queries_however_many_editions(
    authors, client_for, django_assert_max_num_queries
):
    editor = person("national_editor", name="Nora Redaktör")
    client = client_for(editor)
    waiting = (S.READY_FOR_CONSULTATION, S.EDITORIAL_REVIEW, S.APPROVED)
    for index in range(2):
        edition_in(authors[HOME], HOME, waiting[index % 3], f"Stöd {index}")
    few = _queries(editor, client)
    for index in range(2, 20):
        area = HOME if index % 2 else OTHER
        edition_in(authors[area], area, waiting[index % 3], f"Stöd {index}")

    many = _queries(editor, client)

    assert many == few
    with django_assert_max_num_queries(8):
        html = client.get(TASKS).content.decode()
    assert len(task_titles(html)) == 20
    assert badge(html) == 20
