"""A recipient's answer to a round: the draft that the organisation's remiss coordinator and
reviewers write together (position, ambition level, general comment, their own impact
statement, and comments anchored to blocks of the text that went out), and the coordinator's
one submission, or decision to decline.

Who: the draft exists only for the coordinators and reviewers of the recipient organisation;
for everyone else the services raise Http404, exactly as the views answer for a guessed id.
Reviewers change their own comments, the coordinator changes everything and alone submits or
declines. What: a submitted or declined answer, or one in a closed round, changes no more
(the database refuses changes to a submitted answer as well)."""

import re
from datetime import date
from html.parser import HTMLParser

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.notifications import notify
from apps.core.uploads import safe_download_name

from .models import (
    AmbitionAnswer,
    Answer,
    Comment,
    CommentType,
    Position,
    Recipient,
    RecipientStatus,
)
from .permissions import (
    may_change_comment,
    may_coordinate_answer,
    may_read_answer,
    may_write_answer,
    round_has_opened,
)

AUDIT_ACTIONS = {
    "answer.saved": "Utkast till remissvar sparat",
    "answer.submitted": "Remissvar inskickat",
    "answer.declined": "Avstått från att svara på remissen",
    "answer.comment_added": "Synpunkt lagd till i remissvar",
    "answer.comment_changed": "Synpunkt i remissvar ändrad",
    "answer.comment_removed": "Synpunkt i remissvar borttagen",
}

NOTIFICATION_KINDS = {
    "remiss.answer_submitted": "En remissinstans har svarat på en remiss som jag har öppnat",
}

# The first version of an answer row, also the version a page shows before the row exists:
# a first save from two people at once then conflicts like any other.
FIRST_VERSION = 1

# Long texts are kept whole in the answer's history; the audit entry says what changed.
_AUDIT_TEXT_CHARS = 120


class AnswerConflict(Exception):
    """Someone saved the answer after this writer loaded it; `current` is what they saved."""

    def __init__(self, current: Answer):
        super().__init__(_("Någon annan har sparat svaret efter att du öppnade det."))
        self.current = current


class CommentConflict(Exception):
    """Someone changed the comment after this writer loaded it (or removed it: current None)."""

    def __init__(self, current: Comment | None):
        super().__init__(_("Någon annan har ändrat synpunkten efter att du öppnade den."))
        self.current = current


class AnswerClosed(PermissionDenied):
    """The answer can be read but changes no more: submitted, declined, or the round closed."""


# ---------------------------------------------------------------- rules shared with the forms


def answer_problems(
    *, position: str, position_motivation: str, ambition: str, ambition_motivation: str
) -> dict[str, str]:
    """What is wrong with these answers, by field; the same rules for the form and the
    services (a motivation where the answer is not a plain yes)."""
    problems = {}
    if position and position not in Position.values:
        problems["position"] = _("Välj ett av alternativen.")
    if ambition and ambition not in AmbitionAnswer.values:
        problems["ambition"] = _("Välj ett av alternativen.")
    if (
        position in (Position.YES_WITH_RESERVATIONS, Position.NO)
        and not position_motivation.strip()
    ):
        problems["position_motivation"] = _(
            "Skriv en motivering: den behövs när svaret inte är ett rent ja."
        )
    if ambition == AmbitionAnswer.NOT_REALISTIC and not ambition_motivation.strip():
        problems["ambition_motivation"] = _(
            "Skriv varför ambitionsnivån inte är realistisk här och nu."
        )
    return problems


class _TextContent(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def block_plain_text(html: str) -> str:
    """A snapshot block's text as the browser's textContent of its sanitised HTML: what
    remiss-quote.js counts a quote's start in, so that both sides agree on the offset."""
    parser = _TextContent()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts)


def locate_quote(plain: str, quote: str, start: int | None = None) -> tuple[str, int] | None:
    """Where `quote` stands in the block's text: (the passage as the text has it, its start),
    or None when the text does not hold it. A given start is kept when the quote is there;
    otherwise the occurrence nearest to it (or the first). A pasted quote may differ from the
    text in its white space (line breaks, several spaces)."""
    quote = quote.strip()
    if not quote:
        return None
    if start is not None and start >= 0 and plain[start : start + len(quote)] == quote:
        return quote, start
    words = quote.split()
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    matches = list(pattern.finditer(plain))
    if not matches:
        return None
    best = min(matches, key=lambda m: abs(m.start() - start)) if start is not None else matches[0]
    return plain[best.start() : best.end()], best.start()


