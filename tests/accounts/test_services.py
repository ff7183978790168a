"""The use cases of accounts, called as views and commands call them: permission, atomicity,
audit and mail after commit."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts import services
from apps.accounts.models import Organisation, User
from apps.accounts.roles import ROLES
from apps.accounts.selectors import holds_role
from apps.core.models import AuditEntry
from tests.factories import PASSWORD, UserFactory, grant, npo, region

pytestmark = pytest.mark.django_db

BASE_URL = "https://kunskapsstod.example.se/"
INVITATION_LINK = re.compile(r"https://kunskapsstod\.example\.se(/konto/inbjudan/[^/\s]+/[^/\s]+/)")


def invite(actor, email="ny.person@example.se", full_name="Ny Person"):
    return services.user_invite(
        actor=actor, email=email, full_name=full_name, profession="Sjuksköterska", base_url=BASE_URL
    )


# --- user_invite -----------------------------------------------------------------------------


def test_invite_creates_an_active_user_without_a_usable_password(administrator):
    created = invite(administrator, email="Ny.Person@Example.SE")

    created.refresh_from_db()
    assert created.email == "ny.person@example.se"
    assert created.full_name == "Ny Person"
    assert created.is_active
    assert not created.has_usable_password()


def test_invite_sends_one_invitation_mail_only_after_commit(
    administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = invite(administrator)
        assert mail.outbox == [], "the mail must wait for the commit"

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.person@example.se"]
    assert message.subject == "Inbjudan till Kunskapsstöd"
    assert "Anna Admin" in message.body
    link = INVITATION_LINK.search(message.body)
    assert link, message.body
    uidb64, token = link.group(1).strip("/").split("/")[-2:]
    assert default_token_generator.check_token(created, token)


def test_invitation_link_in_the_mail_opens_the_set_password_page(
    administrator, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(administrator)
    path = INVITATION_LINK.search(mail.outbox[0].body).group(1)

    response = client.get(path, follow=True)

    assert response.status_code == 200
    assert "Välkommen till Kunskapsstöd" in response.content.decode()


def test_invite_refuses_an_address_already_in_use_whatever_its_case(
    administrator, django_capture_on_commit_callbacks
):
    UserFactory(email="anna.berg@example.se")
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as info:
        invite(administrator, email="ANNA.Berg@Example.se")

    assert "email" in info.value.error_dict
    assert User.objects.count() == users_before
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="user.invited").exists()


def test_invite_records_who_invited_whom(administrator):
    created = invite(administrator)

    entry = AuditEntry.objects.get(action="user.invited")
    assert entry.actor == administrator
    assert entry.subject_user == created
    assert entry.object_id == str(created.pk)


def test_only_an_administrator_may_invite(user):
    grant(user, "npo_chair")
    with pytest.raises(PermissionDenied):
        invite(user)
    assert not User.objects.filter(email="ny.person@example.se").exists()


def test_resending_an_invitation_sends_a_new_link_after_commit(
    administrator, django_capture_on_commit_callbacks
):
    created = invite(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_resend_invitation(actor=administrator, user=created, base_url=BASE_URL)

    assert len(mail.outbox) == 1
    assert INVITATION_LINK.search(mail.outbox[0].body)
    assert AuditEntry.objects.filter(action="user.invitation_resent", subject_user=created).exists()


def test_no_invitation_is_resent_to_someone_who_has_a_password(administrator, user):
    with pytest.raises(ValidationError):
        services.user_resend_invitation(actor=administrator, user=user, base_url=BASE_URL)


# --- role_grant / role_revoke ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role_key, scope_code",
    [
        ("author", "region"),
        ("author", None),
        ("npo_chair", "region"),
        ("remiss_reviewer", "npo"),
        ("remiss_coordinator", None),
        ("regional_editor", "npo"),
        ("regional_editor", "healthcare_region"),
        ("national_editor", "npo"),
        ("administrator", "region"),
    ],
)
def test_grant_refuses_a_scope_of_the_wrong_kind(administrator, user, role_key, scope_code):
    scope = {
        "npo": npo,
        "region": region,
        "healthcare_region": lambda: Organisation.objects.get(code="uppsala").parent,
        None: lambda: None,
    }[scope_code]()

    with pytest.raises(ValidationError) as info:
        services.role_grant(actor=administrator, user=user, role=ROLES[role_key], scope=scope)

    assert "scope" in info.value.error_dict
    assert not holds_role(user, ROLES[role_key], scope)
    assert not AuditEntry.objects.filter(action="role.granted").exists()


@pytest.mark.parametrize(
    "role_key, scope_factory",
    [
        ("author", npo),
        ("npo_chair", npo),
        ("remiss_coordinator", region),
        ("remiss_reviewer", region),
        ("regional_editor", region),
        ("national_editor", lambda: None),
        ("administrator", lambda: None),
    ],
)
def test_administrator_grants_every_role_in_a_scope_of_its_kind(
    administrator, user, role_key, scope_factory
):
    role, scope = ROLES[role_key], scope_factory()

    services.role_grant(actor=administrator, user=user, role=role, scope=scope)

    assert holds_role(user, role, scope)
    assert user.has_perm(role.perm, scope)


def test_granting_a_role_already_held_is_refused(administrator, user):
    services.role_grant(actor=administrator, user=user, role=ROLES["author"], scope=npo())

    with pytest.raises(ValidationError, match="redan den rollen"):
        services.role_grant(actor=administrator, user=user, role=ROLES["author"], scope=npo())

    assert AuditEntry.objects.filter(action="role.granted").count() == 1


def test_the_same_role_may_be_held_in_two_scopes(administrator, user):
    services.role_grant(actor=administrator, user=user, role=ROLES["author"], scope=npo())
    services.role_grant(
        actor=administrator, user=user, role=ROLES["author"], scope=npo("psykisk-halsa")
    )

    assert holds_role(user, ROLES["author"], npo())
    assert holds_role(user, ROLES["author"], npo("psykisk-halsa"))


def test_revoking_a_role_not_held_is_refused(administrator, user):
    grant(user, "author", npo("psykisk-halsa"))

    with pytest.raises(ValidationError, match="inte den rollen"):
        services.role_revoke(actor=administrator, user=user, role=ROLES["author"], scope=npo())

    assert holds_role(user, ROLES["author"], npo("psykisk-halsa"))
    assert not AuditEntry.objects.filter(action="role.revoked").exists()


def test_grant_is_audited_with_actor_role_and_scope_name(administrator, user):
    services.role_grant(actor=administrator, user=user, role=ROLES["author"], scope=npo())

    entry = AuditEntry.objects.get(action="role.granted")
    assert entry.actor == administrator
    assert entry.subject_user == user
    assert entry.scope == npo().name
    assert entry.details["role"] == "author"
    assert entry.details["role_label"] == "Skribent"


def test_revoke_is_audited_with_actor_role_and_scope_name(administrator, user):
    grant(user, "remiss_reviewer", region())

    services.role_revoke(
        actor=administrator, user=user, role=ROLES["remiss_reviewer"], scope=region()
    )

    assert not holds_role(user, ROLES["remiss_reviewer"], region())
    entry = AuditEntry.objects.get(action="role.revoked")
    assert entry.actor == administrator
    assert entry.subject_user == user
    assert entry.scope == region().name
    assert entry.details["role"] == "remiss_reviewer"


def test_national_role_grant_is_audited_as_national(administrator, user):
    services.role_grant(actor=administrator, user=user, role=ROLES["national_editor"])

    entry = AuditEntry.objects.get(action="role.granted")
    assert entry.scope == "Nationellt"
    assert entry.details["role"] == "national_editor"


def test_granting_to_a_deactivated_user_is_refused(administrator, user):
    user.is_active = False
    user.save()
    with pytest.raises(ValidationError):
        services.role_grant(actor=administrator, user=user, role=ROLES["author"], scope=npo())
    assert not holds_role(user, ROLES["author"], npo())


def test_npo_chair_grants_and_revokes_author_in_own_npo():
    chair = grant(UserFactory(), "npo_chair", npo())
    writer = UserFactory()

    services.role_grant(actor=chair, user=writer, role=ROLES["author"], scope=npo())
    assert holds_role(writer, ROLES["author"], npo())

    services.role_revoke(actor=chair, user=writer, role=ROLES["author"], scope=npo())
    assert not holds_role(writer, ROLES["author"], npo())


@pytest.mark.parametrize(
    "role_key, scope_factory",
    [
        ("author", lambda: npo("psykisk-halsa")),
        ("npo_chair", npo),
        ("remiss_reviewer", region),
        ("national_editor", lambda: None),
    ],
)
def test_npo_chair_grants_nothing_else(role_key, scope_factory):
    chair = grant(UserFactory(), "npo_chair", npo())
    other = UserFactory()
    role, scope = ROLES[role_key], scope_factory()

    with pytest.raises(PermissionDenied):
        services.role_grant(actor=chair, user=other, role=role, scope=scope)

    assert not holds_role(other, role, scope)


def test_remiss_coordinator_grants_and_revokes_reviewer_in_own_region():
    coordinator = grant(UserFactory(), "remiss_coordinator", region())
    reviewer = UserFactory()

    services.role_grant(
        actor=coordinator, user=reviewer, role=ROLES["remiss_reviewer"], scope=region()
    )
    assert holds_role(reviewer, ROLES["remiss_reviewer"], region())

    services.role_revoke(
        actor=coordinator, user=reviewer, role=ROLES["remiss_reviewer"], scope=region()
    )
    assert not holds_role(reviewer, ROLES["remiss_reviewer"], region())


@pytest.mark.parametrize(
    "role_key, scope_factory",
    [
        ("remiss_reviewer", lambda: region("skane")),
        ("remiss_coordinator", region),
        ("regional_editor", region),
        ("author", npo),
    ],
)
def test_remiss_coordinator_grants_nothing_else(role_key, scope_factory):
    coordinator = grant(UserFactory(), "remiss_coordinator", region())
    other = UserFactory()
    role, scope = ROLES[role_key], scope_factory()

    with pytest.raises(PermissionDenied):
        services.role_grant(actor=coordinator, user=other, role=role, scope=scope)

    assert not holds_role(other, role, scope)


def test_chair_cannot_revoke_author_in_another_npo():
    chair = grant(UserFactory(), "npo_chair", npo())
    writer = grant(UserFactory(), "author", npo("psykisk-halsa"))

    with pytest.raises(PermissionDenied):
        services.role_revoke(
            actor=chair, user=writer, role=ROLES["author"], scope=npo("psykisk-halsa")
        )

    assert holds_role(writer, ROLES["author"], npo("psykisk-halsa"))


def test_administrator_cannot_revoke_own_administrator_role(administrator):
    with pytest.raises(ValidationError, match="egen administratörsroll"):
        services.role_revoke(actor=administrator, user=administrator, role=ROLES["administrator"])

    assert holds_role(administrator, ROLES["administrator"], None)


def test_administrator_may_revoke_another_administrators_role(administrator):
    colleague = grant(UserFactory(), "administrator")

    services.role_revoke(actor=administrator, user=colleague, role=ROLES["administrator"])

    assert not holds_role(colleague, ROLES["administrator"], None)


# --- user_deactivate / user_reactivate ---------------------------------------------------------


def test_administrator_cannot_deactivate_self(administrator):
    with pytest.raises(ValidationError, match="dig själv"):
        services.user_deactivate(actor=administrator, user=administrator)

    administrator.refresh_from_db()
    assert administrator.is_active


def test_deactivation_keeps_roles_and_is_audited_with_the_reason(administrator):
    target = grant(UserFactory(), "author", npo())

    services.user_deactivate(actor=administrator, user=target, reason="Slutat i regionen")

    target.refresh_from_db()
    assert not target.is_active
    assert holds_role(target, ROLES["author"], npo())
    entry = AuditEntry.objects.get(action="user.deactivated")
    assert (entry.actor, entry.subject_user) == (administrator, target)
    assert entry.details == {"reason": "Slutat i regionen"}


def test_deactivating_twice_is_refused(administrator, user):
    services.user_deactivate(actor=administrator, user=user)
    with pytest.raises(ValidationError, match="redan inaktiverad"):
        services.user_deactivate(actor=administrator, user=user)
    assert AuditEntry.objects.filter(action="user.deactivated").count() == 1


def test_deactivated_user_cannot_sign_in(administrator, user, client):
    services.user_deactivate(actor=administrator, user=user)

    response = client.post("/logga-in/", {"username": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert "Fel e-postadress eller lösenord" in response.content.decode()


def test_deactivated_user_loses_an_open_session(administrator, user, client_for):
    client = client_for(user)
    services.user_deactivate(actor=administrator, user=user)

    response = client.get("/konto/mina-roller/")

    assert response.status_code == 302
    assert response.url.startswith("/logga-in/")


def test_reactivated_user_can_sign_in_again_and_it_is_audited(administrator, user, client):
    services.user_deactivate(actor=administrator, user=user)
    services.user_reactivate(actor=administrator, user=user)

    response = client.post("/logga-in/", {"username": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    entry = AuditEntry.objects.get(action="user.reactivated")
    assert (entry.actor, entry.subject_user) == (administrator, user)


def test_reactivating_an_active_user_is_refused(administrator, user):
    with pytest.raises(ValidationError, match="redan aktiv"):
        services.user_reactivate(actor=administrator, user=user)


@pytest.mark.parametrize("role_key", ["npo_chair", "remiss_coordinator", "national_editor"])
def test_only_an_administrator_may_deactivate(role_key, user):
    actor = grant(UserFactory(), role_key)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=actor, user=user)
    user.refresh_from_db()
    assert user.is_active


# --- user_update ----------------------------------------------------------------------------------


def test_user_update_records_only_what_changed(administrator, user):
    services.user_update(
        actor=administrator,
        user=user,
        full_name="Nytt Namn",
        profession=user.profession,
        home_organisation=region(),
    )

    user.refresh_from_db()
    assert user.full_name == "Nytt Namn"
    assert user.home_organisation == region()
    entry = AuditEntry.objects.get(action="user.updated")
    assert set(entry.details) == {"full_name", "home_organisation"}
    assert entry.details["home_organisation"] == ["", region().name]


# --- organisation_create / organisation_update -----------------------------------------------------


def test_organisation_create_is_audited_with_kind_and_code(administrator):
    created = services.organisation_create(
        actor=administrator,
        kind="municipality",
        code="kommun-test",
        name="Testkommun",
    )

    assert Organisation.objects.get(code="kommun-test") == created
    entry = AuditEntry.objects.get(action="organisation.created")
    assert entry.actor == administrator
    assert entry.details == {"kind": "municipality", "code": "kommun-test"}


def test_organisation_create_refuses_a_code_in_use(administrator):
    with pytest.raises(ValidationError) as info:
        services.organisation_create(
            actor=administrator, kind="region", code="uppsala", name="Andra Uppsala"
        )
    assert "code" in info.value.error_dict
    assert Organisation.objects.filter(code="uppsala").count() == 1


def test_organisation_update_changes_the_name_and_keeps_the_code_and_kind(administrator):
    before = region()
    old_name = before.name

    services.organisation_update(
        actor=administrator,
        organisation=before,
        name="Region Uppsala län",
        short_name="Uppsala",
        parent=before.parent,
        is_active=True,
    )

    after = Organisation.objects.get(pk=before.pk)
    assert (after.code, after.kind) == ("uppsala", "region")
    assert after.name == "Region Uppsala län"
    entry = AuditEntry.objects.get(action="organisation.updated")
    assert entry.actor == administrator
    assert entry.details["name"] == [old_name, "Region Uppsala län"]
    assert "parent" not in entry.details


@pytest.mark.parametrize("role_key", ["npo_chair", "remiss_coordinator", "national_editor"])
def test_only_an_administrator_may_create_or_change_organisations(role_key):
    actor = grant(UserFactory(), role_key)
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=actor, kind="region", code="ny", name="Ny")
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=actor,
            organisation=npo(),
            name="Annat",
            short_name="",
            parent=None,
            is_active=True,
        )
    assert not Organisation.objects.filter(code="ny").exists()
    assert npo().name != "Annat"


# --- atomicity: a failing audit write leaves nothing behind -----------------------------------------


class AuditDown(Exception):
    pass


def _audit_down(**kwargs):
    raise AuditDown


def _deactivated(user):
    user.is_active = False
    user.save()
    return user


def _invitee(user):
    user.set_unusable_password()
    user.save()
    return user


# (name, prepare the target, the call, "nothing changed" check)
ATOMIC_CASES = {
    "invite": (
        lambda u: u,
        lambda admin, u: invite(admin, email="atomisk@example.se"),
        lambda u: not User.objects.filter(email="atomisk@example.se").exists(),
    ),
    "resend_invitation": (
        _invitee,
        lambda admin, u: services.user_resend_invitation(actor=admin, user=u, base_url=BASE_URL),
        lambda u: True,
    ),
    "update": (
        lambda u: u,
        lambda admin, u: services.user_update(
            actor=admin, user=u, full_name="Ändrat", profession="", home_organisation=None
        ),
        lambda u: User.objects.get(pk=u.pk).full_name != "Ändrat",
    ),
    "grant": (
        lambda u: u,
        lambda admin, u: services.role_grant(
            actor=admin, user=u, role=ROLES["author"], scope=npo()
        ),
        lambda u: not holds_role(u, ROLES["author"], npo()),
    ),
    "revoke": (
        lambda u: grant(u, "author", npo()),
        lambda admin, u: services.role_revoke(
            actor=admin, user=u, role=ROLES["author"], scope=npo()
        ),
        lambda u: holds_role(u, ROLES["author"], npo()),
    ),
    "deactivate": (
        lambda u: u,
        lambda admin, u: services.user_deactivate(actor=admin, user=u, reason="x"),
        lambda u: User.objects.get(pk=u.pk).is_active,
    ),
    "reactivate": (
        _deactivated,
        lambda admin, u: services.user_reactivate(actor=admin, user=u),
        lambda u: not User.objects.get(pk=u.pk).is_active,
    ),
    "organisation_create": (
        lambda u: u,
        lambda admin, u: services.organisation_create(
            actor=admin, kind="region", code="atomisk", name="Atomisk"
        ),
        lambda u: not Organisation.objects.filter(code="atomisk").exists(),
    ),
    "organisation_update": (
        lambda u: u,
        lambda admin, u: services.organisation_update(
            actor=admin,
            organisation=npo(),
            name="Atomisk",
            short_name="",
            parent=None,
            is_active=False,
        ),
        lambda u: npo().name != "Atomisk" and npo().is_active,
    ),
}


@pytest.mark.parametrize("case", ATOMIC_CASES)
def test_nothing_is_saved_or_mailed_when_the_audit_write_fails(
    case, administrator, monkeypatch, django_capture_on_commit_callbacks
):
    prepare, call, unchanged = ATOMIC_CASES[case]
    target = prepare(UserFactory())
    entries_before = AuditEntry.objects.count()
    monkeypatch.setattr("apps.core.audit.record", _audit_down)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AuditDown):
        call(administrator, target)

    assert unchanged(target)
    assert AuditEntry.objects.count() == entries_before
    assert mail.outbox == []
