"""Builders for the answer tests: a round opened through the real workflow step (R1's
`open_round`) on an edition with real text, the people who answer for an organisation, and
the answer services called as the views call them."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import User
from apps.authoring.models import Section, SnapshotBlock
from apps.authoring.workflow_states import EditionState as S
from apps.remiss import answers
from apps.remiss.models import Answer, Comment, Consultation, Recipient
from tests.authoring import helpers
from tests.factories import UserFactory, grant, organisation
from tests.remiss.helpers import open_round

HOME = "uppsala"  # the recipient whose answer is under test
OTHER = "skane"  # another recipient of the same round
OUTSIDE = "gotland"  # a region the round was not sent to

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
