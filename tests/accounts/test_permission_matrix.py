"""Who may administer users, roles and organisations, walked through the HTTP views.

One table states the policy; one parametrised test tries every action as every role, inside
and outside the actor's own programme area or region, and as an anonymous visitor. An
allowed action must succeed and have its effect; a refused one must answer 403 and leave
the database as it was."""

import logging
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import transaction
from django.test import Client

from apps.accounts.models import Organisation, User
from apps.accounts.roles import ROLES
from apps.accounts.selectors import holds_role
from apps.core.models import AuditEntry
from tests.factories import UserFactory, grant, npo, region

pytestmark = pytest.mark.django_db

ACTOR_ROLES = [
    "none",
    "author",
    "npo_chair",
    "national_editor",
    "remiss_coordinator",
    "remiss_reviewer",
    "regional_editor",
    "administrator",
]

ALWAYS, OWN_SCOPE = "always", "own scope"

# The policy. Absent means refused. "own scope" means only in the NPO or region where the
# actor holds the role (hjärt- och kärlsjukdomar / Uppsala), never in another.
POLICY: dict[str, dict[str, str]] = {
    "list_users": {"administrator": ALWAYS},
    "invite_user": {"administrator": ALWAYS},
    "view_other_user": {"administrator": ALWAYS},
    "view_own_user": {role: ALWAYS for role in ACTOR_ROLES},
    "my_roles": {role: ALWAYS for role in ACTOR_ROLES},
    "edit_user": {"administrator": ALWAYS},
    "grant_on_user_page": {"administrator": ALWAYS},
    "grant_author_on_npo_page": {"administrator": ALWAYS, "npo_chair": OWN_SCOPE},
    "grant_reviewer_on_region_page": {
        "administrator": ALWAYS,
        "remiss_coordinator": OWN_SCOPE,
    },
    "revoke_author": {"administrator": ALWAYS, "npo_chair": OWN_SCOPE},
    "revoke_reviewer": {"administrator": ALWAYS, "remiss_coordinator": OWN_SCOPE},
    "deactivate_user": {"administrator": ALWAYS},
    "reactivate_user": {"administrator": ALWAYS},
    "resend_invitation": {"administrator": ALWAYS},
    "list_organisations": {
        "administrator": ALWAYS,
        "npo_chair": ALWAYS,
        "remiss_coordinator": ALWAYS,
    },
    "view_npo_page": {"administrator": ALWAYS, "npo_chair": OWN_SCOPE},
    "view_region_page": {"administrator": ALWAYS, "remiss_coordinator": OWN_SCOPE},
    "create_organisation": {"administrator": ALWAYS},
    "edit_organisation": {"administrator": ALWAYS},
    "read_audit_log": {"administrator": ALWAYS},
}


@dataclass
class Case:
    actor: Any
    target: User  # holds author in `npo` and reviewer in `region`
    candidate: User  # holds nothing; receives grants
    npo: Organisation
    region: Organisation


@dataclass(frozen=True)
class Action:
    method: str
    url: Any  # (case) -> str
    data: Any = None  # (case) -> dict
    prepare: Any = None  # (case) -> None
    effect: Any = None  # (case, response) -> bool: did the action happen?


def _seen(text):
    return lambda case, response: text(case) in response.content.decode()


def _inactive(case):
    User.objects.filter(pk=case.target.pk).update(is_active=False)


def _no_password(case):
    User.objects.filter(pk=case.target.pk).update(password=make_password(None))


def _audit_marker(case):
    AuditEntry.objects.create(action="matrix.marker", object_repr="matrismarkör")


def _self(case):
    # An anonymous visitor has no page of their own; try someone else's.
    return case.actor or case.target


def _user(path=""):
    return lambda case: f"/konto/anvandare/{case.target.pk}/{path}"


