"""Bad input to every form of accounts: a Swedish message beside the field, never a server
error, nothing saved half-way; naughty strings that are valid are saved exactly. A form sent
with errors is shown again with FORM_ERRORS_STATUS (400), the one convention of the
application (apps/core/forms.py); a GET filter (the audit log) shows its list with 200."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode

from apps.accounts.forms import (
    DeactivateForm,
    MemberGrantForm,
    OrganisationCreateForm,
    OrganisationEditForm,
    UserEditForm,
    UserInviteForm,
)
from apps.accounts.models import Organisation, OrganisationUserObjectPermission, User
from apps.core.forms import FORM_ERRORS_STATUS
from apps.core.models import AuditEntry
from apps.core.views import AuditFilterForm
from tests.factories import PASSWORD, UserFactory, grant, npo, region

pytestmark = pytest.mark.django_db

REQUIRED = "Detta fält måste fyllas i."
INVALID_EMAIL = "Fyll i en giltig e-postadress."
INVALID_CHOICE = "Välj ett giltigt alternativ."
NULL_CHARACTERS = "Null-tecken är inte tillåtna."

# The password change and reset views answer a form with errors like every other form.
DJANGO_FORM_VIEW_STATUS = FORM_ERRORS_STATUS


def too_long(form, field: str) -> str:
    """Django's message for a value over the form field's limit (the limit is the form's)."""
    return f"Säkerställ att detta värde har som mest {limit(form, field)} tecken"


def limit(form, field: str) -> int:
    return form.base_fields[field].max_length


# --- the naughty strings -------------------------------------------------------------------------

BLNS = json.loads((Path(__file__).parents[1] / "data" / "blns.json").read_text("utf-8"))

# Every 25th string of the list (empty, numbers, Unicode, emoji, scripts, SQL, paths), a few
# chosen ones, and what the list lacks: a real null byte, a right-to-left override, Swedish
# letters, a very long text. About 35: every form walks them all, so this is the speed knob.
NAUGHTY = BLNS[::25] + [
    BLNS[93],  # control characters
    BLNS[95],  # Unicode whitespace only
    BLNS[97],  # byte-order mark
    BLNS[165],  # Arabic
    BLNS[177],  # bidirectional isolates around text
    BLNS[178],  # Zalgo
    BLNS[430],  # SQL
    BLNS[514],  # template injection
    "nul\x00byte",
    "\u202eSkribent\u202c",
    "👩🏽‍⚕️ Läkare 🫀",
    "Robert'); DROP TABLE accounts_user;--",
    "  Åsa Öberg-Ärlig  ",
    "x" * 5000,
]


# Names with markup are also read back from their page, to see them escaped there.
MARKUP = re.compile(r"[<>&\"']")


def valid_text(value: str, max_length: int) -> bool:
    """What a required Django CharField keeps: the stripped text, if any, without NUL."""
    stripped = value.strip()
    return bool(stripped) and "\x00" not in value and len(stripped) <= max_length


# --- what the page must show --------------------------------------------------------------------


def text(response) -> str:
    return response.content.decode()


def field_tag(response, field: str) -> str:
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", text(response)):
        if f'name="{field}"' in tag:
            return tag
    return ""


def error_beside(response, field: str) -> str:
    """The error text tied to the field's input by aria-describedby (empty if none): what a
    screen reader reads with the field, and what the page shows next to it."""
    described_by = re.search(r'aria-describedby="([^"]*)"', field_tag(response, field))
    shown = []
    for element_id in described_by.group(1).split() if described_by else []:
        element = re.search(
            rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', text(response), re.S
        )
        if element and "error-message" in element.group(2):
            shown.append(unescape(re.sub(r"<[^>]+>", "", element.group(2))))
    return " ".join(shown)


def marked_invalid(response, field: str) -> bool:
    return 'aria-invalid="true"' in field_tag(response, field)


def assert_refused_beside(
    response, field: str, message: str = "", *, summary: bool = True, status=FORM_ERRORS_STATUS
) -> None:
    assert response.status_code == status, response.status_code
    shown = error_beside(response, field)
    assert shown, f"no error beside {field!r}"
    assert message in shown, shown
    assert marked_invalid(response, field)
    if summary:
        assert "Något behöver rättas" in text(response)


def assert_refused(response, *, status=FORM_ERRORS_STATUS) -> None:
    """A refused naughty value: a Swedish message beside some field."""
    assert response.status_code == status, response.status_code
    assert "Något behöver rättas" in text(response)
    assert 'class="error-message"' in text(response)
    assert 'aria-invalid="true"' in text(response)


@pytest.fixture
def admin_client(administrator, client_for):
    return client_for(administrator)


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Organisation.objects.count(),
        OrganisationUserObjectPermission.objects.count(),
        AuditEntry.objects.count(),
    )


