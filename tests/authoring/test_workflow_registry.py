"""The workflow's registries, used as another app uses them: a guard registered from a test
refuses the step with its reason and leaves nothing changed, is asked with the actor, greys
the button on the edition page with its reason, and is gone after its `with` block; an
effect gets the step's record and what it changes on the edition is saved; the forms of the
steps are registered like any other app's; the reason check is an argument, not a flag a
caller can slip into the data."""

import re

import pytest
from django.urls import reverse

from apps.authoring import workflow
from apps.authoring.models import Edition, EditionKind, EditionTransition
from apps.authoring.workflow import TRANSITIONS_BY_NAME, TransitionRefused
from apps.authoring.workflow_forms import PublishForm
from apps.authoring.workflow_states import EditionState as S
from apps.core.models import AuditEntry, Notification
from apps.remiss.forms import OpenConsultationForm
from tests.authoring import helpers
from tests.authoring.helpers import footprint, make_complete, move_to, person, take

pytestmark = pytest.mark.django_db

REASON = "Två remissynpunkter saknar svar."


@pytest.fixture
def people(db):
    return {
        "author": person("author", name="Anna Berg"),
        "co_author": person("author", name="Bertil Ek"),
        "chair": person("npo_chair", name="Cecilia Ordförande"),
        "editor": person("national_editor", name="Nora Redaktör"),
    }


@pytest.fixture
def draft(people):
    edition = helpers.working_edition(helpers.make_support(people["author"]))
    return make_complete(edition, people["author"])


class Objector:
    """A guard as another app writes one: keyword arguments only, and it remembers whom it
    was asked about."""

    def __init__(self, reasons=(REASON,), only_for=None):
        self.reasons = list(reasons)
        self.only_for = only_for
        self.calls: list[dict] = []

    def __call__(self, *, edition, transition, actor, data):
        self.calls.append(
            {"edition": edition, "transition": transition, "actor": actor, "data": dict(data)}
        )
        if self.only_for is not None and actor != self.only_for:
            return []
        return self.reasons


def step_url(edition, name):
    kwargs = {"code": edition.support.code, "major": edition.major, "minor": edition.minor}
    return reverse("authoring:edition_step", kwargs={**kwargs, "name": name})


def workflow_actions(html: str) -> dict[str, str]:
    """label -> the whole list item of that step in the edition page's workflow panel."""
    panel = re.search(r'<ul class="workflow-actions">(.*?)</ul>', html, re.S)
    assert panel, "no workflow actions on the page"
    items = {}
    for item in re.findall(r"<li>(.*?)</li>", panel.group(1), re.S):
        label = re.search(r'class="button[^"]*"[^>]*>([^<]+)<', item)
        assert label, item
        items[label.group(1).strip()] = item
    return items


# ---------------------------------------------------------------- guards


def test_a_registered_guard_refuses_the_step_with_its_reason_and_nothing_changes(
    people, draft, django_capture_on_commit_callbacks
):
    objector = Objector()
    before = footprint(draft)
    audit_before = AuditEntry.objects.count()

    with (
        workflow.registered_guard("submit_for_review", objector),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(TransitionRefused) as refused,
    ):
        take(people["author"], draft, "submit_for_review", comment="Klar.")

    assert refused.value.reasons == [REASON]
    assert footprint(draft) == before
    edition = Edition.objects.get(pk=draft.pk)
    assert (edition.state, edition.lock_version) == (S.DRAFT, draft.lock_version)
    assert not EditionTransition.objects.filter(edition=draft).exists()
    assert AuditEntry.objects.count() == audit_before
    assert not Notification.objects.exists()
    assert callbacks == []
    # Asked once, under the lock, with the actor, the step and what the caller sent.
    (call,) = objector.calls
    assert call["actor"] == people["author"]
    assert call["transition"] is TRANSITIONS_BY_NAME["submit_for_review"]
    assert call["edition"].pk == draft.pk
    assert call["data"]["comment"] == "Klar."


def test_a_guard_is_asked_about_the_actor_and_refuses_only_whom_it_objects_to(people, draft):
    objector = Objector(only_for=people["author"])
    with workflow.registered_guard("submit_for_review", objector):
        with pytest.raises(TransitionRefused):
            take(people["author"], draft, "submit_for_review")
        moved = take(people["co_author"], draft, "submit_for_review")
    assert moved.state == S.INTERNAL_REVIEW
    assert [call["actor"] for call in objector.calls] == [people["author"], people["co_author"]]