ACTIONS: dict[str, Action] = {
    "list_users": Action(
        "get", lambda c: "/konto/anvandare/", effect=_seen(lambda c: c.target.email)
    ),
    "invite_user": Action(
        "post",
        lambda c: "/konto/anvandare/ny/",
        data=lambda c: {"email": "inbjuden@example.se", "full_name": "Inbjuden Person"},
        effect=lambda c, r: User.objects.filter(email="inbjuden@example.se").exists(),
    ),
    "view_other_user": Action("get", _user(), effect=_seen(lambda c: c.target.email)),
    "view_own_user": Action(
        "get",
        lambda c: f"/konto/anvandare/{_self(c).pk}/",
        effect=_seen(lambda c: _self(c).email),
    ),
    "my_roles": Action(
        "get", lambda c: "/konto/mina-roller/", effect=_seen(lambda c: _self(c).email)
    ),
    "edit_user": Action(
        "post",
        _user("andra/"),
        data=lambda c: {"full_name": "Ändrat Namn", "profession": "Läkare"},
        effect=lambda c, r: User.objects.get(pk=c.target.pk).full_name == "Ändrat Namn",
    ),
    "grant_on_user_page": Action(
        "post",
        lambda c: f"/konto/anvandare/{c.candidate.pk}/roller/tilldela/",
        data=lambda c: {"role": "author", "scope": c.npo.pk},
        effect=lambda c, r: holds_role(c.candidate, ROLES["author"], c.npo),
    ),
    "grant_author_on_npo_page": Action(
        "post",
        lambda c: f"/konto/organisationer/{c.npo.code}/roller/",
        data=lambda c: {"email": c.candidate.email, "role": "author"},
        effect=lambda c, r: holds_role(c.candidate, ROLES["author"], c.npo),
    ),
    "grant_reviewer_on_region_page": Action(
        "post",
        lambda c: f"/konto/organisationer/{c.region.code}/roller/",
        data=lambda c: {"email": c.candidate.email, "role": "remiss_reviewer"},
        effect=lambda c, r: holds_role(c.candidate, ROLES["remiss_reviewer"], c.region),
    ),
    "revoke_author": Action(
        "post",
        _user("roller/aterkalla/"),
        data=lambda c: {"role": "author", "scope": c.npo.pk},
        effect=lambda c, r: not holds_role(c.target, ROLES["author"], c.npo),
    ),
    "revoke_reviewer": Action(
        "post",
        _user("roller/aterkalla/"),
        data=lambda c: {"role": "remiss_reviewer", "scope": c.region.pk},
        effect=lambda c, r: not holds_role(c.target, ROLES["remiss_reviewer"], c.region),
    ),
    "deactivate_user": Action(
        "post",
        _user("inaktivera/"),
        data=lambda c: {"reason": "Slutat"},
        effect=lambda c, r: not User.objects.get(pk=c.target.pk).is_active,
    ),
    "reactivate_user": Action(
        "post",
        _user("aktivera/"),
        prepare=_inactive,
        effect=lambda c, r: User.objects.get(pk=c.target.pk).is_active,
    ),
    "resend_invitation": Action(
        "post",
        _user("skicka-inbjudan/"),
        prepare=_no_password,
        effect=lambda c, r: [m.to for m in mail.outbox] == [[c.target.email]],
    ),
    "list_organisations": Action(
        "get",
        lambda c: "/konto/organisationer/",
        effect=_seen(lambda c: "<h1>Organisationer</h1>"),
    ),
    "view_npo_page": Action(
        "get",
        lambda c: f"/konto/organisationer/{c.npo.code}/",
        effect=_seen(lambda c: c.target.email),
    ),
    "view_region_page": Action(
        "get",
        lambda c: f"/konto/organisationer/{c.region.code}/",
        effect=_seen(lambda c: c.target.email),
    ),
    "create_organisation": Action(
        "post",
        lambda c: "/konto/organisationer/ny/",
        data=lambda c: {"kind": "municipality", "code": "matriskommun", "name": "Matriskommun"},
        effect=lambda c, r: Organisation.objects.filter(code="matriskommun").exists(),
    ),
    "edit_organisation": Action(
        "post",
        lambda c: f"/konto/organisationer/{c.npo.code}/andra/",
        data=lambda c: {"name": "Omdöpt programområde", "is_active": "on"},
        effect=lambda c, r: Organisation.objects.get(pk=c.npo.pk).name == "Omdöpt programområde",
    ),
    "read_audit_log": Action(
        "get",
        lambda c: "/granskningslogg/",
        prepare=_audit_marker,
        effect=_seen(lambda c: "matrismarkör"),
    ),
}

