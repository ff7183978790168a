"""The consultation rounds: opened and closed as effects of the edition's transitions, inside
the same transaction; an extension for one recipient; the recipients told when their round
opens. (The answers are in answers.py, the responses in responses.py.)"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import OTHER_BODY_KINDS, Organisation, OrganisationKind
from apps.accounts.selectors import role_holders_by_scope
from apps.core import audit
from apps.core.notifications import notify
from apps.core.uploads import document_kind, safe_download_name

from . import calendar
from .models import Consultation, ConsultationKind, Recipient, RecipientStatus
from .permissions import may_manage_rounds

AUDIT_ACTIONS = {
    "consultation.opened": gettext_lazy("Remiss öppnad"),
    "consultation.closed": gettext_lazy("Remiss stängd"),
    "recipient.extended": gettext_lazy("Svarstiden förlängd för en remissinstans"),
}

NOTIFICATION_KINDS = {
    "remiss.opened": gettext_lazy("En remiss har kommit till min organisation"),
    "remiss.extended": gettext_lazy("Min organisation har fått längre tid att svara på en remiss"),
    "remiss.reminder": gettext_lazy("Påminnelse inför sista svarsdag för en remiss"),
}

# The form's value for "dates set by hand" among the calendar's windows.
MANUAL = "egna"
# How many coming windows of each kind the national editor chooses among.
OFFERED_WINDOWS = {ConsultationKind.REMISS: 4, ConsultationKind.FEEDBACK_ROUND: 8}
MAX_DAYS_AHEAD = 366
COVER_LETTER_MAX = 20_000
# Who answers for a recipient, and so who hears of its round.
ANSWERING_ROLES = ("remiss_coordinator", "remiss_reviewer")
# A recipient that has answered (or said it will not) is not asked or reminded again.
ANSWERED = frozenset({RecipientStatus.SUBMITTED, RecipientStatus.DECLINED})


def offered_windows(kind: str, today: date | None = None) -> list[calendar.Window]:
    """The calendar's coming windows of a kind, as the opening form offers them."""
    today = today or timezone.localdate()
    return calendar.coming_windows(kind, today, OFFERED_WINDOWS.get(kind, 4))


def next_window(kind: str = ConsultationKind.REMISS, today: date | None = None):
    """The window an edition approved for remiss today would go out in."""
    return calendar.coming_windows(kind, today or timezone.localdate(), 1)[0]


def day_in_swedish(day: date, today: date | None = None) -> str:
    """ "14 april", with the year when it is not this year's."""
    same_year = day.year == (today or timezone.localdate()).year
    return date_format(day, "j F" if same_year else "j F Y")


# ---------------------------------------------------------------- opening


@dataclass(frozen=True)
class RoundPlan:
    """What a round will be, checked: the dates (a window of the calendar or set by hand
    with a reason), the recipients, and what goes out with the text."""

    kind: str
    opens_on: date
    closes_on: date
    window: calendar.Window | None
    dates_reason: str
    organisations: list = field(default_factory=list)
    cover_letter: str = ""
    impact_statement: object = None
    impact_statement_kind: str = ""


def _parse_day(value) -> date | None:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    return date.fromisoformat(text)  # ValueError for anything else


