"""A reader searches the reading site in the browser, without signing in: an inflected
Swedish word finds the base form, a misspelled diagnosis name still finds its support
(pg_trgm, PostgreSQL only: the CI's browser run is on PostgreSQL), a filter narrows the
list, and a result opens the support. Every page is checked with axe-core."""

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from tests.authoring.helpers import person
from tests.e2e.axe import check_a11y
from tests.publishing.helpers import published_support
from tests.publishing.reading_helpers import recommendation, text

pytestmark = pytest.mark.e2e


@pytest.fixture
def supports(product_types):
    author, editor = person("author"), person("national_editor")
    heart = published_support(
        author,
        editor,
        title="Hjärtsvikt – behandling",
        diagnoses=["I50.9"],
        blocks=[
            (
                "behandling",
                "Vid hjärtsvikt med nedsatt ejektionsfraktion **bör** behandling med "
                "ACE-hämmare inledas.",
                recommendation("bor"),
            )
        ],
    )
    asthma = published_support(
        author,
        editor,
        title="Astma hos vuxna",
        diagnoses=["J45.9"],
        blocks=[("behandling", "Inhalationssteroider är grunden i astmabehandlingen.", text())],
    )
    return heart, asthma


def search(page: Page, words: str) -> None:
    page.locator("#id_q").fill(words)
    page.locator("#search-submit").click()


def test_a_reader_searches_with_inflections_and_misspellings_filters_and_opens(
    page: Page, supports
):
    heart, asthma = supports
    page.goto("/")
    check_a11y(page, context="start page")

    # "behandlingar" (plural) finds the supports that say "behandling".
    search(page, "behandlingar")
    results = page.locator("#search-results li.search-result")
    expect(results.filter(has_text=heart.title)).to_have_count(1)
    expect(page.locator(".search-result__snippet mark").first).to_be_visible()
    check_a11y(page, context="search results")

    # A filter narrows the same search.
    page.locator("#id_diagnos").fill("J45")
    page.locator("#search-filter-submit").click()
    expect(results.filter(has_text=asthma.title)).to_have_count(1)
    expect(results.filter(has_text=heart.title)).to_have_count(0)

    # A misspelled diagnosis name.
    page.locator("#search-clear").click()
    if connection.vendor == "postgresql":
        search(page, "hjärtsvit")
        expect(results.filter(has_text=heart.title)).to_have_count(1)

    # Nothing found says so.
    search(page, "zyxwvuts")
    expect(page.locator("#search-empty")).to_be_visible()
    check_a11y(page, context="no results")

    search(page, "ACE-hämmare")
    results.filter(has_text=heart.title).get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heart.title)
