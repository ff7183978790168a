"""Who may do what with a recipient's answer, for every role and scope, on every answer URL
and every answer service: the one status (or outcome) each gets, with guessed ids too.

A draft is its own organisation's only: its coordinator does everything, its reviewers write
and change their own comments but do not submit or decline; everyone else, national editors
and other recipients included, gets 404 as for a guessed id. Once submitted the answer is read
by the owning NPO's authors and chair, the national editors, the administrators and every
recipient of the round (a region or an organisation), and changed by no one (403 with the
reason). A regional editor, an author of another NPO and a signed-in person with no role never
see it.

The data is built once per state and every actor is tried against it (each request and each
service call in a savepoint that is rolled back), so the whole matrix is one comparison per
state: a failure shows the actor and the action that differ."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.remiss import answers
from apps.remiss.models import Comment, Consultation, Recipient
from tests.authoring import helpers
from tests.factories import UserFactory, grant, npo
from tests.remiss.helpers import (
    HOME,
    OTHER,
    OUTSIDE,
    add_comment,
    answer_form_data,
    answer_path,
    blocks_of,
    current_answer,
    member,
    pdf_upload,
    recipient_of,
    recognised,
    round_with_text,
    save_answer,
    submit,
)

pytestmark = pytest.mark.django_db

# The organisation (not a region) that gets the round too: the first other body by name.
ORGANISATION = "organisation"

# actor -> (role, organisation code, or None for a national role / the owning NPO / no role)
ACTORS = {
    "coordinator of the recipient": ("remiss_coordinator", HOME),
    "reviewer of the recipient": ("remiss_reviewer", HOME),
    "coordinator of another recipient": ("remiss_coordinator", OTHER),
    "reviewer of another recipient": ("remiss_reviewer", OTHER),
    "coordinator of a region not asked": ("remiss_coordinator", OUTSIDE),
    "reviewer of a region not asked": ("remiss_reviewer", OUTSIDE),
    "coordinator of a recipient organisation": ("remiss_coordinator", ORGANISATION),
    "reviewer of a recipient organisation": ("remiss_reviewer", ORGANISATION),
    "regional editor of the recipient": ("regional_editor", HOME),
    "author of another NPO": ("author", "npo-psykisk-halsa"),
    "author of the NPO": ("author", None),
    "chair of the NPO": ("npo_chair", None),
    "national editor": ("national_editor", None),
    "administrator": ("administrator", None),
    "no role": (None, None),
}

VIEW_ACTIONS = (
    "page",
    "save",
    "comment_add",
    "comment_edit_form_own",
    "comment_edit_own",
    "comment_edit_coordinators",
    "comment_remove_ask_own",
    "comment_remove_own",
    "comment_remove_coordinators",
    "submit_ask",
    "submit",
    "decline_ask",
    "decline",
    "download",
)

COORDINATOR_DRAFT = {
    "page": 200,
    "save": 302,
    "comment_add": 302,
    "comment_edit_form_own": 200,
    "comment_edit_own": 302,
    "comment_edit_coordinators": 302,
    "comment_remove_ask_own": 200,
    "comment_remove_own": 302,
    "comment_remove_coordinators": 302,
    "submit_ask": 200,
    "submit": 302,
    "decline_ask": 200,
    "decline": 302,
    "download": 200,
}
REVIEWER_DRAFT = {
    **COORDINATOR_DRAFT,
    "comment_edit_coordinators": 403,
    "comment_remove_coordinators": 403,
    "submit_ask": 403,
    "submit": 403,
    "decline_ask": 403,
    "decline": 403,
}
INVISIBLE = dict.fromkeys(VIEW_ACTIONS, 404)
# A submitted answer: read (the page, the download), never changed.
READS_SUBMITTED = {**dict.fromkeys(VIEW_ACTIONS, 403), "page": 200, "download": 200}

EXPECTED_VIEWS = {
    "draft": {
        "coordinator of the recipient": COORDINATOR_DRAFT,
        "reviewer of the recipient": REVIEWER_DRAFT,
        **{actor: INVISIBLE for actor in list(ACTORS)[2:]},
    },
    "submitted": {
        "coordinator of the recipient": READS_SUBMITTED,
        "reviewer of the recipient": READS_SUBMITTED,
        "coordinator of another recipient": READS_SUBMITTED,
        "reviewer of another recipient": READS_SUBMITTED,
        "coordinator of a region not asked": INVISIBLE,
        "reviewer of a region not asked": INVISIBLE,
        "coordinator of a recipient organisation": READS_SUBMITTED,
        "reviewer of a recipient organisation": READS_SUBMITTED,
        "regional editor of the recipient": INVISIBLE,
        "author of another NPO": INVISIBLE,
        "author of the NPO": READS_SUBMITTED,
        "chair of the NPO": READS_SUBMITTED,
        "national editor": READS_SUBMITTED,
        "administrator": READS_SUBMITTED,
        "no role": INVISIBLE,
    },
}

SERVICE_ACTIONS = (
    "answer_save",
    "comment_add",
    "comment_change_own",
    "comment_change_coordinators",
    "comment_remove_own",
    "comment_remove_coordinators",
    "answer_submit",
    "answer_decline",
)
OK, DENIED, NOT_FOUND = "ok", 403, 404
SERVICES_COORDINATOR = dict.fromkeys(SERVICE_ACTIONS, OK)
SERVICES_REVIEWER = {
    **SERVICES_COORDINATOR,
    "comment_change_coordinators": DENIED,
    "comment_remove_coordinators": DENIED,
    "answer_submit": DENIED,
    "answer_decline": DENIED,
}
SERVICES_INVISIBLE = dict.fromkeys(SERVICE_ACTIONS, NOT_FOUND)
SERVICES_CLOSED = dict.fromkeys(SERVICE_ACTIONS, DENIED)

EXPECTED_SERVICES = {
    "draft": {
        "coordinator of the recipient": SERVICES_COORDINATOR,
        "reviewer of the recipient": SERVICES_REVIEWER,
        **{actor: SERVICES_INVISIBLE for actor in list(ACTORS)[2:]},
    },
    "submitted": {
        actor: SERVICES_INVISIBLE
        if EXPECTED_VIEWS["submitted"][actor] is INVISIBLE
        else SERVICES_CLOSED
        for actor in ACTORS
    },
}


def organisation_code() -> str:
    return Organisation.objects.other_bodies().active().order_by("name").first().code


def make_actor(key: str):
    role, code = ACTORS[key]
    if role is None:
        return UserFactory(full_name="Utan roll")
    if code == ORGANISATION:
        return member(role, organisation_code(), key)
    if code is not None:
        return member(role, code, key)
    user = UserFactory(full_name=key)
    grant(user, role, npo() if role in ("author", "npo_chair") else None)
    return user


@pytest.fixture
def world(db):
    """A round to two regions and an organisation; the first region's draft holds an impact
    statement, a comment of its reviewer and one of its coordinator, and a position, so it
    can be submitted."""
    editor = helpers.person("national_editor", name="Nora Redaktör")
    consultation = round_with_text(editor=editor, recipients=(HOME, OTHER, organisation_code()))
    recipient = recipient_of(consultation)
    people = {key: make_actor(key) for key in ACTORS}
    coordinator = people["coordinator of the recipient"]
    reviewer = people["reviewer of the recipient"]
    save_answer(
        coordinator,
        recipient,
        position="yes",
        ambition="realistic",
        impact_statement=recognised(pdf_upload()),
    )
    own = add_comment(reviewer, recipient, text="Granskarens synpunkt")
    coordinators = add_comment(coordinator, recipient, text="Samordnarens synpunkt")
    return {
        "consultation": consultation,
        "recipient": recipient,
        "people": people,
        "own": own,
        "coordinators": coordinators,
    }


def submitted(world):
    submit(world["people"]["coordinator of the recipient"], world["recipient"])
    return world


def _view_requests(world):
    recipient = world["recipient"]
    block = blocks_of(world["consultation"])[0]
    own, coordinators = world["own"], world["coordinators"]

    def edit(comment):
        return answer_path(recipient, "remiss:comment_edit", comment_pk=comment.pk)

    def remove(comment):
        return answer_path(recipient, "remiss:comment_remove", comment_pk=comment.pk)

    comment = {"type": "editorial", "text": "Ändrad synpunkt", "quote": ""}
    version = current_answer(recipient).lock_version
    return {
        "page": ("get", answer_path(recipient), None),
        "save": (
            "post",
            answer_path(recipient, "remiss:answer_save"),
            answer_form_data(recipient, general_comment="Ny text"),
        ),
        "comment_add": (
            "post",
            answer_path(recipient, "remiss:comment_add", block_uid=block.uid),
            comment,
        ),
        "comment_edit_form_own": ("get", edit(own), None),
        "comment_edit_own": ("post", edit(own), {**comment, "lock_version": 1}),
        "comment_edit_coordinators": ("post", edit(coordinators), {**comment, "lock_version": 1}),
        "comment_remove_ask_own": ("get", remove(own), None),
        "comment_remove_own": ("post", remove(own), {"lock_version": 1}),
        "comment_remove_coordinators": ("post", remove(coordinators), {"lock_version": 1}),
        "submit_ask": ("get", answer_path(recipient, "remiss:answer_submit"), None),
        "submit": (
            "post",
            answer_path(recipient, "remiss:answer_submit"),
            {"lock_version": version},
        ),
        "decline_ask": ("get", answer_path(recipient, "remiss:answer_decline"), None),
        "decline": (
            "post",
            answer_path(recipient, "remiss:answer_decline"),
            {"reason": "Ingen tid."},
        ),
        "download": ("get", answer_path(recipient, "remiss:answer_impact_statement"), None),
    }


def statuses(client: Client, requests: dict) -> dict:
    """Each request from the same starting point: whatever one changes is rolled back before
    the next."""
    found = {}
    for action, (method, path, data) in requests.items():
        point = transaction.savepoint()
        response = getattr(client, method)(path, data or {})
        found[action] = response.status_code
        transaction.savepoint_rollback(point)
    return found


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_every_answer_url_gives_each_role_its_one_status(client_for, world, state):
    if state == "submitted":
        submitted(world)
    requests = _view_requests(world)

    found = {actor: statuses(client_for(world["people"][actor]), requests) for actor in ACTORS}

    assert found == EXPECTED_VIEWS[state]


def test_the_permitted_requests_really_did_their_work(client_for, world):
    """The matrix's 302s are the changes made, not redirects elsewhere."""
    client = client_for(world["people"]["coordinator of the recipient"])
    requests = _view_requests(world)
    recipient = world["recipient"]

    method, path, data = requests["save"]
    client.post(path, data)
    assert current_answer(recipient).general_comment == "Ny text"
    method, path, data = requests["comment_edit_own"]
    client.post(path, data)
    assert Comment.objects.get(pk=world["own"].pk).text == "Ändrad synpunkt"
    method, path, data = requests["comment_remove_coordinators"]
    client.post(path, data)
    assert not Comment.objects.filter(pk=world["coordinators"].pk).exists()
    method, path, data = requests["submit"]
    client.post(path, {"lock_version": current_answer(recipient).lock_version})
    assert current_answer(recipient).is_submitted