# --- invite ------------------------------------------------------------------------------------

INVITE = "/konto/anvandare/ny/"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"email": "", "full_name": "Ny"}, "email", REQUIRED),
        ({"email": "ny@example.se"}, "full_name", REQUIRED),
        ({"email": "ny@example.se", "full_name": "   "}, "full_name", REQUIRED),
        ({"email": "inte-en-adress", "full_name": "Ny"}, "email", INVALID_EMAIL),
        ({"email": "ny@@example.se", "full_name": "Ny"}, "email", INVALID_EMAIL),
        (
            {"email": "ny@example.se", "full_name": "N" * 300},
            "full_name",
            too_long(UserInviteForm, "full_name"),
        ),
        (
            {"email": "a" * 300 + "@example.se", "full_name": "Ny"},
            "email",
            too_long(UserInviteForm, "email"),
        ),
        (
            {"email": "ny@example.se", "full_name": "Ny", "profession": "y" * 300},
            "profession",
            too_long(UserInviteForm, "profession"),
        ),
        (
            {"email": "ny@example.se", "full_name": "Ny", "home_organisation": 999999},
            "home_organisation",
            INVALID_CHOICE,
        ),
        (
            {"email": "ny@example.se", "full_name": "Ny", "home_organisation": "abc"},
            "home_organisation",
            INVALID_CHOICE,
        ),
        ({"email": "ny@example.se", "full_name": "Ny\x00"}, "full_name", NULL_CHARACTERS),
    ],
)
def test_invite_form_shows_the_error_beside_the_field_and_creates_no_one(
    admin_client, data, field, message
):
    before = counts()
    response = admin_client.post(INVITE, data)
    assert_refused_beside(response, field, message)
    assert counts() == before
    assert mail.outbox == []


def test_invite_of_an_existing_address_shows_the_error_beside_the_email(admin_client, user):
    before = counts()
    response = admin_client.post(INVITE, {"email": user.email.upper(), "full_name": "Dubblett"})
    assert_refused_beside(response, "email", "Det finns redan en användare med den adressen.")
    assert counts() == before


def test_invite_saves_valid_naughty_names_exactly_and_refuses_the_rest(admin_client):
    for number, name in enumerate(NAUGHTY):
        before = counts()
        email = f"naughty{number}@example.se"
        response = admin_client.post(INVITE, {"email": email, "full_name": name})
        if valid_text(name, limit(UserInviteForm, "full_name")):
            assert response.status_code == 302, repr(name)
            created = User.objects.get(email=email)
            assert created.full_name == name.strip(), repr(name)
            if MARKUP.search(name):
                page = admin_client.get(f"/konto/anvandare/{created.pk}/")
                assert page.status_code == 200
                assert escape(name.strip()) in text(page), repr(name)
        else:
            assert_refused(response)
            assert counts() == before, repr(name)


# --- edit user -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"full_name": ""}, "full_name", REQUIRED),
        ({"profession": "Läkare"}, "full_name", REQUIRED),
        ({"full_name": " "}, "full_name", REQUIRED),
        ({"full_name": "N" * 300}, "full_name", too_long(UserEditForm, "full_name")),
        (
            {"full_name": "Ny", "profession": "y" * 5000},
            "profession",
            too_long(UserEditForm, "profession"),
        ),
        ({"full_name": "Ny", "home_organisation": 999999}, "home_organisation", INVALID_CHOICE),
        ({"full_name": "Ny", "home_organisation": "1 OR 1=1"}, "home_organisation", ""),
    ],
)
def test_edit_user_form_shows_the_error_beside_the_field_and_changes_nothing(
    admin_client, user, data, field, message
):
    before = counts()
    response = admin_client.post(f"/konto/anvandare/{user.pk}/andra/", data)
    assert_refused_beside(response, field, message)
    assert User.objects.get(pk=user.pk).full_name == user.full_name
    assert counts() == before


