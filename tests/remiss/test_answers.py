"""A recipient's answer through its services: the draft written together (lock_version keeps
two writers from overwriting each other), comments anchored to the frozen text and to a quoted
passage in it, the coordinator's one submission (refused after the closing date unless the
recipient has an extension), declining with a reason, and nothing changing afterwards."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from apps.authoring.models import Block
from apps.core.models import AuditEntry, Notification
from apps.remiss import answers
from apps.remiss.models import Answer, Comment, Recipient, RecipientStatus
from tests.remiss.helpers import (
    HOME,
    add_comment,
    blocks_of,
    current_answer,
    member,
    pdf_upload,
    recognised,
    round_with_text,
    save_answer,
    submit,
)

pytestmark = pytest.mark.django_db


def status_of(recipient) -> str:
    return Recipient.objects.get(pk=recipient.pk).status


# ---------------------------------------------------------------- the draft


def test_the_first_save_creates_the_answer_and_marks_the_recipient_drafting(reviewer, recipient):
    assert status_of(recipient) == RecipientStatus.INVITED

    answer = save_answer(reviewer, recipient, position="yes", general_comment=" Bra stöd. ")

    assert answer.position == "yes"
    assert answer.general_comment == "Bra stöd."
    assert answer.lock_version == answers.FIRST_VERSION + 1
    assert answer.updated_by == reviewer
    assert status_of(recipient) == RecipientStatus.DRAFTING
    assert AuditEntry.objects.filter(action="answer.saved", object_id=str(answer.pk)).exists()


def test_a_second_writer_with_a_stale_version_gets_a_conflict_and_nothing_is_overwritten(
    coordinator, reviewer, recipient
):
    save_answer(coordinator, recipient, general_comment="Coordinator's text")
    seen = current_answer(recipient).lock_version
    save_answer(coordinator, recipient, general_comment="Samordnarens nya text")

    with pytest.raises(answers.AnswerConflict) as conflict:
        answers.answer_save(
            actor=reviewer, recipient=recipient, lock_version=seen, general_comment="Min text"
        )

    assert conflict.value.current.general_comment == "Samordnarens nya text"
    assert current_answer(recipient).general_comment == "Samordnarens nya text"


def test_two_first_saves_at_once_conflict_too(coordinator, reviewer, recipient):
    answers.answer_save(
        actor=coordinator,
        recipient=recipient,
        lock_version=answers.FIRST_VERSION,
        general_comment="Först",
    )

    with pytest.raises(answers.AnswerConflict):
        answers.answer_save(
            actor=reviewer,
            recipient=recipient,
            lock_version=answers.FIRST_VERSION,
            general_comment="Samtidigt",
        )
    assert current_answer(recipient).general_comment == "Först"


def test_a_comment_before_the_first_save_does_not_make_the_page_stale(reviewer, recipient):
    add_comment(reviewer, recipient)

    answer = answers.answer_save(
        actor=reviewer, recipient=recipient, lock_version=answers.FIRST_VERSION, position="yes"
    )

    assert answer.position == "yes"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"position": "yes_with_reservations"}, "position_motivation"),
        ({"position": "no", "position_motivation": "   "}, "position_motivation"),
        ({"ambition": "not_realistic"}, "ambition_motivation"),
        ({"position": "maybe"}, "position"),
        ({"ambition": "sometimes"}, "ambition"),
    ],
)
def test_an_answer_that_needs_a_motivation_or_names_no_alternative_is_refused(
    reviewer, recipient, values, field
):
    with pytest.raises(ValidationError) as refused:
        save_answer(reviewer, recipient, **values)

    assert field in refused.value.message_dict
    assert current_answer(recipient) is None
    assert status_of(recipient) == RecipientStatus.INVITED


def test_a_plain_yes_and_a_realistic_ambition_need_no_motivation(reviewer, recipient):
    answer = save_answer(reviewer, recipient, position="yes", ambition="realistic")

    assert (answer.position, answer.ambition) == ("yes", "realistic")


def test_the_impact_statement_is_stored_under_a_random_name_and_can_be_removed(
    coordinator, recipient
):
    answer = save_answer(
        coordinator, recipient, impact_statement=recognised(pdf_upload("../../Vår analys.pdf"))
    )

    assert answer.impact_statement_name == "Vår analys.pdf"
    assert "analys" not in answer.impact_statement.name
    assert answer.impact_statement.name.startswith("remiss/")

    answer = save_answer(coordinator, recipient, remove_impact_statement=True)
    assert not answer.impact_statement
    assert answer.impact_statement_name == ""


# ---------------------------------------------------------------- comments and quotes


def test_a_comment_is_anchored_to_the_snapshot_block_and_its_uid(reviewer, recipient):
    block = blocks_of(recipient.consultation)[1]

    comment = add_comment(reviewer, recipient, block, type="ambition", text=" För dyrt. ")

    assert comment.snapshot_block == block
    assert comment.block_uid == block.uid
    assert (comment.type, comment.text, comment.author) == ("ambition", "För dyrt.", reviewer)
    assert status_of(recipient) == RecipientStatus.DRAFTING


def test_a_quote_keeps_its_passage_and_where_it_starts(reviewer, recipient):
    block = blocks_of(recipient.consultation)[1]
    plain = answers.block_plain_text(block.html)
    start = plain.index("500 mg")

    comment = add_comment(reviewer, recipient, block, quote="500 mg", quote_start=start)

    assert (comment.quote, comment.quote_start) == ("500 mg", start)


def test_the_server_finds_the_start_of_a_quote_given_without_one_or_with_a_wrong_one(
    reviewer, recipient
):
    block = blocks_of(recipient.consultation)[1]
    start = answers.block_plain_text(block.html).index("två gånger dagligen")

    without = add_comment(reviewer, recipient, block, quote="två gånger dagligen")
    wrong = add_comment(reviewer, recipient, block, quote="två gånger dagligen", quote_start=3)

    assert without.quote_start == start
    assert wrong.quote_start == start


def test_a_pasted_quote_with_other_white_space_is_stored_as_the_text_has_it(reviewer, recipient):
    block = blocks_of(recipient.consultation)[1]

    comment = add_comment(reviewer, recipient, block, quote="  Metformin\n500   mg  ")

    assert comment.quote == "Metformin 500 mg"
    assert comment.quote_start == 0


def test_of_two_occurrences_the_one_nearest_the_given_start_is_kept():
    plain = "Följ upp kalium. Följ upp kalium igen."

    assert answers.locate_quote(plain, "Följ upp kalium", 15) == ("Följ upp kalium", 17)
    assert answers.locate_quote(plain, "Följ upp kalium") == ("Följ upp kalium", 0)


def test_the_plain_text_is_the_text_content_of_the_sanitised_html():
    html = "<p>ACE-hämmare &amp; <strong>ARNI</strong></p>\n<ul><li>låg dos</li></ul>"

    assert answers.block_plain_text(html) == "ACE-hämmare & ARNI\nlåg dos"


@pytest.mark.parametrize("quote", ["Insulin 10 E", "500 mg tre gånger", "<p>Metformin"])
def test_a_quote_that_is_not_in_the_block_is_refused_beside_the_quote(reviewer, recipient, quote):
    block = blocks_of(recipient.consultation)[1]

    with pytest.raises(ValidationError) as refused:
        add_comment(reviewer, recipient, block, quote=quote)

    assert "Citatet finns inte i blockets text" in refused.value.message_dict["quote"][0]
    assert not Comment.objects.exists()


def test_a_quote_from_another_block_is_refused(reviewer, recipient):
    first, second, *_ = blocks_of(recipient.consultation)

    with pytest.raises(ValidationError):
        add_comment(reviewer, recipient, second, quote="ACE-hämmare eller ARNI")


@pytest.mark.parametrize(
    ("values", "field"),
    [({"text": "  "}, "text"), ({"type": "tone"}, "type"), ({"type": ""}, "type")],
)
def test_a_comment_without_text_or_with_an_unknown_type_is_refused(
    reviewer, recipient, values, field
):
    with pytest.raises(ValidationError) as refused:
        add_comment(reviewer, recipient, **values)

    assert field in refused.value.message_dict
    assert not Comment.objects.exists()
    assert current_answer(recipient) is None


def test_a_comment_stays_on_the_text_that_went_out_when_the_live_block_changes(reviewer, recipient):
    block = blocks_of(recipient.consultation)[0]
    live = Block.objects.get(uid=block.uid)
    Block.objects.filter(pk=live.pk).update(body="En helt annan text.")

    comment = add_comment(reviewer, recipient, block, quote="ACE-hämmare eller ARNI")

    assert comment.snapshot_block.html == block.html
    assert "ACE-hämmare" in comment.snapshot_block.html


def test_a_block_of_another_rounds_snapshot_is_not_found(reviewer, recipient, editor):
    elsewhere = blocks_of(round_with_text(editor=editor))[0]

    with pytest.raises(answers.Http404):
        add_comment(reviewer, recipient, elsewhere)


def test_a_reviewer_changes_and_removes_their_own_comment(reviewer, recipient):
    comment = add_comment(reviewer, recipient)

    changed = answers.comment_change(
        actor=reviewer,
        comment=comment,
        lock_version=comment.lock_version,
        type="editorial",
        text="Skriv ut förkortningen.",
        quote="ACE-hämmare",
    )
    assert (changed.type, changed.text, changed.quote) == (
        "editorial",
        "Skriv ut förkortningen.",
        "ACE-hämmare",
    )
    assert changed.lock_version == comment.lock_version + 1

    answers.comment_remove(actor=reviewer, comment=changed, lock_version=changed.lock_version)
    assert not Comment.objects.exists()
    assert AuditEntry.objects.filter(action="answer.comment_removed").count() == 1


def test_a_reviewer_cannot_change_or_remove_someone_elses_comment(coordinator, reviewer, recipient):
    other_reviewer = member("remiss_reviewer", HOME, "Greta Granskare")
    theirs = add_comment(other_reviewer, recipient, text="Deras text")
    coordinators = add_comment(coordinator, recipient, text="Samordnarens text")

    for comment in (theirs, coordinators):
        with pytest.raises(PermissionDenied):
            answers.comment_change(
                actor=reviewer,
                comment=comment,
                lock_version=comment.lock_version,
                type="medical",
                text="Min text",
            )
        with pytest.raises(PermissionDenied):
            answers.comment_remove(actor=reviewer, comment=comment, lock_version=1)
    assert sorted(Comment.objects.values_list("text", flat=True)) == [
        "Deras text",
        "Samordnarens text",
    ]


def test_the_coordinator_changes_and_removes_every_comment(coordinator, reviewer, recipient):
    comment = add_comment(reviewer, recipient)

    changed = answers.comment_change(
        actor=coordinator, comment=comment, lock_version=1, type="medical", text="Förtydligad."
    )
    answers.comment_remove(actor=coordinator, comment=changed, lock_version=changed.lock_version)

    assert not Comment.objects.exists()


def test_a_stale_comment_change_conflicts_and_keeps_the_saved_text(
    coordinator, reviewer, recipient
):
    comment = add_comment(reviewer, recipient, text="Första lydelsen")
    answers.comment_change(
        actor=coordinator, comment=comment, lock_version=1, type="medical", text="Samordnarens"
    )

    with pytest.raises(answers.CommentConflict) as conflict:
        answers.comment_change(
            actor=reviewer, comment=comment, lock_version=1, type="medical", text="Min ändring"
        )
    with pytest.raises(answers.CommentConflict):
        answers.comment_remove(actor=reviewer, comment=comment, lock_version=1)

    assert conflict.value.current.text == "Samordnarens"
    assert Comment.objects.get().text == "Samordnarens"


def test_changing_a_removed_comment_conflicts_with_nothing_to_show(
    coordinator, reviewer, recipient
):
    comment = add_comment(reviewer, recipient)
    answers.comment_remove(actor=coordinator, comment=comment, lock_version=1)

    with pytest.raises(answers.CommentConflict) as conflict:
        answers.comment_change(
            actor=reviewer, comment=comment, lock_version=1, type="medical", text="Min ändring"
        )

    assert conflict.value.current is None


# ---------------------------------------------------------------- submit and decline


def test_the_coordinator_submits_once_and_the_opener_is_told(
    coordinator, reviewer, recipient, editor
):
    add_comment(reviewer, recipient)
    save_answer(coordinator, recipient, position="yes", ambition="realistic")

    answer = submit(coordinator, recipient)

    assert answer.is_submitted
    assert answer.submitted_by == coordinator
    assert status_of(recipient) == RecipientStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="answer.submitted").count() == 1
    told = Notification.objects.get(kind="remiss.answer_submitted")
    assert told.recipient == editor
    assert "Region Uppsala" in told.title
    assert "1 synpunkter" in told.body
    assert "Cecilia Samordnare" in told.body
    assert told.url == f"/remiss/{recipient.consultation_id}/svar/{recipient.organisation_id}/"


def test_a_reviewer_cannot_submit_or_decline(reviewer, recipient):
    save_answer(reviewer, recipient, position="yes")

    with pytest.raises(PermissionDenied, match="Bara remissamordnaren"):
        submit(reviewer, recipient)
    with pytest.raises(PermissionDenied, match="Bara remissamordnaren"):
        answers.answer_decline(actor=reviewer, recipient=recipient, reason="Ingen tid.")
    assert status_of(recipient) == RecipientStatus.DRAFTING


def test_an_answer_without_a_position_cannot_be_submitted(coordinator, recipient):
    save_answer(coordinator, recipient, general_comment="Vi har inte bestämt oss.")

    with pytest.raises(ValidationError, match="Välj om ni ställer er bakom förslaget"):
        submit(coordinator, recipient)
    assert not current_answer(recipient).is_submitted


def test_a_stale_submit_conflicts(coordinator, reviewer, recipient):
    save_answer(coordinator, recipient, position="yes")
    seen = current_answer(recipient)
    save_answer(reviewer, recipient, position="no", position_motivation="Nej, för dyrt.")

    with pytest.raises(answers.AnswerConflict):
        answers.answer_submit(actor=coordinator, answer=seen, lock_version=seen.lock_version)
    assert not current_answer(recipient).is_submitted


def _past_closing_date(recipient, days=1):
    """As if time had passed: the round's closing date lies `days` behind us."""
    from apps.remiss.models import Consultation

    day = timezone.localdate() - timedelta(days=days)
    Consultation.objects.filter(pk=recipient.consultation_id).update(closes_on=day)
    return day


