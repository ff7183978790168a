"""In-app notifications and e-mail, for every app. A notification row is written inside the
caller's transaction (so it exists exactly when the action does); the e-mail goes out after
commit, and only to people who have not turned that kind of e-mail off."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from .models import EmailPreference, Notification

# kind -> Swedish label, shown on the preferences page. Apps register their kinds.
NOTIFICATION_KINDS: dict[str, str] = {}


def register_kinds(kinds: dict[str, str]) -> None:
    NOTIFICATION_KINDS.update(kinds)


def notify(*, recipients, kind: str, title: str, body: str = "", url: str = "") -> int:
    """Notify each active recipient once; return how many were notified."""
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unregistered notification kind {kind!r}")
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not people:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title[:300], body=body, url=url)
            for user in people.values()
        ]
    )
    opted_out = set(
        EmailPreference.objects.filter(
            user_id__in=people, kind=kind, email_enabled=False
        ).values_list("user_id", flat=True)
    )
    addresses = [user.email for pk, user in people.items() if pk not in opted_out]
    if addresses:
        link = settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url
        message = f"{body}\n\n{link}".strip() if link else body

        def send():
            for address in addresses:
                send_mail(subject=title, message=message, from_email=None, recipient_list=[address])

        transaction.on_commit(send)
    return len(people)