def test_edit_user_saves_valid_naughty_names_exactly(admin_client, user):
    for name in NAUGHTY:
        current = User.objects.get(pk=user.pk).full_name
        response = admin_client.post(f"/konto/anvandare/{user.pk}/andra/", {"full_name": name})
        if valid_text(name, limit(UserEditForm, "full_name")):
            assert response.status_code == 302, repr(name)
            assert User.objects.get(pk=user.pk).full_name == name.strip(), repr(name)
        else:
            assert_refused(response)
            assert User.objects.get(pk=user.pk).full_name == current


# --- grant on a user's page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "role", REQUIRED),
        ({"role": "superhero"}, "role", INVALID_CHOICE),
        ({"role": "author"}, "scope", "Välj den organisation rollen ska gälla."),
        (
            {"role": "author", "scope": "region"},
            "scope",
            "Rollen gäller en organisation av typen Nationellt programområde.",
        ),
        (
            {"role": "remiss_reviewer", "scope": "npo"},
            "scope",
            "Rollen gäller en organisation av typen Region, professionsförening, "
            "patientorganisation, kommun eller myndighet.",
        ),
        (
            {"role": "national_editor", "scope": "npo"},
            "scope",
            "En nationell roll ska inte ha någon organisation.",
        ),
        ({"role": "author", "scope": 999999}, "scope", INVALID_CHOICE),
        ({"role": "author", "scope": "-1"}, "scope", INVALID_CHOICE),
        ({"role": "author", "scope": "99999999999999999999999"}, "scope", INVALID_CHOICE),
        ({"role": "author", "scope": "stockholm-gotland"}, "scope", INVALID_CHOICE),
    ],
)
def test_grant_on_user_page_shows_the_error_beside_the_field_and_grants_nothing(
    admin_client, user, data, field, message
):
    if data.get("scope") in ("npo", "region"):
        data = {**data, "scope": (npo() if data["scope"] == "npo" else region()).pk}
    elif data.get("scope") == "stockholm-gotland":  # a healthcare region: not a role scope
        data = {**data, "scope": Organisation.objects.get(code="stockholm-gotland").pk}
    before = counts()
    response = admin_client.post(f"/konto/anvandare/{user.pk}/roller/tilldela/", data)
    assert response.status_code == 400
    assert_refused_beside(response, field, message)
    assert counts() == before
    assert not user.user_permissions.exists()


def test_grant_on_user_page_of_a_role_already_held_is_explained(admin_client, user):
    grant(user, "author", npo())
    before = counts()
    response = admin_client.post(
        f"/konto/anvandare/{user.pk}/roller/tilldela/", {"role": "author", "scope": npo().pk}
    )
    assert response.status_code == 400
    assert "Användaren har redan den rollen." in text(response)
    assert counts() == before


def test_grant_on_user_page_refuses_every_naughty_role_and_scope(admin_client, user):
    before = counts()
    for value in NAUGHTY:
        response = admin_client.post(
            f"/konto/anvandare/{user.pk}/roller/tilldela/", {"role": value, "scope": value}
        )
        assert response.status_code == 400, repr(value)
        assert_refused(response)
    assert counts() == before


# --- grant on an organisation's page ------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "email", REQUIRED),
        ({"email": "person@example.se"}, "role", REQUIRED),
        ({"email": "inte en adress", "role": "author"}, "email", INVALID_EMAIL),
        (
            {"email": "a" * 300 + "@example.se", "role": "author"},
            "email",
            too_long(MemberGrantForm, "email"),
        ),
        (
            {"email": "ingen@example.se", "role": "author"},
            "email",
            "Det finns ingen aktiv användare med den adressen.",
        ),
        ({"email": "candidate", "role": "npo_chair"}, "role", INVALID_CHOICE),
        ({"email": "candidate", "role": "remiss_reviewer"}, "role", INVALID_CHOICE),
        ({"email": "inactive", "role": "author"}, "email", "ingen aktiv användare"),
    ],
)
def test_grant_on_organisation_page_shows_the_error_beside_the_field(
    client_for, data, field, message
):
    chair = grant(UserFactory(), "npo_chair", npo())
    candidate = UserFactory(email="kandidat@example.se")
    if data.get("email") == "candidate":
        data = {**data, "email": candidate.email}
    elif data.get("email") == "inactive":
        data = {**data, "email": UserFactory(is_active=False).email}
    before = counts()
    response = client_for(chair).post(f"/konto/organisationer/{npo().code}/roller/", data)
    assert response.status_code == 400
    assert_refused_beside(response, field, message)
    assert counts() == before


