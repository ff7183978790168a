"""`make run` seeds demo data: a user for every role, each able to sign in, and running the
command again neither fails nor duplicates anything."""

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from apps.accounts.models import User
from apps.accounts.roles import ROLES
from apps.accounts.selectors import role_assignments
from apps.authoring.models import Block, Support

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_every_role_a_user_who_can_sign_in(capsys):
    call_command("seed_demo")

    printed = capsys.readouterr().out
    held = set()
    for email, *_rest in DEMO_USERS:
        user = User.objects.get(email=email)
        held |= {a.role.key for a in role_assignments(user)}
        assert email in printed
        response = Client().post("/logga-in/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
    assert held == set(ROLES)
    assert DEMO_PASSWORD in printed


def test_seed_demo_twice_duplicates_nothing():
    call_command("seed_demo")
    counts = (User.objects.count(), Support.objects.count(), Block.objects.count())

    call_command("seed_demo")

    assert (User.objects.count(), Support.objects.count(), Block.objects.count()) == counts
    assert Support.objects.filter(title="Hjärtsvikt – behandling").count() == 1
