"""Who hears of a workflow step, and what they are told: the people of that support (its
authors, the NPO's chairs) and whoever acts next, never the actor, never an author of the
NPO who has not worked on the support. The texts say what happened, to what, by whom and
what is expected of the reader, in Swedish, and a return carries its reason into the
notification and into Mina uppgifter. A step runs the same few queries however many people
it tells."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import remove_perm

from apps.accounts.inbox import tasks_for
from apps.authoring import services, workflow
from apps.authoring.inbox import workflow_tasks
from apps.authoring.models import Edition, EditionKind
from apps.authoring.scheduled import publish_due_editions
from apps.authoring.workflow import TRANSITIONS, authors_of
from apps.authoring.workflow_states import EditionState as S
from apps.core.models import Notification
from tests.authoring import helpers
from tests.authoring.helpers import ROUTE, make_complete, move_to, person, take
from tests.factories import grant, npo

pytestmark = pytest.mark.django_db

TITLE = "Hjärtsvikt – behandling"
REASON = "Doseringen i avsnitt 3 saknar källa."


@pytest.fixture
def people(db):
    return {
        "anna": person("author", name="Anna Berg"),  # creates the support
        "bertil": person("author", name="Bertil Ek"),  # saves a block in it
        "cilla": person("author", name="Cilla Utanför"),  # same NPO, never touched it
        "chair": person("npo_chair", name="Cecilia Ordförande"),
        "editor": person("national_editor", name="Nora Redaktör"),
        "second_editor": person("national_editor", name="Ola Redaktör"),
        "other_chair": person("npo_chair", area=npo("psykisk-halsa"), name="Annan Ordförande"),
        "reader": person(name="Rut Läsare"),
    }


@pytest.fixture
def edition(people):
    support = helpers.make_support(people["anna"], title=TITLE)
    edition = make_complete(helpers.working_edition(support), people["anna"])
    helpers.add_block(
        people["bertil"],
        helpers.section_of(edition),
        "Bertils stycke om uppföljning.",
        care_level="both",
    )
    return Edition.objects.get(pk=edition.pk)


def notes(user, kind=None) -> list[Notification]:
    rows = Notification.objects.filter(recipient=user).order_by("id")
    return list(rows.filter(kind=kind) if kind else rows)


def told() -> set[str]:
    return {n.recipient.full_name for n in Notification.objects.select_related("recipient")}


def step(django_capture_on_commit_callbacks, *args, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return take(*args, **kwargs)


# ---------------------------------------------------------------- who


def test_the_authors_of_a_support_are_those_of_its_npo_who_created_or_saved_in_it(people, edition):
    # Someone who saved in it and has since moved to another NPO is not its author now.
    moved = person("author", name="Olle Flyttad")
    helpers.add_block(moved, helpers.section_of(edition), "Olles stycke.", care_level="both")
    remove_perm("accounts.role_author", moved, npo())
    grant(moved, "author", npo("psykisk-halsa"))
    # A national editor who saved in it is told as an editor, not as an author.
    editor = person("national_editor", "author", area=npo("psykisk-halsa"), name="Redaktör")
    helpers.publish(edition)
    started_minor = person("author", name="Dora Delversion")
    services.edition_start_new(
        actor=started_minor,
        support=edition.support,
        kind=EditionKind.MINOR,
        change_summary="Språket.",
    )

    names = {user.full_name for user in authors_of(edition.support)}

    assert names == {"Anna Berg", "Bertil Ek", "Dora Delversion"}
    assert editor.full_name not in names


def test_an_author_who_left_is_no_longer_told(people, edition):
    people["bertil"].is_active = False
    people["bertil"].save(update_fields=["is_active"])
    assert {u.full_name for u in authors_of(edition.support)} == {"Anna Berg"}


def test_the_authors_of_a_support_are_one_query(people, edition, django_assert_num_queries):
    support = edition.support
    with django_assert_num_queries(1):
        assert len(list(authors_of(support))) == 2


def test_submitting_tells_the_chairs_of_the_npo_only(
    people, edition, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    step(django_capture_on_commit_callbacks, people["anna"], edition, "submit_for_review")

    assert told() == {"Cecilia Ordförande"}
    (note,) = notes(people["chair"])
    assert note.kind == "workflow.task"
    assert note.title == f"Anna Berg har skickat {TITLE} 1.0 till intern granskning"
    assert note.body == (
        "Granska texten och godkänn den för remiss eller skicka tillbaka den med en motivering."
    )
    assert note.url == edition.get_absolute_url()
    (message,) = mail.outbox
    assert message.to == [people["chair"].email]
    assert message.subject == note.title
    assert note.body in message.body


def test_approving_tells_the_supports_authors_and_the_editors_not_every_author_of_the_npo(
    people, edition, django_capture_on_commit_callbacks
):
    take(people["anna"], edition, "submit_for_review")
    Notification.objects.all().delete()

    step(django_capture_on_commit_callbacks, people["chair"], edition, "approve_for_consultation")

    assert told() == {"Anna Berg", "Bertil Ek", "Nora Redaktör", "Ola Redaktör"}
    assert notes(people["cilla"]) == []
    assert notes(people["chair"]) == []  # the one who took the step
    (progress,) = notes(people["bertil"])
    assert progress.kind == "workflow.progress"
    assert progress.title == f"Cecilia Ordförande har godkänt {TITLE} 1.0 för remiss"
    assert progress.body == (
        "Nu förbereder en nationell redaktör remissen. Du behöver inte göra något nu."
    )
    (task,) = notes(people["editor"])
    assert task.kind == "workflow.task"
    assert task.body == "Välj mottagare och sista svarsdag och skicka versionen på remiss."


def test_national_editors_hear_only_when_they_act_next(
    people, edition, django_capture_on_commit_callbacks
):
    ready = move_to(edition, S.READY_FOR_CONSULTATION)
    step(
        django_capture_on_commit_callbacks,
        people["editor"],
        ready,
        "return_before_consultation",
        comment=REASON,
    )
    assert notes(people["second_editor"]) == []
    assert told() == {"Anna Berg", "Bertil Ek", "Cecilia Ordförande"}
    assert [n.kind for n in notes(people["chair"])] == ["workflow.progress"]


def test_a_return_tells_the_authors_why_and_what_to_do_and_their_task_carries_the_reason(
    people, edition, client_for, django_capture_on_commit_callbacks
):
    take(people["anna"], edition, "submit_for_review")
    Notification.objects.all().delete()
    mail.outbox.clear()

    step(
        django_capture_on_commit_callbacks,
        people["chair"],
        edition,
        "return_from_internal_review",
        comment=REASON,
    )

    assert told() == {"Anna Berg", "Bertil Ek"}
    for author in (people["anna"], people["bertil"]):
        (note,) = notes(author)
        assert note.kind == "workflow.returned"
        assert note.title == (f"Cecilia Ordförande har skickat tillbaka {TITLE} 1.0 för ändringar")
        assert note.body == (
            f"Motivering: ”{REASON}”\n\nÄndra texten efter motiveringen och skicka den vidare igen."
        )
    assert all(REASON in m.body for m in mail.outbox) and len(mail.outbox) == 2

    (task,) = workflow_tasks(people["bertil"])
    assert task.action == f"Ändra efter motiveringen och skicka vidare: ”{REASON}”"
    html = client_for(people["anna"]).get("/mina-uppgifter/").content.decode()
    assert REASON in html


def test_a_task_carries_no_reason_once_the_edition_has_moved_on(people, edition):
    take(people["anna"], edition, "submit_for_review")
    take(people["chair"], edition, "return_from_internal_review", comment=REASON)
    take(people["anna"], edition, "submit_for_review")
    take(people["chair"], edition, "approve_for_consultation")

    assert workflow_tasks(people["anna"]) == []
    (task,) = workflow_tasks(people["editor"])
    assert task.action == "Skicka på remiss"
    assert REASON not in task.action


def test_the_first_draft_task_says_what_to_do_without_a_reason(people, edition):
    (task,) = tasks_for(people["bertil"])
    assert task.action == "Skriv klart och skicka vidare"
    assert task.title == f"{TITLE} 1.0"
    assert task.url == edition.get_absolute_url()


def test_a_comment_on_a_forward_step_is_passed_on_as_a_comment(
    people, edition, django_capture_on_commit_callbacks
):
    step(
        django_capture_on_commit_callbacks,
        people["anna"],
        edition,
        "submit_for_review",
        comment="Avsnitt 4 är nytt.",
    )
    (note,) = notes(people["chair"])
    assert note.body.startswith("Kommentar: ”Avsnitt 4 är nytt.”\n\n")


def test_a_planned_publication_is_announced_without_a_person(
    people, edition, django_capture_on_commit_callbacks
):
    approved = move_to(edition, S.APPROVED)
    workflow.edition_schedule_publication(
        actor=people["editor"],
        edition=approved,
        lock_version=approved.lock_version,
        publish_at=timezone.now() + timedelta(minutes=5),
    )
    Edition.objects.filter(pk=approved.pk).update(
        scheduled_publish_at=timezone.now() - timedelta(minutes=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        publish_due_editions()

    (note,) = notes(people["anna"])
    assert note.title == f"{TITLE} 1.0 har publicerats enligt planen"
    assert note.body == ("Versionen är nu den som läsarna ser. Du behöver inte göra något nu.")
    assert told() == {"Anna Berg", "Bertil Ek", "Cecilia Ordförande"}


# ---------------------------------------------------------------- the words


INTERNAL = {t.name for t in TRANSITIONS} | set(S.values) | {"edition", "None", "comment"}


def test_no_notification_on_the_way_to_published_shows_an_internal_code(
    people, edition, django_capture_on_commit_callbacks
):
    actors = {"author": people["anna"], "npo_chair": people["chair"]}
    actors["national_editor"] = people["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        for name, role, _reached in ROUTE:
            take(actors[role], edition, name)
        take(people["editor"], edition, "withdraw", comment="Fel dos i tabell 2.")

    texts = [f"{n.title}\n{n.body}" for n in Notification.objects.all()]
    assert len(texts) > len(ROUTE)
    for text in texts:
        words = set(re.findall(r"\w+", text))
        assert not (words & INTERNAL), text
        assert "_" not in text, text
        # Every text names the support and its version, and what to do (or that nothing is).
        assert f"{TITLE} 1.0" in text or "KS-" in text, text
    for message in mail.outbox:
        assert "_" not in message.subject + message.body.split("http")[0]


def test_every_step_has_an_announcement_and_the_systems_steps_one_without_a_person():
    for transition in TRANSITIONS:
        assert "%(actor)s" in str(transition.announcement), transition.name
        assert "%(edition)s" in str(transition.announcement), transition.name
    for name in workflow.SYSTEM_TRANSITIONS:
        announcement = str(workflow.TRANSITIONS_BY_NAME[name].system_announcement)
        assert "%(edition)s" in announcement and "%(actor)s" not in announcement
    for state, turn in workflow.TURNS.items():
        assert turn.task and turn.expectation.endswith(".") and turn.meanwhile, state


# ---------------------------------------------------------------- cost


def _queries_of_approval(people, title: str, extra_authors: int) -> int:
    support = helpers.make_support(people["anna"], title=title)
    edition = make_complete(helpers.working_edition(support), people["anna"])
    section = helpers.section_of(edition)
    for index in range(extra_authors):
        writer = person("author", name=f"Skribent {title} {index}")
        helpers.add_block(writer, section, f"Stycke {index}.", care_level="both")
    take(people["anna"], edition, "submit_for_review")
    current = Edition.objects.get(pk=edition.pk)
    with CaptureQueriesContext(connection) as context:
        take(people["chair"], current, "approve_for_consultation")
    told_authors = Notification.objects.filter(kind="workflow.progress", title__contains=title)
    assert told_authors.count() == 1 + extra_authors
    return len(context.captured_queries)


def test_a_step_runs_the_same_queries_however_many_people_it_tells(people):
    _queries_of_approval(people, "Uppvärmning", 0)  # caches filled (content types, roles)
    assert _queries_of_approval(people, "Få", 1) == _queries_of_approval(people, "Många", 8)