def test_grant_on_organisation_page_refuses_every_naughty_address(admin_client):
    before = counts()
    for value in NAUGHTY:
        response = admin_client.post(
            f"/konto/organisationer/{npo().code}/roller/", {"email": value, "role": value}
        )
        assert response.status_code == 400, repr(value)
        assert_refused(response)
    assert counts() == before


@pytest.mark.parametrize(
    "path",
    [
        "/konto/organisationer/finns-inte/roller/",
        "/konto/organisationer/finns-inte/",
        "/konto/organisationer/finns-inte/andra/",
        "/konto/anvandare/999999/",
        "/konto/anvandare/999999/andra/",
        "/konto/anvandare/999999/roller/tilldela/",
        "/konto/anvandare/999999/roller/aterkalla/",
        "/konto/anvandare/999999/inaktivera/",
        "/konto/anvandare/999999/aktivera/",
        "/konto/anvandare/999999/skicka-inbjudan/",
        "/konto/anvandare/99999999999999999999999/",
    ],
)
def test_unknown_users_and_organisations_are_404(admin_client, path):
    before = counts()
    response = admin_client.post(path, {"role": "author", "email": "x@example.se"})
    assert response.status_code == 404
    assert "Sidan finns inte" in text(response)
    assert counts() == before


# --- deactivation reason --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason, message",
    [
        ("a" * 5000, too_long(DeactivateForm, "reason")),
        ("a" * (limit(DeactivateForm, "reason") + 1), too_long(DeactivateForm, "reason")),
        ("Slutat\x00", NULL_CHARACTERS),
    ],
)
def test_bad_deactivation_reason_is_shown_beside_the_field_and_nothing_changes(
    admin_client, user, reason, message
):
    before = counts()
    response = admin_client.post(f"/konto/anvandare/{user.pk}/inaktivera/", {"reason": reason})
    assert_refused_beside(response, "reason", message, summary=False)
    assert User.objects.get(pk=user.pk).is_active
    assert counts() == before


def test_deactivation_keeps_valid_naughty_reasons_exactly(admin_client):
    for reason in NAUGHTY:
        target = UserFactory()
        response = admin_client.post(
            f"/konto/anvandare/{target.pk}/inaktivera/", {"reason": reason}
        )
        stripped = reason.strip()
        if "\x00" not in reason and len(stripped) <= limit(DeactivateForm, "reason"):
            assert response.status_code == 302, repr(reason)
            assert not User.objects.get(pk=target.pk).is_active
            entry = AuditEntry.objects.get(action="user.deactivated", subject_user=target)
            assert entry.details.get("reason", "") == stripped, repr(reason)
        else:
            assert_refused_beside(response, "reason", summary=False)
            assert User.objects.get(pk=target.pk).is_active


# --- organisation create ------------------------------------------------------------------------------------

CREATE = "/konto/organisationer/ny/"
NEW_ORGANISATION = {"kind": "municipality", "name": "Testkommun", "code": "testkommun"}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"kind": ""}, "kind", REQUIRED),
        ({"name": ""}, "name", REQUIRED),
        ({"code": ""}, "code", REQUIRED),
        ({"kind": "planet"}, "kind", INVALID_CHOICE),
        ({"name": "N" * 300}, "name", too_long(OrganisationCreateForm, "name")),
        ({"short_name": "k" * 300}, "short_name", too_long(OrganisationCreateForm, "short_name")),
        (
            {"code": "k" * (limit(OrganisationCreateForm, "code") + 1)},
            "code",
            too_long(OrganisationCreateForm, "code"),
        ),
        ({"code": "inte en kod!"}, "code", "Fyll i en giltig 'slug'"),
        ({"code": "åäö"}, "code", "Fyll i en giltig 'slug'"),
        ({"code": "uppsala"}, "code", "Koden används redan."),
        ({"code": "UPPSALA"}, "code", "Koden används redan."),
        ({"parent": 999999}, "parent", INVALID_CHOICE),
        ({"parent": "region"}, "parent", INVALID_CHOICE),
        ({"name": "Test\x00kommun"}, "name", NULL_CHARACTERS),
    ],
)
def test_organisation_create_shows_the_error_beside_the_field_and_creates_nothing(
    admin_client, changes, field, message
):
    data = {**NEW_ORGANISATION, **changes}
    if data.get("parent") == "region":  # a region is no healthcare region
        data["parent"] = region().pk
    before = counts()
    response = admin_client.post(CREATE, data)
    assert_refused_beside(response, field, message)
    assert counts() == before