def test_submitting_after_the_closing_date_is_refused_with_a_clear_message(coordinator, recipient):
    save_answer(coordinator, recipient, position="yes")
    day = _past_closing_date(recipient)

    with pytest.raises(ValidationError) as refused:
        submit(coordinator, recipient)

    assert refused.value.messages == [
        f"Sista svarsdag var {answers.closes_on_text(day)}. "
        "Be den nationella redaktionen om förlängning."
    ]
    assert not current_answer(recipient).is_submitted


def test_the_closing_date_message_names_the_day_in_swedish():
    from datetime import date

    assert answers.closes_on_text(date(2026, 4, 14)) == "14 april"


def test_submitting_on_the_closing_day_itself_is_accepted(coordinator, recipient):
    from apps.remiss.models import Consultation

    save_answer(coordinator, recipient, position="yes")
    Consultation.objects.filter(pk=recipient.consultation_id).update(closes_on=timezone.localdate())

    assert submit(coordinator, recipient).is_submitted


def test_an_extension_lets_a_late_recipient_submit(coordinator, recipient):
    save_answer(coordinator, recipient, position="yes")
    _past_closing_date(recipient, days=3)
    Recipient.objects.filter(pk=recipient.pk).update(
        extended_until=timezone.localdate() + timedelta(days=7), extension_reason="Sjukdom."
    )

    assert submit(coordinator, recipient).is_submitted


