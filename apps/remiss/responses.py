"""The authors' side of a round: a response (bemötande) to every submitted comment, the guard
that keeps an edition in revision until every comment has one, and the reads behind the
comments page, the response table (remissammanställning) and its exports.

Everything here reads the snapshot that went out, never the live blocks, except to tell
whether a commented block has changed since (by content hash) and to name the block of the
text under revision where a comment was applied."""

import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.authoring.models import Block, Edition, Snapshot, SnapshotBlock, SnapshotSection
from apps.authoring.snapshots import BlockStatus, block_statuses, snapshot_blocks
from apps.authoring.workflow_states import EditionState
from apps.core import audit

from . import quotes
from .models import (
    AmbitionAnswer,
    Comment,
    CommentType,
    Consultation,
    Decision,
    Position,
    Recipient,
    RecipientStatus,
    Response,
)
from .permissions import may_respond
from .selectors import recipient_status, status_label

AUDIT_ACTIONS = {
    "remiss.response_recorded": "Synpunkt bemött",
    "remiss.response_changed": "Bemötande ändrat",
}

MOTIVATION_MAX_LENGTH = 10_000
MISSING = "missing"  # the response filter's "no response yet"


class ResponseConflict(Exception):
    """Someone else saved a response to this comment since the caller's page was drawn."""

    def __init__(self, current: Response):
        super().__init__(_("Någon annan har sparat ett bemötande av synpunkten."))
        self.current = current


# ---------------------------------------------------------------- the guard


def submitted_comments(edition: Edition):
    """Every comment in a submitted answer of any round of this edition (drafts never count)."""
    return Comment.objects.filter(
        answer__recipient__consultation__edition=edition, answer__submitted_at__isnull=False
    )


def missing_responses(edition: Edition) -> int:
    return submitted_comments(edition).filter(response__isnull=True).count()


def responses_guard(*, edition, transition, actor, data) -> list[str]:
    """Registered on the steps that take an edition forward out of revision: refused while
    a submitted comment of its rounds has no response. One COUNT, so the edition page can
    ask it when it draws the button."""
    missing = missing_responses(edition)
    if not missing:
        return []
    return [
        ngettext(
            "%(count)d synpunkt saknar bemötande.",
            "%(count)d synpunkter saknar bemötande.",
            missing,
        )
        % {"count": missing}
    ]


def guarded_transitions() -> list[str]:
    """The transitions that leave revision forward (not back, not abandoning the edition)."""
    from apps.authoring.workflow import TRANSITIONS

    return [
        t.name
        for t in TRANSITIONS
        if EditionState.REVISION in t.sources and t.target != EditionState.ABANDONED
    ]