def test_a_guard_is_gone_after_its_with_block(people, draft):
    objector = Objector()
    with workflow.registered_guard("submit_for_review", objector):
        assert objector in workflow.guards_for("submit_for_review")
    assert objector not in workflow.guards_for("submit_for_review")
    assert take(people["author"], draft, "submit_for_review").state == S.INTERNAL_REVIEW
    assert objector.calls == []


def test_a_guard_is_not_asked_when_the_table_already_refuses(people, draft):
    objector = Objector()
    with workflow.registered_guard("submit_for_review", objector):
        reasons = workflow.refusal_reasons(
            people["chair"], draft, TRANSITIONS_BY_NAME["submit_for_review"]
        )
    assert reasons == ["Steget görs av skribent i programområdet."]
    assert objector.calls == []


def test_available_actions_ask_the_registered_guards_with_the_viewer(people, draft):
    objector = Objector()
    with workflow.registered_guard("submit_for_review", objector):
        actions = dict(workflow.available_actions(people["author"], draft))
    assert actions[TRANSITIONS_BY_NAME["submit_for_review"]] == [REASON]
    # Abandoning is not guarded: still open to the author.
    assert actions[TRANSITIONS_BY_NAME["abandon"]] == []
    (call,) = objector.calls
    assert call["actor"] == people["author"]
    assert call["data"] == {}  # nothing has been typed when the page is drawn

    actions = dict(workflow.available_actions(people["author"], draft))
    assert actions[TRANSITIONS_BY_NAME["submit_for_review"]] == []


def test_the_edition_page_greys_a_guarded_step_with_the_guards_reason(people, draft, client_for):
    client = client_for(people["author"])
    url = draft.get_absolute_url()
    with workflow.registered_guard("submit_for_review", Objector()):
        response = client.get(url)
    assert response.status_code == 200
    item = workflow_actions(response.content.decode())["Skicka till intern granskning"]
    assert 'aria-disabled="true"' in item
    assert REASON in item
    assert step_url(draft, "submit_for_review") not in item

    # Without the guard the same person gets the link.
    item = workflow_actions(client.get(url).content.decode())["Skicka till intern granskning"]
    assert 'aria-disabled="true"' not in item
    assert f'href="{step_url(draft, "submit_for_review")}"' in item


def test_the_step_page_shows_the_guards_reason_and_a_post_is_refused_with_it(
    people, draft, client_for
):
    client = client_for(people["author"])
    url = step_url(draft, "submit_for_review")
    before = footprint(draft)
    with workflow.registered_guard("submit_for_review", Objector()):
        page = client.get(url)
        posted = client.post(url, {"lock_version": draft.lock_version, "comment": ""})
    assert page.status_code == 200
    assert REASON in page.content.decode()
    assert posted.status_code == 400
    assert REASON in posted.content.decode()
    assert footprint(draft) == before


def test_a_guard_on_publishing_also_refuses_planning_the_publication(people, draft):
    from datetime import timedelta

    from django.utils import timezone

    approved = move_to(draft, S.APPROVED)
    with (
        workflow.registered_guard("publish", Objector(["Remissvaren är inte sammanställda."])),
        pytest.raises(TransitionRefused) as refused,
    ):
        workflow.edition_schedule_publication(
            actor=people["editor"],
            edition=approved,
            lock_version=approved.lock_version,
            publish_at=timezone.now() + timedelta(days=1),
        )
    assert refused.value.reasons == ["Remissvaren är inte sammanställda."]
    assert Edition.objects.get(pk=approved.pk).scheduled_publish_at is None


def test_registering_for_a_step_that_does_not_exist_is_an_error():
    with pytest.raises(ValueError):
        workflow.register_guard("teleport", Objector())
    with pytest.raises(ValueError):
        workflow.register_effect("publsh", lambda **kwargs: None)
    with pytest.raises(ValueError):
        workflow.register_form("teleport", PublishForm)
    assert workflow.guards_for("teleport") == ()


# ---------------------------------------------------------------- the reason check


def test_the_reason_check_is_an_argument_and_not_something_data_can_switch_off(people, draft):
    in_review = move_to(draft, S.INTERNAL_REVIEW)
    returning = TRANSITIONS_BY_NAME["return_from_internal_review"]
    chair = people["chair"]

    assert workflow.refusal_reasons(chair, in_review, returning) == ["Ange en motivering."]
    assert workflow.refusal_reasons(chair, in_review, returning, check_reason=False) == []
    for sneaky in ({"_check_comment": False}, {"check_reason": False}):
        assert workflow.refusal_reasons(chair, in_review, returning, sneaky) == [
            "Ange en motivering."
        ]
        with pytest.raises(TransitionRefused):
            take(chair, in_review, "return_from_internal_review", data=sneaky)