def _service_calls(world, actor):
    recipient = Recipient.objects.get(pk=world["recipient"].pk)
    block = blocks_of(world["consultation"])[0]
    own = Comment.objects.get(pk=world["own"].pk)
    coordinators = Comment.objects.get(pk=world["coordinators"].pk)
    answer = current_answer(recipient)

    def change(comment):
        return lambda: answers.comment_change(
            actor=actor, comment=comment, lock_version=1, type="medical", text="Ändrad"
        )

    def remove(comment):
        return lambda: answers.comment_remove(actor=actor, comment=comment, lock_version=1)

    return {
        "answer_save": lambda: answers.answer_save(
            actor=actor,
            recipient=recipient,
            lock_version=answer.lock_version,
            general_comment="Ny text",
        ),
        "comment_add": lambda: answers.comment_add(
            actor=actor, recipient=recipient, snapshot_block=block, type="medical", text="Ny"
        ),
        "comment_change_own": change(own),
        "comment_change_coordinators": change(coordinators),
        "comment_remove_own": remove(own),
        "comment_remove_coordinators": remove(coordinators),
        "answer_submit": lambda: answers.answer_submit(
            actor=actor, answer=answer, lock_version=answer.lock_version
        ),
        "answer_decline": lambda: answers.answer_decline(
            actor=actor, recipient=recipient, reason="Ingen tid."
        ),
    }


