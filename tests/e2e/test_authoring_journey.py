"""The authoring editor in a real browser: an author creates a support, writes text and a
recommendation with live preview, compares and restores versions; two authors collide on the
same block; script in the text never runs; authors see who else has a section open.

Every page of the journey is checked with axe-core (tests/e2e/axe.py)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import check_a11y
from tests.e2e.conftest import TIMEOUT_MS, Console
from tests.factories import PASSWORD, UserFactory, grant, npo

pytestmark = pytest.mark.e2e

TITLE = "Hjärtsvikt – behandling"
TEXT_1 = "Patienten ska **alltid** få betablockerare."
TEXT_2 = "Patienten ska **oftast** få ACE-hämmare."
SAVED = "Blocket är sparat."
XSS = (
    "Hej <script>window.__pwned=1</script>\n\n"
    '<img src=x onerror="window.__pwned=1">\n\n'
    "[klicka](javascript:window.__pwned=1)"
)
UNSAFE = "script, img, a[href^='javascript' i], [onerror]"


@pytest.fixture(autouse=True)
def _templates(product_types):
    """Every test here needs the product types and their templates."""


@pytest.fixture
def other_page(browser, live_server, organisations):
    """A second, independent browser context (its own cookies) for a second author. Like
    `page`, it fails the test on CSP violations or uncaught script errors."""
    console = Console()
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    other.on("console", lambda msg: console.messages.append((msg.type, msg.text, other.url)))
    other.on("pageerror", lambda exc: console.page_errors.append(f"{other.url}: {exc}"))
    try:
        yield other
    finally:
        context.close()
    problems = console.csp_violations() + console.page_errors
    assert not problems, "Second browser: CSP violations or script errors:\n" + "\n".join(problems)


def author(name: str):
    return grant(UserFactory(full_name=name), "author", npo())


def sign_in(page: Page, user, *, a11y: bool = False) -> None:
    page.goto("/logga-in/")
    if a11y:
        check_a11y(page, context="inloggning")
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def section_with_block(actor, body: str = "Ursprunglig text.") -> str:
    """A support with one saved text block under Behandling; the section editor's URL."""
    from apps.authoring import services
    from apps.authoring.models import ProductType
    from apps.authoring.views import edition_url

    support = services.support_create(
        actor=actor,
        title=TITLE,
        product_type=ProductType.objects.get(name="Kliniskt kunskapsstöd"),
        programme_area=npo(),
    )
    edition = support.working_edition
    section = edition.sections.get(key="behandling")
    block = services.block_add(actor=actor, section=section, kind="text")
    services.block_save(
        actor=actor, block=block, lock_version=block.lock_version, content={"body": body}
    )
    return edition_url(edition, "authoring:section_edit", key="behandling")


def messages(page: Page):
    return page.locator(".messages")


def test_author_creates_support_writes_blocks_compares_and_restores(page: Page):
    user = author("Alva Författare")
    sign_in(page, user, a11y=True)
    check_a11y(page, context="start")

    # Kunskapsstöd → Nytt kunskapsstöd.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Kunskapsstöd"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kunskapsstöd")
    check_a11y(page, context="kunskapsstöd")
    page.get_by_role("link", name="Nytt kunskapsstöd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt kunskapsstöd")
    check_a11y(page, context="nytt kunskapsstöd")

    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Produkttyp").select_option(label="Kliniskt kunskapsstöd")
    page.get_by_label("Nationellt programområde").select_option(label=npo().name)
    page.get_by_label("Sök ICD-10-kod").fill("I50")
    add_code = page.get_by_role("button", name="Lägg till I50.0", exact=True)
    expect(add_code).to_be_visible()
    check_a11y(page, context="nytt kunskapsstöd, ICD-träffar")
    add_code.click()
    expect(page.get_by_label("Diagnoser (ICD-10)")).to_have_value("I50.0")
    page.get_by_role("button", name="Skapa och börja skriva").click()

    # The first edition, built from the template.
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(messages(page)).to_contain_text("Börja skriva!")
    check_a11y(page, context="version")
    page.get_by_role("link", name="Redigera Behandling").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Behandling")
    check_a11y(page, context="avsnitt, tomt")

    # A text block, with live preview.
    page.get_by_role("button", name="Lägg till", exact=True).click()
    text_block = page.get_by_role("region", name="1. Textblock")
    body = text_block.get_by_label("Text (Markdown)")
    body.fill(TEXT_1)
    expect(text_block.locator(".preview strong")).to_have_text("alltid")
    check_a11y(page, context="avsnitt, förhandsgranskning")
    text_block.get_by_role("button", name="Spara block 1").click()
    expect(messages(page)).to_contain_text(SAVED)
    expect(body).to_have_value(TEXT_1)
    check_a11y(page, context="avsnitt, textblock sparat")

    # A recommendation with strength, basis and care level.
    page.get_by_label("Typ av block").select_option(label="Rekommendation")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    recommendation = page.get_by_role("region", name="2. Rekommendation")
    recommendation.get_by_label("Text (Markdown)").fill("Erbjud fysisk träning.")
    recommendation.get_by_label("Styrka").select_option(label="Bör")
    recommendation.get_by_label("Underlag").select_option(label="Vetenskapligt underlag")
    recommendation.get_by_label("Vårdnivå").select_option(label="Båda")
    recommendation.get_by_role("button", name="Spara block 2").click()
    expect(messages(page)).to_contain_text(SAVED)
    expect(recommendation.get_by_label("Styrka")).to_have_value("bor")
    expect(recommendation.get_by_label("Underlag")).to_have_value("evidence")
    expect(recommendation.get_by_label("Vårdnivå")).to_have_value("both")
    check_a11y(page, context="avsnitt, rekommendation sparad")

    # A second version of the text block.
    body.fill(TEXT_2)
    expect(text_block.locator(".preview strong")).to_have_text("oftast")
    text_block.get_by_role("button", name="Spara block 1").click()
    expect(messages(page)).to_contain_text(SAVED)
    expect(body).to_have_value(TEXT_2)

    # Its history: compare the two saved versions …
    text_block.get_by_role("link", name="Historik för block 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Historik för ett block")
    versions = page.get_by_role("table", name=re.compile("sparade versioner"))
    rows = versions.locator("tbody tr")
    expect(rows).to_have_count(3)  # created, text 1, text 2 (newest first)
    check_a11y(page, context="blockhistorik")
    rows.nth(1).locator("input[name='fran']").check()
    rows.nth(0).locator("input[name='till']").check()
    page.get_by_role("button", name="Jämför valda versioner").click()
    expect(page).to_have_url(re.compile(r"\?(?=.*\bfran=\d)(?=.*\btill=\d)"))
    diff = page.locator(".diff--source").first
    expect(diff.locator(".diff-del")).to_contain_text("alltid")
    expect(diff.locator(".diff-ins")).to_contain_text("oftast")
    check_a11y(page, context="blockhistorik, jämförelse")

    # … and restore the older one, which becomes the newest version.
    rows.nth(1).get_by_role("button", name=re.compile("^Återställ")).click()
    expect(messages(page)).to_contain_text("Den tidigare versionen är återställd")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text(TEXT_1)
    check_a11y(page, context="blockhistorik, återställd")

    # The editor shows the restored text.
    page.goto(page.url.split("/block/")[0] + "/avsnitt/behandling/")
    expect(
        page.get_by_role("region", name="1. Textblock").get_by_label("Text (Markdown)")
    ).to_have_value(TEXT_1)
    check_a11y(page, context="avsnitt, efter återställning")


