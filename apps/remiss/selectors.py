"""Reads of the remiss for its pages: permission-aware lists with a constant number of
queries, and the statuses and dates as people read them."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import Organisation
from apps.authoring.models import Edition
from apps.authoring.snapshots import BlockStatus, block_statuses
from apps.authoring.workflow_states import EditionState

from .models import Comment, Consultation, Position, Recipient, RecipientStatus
from .permissions import may_manage_rounds, may_read_responses, register_rounds_q
from .services import day_in_swedish, next_window

WAITING = (RecipientStatus.INVITED, RecipientStatus.DRAFTING)
# An edition in one of these has not been sent on remiss (yet).
NEVER_SENT = frozenset(
    {EditionState.DRAFT, EditionState.INTERNAL_REVIEW, EditionState.READY_FOR_CONSULTATION}
)


def recipient_status(recipient: Recipient, today: date | None = None) -> str:
    """The stored status, or "late" for one still waiting after its own closing date."""
    today = today or timezone.localdate()
    if recipient.status in WAITING and today > recipient.closes_on:
        return RecipientStatus.LATE
    return recipient.status


def status_label(status: str) -> str:
    return str(RecipientStatus(status).label)


def days_left_text(closes_on: date, today: date | None = None, *, closed_on=None) -> str:
    """ "12 dagar kvar", "Sista dagen i dag", "Stängd 14 april"."""
    today = today or timezone.localdate()
    if closed_on is not None:
        return _("Stängd %(date)s") % {"date": day_in_swedish(closed_on, today)}
    left = (closes_on - today).days
    if left < 0:
        return _("Stängd %(date)s") % {"date": day_in_swedish(closes_on, today)}
    if left == 0:
        return _("Sista dagen i dag")
    return ngettext("%(days)s dag kvar", "%(days)s dagar kvar", left) % {"days": left}


def round_timing(consultation: Consultation, today: date | None = None) -> str:
    """How the round stands today, in one phrase."""
    today = today or timezone.localdate()
    if consultation.opens_on and consultation.opens_on > today and not consultation.closed_at:
        return _("Öppnar %(date)s") % {"date": day_in_swedish(consultation.opens_on, today)}
    closed_on = timezone.localdate(consultation.closed_at) if consultation.closed_at else None
    return days_left_text(consultation.closes_on, today, closed_on=closed_on)


def round_for_page(pk: int) -> Consultation:
    return Consultation.objects.select_related(
        "edition__support__programme_area", "snapshot", "opened_by", "closed_by"
    ).get(pk=pk)


@dataclass
class RecipientRow:
    recipient: Recipient | None
    organisation: Organisation
    status: str  # a RecipientStatus value, or "" for a region that was not asked
    label: str


@dataclass
class HealthcareRegionGroup:
    name: str
    rows: list


def _row(recipient: Recipient, today: date) -> RecipientRow:
    status = recipient_status(recipient, today)
    return RecipientRow(recipient, recipient.organisation, status, status_label(status))


def recipient_overview(consultation: Consultation, today: date | None = None) -> dict:
    """The regions as a grid grouped by healthcare region (regions not asked included, so the
    grid always shows all 21), the other organisations as a list, and the counts per status.
    Two queries, however many recipients."""
    today = today or timezone.localdate()
    recipients = list(
        Recipient.objects.filter(consultation=consultation)
        .select_related("organisation__parent", "extended_by")
        .order_by("organisation__name")
    )
    for recipient in recipients:
        recipient.consultation = consultation  # closes_on without a query per row
    by_org = {r.organisation_id: r for r in recipients}
    regions = Organisation.objects.regions().active().select_related("parent")
    groups: dict[str, HealthcareRegionGroup] = {}
    for region in sorted(regions, key=lambda o: ((o.parent.name if o.parent else "~"), o.name)):
        group_name = region.parent.name if region.parent else _("Utan sjukvårdsregion")
        group = groups.setdefault(group_name, HealthcareRegionGroup(group_name, []))
        recipient = by_org.pop(region.pk, None)
        if recipient is None:
            group.rows.append(RecipientRow(None, region, "", _("Inte tillfrågad")))
        else:
            group.rows.append(_row(recipient, today))
    # What is left: other bodies, and any region no longer active.
    others = [_row(r, today) for r in recipients if r.organisation_id in by_org]
    counts = {status: 0 for status, _label in RecipientStatus.choices}
    for recipient in recipients:
        counts[recipient_status(recipient, today)] += 1
    return {
        "groups": list(groups.values()),
        "others": others,
        "counts": [
            {"status": s, "label": status_label(s), "count": counts[s]}
            for s, _label in RecipientStatus.choices
        ],
        "total": len(recipients),
    }


def register_rounds(user) -> QuerySet[Consultation]:
    """Every round this user may see in the register, newest first, with the counts the
    register shows (recipients, answered, positions of the submitted answers) computed by the
    database: one query for the whole list."""
    submitted = Q(recipient_rows__answer__submitted_at__isnull=False)
    return (
        Consultation.objects.filter(register_rounds_q(user))
        .select_related("edition__support")
        .annotate(
            recipient_count=Count("recipient_rows", distinct=True),
            submitted_count=Count(
                "recipient_rows",
                filter=Q(recipient_rows__status=RecipientStatus.SUBMITTED),
                distinct=True,
            ),
            declined_count=Count(
                "recipient_rows",
                filter=Q(recipient_rows__status=RecipientStatus.DECLINED),
                distinct=True,
            ),
            yes_count=Count(
                "recipient_rows",
                filter=submitted & Q(recipient_rows__answer__position=Position.YES),
                distinct=True,
            ),
            reservations_count=Count(
                "recipient_rows",
                filter=submitted
                & Q(recipient_rows__answer__position=Position.YES_WITH_RESERVATIONS),
                distinct=True,
            ),
            no_count=Count(
                "recipient_rows",
                filter=submitted & Q(recipient_rows__answer__position=Position.NO),
                distinct=True,
            ),
        )
        .order_by("-opens_on", "-opened_at", "-pk")
    )


def answer_rate(consultation) -> int:
    """Per cent of the recipients that have submitted an answer (annotated rounds)."""
    if not consultation.recipient_count:
        return 0
    return round(100 * consultation.submitted_count / consultation.recipient_count)


def queue(today: date | None = None) -> dict:
    """The queue of the national editors: editions approved for remiss with the window each
    would go out in, and rounds opened for a later window. Two queries."""
    today = today or timezone.localdate()
    waiting = (
        Edition.objects.filter(state=EditionState.READY_FOR_CONSULTATION)
        .select_related("support__programme_area")
        .order_by("state_changed_at", "pk")
    )
    upcoming = (
        Consultation.objects.open()
        .filter(opens_on__gt=today)
        .select_related("edition__support__programme_area")
        .annotate(recipient_count=Count("recipient_rows"))
        .order_by("opens_on", "pk")
    )
    return {"waiting": list(waiting), "window": next_window(today=today), "upcoming": upcoming}


def edition_round_panel(request, edition) -> dict | None:
    """The edition page's panel: the latest round's dates and days left, its recipients as
    the round page's grid, how many submitted comments still lack a response, and links to
    the round, the comments on the text and the response table for those who may read them.
    A constant number of queries; none for an edition that has not been sent out."""
    if edition.state in NEVER_SENT:
        return None
    consultation = (
        Consultation.objects.filter(edition=edition)
        .select_related("edition__support__programme_area")
        .order_by("-opened_at", "-pk")
        .first()
    )
    if consultation is None:
        return None
    today = timezone.localdate()
    user = request.user
    reads_answers = may_read_responses(user, consultation)
    comments = (
        Comment.objects.filter(
            answer__recipient__consultation=consultation, answer__submitted_at__isnull=False
        ).aggregate(total=Count("pk"), missing=Count("pk", filter=Q(response__isnull=True)))
        if reads_answers
        else {"total": 0, "missing": 0}
    )
    return {
        "consultation": consultation,
        "timing": round_timing(consultation, today),
        "overview": recipient_overview(consultation, today),
        "may_manage": may_manage_rounds(user) and consultation.closed_at is None,
        "reads_answers": reads_answers,
        "comments": comments["total"],
        "missing": comments["missing"],
        "today": today,
    }


def earlier_round_panel(request, edition) -> dict | None:
    """On the edition worked on after a remiss of an earlier edition, before it is sent out
    itself: the comments of that round stay attached to their blocks (by uid), so the page
    says how many there are, on how many blocks, and how many of those blocks have changed
    or gone since the text was sent out (content hash against the snapshot), with links to
    the comments at their blocks and the response table. A constant number of queries."""
    if edition.state not in NEVER_SENT or edition.support.working_edition_id != edition.pk:
        return None
    consultation = (
        Consultation.objects.filter(edition__support_id=edition.support_id, closed_at__isnull=False)
        .exclude(edition_id=edition.pk)
        .select_related("edition__support__programme_area")
        .order_by("-closed_at", "-pk")
        .first()
    )
    if consultation is None or not may_read_responses(request.user, consultation):
        return None
    comments = list(
        Comment.objects.filter(
            answer__recipient__consultation=consultation, answer__submitted_at__isnull=False
        )
        .select_related("snapshot_block")
        .only("pk", "snapshot_block__uid", "snapshot_block__content_hash")
    )
    if not comments:
        return None
    frozen = {c.snapshot_block.uid: c.snapshot_block for c in comments}
    statuses = block_statuses(frozen.values(), edition)
    changed = {uid for uid, status in statuses.items() if status == BlockStatus.CHANGED}
    removed = {uid for uid, status in statuses.items() if status == BlockStatus.REMOVED}
    return {
        "consultation": consultation,
        "comments": len(comments),
        "blocks": len(frozen),
        "changed_blocks": len(changed),
        "removed_blocks": len(removed),
        "comments_on_changed": sum(1 for c in comments if c.snapshot_block.uid in changed),
        "comments_on_removed": sum(1 for c in comments if c.snapshot_block.uid in removed),
    }
