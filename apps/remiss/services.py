"""The consultation round's side of the workflow: opened and closed as effects of the
edition's transitions, inside the same transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organisation
from apps.core import audit
from apps.core.notifications import notify

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
    _notify_coordinators(consultation)
    audit.record(
        actor=actor,
        action="consultation.opened",
        obj=consultation,
        scope=edition.support.programme_area.name,
        details={"kind": kind, "to": closes_on.isoformat()},
    )
    return consultation


NOTIFICATION_KINDS = {"remiss.opened": "En ny remiss har kommit till min region"}


def _notify_coordinators(consultation: Consultation) -> None:
    """The regions' remiss coordinators act next: they gather their region's answer."""
    from django.urls import reverse

    from apps.accounts.models import User

    edition = consultation.edition
    coordinators = User.objects.filter(
        is_active=True,
        organisationuserobjectpermission__permission__codename="role_remiss_coordinator",
        organisationuserobjectpermission__content_object__in=consultation.recipients.all(),
    ).distinct()
    notify(
        recipients=coordinators,
        kind="remiss.opened",
        title=f"Ny {consultation.get_kind_display().lower()}: {edition}",
        body=f"Sista svarsdag {consultation.closes_on:%Y-%m-%d}.",
        url=reverse(
            "authoring:edition_detail",
            kwargs={"code": edition.support.code, "major": edition.major, "minor": edition.minor},
        ),
    )


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
