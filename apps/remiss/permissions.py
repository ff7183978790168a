"""The permission policy of remiss."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.accounts.permissions import has_role, scopes_of

from .models import Recipient

RECIPIENT_READER_ROLES = ("remiss_coordinator", "remiss_reviewer")


def edition_reader_rule(user) -> Q | None:
    """Registered with authoring's read policy: the coordinators and reviewers of an
    organisation that an edition was sent to read that edition from the day its round opens,
    and go on reading what was sent to them after the round has closed."""
    scopes = sorted({o.pk for role in RECIPIENT_READER_ROLES for o in scopes_of(user, role)})
    if not scopes:
        return None
    opened = Q(consultation__opens_on__isnull=True) | Q(
        consultation__opens_on__lte=timezone.localdate()
    )
    return Q(
        Exists(
            Recipient.objects.filter(
                opened, consultation__edition=OuterRef("pk"), organisation__in=scopes
            )
        )
    )


# ---------------------------------------------------------------- answers (R2)


def round_has_opened(consultation) -> bool:
    """Recipients see nothing of a round before its opening day, as the read rule above."""
    return consultation.opens_on is None or consultation.opens_on <= timezone.localdate()


def may_write_answer(user, recipient) -> bool:
    """A recipient's draft answer is its own coordinators' and reviewers' only: for everyone
    else, national editors and other recipients included, it does not exist (404)."""
    return any(has_role(user, role, recipient.organisation) for role in RECIPIENT_READER_ROLES)


def may_coordinate_answer(user, recipient) -> bool:
    """Submit, decline, and change every comment of the draft."""
    return has_role(user, "remiss_coordinator", recipient.organisation)


def may_change_comment(user, comment, recipient) -> bool:
    """Reviewers change their own comments in the draft; the coordinator changes all."""
    if may_coordinate_answer(user, recipient):
        return True
    return comment.author_id == user.pk and has_role(
        user, "remiss_reviewer", recipient.organisation
    )


def may_read_submitted_answers(user, consultation) -> bool:
    """A round's submitted answers, with their comments: the owning NPO's authors and chair,
    the national editors, the administrators, and the coordinators and reviewers of every
    recipient of the round. No one else, however signed in."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    if has_role(user, "national_editor") or has_role(user, "administrator"):
        return True
    area = consultation.edition.support.programme_area
    if has_role(user, "author", area) or has_role(user, "npo_chair", area):
        return True
    scopes = sorted({o.pk for role in RECIPIENT_READER_ROLES for o in scopes_of(user, role)})
    return bool(scopes) and (
        Recipient.objects.filter(consultation=consultation, organisation__in=scopes).exists()
    )


def may_read_answer(user, recipient, answer) -> bool:
    """The draft for its writers; once submitted, for every reader of submitted answers."""
    if not round_has_opened(recipient.consultation):
        return False
    if may_write_answer(user, recipient):
        return True
    return (
        answer is not None
        and answer.is_submitted
        and may_read_submitted_answers(user, recipient.consultation)
    )


# ---------------------------------------------------------------- rounds (R1)


def may_manage_rounds(user) -> bool:
    """Open a round, extend a recipient's time, see the queue: the national editors."""
    return bool(user is not None and has_role(user, "national_editor"))


def may_read_round(user, consultation) -> bool:
    """The round page (dates, recipients and their status, what went out): whoever may read
    the edition, which for a recipient begins on the opening day."""
    from apps.authoring.permissions import may_read_edition

    return may_read_edition(user, consultation.edition)


def may_see_queue(user) -> bool:
    return has_role(user, "national_editor") or has_role(user, "administrator")


def may_read_register(user) -> bool:
    """The register of rounds: national editors and administrators see every round, the
    authors and chairs of an NPO the rounds of their own supports."""
    return may_see_queue(user) or bool(scopes_of(user, "author") or scopes_of(user, "npo_chair"))


def register_rounds_q(user) -> Q:
    """The rounds of the register this user sees, as a filter on Consultation."""
    if may_see_queue(user):
        return Q(pk__isnull=False)
    areas = sorted({o.pk for role in ("author", "npo_chair") for o in scopes_of(user, role)})
    return Q(edition__support__programme_area__in=areas) if areas else Q(pk__in=[])


# ---------------------------------------------------------------- responses (R3)


def may_read_responses(user, consultation) -> bool:
    """The comments on the text that went out, the responses and the response table: read
    by whoever reads the round's submitted answers, a recipient from the opening day."""
    if not may_read_submitted_answers(user, consultation):
        return False
    if round_has_opened(consultation):
        return True
    from apps.authoring.permissions import may_read_edition

    return may_read_edition(user, consultation.edition)


def may_respond(user, consultation) -> bool:
    """Responses are written by the owning NPO's authors while the edition is in revision."""
    from apps.authoring.workflow_states import EditionState

    edition = consultation.edition
    return edition.state == EditionState.REVISION and has_role(
        user, "author", edition.support.programme_area
    )