def _plan_dates(kind: str, data: dict, today: date, errors: dict) -> tuple:
    """(opens_on, closes_on, window, reason), with what is wrong put in `errors`."""
    key = str(data.get("window") or "").strip()
    if key and key != MANUAL:
        window = next((w for w in offered_windows(kind, today) if w.key == key), None)
        if window is None:
            errors["window"] = _(
                "Välj ett av de kommande fönstren för %(kind)s, eller egna datum."
            ) % {"kind": ConsultationKind(kind).label.lower()}
            return None, None, None, ""
        return window.opens_on, window.closes_on, window, ""
    try:
        opens_on = _parse_day(data.get("opens_on")) or today
    except ValueError:
        errors["opens_on"] = _(
            "Ange dagen då remissen öppnar som ett datum, till exempel %(ex)s."
        ) % {"ex": today.isoformat()}
        opens_on = None
    try:
        closes_on = _parse_day(data.get("closes_on"))
    except ValueError:
        closes_on = None
    if closes_on is None:
        errors["closes_on"] = _("Ange sista svarsdag.")
    reason = str(data.get("dates_reason") or "").strip()
    if opens_on is None or closes_on is None:
        return opens_on, closes_on, None, reason
    if opens_on < today:
        errors["opens_on"] = _("Remissen kan inte öppna före i dag.")
    if closes_on <= today:
        errors["closes_on"] = _("Sista svarsdag måste ligga efter i dag.")
    elif closes_on <= opens_on:
        errors["closes_on"] = _("Sista svarsdag måste ligga efter dagen då remissen öppnar.")
    elif closes_on > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["closes_on"] = _("Sista svarsdag kan ligga högst ett år fram.")
    else:
        errors.update(calendar.manual_dates_problems(opens_on, closes_on))
    window = next(
        (
            w
            for w in calendar.windows_of_year(kind, opens_on.year)
            if (w.opens_on, w.closes_on) == (opens_on, closes_on)
        ),
        None,
    )
    if window is None and not reason:
        errors["dates_reason"] = _("Ange varför remissen inte går ut i ett av kalenderns fönster.")
    return opens_on, closes_on, window, reason if window is None else ""


def _plan_recipients(kind: str, data: dict, errors: dict) -> list:
    ids = data.get("recipient_ids")
    if ids is None:
        return list(Organisation.objects.regions().active())
    try:
        ids = sorted({int(pk) for pk in ids})
    except (TypeError, ValueError):
        ids = []
    organisations = list(Organisation.objects.filter(pk__in=ids, is_active=True))
    if not organisations:
        errors[NON_FIELD_ERRORS] = _("Välj minst en mottagare.")
        return []
    allowed = {OrganisationKind.REGION, *OTHER_BODY_KINDS}
    if len(organisations) != len(ids) or any(o.kind not in allowed for o in organisations):
        errors[NON_FIELD_ERRORS] = _("Bara aktiva regioner och remissinstanser kan få en remiss.")
    if kind == ConsultationKind.FEEDBACK_ROUND and any(
        o.kind != OrganisationKind.REGION for o in organisations
    ):
        errors["organisations"] = _(
            "En synpunktsinhämtning går bara till regionerna. Ta bort de andra "
            "organisationerna, eller välj remiss."
        )
    return organisations


def plan_round(data: dict, *, today: date | None = None) -> RoundPlan:
    """Check what the national editor asked for; ValidationError naming the fields else.
    Used by the opening form (messages beside the fields) and again by the opening itself,
    so that no caller can open a round the form would refuse."""
    today = today or timezone.localdate()
    kind = data.get("kind") or ConsultationKind.REMISS
    if kind not in ConsultationKind.values:
        raise ValidationError({"kind": _("Okänd typ av remiss.")})
    errors: dict[str, str] = {}
    opens_on, closes_on, window, reason = _plan_dates(kind, data, today, errors)
    organisations = _plan_recipients(kind, data, errors)
    cover_letter = str(data.get("cover_letter") or "").strip()
    if len(cover_letter) > COVER_LETTER_MAX:
        errors["cover_letter"] = _("Följebrevet får vara högst %(max)s tecken.") % {
            "max": COVER_LETTER_MAX
        }
    upload = data.get("impact_statement") or None
    upload_kind = ""
    if upload is not None:
        try:
            upload_kind = getattr(upload, "document_kind", None) or document_kind(upload)
        except ValidationError as exc:
            errors["impact_statement"] = exc.messages[0]
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    return RoundPlan(
        kind=kind,
        opens_on=opens_on,
        closes_on=closes_on,
        window=window,
        dates_reason=reason,
        organisations=organisations,
        cover_letter=cover_letter,
        impact_statement=upload,
        impact_statement_kind=upload_kind,
    )


