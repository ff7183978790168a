"""Builders for the responses and response-table tests: a round opened through the real
workflow step on a complete edition (so that its snapshot holds blocks), answers with
comments written straight to the models (submitted as the database allows: comments first,
then the answer's submitted_at), and the round closed through the real step into revision."""

from dataclasses import dataclass, field

from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.authoring.models import Edition, SnapshotBlock
from apps.authoring.workflow_states import EditionState as S
from apps.remiss.models import (
    AmbitionAnswer,
    Answer,
    Comment,
    CommentType,
    Consultation,
    Position,
    Recipient,
    RecipientStatus,
)
from apps.remiss.quotes import plain_text
from tests.authoring import helpers
from tests.authoring.helpers import make_complete, move_to, person, take
from tests.remiss.helpers import open_round

POSITIONS = [Position.YES, Position.YES_WITH_RESERVATIONS, Position.NO]
TYPES = [t for t, _label in CommentType.choices]


@dataclass
class Round:
    consultation: Consultation
    edition: Edition
    author: User
    chair: User
    editor: User
    blocks: list[SnapshotBlock] = field(default_factory=list)

    def refresh(self) -> "Round":
        self.edition = Edition.objects.get(pk=self.edition.pk)
        self.consultation = Consultation.objects.get(pk=self.consultation.pk)
        return self


def regions(count: int | None = None) -> list[Organisation]:
    found = list(Organisation.objects.regions().active().order_by("name"))
    return found if count is None else found[:count]


def open_on_complete_edition(*, recipients=None) -> Round:
    """A complete edition (every required section has a block) sent on remiss to
    `recipients` (default: all 21 regions) through the real open_consultation step."""
    author = person("author", name="Astrid Författare")
    chair = person("npo_chair", name="Olle Ordförande")
    editor = person("national_editor", name="Nora Redaktör")
    edition = make_complete(helpers.working_edition(helpers.make_support(author)), author)
    edition = move_to(edition, S.READY_FOR_CONSULTATION)
    consultation = open_round(editor, edition, recipients=recipients or regions())
    assert consultation.snapshot_id is not None, "opening a round takes the snapshot"
    blocks = list(
        SnapshotBlock.objects.filter(snapshot_id=consultation.snapshot_id).order_by(
            "section__position", "position"
        )
    )
    return Round(consultation, Edition.objects.get(pk=edition.pk), author, chair, editor, blocks)


def write_answer(
    r: Round,
    organisation: Organisation,
    comments: int = 3,
    *,
    submit: bool = True,
    position: str = Position.YES_WITH_RESERVATIONS,
    ambition: str = AmbitionAnswer.REALISTIC,
    texts=None,
    types=None,
    quote_words: int = 3,
) -> Answer:
    """One recipient's answer with `comments` comments spread over the snapshot's blocks,
    each quoting the first `quote_words` words of its block (0: no quote)."""
    recipient = Recipient.objects.get(consultation=r.consultation, organisation=organisation)
    answer = Answer.objects.create(
        recipient=recipient,
        position=position,
        position_motivation="" if position == Position.YES else "Vi har invändningar.",
        ambition=ambition,
        ambition_motivation="" if ambition == AmbitionAnswer.REALISTIC else "Saknar resurser.",
        general_comment="Övergripande synpunkt.",
    )
    rows = []
    for i in range(comments):
        block = r.blocks[i % len(r.blocks)]
        text = plain_text(block.html)
        quote = " ".join(text.split()[:quote_words]) if quote_words else ""
        start = text.find(quote) if quote else None
        rows.append(
            Comment(
                answer=answer,
                snapshot_block=block,
                block_uid=block.uid,
                quote=quote,
                quote_start=start,
                type=(types or TYPES)[i % len(types or TYPES)],
                text=(texts[i % len(texts)] if texts else f"Synpunkt {i + 1} från {organisation}."),
            )
        )
    Comment.objects.bulk_create(rows)
    if submit:
        now = timezone.now()
        Answer.objects.filter(pk=answer.pk).update(submitted_at=now)
        Recipient.objects.filter(pk=recipient.pk).update(
            status=RecipientStatus.SUBMITTED, status_changed_at=now
        )
    else:
        Recipient.objects.filter(pk=recipient.pk).update(status=RecipientStatus.DRAFTING)
    return Answer.objects.get(pk=answer.pk)


def close(r: Round) -> Round:
    """Close the round through the real step: the edition goes into revision."""
    take(r.editor, r.edition, "close_consultation")
    return r.refresh()


def round_in_revision(answers: int = 2, comments: int = 3, **answer_opts) -> Round:
    """A round to all 21 regions, `answers` of them submitted with `comments` comments each,
    closed into revision."""
    r = open_on_complete_edition()
    for i, organisation in enumerate(regions(answers)):
        write_answer(
            r,
            organisation,
            comments,
            position=POSITIONS[i % len(POSITIONS)],
            **answer_opts,
        )
    return close(r)


def comments_of(r: Round):
    return Comment.objects.filter(answer__recipient__consultation=r.consultation).order_by("pk")