def comment_problems(*, snapshot_block, type: str, text: str, quote: str, quote_start):
    """(problems by field, (quote, quote_start) as they will be stored)."""
    problems = {}
    if type not in CommentType.values:
        problems["type"] = _("Välj vilken typ av synpunkt det är.")
    if not text.strip():
        problems["text"] = _("Skriv synpunkten.")
    anchored = ("", None)
    if quote.strip():
        found = locate_quote(block_plain_text(snapshot_block.html), quote, quote_start)
        if found is None:
            problems["quote"] = _(
                "Citatet finns inte i blockets text. Markera orden i texten ovan, eller "
                "klistra in dem precis som de står där."
            )
        else:
            anchored = found
    return problems, anchored


def closes_on_text(day: date) -> str:
    return formats.date_format(day, "j F")


def late_message(recipient: Recipient) -> str:
    return _("Sista svarsdag var %(day)s. Be den nationella redaktionen om förlängning.") % {
        "day": closes_on_text(recipient.closes_on)
    }


def closed_reason(recipient: Recipient, answer: Answer | None) -> str:
    """Why this answer changes no more, or "" while it is an open draft."""
    if answer is not None and answer.is_submitted:
        return _("Svaret är inskickat och kan inte ändras längre.")
    if recipient.status == RecipientStatus.DECLINED:
        return _("Ni har avstått från att svara på remissen, så svaret kan inte ändras.")
    if recipient.status == RecipientStatus.SUBMITTED:
        return _("Svaret är inskickat och kan inte ändras längre.")
    if recipient.consultation.closed_at is not None:
        return _("Remissen är stängd, så svaret kan inte ändras längre.")
    return ""


def submit_problems(recipient: Recipient, answer: Answer | None, today: date) -> list[str]:
    """What stands between this answer and its submission, in the order to fix it."""
    if answer is None or not answer.position:
        problems = [
            _("Välj om ni ställer er bakom förslaget och spara svaret innan det skickas in.")
        ]
    else:
        problems = list(
            answer_problems(
                position=answer.position,
                position_motivation=answer.position_motivation,
                ambition=answer.ambition,
                ambition_motivation=answer.ambition_motivation,
            ).values()
        )
    if today > recipient.closes_on:
        problems.insert(0, late_message(recipient))
    return problems


# ---------------------------------------------------------------- helpers of the services


def _visible(actor, recipient: Recipient) -> None:
    """The draft does not exist for anyone outside the organisation, nor before the round
    opens (404, not 403); a submitted answer is read by more people, who still change
    nothing (403)."""
    if round_has_opened(recipient.consultation) and may_write_answer(actor, recipient):
        return
    answer = Answer.objects.filter(recipient_id=recipient.pk).first()
    if not may_read_answer(actor, recipient, answer):
        raise Http404
    raise PermissionDenied(_("Bara remissinstansens samordnare och granskare skriver svaret."))


def _locked_recipient(recipient: Recipient) -> Recipient:
    """The recipient row is the lock of its whole answer (the answer row may not exist yet);
    of=self, so that the round's and the organisation's rows are not locked along with it."""
    return (
        Recipient.objects.select_for_update(of=("self",))
        .select_related("consultation", "organisation")
        .get(pk=recipient.pk)
    )


def _locked_answer(recipient: Recipient) -> Answer | None:
    return Answer.objects.select_for_update().filter(recipient=recipient).first()


def _refuse_if_closed(recipient: Recipient, answer: Answer | None) -> None:
    reason = closed_reason(recipient, answer)
    if reason:
        raise AnswerClosed(reason)


def _scope(recipient: Recipient) -> str:
    return recipient.organisation.name


def _mark_drafting(recipient: Recipient, now) -> None:
    if recipient.status == RecipientStatus.INVITED:
        recipient.status = RecipientStatus.DRAFTING
        recipient.status_changed_at = now
        recipient.save(update_fields=["status", "status_changed_at"])


def _short(value):
    if isinstance(value, str):
        return Truncator(value).chars(_AUDIT_TEXT_CHARS)
    return value


def _short_changes(changes: dict) -> dict:
    return {field: [_short(before), _short(after)] for field, (before, after) in changes.items()}


def answer_url(recipient: Recipient) -> str:
    return reverse(
        "remiss:answer",
        kwargs={
            "round_pk": recipient.consultation_id,
            "organisation_pk": recipient.organisation_id,
        },
    )


# ---------------------------------------------------------------- the answer