def test_organisation_create_saves_valid_naughty_names_exactly(admin_client):
    for number, name in enumerate(NAUGHTY):
        before = counts()
        code = f"naughty-{number}"
        response = admin_client.post(CREATE, {**NEW_ORGANISATION, "name": name, "code": code})
        if valid_text(name, limit(OrganisationCreateForm, "name")):
            assert response.status_code == 302, repr(name)
            assert Organisation.objects.get(code=code).name == name.strip(), repr(name)
            if MARKUP.search(name):
                page = admin_client.get(response.url)
                assert page.status_code == 200
                assert escape(name.strip()) in text(page), repr(name)
        else:
            assert_refused(response)
            assert counts() == before, repr(name)


def _valid_new_code(value: str) -> bool:
    code = value.lower()
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return (
        0 < len(value) <= limit(OrganisationCreateForm, "code")
        and not Organisation.objects.filter(code=code).exists()
    )


def test_organisation_create_takes_only_slug_codes_from_the_naughty_strings(admin_client):
    for value in NAUGHTY:
        before = counts()
        expected = _valid_new_code(value.strip())
        response = admin_client.post(CREATE, {**NEW_ORGANISATION, "code": value})
        if expected:
            assert response.status_code == 302, repr(value)
            assert Organisation.objects.filter(code=value.strip().lower()).exists()
        else:
            assert_refused_beside(response, "code")
            assert counts() == before, repr(value)


# --- organisation edit ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": ""}, "name", REQUIRED),
        ({"short_name": "Kort"}, "name", REQUIRED),
        ({"name": "   "}, "name", REQUIRED),
        ({"name": "N" * 300}, "name", too_long(OrganisationEditForm, "name")),
        (
            {"name": "Ny", "short_name": "s" * 300},
            "short_name",
            too_long(OrganisationEditForm, "short_name"),
        ),
        ({"name": "Ny", "parent": 999999}, "parent", INVALID_CHOICE),
        ({"name": "Ny", "parent": "npo"}, "parent", INVALID_CHOICE),
    ],
)
def test_organisation_edit_shows_the_error_beside_the_field_and_changes_nothing(
    admin_client, data, field, message
):
    if data.get("parent") == "npo":
        data = {**data, "parent": npo().pk}
    organisation = region()
    before = counts()
    response = admin_client.post(f"/konto/organisationer/{organisation.code}/andra/", data)
    assert_refused_beside(response, field, message)
    after = region()
    assert (after.name, after.parent_id, after.is_active) == (
        organisation.name,
        organisation.parent_id,
        organisation.is_active,
    )
    assert counts() == before


def test_organisation_edit_saves_valid_naughty_names_exactly(admin_client):
    organisation = region()
    for name in NAUGHTY:
        current = region().name
        response = admin_client.post(
            f"/konto/organisationer/{organisation.code}/andra/",
            {"name": name, "parent": organisation.parent_id, "is_active": "on"},
        )
        if valid_text(name, limit(OrganisationEditForm, "name")):
            assert response.status_code == 302, repr(name)
            assert region().name == name.strip(), repr(name)
        else:
            assert_refused(response)
            assert region().name == current


