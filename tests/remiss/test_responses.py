"""Responses (bemötanden): the authors of the owning NPO record one for every submitted
comment while the edition is in revision; the edition cannot leave revision forward while a
comment lacks one (a guard registered through the workflow's public registry); the response
page marks a comment whose block has changed since the snapshot."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.authoring import services as authoring_services
from apps.authoring.models import Block, Edition
from apps.authoring.workflow import guards_for
from apps.authoring.workflow_states import EditionState as S
from apps.core.models import AuditEntry
from apps.remiss import responses
from apps.remiss.models import Decision, Response
from apps.remiss.responses import ResponseConflict, response_record
from tests.authoring.helpers import assert_refused, footprint, person, publish, take
from tests.factories import npo
from tests.remiss.helpers import (
    close,
    comments_of,
    open_on_complete_edition,
    regions,
    round_in_revision,
    write_answer,
)

pytestmark = pytest.mark.django_db


def respond(r, comment, decision=Decision.ACCEPTED, motivation="Vi har ändrat texten.", **kw):
    return response_record(
        actor=r.author, comment=comment, decision=decision, motivation=motivation, **kw
    )


def respond_to_all(r):
    for comment in comments_of(r):
        respond(r, comment)


# ---------------------------------------------------------------- the guard


def test_the_guard_is_registered_on_every_step_that_leaves_revision_forward():
    assert responses.guarded_transitions() == ["submit_for_approval"]
    assert responses.responses_guard in guards_for("submit_for_approval")
    assert responses.responses_guard not in guards_for("abandon")


def test_leaving_revision_is_refused_with_the_count_and_nothing_changes():
    r = round_in_revision(answers=2, comments=6)
    before = (footprint(r.edition), Response.objects.count())

    assert_refused(
        r.author, r.edition, "submit_for_approval", because="12 synpunkter saknar bemötande."
    )

    assert (footprint(r.edition), Response.objects.count()) == before
    assert Edition.objects.get(pk=r.edition.pk).state == S.REVISION


def test_one_missing_response_is_named_in_the_singular():
    r = round_in_revision(answers=1, comments=2)
    respond(r, comments_of(r).first())

    assert_refused(
        r.author, r.edition, "submit_for_approval", because="1 synpunkt saknar bemötande."
    )


def test_the_step_is_allowed_once_every_comment_has_a_response():
    r = round_in_revision(answers=2, comments=3)
    respond_to_all(r)

    moved = take(r.author, r.edition, "submit_for_approval")

    assert moved.state == S.AWAITING_NPO_APPROVAL


def test_comments_of_a_draft_answer_need_no_response():
    r = open_on_complete_edition(recipients=regions(2))
    write_answer(r, regions(2)[0], 2)
    write_answer(r, regions(2)[1], 5, submit=False)
    r = close(r)
    for comment in comments_of(r).filter(answer__submitted_at__isnull=False):
        respond(r, comment)

    assert take(r.author, r.edition, "submit_for_approval").state == S.AWAITING_NPO_APPROVAL


def test_the_edition_page_greys_the_step_with_the_guards_reason(client_for):
    r = round_in_revision(answers=1, comments=3)

    page = client_for(r.author).get(r.edition.get_absolute_url())

    assert page.status_code == 200
    assert "3 synpunkter saknar bemötande." in page.content.decode()


# ---------------------------------------------------------------- the service


def test_an_author_records_a_response_with_an_audit_entry():
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    block = Block.objects.filter(edition=r.edition).first()

    response = respond(
        r, comment, Decision.PARTLY, "  Delvis: vi har förtydligat.  ", applied_block_uid=block.uid
    )

    response.refresh_from_db()
    assert (response.decision, response.motivation, response.applied_block_uid) == (
        Decision.PARTLY,
        "Delvis: vi har förtydligat.",
        block.uid,
    )
    assert response.responded_by == r.author and response.lock_version == 1
    entry = AuditEntry.objects.get(action="remiss.response_recorded")
    assert entry.actor == r.author and entry.details == {"decision": "partly"}


def test_a_response_is_changed_from_its_lock_version():
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    first = respond(r, comment)

    changed = respond(
        r,
        comment,
        Decision.NOT_ACCEPTED,
        "Vi står fast vid texten.",
        lock_version=first.lock_version,
    )

    assert changed.pk == first.pk and changed.lock_version == 2
    assert Response.objects.get().decision == Decision.NOT_ACCEPTED
    entry = AuditEntry.objects.get(action="remiss.response_changed")
    assert entry.details["decision"] == ["accepted", "not_accepted"]


def test_a_stale_lock_version_is_a_conflict_and_changes_nothing():
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    first = respond(r, comment)
    respond(r, comment, Decision.PARTLY, "Den andras text.", lock_version=first.lock_version)

    with pytest.raises(ResponseConflict) as info:
        respond(r, comment, Decision.NOT_ACCEPTED, "Min text.", lock_version=first.lock_version)

    assert info.value.current.motivation == "Den andras text."
    assert Response.objects.get().motivation == "Den andras text."


def test_creating_a_response_that_someone_else_already_created_is_a_conflict():
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    respond(r, comment, motivation="Först.")

    with pytest.raises(ResponseConflict):
        respond(r, comment, motivation="Sen.", lock_version=None)

    assert Response.objects.get().motivation == "Först."


@pytest.mark.parametrize(
    "who",
    ["npo_chair", "national_editor", "administrator", "remiss_coordinator", "other_author"],
)
def test_only_the_owning_npos_authors_respond(who):
    r = round_in_revision(answers=1, comments=1)
    actor = (
        person("author", area=npo("psykisk-halsa"))
        if who == "other_author"
        else person(who, name=who)
    )

    with pytest.raises(PermissionDenied):
        response_record(
            actor=actor, comment=comments_of(r).get(), decision="accepted", motivation="Ja."
        )

    assert not Response.objects.exists()


def test_no_response_outside_revision():
    r = round_in_revision(answers=1, comments=2)
    first, second = comments_of(r)
    respond(r, first)
    respond(r, second)
    take(r.author, r.edition, "submit_for_approval")

    with pytest.raises(PermissionDenied):
        respond(r, first, Decision.NOT_ACCEPTED, "För sent.", lock_version=1)

    assert Response.objects.get(comment=first).decision == Decision.ACCEPTED


def test_no_response_while_the_round_is_still_open():
    r = open_on_complete_edition(recipients=regions(1))
    write_answer(r, regions(1)[0], 1)

    with pytest.raises(PermissionDenied):
        respond(r, comments_of(r).get())


def test_a_comment_in_a_draft_answer_cannot_be_responded_to():
    r = open_on_complete_edition(recipients=regions(1))
    write_answer(r, regions(1)[0], 1, submit=False)
    r = close(r)

    with pytest.raises(PermissionDenied):
        respond(r, comments_of(r).get())


@pytest.mark.parametrize(
    "decision, motivation, applied, field",
    [
        ("", "Motivering.", None, "decision"),
        ("maybe", "Motivering.", None, "decision"),
        ("accepted", "", None, "motivation"),
        ("accepted", "   \n ", None, "motivation"),
        ("accepted", "x" * 10_001, None, "motivation"),
        ("accepted", "Motivering.", "00000000-0000-0000-0000-000000000000", "applied_block_uid"),
        ("accepted", "Motivering.", "inte-ett-block", "applied_block_uid"),
        ("not_accepted", "Motivering.", "LIVE", "applied_block_uid"),
    ],
)
def test_bad_input_is_refused_beside_its_field(decision, motivation, applied, field):
    r = round_in_revision(answers=1, comments=1)
    if applied == "LIVE":
        applied = Block.objects.filter(edition=r.edition).first().uid

    with pytest.raises(ValidationError) as info:
        respond(r, comments_of(r).get(), decision, motivation, applied_block_uid=applied)

    assert field in info.value.error_dict
    assert not Response.objects.exists()


def test_the_applied_block_must_be_of_the_edition_under_revision():
    r = round_in_revision(answers=1, comments=1)
    elsewhere = round_in_revision(answers=0)
    foreign = Block.objects.filter(edition=elsewhere.edition).first()

    with pytest.raises(ValidationError) as info:
        respond(r, comments_of(r).get(), applied_block_uid=foreign.uid)

    assert "applied_block_uid" in info.value.error_dict


# ---------------------------------------------------------------- the response page


def response_url(r, comment):
    return reverse("remiss:response", kwargs={"pk": r.consultation.pk, "comment_pk": comment.pk})


def post_data(**overrides):
    return {"decision": "accepted", "motivation": "Vi har skrivit om stycket.", **overrides}


def test_the_author_responds_from_the_response_page(client_for):
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    client = client_for(r.author)

    assert client.get(response_url(r, comment)).status_code == 200
    answer = client.post(response_url(r, comment), post_data())

    assert answer.status_code == 302
    assert answer.url == (
        reverse("remiss:comments", kwargs={"pk": r.consultation.pk}) + f"#synpunkt-{comment.pk}"
    )
    assert [str(m) for m in get_messages(answer.wsgi_request)] == ["Bemötandet är sparat."]
    assert Response.objects.get(comment=comment).motivation == "Vi har skrivit om stycket."


def test_save_and_next_leads_to_the_next_comment_without_a_response(client_for):
    r = round_in_revision(answers=1, comments=3)
    first, second, third = comments_of(r)
    respond(r, second)
    client = client_for(r.author)

    to_third = client.post(response_url(r, first), post_data(next="1"))
    assert to_third.status_code == 302 and to_third.url == response_url(r, third)
    back = client.post(response_url(r, third), post_data(next="1"))

    assert back.status_code == 302
    assert back.url.endswith(f"/synpunkter/#synpunkt-{third.pk}")
    assert Response.objects.count() == 3


def test_the_applied_block_is_chosen_among_the_live_blocks(client_for):
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    block = Block.objects.filter(edition=r.edition).first()
    client = client_for(r.author)

    page = client.get(response_url(r, comment)).content.decode()
    assert f'value="{block.uid}"' in page
    client.post(response_url(r, comment), post_data(applied_block_uid=str(block.uid)))

    assert Response.objects.get().applied_block_uid == block.uid


@pytest.mark.parametrize(
    "data, message",
    [
        (post_data(motivation=""), "Detta fält måste fyllas i."),
        (post_data(decision="kanske"), "Välj ett giltigt alternativ."),
        (post_data(motivation="   "), "Detta fält måste fyllas i."),
        (post_data(motivation="a\x00b"), "Null-tecken är inte tillåtna."),
        (post_data(applied_block_uid="inte-ett-block"), "Välj ett giltigt alternativ."),
    ],
)
def test_bad_input_on_the_page_answers_400_with_the_message(client_for, data, message):
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()

    answer = client_for(r.author).post(response_url(r, comment), data)

    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Response.objects.exists()


def test_not_accepted_with_an_applied_block_is_refused_by_the_service_on_the_page(client_for):
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    block = Block.objects.filter(edition=r.edition).first()

    answer = client_for(r.author).post(
        response_url(r, comment),
        post_data(decision="not_accepted", applied_block_uid=str(block.uid)),
    )

    assert answer.status_code == 400
    assert "inte tillgodoses har inget block" in answer.content.decode()


def test_a_conflict_answers_409_and_keeps_the_users_text(client_for):
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    client = client_for(r.author)
    other = person("author", name="Bertil Skribent")
    response_record(actor=other, comment=comment, decision="partly", motivation="Bertils text.")

    answer = client.post(response_url(r, comment), post_data(motivation="Min egen text."))

    assert answer.status_code == 409
    page = answer.content.decode()
    assert "Min egen text." in page and "Bertils text." in page
    assert Response.objects.get().motivation == "Bertils text."
    # Saving again from the conflict page (its lock_version) replaces the other's response.
    again = client.post(
        response_url(r, comment), post_data(motivation="Min egen text.", lock_version=1)
    )
    assert again.status_code == 302
    assert Response.objects.get().motivation == "Min egen text."


@pytest.mark.parametrize(
    "who, status",
    [
        ("npo_chair", 403),
        ("national_editor", 403),
        ("administrator", 403),
        ("remiss_coordinator", 403),  # of a recipient: reads, does not respond
        ("remiss_reviewer", 403),
        ("other_author", 404),
        ("no_role", 404),
        ("regional_editor", 404),
    ],
)
def test_who_may_open_the_response_page(client_for, who, status):
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    if who == "other_author":
        actor = person("author", area=npo("psykisk-halsa"))
    elif who == "no_role":
        actor = person()
    else:
        actor = person(who, name=who)  # regional roles are held in Uppsala, a recipient
    client = client_for(actor)

    assert client.get(response_url(r, comment)).status_code == status
    assert client.post(response_url(r, comment), post_data()).status_code == status
    assert not Response.objects.exists()


def test_the_response_page_signs_in_first(client):
    r = round_in_revision(answers=1, comments=1)

    answer = client.get(response_url(r, comments_of(r).get()))

    assert answer.status_code == 302 and "/logga-in/" in answer.url


def test_the_response_page_is_403_for_the_author_once_the_edition_has_moved_on(client_for):
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    respond(r, comment)
    take(r.author, r.edition, "submit_for_approval")

    assert client_for(r.author).get(response_url(r, comment)).status_code == 403


def test_guessed_draft_and_foreign_comment_ids_are_404(client_for):
    r = open_on_complete_edition(recipients=regions(2))
    write_answer(r, regions(2)[0], 1)
    draft = write_answer(r, regions(2)[1], 1, submit=False).comments.get()
    r = close(r)
    other = round_in_revision(answers=1, comments=1)
    foreign = comments_of(other).get()
    client = client_for(r.author)

    assert client.get(response_url(r, draft)).status_code == 404
    assert client.get(response_url(r, foreign)).status_code == 404
    missing = reverse("remiss:response", kwargs={"pk": r.consultation.pk, "comment_pk": 999999})
    assert client.get(missing).status_code == 404
    no_round = reverse("remiss:response", kwargs={"pk": 999999, "comment_pk": foreign.pk})
    assert client.get(no_round).status_code == 404


# ---------------------------------------------------------------- changed since the remiss


def test_the_response_page_marks_a_block_changed_or_removed_since_the_snapshot(client_for):
    r = round_in_revision(answers=1, comments=3)
    client = client_for(r.author)
    changed, removed, kept = comments_of(r)[:3]
    block = Block.objects.get(edition=r.edition, uid=changed.block_uid)
    authoring_services.block_save(
        actor=r.author,
        block=block,
        lock_version=block.lock_version,
        content={"body": "En helt ny formulering efter remissen."},
    )
    gone = Block.objects.get(edition=r.edition, uid=removed.block_uid)
    authoring_services.block_remove(actor=r.author, block=gone, lock_version=gone.lock_version)

    pages = {c: client.get(response_url(r, c)).content.decode() for c in (changed, removed, kept)}

    assert "Blocket har ändrats sedan remissen" in pages[changed]
    assert "Blocket har tagits bort sedan remissen" in pages[removed]
    assert "sedan remissen" not in pages[kept]
    # The block is shown as it went out; the live text is only among the blocks to choose.
    sent = pages[changed].split("Blocket som det skickades ut", 1)[1].split("</section>", 1)[0]
    assert "En helt ny formulering" not in sent and "ACE-hämmare" in sent


def test_the_comments_page_marks_changed_blocks_too(client_for):
    r = round_in_revision(answers=1, comments=1)
    comment = comments_of(r).get()
    block = Block.objects.get(edition=r.edition, uid=comment.block_uid)
    url = reverse("remiss:comments", kwargs={"pk": r.consultation.pk})
    client = client_for(r.author)
    assert "Blocket har ändrats sedan remissen" not in client.get(url).content.decode()

    authoring_services.block_save(
        actor=r.author, block=block, lock_version=block.lock_version, content={"body": "Nytt."}
    )

    assert "Blocket har ändrats sedan remissen" in client.get(url).content.decode()


def test_comments_follow_their_block_into_a_later_edition(client_for):
    r = round_in_revision(answers=1, comments=2)
    respond_to_all(r)
    publish(Edition.objects.get(pk=r.edition.pk))
    later = authoring_services.edition_start_new(
        actor=r.author, support=r.edition.support, kind="minor", change_summary="Språket."
    )
    changed, kept = comments_of(r)
    block = Block.objects.get(edition=later, uid=changed.block_uid)
    authoring_services.block_save(
        actor=r.author, block=block, lock_version=block.lock_version, content={"body": "Nytt."}
    )
    consultation = responses.consultation_for_reading(r.consultation.pk)

    assert responses.current_edition(consultation) == later
    reading = responses.read_round(consultation)
    marks = {item.comment.pk: item.block_change for item in reading.comments}
    assert marks == {changed.pk: "changed", kept.pk: ""}
    page = client_for(r.author).get(reverse("remiss:comments", kwargs={"pk": r.consultation.pk}))
    assert "Blocket har ändrats sedan remissen" in page.content.decode()


def test_the_later_editions_page_counts_the_earlier_rounds_comments_and_changed_blocks(
    client_for, django_assert_max_num_queries
):
    r = round_in_revision(answers=2, comments=3)
    respond_to_all(r)
    publish(Edition.objects.get(pk=r.edition.pk))
    later = authoring_services.edition_start_new(
        actor=r.author, support=r.edition.support, kind="minor", change_summary="Språket."
    )
    first = comments_of(r).first()
    on_first_block = comments_of(r).filter(block_uid=first.block_uid).count()
    block = Block.objects.get(edition=later, uid=first.block_uid)
    authoring_services.block_save(
        actor=r.author, block=block, lock_version=block.lock_version, content={"body": "Nytt."}
    )
    client = client_for(r.author)

    page = client.get(Edition.objects.get(pk=later.pk).get_absolute_url())

    html = page.content.decode()
    panel = html.split('class="panel earlier-round"', 1)[1].split("</section>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", panel).split())
    assert f"Synpunkter från remissen av version {r.edition.number}" in text
    blocks = comments_of(r).values("block_uid").distinct().count()
    assert f"6 synpunkter på {blocks} block följer med till den här versionen" in text
    assert f"Ändrade sedan remissen: 1 block med {on_first_block} synpunkter." in text
    assert "Borttagna sedan remissen: 0 block med 0 synpunkter." in text
    assert reverse("remiss:comments", kwargs={"pk": r.consultation.pk}) in panel
    # The edition that went on remiss keeps its own round's panel, not this one.
    published = client.get(Edition.objects.get(pk=r.edition.pk).get_absolute_url())
    assert "earlier-round" not in published.content.decode()
    # The panel's reads do not grow with the comments.
    with django_assert_max_num_queries(60):
        client.get(Edition.objects.get(pk=later.pk).get_absolute_url())


def test_the_earlier_round_is_not_shown_to_someone_who_may_not_read_its_answers(client_for):
    r = round_in_revision(answers=1, comments=1)
    respond_to_all(r)
    publish(Edition.objects.get(pk=r.edition.pk))
    later = authoring_services.edition_start_new(
        actor=r.author, support=r.edition.support, kind="minor", change_summary="Språket."
    )
    from apps.remiss.selectors import earlier_round_panel

    class Request:
        user = person("author", area=npo("psykisk-halsa"))

    assert earlier_round_panel(Request(), Edition.objects.get(pk=later.pk)) is None

    class AuthorRequest:
        user = r.author

    assert earlier_round_panel(AuthorRequest(), Edition.objects.get(pk=later.pk))["comments"] == 1
