"""The consultation round's side of the workflow: opened and closed as effects of the
edition's transitions, inside the same transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.core import audit

from .models import Consultation, ConsultationKind

AUDIT_ACTIONS = {
    "consultation.opened": "Remiss öppnad",
    "consultation.closed": "Remiss stängd",
}


def consultation_open_effect(*, edition, actor, data: dict) -> Consultation:
    kind = data.get("kind") or ConsultationKind.REMISS
    if kind not in ConsultationKind.values:
        raise ValidationError({"kind": _("Okänd typ av remiss.")})
    try:
        closes_on = date.fromisoformat(str(data.get("closes_on", "")))
    except ValueError as exc:
        raise ValidationError({"closes_on": _("Ange sista svarsdag.")}) from exc
    if closes_on <= timezone.localdate():
        raise ValidationError({"closes_on": _("Sista svarsdag måste ligga efter i dag.")})
    recipient_ids = data.get("recipient_ids")
    recipients = (
        Organisation.objects.filter(pk__in=recipient_ids)
        if recipient_ids is not None
        else Organisation.objects.regions().active()
    )
    if not recipients.exists():
        raise ValidationError(_("Välj minst en mottagare."))
    consultation = Consultation.objects.create(
        edition=edition, kind=kind, closes_on=closes_on, opened_by=actor
    )
    consultation.recipients.set(recipients)
    audit.record(
        actor=actor,
        action="consultation.opened",
        obj=consultation,
        scope=edition.support.programme_area.name,
        details={"kind": kind, "to": closes_on.isoformat()},
    )
    return consultation


def consultation_close_effect(*, edition, actor, data: dict) -> None:
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