assert set(ACTIONS) == set(POLICY), "every action needs a row in the policy"


def _expected(action: str, role: str, in_scope: bool) -> bool:
    rule = POLICY[action].get(role)
    return rule == ALWAYS or (rule == OWN_SCOPE and in_scope)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Actors, targets and signed-in sessions, built once for the module inside a transaction
    that is rolled back at the end; each case runs in its own savepoint on top, as Django's
    setUpTestData does, so that one case's effect never reaches the next."""
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # 403s are expected here; 500s still show
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            quiet.setLevel(level)


def _build_world() -> dict:
    # One client per role: a new Client loads the whole middleware stack again.
    sessions, actors, clients = {}, {}, {"anonymous": Client()}
    for role_key in ACTOR_ROLES:
        actor = UserFactory(full_name=f"Aktör {role_key}")
        if role_key != "none":
            grant(actor, role_key)  # in npo() or region(), by the role's kind
        client = Client()
        client.force_login(actor, backend="django.contrib.auth.backends.ModelBackend")
        actors[role_key] = actor
        clients[role_key] = client
        sessions[role_key] = client.cookies[settings.SESSION_COOKIE_NAME].value
    scopes = {True: (npo(), region()), False: (npo("psykisk-halsa"), region("skane"))}
    targets = {}
    for in_scope, (scope_npo, scope_region) in scopes.items():
        target = UserFactory(full_name=f"Målperson {'inom' if in_scope else 'utom'}")
        grant(target, "author", scope_npo)
        grant(target, "remiss_reviewer", scope_region)
        targets[in_scope] = target
    return {
        "actors": actors,
        "sessions": sessions,
        "clients": clients,
        "targets": targets,
        "scopes": scopes,
        "candidate": UserFactory(full_name="Kandidat"),
    }


CASES = [
    pytest.param(action, role, in_scope, id=f"{action}-{role}-{'in' if in_scope else 'out'}")
    for action in ACTIONS
    for role in ACTOR_ROLES
    for in_scope in (True, False)
] + [pytest.param(action, "anonymous", True, id=f"{action}-anonymous") for action in ACTIONS]


@pytest.mark.parametrize("action_key, role_key, in_scope", CASES)
def test_role_administration_policy(
    action_key, role_key, in_scope, world, django_capture_on_commit_callbacks
):
    action = ACTIONS[action_key]
    scope_npo, scope_region = world["scopes"][in_scope]
    case = Case(
        actor=world["actors"].get(role_key),
        target=world["targets"][in_scope],
        candidate=world["candidate"],
        npo=scope_npo,
        region=scope_region,
    )
    if action.prepare:
        action.prepare(case)
    client = world["clients"][role_key]
    client.cookies.clear()  # no message or CSRF cookie left over from the case before
    if role_key in world["sessions"]:
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role_key]

    with django_capture_on_commit_callbacks(execute=True):
        if action.method == "get":
            response = client.get(action.url(case))
        else:
            response = client.post(action.url(case), action.data(case) if action.data else {})

    if role_key == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith("/logga-in/?next=")
        allowed = False
    else:
        allowed = _expected(action_key, role_key, in_scope)
        if allowed:
            assert response.status_code == (200 if action.method == "get" else 302), (
                response.content.decode()[:2000]
            )
        else:
            # Every account page is found by anyone signed in (users and organisations are
            # not secret the way a draft is): a refusal is 403, never a 404.
            assert response.status_code == 403
    assert action.effect(case, response) is allowed
