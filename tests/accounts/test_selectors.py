"""users_with_role and role_holders_by_scope: who holds a role, national or in the given
organisations, active people only, in one query; the lookups the workflow and the remiss
use instead of reading guardian's tables themselves."""

import pytest
from guardian.shortcuts import remove_perm

from apps.accounts.roles import ROLES
from apps.accounts.selectors import role_holders_by_scope, users_with_role
from tests.factories import UserFactory, grant, npo, region

pytestmark = pytest.mark.django_db


def names(users) -> set[str]:
    return {user.full_name for user in users}


@pytest.fixture
def heart():
    return npo()


@pytest.fixture
def mind():
    return npo("psykisk-halsa")


def test_a_national_role_is_everyone_with_the_global_permission():
    grant(UserFactory(full_name="Nora Redaktör"), "national_editor")
    grant(UserFactory(full_name="Adam Administratör"), "administrator")
    UserFactory(full_name="Rut Läsare")

    assert names(users_with_role(role="national_editor")) == {"Nora Redaktör"}
    assert names(users_with_role(role=ROLES["administrator"])) == {"Adam Administratör"}


def test_scopes_do_not_narrow_a_national_role(heart):
    grant(UserFactory(full_name="Nora Redaktör"), "national_editor")
    assert names(users_with_role(role="national_editor", scopes=[heart])) == {"Nora Redaktör"}


def test_a_scoped_role_is_held_in_one_of_the_scopes(heart, mind):
    grant(UserFactory(full_name="Hjärtats ordförande"), "npo_chair", heart)
    grant(UserFactory(full_name="Psykets ordförande"), "npo_chair", mind)
    grant(UserFactory(full_name="Hjärtats skribent"), "author", heart)

    assert names(users_with_role(role="npo_chair", scopes=[heart])) == {"Hjärtats ordförande"}
    assert names(users_with_role(role="npo_chair", scopes=[heart.pk, mind.pk])) == {
        "Hjärtats ordförande",
        "Psykets ordförande",
    }
    assert names(users_with_role(role="npo_chair")) == {
        "Hjärtats ordförande",
        "Psykets ordförande",
    }
    assert names(users_with_role(role="npo_chair", scopes=[])) == set()


def test_someone_with_the_role_in_two_scopes_is_listed_once(heart, mind):
    both = grant(grant(UserFactory(full_name="Två områden"), "author", heart), "author", mind)
    assert list(users_with_role(role="author", scopes=[heart, mind])) == [both]


def test_inactive_people_and_revoked_roles_are_left_out(heart):
    gone = grant(UserFactory(full_name="Slutat"), "author", heart)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    revoked = grant(UserFactory(full_name="Rollen återkallad"), "author", heart)
    remove_perm(ROLES["author"].perm, revoked, heart)
    editor = grant(UserFactory(full_name="Slutad redaktör"), "national_editor")
    editor.is_active = False
    editor.save(update_fields=["is_active"])

    assert names(users_with_role(role="author", scopes=[heart])) == set()
    assert names(users_with_role(role="national_editor")) == set()


def test_a_superuser_without_the_role_is_not_a_holder(heart):
    UserFactory(full_name="Superanvändare", is_superuser=True)
    assert names(users_with_role(role="npo_chair", scopes=[heart])) == set()
    assert names(users_with_role(role="national_editor")) == set()


def test_an_unknown_role_is_an_error():
    with pytest.raises(KeyError):
        users_with_role(role="emperor")


def test_users_with_role_is_one_query(heart, django_assert_num_queries):
    for index in range(5):
        grant(UserFactory(full_name=f"Skribent {index}"), "author", heart)
    with django_assert_num_queries(1):
        assert len(list(users_with_role(role="author", scopes=[heart]))) == 5


def test_role_holders_by_scope_groups_the_active_holders_by_organisation(
    django_assert_num_queries,
):
    uppsala, skane, gotland = region("uppsala"), region("skane"), region("gotland")
    grant(UserFactory(full_name="Ulla Uppsala"), "remiss_coordinator", uppsala)
    grant(UserFactory(full_name="Sven Skåne"), "remiss_coordinator", skane)
    grant(UserFactory(full_name="Sara Skåne"), "remiss_coordinator", skane)
    grant(UserFactory(full_name="Granskare Skåne"), "remiss_reviewer", skane)
    away = grant(UserFactory(full_name="Slutat Skåne"), "remiss_coordinator", skane)
    away.is_active = False
    away.save(update_fields=["is_active"])

    with django_assert_num_queries(1):
        holders = role_holders_by_scope(role="remiss_coordinator", scopes=[uppsala, skane, gotland])
        grouped = {org.code: names(users) for org, users in holders.items()}

    assert grouped == {"uppsala": {"Ulla Uppsala"}, "skane": {"Sven Skåne", "Sara Skåne"}}
