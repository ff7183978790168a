"""Links in e-mails lead to the configured site address (settings.SITE_URL), whatever host
the request that caused the mail came in on: invitations, password reset, notifications."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from apps.accounts.models import User
from apps.core.notifications import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://ks.example.se"
LINK = re.compile(r"https?://\S+")


def links_in(message) -> list[str]:
    return LINK.findall(message.body)


def assert_links_lead_to_the_site(message, path_start: str) -> None:
    links = links_in(message)
    assert links, message.body
    for link in links:
        assert link.startswith(SITE + path_start), link
    for foreign in ("testserver", "internal.host", "127.0.0.1", "localhost"):
        assert foreign not in message.body


@override_settings(SITE_URL=SITE, ALLOWED_HOSTS=["internal.host", "testserver"])
def test_an_invitation_links_to_the_site_address_not_the_request_host(
    administrator, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            reverse("accounts:user_invite"),
            {"email": "ny@example.se", "full_name": "Ny Person"},
            HTTP_HOST="internal.host",
        )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert_links_lead_to_the_site(message, "/konto/inbjudan/")


@override_settings(SITE_URL=SITE, ALLOWED_HOSTS=["internal.host", "testserver"])
def test_a_resent_invitation_links_to_the_site_address(
    administrator, client_for, django_capture_on_commit_callbacks
):
    invitee = UserFactory(email="inbjuden@example.se")
    User.objects.filter(pk=invitee.pk).update(password="!unusable")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            reverse("accounts:user_resend_invitation", args=[invitee.pk]),
            HTTP_HOST="internal.host",
        )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert_links_lead_to_the_site(message, "/konto/inbjudan/")


@override_settings(SITE_URL=SITE, ALLOWED_HOSTS=["internal.host", "testserver"])
def test_a_password_reset_links_to_the_site_address_not_the_request_host(client, user):
    response = client.post(
        reverse("password_reset"), {"email": user.email}, HTTP_HOST="internal.host"
    )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert_links_lead_to_the_site(message, "/losenord/aterstall/")


@override_settings(SITE_URL=SITE + "/")
def test_a_notification_mail_links_to_the_site_address(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[user],
            kind="workflow.task",
            title="Väntar på dig: KS-0001 1.0",
            body="Granska versionen.",
            url="/kunskapsstod/KS-0001/",
        )

    (message,) = mail.outbox
    assert links_in(message) == [SITE + "/kunskapsstod/KS-0001/"]