# --- audit log filter ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"date_from": "2025-02-30"}, "date_from", "Fyll i ett giltigt datum."),
        ({"date_to": "igår"}, "date_to", "Fyll i ett giltigt datum."),
        (
            {"date_from": "2025-06-01", "date_to": "2025-05-01"},
            "date_to",
            "Slutdatum kan inte vara före startdatum.",
        ),
        ({"action": "user.exploded"}, "action", INVALID_CHOICE),
        ({"actor": "a" * 300}, "actor", too_long(AuditFilterForm, "actor")),
        ({"subject": "s" * 300}, "subject", too_long(AuditFilterForm, "subject")),
        ({"actor": "Anna\x00"}, "actor", NULL_CHARACTERS),
    ],
)
def test_audit_log_filter_shows_the_error_beside_the_field(admin_client, query, field, message):
    response = admin_client.get("/granskningslogg/", query)
    assert_refused_beside(response, field, message, status=200)


@pytest.mark.parametrize("day", ["0001-01-01", "1-1-1", "9999-12-31"])
def test_audit_log_filter_explains_extreme_dates_beside_the_field(admin_client, day):
    for field in ("date_from", "date_to"):
        response = admin_client.get("/granskningslogg/", {field: day})
        assert_refused_beside(response, field, status=200)


def test_audit_log_filter_never_fails_on_naughty_strings(admin_client):
    fields = ("action", "actor", "subject", "date_from", "date_to")
    for value in NAUGHTY:
        response = admin_client.get("/granskningslogg/", dict.fromkeys(fields, value))
        assert response.status_code == 200, repr(value)
        for field in ("actor", "subject"):
            if "\x00" not in value and len(value.strip()) <= limit(AuditFilterForm, field):
                assert error_beside(response, field) == "", (field, repr(value))


# --- sign in, password reset, invitation, password change -----------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "username", REQUIRED),
        ({"username": "anna@example.se"}, "password", REQUIRED),
        ({"username": "anna\x00@example.se", "password": "x"}, "username", NULL_CHARACTERS),
    ],
)
def test_sign_in_form_shows_the_error_beside_the_field(client, data, field, message):
    response = client.post("/logga-in/", data)
    assert_refused_beside(response, field, message)
    assert "_auth_user_id" not in client.session


def test_sign_in_with_an_over_long_address_is_refused_in_swedish(client, user):
    response = client.post("/logga-in/", {"username": "a" * 300 + user.email, "password": "x"})
    assert response.status_code == FORM_ERRORS_STATUS
    assert "Fel e-postadress eller lösenord" in text(response)
    assert "_auth_user_id" not in client.session


def test_sign_in_refuses_every_naughty_address_and_password(client, user):
    for number, value in enumerate(NAUGHTY):
        # From a new address each time: this is about the form, not the lockout.
        response = client.post(
            "/logga-in/",
            {"username": value, "password": value},
            REMOTE_ADDR=f"10.0.{number // 250}.{number % 250 + 1}",
        )
        assert response.status_code == FORM_ERRORS_STATUS, repr(value)
        assert "Något behöver rättas" in text(response)
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "email, message",
    [
        ("", REQUIRED),
        ("inte-en-adress", INVALID_EMAIL),
        ("a" * 300 + "@example.se", too_long(PasswordResetForm, "email")),
    ],
)
def test_password_reset_form_shows_the_error_beside_the_field(client, user, email, message):
    response = client.post("/losenord/aterstall/", {"email": email})
    assert_refused_beside(response, "email", message, status=DJANGO_FORM_VIEW_STATUS)
    assert mail.outbox == []


def test_password_reset_sends_nothing_for_naughty_addresses(client, user):
    for number, value in enumerate(NAUGHTY):
        # From many client addresses, so that the per-client limit on resets stays out of it.
        response = client.post(
            "/losenord/aterstall/",
            {"email": value},
            REMOTE_ADDR=f"10.1.{number // 250}.{number % 250 + 1}",
        )
        if PasswordResetForm({"email": value}).is_valid():
            # An address nobody has: the same "sent" page as for a real one, and no mail.
            assert response.status_code == 302, repr(value)
        else:
            assert_refused(response, status=DJANGO_FORM_VIEW_STATUS)
    assert mail.outbox == []


def _invitation(client, invitee) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(invitee.pk))
    token = default_token_generator.make_token(invitee)
    response = client.get(f"/konto/inbjudan/{uidb64}/{token}/")
    assert response.status_code == 302
    return response.url  # the set-password page; the token now lives in the session


