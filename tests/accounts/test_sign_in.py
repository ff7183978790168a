"""Signing in and out, the lockout, password reset, the invitation link, password rules and
the security settings of production."""

import importlib
import re

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from apps.accounts import services
from apps.accounts.models import User
from apps.core.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/logga-in/"
WRONG = "fel-lösenord-helt-enkelt"
LOCKED = "tillfälligt låst"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password}, **extra)


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


# --- signing in ---------------------------------------------------------------------------------


def test_sign_in_with_the_email_address_in_any_case(client):
    person = UserFactory(email="anna.berg@example.se")

    response = sign_in(client, "Anna.BERG@Example.se")

    assert response.status_code == 302
    assert response.url == "/arbete/"
    assert signed_in_as(client) == str(person.pk)


def test_wrong_password_shows_the_swedish_error_and_signs_no_one_in(client, user):
    response = sign_in(client, user.email, WRONG)

    assert response.status_code == 400  # a form with errors, the application's convention
    assert "Fel e-postadress eller lösenord" in response.content.decode()
    assert signed_in_as(client) is None


def test_sign_in_page_redirects_a_signed_in_user_to_the_start_page(client_for, user):
    response = client_for(user).get(SIGN_IN)
    assert response.status_code == 302
    assert response.url == "/arbete/"


def test_sign_in_returns_to_the_page_asked_for(client, user):
    response = client.post(
        SIGN_IN, {"username": user.email, "password": PASSWORD, "next": "/konto/mina-roller/"}
    )
    assert response.url == "/konto/mina-roller/"