def _consultation_snapshot(edition, record, actor):
    """The frozen text that goes out. Authoring may already have taken it as an effect of the
    same step; taking it again is never needed, so this asks first."""
    try:
        from apps.authoring.snapshots import snapshot_for, snapshot_take
    except ImportError:  # the snapshot module lands with the core second pass
        return None
    return snapshot_for(edition, "consultation") or snapshot_take(
        edition=edition, purpose="consultation", transition=record, actor=actor
    )


def consultation_open_effect(*, edition, actor, data: dict, record=None) -> Consultation:
    """Open the round the step's data describes: the snapshot, the dates, the recipients, the
    cover letter and the impact statement. Recipients are told at once when the round opens
    today, on its opening day (the periodic job) when it opens in a later window."""
    plan = plan_round(data)
    consultation = Consultation(
        edition=edition,
        kind=plan.kind,
        opens_on=plan.opens_on,
        closes_on=plan.closes_on,
        dates_reason=plan.dates_reason,
        cover_letter=plan.cover_letter,
        snapshot=_consultation_snapshot(edition, record, actor),
        opened_by=actor,
    )
    if plan.impact_statement is not None:
        name = safe_download_name(plan.impact_statement.name, plan.impact_statement_kind)
        consultation.impact_statement_name = name
        consultation.impact_statement.save(name, plan.impact_statement, save=False)
    consultation.save()
    Recipient.objects.bulk_create(
        [Recipient(consultation=consultation, organisation=o) for o in plan.organisations]
    )
    audit.record(
        actor=actor,
        action="consultation.opened",
        obj=consultation,
        scope=edition.support.programme_area.name,
        details={
            "kind": plan.kind,
            "from": plan.opens_on.isoformat(),
            "to": plan.closes_on.isoformat(),
            **({"reason": plan.dates_reason} if plan.dates_reason else {}),
        },
    )
    if plan.opens_on <= timezone.localdate():
        announce_round(consultation)
    return consultation


def answer_url(consultation: Consultation, organisation) -> str:
    """Where a recipient writes its answer; the round page until the answer pages exist."""
    try:
        return reverse("remiss:answer", args=[consultation.pk, organisation.pk])
    except NoReverseMatch:
        return reverse("remiss:round", args=[consultation.pk])


def _answering_people(organisations) -> dict:
    """{organisation: [its coordinators and reviewers]}, two queries."""
    people: dict = {}
    for role in ANSWERING_ROLES:
        for organisation, users in role_holders_by_scope(role=role, scopes=organisations).items():
            people.setdefault(organisation, []).extend(users)
    return people


def announce_round(consultation: Consultation) -> int:
    """Tell each recipient's coordinators and reviewers that the text has come, once: the
    message names the organisation, so someone in two hears once for each. Returns how many
    organisations were told; 0 when the round was already announced."""
    claimed = Consultation.objects.filter(pk=consultation.pk, announced_at__isnull=True).update(
        announced_at=timezone.now()
    )
    if not claimed:
        return 0
    edition = consultation.edition
    closes_on = day_in_swedish(consultation.closes_on)
    title = (
        _("%(organisation)s har fått %(code)s %(number)s på remiss. Sista svarsdag %(date)s.")
        if consultation.kind == ConsultationKind.REMISS
        else _(
            "%(organisation)s har fått %(code)s %(number)s för synpunkter. Sista svarsdag %(date)s."
        )
    )
    body = _(
        "”%(title)s”, version %(number)s, har skickats av %(sender)s. Läs texten, samla era "
        "synpunkter i ett gemensamt svar och skicka in det senast %(date)s."
    ) % {
        "title": edition.support.title,
        "number": edition.number,
        "sender": consultation.opened_by or _("en nationell redaktör"),
        "date": closes_on,
    }
    if consultation.cover_letter:
        body += "\n\n" + _("Följebrev:") + "\n" + consultation.cover_letter
    organisations = Organisation.objects.filter(recipient_rows__consultation=consultation)
    told = 0
    for organisation, people in _answering_people(organisations).items():
        told += 1
        notify(
            recipients=people,
            kind="remiss.opened",
            title=title
            % {
                "organisation": organisation.name,
                "code": edition.support.code,
                "number": edition.number,
                "date": closes_on,
            },
            body=body,
            url=answer_url(consultation, organisation),
        )
    return told


