"""The API's HTTP: ETag and Last-Modified with 304 Not Modified, Cache-Control, HEAD, the
cache that follows publications (and ignores a rolled-back one), and CORS for the API only."""

import pytest
from django.db import transaction
from django.test import Client
from django.utils.http import http_date, parse_http_date

from apps.authoring.models import EditionTransition
from apps.publishing.api.http import CACHE_CONTROL
from tests.authoring.helpers import person, take
from tests.publishing.api_helpers import API, get_json, world_in_a_module_transaction
from tests.publishing.helpers import publish_now

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_in_a_module_transaction(django_db_blocker)


def public_urls(world) -> list[str]:
    slug = world.current.slug
    return [
        f"{API}/",
        f"{API}/kunskapsstod/",
        f"{API}/kunskapsstod/?diagnosis=I50&limit=1",
        f"{API}/kunskapsstod/{slug}/",
        f"{API}/kunskapsstod/{world.current.code}/",
        f"{API}/kunskapsstod/{slug}/versioner/",
        f"{API}/kunskapsstod/{slug}/versioner/1.0/",
        f"{API}/andringar/",
        f"{API}/andringar/?updated_since=2000-01-01",
        f"{API}/programomraden/",
        f"{API}/produkttyper/",
        f"{API}/openapi.json",
    ]


def test_every_public_answer_has_an_etag_and_cache_control(client, world):
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json; charset=utf-8", url
        assert response["ETag"].startswith('"') and response["ETag"].endswith('"'), url
        assert response["Cache-Control"] == CACHE_CONTROL == "public, max-age=300", url


def test_answers_built_from_publications_say_when_those_last_changed(client, world):
    last = EditionTransition.objects.filter(name="withdraw").get().created_at
    current_at = world.current.current_published_edition.published_at
    pathway_at = world.pathway.current_published_edition.published_at

    def modified(url):
        return client.get(url)["Last-Modified"]

    assert modified(f"{API}/kunskapsstod/") == http_date(int(last.timestamp()))
    assert modified(f"{API}/andringar/") == http_date(int(last.timestamp()))
    # A support's answer changes with its own editions and with those of the supports it
    # links to: the care pathway was published after it.
    assert modified(f"{API}/kunskapsstod/{world.current.slug}/") == http_date(
        int(pathway_at.timestamp())
    )
    # The list of editions: its publications and its own metadata (any save of the support
    # counts, such as starting the 1.2; an answer may be said to change later than it did,
    # never earlier).
    editions = parse_http_date(modified(f"{API}/kunskapsstod/{world.current.slug}/versioner/"))
    assert editions >= int(current_at.timestamp())


def test_a_repeated_request_with_the_etag_answers_304_without_a_body(client, world):
    for url in public_urls(world):
        first = client.get(url)
        again = client.get(url, headers={"if-none-match": first["ETag"]})

        assert again.status_code == 304, url
        assert again.content == b"", url
        assert again["ETag"] == first["ETag"], url
        assert again["Cache-Control"] == CACHE_CONTROL, url


def test_a_repeated_request_with_if_modified_since_answers_304(client, world):
    url = f"{API}/kunskapsstod/{world.current.slug}/"
    first = client.get(url)

    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    earlier = http_date(parse_http_date(first["Last-Modified"]) - 1)
    before = client.get(url, headers={"if-modified-since": earlier})

    assert again.status_code == 304
    assert again.content == b""
    assert before.status_code == 200
    assert before.content == first.content


def test_a_stale_etag_gets_the_whole_answer(client, world):
    url = f"{API}/kunskapsstod/"
    first = client.get(url)

    response = client.get(url, headers={"if-none-match": '"not-this-one"'})

    assert response.status_code == 200
    assert response.content == first.content


def test_the_etag_wins_over_if_modified_since(client, world):
    url = f"{API}/kunskapsstod/"
    first = client.get(url)

    response = client.get(
        url, headers={"if-none-match": '"stale"', "if-modified-since": first["Last-Modified"]}
    )

    assert response.status_code == 200


def test_the_304_path_runs_no_query(client, world, django_assert_num_queries):
    url = f"{API}/kunskapsstod/{world.current.slug}/"
    etag = client.get(url)["ETag"]

    with django_assert_num_queries(0):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_head_gives_the_headers_of_get_without_the_body(client, world):
    for url in public_urls(world):
        get = client.get(url)
        head = client.head(url)

        assert head.status_code == 200, url
        assert head.content == b"", url
        assert head["ETag"] == get["ETag"], url
        assert head["Content-Type"] == get["Content-Type"], url


def test_the_schema_answers_304_too(client):
    first = client.get(f"{API}/openapi.json")

    assert (
        client.get(f"{API}/openapi.json", headers={"if-none-match": first["ETag"]}).status_code
        == 304
    )


def test_answers_do_not_vary_by_who_asks(client, client_for, world):
    url = f"{API}/kunskapsstod/{world.current.slug}/"
    anonymous = client.get(url)
    signed_in = client_for(person("national_editor")).get(url)

    assert signed_in.content == anonymous.content
    assert signed_in["ETag"] == anonymous["ETag"]
    assert "cookie" not in anonymous.get("Vary", "").lower()
    assert "Set-Cookie" not in anonymous.headers


# ---------------------------------------------------------------- the cache follows changes