def outcome(call) -> object:
    point = transaction.savepoint()
    try:
        call()
    except Http404:
        return NOT_FOUND
    except PermissionDenied:
        return DENIED
    finally:
        transaction.savepoint_rollback(point)
    return OK


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_every_answer_service_gives_each_role_its_one_outcome(world, state):
    if state == "submitted":
        submitted(world)

    found = {
        actor: {
            name: outcome(call)
            for name, call in _service_calls(world, world["people"][actor]).items()
        }
        for actor in ACTORS
    }

    assert found == EXPECTED_SERVICES[state]


def test_a_submitted_answer_gives_the_reason_it_cannot_be_changed(world):
    submitted(world)
    coordinator = world["people"]["coordinator of the recipient"]

    for call in _service_calls(world, coordinator).values():
        with pytest.raises(answers.AnswerClosed, match="Svaret är inskickat"):
            call()


def test_an_anonymous_visitor_is_sent_to_sign_in_on_every_answer_url(world):
    for action, (method, path, data) in _view_requests(world).items():
        response = getattr(Client(), method)(path, data or {})
        assert response.status_code == 302, action
        assert response["Location"].startswith("/logga-in/?next="), action


# ---------------------------------------------------------------- guessed ids


def _all_urls(recipient, round_pk, organisation_pk, comment_pk, block_uid):
    """(method, url) for every answer URL under these ids, each by the methods it takes."""
    from django.urls import reverse

    kwargs = {"round_pk": round_pk, "organisation_pk": organisation_pk}
    comment = {**kwargs, "comment_pk": comment_pk}
    return [
        ("get", reverse("remiss:answer", kwargs=kwargs)),
        ("post", reverse("remiss:answer_save", kwargs=kwargs)),
        ("get", reverse("remiss:answer_submit", kwargs=kwargs)),
        ("post", reverse("remiss:answer_submit", kwargs=kwargs)),
        ("get", reverse("remiss:answer_decline", kwargs=kwargs)),
        ("post", reverse("remiss:answer_decline", kwargs=kwargs)),
        ("get", reverse("remiss:answer_impact_statement", kwargs=kwargs)),
        ("post", reverse("remiss:comment_add", kwargs={**kwargs, "block_uid": block_uid})),
        ("get", reverse("remiss:comment_edit", kwargs=comment)),
        ("post", reverse("remiss:comment_edit", kwargs=comment)),
        ("get", reverse("remiss:comment_remove", kwargs=comment)),
        ("post", reverse("remiss:comment_remove", kwargs=comment)),
    ]