def consultation_close_effect(*, edition, actor, data: dict, record=None) -> None:
    for consultation in Consultation.objects.select_for_update().filter(edition=edition).open():
        consultation.closed_at = timezone.now()
        consultation.closed_by = actor
        consultation.save(update_fields=["closed_at", "closed_by"])
        audit.record(
            actor=actor,
            action="consultation.closed",
            obj=consultation,
            scope=edition.support.programme_area.name,
        )


# ---------------------------------------------------------------- extension


def recipient_extend(*, actor, recipient: Recipient, until: date, reason: str) -> Recipient:
    """Give one recipient a later closing date, with a reason on record; its coordinators and
    reviewers are told. A later extension replaces an earlier one."""
    if not may_manage_rounds(actor):
        raise PermissionDenied(_("Bara en nationell redaktör kan förlänga svarstiden."))
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = (
            Recipient.objects.select_for_update()
            .select_related(
                "consultation", "consultation__edition__support__programme_area", "organisation"
            )
            .get(pk=recipient.pk)
        )
        consultation = locked.consultation
        errors = {}
        if consultation.closed_at is not None:
            errors[NON_FIELD_ERRORS] = _("Remissen är stängd; svarstiden kan inte förlängas.")
        elif locked.status in ANSWERED:
            errors[NON_FIELD_ERRORS] = _(
                "%(organisation)s har redan svarat eller avstått; svarstiden kan inte förlängas."
            ) % {"organisation": locked.organisation.name}
        if until is None:
            errors["until"] = _("Ange det nya sista svarsdatumet.")
        elif until <= consultation.closes_on:
            errors["until"] = _(
                "Den nya svarsdagen måste ligga efter remissens sista svarsdag (%(date)s)."
            ) % {"date": day_in_swedish(consultation.closes_on)}
        elif until <= timezone.localdate():
            errors["until"] = _("Den nya svarsdagen måste ligga efter i dag.")
        elif until > consultation.closes_on + timedelta(days=MAX_DAYS_AHEAD):
            errors["until"] = _("Svarstiden kan förlängas högst ett år.")
        elif not calendar.is_working_day(until):
            name = calendar.holiday_name(until)
            errors["until"] = (
                _("Den nya svarsdagen får inte vara en helgdag (%(name)s).") % {"name": name}
                if name
                else _("Den nya svarsdagen får inte vara en lördag eller söndag.")
            )
        if not reason:
            errors["reason"] = _("Ange skälet till förlängningen.")
        if errors:
            raise ValidationError({name: [message] for name, message in errors.items()})
        before = locked.extended_until
        locked.extended_until = until
        locked.extension_reason = reason
        locked.extended_by = actor
        locked.extended_at = timezone.now()
        locked.save(
            update_fields=["extended_until", "extension_reason", "extended_by", "extended_at"]
        )
        edition = consultation.edition
        audit.record(
            actor=actor,
            action="recipient.extended",
            obj=locked,
            scope=edition.support.programme_area.name,
            details={
                "name": locked.organisation.name,
                "from": (before or consultation.closes_on).isoformat(),
                "to": until.isoformat(),
                "reason": reason,
            },
        )
        people = _answering_people([locked.organisation]).get(locked.organisation, [])
        notify(
            recipients=people,
            kind="remiss.extended",
            title=_(
                "%(organisation)s har fått längre tid att svara på %(code)s %(number)s: "
                "ny sista svarsdag %(date)s."
            )
            % {
                "organisation": locked.organisation.name,
                "code": edition.support.code,
                "number": edition.number,
                "date": day_in_swedish(until),
            },
            body=_(
                "%(actor)s har förlängt svarstiden för ”%(title)s”. Skäl: %(reason)s\n\n"
                "Skicka in svaret senast %(date)s."
            )
            % {
                "actor": actor,
                "title": edition.support.title,
                "reason": reason,
                "date": day_in_swedish(until),
            },
            url=answer_url(consultation, locked.organisation),
        )
    return locked