def _invitee() -> User:
    invitee = UserFactory(full_name="Inbjuden Person", email="inbjuden@example.se")
    invitee.set_unusable_password()
    invitee.save()
    return invitee


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "new_password1", REQUIRED),
        ({"new_password1": "ett-långt-lösenord-123"}, "new_password2", REQUIRED),
        (
            {"new_password1": "ett-långt-lösenord-123", "new_password2": "ett-annat-lösenord-123"},
            "new_password2",
            "De två lösenordsfälten stämmer inte överens.",
        ),
        (
            {"new_password1": "kort", "new_password2": "kort"},
            "new_password2",
            "Det här lösenordet är för kort.",
        ),
    ],
)
def test_invitation_password_form_shows_the_error_beside_the_field(client, data, field, message):
    invitee = _invitee()
    response = client.post(_invitation(client, invitee), data)
    assert_refused_beside(response, field, message)
    assert not User.objects.get(pk=invitee.pk).has_usable_password()


def test_invitation_password_form_takes_valid_naughty_passwords_exactly(client):
    invitee, url = None, None
    for value in NAUGHTY:
        if invitee is None:
            invitee = _invitee()
            url = _invitation(client, invitee)
        data = {"new_password1": value, "new_password2": value}
        accepted = SetPasswordForm(invitee, data).is_valid()
        response = client.post(url, data)
        assert response.status_code == (302 if accepted else FORM_ERRORS_STATUS), repr(value)
        if accepted:
            assert User.objects.get(pk=invitee.pk).check_password(value), repr(value)
            User.objects.filter(pk=invitee.pk).delete()
            invitee = None
        else:
            assert_refused(response)
            assert not User.objects.get(pk=invitee.pk).has_usable_password()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "old_password", REQUIRED),
        (
            {
                "old_password": "fel",
                "new_password1": "nytt-lösenord-1234",
                "new_password2": "nytt-lösenord-1234",
            },
            "old_password",
            "Ditt gamla lösenord var felaktigt ifyllt.",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "nytt-lösenord-1234", "new_password2": "x"},
            "new_password2",
            "De två lösenordsfälten stämmer inte överens.",
        ),
        (
            {
                "old_password": PASSWORD,
                "new_password1": "1234567890123",
                "new_password2": "1234567890123",
            },
            "new_password2",
            "Detta lösenord är enbart numeriskt.",
        ),
    ],
)
def test_password_change_form_shows_the_error_beside_the_field(
    user, client_for, data, field, message
):
    response = client_for(user).post("/losenord/andra/", data)
    assert_refused_beside(response, field, message, status=DJANGO_FORM_VIEW_STATUS)
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_password_change_takes_valid_naughty_passwords_exactly(user, client_for):
    client = client_for(user)
    current = PASSWORD
    for value in NAUGHTY:
        data = {"old_password": current, "new_password1": value, "new_password2": value}
        accepted = PasswordChangeForm(User.objects.get(pk=user.pk), data).is_valid()
        response = client.post("/losenord/andra/", data)
        assert response.status_code == (302 if accepted else DJANGO_FORM_VIEW_STATUS), repr(value)
        if accepted:
            current = value
        else:
            assert_refused(response, status=DJANGO_FORM_VIEW_STATUS)
        assert User.objects.get(pk=user.pk).check_password(current), repr(value)


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "x" * 64])
@pytest.mark.parametrize(
    "path, data",
    [
        (INVITE, {"email": "csrf@example.se", "full_name": "Csrf"}),
        (CREATE, {**NEW_ORGANISATION, "code": "csrf-kommun"}),
        ("/konto/anvandare/{target}/roller/tilldela/", {"role": "national_editor"}),
        ("/konto/anvandare/{target}/inaktivera/", {"reason": "csrf"}),
    ],
)
def test_a_missing_or_forged_csrf_token_is_refused_and_nothing_is_saved(
    administrator, user, path, data, token
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/")  # receive a real CSRF cookie, so that only the token is wrong
    if token:
        data = {**data, "csrfmiddlewaretoken": token}
    before = counts()

    response = client.post(path.format(target=user.pk), data)

    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in text(response)
    assert counts() == before
    assert User.objects.get(pk=user.pk).is_active
    assert not user.user_permissions.exists()


def test_sign_in_without_a_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/logga-in/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
