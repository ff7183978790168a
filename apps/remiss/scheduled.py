"""Periodic work of the remiss, for `manage.py run_scheduled` (cron): tell the recipients of a
round that opens today in a later window, remind the recipients who have not answered before
their own closing date, and close rounds whose closing date has passed. Each job is
idempotent and safe when two runs overlap."""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.authoring import workflow

from .models import Consultation, Recipient, RecipientStatus, ReminderSent
from .services import ANSWERED, announce_round, answer_url, day_in_swedish

WAITING = (RecipientStatus.INVITED, RecipientStatus.DRAFTING)


def reminder_days() -> tuple[int, ...]:
    return tuple(sorted(set(getattr(settings, "REMISS_REMINDER_DAYS", (7, 2))), reverse=True))


def announce_opening_consultations(today: date | None = None) -> str:
    """Rounds opened for a later window are announced on their opening day."""
    today = today or timezone.localdate()
    due = Consultation.objects.open().filter(announced_at__isnull=True, opens_on__lte=today)
    told = 0
    for consultation in due.select_related("edition__support", "opened_by"):
        with transaction.atomic():
            told += announce_round(consultation)
    return _("%(count)s mottagare fick besked om en remiss som öppnade") % {"count": told}


def send_reminders(today: date | None = None) -> str:
    """E-mail (and notify) the coordinators of every recipient that has neither answered nor
    declined, at each of REMISS_REMINDER_DAYS days before its own closing date: once per
    recipient, reminder and closing date (ReminderSent), so that a second run sends nothing
    and an extension, which moves the closing date, earns new reminders. A run that was
    missed catches up with the most pressing reminder only."""
    today = today or timezone.localdate()
    days = reminder_days()
    if not days:
        return _("inga påminnelser inställda")
    horizon = date.fromordinal(today.toordinal() + max(days))
    waiting = (
        Recipient.objects.filter(
            status__in=WAITING,
            consultation__closed_at__isnull=True,
            consultation__opens_on__lte=today,
        )
        .filter(
            Q(extended_until__isnull=False, extended_until__gte=today, extended_until__lte=horizon)
            | Q(
                extended_until__isnull=True,
                consultation__closes_on__gte=today,
                consultation__closes_on__lte=horizon,
            )
        )
        .select_related("consultation__edition__support", "organisation")
    )
    sent = 0
    due: list[tuple[Recipient, int]] = []
    for recipient in waiting:
        left = (recipient.closes_on - today).days
        reached = [d for d in days if left <= d]
        if not reached:
            continue
        claimed = _claim(recipient, reached)
        if claimed:
            due.append((recipient, min(reached)))
    if not due:
        return _("0 påminnelser")
    people = _answering_coordinators([r.organisation for r, _d in due])
    for recipient, _days in due:
        sent += _remind(recipient, people.get(recipient.organisation_id, []), today)
    return _("%(count)s påminnelser") % {"count": sent}


def _claim(recipient: Recipient, reached: list[int]) -> bool:
    """Record the reminders now due (and any missed before them); True when this run is the
    one that sends. The unique row decides between two runs at once."""
    claimed = False
    for days_before in reached:
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    recipient=recipient, days_before=days_before, closes_on=recipient.closes_on
                )
        except IntegrityError:
            continue
        claimed = True
    return claimed


def _answering_coordinators(organisations) -> dict[int, list]:
    from apps.accounts.selectors import role_holders_by_scope

    holders = role_holders_by_scope(role="remiss_coordinator", scopes=organisations)
    return {organisation.pk: users for organisation, users in holders.items()}


def _remind(recipient: Recipient, coordinators: list, today: date) -> int:
    from apps.core.notifications import notify

    consultation = recipient.consultation
    edition = consultation.edition
    left = (recipient.closes_on - today).days
    with transaction.atomic():
        return notify(
            recipients=coordinators,
            kind="remiss.reminder",
            title=_(
                "Påminnelse: %(organisation)s har inte svarat på %(code)s %(number)s. "
                "Sista svarsdag %(date)s."
            )
            % {
                "organisation": recipient.organisation.name,
                "code": edition.support.code,
                "number": edition.number,
                "date": day_in_swedish(recipient.closes_on, today),
            },
            body=(
                _("Det är %(left)s dagar kvar.") % {"left": left}
                if left != 1
                else _("Det är 1 dag kvar.")
            )
            + " "
            + _("Skicka in svaret på ”%(title)s”, eller meddela att ni avstår, senast %(date)s.")
            % {"title": edition.support.title, "date": day_in_swedish(recipient.closes_on, today)},
            url=answer_url(consultation, recipient.organisation),
        )


def close_due_consultations() -> str:
    """Close rounds whose closing date has passed, once no recipient's extension is still
    running. Idempotent and safe to run twice at once (see publish_due_editions)."""
    today = timezone.localdate()
    extended = Recipient.objects.filter(
        consultation=OuterRef("pk"), extended_until__gte=today
    ).exclude(status__in=ANSWERED)
    due = (
        Consultation.objects.past_closing_date(today)
        .filter(edition__state="in_consultation")
        .exclude(Exists(extended))
        .values_list("edition_id", "edition__lock_version")
        .distinct()
    )
    closed = 0
    for edition_id, lock_version in due:
        try:
            workflow.edition_transition(
                actor=None,
                edition=workflow.Edition(pk=edition_id),
                name="close_consultation",
                lock_version=lock_version,
                comment="Stängd automatiskt efter sista svarsdag.",
            )
        except (workflow.TransitionConflict, workflow.TransitionRefused):
            continue
        closed += 1
    return f"{closed} stängda"
