"""The demo's regional editor (Tove Tillägg, Region Skåne) finds published additions of her
own on the published demo supports, written through the services; seeding again adds none."""

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.demo import DEMO_PASSWORD
from apps.regional.models import AdditionState, RegionalAddition

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_regional_editor_has_published_additions_on_published_supports(seeded):
    additions = RegionalAddition.objects.select_related("support", "region", "created_by")
    assert {(a.support.title, a.state) for a in additions} == {
        ("Förmaksflimmer – utredning och behandling", AdditionState.PUBLISHED),
        ("Hjärtsvikt – behandling", AdditionState.PUBLISHED),
    }
    for addition in additions:
        assert addition.region.code == "skane"
        assert addition.created_by.email == "tillagg@demo.kunskapsstod.se"
        assert addition.written_against_edition == addition.support.current_published_edition
        assert addition.history.count() == 2  # written, then published
    flutter = additions.get(support__title__startswith="Förmaksflimmer")
    assert flutter.written_against_edition.number == "2.0"
    assert flutter.written_against.uid == flutter.block_uid


def test_seeding_again_adds_no_addition(seeded):
    before = list(RegionalAddition.objects.values_list("pk", "lock_version"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(RegionalAddition.objects.values_list("pk", "lock_version")) == before


def test_the_demo_regional_editor_sees_them_in_the_overview(seeded):
    client = Client()
    client.post(
        "/logga-in/", {"username": "tillagg@demo.kunskapsstod.se", "password": DEMO_PASSWORD}
    )
    page = client.get("/regionalt/").content.decode()
    assert "Publicerade (2)" in page
    assert "Förmaksflimmer – utredning och behandling" in page
