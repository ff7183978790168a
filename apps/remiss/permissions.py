"""The permission policy of remiss."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.accounts.permissions import scopes_of

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

