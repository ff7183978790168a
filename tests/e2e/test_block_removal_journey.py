"""Removing a block in a real browser: an author removes a block (confirming on a page of its
own), finds it in the section history and puts it back at its place. The confirmation also
works with JavaScript turned off. Every page of the journey is checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import check_a11y
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import PASSWORD, UserFactory, grant, npo

pytestmark = pytest.mark.e2e

TEXTS = [
    "Första stycket om behandling.",
    "Andra stycket om dosering.",
    "Tredje stycket om uppföljning.",
]


@pytest.fixture(autouse=True)
def _templates(product_types):
    """Every test here needs the product types and their templates."""


def author(name: str):
    return grant(UserFactory(full_name=name), "author", npo())


def sign_in(page: Page, user) -> None:
    page.goto("/logga-in/")
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def section_with_three_blocks(actor) -> str:
    """A support with three saved text blocks under Behandling; the section editor's URL."""
    from apps.authoring import services
    from apps.authoring.models import ProductType

    support = services.support_create(
        actor=actor,
        title="Hjärtsvikt – behandling",
        product_type=ProductType.objects.get(name="Kliniskt kunskapsstöd"),
        programme_area=npo(),
    )
    section = support.working_edition.sections.get(key="behandling")
    for text in TEXTS:
        block = services.block_add(actor=actor, section=section, kind="text")
        services.block_save(
            actor=actor, block=block, lock_version=block.lock_version, content={"body": text}
        )
    return section.get_absolute_url()


def texts_in_editor(page: Page) -> list[str]:
    return page.locator(".editor-block textarea[name$='-body']").evaluate_all(
        "els => els.map(e => e.value)"
    )


def test_author_removes_a_block_and_puts_it_back_at_its_place(page: Page):
    user = author("Rut Författare")
    url = section_with_three_blocks(user)
    sign_in(page, user)
    page.goto(url)
    assert texts_in_editor(page) == TEXTS
    # A text block has no strength or basis to fill in.
    expect(page.get_by_role("region", name="1. Textblock").get_by_label("Styrka")).to_have_count(0)

    # "Ta bort" asks first, on a page of its own.
    page.get_by_role("region", name="2. Textblock").get_by_role(
        "link", name="Ta bort block 2"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ta bort blocket ”{TEXTS[1]}”?")
    check_a11y(page, context="ta bort block, fråga")
    page.get_by_role("button", name="Ta bort blocket").click()

    # Gone from the section; the message says where to get it back.
    messages = page.locator(".messages")
    expect(messages).to_contain_text("Blocket är borttaget")
    assert texts_in_editor(page) == [TEXTS[0], TEXTS[2]]
    check_a11y(page, context="avsnitt, block borttaget")
    messages.get_by_role("link", name="historiken för avsnittet").click()

    # The section history lists it, and puts it back.
    expect(page.get_by_role("heading", level=1)).to_have_text("Historik för avsnittet ”Behandling”")
    removed = page.locator("#removed-blocks")
    expect(removed).to_contain_text(TEXTS[1])
    expect(removed).to_contain_text("Rut Författare")
    history = page.get_by_role("table", name=re.compile("sparningar"))
    expect(history.locator("tbody tr").first).to_contain_text("Rut Författare: tog bort blocket")
    check_a11y(page, context="avsnittshistorik, borttaget block")
    removed.get_by_role("button", name="Återställ borttaget block 1").click()

    # Back in the editor, at its place.
    expect(page.locator(".messages")).to_contain_text("Blocket är tillbaka på sin plats")
    expect(page.locator(".editor-block")).to_have_count(3)
    assert texts_in_editor(page) == TEXTS
    expect(page).to_have_url(re.compile(r"/avsnitt/behandling/#block-[0-9a-f-]+$"))
    check_a11y(page, context="avsnitt, block tillbaka")

    # The history no longer lists it as removed.
    page.goto(url + "historik/")
    expect(page.locator("#removed-blocks")).to_contain_text("Inga block har tagits bort.")


def test_the_edition_page_keeps_its_text_to_a_comfortable_width(page: Page):
    user = author("Vera Läsbar")
    url = section_with_three_blocks(user)
    sign_in(page, user)
    page.set_viewport_size({"width": 1920, "height": 1000})
    page.goto(url.split("avsnitt/")[0])

    column, seventy = page.locator(".edition-content").evaluate(
        """element => {
            const probe = document.createElement("span");
            probe.style.whiteSpace = "nowrap";
            probe.textContent = "0".repeat(70);
            element.appendChild(probe);
            const width = probe.getBoundingClientRect().width;
            probe.remove();
            return [element.getBoundingClientRect().width, width];
        }"""
    )
    assert column <= seventy + 1, (column, seventy)
    assert column > 0.5 * seventy


def test_removing_asks_and_works_without_javascript(browser, live_server, organisations):
    user = author("Nils Utan-Skript")
    url = section_with_three_blocks(user)
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, user)
        page.goto(url)
        page.get_by_role("link", name="Ta bort block 3").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Ta bort blocket ”{TEXTS[2]}”?")
        page.get_by_role("button", name="Ta bort blocket").click()
        expect(page.locator(".messages")).to_contain_text("Blocket är borttaget")
        assert texts_in_editor(page) == TEXTS[:2]

        page.locator(".messages").get_by_role("link", name="historiken för avsnittet").click()
        page.get_by_role("button", name="Återställ borttaget block 1").click()
        expect(page.locator(".messages")).to_contain_text("Blocket är tillbaka på sin plats")
        assert texts_in_editor(page) == TEXTS
    finally:
        context.close()