def answer_save(
    *,
    actor,
    recipient: Recipient,
    lock_version: int,
    position: str = "",
    position_motivation: str = "",
    ambition: str = "",
    ambition_motivation: str = "",
    general_comment: str = "",
    impact_statement=None,
    remove_impact_statement: bool = False,
) -> Answer:
    """Save the draft answer. The first save of a recipient's answer creates it and marks the
    recipient as drafting. `impact_statement` is an uploaded document that DocumentField has
    recognised (it carries `.document_kind`)."""
    _visible(actor, recipient)
    with transaction.atomic():
        recipient = _locked_recipient(recipient)
        answer = _locked_answer(recipient)
        _refuse_if_closed(recipient, answer)
        current_version = answer.lock_version if answer is not None else FIRST_VERSION
        if lock_version != current_version:
            raise AnswerConflict(answer)
        problems = answer_problems(
            position=position,
            position_motivation=position_motivation,
            ambition=ambition,
            ambition_motivation=ambition_motivation,
        )
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        created = answer is None
        if created:
            answer = Answer(recipient=recipient, lock_version=FIRST_VERSION)
        changes = audit.apply_changes(
            answer,
            {
                "position": position,
                "position_motivation": position_motivation.strip(),
                "ambition": ambition,
                "ambition_motivation": ambition_motivation.strip(),
                "general_comment": general_comment.strip(),
            },
        )
        if impact_statement is not None:
            name = safe_download_name(impact_statement.name, impact_statement.document_kind)
            answer.impact_statement.save(name, impact_statement, save=False)
            changes["impact_statement"] = [answer.impact_statement_name, name]
            answer.impact_statement_name = name
        elif remove_impact_statement and answer.impact_statement_name:
            # The file stays on disk: the answer's history still points at it.
            changes["impact_statement"] = [answer.impact_statement_name, ""]
            answer.impact_statement = ""
            answer.impact_statement_name = ""
        answer.lock_version += 1
        answer.updated_by = actor
        answer.updated_at = now
        answer.save()
        _mark_drafting(recipient, now)
        audit.record(
            actor=actor,
            action="answer.saved",
            obj=answer,
            scope=_scope(recipient),
            details=_short_changes(changes),
        )
    return answer


def answer_submit(*, actor, answer: Answer, lock_version: int) -> Answer:
    """The coordinator sends the organisation's answer, once. Refused after the recipient's
    closing date (the round's, or its extension)."""
    recipient = answer.recipient
    _visible(actor, recipient)
    if not may_coordinate_answer(actor, recipient):
        raise PermissionDenied(_("Bara remissamordnaren kan skicka in svaret."))
    with transaction.atomic():
        recipient = _locked_recipient(recipient)
        answer = _locked_answer(recipient)
        _refuse_if_closed(recipient, answer)
        if answer is None or lock_version != answer.lock_version:
            raise AnswerConflict(answer)
        problems = submit_problems(recipient, answer, timezone.localdate())
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        answer.submitted_at = now
        answer.submitted_by = actor
        answer.lock_version += 1
        answer.save(update_fields=["submitted_at", "submitted_by", "lock_version"])
        recipient.status = RecipientStatus.SUBMITTED
        recipient.status_changed_at = now
        recipient.save(update_fields=["status", "status_changed_at"])
        audit.record(
            actor=actor,
            action="answer.submitted",
            obj=answer,
            scope=_scope(recipient),
            details={"position": answer.position, "ambition": answer.ambition},
        )
        _notify_opener(recipient, answer, actor)
    return answer


def _notify_opener(recipient: Recipient, answer: Answer, actor) -> None:
    """The national editor who opened the round follows its answers coming in."""
    consultation = recipient.consultation
    opener = consultation.opened_by
    if opener is None or opener.pk == getattr(actor, "pk", None):
        return
    edition = consultation.edition
    organisation = recipient.organisation.name
    notify(
        recipients=[opener],
        kind="remiss.answer_submitted",
        title=_("%(organisation)s har svarat på remissen om %(code)s %(number)s")
        % {"organisation": organisation, "code": edition.support.code, "number": edition.number},
        body=_(
            "%(organisation)s har skickat in sitt svar på remissen om %(title)s %(number)s "
            "(%(position)s, %(comments)s synpunkter). Inskickat av %(by)s. Du behöver inte göra "
            "något nu: svaren bearbetas när remissen har stängts."
        )
        % {
            "organisation": organisation,
            "title": edition.support.title,
            "number": edition.number,
            "position": answer.get_position_display().lower(),
            "comments": answer.comments.count(),
            "by": actor.full_name or actor.email,
        },
        url=answer_url(recipient),
    )


