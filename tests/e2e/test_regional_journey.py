"""A regional addition in the browser: Region Skåne's regional editor writes an addition at a
block of a published support (first with an error showing, the live preview following the
text) and publishes it; a new national edition changes that block (published through the
real workflow step); the editor finds the addition in Mina uppgifter, reads the three texts
and confirms it; a reader chooses Region Skåne on the support page and reads the addition.
Every page is checked with axe-core; any CSP violation or script error fails (conftest)."""

import pytest
from playwright.sync_api import Page, expect

from apps.regional.models import RegionalAddition
from tests.e2e.axe import check_a11y
from tests.factories import PASSWORD
from tests.regional.helpers import (
    national_people,
    published_with_blocks,
    regional_editor,
    republish,
    rewrite,
)

pytestmark = pytest.mark.e2e

ADDITION = "I Region Skåne skrivs remissen till **hjärtmottagningen** vid närmaste sjukhus."


def sign_in(page: Page, email: str) -> None:
    page.goto("/logga-in/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def test_an_addition_is_written_flagged_by_a_new_edition_confirmed_and_read(
    page: Page, product_types
):
    author, editor = national_people()
    support, uids = published_with_blocks(
        author, editor, bodies=("Remittera till kardiolog vid oklar diagnos.", "Följ upp.")
    )
    block_uid = uids["Remittera till kardiolog vid oklar diagnos."]
    skane = regional_editor("skane", name="Tove Tillägg")

    # The regional editor writes and publishes an addition at the first block.
    sign_in(page, skane.email)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Mina regionala tillägg"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina regionala tillägg")
    check_a11y(page, context="overview, empty")
    page.get_by_role("link", name="Skriv ett nytt tillägg").click()
    check_a11y(page, context="choose a support")
    page.get_by_role("link", name=support.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("var ska tillägget stå?")
    check_a11y(page, context="choose a place")
    # The template's required text comes first in "Behandling"; the block is the second.
    page.get_by_role(
        "link", name="Lägg till regionalt tillägg här vid block 2 i ”Behandling”"
    ).click()
    expect(page.locator("blockquote.national-text")).to_contain_text("Remittera till kardiolog")
    check_a11y(page, context="addition form")

    page.get_by_label("Remissrutin").check()
    page.get_by_label("Länk").fill("vardgivare.skane.se")
    page.get_by_role("button", name="Spara som utkast").click()
    expect(page.locator(".error-summary")).to_contain_text("Skriv tilläggets text.")
    expect(page.locator(".error-summary")).to_contain_text("börjar med https://")
    check_a11y(page, context="addition form with errors")

    page.get_by_label("Text", exact=True).fill(ADDITION)
    expect(page.locator("#addition-preview strong")).to_have_text("hjärtmottagningen")
    page.get_by_label("Länk").fill("https://vardgivare.skane.se/hjarta")
    page.get_by_label("Kontakt").fill("Hjärtmottagningen, 040-33 10 00")
    page.get_by_role("button", name="Spara som utkast").click()
    expect(page.get_by_text("Tillägget är sparat som utkast.")).to_be_visible()
    check_a11y(page, context="draft addition page")
    page.get_by_role("button", name="Publicera").click()
    expect(page.get_by_text("Tillägget är publicerat.")).to_be_visible()
    check_a11y(page, context="published addition page")
    addition = RegionalAddition.objects.get()
    assert addition.state == "published" and addition.block_uid == block_uid

    # A new national edition changes the block under it.
    republish(
        author,
        editor,
        support,
        rewrite(author, block_uid, "Remittera till kardiolog inom två veckor vid oklar diagnos."),
    )

    # The editor finds it in Mina uppgifter, reads the three texts and confirms it.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Mina uppgifter"
    ).click()
    task = page.get_by_role("row").filter(has_text="den nationella texten har ändrats")
    expect(task).to_contain_text("version 1.1")
    check_a11y(page, context="Mina uppgifter with the review task")
    task.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Granska")
    expect(
        page.get_by_role(
            "region", name="Den nationella texten som tillägget skrevs mot (version 1.0)"
        )
    ).to_contain_text("Remittera till kardiolog vid oklar diagnos.")
    expect(
        page.get_by_role("region", name="Den nya nationella texten (version 1.1)")
    ).to_contain_text("inom två veckor")
    expect(page.get_by_role("region", name="Region Skånes tillägg")).to_contain_text(
        "hjärtmottagningen"
    )
    expect(page.locator(".diff ins")).to_contain_text("inom två veckor")
    check_a11y(page, context="review with three texts")
    page.get_by_role("button", name="Bekräfta för version 1.1").click()
    expect(page.get_by_text("Tillägget är bekräftat")).to_be_visible()
    check_a11y(page, context="confirmed addition page")
    assert RegionalAddition.objects.get().needs_review is False
    page.goto("/regionalt/")
    expect(page.get_by_role("heading", name="Publicerade (1)")).to_be_visible()
    check_a11y(page, context="overview with the confirmed addition")
    page.get_by_role("button", name="Logga ut").click()

    # A reader chooses Region Skåne on the support page and reads the addition.
    page.goto(f"/stod/{support.slug}/")
    expect(page.get_by_text("hjärtmottagningen")).to_have_count(0)
    check_a11y(page, context="support page, no region")
    page.get_by_label("Visa regionala tillägg från").select_option("skane")
    page.get_by_role("button", name="Visa", exact=True).click()
    note = page.get_by_role("note", name="Region Skåne: Remissrutin")
    expect(note).to_contain_text("hjärtmottagningen vid närmaste sjukhus")
    expect(note).to_contain_text("Hjärtmottagningen, 040-33 10 00")
    expect(note).not_to_contain_text("har ändrats sedan")  # confirmed: no stale note
    check_a11y(page, context="support page with Region Skåne")
