"""Bad input to the API: 400 with a Swedish message naming each malformed parameter, a JSON
404 for what does not exist, 410 for a withdrawn support, and never a server error."""

import json

import pytest

from tests.publishing.api_helpers import API, get_json, world_in_a_module_transaction

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_in_a_module_transaction(django_db_blocker)


LIST_PARAMETERS = [
    ("limit", "0", "Ska vara minst 1."),
    ("limit", "101", "Får vara högst 100."),
    ("limit", "tio", "Ska vara ett heltal."),
    ("limit", "", "Ska vara ett heltal."),
    ("limit", "2.5", "Ska vara ett heltal."),
    ("offset", "-1", "Ska vara minst 0."),
    ("offset", "100001", "Får vara högst 100000."),
    ("offset", "första", "Ska vara ett heltal."),
    ("updated_since", "igår", "Ska vara ett datum eller en tidpunkt enligt ISO 8601"),
    ("updated_since", "2026-13-01", "Ska vara ett datum eller en tidpunkt enligt ISO 8601"),
    ("updated_since", "2026-02-30", "Ska vara ett datum eller en tidpunkt enligt ISO 8601"),
    ("updated_since", "2026-03-01T25:00", "Ska vara ett datum eller en tidpunkt enligt ISO 8601"),
    ("updated_since", "", "Ska vara ett datum eller en tidpunkt enligt ISO 8601"),
    ("updated_since", "2026-03-01\x00", "Ska vara ett datum eller en tidpunkt enligt ISO 8601"),
    ("updated_since", "2" * 65, "Får vara högst 64 tecken."),
]
SUPPORT_FILTERS = [
    ("npo", "NPO Hjärt", "Har inte rätt form."),
    ("npo", "npo-", "Har inte rätt form."),
    ("npo", "\x00", "Har inte rätt form."),
    ("npo", "a" * 61, "Får vara högst 60 tecken."),
    ("product_type", "Kliniskt kunskapsstöd", "Har inte rätt form."),
    ("product_type", "", "Har inte rätt form."),
    ("care_level", "both", "Ska vara ett av: 'primary' eller 'specialised'."),
    ("care_level", "primärvård", "Ska vara ett av: 'primary' eller 'specialised'."),
    ("diagnosis", "hjärtsvikt", "Har inte rätt form."),
    ("diagnosis", "50I", "Har inte rätt form."),
    ("diagnosis", "I500", "Har inte rätt form."),
    ("diagnosis", "I50'; --", "Har inte rätt form."),
]


def assert_bad(response, body, parameter, message):
    assert response.status_code == 400, body
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    [error] = body["detail"]
    assert error["parameter"] == parameter
    assert error["message"].startswith(message), error["message"]


@pytest.mark.parametrize("parameter, value, message", LIST_PARAMETERS + SUPPORT_FILTERS)
def test_a_malformed_parameter_of_the_list_is_refused_and_named(
    client, world, parameter, value, message
):
    response = client.get(f"{API}/kunskapsstod/", {parameter: value})

    assert_bad(response, json.loads(response.content), parameter, message)


@pytest.mark.parametrize("parameter, value, message", LIST_PARAMETERS)
def test_a_malformed_parameter_of_the_change_feed_is_refused_and_named(
    client, world, parameter, value, message
):
    response = client.get(f"{API}/andringar/", {parameter: value})

    assert_bad(response, json.loads(response.content), parameter, message)


def test_every_malformed_parameter_is_named_at_once(client, world):
    response = client.get(f"{API}/kunskapsstod/", {"limit": "0", "care_level": "x", "npo": "!"})

    assert response.status_code == 400
    named = {error["parameter"] for error in json.loads(response.content)["detail"]}
    assert named == {"limit", "care_level", "npo"}


@pytest.mark.parametrize("version", ["1", "1.0.0", "ett.noll", "1,0", "-1.0", "1.0a"])
def test_a_malformed_version_is_refused_and_named(client, world, version):
    response, body = get_json(
        client, f"{API}/kunskapsstod/{world.current.slug}/versioner/{version}/"
    )

    assert_bad(response, body, "version", "Har inte rätt form.")


@pytest.mark.parametrize("slug", ["hjärtsvikt", "a.b", "a%00b", "a" * 201])
def test_a_malformed_support_address_is_refused_and_named(client, world, slug):
    response, body = get_json(client, f"{API}/kunskapsstod/{slug}/")

    assert response.status_code == 400, body
    assert body["detail"][0]["parameter"] == "slug"


@pytest.mark.parametrize(
    "path",
    [
        "/kunskapsstod/finns-inte/",
        "/kunskapsstod/KS-9999/",
        "/kunskapsstod/finns-inte/versioner/",
        "/kunskapsstod/finns-inte/versioner/1.0/",
    ],
)
def test_an_unknown_support_is_a_json_404(client, world, path):
    response, body = get_json(client, API + path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert body == {"detail": "Det finns inget publicerat kunskapsstöd med den adressen."}


@pytest.mark.parametrize("version", ["0.0", "1.9", "9.0", "999999.999999"])
def test_an_unknown_version_is_a_json_404(client, world, version):
    response, body = get_json(
        client, f"{API}/kunskapsstod/{world.current.slug}/versioner/{version}/"
    )

    assert response.status_code == 404
    assert body == {"detail": "Kunskapsstödet har ingen publicerad version med det numret."}


@pytest.mark.parametrize(
    "path", ["/finns-inte/", "/kunskapsstod/a/b/c/", "/v2/", "/kunskapsstod//"]
)
def test_an_unknown_address_under_the_api_is_a_json_404(client, path):
    response, body = get_json(client, API + path)

    assert response.status_code == 404
    assert body == {"detail": "Det finns ingen sådan adress i API:t."}


def test_an_address_without_its_slash_is_redirected_to_it(client):
    response = client.get(f"{API}/kunskapsstod")

    assert response.status_code == 301
    assert response["Location"] == f"{API}/kunskapsstod/"


@pytest.mark.parametrize("suffix", ["/", "/versioner/", "/versioner/1.0/"])
def test_a_withdrawn_support_answers_410_with_when(client, world, suffix):
    for address in (world.withdrawn.slug, world.withdrawn.code):
        response, body = get_json(client, f"{API}/kunskapsstod/{address}{suffix}")
        edition = world.withdrawn.editions.get()

        assert response.status_code == 410
        assert body == {
            "detail": "Kunskapsstödet är avpublicerat.",
            "code": world.withdrawn.code,
            "slug": world.withdrawn.slug,
            "title": "Gammal behandling av astma",
            "withdrawn_at": edition.state_changed_at.isoformat().replace("+00:00", "Z"),
        }
        assert response["ETag"]


def test_the_api_only_reads(client, world):
    for method in (client.post, client.put, client.delete, client.patch):
        response = method(f"{API}/kunskapsstod/{world.current.slug}/")
        assert response.status_code == 405, method
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}
        assert response.json() == {"detail": "API:t går bara att läsa: använd GET (eller HEAD)."}
