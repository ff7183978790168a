"""Mina uppgifter for the people who answer a remiss: "Skriv regionens remissvar – sista
svarsdag …" for every open round their organisation was sent and has not answered or
declined, linking to the answer page; one query per call."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.accounts.permissions import assignments
from apps.remiss import answers
from apps.remiss.inbox import answer_tasks
from apps.remiss.models import Consultation, Recipient
from tests.factories import organisation
from tests.remiss.helpers import (
    HOME,
    OTHER,
    OUTSIDE,
    answer_path,
    member,
    recipient_of,
    round_with_text,
    save_answer,
    submit,
)

pytestmark = pytest.mark.django_db

SOCIETY = "lakaresallskapet"


@pytest.fixture
def consultation(db):
    return round_with_text(recipients=(HOME, OTHER, SOCIETY))


def test_the_coordinator_is_asked_to_write_the_regions_answer_by_the_closing_date(
    consultation,
):
    coordinator = member("remiss_coordinator", HOME)

    (task,) = answer_tasks(coordinator)

    recipient = recipient_of(consultation)
    edition = consultation.edition
    assert task.title == f"{edition.support.title} {edition.number}"
    assert task.action == (
        f"Skriv regionens remissvar – sista svarsdag {answers.closes_on_text(consultation.closes_on)}"
    )
    assert task.role == "Remissamordnare"
    assert task.scope == "Region Uppsala"
    assert task.url == answer_path(recipient)
    assert task.since == consultation.opened_at


def test_the_task_names_the_day_as_people_write_it():
    assert answers.closes_on_text(date(2026, 4, 14)) == "14 april"


def test_a_reviewer_gets_the_same_task_as_reviewer(consultation):
    (task,) = answer_tasks(member("remiss_reviewer", HOME))

    assert task.role == "Remissgranskare"
    assert task.url == answer_path(recipient_of(consultation))


def test_an_organisation_is_asked_for_the_organisations_answer(consultation):
    (task,) = answer_tasks(member("remiss_coordinator", SOCIETY))

    assert task.action.startswith("Skriv organisationens remissvar – sista svarsdag ")
    assert task.url == answer_path(recipient_of(consultation, SOCIETY))


def test_the_task_carries_the_extended_closing_date(consultation):
    extended = consultation.closes_on + timedelta(days=10)
    Recipient.objects.filter(consultation=consultation, organisation__code=HOME).update(
        extended_until=extended
    )

    (task,) = answer_tasks(member("remiss_coordinator", HOME))

    assert task.action.endswith(answers.closes_on_text(extended))


def test_someone_who_both_coordinates_and_reviews_gets_one_task(consultation):
    person = member("remiss_coordinator", HOME)
    from tests.factories import grant

    grant(person, "remiss_reviewer", organisation(HOME))

    tasks = answer_tasks(person)

    assert [t.role for t in tasks] == ["Remissamordnare"]


def test_a_drafting_recipient_still_has_the_task(consultation):
    reviewer = member("remiss_reviewer", HOME)
    save_answer(reviewer, recipient_of(consultation), general_comment="Påbörjat")

    assert len(answer_tasks(reviewer)) == 1


def test_no_task_once_submitted_or_declined(consultation):
    coordinator = member("remiss_coordinator", HOME)
    recipient = recipient_of(consultation)
    save_answer(coordinator, recipient, position="yes")
    submit(coordinator, recipient)
    other_coordinator = member("remiss_coordinator", OTHER)
    answers.answer_decline(
        actor=other_coordinator, recipient=recipient_of(consultation, OTHER), reason="Ingen tid."
    )

    assert answer_tasks(coordinator) == []
    assert answer_tasks(other_coordinator) == []
    assert answer_tasks(member("remiss_reviewer", HOME)) == []


def test_no_task_for_a_closed_round_or_one_that_has_not_opened(consultation):
    coordinator = member("remiss_coordinator", HOME)
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=timezone.localdate() + timedelta(days=3)
    )
    assert answer_tasks(coordinator) == []

    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=timezone.localdate(), closed_at=timezone.now()
    )
    assert answer_tasks(coordinator) == []


def test_no_task_for_a_region_the_round_was_not_sent_to_or_for_other_roles(consultation):
    from tests.authoring.helpers import person

    assert answer_tasks(member("remiss_coordinator", OUTSIDE)) == []
    assert answer_tasks(person("national_editor")) == []
    assert answer_tasks(person("author")) == []


def test_one_query_per_call_however_many_rounds_and_organisations(
    consultation, django_assert_num_queries
):
    coordinator = member("remiss_coordinator", HOME)
    from tests.factories import grant

    for code in (OTHER, SOCIETY):
        grant(coordinator, "remiss_coordinator", organisation(code))
    for _ in range(3):
        round_with_text(recipients=(HOME, OTHER, SOCIETY))
    assignments(coordinator)  # the roles, read once per request by every provider

    with django_assert_num_queries(1):
        tasks = answer_tasks(coordinator)

    assert len(tasks) == 12


def test_the_task_is_on_mina_uppgifter_with_a_link_to_the_answer(client_for, consultation):
    coordinator = member("remiss_coordinator", HOME)

    response = client_for(coordinator).get("/mina-uppgifter/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{answer_path(recipient_of(consultation))}"' in html
    assert "Skriv regionens remissvar – sista svarsdag" in html