def test_sign_in_never_returns_to_another_site(client, user):
    response = client.post(
        SIGN_IN, {"username": user.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == "/arbete/"


# --- lockout (django-axes) ------------------------------------------------------------------------


def test_fifth_failure_locks_the_account_even_for_the_right_password(client, user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(4):
        assert sign_in(client, user.email, WRONG).status_code == 400

    fifth = sign_in(client, user.email, WRONG)
    assert fifth.status_code == 429  # axes' AXES_HTTP_RESPONSE_CODE default
    assert LOCKED in fifth.content.decode()

    response = sign_in(client, user.email, PASSWORD)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert signed_in_as(client) is None


def test_lockout_holds_whatever_the_case_of_the_address(client, user):
    for _attempt in range(5):
        sign_in(client, user.email, WRONG)

    response = sign_in(client, user.email.upper(), PASSWORD)

    assert response.status_code == 429
    assert signed_in_as(client) is None


def test_a_locked_address_does_not_stop_another_person_signing_in(client, user):
    colleague = UserFactory()
    for _attempt in range(5):
        sign_in(client, user.email, WRONG)

    response = sign_in(client, colleague.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == str(colleague.pk)


def test_failures_on_other_addresses_do_not_lock_out_someone_else(client, user):
    """Many people share one address at a hospital: a stranger's failures must not lock
    a colleague out (the lock is on the pair of account and address)."""
    for number in range(5):
        sign_in(client, f"okand{number}@example.se", WRONG)

    mistyped = sign_in(client, user.email, WRONG)
    assert mistyped.status_code == 400
    assert LOCKED not in mistyped.content.decode()

    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_earlier_failures(client, user):
    for _attempt in range(4):
        sign_in(client, user.email, WRONG)
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    client.post("/logga-ut/")

    for _attempt in range(4):
        response = sign_in(client, user.email, WRONG)
        assert response.status_code == 400

    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_lockout_is_per_network_address(client, user):
    for _attempt in range(5):
        sign_in(client, user.email, WRONG, REMOTE_ADDR="10.1.1.1")

    response = sign_in(client, user.email, PASSWORD, REMOTE_ADDR="10.2.2.2")

    assert response.status_code == 302


# --- password reset ----------------------------------------------------------------------------------

# The link's host is settings.SITE_URL (tests/core/test_email_links.py checks it).
RESET_LINK = re.compile(r"https?://[^/\s]+(/losenord/aterstall/[^/\s]+/[^/\s]+/)")


def test_password_reset_mails_a_link_that_sets_a_new_password_once(client, user):
    response = client.post("/losenord/aterstall/", {"email": user.email.upper()})

    assert response.status_code == 302
    assert response.url == "/losenord/aterstall/skickat/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Byt lösenord till Kunskapsstöd"
    link = RESET_LINK.search(message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Välj nytt lösenord" in form_page.content.decode()
    new_password = "ett-nytt-och-längre-lösenord"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert done.url == "/losenord/aterstall/klart/"

    assert sign_in(client, user.email, new_password).status_code == 302
    client.post("/logga-ut/")
    again = client.get(link, follow=True)
    assert "Länken gäller inte längre" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post("/losenord/aterstall/", {"email": "okand@example.se"})

    assert response.status_code == 302
    assert response.url == "/losenord/aterstall/skickat/"
    assert mail.outbox == []


# --- the invitation link ------------------------------------------------------------------------------

INVITATION_LINK = re.compile(r"http://testserver(/konto/inbjudan/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def invitation(administrator, django_capture_on_commit_callbacks):
    """(invitee, link path) of a fresh invitation, as the mail carries it."""
    with django_capture_on_commit_callbacks(execute=True):
        invitee = services.user_invite(
            actor=administrator,
            email="inbjuden@example.se",
            full_name="Inbjuden Person",
            base_url="http://testserver/",
        )
    return invitee, INVITATION_LINK.search(mail.outbox[-1].body).group(1)


def test_invitation_link_sets_a_password_once_and_then_no_longer_works(client, invitation):
    invitee, link = invitation
    page = client.get(link, follow=True)
    assert "Välkommen till Kunskapsstöd" in page.content.decode()
    password = "mitt-eget-långa-lösenord"

    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )

    assert response.status_code == 302
    assert response.url == SIGN_IN
    assert User.objects.get(pk=invitee.pk).check_password(password)
    entry = AuditEntry.objects.get(action="user.password_set")
    assert (entry.actor, entry.subject_user) == (invitee, invitee)

    again = client.get(link, follow=True)
    assert "gäller inte längre" in again.content.decode()
    assert sign_in(client, invitee.email, password).status_code == 302


def test_invitation_link_with_a_forged_token_is_invalid(client, invitation):
    invitee, link = invitation
    forged = link.rsplit("/", 2)[0] + "/aaaaaa-0123456789abcdef0123456789abcdef/"

    response = client.get(forged, follow=True)

    assert "gäller inte längre" in response.content.decode()
    assert not User.objects.get(pk=invitee.pk).has_usable_password()


@pytest.mark.parametrize(
    "password, message",
    [
        ("kort-ord", "Det här lösenordet är för kort. Det måste innehålla minst 12 tecken."),
        ("qwerty123456", "Detta lösenord är alldeles för vanligt."),
        ("583920174652", "Detta lösenord är enbart numeriskt."),
        ("inbjuden@example.se", "Ditt lösenord är alltför likt"),
    ],
)
def test_password_rules_are_explained_in_swedish(client, invitation, password, message):
    invitee, link = invitation
    page = client.get(link, follow=True)

    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.get(pk=invitee.pk).has_usable_password()


# --- signing out -----------------------------------------------------------------------------------


def test_sign_out_takes_a_post_and_ends_the_session(client, user):
    sign_in(client, user.email)

    assert client.get("/logga-ut/").status_code == 405
    assert signed_in_as(client) == str(user.pk)

    response = client.post("/logga-ut/")

    assert response.status_code == 302
    assert response.url == SIGN_IN
    assert signed_in_as(client) is None
    assert client.get("/arbete/").status_code == 302


# --- security settings --------------------------------------------------------------------------------


@pytest.fixture
def reload_settings(monkeypatch):
    """Import config.settings.production afresh under a patched environment. The base module
    is reloaded first, so production works on fresh copies and not on the running settings."""

    def load(**environ):
        for name, value in environ.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        importlib.reload(importlib.import_module("config.settings.base"))
        production = importlib.import_module("config.settings.production")
        return importlib.reload(production)

    yield load
    monkeypatch.undo()
    importlib.reload(importlib.import_module("config.settings.base"))


def test_production_settings_secure_cookies_hsts_and_csp(reload_settings):
    production = reload_settings(SECRET_KEY="s" * 64, DEBUG="true")

    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.SECURE_HSTS_SECONDS >= 60 * 60 * 24 * 365
    assert production.SECURE_SSL_REDIRECT is True
    directives = production.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("secret", [None, "", "kort"])
def test_production_refuses_to_start_without_a_real_secret_key(reload_settings, secret):
    with pytest.raises(ImproperlyConfigured):
        reload_settings(SECRET_KEY=secret)


def test_every_page_carries_the_content_security_policy(client):
    response = client.get(SIGN_IN)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