def _assert_all_404(client, urls):
    data = {"lock_version": 1, "text": "x", "type": "medical", "reason": "x"}
    for method, url in urls:
        response = client.get(url) if method == "get" else client.post(url, data)
        assert response.status_code == 404, (method, url)


def test_a_round_that_does_not_exist_is_404_on_every_url(client_for, world):
    recipient = world["recipient"]
    urls = _all_urls(
        recipient, 987654, recipient.organisation_id, world["own"].pk, world["own"].block_uid
    )

    _assert_all_404(client_for(world["people"]["coordinator of the recipient"]), urls)


def test_an_organisation_that_is_not_a_recipient_is_404_even_for_its_own_coordinator(
    client_for, world
):
    outside = Organisation.objects.get(code=OUTSIDE)
    urls = _all_urls(
        world["recipient"],
        world["consultation"].pk,
        outside.pk,
        world["own"].pk,
        world["own"].block_uid,
    )

    _assert_all_404(client_for(world["people"]["coordinator of a region not asked"]), urls)


def test_another_regions_comment_is_404_through_this_regions_urls(client_for, world):
    other = recipient_of(world["consultation"], OTHER)
    theirs = add_comment(member("remiss_reviewer", OTHER), other, text="Skånes synpunkt")
    recipient = world["recipient"]
    client = client_for(world["people"]["coordinator of the recipient"])

    for name in ("remiss:comment_edit", "remiss:comment_remove"):
        path = answer_path(recipient, name, comment_pk=theirs.pk)
        assert client.get(path).status_code == 404
        assert (
            client.post(path, {"lock_version": 1, "type": "medical", "text": "x"}).status_code
            == 404
        )
    assert Comment.objects.get(pk=theirs.pk).text == "Skånes synpunkt"


