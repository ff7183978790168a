"""The one set of builders for the remiss tests (and the publishing tests that need a round):

- rounds opened through the real `open_consultation` step, as the national editor opens them
  from the edition's page (`open_round`, `ready_edition`, `round_data`);
- a round on an edition with real text, the people who answer for an organisation, and the
  answer services called as the views call them (`round_with_text`, `member`, `save_answer`,
  `add_comment`, `submit` ...);
- answers with comments written straight to the models for the responses and the response
  table (submitted as the database allows: comments first, then the answer's submitted_at),
  and the round closed through the real step into revision (`open_on_complete_edition`,
  `write_answer`, `close`, `round_in_revision`)."""

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.authoring.models import Edition, Section, SnapshotBlock
from apps.authoring.workflow_states import EditionState as S
from apps.remiss import answers, calendar
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
from tests.factories import UserFactory, grant, organisation

HOME = "uppsala"  # the recipient whose answer is under test
OTHER = "skane"  # another recipient of the same round
OUTSIDE = "gotland"  # a region the round was not sent to


def regions(count: int | None = None) -> list[Organisation]:
    """The active regions by name (all 21, or the first `count`)."""
    found = list(Organisation.objects.regions().active().order_by("name"))
    return found if count is None else found[:count]


# ---------------------------------------------------------------- rounds


def manual_closing_day(weeks: int = 6) -> date:
    """A closing day set by hand that the calendar accepts: a working day, weeks from now."""
    return calendar.next_working_day(timezone.localdate() + timedelta(weeks=weeks))


def ready_edition(author=None, area=None):
    """A fresh edition approved for remiss (the state set directly, for speed), of a support
    in `area` (default the heart NPO; the author must write there)."""
    author = author or person("author", area=area, name="Astrid Författare")
    edition = helpers.working_edition(helpers.make_support(author, area=area))
    return move_to(edition, S.READY_FOR_CONSULTATION)


def round_data(
    *,
    kind="remiss",
    window=None,
    opens_on=None,
    closes_on=None,
    recipients=None,
    dates_reason="Testomgång med egna datum.",
    cover_letter="",
    impact_statement=None,
) -> dict:
    """The step's data as the opening form gives it."""
    data = {"kind": kind, "cover_letter": cover_letter}
    if window is not None:
        data["window"] = window.key if hasattr(window, "key") else window
    else:
        data["window"] = "egna"
        data["opens_on"] = (opens_on or timezone.localdate()).isoformat()
        data["closes_on"] = (closes_on or manual_closing_day()).isoformat()
        data["dates_reason"] = dates_reason
    if recipients is not None:
        data["recipient_ids"] = [o.pk for o in recipients]
    if impact_statement is not None:
        data["impact_statement"] = impact_statement
    return data


def open_round(editor=None, edition=None, **opts) -> Consultation:
    """Open a round through the real `open_consultation` step and return it.

    opts: kind ("remiss" / "synpunktsinhamtning"), window (a calendar.Window or its key),
    opens_on / closes_on (dates set by hand; default today and a working day six weeks on),
    recipients (organisations; default all 21 regions), dates_reason, cover_letter,
    impact_statement (an uploaded file). Dates the service would refuse — a round that
    opened or closed in the past, for late answers and closed rounds — are set on the row
    after opening a valid round, as if time had passed."""
    editor = editor or person("national_editor", name="Nora Redaktör")
    edition = edition or ready_edition()
    today = timezone.localdate()
    opens_on, closes_on = opts.pop("opens_on", None), opts.pop("closes_on", None)
    in_the_past = (opens_on is not None and opens_on < today) or (
        closes_on is not None and closes_on <= today
    )
    if in_the_past:
        take(editor, edition, "open_consultation", data=round_data(**opts))
    else:
        data = round_data(opens_on=opens_on, closes_on=closes_on, **opts)
        take(editor, edition, "open_consultation", data=data)
    consultation = Consultation.objects.get(edition_id=edition.pk, closed_at__isnull=True)
    if in_the_past:
        changes = {}
        if opens_on is not None:
            changes["opens_on"] = opens_on
        if closes_on is not None:
            changes["closes_on"] = closes_on
        Consultation.objects.filter(pk=consultation.pk).update(**changes)
        consultation.refresh_from_db()
    return consultation


