"""A whole national remiss in the browser, as issue 9 asks it to be shown.

The national editor finds the edition in the remiss queue and opens a round in one of the
calendar's coming windows, chosen from the list the opening form offers. A reviewer and the
coordinator of Region Uppsala write the region's answer (the reviewer quotes a passage of the
frozen text by selecting it, remiss-quote.js), and the coordinator submits it. Region Skåne is
late: its submission is refused with a clear message, the national editor grants it an
extension with a reason (shown in the grid), and Skåne submits. The round closes. An author
tries to leave revision and is refused on the greyed button ("N synpunkter saknar
bemötande"), responds to every comment, and may then take the step. The national editor reads
the register and downloads the response table as XLSX, checked with openpyxl.

Time cannot be frozen in the live server's thread, so where time must pass, the round's dates
move instead (as if the days had gone by) and the periodic command runs as cron would run it:
`manage.py run_scheduled` announces the round on its opening day and closes it after its last
day. Every page is checked with axe-core; any CSP violation or script error fails the test."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from apps.authoring.models import Section
from apps.authoring.workflow_states import EditionState as S
from apps.remiss import calendar, services
from apps.remiss.forms import window_choices
from apps.remiss.models import Comment, Consultation, RecipientStatus, Response
from tests.authoring.helpers import (
    COMPLETE_TEXT,
    PARAGRAPH_DOSE,
    PARAGRAPH_FOLLOW_UP,
    PARAGRAPH_START,
    add_block,
    make_complete,
    make_support,
    move_to,
    person,
    working_edition,
)
from tests.e2e.axe import check_a11y
from tests.e2e.conftest import TIMEOUT_MS, Console
from tests.factories import PASSWORD
from tests.remiss.helpers import member

pytestmark = pytest.mark.e2e

TITLE = "Hjärtsvikt – behandling"
QUOTE = "två gånger dagligen"
FORMULA = '=HYPERLÄNK("https://exempel.se";"klicka") står det i texten.'

SELECT = """([uid, words]) => {
  const source = document.querySelector(`#block-${uid} [data-quote-source]`);
  const walker = document.createTreeWalker(source, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(words);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
  }
  return false;
}"""


@pytest.fixture(autouse=True)
def _templates(product_types):
    """The product types and templates that a transactional test's flush removed."""


@pytest.fixture
def new_page(browser, live_server, organisations, settings):
    """A fresh browser context (its own cookies) per person; a CSP violation or script error
    in any of them fails the test."""
    settings.SITE_URL = live_server.url
    opened = []

    def open_page() -> Page:
        console = Console()
        context = browser.new_context(
            base_url=live_server.url,
            locale="sv-SE",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("console", lambda msg: console.messages.append((msg.type, msg.text, page.url)))
        page.on("pageerror", lambda exc: console.page_errors.append(f"{page.url}: {exc}"))
        opened.append((context, console))
        return page

    yield open_page
    problems = []
    for context, console in opened:
        context.close()
        problems += console.csp_violations() + console.page_errors
    assert not problems, "CSP violations or script errors:\n" + "\n".join(problems)


def sign_in(page: Page, user) -> None:
    page.goto("/logga-in/")
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def messages(page: Page):
    return page.locator(".messages")


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% test\n%%EOF\n"}


def run_cron() -> str:
    out = io.StringIO()
    call_command("run_scheduled", stdout=out)
    return out.getvalue()


def days_pass_until_opening(consultation: Consultation) -> None:
    """The window's opening day arrives: the round's dates move back by the days between
    today and its opening day, then cron runs (which tells the recipients)."""
    consultation.refresh_from_db()
    shift = consultation.opens_on - timezone.localdate()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=consultation.opens_on - shift, closes_on=consultation.closes_on - shift
    )


def the_closing_day_passes(consultation: Consultation) -> None:
    """The round's last day was yesterday (cron has not run yet)."""
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )


def edition_with_text(author):
    """A complete edition (it can leave revision once every comment has a response) with
    three paragraphs of clinical text, approved for remiss."""
    edition = make_complete(working_edition(make_support(author, title=TITLE)), author)
    section = Section.objects.get(edition=edition, key="behandling")
    for paragraph in (PARAGRAPH_START, PARAGRAPH_DOSE, PARAGRAPH_FOLLOW_UP):
        add_block(author, section, paragraph, **COMPLETE_TEXT)
    return move_to(edition, S.READY_FOR_CONSULTATION)


def block_with(page: Page, words: str):
    return page.locator("article[data-quote-block]").filter(has_text=words).first


