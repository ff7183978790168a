"""Notifications of the workflow: the people who act next are told in the tool and by
e-mail (after commit), the authors when their edition is returned (with the reason) or
approved, never the actor about their own step; e-mail can be turned off per kind; the
notification page is each person's own."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.authoring.workflow_states import EditionState as S
from apps.core.models import EmailPreference, Notification
from apps.core.notifications import NOTIFICATION_KINDS, notify
from tests.authoring import helpers
from tests.authoring.helpers import make_complete, move_to, person, take
from tests.factories import npo

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "author": person("author", name="Astrid Författare"),
        "co_author": person("author", name="Bertil Medförfattare"),
        "chair": person("npo_chair", name="Cecilia Ordförande"),
        "editor": person("national_editor", name="Nora Redaktör"),
        "other_chair": person("npo_chair", area=npo("psykisk-halsa"), name="Annan Ordförande"),
        "reader": person(name="Rut Läsare"),
    }


@pytest.fixture
def edition(people):
    edition = helpers.working_edition(helpers.make_support(people["author"]))
    # The co-author has written in this support: its steps concern them too.
    helpers.add_block(
        people["co_author"], helpers.section_of(edition), "Bertils stycke.", care_level="both"
    )
    return make_complete(edition, people["author"])


def notified(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return list(rows.filter(kind=kind) if kind else rows)


def mailed_to(user):
    return [m for m in mail.outbox if user.email in m.to]


def step(django_capture_on_commit_callbacks, *args, **kwargs):
    """Take a step and run what was queued for after commit (the e-mail)."""
    with django_capture_on_commit_callbacks(execute=True):
        return take(*args, **kwargs)


def test_submitting_tells_the_chairs_in_the_tool_and_by_email(
    people, edition, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        take(people["author"], edition, "submit_for_review", comment="Klar.")
        # Nothing is mailed before the transaction commits.
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    (note,) = notified(people["chair"])
    assert note.kind == "workflow.task"
    assert note.title == f"Astrid Författare har skickat {edition} till intern granskning"
    assert note.url == reverse(
        "authoring:edition_detail",
        kwargs={"code": edition.support.code, "major": edition.major, "minor": edition.minor},
    )
    (message,) = mailed_to(people["chair"])
    assert message.subject == note.title
    assert note.url in message.body
    # Only the chairs of this NPO, and never the one who took the step.
    assert notified(people["other_chair"]) == []
    assert notified(people["author"]) == []
    assert notified(people["editor"]) == []
    assert {tuple(m.to) for m in mail.outbox} == {(people["chair"].email,)}


def test_returning_tells_the_authors_with_the_reason(
    people, edition, django_capture_on_commit_callbacks
):
    take(people["author"], edition, "submit_for_review")
    mail.outbox.clear()
    step(
        django_capture_on_commit_callbacks,
        people["chair"],
        edition,
        "return_from_internal_review",
        comment="Doseringen i avsnitt 3 saknar källa.",
    )

    for author in (people["author"], people["co_author"]):
        (note,) = notified(author, "workflow.returned")
        assert note.title == f"Cecilia Ordförande har skickat tillbaka {edition} för ändringar"
        assert "Doseringen i avsnitt 3 saknar källa." in note.body
        (message,) = mailed_to(author)
        assert "Doseringen i avsnitt 3 saknar källa." in message.body
    assert mailed_to(people["chair"]) == []


def test_approving_tells_the_authors_and_the_next_in_line(
    people, edition, django_capture_on_commit_callbacks
):
    take(people["author"], edition, "submit_for_review")
    mail.outbox.clear()
    step(django_capture_on_commit_callbacks, people["chair"], edition, "approve_for_consultation")

    for author in (people["author"], people["co_author"]):
        (note,) = notified(author, "workflow.progress")
        assert note.title == f"Cecilia Ordförande har godkänt {edition} för remiss"
        assert len(mailed_to(author)) == 1
    (task,) = notified(people["editor"], "workflow.task")
    assert task.title == f"Cecilia Ordförande har godkänt {edition} för remiss"
    assert len(mailed_to(people["editor"])) == 1
    assert notified(people["chair"], "workflow.progress") == []


def test_the_actor_is_not_told_about_their_own_step(
    people, edition, django_capture_on_commit_callbacks
):
    chair_and_author = person("author", "npo_chair", name="Skribent och ordförande")
    take(people["author"], edition, "submit_for_review")
    Notification.objects.all().delete()
    mail.outbox.clear()

    step(django_capture_on_commit_callbacks, chair_and_author, edition, "approve_for_consultation")

    assert notified(chair_and_author) == []
    assert mailed_to(chair_and_author) == []
    assert len(notified(people["author"])) == 1


def test_editorial_approval_tells_authors_chairs_and_the_other_editors(
    people, edition, django_capture_on_commit_callbacks
):
    second_editor = person("national_editor", name="Ola Redaktör")
    edition = move_to(edition, S.EDITORIAL_REVIEW)
    step(django_capture_on_commit_callbacks, people["editor"], edition, "editorial_approve")

    assert [n.kind for n in notified(people["author"])] == ["workflow.progress"]
    assert [n.kind for n in notified(people["chair"])] == ["workflow.progress"]
    assert [n.kind for n in notified(second_editor)] == ["workflow.task"]
    assert notified(people["editor"]) == []


def test_email_turned_off_on_the_preferences_page_still_notifies_in_the_tool(
    people, edition, client_for, django_capture_on_commit_callbacks
):
    chair = people["chair"]
    client = client_for(chair)
    page = client.get(reverse("core:notification_preferences"))
    assert page.status_code == 200
    assert 'value="workflow.task"' in page.content.decode()
    kept = [kind for kind in NOTIFICATION_KINDS if kind != "workflow.task"]
    response = client.post(reverse("core:notification_preferences"), {"email": kept})
    assert response.status_code == 302
    assert EmailPreference.objects.get(user=chair, kind="workflow.task").email_enabled is False
    assert EmailPreference.objects.get(user=chair, kind="workflow.returned").email_enabled
    mail.outbox.clear()

    step(django_capture_on_commit_callbacks, people["author"], edition, "submit_for_review")

    assert len(notified(chair, "workflow.task")) == 1
    assert mailed_to(chair) == []
    # Another chair of the same NPO, who kept e-mail on, still gets it.
    other = person("npo_chair", name="Dora Ordförande")
    take(people["chair"], edition, "return_from_internal_review", comment="Mer källor.")
    mail.outbox.clear()
    step(django_capture_on_commit_callbacks, people["author"], edition, "submit_for_review")
    assert len(mailed_to(other)) == 1
    assert mailed_to(chair) == []

    html = client.get(reverse("core:notification_preferences")).content.decode()
    boxes = {kind: tag for tag, kind in re.findall(r'(<input[^>]*value="([\w.]+)"[^>]*>)', html)}
    assert " checked" not in boxes["workflow.task"]
    assert " checked" in boxes["workflow.returned"]


def test_the_notification_page_lists_only_ones_own(people, client_for):
    notify(recipients=[people["chair"]], kind="workflow.task", title="Till Cecilia")
    notify(recipients=[people["reader"]], kind="workflow.task", title="Till Rut")

    html = client_for(people["chair"]).get(reverse("core:notifications")).content.decode()
    assert "Till Cecilia" in html
    assert "Till Rut" not in html


def test_mark_all_as_read_marks_only_ones_own(people, client_for):
    notify(recipients=[people["chair"], people["reader"]], kind="workflow.task", title="Hej")
    client = client_for(people["chair"])
    assert "Markera alla som lästa" in client.get(reverse("core:notifications")).content.decode()

    response = client.post(reverse("core:notifications"))

    assert response.status_code == 302
    assert Notification.objects.get(recipient=people["chair"]).read_at is not None
    assert Notification.objects.get(recipient=people["reader"]).read_at is None


def test_a_person_in_two_notified_groups_gets_one_notification_and_one_email(
    people, edition, django_capture_on_commit_callbacks
):
    # Approval for remiss tells the editors (their task) and the authors (progress); an
    # editor who also writes in the NPO hears once, about the task.
    both = person("national_editor", "author", name="Dubbel Roll")
    move_to(edition, S.INTERNAL_REVIEW)
    mail.outbox.clear()

    step(django_capture_on_commit_callbacks, people["chair"], edition, "approve_for_consultation")

    assert [n.kind for n in notified(both)] == ["workflow.task"]
    assert len(mailed_to(both)) == 1


def test_a_caller_cannot_skip_the_required_reason_with_internal_keys(people, edition):
    from apps.authoring.workflow import TransitionRefused

    move_to(edition, S.INTERNAL_REVIEW)
    with pytest.raises(TransitionRefused) as refused:
        take(
            people["chair"],
            edition,
            "return_from_internal_review",
            data={"_check_comment": False},
        )
    assert "Ange en motivering." in refused.value.reasons
