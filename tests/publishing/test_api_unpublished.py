"""No unpublished edition reaches the API, whatever the address or parameter: every endpoint
is tried with the slugs, codes and versions of editions in draft, on remiss and approved
(and the published support's own next version), anonymously and signed in, and every answer
is searched for their text."""

import pytest

from apps.authoring.models import Edition
from tests.authoring.helpers import person
from tests.publishing.api_helpers import API, hidden_text, world_in_a_module_transaction

pytestmark = pytest.mark.django_db

HIDDEN = [hidden_text(label) for label in ("draft", "in_consultation", "approved", "version 1.2")]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_in_a_module_transaction(django_db_blocker)


def addresses_of(support) -> list[str]:
    edition = Edition.objects.get(support=support)
    return [
        f"{API}/kunskapsstod/{address}{suffix}"
        for address in (support.slug, support.code)
        for suffix in ("/", "/versioner/", f"/versioner/{edition.number}/")
    ]


def list_and_feed_urls(world) -> list[str]:
    since = "2000-01-01"
    return [
        f"{API}/kunskapsstod/?limit=100",
        f"{API}/kunskapsstod/?limit=100&diagnosis=I50",
        f"{API}/kunskapsstod/?limit=100&npo=npo-hjart-och-karlsjukdomar",
        f"{API}/kunskapsstod/?limit=100&product_type=kliniskt-kunskapsstod",
        f"{API}/kunskapsstod/?limit=100&care_level=primary",
        f"{API}/kunskapsstod/?limit=100&care_level=specialised",
        f"{API}/kunskapsstod/?limit=100&updated_since={since}",
        f"{API}/andringar/?limit=100",
        f"{API}/andringar/?limit=100&updated_since={since}",
        f"{API}/kunskapsstod/{world.current.slug}/",
        f"{API}/kunskapsstod/{world.current.slug}/versioner/",
        f"{API}/kunskapsstod/{world.current.slug}/versioner/1.0/",
        f"{API}/kunskapsstod/{world.pathway.slug}/",
    ]


@pytest.mark.parametrize("who", ["anonymous", "author", "national_editor"])
def test_no_address_of_an_unpublished_support_answers_with_it(client, client_for, world, who):
    # Those who may read the drafts in the application get nothing more from the API.
    reader = client if who == "anonymous" else client_for(person(who))
    for support in world.unpublished:
        for url in addresses_of(support):
            response = reader.get(url)
            assert response.status_code == 404, url
            assert response.json() == {
                "detail": "Det finns inget publicerat kunskapsstöd med den adressen."
            }, url


@pytest.mark.parametrize("address", ["slug", "code"])
def test_the_version_being_written_of_a_published_support_is_not_found(client, world, address):
    url = f"{API}/kunskapsstod/{getattr(world.current, address)}/versioner/{world.working.number}/"

    response = client.get(url)

    assert response.status_code == 404
    assert hidden_text("version 1.2") not in response.content.decode()


def test_no_list_feed_or_detail_shows_unpublished_text_or_names_an_unpublished_support(
    client, world
):
    unpublished = [(s.code, s.slug, s.title) for s in world.unpublished]
    for url in list_and_feed_urls(world):
        response = client.get(url)
        text = response.content.decode()

        assert response.status_code == 200, url
        assert not [hidden for hidden in HIDDEN if hidden in text], url
        for code, slug, title in unpublished:
            assert code not in text and slug not in text and title not in text, (url, title)
        assert "Pågående arbete." not in text, url  # the 1.2's change summary
        assert '"1.2"' not in text, url


def test_every_published_edition_is_readable_and_only_those(client, world):
    readable = {
        version
        for version in ("0.1", "1.0", "1.1", "1.2", "2.0")
        if client.get(f"{API}/kunskapsstod/{world.current.slug}/versioner/{version}/").status_code
        == 200
    }

    assert readable == {"1.0", "1.1"}