def test_the_completeness_check_already_made_for_the_page_is_not_run_again(people):
    incomplete = helpers.working_edition(helpers.make_support(people["author"], title="Tomt"))
    submit = TRANSITIONS_BY_NAME["submit_for_review"]

    assert workflow.refusal_reasons(people["author"], incomplete, submit)  # it runs the check
    given = workflow.refusal_reasons(people["author"], incomplete, submit, problems=["x", "y"])
    assert given == ["Kontrollen inför inskick har 2 punkter som inte är uppfyllda."]
    assert workflow.refusal_reasons(people["author"], incomplete, submit, problems=[]) == []


# ---------------------------------------------------------------- effects and forms


def test_an_effect_gets_the_steps_record_and_what_it_changes_on_the_edition_is_saved(people, draft):
    seen = {}

    def note_on_the_edition(*, edition, actor, data, record):
        seen.update(record=record, actor=actor, state=edition.state)
        edition.change_summary = "Skickad med en effekt."

    with workflow.registered_effect("submit_for_review", note_on_the_edition):
        take(people["author"], draft, "submit_for_review")

    record = seen["record"]
    assert isinstance(record, EditionTransition) and record.pk
    assert (record.name, record.from_state, record.to_state) == (
        "submit_for_review",
        S.DRAFT,
        S.INTERNAL_REVIEW,
    )
    assert seen["actor"] == people["author"]
    assert seen["state"] == S.INTERNAL_REVIEW  # already in its new state when the effect runs
    saved = Edition.objects.get(pk=draft.pk)
    assert saved.change_summary == "Skickad med en effekt."
    assert saved.state == S.INTERNAL_REVIEW


def test_the_builtin_effects_are_registered_like_any_other_apps_and_run_first():
    from apps.authoring import workflow_effects
    from apps.remiss import services as remiss

    assert workflow.effects_for("editorial_approve") == (workflow_effects.record_approval,)
    # Authoring's own come first, in this order; higher apps' (the search index) after.
    assert workflow.effects_for("publish")[:3] == (
        workflow_effects.cancel_planned_publication,
        workflow_effects.publish,
        workflow_effects.freeze_published_text,
    )
    opening = workflow.effects_for("open_consultation")
    assert opening[0] is workflow_effects.freeze_sent_text  # before remiss attaches it
    assert remiss.consultation_open_effect in opening[1:]
    assert workflow.effects_for("withdraw")[0] is workflow_effects.withdraw
    assert workflow.effects_for("return_from_editorial_review") == (
        workflow_effects.cancel_planned_publication,
    )
    abandon = workflow.effects_for("abandon")
    assert abandon[0] is workflow_effects.cancel_planned_publication
    assert remiss.consultation_close_effect in abandon[1:]
    assert workflow.effects_for("submit_for_review") == ()


def test_the_engine_does_not_branch_on_the_names_of_steps():
    import inspect

    source = inspect.getsource(workflow.edition_transition)
    for transition in TRANSITIONS_BY_NAME:
        assert f'"{transition}"' not in source, transition


def test_the_forms_of_the_steps_are_registered():
    assert workflow.form_for("publish") is PublishForm
    assert workflow.form_for("open_consultation") is OpenConsultationForm
    assert workflow.form_for("submit_for_review") is None


def test_publishing_now_through_the_registered_form_sets_the_dates_and_the_pointers(
    people, draft, client_for
):
    approved = move_to(draft, S.APPROVED)
    response = client_for(people["editor"]).post(
        step_url(approved, "publish"),
        {"lock_version": approved.lock_version, "when": "now", "next_review_date": "2031-01-31"},
    )
    assert response.status_code == 302
    published = Edition.objects.get(pk=approved.pk)
    assert published.state == S.PUBLISHED
    assert str(published.next_review_date) == "2031-01-31"
    assert published.published_at == published.state_changed_at
    assert published.last_substantive_change_at == published.published_at
    assert published.support.current_published_edition_id == published.pk


def test_a_minor_edition_keeps_the_date_of_its_last_substantive_change(people, draft):
    from apps.authoring import services

    first = take(people["editor"], move_to(draft, S.APPROVED), "publish")
    minor = services.edition_start_new(
        actor=people["author"], support=first.support, kind=EditionKind.MINOR, change_summary="."
    )
    second = take(people["editor"], move_to(minor, S.APPROVED), "publish")
    assert second.last_substantive_change_at == first.last_substantive_change_at
    assert Edition.objects.get(pk=first.pk).state == S.SUPERSEDED


def test_the_step_page_of_an_unknown_step_is_404(people, draft, client_for):
    response = client_for(people["author"]).get(step_url(draft, "teleport"))
    assert response.status_code == 404