# ---------------------------------------------------------------- the service


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def response_record(
    *,
    actor,
    comment: Comment,
    decision: str,
    motivation: str,
    applied_block_uid=None,
    lock_version: int | None = None,
) -> Response:
    """Record (or change) the authors' response to one submitted comment, while the edition
    is in revision. `lock_version` is the response's as the caller saw it (None: there was
    none); if someone else saved since, ResponseConflict carries what they saved."""
    consultation = Consultation.objects.select_related(
        "edition", "edition__support", "edition__support__programme_area"
    ).get(pk=comment.answer.recipient.consultation_id)
    if not may_respond(actor, consultation):
        raise PermissionDenied(
            _("Bemötanden skrivs av programområdets skribenter medan versionen bearbetas.")
        )
    motivation = (motivation or "").strip()
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = _("Välj ett beslut.")
    if not motivation:
        errors["motivation"] = _("Skriv en motivering.")
    elif len(motivation) > MOTIVATION_MAX_LENGTH:
        errors["motivation"] = _("Motiveringen får vara högst %(max)d tecken.") % {
            "max": MOTIVATION_MAX_LENGTH
        }
    if applied_block_uid in ("", None):
        applied_block_uid = None
    elif not _is_uuid(applied_block_uid):
        errors["applied_block_uid"] = _("Välj ett block i versionen som bearbetas.")
    elif decision == Decision.NOT_ACCEPTED:
        errors["applied_block_uid"] = _(
            "En synpunkt som inte tillgodoses har inget block där den tillämpats."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The edition's row first, as every transition takes it: no response slips in or
        # out while a step out of revision is counting them.
        edition = Edition.objects.select_for_update().get(pk=consultation.edition_id)
        if edition.state != EditionState.REVISION:
            raise PermissionDenied(_("Bemötanden skrivs medan versionen bearbetas efter remissen."))
        locked = Comment.objects.select_for_update().select_related("answer").get(pk=comment.pk)
        if not locked.answer.is_submitted:
            raise PermissionDenied(_("Bara synpunkter i inskickade remissvar bemöts."))
        if applied_block_uid is not None and not (
            Block.objects.filter(edition=edition, uid=applied_block_uid).exists()
        ):
            raise ValidationError(
                {"applied_block_uid": _("Välj ett block i versionen som bearbetas.")}
            )
        current = Response.objects.select_for_update().filter(comment=locked).first()
        if current is not None and current.lock_version != lock_version:
            raise ResponseConflict(current)
        now = timezone.now()
        values = {
            "decision": decision,
            "motivation": motivation,
            "applied_block_uid": applied_block_uid,
        }
        if current is None:
            response = Response.objects.create(
                comment=locked, responded_by=actor, responded_at=now, **values
            )
            action, details = "remiss.response_recorded", {"decision": decision}
        else:
            response = current
            changes = audit.apply_changes(response, values)
            if not changes:
                return response
            response.lock_version += 1
            response.responded_by = actor
            response.responded_at = now
            response.save(update_fields=[*values, "lock_version", "responded_by", "responded_at"])
            action = "remiss.response_changed"
            details = {k: v for k, v in changes.items() if k != "applied_block_uid"}
        audit.record(
            actor=actor,
            action=action,
            obj=response,
            scope=edition.support.programme_area.name,
            details=details,
        )
    return response


# ---------------------------------------------------------------- reading a round


@dataclass
class Filters:
    recipient: int | None = None  # a Recipient pk
    type: str = ""
    position: str = ""
    response: str = ""  # a Decision, or MISSING

    @property
    def active(self) -> bool:
        return bool(self.recipient or self.type or self.position or self.response)


@dataclass
class CommentItem:
    """One comment as the pages and the exports show it. The labels are looked up once per
    reading, not per row (a choice's label goes through the translation machinery)."""

    comment: Comment
    organisation: object
    section_title: str
    block_label: str
    quote_html: SafeString
    response: Response | None
    type_label: str = ""
    position_label: str = ""  # the answer's position
    decision_label: str = ""
    applied_block: Block | None = None
    # "" unchanged, "changed", "removed": the block in the text worked on now, by hash.
    block_change: str = ""


@dataclass
class BlockItem:
    block: SnapshotBlock
    number: int
    label: str
    html: SafeString
    change: str = ""
    comments: list[CommentItem] = field(default_factory=list)
    text: str = ""  # the text content of `html`, where quotes are found
    ranges: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class SectionItem:
    section: SnapshotSection
    blocks: list[BlockItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(b.comments) for b in self.blocks)

    @property
    def commented_blocks(self) -> list[BlockItem]:
        return [b for b in self.blocks if b.comments]


@dataclass
class RecipientSummary:
    recipient: Recipient
    status: str
    status_label: str
    answer: object  # the submitted Answer, or None: a draft's position is never shown
    comments: int = 0


@dataclass
class RoundReading:
    consultation: Consultation
    current_edition: Edition
    sections: list[SectionItem]
    comments: list[CommentItem]  # the ones the filters let through, in table order
    recipients: list[RecipientSummary]
    total: int  # every submitted comment of the round
    missing: int  # of those, how many lack a response
    types: list[tuple[str, int]]
    decisions: list[tuple[str, int]]
    positions: list[tuple[str, int]]
    ambitions: list[tuple[str, int]]
    status_counts: list[tuple[str, int]]
    filters: Filters = field(default_factory=Filters)

    @property
    def shown(self) -> int:
        return len(self.comments)

    @property
    def responded(self) -> int:
        return self.total - self.missing

    @property
    def submitted(self) -> list[RecipientSummary]:
        return [r for r in self.recipients if r.answer is not None]


def block_label(number: int, text: str) -> str:
    return f"{number}. {Truncator(text.strip()).chars(80)}"


def _changes(frozen, edition: Edition) -> dict:
    """uid -> "" (unchanged), "changed" or "removed": the block in `edition` compared with
    the snapshot's copy by content hash (a block the edition does not have is removed)."""
    return {
        uid: "" if status == BlockStatus.UNCHANGED else str(status)
        for uid, status in block_statuses(frozen, edition).items()
    }


def current_edition(consultation: Consultation) -> Edition:
    """The edition comments are followed into: the one worked on now (the edition under
    revision itself, or a later one), else the round's own edition."""
    return consultation.edition.support.working_edition or consultation.edition


def read_round(consultation: Consultation, filters: Filters | None = None) -> RoundReading:
    """Everything the comments page and the response table show, in a fixed number of
    queries however many answers and comments the round holds. `consultation` comes with
    edition and support selected (see `consultation_for_reading`)."""
    filters = filters or Filters()
    today = timezone.localdate()
    recipients = list(
        Recipient.objects.filter(consultation=consultation)
        .select_related("organisation", "answer", "consultation")
        .order_by("organisation__kind", "organisation__name")
    )
    summaries = {}
    for recipient in recipients:
        answer = getattr(recipient, "answer", None)
        status = recipient_status(recipient, today)
        summaries[recipient.pk] = RecipientSummary(
            recipient=recipient,
            status=status,
            status_label=status_label(status),
            answer=answer if answer is not None and answer.is_submitted else None,
        )
    everything = list(
        Comment.objects.filter(
            answer__recipient__consultation=consultation, answer__submitted_at__isnull=False
        ).values_list("answer__recipient_id", "type", "response__decision")
    )
    for recipient_id, _type, _decision in everything:
        summaries[recipient_id].comments += 1

    # The answers and organisations come with the recipients above: a comment row brings
    # only itself and its response.
    submitted_answers = {s.answer.pk: s for s in summaries.values() if s.answer is not None}
    comments = (
        Comment.objects.filter(
            answer__recipient__consultation=consultation, answer__submitted_at__isnull=False
        )
        .select_related("response")
        .order_by("answer__recipient__organisation__name", "created_at", "id")
    )
    if filters.recipient:
        comments = comments.filter(answer__recipient_id=filters.recipient)
    if filters.type:
        comments = comments.filter(type=filters.type)
    if filters.position:
        comments = comments.filter(answer__position=filters.position)
    if filters.response == MISSING:
        comments = comments.filter(response__isnull=True)
    elif filters.response:
        comments = comments.filter(response__decision=filters.response)
    comments = list(comments)

    snapshot = consultation.snapshot
    if snapshot is None:  # a round opened before snapshots: the one its comments are on
        snapshot = Snapshot.objects.filter(
            blocks__remiss_comments__answer__recipient__consultation=consultation
        ).first()
    sections = (
        list(SnapshotSection.objects.filter(snapshot=snapshot).order_by("position", "pk"))
        if snapshot
        else []
    )
    blocks = snapshot_blocks(snapshot) if snapshot else []
    current = current_edition(consultation)
    commented = {c.snapshot_block_id for c in comments}
    changes = _changes([b for b in blocks if b.pk in commented], current)
    applied = {
        c.response.applied_block_uid
        for c in comments
        if getattr(c, "response", None) is not None and c.response.applied_block_uid
    }
    live_by_uid = (
        {
            b.uid: b
            for b in Block.objects.filter(edition=current, uid__in=applied).select_related(
                "section"
            )
        }
        if applied
        else {}
    )

    by_section = {s.pk: SectionItem(section=s) for s in sections}
    by_block_pk = {}
    numbers = Counter()
    for sb in blocks:
        numbers[sb.section_id] += 1
        text = quotes.plain_text(sb.html)
        item = BlockItem(
            block=sb,
            number=numbers[sb.section_id],
            label=block_label(numbers[sb.section_id], text or sb.body),
            html=SafeString(sb.html),
            change=changes.get(sb.uid, ""),
            text=text,
        )
        by_block_pk[sb.pk] = item
        if sb.section_id in by_section:
            by_section[sb.section_id].blocks.append(item)

    type_labels = {value: str(label) for value, label in CommentType.choices}
    position_labels = {value: str(label) for value, label in Position.choices}
    decision_labels = {value: str(label) for value, label in Decision.choices}
    for comment in comments:
        summary = submitted_answers[comment.answer_id]
        comment.answer = summary.answer
        block = by_block_pk.get(comment.snapshot_block_id)
        if block is None:  # a comment on another snapshot's block: not this round's text
            continue
        at = quotes.locate(block.text, comment.quote, comment.quote_start)
        if at is not None:
            block.ranges.append((at, at + len(comment.quote)))
        response = getattr(comment, "response", None)
        block.comments.append(
            CommentItem(
                comment=comment,
                organisation=summary.recipient.organisation,
                section_title=by_section[block.block.section_id].section.title
                if block.block.section_id in by_section
                else "",
                block_label=block.label,
                quote_html=quotes.quote_in_context(block.text, comment.quote, at)
                if comment.quote
                else SafeString(""),
                response=response,
                type_label=type_labels.get(comment.type, comment.type),
                position_label=position_labels.get(summary.answer.position, ""),
                decision_label=decision_labels.get(response.decision, "") if response else "",
                applied_block=live_by_uid.get(response.applied_block_uid)
                if response is not None and response.applied_block_uid
                else None,
                block_change=block.change,
            )
        )
    for block in by_block_pk.values():
        if block.ranges:
            block.html = quotes.highlight_html(block.block.html, block.ranges)

    ordered = [c for s in by_section.values() for b in s.blocks for c in b.comments]
    submitted = [s for s in summaries.values() if s.answer is not None]
    return RoundReading(
        consultation=consultation,
        current_edition=current,
        sections=list(by_section.values()),
        comments=ordered,
        recipients=list(summaries.values()),
        total=len(everything),
        missing=sum(1 for _r, _t, decision in everything if decision is None),
        types=_counted(CommentType.choices, Counter(t for _r, t, _d in everything)),
        decisions=_counted(Decision.choices, Counter(d for _r, _t, d in everything)),
        positions=_counted(Position.choices, Counter(s.answer.position for s in submitted)),
        ambitions=_counted(AmbitionAnswer.choices, Counter(s.answer.ambition for s in submitted)),
        status_counts=_counted(
            RecipientStatus.choices, Counter(s.status for s in summaries.values())
        ),
        filters=filters,
    )


def _counted(choices, counter: Counter) -> list[tuple[str, int]]:
    return [(label, counter[value]) for value, label in choices if counter[value]]


def consultation_for_reading(pk: int) -> Consultation:
    return Consultation.objects.select_related(
        "edition__support__programme_area", "edition__support__working_edition", "snapshot"
    ).get(pk=pk)


def applicable_blocks(edition: Edition) -> list[tuple[str, str]]:
    """The live blocks of the edition under revision, as choices (uid, "Section – n. text")."""
    choices = []
    numbers = Counter()
    for block in (
        Block.objects.filter(edition=edition)
        .select_related("section")
        .order_by("section__position", "position")
    ):
        numbers[block.section_id] += 1
        choices.append(
            (
                str(block.uid),
                f"{block.section.title} – {block_label(numbers[block.section_id], block.body)}",
            )
        )
    return choices


def block_change(comment: Comment, consultation: Consultation) -> str:
    """For one comment (the response page): "", "changed" or "removed"."""
    return _changes([comment.snapshot_block], current_edition(consultation)).get(
        comment.snapshot_block.uid, ""
    )


def next_missing(consultation: Consultation) -> int | None:
    """The first submitted comment of the round without a response, in the table's order."""
    return (
        Comment.objects.filter(
            answer__recipient__consultation=consultation,
            answer__submitted_at__isnull=False,
            response__isnull=True,
        )
        .order_by(
            "snapshot_block__section__position",
            "snapshot_block__position",
            "answer__recipient__organisation__name",
            "created_at",
            "id",
        )
        .values_list("pk", flat=True)
        .first()
    )


def quoted_block(snapshot_block: SnapshotBlock, comment: Comment) -> tuple[SafeString, SafeString]:
    """The block as sent, with the comment's quote marked, and the quote in its context."""
    text = quotes.plain_text(snapshot_block.html)
    at = quotes.locate(text, comment.quote, comment.quote_start)
    if at is None:
        html = SafeString(snapshot_block.html)
    else:
        html = quotes.highlight_html(snapshot_block.html, [(at, at + len(comment.quote))])
    quote = quotes.quote_in_context(text, comment.quote, at) if comment.quote else SafeString("")
    return html, quote
