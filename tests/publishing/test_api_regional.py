"""The API's regional additions (issue 11, point 4): the support detail with `region` gives
the national content with the region's published additions at their anchors, each with the
national edition it was written against and a stale flag; a region's additions come as a
paginated list with `updated_since`. Bad codes are refused (400 naming the parameter),
unknown ones not found (404); drafts and archived additions never appear; ETag and 304 keep
working and move on when an addition is published or archived; queries stay constant."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.publishing.api.v1 import openapi_document
from apps.regional.models import RegionalAddition
from tests.publishing.api_helpers import API, get_json
from tests.publishing.reading_helpers import (
    people,
    publish_next,
    published_support,
    recommendation,
    text,
    withdraw,
)
from tests.publishing.regional_helpers import OTHER_REGION, archive, editor_of, flag, write

pytestmark = pytest.mark.django_db

FUROSEMID = "Ge furosemid vid vätskeretention."
KALIUM = "Kontrollera kalium efter två veckor."
UNCHANGED = "Väg patienten dagligen."


@pytest.fixture
def support():
    author, editor = people()
    return published_support(
        author,
        editor,
        blocks=[
            ("behandling", FUROSEMID, recommendation()),
            ("behandling", KALIUM, text()),
            ("uppfoljning", UNCHANGED, text(care_level="primary")),
        ],
    )


def detail_url(support, region: str | None = "uppsala") -> str:
    url = f"{API}/kunskapsstod/{support.slug}/"
    return f"{url}?region={region}" if region is not None else url


def list_url(code: str = "uppsala", **params) -> str:
    from urllib.parse import urlencode

    url = f"{API}/regioner/{code}/tillagg/"
    return f"{url}?{urlencode(params)}" if params else url


def section(body: dict, key: str) -> dict:
    return next(s for s in body["sections"] if s["key"] == key)


def block_of(body: dict, text_: str) -> dict:
    return next(b for s in body["sections"] for b in s["blocks"] if b["text"] == text_)


def all_additions(body: dict) -> list[dict]:
    found = list(body["other_additions"])
    for s in body["sections"]:
        found += s["additions"]
        for b in s["blocks"]:
            found += b["additions"]
    return found


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- the support with a region


def test_the_detail_with_a_region_has_its_additions_after_their_block_and_at_section_end(
    client, support
):
    at_block = write(
        support,
        at=FUROSEMID,
        kind="local_drug",
        body="Vi använder **Furix**.",
        contact="Läkemedelskommittén",
        link="https://regionuppsala.se/lakemedel",
    )
    at_end = write(support, section="behandling", body="Remiss till Akademiska.", kind="referral")

    response, body = get_json(client, detail_url(support))

    assert response.status_code == 200
    assert body["region"] == {
        "code": "uppsala",
        "name": "Region Uppsala",
        "url": "http://testserver/api/v1/regioner/uppsala/tillagg/",
        "html_url": "http://testserver/region/uppsala/",
    }
    edition = support.current_published_edition
    assert block_of(body, FUROSEMID)["additions"] == [
        {
            "uid": str(at_block.uid),
            "anchor": at_block.public_anchor,
            "region": {"code": "uppsala", "name": "Region Uppsala"},
            "kind": {"code": "local_drug", "label": "Lokalt läkemedelsval"},
            "label": "Region Uppsala: Lokalt läkemedelsval",
            "html": "<p>Vi använder <strong>Furix</strong>.</p>",
            "text": "Vi använder **Furix**.",
            "care_level": {"code": "both", "label": "Båda"},
            "contact": "Läkemedelskommittén",
            "link": "https://regionuppsala.se/lakemedel",
            "section_key": "behandling",
            "block_uid": str(block_of(body, FUROSEMID)["uid"]),
            "written_against": {
                "version": "1.0",
                "url": f"http://testserver/api/v1/kunskapsstod/{support.slug}/versioner/1.0/",
            },
            "stale": False,
            "stale_reason": None,
            "flagged_at": None,
            "published_at": iso(at_block.published_at),
            "updated_at": iso(at_block.updated_at),
            "html_url": f"http://testserver/stod/{support.slug}/?region=uppsala"
            f"#{at_block.public_anchor}",
        }
    ]
    assert edition.number == "1.0"
    end = section(body, "behandling")["additions"]
    assert [(a["uid"], a["block_uid"], a["kind"]["code"]) for a in end] == [
        (str(at_end.uid), None, "referral")
    ]
    assert block_of(body, KALIUM)["additions"] == []
    assert body["other_additions"] == []


def test_a_section_with_only_an_addition_is_in_the_answer_with_it(client, support):
    addition = write(support, section="multisjuklighet", body="Uppsalas team.")

    _response, with_region = get_json(client, detail_url(support))
    _response, without = get_json(client, detail_url(support, None))

    assert [a["uid"] for a in section(with_region, "multisjuklighet")["additions"]] == [
        str(addition.uid)
    ]
    assert "multisjuklighet" not in [s["key"] for s in without["sections"]]


def national(body: dict) -> list:
    return [
        (s["key"], [{k: v for k, v in b.items() if k != "additions"} for b in s["blocks"]])
        for s in body["sections"]
        if s["blocks"]
    ]


def test_the_national_content_is_the_same_with_or_without_a_region(client, support):
    write(support, at=FUROSEMID, body="Uppsalas tillägg.")
    write(support, section="behandling", body="Sist i behandling.")

    _r, without = get_json(client, detail_url(support, None))
    _r, with_region = get_json(client, detail_url(support))

    assert national(with_region) == national(without)
    assert all_additions(without) == [] and without["region"] is None
    assert len(all_additions(with_region)) == 2


def test_only_the_asked_region_s_published_additions_are_given(client, support):
    write(support, at=FUROSEMID, body="Uppsalas.")
    write(support, at=FUROSEMID, body="Skånes.", code=OTHER_REGION)
    write(support, at=FUROSEMID, body="HEMLIGT utkast.", publish=False)
    archive(write(support, at=FUROSEMID, body="HEMLIGT arkiverat."))

    _r, body = get_json(client, detail_url(support))
    raw = client.get(detail_url(support)).content.decode()

    assert [a["text"] for a in all_additions(body)] == ["Uppsalas."]
    assert "HEMLIGT" not in raw
    assert "HEMLIGT" not in client.get(list_url()).content.decode()


def test_the_detail_names_the_regions_with_additions_and_where_to_get_them(client, support):
    write(support, at=FUROSEMID, body="Uppsalas.")
    write(support, at=FUROSEMID, body="Skånes.", code=OTHER_REGION)
    write(support, at=FUROSEMID, body="Ett utkast i Stockholm.", code="stockholm", publish=False)

    _r, body = get_json(client, detail_url(support, None))

    assert body["regions"] == [
        {
            "code": code,
            "name": name,
            "url": f"http://testserver/api/v1/kunskapsstod/{support.slug}/?region={code}",
            "html_url": f"http://testserver/stod/{support.slug}/?region={code}",
        }
        for code, name in (("skane", "Region Skåne"), ("uppsala", "Region Uppsala"))
    ]


# ---------------------------------------------------------------- the stale flag


def test_the_stale_flag_and_the_edition_written_against_follow_new_national_editions(
    client, support
):
    author, editor = people()
    changed = write(support, at=FUROSEMID, body="Vid furosemid.")
    removed = write(support, at=KALIUM, body="Vid kalium.")
    unchanged = write(support, at=UNCHANGED, body="Vid vägning.")
    at_end = write(support, section="behandling", body="Sist.")
    support = publish_next(
        author,
        editor,
        support,
        changes={FUROSEMID: {"body": "Ge furosemid vid ödem."}, KALIUM: None},
    )

    _r, body = get_json(client, detail_url(support))

    by_text = {a["text"]: a for a in all_additions(body)}
    assert (by_text["Vid furosemid."]["stale"], by_text["Vid furosemid."]["stale_reason"]) == (
        True,
        {"code": "changed", "label": "Den nationella texten har ändrats"},
    )
    assert by_text["Vid furosemid."]["written_against"]["version"] == "1.0"
    assert by_text["Vid furosemid."]["flagged_at"] is not None
    assert block_of(body, "Ge furosemid vid ödem.")["additions"][0]["uid"] == str(changed.uid)
    assert by_text["Vid kalium."]["stale_reason"]["code"] == "removed"
    # Its block is gone: it stands at the end of its section, where the reading site shows it.
    assert str(removed.uid) in [a["uid"] for a in section(body, "behandling")["additions"]]
    # Unchanged text: moved to the new edition by itself, not stale.
    assert (by_text["Vid vägning."]["stale"], by_text["Vid vägning."]["written_against"]) == (
        False,
        {
            "version": "1.1",
            "url": f"http://testserver/api/v1/kunskapsstod/{support.slug}/versioner/1.1/",
        },
    )
    assert by_text["Vid vägning."]["uid"] == str(unchanged.uid)
    # An addition at a primary care block links to the reading site at that level.
    assert by_text["Vid vägning."]["html_url"].endswith(
        f"?region=uppsala&vardniva=primarvard#{unchanged.public_anchor}"
    )
    assert by_text["Sist."]["stale"] is False and by_text["Sist."]["uid"] == str(at_end.uid)


def test_an_addition_whose_section_the_edition_lacks_is_in_other_additions(client, support):
    addition = write(support, section="behandling", body="Utan plats.")
    RegionalAddition.objects.filter(pk=addition.pk).update(section_key="finns-inte-mer")
    flag(addition, "removed")

    _r, body = get_json(client, detail_url(support))

    assert [(a["uid"], a["stale"]) for a in body["other_additions"]] == [(str(addition.uid), True)]


# ---------------------------------------------------------------- bad and unknown regions


@pytest.mark.parametrize("value", ["", "Uppsala", "upp sala", "<script>", "x" * 61, "up--x", "å"])
def test_a_malformed_region_is_refused_with_400_naming_the_parameter(client, support, value):
    response, body = get_json(client, f"{API}/kunskapsstod/{support.slug}/?region={value}")

    assert response.status_code == 400
    assert [e["parameter"] for e in body["detail"]] == ["region"]
    assert body["detail"][0]["message"]
    assert response["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("code", ["atlantis", "npo-hjart-och-karlsjukdomar", "sodra"])
def test_a_region_code_that_names_no_region_is_not_found(client, support, code):
    response, body = get_json(client, detail_url(support, code))
    listed, list_body = get_json(client, list_url(code))

    assert response.status_code == 404
    assert body == {"detail": f"Det finns ingen region med koden ”{code}”."}
    assert listed.status_code == 404
    assert list_body == body


def test_a_withdrawn_support_with_a_region_still_answers_410(client, support):
    author, editor = people()
    write(support, at=FUROSEMID, body="Uppsalas.")
    withdraw(editor, support)

    response, body = get_json(client, detail_url(support))

    assert response.status_code == 410
    assert body["slug"] == support.slug


@pytest.mark.parametrize(
    "url, parameter",
    [
        (f"{API}/regioner/Uppsala/tillagg/", "code"),
        (f"{API}/regioner/up%20sala/tillagg/", "code"),
        (f"{API}/regioner/{'x' * 61}/tillagg/", "code"),
        (f"{API}/regioner/uppsala/tillagg/?updated_since=igår", "updated_since"),
        (f"{API}/regioner/uppsala/tillagg/?limit=0", "limit"),
        (f"{API}/regioner/uppsala/tillagg/?limit=x", "limit"),
        (f"{API}/regioner/uppsala/tillagg/?offset=-1", "offset"),
    ],
)
def test_the_region_list_refuses_malformed_parameters_naming_them(client, url, parameter):
    response, body = get_json(client, url)

    assert response.status_code == 400, url
    assert [e["parameter"] for e in body["detail"]] == [parameter]


# ---------------------------------------------------------------- a region's list


def test_the_regions_are_listed_with_their_codes_and_addresses(client, db):
    response, body = get_json(client, f"{API}/regioner/")

    assert response.status_code == 200
    assert len(body["results"]) == 21
    uppsala = next(r for r in body["results"] if r["code"] == "uppsala")
    assert uppsala == {
        "code": "uppsala",
        "name": "Region Uppsala",
        "url": "http://testserver/api/v1/regioner/uppsala/tillagg/",
        "html_url": "http://testserver/region/uppsala/",
    }
    assert client.get(uppsala["url"]).status_code == 200


def test_a_region_s_list_holds_its_published_additions_on_public_supports_oldest_change_first(
    client, support
):
    author, editor = people()
    other = published_support(author, editor, title="Astma hos vuxna")
    first = write(support, at=FUROSEMID, body="Först.")
    second = write(other, section="behandling", body="Sedan.")
    write(support, at=FUROSEMID, body="Skånes.", code=OTHER_REGION)
    write(support, at=FUROSEMID, body="Utkast.", publish=False)
    gone = published_support(author, editor, title="Dras tillbaka")
    write(gone, section="behandling", body="På ett stöd som dras tillbaka.")
    withdraw(editor, gone)

    response, body = get_json(client, list_url())

    assert response.status_code == 200
    assert body["total"] == 2
    assert body["region"]["code"] == "uppsala"
    assert [(r["uid"], r["text"]) for r in body["results"]] == [
        (str(first.uid), "Först."),
        (str(second.uid), "Sedan."),
    ]
    item = body["results"][1]
    assert item["support"]["slug"] == other.slug
    assert item["support"]["url"] == f"http://testserver/api/v1/kunskapsstod/{other.slug}/"
    assert item["support_url"] == (
        f"http://testserver/api/v1/kunskapsstod/{other.slug}/?region=uppsala"
    )
    assert item["written_against"]["version"] == "1.0"
    assert item["html_url"] == (
        f"http://testserver/stod/{other.slug}/?region=uppsala#{second.public_anchor}"
    )
    assert (item["stale"], item["published_at"]) == (False, iso(second.published_at))


def test_the_list_comes_a_page_at_a_time_with_links_that_keep_the_filter(client, support):
    editor = editor_of()
    for n in range(5):
        write(support, section="behandling", body=f"Tillägg {n}.", editor=editor)

    _r, first = get_json(client, list_url(limit=2, updated_since="2000-01-01"))
    _r, last = get_json(client, list_url(limit=2, offset=4, updated_since="2000-01-01"))

    assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
    assert [r["text"] for r in first["results"]] == ["Tillägg 0.", "Tillägg 1."]
    assert first["previous"] is None
    # The date is midnight Swedish time, given back in UTC.
    assert first["next"] == (
        "http://testserver/api/v1/regioner/uppsala/tillagg/"
        "?updated_since=1999-12-31T23%3A00%3A00%2B00%3A00&limit=2&offset=2"
    )
    _r, following = get_json(client, first["next"])
    assert [r["text"] for r in following["results"]] == ["Tillägg 2.", "Tillägg 3."]
    assert [r["text"] for r in last["results"]] == ["Tillägg 4."]
    assert last["next"] is None and last["previous"] is not None


def test_updated_since_gives_the_additions_published_or_changed_since(client, support):
    author, editor = people()
    old = write(support, at=FUROSEMID, body="Gammalt.")
    moved = write(support, at=UNCHANGED, body="Flyttas.")
    long_ago = timezone.now() - timedelta(days=30)
    RegionalAddition.objects.filter(pk__in=[old.pk, moved.pk]).update(
        updated_at=long_ago, published_at=long_ago
    )
    since = timezone.now() - timedelta(days=1)
    new = write(support, at=KALIUM, body="Nytt.")

    _r, body = get_json(client, list_url(updated_since=since.isoformat()))
    assert [r["uid"] for r in body["results"]] == [str(new.uid)]

    # A new national edition changes the block under "Gammalt.": its stale flag changed.
    publish_next(author, editor, support, changes={FUROSEMID: {"body": "Ändrad."}})
    cache.clear()
    _r, body = get_json(client, list_url(updated_since=since.isoformat()))
    changed = {r["text"]: r for r in body["results"]}
    assert changed["Gammalt."]["stale"] is True
    # Moved to the new edition by itself: what it was written against changed too.
    assert changed["Flyttas."]["written_against"]["version"] == "1.1"
    _r, everything = get_json(client, list_url())
    assert everything["total"] == 3


def test_an_archived_addition_leaves_the_list(client, support, django_capture_on_commit_callbacks):
    addition = write(support, at=FUROSEMID, body="Arkiveras.")
    _r, before = get_json(client, list_url())
    assert before["total"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        archive(addition)

    _r, after = get_json(client, list_url())
    assert after["total"] == 0 and after["results"] == []


# ---------------------------------------------------------------- caching


def test_etag_and_304_work_for_the_region_view_and_move_on_when_an_addition_is_published(
    client, support, django_capture_on_commit_callbacks
):
    write(support, at=FUROSEMID, body="Först.")
    urls = [detail_url(support), detail_url(support, None), list_url()]
    first = {url: client.get(url) for url in urls}
    for url, response in first.items():
        assert response["ETag"] and response["Cache-Control"] == "public, max-age=300", url
        again = client.get(url, headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304 and again.content == b"", url

    with django_capture_on_commit_callbacks(execute=True):
        added = write(support, at=KALIUM, body="Sedan.")

    for url in (detail_url(support), list_url()):
        fresh = client.get(url, headers={"if-none-match": first[url]["ETag"]})
        assert fresh.status_code == 200, url
        assert fresh["ETag"] != first[url]["ETag"], url
    # Without a region the answer is what it was (Uppsala had additions already): still 304.
    national = client.get(
        detail_url(support, None),
        headers={"if-none-match": first[detail_url(support, None)]["ETag"]},
    )
    assert national.status_code == 304
    _r, body = get_json(client, detail_url(support))
    assert str(added.uid) in [a["uid"] for a in all_additions(body)]
    assert client.get(detail_url(support))["Last-Modified"] == http_date_of(added.updated_at)


def http_date_of(moment) -> str:
    from django.utils.http import http_date

    return http_date(int(moment.timestamp()))


def test_archiving_an_addition_changes_the_etag_and_the_answer_at_once(
    client, support, django_capture_on_commit_callbacks
):
    addition = write(support, at=FUROSEMID, body="Arkiveras snart.")
    before = client.get(detail_url(support))
    assert "Arkiveras snart." in before.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        archive(addition)

    after = client.get(detail_url(support), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "Arkiveras snart." not in after.content.decode()


def test_a_region_view_is_cached_apart_from_another_region_s(client, support):
    write(support, at=FUROSEMID, body="Uppsalas.")
    write(support, at=FUROSEMID, body="Skånes.", code=OTHER_REGION)

    _r, uppsala = get_json(client, detail_url(support))
    _r, skane = get_json(client, detail_url(support, OTHER_REGION))

    assert [a["text"] for a in all_additions(uppsala)] == ["Uppsalas."]
    assert [a["text"] for a in all_additions(skane)] == ["Skånes."]


# ---------------------------------------------------------------- queries


def cold(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_the_region_view_runs_the_same_queries_for_2_and_30_additions(client):
    author, editor = people()
    blocks = [("behandling", FUROSEMID, recommendation()), ("behandling", KALIUM, text())]
    small = published_support(author, editor, title="Få", blocks=blocks)
    large = published_support(author, editor, title="Många", blocks=blocks)
    editor_region = editor_of()
    for support, count in ((small, 2), (large, 30)):
        for n in range(count):
            at = (FUROSEMID, KALIUM, None)[n % 3]
            write(
                support,
                at=at,
                section="behandling",
                body=f"Tillägg {n}.",
                editor=editor_region,
            )

    few, many = cold(client, detail_url(small)), cold(client, detail_url(large))
    few_list = cold(client, list_url(limit=2))
    many_list = cold(client, list_url(limit=100))

    assert few == many
    assert few_list == many_list
    _r, body = get_json(client, detail_url(large))
    assert len(all_additions(body)) == 30


def test_answers_from_the_cache_run_no_query(client, support, django_assert_num_queries):
    write(support, at=FUROSEMID, body="Uppsalas.")
    urls = [detail_url(support), list_url(), list_url(updated_since="2000-01-01")]
    for url in urls:
        client.get(url)

    for url in urls:
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200, url


# ---------------------------------------------------------------- described


def test_the_schema_and_the_api_page_describe_the_region_view_and_the_list(client, db):
    schema = json.loads(openapi_document())
    detail = schema["paths"]["/api/v1/kunskapsstod/{slug}/"]["get"]
    listed = schema["paths"]["/api/v1/regioner/{code}/tillagg/"]["get"]

    assert "region" in [p["name"] for p in detail["parameters"]]
    assert {p["name"] for p in listed["parameters"]} == {"code", "updated_since", "limit", "offset"}
    assert set(listed["responses"]) >= {"200", "304", "400", "404"}
    assert listed["responses"]["404"]["description"] == "Det finns ingen region med den koden."
    addition = schema["components"]["schemas"]["Addition"]["properties"]
    for name in ("uid", "kind", "label", "html", "care_level", "contact", "link", "stale"):
        assert name in addition, name
    assert "written_against" in addition and "published_at" in addition
    page = client.get("/api/").content.decode()
    assert "Regionala tillägg" in page
    assert '<code lang="en">other_additions</code>' in page
    assert "GET /api/v1/regioner/{code}/tillagg/" in page