def test_a_block_that_is_not_in_the_rounds_snapshot_is_404(client_for, world):
    client = client_for(world["people"]["reviewer of the recipient"])
    path = answer_path(world["recipient"], "remiss:comment_add", block_uid=uuid.uuid4())

    assert client.post(path, {"type": "medical", "text": "x"}).status_code == 404


def test_another_regions_draft_is_404_for_this_regions_coordinator_on_every_url(client_for, world):
    other = recipient_of(world["consultation"], OTHER)
    theirs = add_comment(member("remiss_reviewer", OTHER), other)
    save_answer(
        member("remiss_coordinator", OTHER), other, impact_statement=recognised(pdf_upload())
    )
    urls = _all_urls(
        other, other.consultation_id, other.organisation_id, theirs.pk, theirs.block_uid
    )

    _assert_all_404(client_for(world["people"]["coordinator of the recipient"]), urls)


def test_another_regions_draft_is_404_through_every_service(world):
    other = recipient_of(world["consultation"], OTHER)
    theirs = add_comment(member("remiss_reviewer", OTHER), other)
    stranger = world["people"]["coordinator of the recipient"]
    answer = current_answer(other)
    block = blocks_of(world["consultation"])[0]

    calls = [
        lambda: answers.answer_save(actor=stranger, recipient=other, lock_version=1),
        lambda: answers.answer_submit(actor=stranger, answer=answer, lock_version=1),
        lambda: answers.answer_decline(actor=stranger, recipient=other, reason="x"),
        lambda: answers.comment_add(
            actor=stranger, recipient=other, snapshot_block=block, type="medical", text="x"
        ),
        lambda: answers.comment_change(
            actor=stranger, comment=theirs, lock_version=1, type="medical", text="x"
        ),
        lambda: answers.comment_remove(actor=stranger, comment=theirs, lock_version=1),
    ]
    for call in calls:
        with pytest.raises(Http404):
            call()


def test_before_the_round_opens_the_answer_does_not_exist_for_its_writers(client_for, world):
    Consultation.objects.filter(pk=world["consultation"].pk).update(
        opens_on=timezone.localdate() + timedelta(days=10)
    )
    own = world["own"]
    urls = _all_urls(
        world["recipient"],
        world["consultation"].pk,
        world["recipient"].organisation_id,
        own.pk,
        own.block_uid,
    )

    _assert_all_404(client_for(world["people"]["coordinator of the recipient"]), urls)
    with pytest.raises(Http404):
        save_answer(world["people"]["coordinator of the recipient"], world["recipient"])