def test_an_extension_that_has_also_passed_names_the_extended_day(coordinator, recipient):
    save_answer(coordinator, recipient, position="yes")
    _past_closing_date(recipient, days=10)
    extended = timezone.localdate() - timedelta(days=2)
    Recipient.objects.filter(pk=recipient.pk).update(extended_until=extended)

    with pytest.raises(
        ValidationError, match=f"Sista svarsdag var {answers.closes_on_text(extended)}"
    ):
        submit(coordinator, recipient)


def test_declining_needs_a_reason(coordinator, recipient):
    with pytest.raises(ValidationError) as refused:
        answers.answer_decline(actor=coordinator, recipient=recipient, reason="  ")

    assert "reason" in refused.value.message_dict
    assert status_of(recipient) == RecipientStatus.INVITED


def test_the_coordinator_declines_with_a_reason(coordinator, recipient):
    answers.answer_decline(actor=coordinator, recipient=recipient, reason="Berör inte oss.")

    stored = Recipient.objects.get(pk=recipient.pk)
    assert stored.status == RecipientStatus.DECLINED
    assert stored.declined_reason == "Berör inte oss."
    assert AuditEntry.objects.filter(action="answer.declined").count() == 1


# ---------------------------------------------------------------- nothing changes afterwards


def _every_change(coordinator, recipient, comment):
    answer = current_answer(recipient)
    block = blocks_of(recipient.consultation)[0]
    return {
        "save": lambda: answers.answer_save(
            actor=coordinator,
            recipient=recipient,
            lock_version=answer.lock_version,
            general_comment="Ändrat i efterhand",
        ),
        "submit": lambda: answers.answer_submit(
            actor=coordinator, answer=answer, lock_version=answer.lock_version
        ),
        "decline": lambda: answers.answer_decline(
            actor=coordinator, recipient=recipient, reason="Ändrat oss."
        ),
        "comment_add": lambda: answers.comment_add(
            actor=coordinator, recipient=recipient, snapshot_block=block, type="medical", text="Ny"
        ),
        "comment_change": lambda: answers.comment_change(
            actor=coordinator,
            comment=comment,
            lock_version=comment.lock_version,
            type="medical",
            text="Ändrad",
        ),
        "comment_remove": lambda: answers.comment_remove(
            actor=coordinator, comment=comment, lock_version=comment.lock_version
        ),
    }