def test_after_a_publication_the_next_request_shows_the_new_edition(
    client, world, django_capture_on_commit_callbacks
):
    url = f"{API}/kunskapsstod/{world.current.slug}/"
    before = client.get(url)
    before_list = client.get(f"{API}/kunskapsstod/")
    editor = person("national_editor")

    with django_capture_on_commit_callbacks(execute=True):
        publish_now(world.working, editor)

    after = client.get(url)
    assert after.json()["edition"]["version"] == "1.2"
    assert after["ETag"] != before["ETag"]
    assert client.get(url, headers={"if-none-match": before["ETag"]}).status_code == 200
    listed = client.get(f"{API}/kunskapsstod/").json()["results"]
    assert {r["code"]: r["version"] for r in listed}[world.current.code] == "1.2"
    assert client.get(f"{API}/kunskapsstod/").content != before_list.content
    feed = client.get(f"{API}/andringar/").json()["results"]
    assert (feed[-1]["event"], feed[-1]["version"]) == ("published", "1.2")


def test_after_a_rolled_back_publication_the_old_edition_is_still_served(
    client, world, django_capture_on_commit_callbacks
):
    url = f"{API}/kunskapsstod/{world.current.slug}/"
    before = client.get(url)
    editor = person("national_editor")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish_now(world.working, editor)
        raise RuntimeError("something after the publication failed")

    assert callbacks == []
    after = client.get(url)
    assert after.json()["edition"]["version"] == "1.1"
    assert after["ETag"] == before["ETag"]
    assert client.get(url, headers={"if-none-match": before["ETag"]}).status_code == 304


def test_after_a_withdrawal_the_support_answers_410_and_leaves_the_list(
    client, world, django_capture_on_commit_callbacks
):
    url = f"{API}/kunskapsstod/{world.pathway.slug}/"
    assert client.get(url).status_code == 200
    assert world.pathway.code in client.get(f"{API}/kunskapsstod/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        take(
            person("national_editor"),
            world.pathway.current_published_edition,
            "withdraw",
            comment="Ersätts av ett nytt vårdförlopp.",
        )

    response, body = get_json(client, url)
    assert response.status_code == 410
    assert body["code"] == world.pathway.code
    assert world.pathway.code not in client.get(f"{API}/kunskapsstod/").content.decode()
    assert [
        r["code"] for r in client.get(f"{API}/kunskapsstod/{world.current.slug}/").json()["related"]
    ] == []
    feed = client.get(f"{API}/andringar/").json()["results"]
    assert (feed[-1]["event"], feed[-1]["code"]) == ("withdrawn", world.pathway.code)


def test_after_a_title_change_the_answers_show_it_and_say_it_changed(
    client, world, django_capture_on_commit_callbacks
):
    from apps.authoring import services

    url = f"{API}/kunskapsstod/{world.current.slug}/"
    before = client.get(url)
    before_list = client.get(f"{API}/kunskapsstod/")
    support = world.current

    with django_capture_on_commit_callbacks(execute=True):
        services.support_update(
            actor=person("author"),
            support=support,
            title="Hjärtsvikt – behandling i öppenvård",
            diagnoses=[d.code for d in support.diagnoses.all()],
            target_professions=support.target_professions,
            related_supports=list(support.related_supports.all()),
        )

    after = client.get(url)
    assert after.json()["title"] == "Hjärtsvikt – behandling i öppenvård"
    assert after["ETag"] != before["ETag"]
    # A client that asks only by date is told when (to the second HTTP dates have).
    saved = support.history.latest("history_date").history_date
    assert after["Last-Modified"] == http_date(int(saved.timestamp()))
    listed = client.get(f"{API}/kunskapsstod/")
    assert listed["Last-Modified"] == http_date(int(saved.timestamp()))
    assert listed["ETag"] != before_list["ETag"]


# ---------------------------------------------------------------- CORS


def test_any_site_may_read_the_api_from_a_browser_without_credentials(client, world):
    for url in public_urls(world) + ["/api/"]:
        response = client.get(url, headers={"origin": "https://journal.region.example.se"})

        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response.headers, url
        assert response["Access-Control-Expose-Headers"] == "ETag", url


def test_a_preflight_for_a_conditional_get_is_allowed(client, world):
    response = client.options(
        f"{API}/kunskapsstod/",
        headers={
            "origin": "https://journal.region.example.se",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "if-none-match" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_errors_of_the_api_are_readable_cross_origin_too(client):
    response = client.get(
        f"{API}/kunskapsstod/?limit=x", headers={"origin": "https://journal.region.example.se"}
    )

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_signed_in_application_and_the_reading_site_get_no_cors_headers(
    client, client_for, world
):
    editor = client_for(person("national_editor"))
    origin = {"origin": "https://evil.example.com"}
    pages = [
        (editor, "/arbete/"),
        (editor, "/mina-uppgifter/"),
        (editor, world.current.get_absolute_url()),
        (client, "/"),
        (client, f"/stod/{world.current.slug}/"),
        (client, "/logga-in/"),
    ]
    for who, url in pages:
        response = who.get(url, headers=origin)
        assert response.status_code == 200, url
        assert "Access-Control-Allow-Origin" not in response.headers, url

    preflight = editor.options(
        "/kunskapsstod/",
        headers={**origin, "access-control-request-method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Methods" not in preflight.headers


def test_a_cross_origin_request_with_a_session_cookie_is_answered_as_for_anyone(world):
    signed_in = Client()
    signed_in.force_login(
        person("national_editor"), backend="django.contrib.auth.backends.ModelBackend"
    )
    url = f"{API}/kunskapsstod/{world.current.slug}/"

    response = signed_in.get(url, headers={"origin": "https://journal.region.example.se"})

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert response.content == Client().get(url).content