def answer_decline(*, actor, recipient: Recipient, reason: str) -> Recipient:
    """The coordinator declines to answer, with a reason that the round's page shows."""
    _visible(actor, recipient)
    if not may_coordinate_answer(actor, recipient):
        raise PermissionDenied(_("Bara remissamordnaren kan avstå från att svara."))
    with transaction.atomic():
        recipient = _locked_recipient(recipient)
        _refuse_if_closed(recipient, _locked_answer(recipient))
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": _("Skriv varför ni avstår från att svara.")})
        recipient.status = RecipientStatus.DECLINED
        recipient.declined_reason = reason
        recipient.status_changed_at = timezone.now()
        recipient.save(update_fields=["status", "declined_reason", "status_changed_at"])
        audit.record(
            actor=actor,
            action="answer.declined",
            obj=recipient,
            scope=_scope(recipient),
            details={"declined_reason": _short(reason)},
        )
    return recipient


# ---------------------------------------------------------------- comments


def comment_add(
    *,
    actor,
    recipient: Recipient,
    snapshot_block,
    type: str,
    text: str,
    quote: str = "",
    quote_start: int | None = None,
) -> Comment:
    """A comment at a block of the text that went out, optionally on a passage of it."""
    _visible(actor, recipient)
    if snapshot_block.snapshot_id != recipient.consultation.snapshot_id:
        raise Http404
    with transaction.atomic():
        recipient = _locked_recipient(recipient)
        answer = _locked_answer(recipient)
        _refuse_if_closed(recipient, answer)
        problems, (quote, quote_start) = comment_problems(
            snapshot_block=snapshot_block,
            type=type,
            text=text,
            quote=quote,
            quote_start=quote_start,
        )
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        if answer is None:
            answer = Answer.objects.create(recipient=recipient, lock_version=FIRST_VERSION)
        comment = Comment.objects.create(
            answer=answer,
            snapshot_block=snapshot_block,
            block_uid=snapshot_block.uid,
            quote=quote,
            quote_start=quote_start,
            type=type,
            text=text.strip(),
            author=actor,
        )
        _mark_drafting(recipient, now)
        audit.record(
            actor=actor,
            action="answer.comment_added",
            obj=comment,
            scope=_scope(recipient),
            details={"type": type, "text": _short(comment.text)},
        )
    return comment


def _comment_for_change(actor, comment: Comment) -> tuple[Recipient, Comment]:
    """Visibility, then the right to change this comment; then, locked, an open answer."""
    recipient = comment.answer.recipient
    _visible(actor, recipient)
    if not may_change_comment(actor, comment, recipient):
        raise PermissionDenied(
            _("Du kan ändra och ta bort dina egna synpunkter; remissamordnaren alla.")
        )
    return recipient, comment


def comment_change(
    *,
    actor,
    comment: Comment,
    lock_version: int,
    type: str,
    text: str,
    quote: str = "",
    quote_start: int | None = None,
) -> Comment:
    recipient, comment = _comment_for_change(actor, comment)
    with transaction.atomic():
        recipient = _locked_recipient(recipient)
        answer = _locked_answer(recipient)
        _refuse_if_closed(recipient, answer)
        current = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if current is None or current.lock_version != lock_version:
            raise CommentConflict(current)
        problems, (quote, quote_start) = comment_problems(
            snapshot_block=current.snapshot_block,
            type=type,
            text=text,
            quote=quote,
            quote_start=quote_start,
        )
        if problems:
            raise ValidationError(problems)
        changes = audit.apply_changes(
            current,
            {"type": type, "text": text.strip(), "quote": quote, "quote_start": quote_start},
        )
        current.lock_version += 1
        current.save(update_fields=[*changes, "lock_version", "updated_at"])
        audit.record(
            actor=actor,
            action="answer.comment_changed",
            obj=current,
            scope=_scope(recipient),
            details=_short_changes(changes),
        )
    return current


def comment_remove(*, actor, comment: Comment, lock_version: int) -> None:
    recipient, comment = _comment_for_change(actor, comment)
    with transaction.atomic():
        recipient = _locked_recipient(recipient)
        answer = _locked_answer(recipient)
        _refuse_if_closed(recipient, answer)
        current = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if current is None or current.lock_version != lock_version:
            raise CommentConflict(current)
        # Recorded first, while the comment still has its id for the entry.
        audit.record(
            actor=actor,
            action="answer.comment_removed",
            obj=current,
            scope=_scope(recipient),
            details={"type": current.type, "text": _short(current.text)},
        )
        current.delete()
