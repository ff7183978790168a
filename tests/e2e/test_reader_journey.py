"""A reader's journey on the reading site, in the browser and without signing in: from the
start page's list to a support, switching the care level (and finding it remembered),
expanding in-depth text, copying the link to a recommendation and following it, opening an
earlier edition, its changes and its remiss response table, and printing. Every page is
checked with axe-core (serious or critical violations fail), and any CSP violation or script
error fails too (tests/e2e/conftest.py)."""

import pytest
from playwright.sync_api import Page, expect

from apps.authoring.models import SnapshotBlock
from tests.e2e.axe import check_a11y
from tests.publishing.reading_helpers import (
    consulted_and_published,
    publish_next,
    recommendation,
    text,
)

pytestmark = pytest.mark.e2e

PRIMARY = "Kontrollera kalium och kreatinin på vårdcentralen."
SPECIALISED = "Överväg CRT-behandling vid vänstersidigt skänkelblock."
IN_DEPTH = "Remodelleringen av vänster kammare beskrivs i flera studier."
SHOULD_NOT = "Ge inte NSAID till patienter med hjärtsvikt."


@pytest.fixture
def support(product_types):
    """1.0 went on remiss and was published; 1.1 adds text for each care level, in-depth
    text and a "bör inte" recommendation."""
    consulted = consulted_and_published(comments=1)
    return publish_next(
        consulted.author,
        consulted.editor,
        consulted.support,
        add_blocks=[
            ("behandling", PRIMARY, text("primary")),
            ("behandling", SPECIALISED, recommendation("kan", care_level="specialised")),
            ("behandling", IN_DEPTH, text("both", depth="in_depth")),
            ("gor-inte", SHOULD_NOT, recommendation("bor_inte")),
        ],
        summary="Nya rekommendationer för primärvård och specialiserad vård.",
    )


def anchor(support, body: str) -> str:
    block = SnapshotBlock.objects.get(
        snapshot__edition_id=support.current_published_edition_id,
        snapshot__purpose="publication",
        body=body,
    )
    return f"rek-{str(block.uid)[:8]}"


def test_a_reader_finds_reads_and_follows_a_support(page: Page, support, live_server):
    page.goto("/")
    check_a11y(page, context="start page")
    page.get_by_role("link", name=support.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(support.title)
    expect(page.get_by_text("ansvarar alltid själva för den vård de ger")).to_be_visible()
    check_a11y(page, context="support page")

    # "Bör inte" is set apart in words.
    should_not = page.locator(f"#{anchor(support, SHOULD_NOT)}")
    expect(should_not).to_contain_text("Rekommendation: Bör inte")

    # The care-level switch, remembered on the next visit.
    switch = page.get_by_role("group", name="Visa text för")
    switch.get_by_role("link", name="Primärvård").click()
    expect(page.get_by_text(PRIMARY)).to_be_visible()
    expect(page.get_by_text(SPECIALISED)).to_have_count(0)
    expect(switch.get_by_role("link", name="Primärvård")).to_have_attribute("aria-current", "true")
    check_a11y(page, context="primary care")
    page.goto(f"/stod/{support.slug}/")
    expect(page.get_by_text(SPECIALISED)).to_have_count(0)

    page.get_by_role("group", name="Visa text för").get_by_role(
        "link", name="Specialiserad vård"
    ).click()
    expect(page.get_by_text(SPECIALISED)).to_be_visible()
    expect(page.get_by_text(PRIMARY)).to_have_count(0)

    # In-depth text is folded until the reader opens it.
    in_depth = page.get_by_text(IN_DEPTH)
    expect(in_depth).to_be_hidden()
    page.locator("details.in-depth > summary").first.click()
    expect(in_depth).to_be_visible()
    check_a11y(page, context="specialised care, in-depth text open")

    # Copy the link to a recommendation, and follow it.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    target = anchor(support, SPECIALISED)
    copy = page.locator(f"#{target}").get_by_role("link", name="Kopiera länk till rekommendationen")
    expected = f"{live_server.url}/stod/{support.slug}/?vardniva=specialiserad#{target}"
    expect(copy).to_have_attribute("href", f"/stod/{support.slug}/?vardniva=specialiserad#{target}")
    copy.click()
    expect(page.get_by_role("status")).to_have_text("Länken är kopierad.")
    assert page.evaluate("navigator.clipboard.readText()") == expected
    page.goto(expected)
    expect(page.locator(f"#{target}")).to_be_in_viewport()

    # An earlier edition, its changes and its response table.
    versions = page.get_by_role("region", name="Versioner")
    versions.get_by_role("link", name="Version 1.0", exact=True).click()
    expect(page.get_by_text("Det här är en tidigare version, 1.0.")).to_be_visible()
    expect(page.get_by_text(SHOULD_NOT)).to_have_count(0)
    check_a11y(page, context="earlier edition")

    page.goto(f"/stod/{support.slug}/")
    page.get_by_role("region", name="Versioner").get_by_role(
        "link", name="Ändringar i version 1.1"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("från version 1.0 till 1.1")
    expect(page.locator(".change--added").filter(has_text=SHOULD_NOT)).to_contain_text("Nytt")
    check_a11y(page, context="changes")
    page.get_by_label("Jämför version 1.1 med").select_option("1.0")
    page.get_by_role("button", name="Jämför").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("från version 1.0 till 1.1")

    page.goto(f"/stod/{support.slug}/")
    page.get_by_role("region", name="Versioner").get_by_role(
        "link", name="Remissammanställning för version 1.0"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remissammanställning")
    expect(page.get_by_text("Ange doseringen i mg.").first).to_be_visible()
    check_a11y(page, context="response table")

    # A bad comparison says what is wrong.
    page.goto(f"/stod/{support.slug}/version/1.1/andringar/?mot=skr%C3%A4p")
    expect(page.get_by_role("alert")).to_contain_text("Det finns ingen publicerad version")
    check_a11y(page, context="bad comparison")


def test_the_print_view_holds_the_text_and_no_navigation(page: Page, support):
    page.goto(f"/stod/{support.slug}/")
    page.emulate_media(media="print")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(SHOULD_NOT)).to_be_visible()
    expect(page.get_by_text("ansvarar alltid själva för den vård de ger")).to_be_visible()
    for hidden in (
        "header.site-header",
        "footer.site-footer",
        "nav",
        ".level-switch",
        ".breadcrumb",
        ".editions",
    ):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    for copy in page.get_by_role("link", name="Kopiera länk").all():
        expect(copy).to_be_hidden()
    # Folded in-depth text is printed too: by the print rules, and where a browser does not
    # draw a fold's content that way, by the script opening the folds before printing.
    expect(page.get_by_text(IN_DEPTH)).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.get_by_text(IN_DEPTH)).to_be_hidden()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(page.get_by_text(IN_DEPTH)).to_be_visible()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(page.get_by_text(IN_DEPTH)).to_be_hidden()


def test_a_withdrawn_support_says_so(page: Page, support):
    from tests.authoring.helpers import person
    from tests.publishing.reading_helpers import withdraw

    withdraw(person("national_editor", name="Nora Redaktör"), support)

    response = page.goto(f"/stod/{support.slug}/")

    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_contain_text("är avpublicerat")
    check_a11y(page, context="withdrawn")