# ---------------------------------------------------------------- answers


TEXT_BLOCKS = (
    helpers.PARAGRAPH_START,
    helpers.PARAGRAPH_DOSE,
    helpers.PARAGRAPH_FOLLOW_UP,
)


def member(role: str, code: str, name: str = "") -> User:
    """A person holding a scoped role in the organisation with this code."""
    user = UserFactory(full_name=name or f"{role} {code}")
    grant(user, role, organisation(code))
    return User.objects.get(pk=user.pk)


def round_with_text(*, recipients=(HOME, OTHER), paragraphs=TEXT_BLOCKS, editor=None, **opts):
    """A round on an edition whose "Behandling" section holds these paragraphs, sent to the
    organisations with these codes. `opts` go to open_round (closes_on, opens_on, ...)."""
    author = helpers.person("author", name="Astrid Författare")
    edition = helpers.working_edition(helpers.make_support(author))
    section = Section.objects.get(edition=edition, key="behandling")
    for paragraph in paragraphs:
        helpers.add_block(author, section, paragraph)
    edition = helpers.move_to(edition, S.READY_FOR_CONSULTATION)
    return open_round(
        editor,
        edition,
        recipients=[organisation(code) for code in recipients],
        **opts,
    )


def recipient_of(consultation: Consultation, code: str = HOME) -> Recipient:
    return Recipient.objects.select_related("consultation", "organisation").get(
        consultation=consultation, organisation__code=code
    )


def blocks_of(consultation: Consultation) -> list[SnapshotBlock]:
    return list(
        SnapshotBlock.objects.filter(snapshot_id=consultation.snapshot_id).order_by(
            "section__position", "position"
        )
    )


def current_answer(recipient: Recipient) -> Answer | None:
    return Answer.objects.filter(recipient_id=recipient.pk).first()


def version_of(recipient: Recipient) -> int:
    answer = current_answer(recipient)
    return answer.lock_version if answer else answers.FIRST_VERSION


def save_answer(actor, recipient: Recipient, **values) -> Answer:
    """Save the draft on top of its current version, as the page would."""
    return answers.answer_save(
        actor=actor,
        recipient=Recipient.objects.get(pk=recipient.pk),
        lock_version=version_of(recipient),
        **values,
    )


def add_comment(actor, recipient: Recipient, block=None, **values) -> Comment:
    block = block or blocks_of(recipient.consultation)[0]
    values.setdefault("type", "medical")
    values.setdefault("text", "Dosen bör anges i mg per kg kroppsvikt.")
    return answers.comment_add(
        actor=actor,
        recipient=Recipient.objects.get(pk=recipient.pk),
        snapshot_block=block,
        **values,
    )


def submit(coordinator, recipient: Recipient) -> Answer:
    answer = current_answer(recipient)
    return answers.answer_submit(actor=coordinator, answer=answer, lock_version=answer.lock_version)


def answer_path(recipient: Recipient, name: str = "remiss:answer", **extra) -> str:
    return reverse(
        name,
        kwargs={
            "round_pk": recipient.consultation_id,
            "organisation_pk": recipient.organisation_id,
            **extra,
        },
    )


def pdf_upload(name: str = "konsekvenser.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% regionens konsekvensbeskrivning\n%%EOF\n")


def docx_upload(name: str = "konsekvenser.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def recognised(upload):
    """An upload as DocumentField hands it to the service."""
    from apps.core.uploads import document_kind

    upload.document_kind = document_kind(upload)
    return upload


def answer_form_data(recipient: Recipient, **values) -> dict:
    data = {
        "lock_version": version_of(recipient),
        "position": "yes",
        "position_motivation": "",
        "ambition": "realistic",
        "ambition_motivation": "",
        "general_comment": "",
    }
    data.update(values)
    return data


# ---------------------------------------------------------------- responses and the table


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
    for i, asked in enumerate(regions(answers)):
        write_answer(
            r,
            asked,
            comments,
            position=POSITIONS[i % len(POSITIONS)],
            **answer_opts,
        )
    return close(r)


def comments_of(r: Round):
    return Comment.objects.filter(answer__recipient__consultation=r.consultation).order_by("pk")
