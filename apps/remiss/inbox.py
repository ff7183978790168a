"""Mina uppgifter: the answers a remiss coordinator or reviewer has to write. One query per
call, whatever the number of rounds and organisations."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.inbox import Task
from apps.accounts.models import OrganisationKind
from apps.accounts.permissions import scopes_of
from apps.accounts.roles import REMISS_COORDINATOR, REMISS_REVIEWER

from .answers import answer_url, closes_on_text
from .models import Recipient, RecipientStatus


def answer_tasks(user) -> list[Task]:
    if not getattr(user, "is_authenticated", False):
        return []
    coordinating = {o.pk for o in scopes_of(user, REMISS_COORDINATOR)}
    reviewing = {o.pk for o in scopes_of(user, REMISS_REVIEWER)} - coordinating
    if not coordinating and not reviewing:
        return []
    today = timezone.localdate()
    recipients = (
        Recipient.objects.filter(
            Q(consultation__opens_on__isnull=True) | Q(consultation__opens_on__lte=today),
            organisation__in=sorted(coordinating | reviewing),
            consultation__closed_at__isnull=True,
            status__in=[RecipientStatus.INVITED, RecipientStatus.DRAFTING],
        )
        .select_related("organisation", "consultation__edition__support")
        .order_by("consultation__opened_at", "pk")
    )
    tasks = []
    for recipient in recipients:
        edition = recipient.consultation.edition
        organisation = recipient.organisation
        role = REMISS_COORDINATOR if organisation.pk in coordinating else REMISS_REVIEWER
        whose = (
            _("Skriv regionens remissvar")
            if organisation.kind == OrganisationKind.REGION
            else _("Skriv organisationens remissvar")
        )
        tasks.append(
            Task(
                title=f"{edition.support.title} {edition.number}",
                action=_("%(whose)s – sista svarsdag %(day)s")
                % {"whose": whose, "day": closes_on_text(recipient.closes_on)},
                role=str(role.label),
                scope=organisation.display_name,
                since=recipient.consultation.opened_at,
                url=answer_url(recipient),
            )
        )
    return tasks