def test_a_whole_round_from_the_calendar_to_the_downloaded_table(new_page):
    author = person("author", name="Alva Författare")
    editor = person("national_editor", name="Rut Redaktör")
    reviewer = member("remiss_reviewer", "uppsala", "Rolf Granskare")
    coordinator = member("remiss_coordinator", "uppsala", "Cecilia Samordnare")
    late_coordinator = member("remiss_coordinator", "skane", "Sune Samordnare")
    edition = edition_with_text(author)
    edition_path = edition.get_absolute_url()
    with translation.override("sv"):
        window = services.offered_windows("remiss")[0]
        window_label = dict(window_choices()[0][1])[window.key]

    # ---- The national editor opens the round in the first coming window of the calendar.
    page = new_page()
    sign_in(page, editor)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Remisser").click()
    page.get_by_role("link", name="Remisskö").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remisskö")
    queued = page.locator("tbody tr").filter(has_text=TITLE)
    expect(queued).to_contain_text(str(window).replace("\xa0", " "))
    check_a11y(page, context="remisskö")
    queued.get_by_role("link", name=re.compile("^Skicka på remiss")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skicka på remiss")
    # The coming windows of both kinds are offered; the next remiss window is preselected.
    windows = page.locator("input[name='window']")
    expect(windows).to_have_count(
        len(services.offered_windows("remiss"))
        + len(services.offered_windows("synpunktsinhamtning"))
        + 1
    )
    chosen = page.get_by_role("radio", name=window_label, exact=True)
    expect(chosen).to_be_checked()
    check_a11y(page, context="öppna remiss")
    chosen.check()
    page.get_by_label("Följebrev").fill("Vi ser fram emot era synpunkter på doseringen.")
    page.get_by_label("Nationell konsekvensbeskrivning").set_input_files(
        files=[pdf("konsekvenser.pdf")]
    )
    page.get_by_label(re.compile(r"^Kommentar")).fill("Ut på remiss i vårens fönster.")
    page.get_by_role("button", name="Skicka på remiss").click()
    expect(messages(page)).to_contain_text("Klart: versionen har nu status ”På remiss”.")
    consultation = Consultation.objects.get(edition=edition)
    assert (consultation.opens_on, consultation.closes_on) == (window.opens_on, window.closes_on)
    assert consultation.dates_reason == ""
    assert consultation.recipient_rows.count() == 21
    # The edition page says when it opens and when it closes.
    summary = page.locator(".round-summary")
    expect(summary).to_contain_text("Öppnar")
    expect(summary).to_contain_text("Sista svarsdag")
    check_a11y(page, context="version på remiss, före fönstret")

    # ---- The window's first day: cron tells the recipients that have someone to tell.
    days_pass_until_opening(consultation)
    assert "2 mottagare fick besked" in run_cron()

    # ---- The reviewer follows the notification and comments on a quoted passage.
    page = new_page()
    sign_in(page, reviewer)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Notiser").click()
    page.locator(".notifications li").filter(has_text="Region Uppsala har fått").get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remissvar från Region Uppsala")
    dose = block_with(page, QUOTE)
    assert page.evaluate(SELECT, [dose.get_attribute("id").removeprefix("block-"), QUOTE])
    dose.locator("summary").click()
    dose.get_by_role("button", name="Citera markerad text").click()
    expect(dose.get_by_label("Citat ur texten")).to_have_value(QUOTE)
    dose.get_by_label("Medicinskt innehåll").check()
    dose.get_by_label("Synpunkt", exact=True).fill("Ange dosen även vid nedsatt njurfunktion.")
    check_a11y(page, context="svarssida, granskare")
    dose.get_by_role("button", name="Lägg till synpunkten").click()
    expect(messages(page)).to_contain_text("Synpunkten är sparad.")
    expect(block_with(page, QUOTE).locator("mark")).to_have_text(QUOTE)
    # The reviewer cannot submit: that is the coordinator's.
    expect(page.get_by_role("link", name="Skicka in svaret")).to_have_count(0)

    # ---- The coordinator, from Mina uppgifter, writes the answer and submits it.
    page = new_page()
    sign_in(page, coordinator)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name=re.compile("^Mina uppgifter")
    ).click()
    page.get_by_role("link", name=f"{TITLE} {edition.number}").click()
    expect(page.locator(f"mark:text('{QUOTE}')")).to_have_count(1)
    follow_up = block_with(page, "Följ upp njurfunktion")
    follow_up.locator("summary").click()
    follow_up.get_by_label("Redaktionellt").check()
    follow_up.get_by_label("Synpunkt", exact=True).fill(FORMULA)
    follow_up.get_by_role("button", name="Lägg till synpunkten").click()
    expect(messages(page)).to_contain_text("Synpunkten är sparad.")
    page.get_by_label("Ja, med reservationer").check()
    page.get_by_label("Motivering", exact=True).fill("Doseringen vid njursvikt saknas.")
    page.get_by_label("Nej, inte realistisk här och nu").check()
    page.get_by_label("Varför inte?").fill("Uppföljningen kräver fler sjuksköterskor.")
    page.get_by_label("Övergripande synpunkter").fill("Ett välskrivet förslag.")
    page.get_by_label("Egen konsekvensbeskrivning").set_input_files(files=[pdf("uppsala.pdf")])
    check_a11y(page, context="svarsformulär, samordnare")
    page.get_by_role("button", name="Spara utkastet").click()
    expect(messages(page)).to_contain_text("Svaret är sparat.")
    page.get_by_role("link", name="Skicka in svaret").click()
    expect(page.get_by_text("2 synpunkter på texten.")).to_be_visible()
    page.get_by_role("button", name="Skicka in svaret").click()
    expect(messages(page)).to_contain_text("Svaret från Region Uppsala är inskickat.")

    # ---- Region Skåne drafts but misses the closing day; its late submission is refused.
    page = new_page()
    sign_in(page, late_coordinator)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name=re.compile("^Mina uppgifter")
    ).click()
    page.get_by_role("link", name=f"{TITLE} {edition.number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remissvar från Region Skåne")
    start = block_with(page, "nydiagnostiserad hjärtsvikt")
    start.locator("summary").click()
    start.get_by_label("Införande och konsekvenser").check()
    start.get_by_label("Synpunkt", exact=True).fill("ARNI är inte upphandlat i regionen.")
    start.get_by_role("button", name="Lägg till synpunkten").click()
    page.get_by_label("Ja, ställer sig bakom förslaget").check()
    page.get_by_label("Ja, realistisk för de flesta regioner här och nu").check()
    page.get_by_role("button", name="Spara utkastet").click()
    expect(messages(page)).to_contain_text("Svaret är sparat.")
    skane_answer = page.url
    the_closing_day_passes(consultation)
    page.goto(skane_answer)
    page.get_by_role("link", name="Skicka in svaret").click()
    expect(page.locator(".error-summary")).to_contain_text("Sista svarsdag var")
    expect(page.locator(".error-summary")).to_contain_text("Be den nationella redaktionen")
    expect(page.get_by_role("button", name="Skicka in svaret")).to_have_count(0)
    check_a11y(page, context="sent svar vägras")

    # ---- The national editor sees Skåne late in the grid and extends its time.
    page = new_page()
    sign_in(page, editor)
    page.goto(edition_path)
    page.locator(".round-summary").get_by_role("link", name=re.compile("remissomgången")).click()
    grid = page.locator(".recipient-grid")
    skane = grid.locator("li").filter(has_text="Region Skåne")
    expect(skane.locator(".tag")).to_have_text("Sen")
    expect(grid.locator("li").filter(has_text="Region Uppsala").locator(".tag")).to_have_text(
        "Har svarat"
    )
    check_a11y(page, context="remissomgång, rutnät")
    skane.get_by_role("link", name=re.compile("^Förläng svarstiden")).click()
    until = calendar.next_working_day(timezone.localdate() + timedelta(days=7))
    page.get_by_label("Ny sista svarsdag").fill(until.isoformat())
    page.get_by_label("Skäl till förlängningen").fill("Regionens samordnare var sjuk.")
    check_a11y(page, context="förlängning")
    page.get_by_role("button", name="Förläng svarstiden").click()
    expect(messages(page)).to_contain_text("Region Skåne har nu till och med")
    skane = page.locator(".recipient-grid li").filter(has_text="Region Skåne")
    expect(skane).to_contain_text("Förlängd till")
    expect(skane).to_contain_text("Regionens samordnare var sjuk.")
    expect(skane.locator(".tag")).to_have_text("Skriver svar")
    # Cron does not close a round while an extension runs.
    assert "0 stängda" in run_cron()

    # ---- Skåne submits within its extension; then cron closes the round.
    page = new_page()
    sign_in(page, late_coordinator)
    page.goto(skane_answer)
    page.get_by_role("link", name="Skicka in svaret").click()
    page.get_by_role("button", name="Skicka in svaret").click()
    expect(messages(page)).to_contain_text("Svaret från Region Skåne är inskickat.")
    assert "1 stängda" in run_cron()
    edition.refresh_from_db()
    assert edition.state == S.REVISION
    assert Comment.objects.filter(answer__submitted_at__isnull=False).count() == 3

    # ---- The author may not leave revision before every comment has a response.
    page = new_page()
    sign_in(page, author)
    page.goto(edition_path)
    step = page.locator(".workflow-actions li").filter(has_text="Skicka för NPO-godkännande")
    expect(step.get_by_role("link")).to_have_count(0)
    expect(step.locator("[aria-disabled='true']")).to_have_text("Skicka för NPO-godkännande")
    expect(step.locator(".muted")).to_contain_text("3 synpunkter saknar bemötande")
    check_a11y(page, context="version i bearbetning, steget vägras")
    # The step's own page, reached by its address, refuses it with the same reason.
    page.goto(edition_path + "steg/submit_for_approval/")
    expect(page.get_by_role("alert")).to_contain_text("3 synpunkter saknar bemötande.")
    page.goto(edition_path)
    page.locator(".round-summary").get_by_role("link", name=re.compile("^Synpunkter")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Synpunkter på texten som skickades ut"
    )
    check_a11y(page, context="synpunkter")
    # Filter by recipient, by type and by position.
    page.get_by_label("Remissinstans").select_option(label="Region Skåne")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("status")).to_contain_text("Visar 1 av 3 synpunkter.")
    page.get_by_label("Remissinstans").select_option(label="Alla remissinstanser")
    page.get_by_label("Ställningstagande").select_option(label="Ja, med reservationer")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("status")).to_contain_text("Visar 2 av 3 synpunkter.")
    check_a11y(page, context="synpunkter, filtrerade")
    page.get_by_role("link", name="Rensa filter").click()
    page.get_by_role("link", name="Bemöt den första som saknar bemötande").click()
    for number in range(3):
        expect(page.get_by_role("heading", level=1)).to_contain_text("Bemöt synpunkten från")
        if number == 0:
            check_a11y(page, context="bemötande")
        page.get_by_label("Delvis tillgodosedd").check()
        page.get_by_label("Motivering").fill(f"Förtydligat i texten ({number + 1}).")
        page.get_by_label("Tillämpad i block").select_option(index=1)
        page.get_by_role("button", name="Spara och bemöt nästa").click()
    expect(messages(page)).to_contain_text("Bemötandet är sparat.")
    expect(page.get_by_text("0 saknar bemötande.")).to_be_visible()
    assert Response.objects.count() == 3
    page.goto(edition_path)
    step = page.locator(".workflow-actions li").filter(has_text="Skicka för NPO-godkännande")
    expect(step.get_by_role("link", name="Skicka för NPO-godkännande")).to_be_visible()
    step.get_by_role("link").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_label(re.compile(r"^Kommentar")).fill("Remissvaren är inarbetade.")
    page.get_by_role("button", name="Skicka för NPO-godkännande").click()
    expect(messages(page)).to_contain_text("Väntar på NPO-godkännande")

    # ---- The national editor reads the register and downloads the table.
    page = new_page()
    sign_in(page, editor)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Remisser").click()
    row = page.locator("table.remiss-register tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("Remiss")
    expect(row).to_contain_text("21")
    expect(row).to_contain_text("10 % (2 av 21)")
    expect(row).to_contain_text("Ja 1, med reservationer 1, nej 0")
    check_a11y(page, context="remissregister")
    row.get_by_role("link", name=re.compile("^Sammanställning")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remissammanställning")
    expect(page.locator(".remiss-positions")).to_contain_text("Inte realistisk", ignore_case=True)
    check_a11y(page, context="remissammanställning")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som Excel (XLSX)").click()
    assert (
        download.value.suggested_filename == f"remissammanstallning-{edition.support.code}-1.0.xlsx"
    )
    with open(download.value.path(), "rb") as downloaded:
        sheet = openpyxl.load_workbook(io.BytesIO(downloaded.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Avsnitt",
        "Block",
        "Remissinstans",
        "Typ",
        "Citat",
        "Synpunkt",
        "Beslut",
        "Bemötande",
    )
    assert len(rows) == 1 + 3
    by_text = {r[5]: r for r in rows[1:]}
    assert by_text["Ange dosen även vid nedsatt njurfunktion."][2:5] == (
        "Region Uppsala",
        "Medicinskt innehåll",
        QUOTE,
    )
    assert {r[6] for r in rows[1:]} == {"Delvis tillgodosedd"}
    formula_cells = [c for r in sheet.iter_rows(min_row=2) for c in r if c.value == FORMULA]
    assert len(formula_cells) == 1
    assert formula_cells[0].data_type == "s"
    assert consultation.recipient_rows.filter(status=RecipientStatus.SUBMITTED).count() == 2