@pytest.mark.parametrize(
    "change", ["save", "submit", "decline", "comment_add", "comment_change", "comment_remove"]
)
@pytest.mark.parametrize("how", ["submitted", "declined", "round closed"])
def test_a_closed_answer_refuses_every_change(coordinator, reviewer, recipient, change, how):
    comment = add_comment(reviewer, recipient, text="Synpunkten")
    save_answer(coordinator, recipient, position="yes")
    if how == "submitted":
        submit(coordinator, recipient)
    elif how == "declined":
        answers.answer_decline(actor=coordinator, recipient=recipient, reason="Ingen tid.")
    else:
        from apps.remiss.models import Consultation

        Consultation.objects.filter(pk=recipient.consultation_id).update(closed_at=timezone.now())
    before = (
        list(Answer.objects.values_list("general_comment", "lock_version", "submitted_at")),
        list(Comment.objects.values_list("text", "lock_version")),
        status_of(recipient),
    )

    with pytest.raises(answers.AnswerClosed):
        _every_change(coordinator, Recipient.objects.get(pk=recipient.pk), comment)[change]()

    after = (
        list(Answer.objects.values_list("general_comment", "lock_version", "submitted_at")),
        list(Comment.objects.values_list("text", "lock_version")),
        status_of(recipient),
    )
    assert after == before


def test_the_database_refuses_changes_to_a_submitted_answer_and_its_comments(
    coordinator, reviewer, recipient
):
    comment = add_comment(reviewer, recipient)
    save_answer(coordinator, recipient, position="yes")
    answer = submit(coordinator, recipient)

    with pytest.raises(DatabaseError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(general_comment="I smyg")
    with pytest.raises(DatabaseError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(text="I smyg")
    with pytest.raises(DatabaseError), transaction.atomic():
        Comment.objects.create(
            answer=answer,
            snapshot_block=comment.snapshot_block,
            block_uid=comment.block_uid,
            type="medical",
            text="I smyg",
        )
    assert Answer.objects.get(pk=answer.pk).general_comment == ""
