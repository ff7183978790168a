"""The API's contract, endpoint by endpoint and parameter by parameter: what a region's system
reads from /api/v1/ (the answers' HTTP side is in test_api_http.py, bad input in
test_api_errors.py)."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from apps.authoring.models import Edition, EditionTransition
from tests.authoring.helpers import COMPLETE_TEXT, add_block, person, section_of, take
from tests.publishing.api_helpers import (
    API,
    get_json,
    hidden_text,
    other_npo,
    world_in_a_module_transaction,
)
from tests.publishing.helpers import next_edition, publish_now

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_in_a_module_transaction(django_db_blocker)


def codes(body) -> list[str]:
    return [row["code"] for row in body["results"]]


def listed(client, **params) -> list[str]:
    response, body = get_json(client, f"{API}/kunskapsstod/?" + _query(params))
    assert response.status_code == 200, body
    return codes(body)


def _query(params: dict) -> str:
    return urlencode(params)


# ---------------------------------------------------------------- the index


def test_the_index_names_every_part_of_the_api_with_absolute_addresses(client, world):
    response, body = get_json(client, f"{API}/")

    assert response.status_code == 200
    assert body["version"] == "1"
    assert body["openapi"] == "http://testserver/api/v1/openapi.json"
    assert body["documentation"] == "http://testserver/api/"
    assert {e["name"]: e["url"] for e in body["endpoints"]} == {
        "kunskapsstod": "http://testserver/api/v1/kunskapsstod/",
        "andringar": "http://testserver/api/v1/andringar/",
        "programomraden": "http://testserver/api/v1/programomraden/",
        "produkttyper": "http://testserver/api/v1/produkttyper/",
        "regioner": "http://testserver/api/v1/regioner/",
    }


# ---------------------------------------------------------------- the list


def test_the_list_holds_the_published_supports_in_title_order(client, world):
    response, body = get_json(client, f"{API}/kunskapsstod/")

    assert response.status_code == 200
    assert body["total"] == 3
    assert [row["title"] for row in body["results"]] == [
        "Astma hos vuxna",
        "Hjärtsvikt – behandling",
        "Hjärtsvikt – vårdförlopp",
    ]
    assert (body["limit"], body["offset"], body["next"], body["previous"]) == (20, 0, None, None)


def test_a_list_row_says_what_a_system_needs_to_pick_a_support(client, world):
    _response, body = get_json(client, f"{API}/kunskapsstod/")
    row = next(r for r in body["results"] if r["code"] == world.current.code)
    edition = world.current.current_published_edition

    assert row == {
        "code": world.current.code,
        "slug": world.current.slug,
        "title": "Hjärtsvikt – behandling",
        "product_type": {"code": "kliniskt-kunskapsstod", "name": "Kliniskt kunskapsstöd"},
        "programme_area": {
            "code": "npo-hjart-och-karlsjukdomar",
            "name": "NPO Hjärt- och kärlsjukdomar",
        },
        "url": f"http://testserver/api/v1/kunskapsstod/{world.current.slug}/",
        "html_url": f"http://testserver/stod/{world.current.slug}/",
        "version": "1.1",
        "published_at": edition.published_at.isoformat().replace("+00:00", "Z"),
        "last_substantive_change_at": row["last_substantive_change_at"],
        "next_review_date": None,
        "diagnoses": [
            {"code": "I11.0", "description": row["diagnoses"][0]["description"]},
            {"code": "I50.0", "description": row["diagnoses"][1]["description"]},
        ],
        "care_levels": ["primary", "specialised"],
    }
    assert "heart failure" in row["diagnoses"][1]["description"].lower()


def test_the_list_says_which_care_levels_each_support_has_text_for(client, world):
    _response, body = get_json(client, f"{API}/kunskapsstod/")
    levels = {row["code"]: row["care_levels"] for row in body["results"]}

    assert levels == {
        world.current.code: ["primary", "specialised"],
        world.pathway.code: ["specialised"],
        world.lung.code: ["primary"],
    }


def test_the_npo_filter_takes_the_programme_areas_code(client, world):
    assert listed(client, npo=other_npo().code) == [world.lung.code]
    assert listed(client, npo="npo-hjart-och-karlsjukdomar") == [
        world.current.code,
        world.pathway.code,
    ]


def test_an_npo_or_product_type_that_no_support_has_lists_nothing(client, world):
    assert listed(client, npo="npo-psykisk-halsa") == []
    assert listed(client, npo="npo-finns-inte") == []
    assert listed(client, product_type="vardprogram") == []


def test_the_product_type_filter_takes_the_product_types_code(client, world):
    assert listed(client, product_type="vardforlopp") == [world.pathway.code]
    assert listed(client, product_type="kliniskt-kunskapsstod") == [
        world.lung.code,
        world.current.code,
    ]


def test_the_care_level_filter_keeps_supports_with_text_for_that_level(client, world):
    # Text marked for both levels counts for each.
    assert listed(client, care_level="primary") == [world.lung.code, world.current.code]
    assert listed(client, care_level="specialised") == [world.current.code, world.pathway.code]


def test_the_diagnosis_filter_is_a_prefix_of_icd10_codes(client, world):
    assert listed(client, diagnosis="I50") == [world.current.code, world.pathway.code]
    assert listed(client, diagnosis="I50.0") == [world.current.code, world.pathway.code]
    assert listed(client, diagnosis="i11") == [world.current.code]
    assert listed(client, diagnosis="J") == [world.lung.code]
    assert listed(client, diagnosis="I50.9") == []


def test_updated_since_keeps_supports_whose_current_edition_was_published_since(client, world):
    pathway_at = world.pathway.current_published_edition.published_at
    current_at = world.current.current_published_edition.published_at
    assert current_at < pathway_at

    assert listed(client, updated_since=pathway_at.isoformat()) == [
        world.lung.code,
        world.pathway.code,
    ]
    assert listed(client, updated_since=(current_at - timedelta(days=1)).date().isoformat()) == (
        codes(get_json(client, f"{API}/kunskapsstod/")[1])
    )
    assert listed(client, updated_since=(timezone.now() + timedelta(days=1)).isoformat()) == []


def test_updated_since_reads_dates_local_times_and_offsets(client, world):
    today = timezone.localdate().isoformat()
    everything = codes(get_json(client, f"{API}/kunskapsstod/")[1])

    assert listed(client, updated_since=today) == everything
    assert listed(client, updated_since=f"{today}T00:00") == everything
    assert listed(client, updated_since="2000-01-01T00:00:00Z") == everything
    assert listed(client, updated_since="2000-01-01T00:00:00+01:00") == everything
    assert listed(client, updated_since="9999-12-31T23:59:59+14:00") == []
    assert listed(client, updated_since="0001-01-01T00:00:00-12:00") == everything


def test_an_unencoded_plus_in_a_time_zone_is_read_as_a_plus(client, world):
    response, body = get_json(
        client, f"{API}/kunskapsstod/?updated_since=2000-01-01T08:00:00+01:00"
    )

    assert response.status_code == 200
    assert body["total"] == 3


def test_filters_combine(client, world):
    assert listed(client, diagnosis="I50", care_level="primary") == [world.current.code]
    assert listed(client, diagnosis="I50", product_type="vardforlopp", care_level="primary") == []


def test_the_list_comes_a_page_at_a_time_with_links_that_keep_the_filters(client, world):
    _response, first = get_json(client, f"{API}/kunskapsstod/?limit=1&care_level=specialised")

    assert first["total"] == 2
    assert codes(first) == [world.current.code]
    assert first["previous"] is None
    assert first["next"] == (
        "http://testserver/api/v1/kunskapsstod/?care_level=specialised&limit=1&offset=1"
    )

    _response, second = get_json(client, first["next"])
    assert codes(second) == [world.pathway.code]
    assert second["next"] is None
    assert second["previous"] == (
        "http://testserver/api/v1/kunskapsstod/?care_level=specialised&limit=1&offset=0"
    )


def test_a_page_past_the_end_is_empty(client, world):
    _response, body = get_json(client, f"{API}/kunskapsstod/?offset=50")

    assert (body["total"], body["results"], body["next"]) == (3, [], None)
    assert body["previous"] == "http://testserver/api/v1/kunskapsstod/?limit=20&offset=30"


def test_withdrawn_and_unpublished_supports_are_not_listed(client, world):
    everything = listed(client, limit=100)

    assert world.withdrawn.code not in everything
    assert not {s.code for s in world.unpublished} & set(everything)


# ---------------------------------------------------------------- one support


def detail(client, world, address=None):
    response, body = get_json(client, f"{API}/kunskapsstod/{address or world.current.slug}/")
    assert response.status_code == 200, body
    return body


def blocks_of(body) -> dict[str, dict]:
    return {b["text"]: b for s in body["sections"] for b in s["blocks"]}


def test_a_support_is_found_by_its_slug_and_by_its_code_alike(client, world):
    by_slug = detail(client, world)
    by_code = detail(client, world, world.current.code)

    assert by_slug == by_code
    assert (by_slug["code"], by_slug["slug"]) == (world.current.code, world.current.slug)


def test_the_detail_gives_the_supports_metadata(client, world):
    body = detail(client, world)

    assert body["title"] == "Hjärtsvikt – behandling"
    assert body["url"] == f"http://testserver/api/v1/kunskapsstod/{world.current.slug}/"
    assert body["html_url"] == f"http://testserver/stod/{world.current.slug}/"
    assert body["product_type"]["code"] == "kliniskt-kunskapsstod"
    assert body["programme_area"]["code"] == "npo-hjart-och-karlsjukdomar"
    assert body["target_professions"] == [{"code": "lakare", "label": "Läkare"}]
    assert [d["code"] for d in body["diagnoses"]] == ["I11.0", "I50.0"]


def test_the_detail_gives_the_current_editions_version_and_dates(client, world):
    body = detail(client, world)
    edition = world.current.current_published_edition

    assert body["edition"] == {
        "version": "1.1",
        "major": 1,
        "minor": 1,
        "kind": {"code": "minor", "label": body["edition"]["kind"]["label"]},
        "current": True,
        "change_summary": "Förtydligad dosering.",
        "published_at": edition.published_at.isoformat().replace("+00:00", "Z"),
        "superseded_at": None,
        "last_substantive_change_at": edition.last_substantive_change_at.isoformat().replace(
            "+00:00", "Z"
        ),
        "next_review_date": None,
        "url": f"http://testserver/api/v1/kunskapsstod/{world.current.slug}/versioner/1.1/",
        "html_url": f"http://testserver/stod/{world.current.slug}/",
    }
    assert body["edition"]["kind"]["label"].startswith("Delversion")


def publish_a_new_edition(world, blocks=(), next_review_date=None) -> Edition:
    """Version 2.0 of `current` published (the 1.2 being written is abandoned first)."""
    author, editor = person("author"), person("national_editor")
    take(author, world.working, "abandon", comment="Vi börjar om med en huvudversion.")
    edition = next_edition(author, world.current, kind="major", summary="Ny huvudversion.")
    for key, body, content in blocks:
        add_block(author, section_of(edition, key), body, **content)
    return publish_now(edition, editor, next_review_date=next_review_date)


def test_the_next_review_date_the_editor_set_is_given(client, world):
    review = timezone.localdate() + timedelta(days=365)
    publish_a_new_edition(world, next_review_date=review)

    edition = detail(client, world)["edition"]
    assert (edition["version"], edition["next_review_date"]) == ("2.0", review.isoformat())


def test_the_text_comes_by_section_in_order_without_empty_sections(client, world):
    body = detail(client, world)
    keys = [section["key"] for section in body["sections"]]

    assert keys.index("behandling") < keys.index("uppfoljning")
    assert all(section["blocks"] for section in body["sections"])
    behandling = next(s for s in body["sections"] if s["key"] == "behandling")
    assert behandling["title"] == "Behandling"
    positions = [b["position"] for b in behandling["blocks"]]
    assert positions == sorted(positions)


def test_a_recommendation_comes_as_structured_data_with_its_html(client, world):
    block = blocks_of(detail(client, world))["ACE-hämmare **bör** ges i låg dos."]

    assert block["kind"] == "recommendation"
    assert block["html"] == "<p>ACE-hämmare <strong>bör</strong> ges i låg dos.</p>"
    assert block["recommendation"] == {
        "strength": {"code": "bor", "label": "Bör"},
        "basis": {"code": "evidence", "label": "Vetenskapligt underlag"},
    }
    assert block["care_level"] == {"code": "both", "label": "Båda"}
    assert block["depth"] == {"code": "base", "label": "Bastext"}
    assert (block["references"], block["references_html"]) == ("", "")


def test_a_should_not_recommendation_says_so_and_for_which_care_level(client, world):
    block = blocks_of(detail(client, world))["Ge inte NSAID."]

    assert block["recommendation"]["strength"] == {"code": "bor_inte", "label": "Bör inte"}
    assert block["care_level"] == {"code": "specialised", "label": "Specialiserad vård"}


def test_a_text_block_has_no_recommendation(client, world):
    block = blocks_of(detail(client, world))["Följ upp i primärvården."]

    assert block["kind"] == "text"
    assert block["recommendation"] is None
    assert block["care_level"]["code"] == "primary"


def test_a_block_carries_its_change_tag_against_the_edition_before(client, world):
    blocks = blocks_of(detail(client, world))
    year = world.current.current_published_edition.published_at.astimezone(
        timezone.get_default_timezone()
    ).year

    assert blocks["ACE-hämmare **bör** ges i låg dos."]["change"] == {
        "tag": "changed",
        "year": year,
        "label": f"Ändrad {year}",
    }
    assert blocks["Ge inte NSAID."]["change"] is None


def test_references_come_as_markdown_and_as_html(client, world):
    references = "1. [SBU](https://www.sbu.se/) 2024."
    publish_a_new_edition(
        world,
        blocks=[("behandling", "Med referens.", {**COMPLETE_TEXT, "references": references})],
    )

    block = blocks_of(detail(client, world))["Med referens."]
    assert block["references"] == references
    assert '<a href="https://www.sbu.se/"' in block["references_html"]
    assert block["change"]["tag"] == "new"


def test_the_detail_links_to_related_public_supports(client, world):
    body = detail(client, world)

    assert body["related"] == [
        {
            "code": world.pathway.code,
            "slug": world.pathway.slug,
            "title": "Hjärtsvikt – vårdförlopp",
            "product_type": {
                "code": "vardforlopp",
                "name": body["related"][0]["product_type"]["name"],
            },
            "url": f"http://testserver/api/v1/kunskapsstod/{world.pathway.slug}/",
            "html_url": f"http://testserver/stod/{world.pathway.slug}/",
        }
    ]
    back = detail(client, world, world.pathway.slug)
    assert [r["code"] for r in back["related"]] == [world.current.code]


def test_a_related_support_that_is_not_public_is_not_linked(client, world):
    world.current.related_supports.add(world.withdrawn, world.draft)

    assert [r["code"] for r in detail(client, world)["related"]] == [world.pathway.code]


def test_the_detail_lists_the_published_editions_newest_first(client, world):
    editions = detail(client, world)["editions"]

    assert [(e["version"], e["current"]) for e in editions] == [("1.1", True), ("1.0", False)]
    older = editions[1]
    assert older["superseded_at"] is not None
    assert older["html_url"] == f"http://testserver/stod/{world.current.slug}/version/1.0/"
    assert (
        older["url"] == f"http://testserver/api/v1/kunskapsstod/{world.current.slug}/versioner/1.0/"
    )


# ---------------------------------------------------------------- editions


def test_an_earlier_edition_is_read_by_its_version(client, world):
    response, body = get_json(client, f"{API}/kunskapsstod/{world.current.slug}/versioner/1.0/")

    assert response.status_code == 200
    assert body["edition"]["version"] == "1.0"
    assert body["edition"]["current"] is False
    superseded = world.current.current_published_edition.published_at
    assert body["edition"]["superseded_at"] == superseded.isoformat().replace("+00:00", "Z")
    assert "ACE-hämmare **bör** ges." in blocks_of(body)
    assert "ACE-hämmare **bör** ges i låg dos." not in blocks_of(body)
    # The first publication tags nothing.
    assert all(block["change"] is None for block in blocks_of(body).values())


def test_the_current_edition_by_its_version_is_the_detail(client, world):
    _response, by_version = get_json(
        client, f"{API}/kunskapsstod/{world.current.code}/versioner/1.1/"
    )

    assert by_version == detail(client, world)


def test_the_editions_list_gives_every_published_edition(client, world):
    response, body = get_json(client, f"{API}/kunskapsstod/{world.current.slug}/versioner/")

    assert response.status_code == 200
    assert body["code"] == world.current.code
    assert [(e["version"], e["kind"]["code"]) for e in body["results"]] == [
        ("1.1", "minor"),
        ("1.0", "major"),
    ]
    assert body["results"][0]["change_summary"] == "Förtydligad dosering."


def test_a_version_being_written_is_not_an_edition_of_the_api(client, world):
    response, body = get_json(client, f"{API}/kunskapsstod/{world.current.slug}/versioner/1.2/")

    assert response.status_code == 404
    assert body == {"detail": "Kunskapsstödet har ingen publicerad version med det numret."}
    assert hidden_text("version 1.2") not in response.content.decode()


# ---------------------------------------------------------------- the change feed


def events(client, **params) -> list[tuple[str, str, str]]:
    response, body = get_json(client, f"{API}/andringar/?" + _query(params))
    assert response.status_code == 200, body
    return [(e["event"], e["code"], e["version"]) for e in body["results"]]


def test_the_change_feed_reports_publications_and_withdrawals_oldest_first(client, world):
    assert events(client) == [
        ("published", world.current.code, "1.0"),
        ("published", world.current.code, "1.1"),
        ("published", world.pathway.code, "1.0"),
        ("published", world.lung.code, "1.0"),
        ("published", world.withdrawn.code, "1.0"),
        ("withdrawn", world.withdrawn.code, "1.0"),
    ]


def test_a_change_says_when_what_and_where_to_read_it(client, world):
    _response, body = get_json(client, f"{API}/andringar/")
    withdrawal = body["results"][-1]
    record = EditionTransition.objects.get(name="withdraw")

    assert withdrawal == {
        "event": "withdrawn",
        "at": record.created_at.isoformat().replace("+00:00", "Z"),
        "code": world.withdrawn.code,
        "slug": world.withdrawn.slug,
        "title": "Gammal behandling av astma",
        "version": "1.0",
        "kind": {"code": "major", "label": withdrawal["kind"]["label"]},
        "change_summary": "",
        "url": f"http://testserver/api/v1/kunskapsstod/{world.withdrawn.slug}/",
        "edition_url": (
            f"http://testserver/api/v1/kunskapsstod/{world.withdrawn.slug}/versioner/1.0/"
        ),
    }
    minor = body["results"][1]
    assert (minor["kind"]["code"], minor["change_summary"]) == ("minor", "Förtydligad dosering.")


def test_the_change_feed_from_updated_since(client, world):
    withdrawal = EditionTransition.objects.get(name="withdraw").created_at

    assert events(client, updated_since=withdrawal.isoformat()) == [
        ("withdrawn", world.withdrawn.code, "1.0")
    ]
    assert events(client, updated_since=(withdrawal + timedelta(seconds=1)).isoformat()) == []
    assert len(events(client, updated_since="2000-01-01")) == 6


def test_the_change_feed_comes_a_page_at_a_time(client, world):
    _response, first = get_json(client, f"{API}/andringar/?limit=4&updated_since=2000-01-01")

    assert (first["total"], len(first["results"])) == (6, 4)
    assert first["next"] == (
        "http://testserver/api/v1/andringar/?updated_since=1999-12-31T23%3A00%3A00%2B00%3A00"
        "&limit=4&offset=4"
    )
    _response, second = get_json(client, first["next"])
    assert [e["event"] for e in second["results"]] == ["published", "withdrawn"]
    assert second["next"] is None


def test_the_change_feed_never_names_an_unpublished_edition(client, world):
    _response, body = get_json(client, f"{API}/andringar/?limit=100")
    named = {(e["code"], e["version"]) for e in body["results"]}

    assert (world.current.code, "1.2") not in named
    assert not {s.code for s in world.unpublished} & {code for code, _v in named}
    assert "supersede" not in {e["event"] for e in body["results"]}


# ---------------------------------------------------------------- filter values


def test_the_programme_areas_and_product_types_give_the_filters_codes(client, world):
    _response, areas = get_json(client, f"{API}/programomraden/")
    _response, types = get_json(client, f"{API}/produkttyper/")

    assert {"code": "npo-hjart-och-karlsjukdomar", "name": "NPO Hjärt- och kärlsjukdomar"} in (
        areas["results"]
    )
    assert len(areas["results"]) == 26
    assert [t["code"] for t in types["results"]][:2] == ["kliniskt-kunskapsstod", "vardforlopp"]
