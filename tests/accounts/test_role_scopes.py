"""Which kinds of organisation a scoped role is held in: the remiss roles also in the other
bodies that answer a remiss (a professional society answers through its own coordinator)."""

import pytest
from django.core.exceptions import ValidationError

from apps.accounts import services
from apps.accounts.permissions import has_role
from apps.accounts.roles import ROLES
from tests.factories import UserFactory, npo, organisation, region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["remiss_coordinator", "remiss_reviewer"])
@pytest.mark.parametrize("code", ["uppsala", "lakaresallskapet", "funktionsratt-sverige", "skr"])
def test_remiss_roles_are_held_in_regions_and_other_remiss_bodies(administrator, role, code):
    person = UserFactory()
    scope = organisation(code)
    services.role_grant(actor=administrator, user=person, role=ROLES[role], scope=scope)
    assert has_role(person, role, scope)


@pytest.mark.parametrize(
    "role, scope_code",
    [
        ("remiss_coordinator", "npo-hjart-och-karlsjukdomar"),
        ("regional_editor", "lakaresallskapet"),
        ("author", "uppsala"),
    ],
)
def test_a_role_is_refused_in_a_kind_of_organisation_it_does_not_belong_to(
    administrator, role, scope_code
):
    person = UserFactory()
    with pytest.raises(ValidationError) as refused:
        services.role_grant(
            actor=administrator, user=person, role=ROLES[role], scope=organisation(scope_code)
        )
    assert "Rollen" in str(refused.value)
    assert not has_role(person, role)


def test_the_scope_text_names_every_kind_a_role_is_held_in():
    assert ROLES["author"].scope_kinds_label == "Nationellt programområde"
    assert ROLES["remiss_coordinator"].scope_kinds_label == (
        "Region, professionsförening, patientorganisation, kommun eller myndighet"
    )
    assert ROLES["national_editor"].is_national and not ROLES["remiss_reviewer"].is_national
    assert ROLES["regional_editor"].accepts_scope(region())
    assert not ROLES["regional_editor"].accepts_scope(npo())