def test_second_save_of_same_block_shows_conflict_and_keeps_both_texts(
    page: Page, other_page: Page
):
    anna, bo = author("Anna Först"), author("Bo Sist")
    url = section_with_block(anna)
    sign_in(page, anna)
    sign_in(other_page, bo)
    page.goto(url)
    other_page.goto(url)

    # Anna saves first.
    a_block = page.get_by_role("region", name="1. Textblock")
    a_block.get_by_label("Text (Markdown)").fill("Annas text om diuretika.")
    a_block.get_by_role("button", name="Spara block 1").click()
    expect(messages(page)).to_contain_text(SAVED)

    # Bo, still on the old version, saves over it.
    b_block = other_page.get_by_role("region", name="1. Textblock")
    b_block.get_by_label("Text (Markdown)").fill("Bos text om betablockerare.")
    b_block.get_by_role("button", name="Spara block 1").click()

    expect(other_page.get_by_role("heading", level=1)).to_have_text(
        "Någon annan har sparat samma block"
    )
    theirs = other_page.get_by_role("region", name="Deras sparade version")
    expect(theirs.locator(".preview")).to_contain_text("Annas text om diuretika.")
    mine = other_page.get_by_role("region", name="Din version")
    expect(mine.get_by_label("Text (Markdown)")).to_have_value("Bos text om betablockerare.")
    check_a11y(other_page, context="konflikt")

    mine.get_by_role("button", name="Spara min version (ersätter deras)").click()
    expect(messages(other_page)).to_contain_text(SAVED)
    b_block = other_page.get_by_role("region", name="1. Textblock")
    expect(b_block.get_by_label("Text (Markdown)")).to_have_value("Bos text om betablockerare.")
    expect(b_block.locator(".preview")).to_have_text("Bos text om betablockerare.")


def test_script_in_block_text_never_runs_in_preview_or_saved_page(page: Page):
    user = author("Sigrid Säker")
    url = section_with_block(user)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, user)
    page.goto(url)

    def assert_harmless() -> None:
        assert dialogs == []
        assert page.evaluate("typeof window.__pwned") == "undefined"
        expect(page.locator(".prose, .preview").locator(UNSAFE)).to_have_count(0)

    # Live preview.
    block = page.get_by_role("region", name="1. Textblock")
    block.get_by_label("Text (Markdown)").fill(XSS)
    preview = block.locator(".preview")
    expect(preview).to_contain_text("klicka")
    expect(preview).not_to_contain_text("Ursprunglig")
    assert_harmless()

    # Saved, then shown in the editor again with the source untouched.
    block.get_by_role("button", name="Spara block 1").click()
    expect(messages(page)).to_contain_text(SAVED)
    expect(block.get_by_label("Text (Markdown)")).to_have_value(XSS)
    expect(block.locator(".preview")).to_contain_text("klicka")
    assert_harmless()

    # The edition page, reloaded.
    page.get_by_role("link", name="Tillbaka till versionen").click()
    page.reload()
    expect(page.locator("#section-behandling .prose")).to_contain_text("klicka")
    assert_harmless()


def test_author_sees_who_else_has_the_section_open(page: Page, other_page: Page):
    anna, bo = author("Anna Först"), author("Bo Bredvid")
    url = section_with_block(anna)
    sign_in(page, anna)
    sign_in(other_page, bo)

    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Behandling")
    expect(page.locator(".presence")).to_have_count(0)

    other_page.goto(url)
    expect(other_page.locator(".presence")).to_contain_text("Anna Först")

    page.reload()
    presence = page.locator(".presence")
    expect(presence).to_contain_text("Har också avsnittet öppet just nu")
    expect(presence.locator("strong")).to_have_text("Bo Bredvid")
