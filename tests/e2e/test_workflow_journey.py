"""Issue #4 in a real browser: an edition goes from draft through internal review, a
consultation, revision, NPO approval and editorial approval to published. Three people take
the steps (an author, the NPO chair and a national editor), each signing in with their own
browser, finding the task in "Mina uppgifter" and taking the step from the edition page with
a comment. A step someone may not take is shown greyed, with the reason.

Every page visited is checked with axe-core (tests/e2e/axe.py)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.axe import check_a11y
from tests.e2e.conftest import TIMEOUT_MS, Console
from tests.factories import PASSWORD, UserFactory, grant, npo

pytestmark = pytest.mark.e2e

TITLE = "Hjärtsvikt – behandling"
BODY = (
    "## Dosering\n\n"
    "Behandling med ACE-hämmare bör inledas i låg dos. Se "
    "[Läkemedelsverket](https://www.lakemedelsverket.se/behandling) och "
    "[avsnittet om utredning](#section-utredning)."
)
REFERENCES = (
    "McDonagh TA et al. 2021 ESC Guidelines for heart failure. "
    "https://doi.org/10.1093/eurheartj/ehab368\n"
    "[Socialstyrelsen](https://www.socialstyrelsen.se/riktlinjer)"
)

# (step label, comment, from state, to state) in the order the journey takes them.
STEPS = [
    ("Skicka till intern granskning", "Klar för granskning.", "Utkast", "Intern granskning"),
    (
        "Godkänn för remiss",
        "Texten håller, ut på remiss.",
        "Intern granskning",
        "Godkänd för remiss",
    ),
    ("Skicka på remiss", "Remiss till regionerna.", "Godkänd för remiss", "På remiss"),
    ("Stäng remissen", "Svaren är inne.", "På remiss", "Bearbetning efter remiss"),
    (
        "Skicka för NPO-godkännande",
        "Remissvaren är inarbetade.",
        "Bearbetning efter remiss",
        "Väntar på NPO-godkännande",
    ),
    (
        "Godkänn medicinskt (NPO)",
        "Medicinskt godkänd.",
        "Väntar på NPO-godkännande",
        "Redaktionell granskning",
    ),
    (
        "Godkänn redaktionellt",
        "Språket är granskat.",
        "Redaktionell granskning",
        "Godkänd för publicering",
    ),
    ("Publicera", "Publiceras i dag.", "Godkänd för publicering", "Publicerad"),
]
COMMENTS = {label: comment for label, comment, _from, _to in STEPS}


@pytest.fixture(autouse=True)
def _templates(product_types):
    """Every test here needs the product types and their templates."""


@pytest.fixture
def new_page(browser, live_server, organisations):
    """Opens a fresh browser context (its own cookies) per call, one for each person. Like
    `page`, any CSP violation or uncaught script error in any of them fails the test."""
    opened = []

    def open_page() -> Page:
        console = Console()
        context = browser.new_context(
            base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
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


def complete_edition(author):
    """A support whose first edition passes the completeness check: every required section
    has a complete recommendation, written through the services as an author writes it."""
    from apps.authoring.completeness import check_edition
    from tests.authoring.helpers import (
        COMPLETE_RECOMMENDATION,
        add_block,
        make_support,
        working_edition,
    )

    edition = working_edition(make_support(author, title=TITLE))
    sections = edition.sections.filter(required=True)
    assert sections.exists()
    for section in sections:
        add_block(author, section, BODY, **{**COMPLETE_RECOMMENDATION, "references": REFERENCES})
    assert check_edition(edition) == []
    return edition


def nav(page: Page):
    return page.get_by_role("navigation", name="Huvudmeny")


def messages(page: Page):
    return page.locator(".messages")


def state(page: Page):
    return page.locator(".page-header .state")


def next_steps(page: Page):
    return page.locator(".workflow-actions")


def sign_in(page: Page, user) -> None:
    page.goto("/logga-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    expect(page.locator(".site-header__user")).to_contain_text(user.full_name)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/logga-in/$"))


def open_task(page: Page, task: str, action: str, *, who: str) -> None:
    """Mina uppgifter from the menu: the badge counts one task; its link opens the edition."""
    link = nav(page).get_by_role("link", name=re.compile("^Mina uppgifter"))
    expect(link.locator(".badge")).to_have_text(re.compile(r"^1\b"))
    expect(link).to_have_accessible_name(re.compile(r"^Mina uppgifter 1\b"))
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")
    expect(link).to_have_attribute("aria-current", "page")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(action)
    check_a11y(page, context=f"mina uppgifter, {who}")
    rows.first.get_by_role("link", name=task, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    check_a11y(page, context=f"version, {who}")


def no_tasks(page: Page, *, who: str) -> None:
    link = nav(page).get_by_role("link", name=re.compile("^Mina uppgifter"))
    expect(link.locator(".badge")).to_have_count(0)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")
    expect(page.get_by_text("Inget väntar på dig just nu.")).to_be_visible()
    check_a11y(page, context=f"mina uppgifter, tom, {who}")


def take_step(page: Page, label: str, *, who: str, fill=None) -> None:
    """From the edition page: Nästa steg → the step's page → comment → submit."""
    comment = COMMENTS[label]
    target = next(to for lbl, _c, _f, to in STEPS if lbl == label)
    next_steps(page).get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)
    expect(page.get_by_role("alert")).to_have_count(0)  # no reasons to refuse
    if fill is not None:
        fill(page)
    check_a11y(page, context=f"steg {label!r}, {who}")
    page.get_by_label(re.compile(r"^Kommentar")).fill(comment)
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(messages(page)).to_contain_text(f"Klart: versionen har nu status ”{target}”.")
    expect(state(page)).to_have_text(target)
    check_a11y(page, context=f"version efter {label!r}, {who}")


def refused(page: Page, label: str, reason: str) -> None:
    """A step this person may not take: greyed, not a link, with the reason beside it."""
    item = next_steps(page).locator("li").filter(has_text=label)
    expect(item).to_have_count(1)
    expect(item.get_by_role("link")).to_have_count(0)
    greyed = item.locator("[aria-disabled='true']")
    expect(greyed).to_have_text(label)
    expect(item.locator(".muted")).to_contain_text("Inte för dig nu:")
    expect(item.locator(".muted")).to_contain_text(reason)


def open_notifications(page: Page, *, who: str):
    nav(page).get_by_role("link", name="Notiser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notiser")
    check_a11y(page, context=f"notiser, {who}")
    return page.locator(".notifications li")


def fill_consultation(closes_on: str):
    def fill(page: Page) -> None:
        # The default recipients: all 21 regions, ticked.
        regions = page.locator("input[type='checkbox'][name='regions']")
        expect(regions).to_have_count(21)
        for checkbox in regions.all():
            expect(checkbox).to_be_checked()
        expect(page.locator("input[name='organisations']:checked")).to_have_count(0)
        expect(page.get_by_label("Typ av remiss")).to_have_value("remiss")
        # Dates set by hand instead of one of the calendar's windows: a working day, a reason.
        from datetime import date

        from apps.remiss.calendar import next_working_day

        page.get_by_role("radio", name="Egna datum").check()
        working_day = next_working_day(date.fromisoformat(closes_on)).isoformat()
        page.get_by_label("Sista svarsdag (egna datum)").fill(working_day)
        page.get_by_label("Motivering till egna datum").fill("Resten av året är redan bokat.")

    return fill


def fill_publication(page: Page) -> None:
    expect(page.get_by_label("Publicera nu")).to_be_checked()
    expect(page.get_by_label("Nästa revision senast")).not_to_have_value("")


def test_edition_goes_from_draft_to_published_with_four_people(new_page):
    author = grant(UserFactory(full_name="Alva Författare"), "author", npo())
    chair = grant(UserFactory(full_name="Olof Ordförande"), "npo_chair", npo())
    editor = grant(UserFactory(full_name="Rut Redaktör"), "national_editor")
    edition = complete_edition(author)
    task = f"{TITLE} {edition.number}"
    closes_on = (timezone.localdate() + timedelta(weeks=6)).isoformat()

    # The author: Mina uppgifter → the draft → Skicka till intern granskning.
    page = new_page()
    sign_in(page, author)
    open_task(page, task, "Skriv klart och skicka vidare", who="skribent")
    expect(state(page)).to_have_text("Utkast")
    expect(page.locator(".checklist")).to_contain_text("Alla punkter är uppfyllda.")
    # A major edition cannot skip the consultation: greyed, with the reason.
    refused(page, "Skicka för NPO-godkännande", "En huvudversion måste gå på remiss")
    take_step(page, "Skicka till intern granskning", who="skribent")
    # The next step is the chair's: the author sees it greyed, with the reason.
    refused(page, "Godkänn för remiss", "Steget görs av ordförande i programområdet.")
    no_tasks(page, who="skribent")
    sign_out(page)

    # The chair approves it for consultation.
    page = new_page()
    sign_in(page, chair)
    open_task(page, task, "Granska och godkänn för remiss", who="ordförande")
    expect(state(page)).to_have_text("Intern granskning")
    refused(page, "Avbryt versionen", "Steget görs av skribent i programområdet")
    take_step(page, "Godkänn för remiss", who="ordförande")
    notes = open_notifications(page, who="ordförande")
    expect(
        notes.filter(has_text=f"Alva Författare har skickat {task} till intern granskning")
    ).to_have_count(1)
    sign_out(page)

    # The national editor sends it on remiss to the default recipients, then closes it.
    page = new_page()
    sign_in(page, editor)
    open_task(page, task, "Skicka på remiss", who="redaktör")
    expect(state(page)).to_have_text("Godkänd för remiss")
    take_step(page, "Skicka på remiss", who="redaktör", fill=fill_consultation(closes_on))
    take_step(page, "Stäng remissen", who="redaktör")
    sign_out(page)

    # The author revises and sends it for NPO approval.
    page = new_page()
    sign_in(page, author)
    open_task(page, task, "Bearbeta efter remissen och skicka för godkännande", who="skribent")
    expect(state(page)).to_have_text("Bearbetning efter remiss")
    take_step(page, "Skicka för NPO-godkännande", who="skribent")
    refused(page, "Godkänn medicinskt (NPO)", "Steget görs av ordförande i programområdet.")
    notes = open_notifications(page, who="skribent")
    expect(notes.filter(has_text=f"Rut Redaktör har skickat {task} på remiss")).to_have_count(1)
    expect(notes.filter(has_text=f"Rut Redaktör har stängt remissen av {task}")).to_have_count(1)
    sign_out(page)

    # The chair approves it medically.
    page = new_page()
    sign_in(page, chair)
    open_task(page, task, "Godkänn medicinskt", who="ordförande")
    take_step(page, "Godkänn medicinskt (NPO)", who="ordförande")
    sign_out(page)

    # The national editor approves it editorially, then finds it again and publishes it.
    page = new_page()
    sign_in(page, editor)
    open_task(page, task, "Granska redaktionellt", who="redaktör")
    take_step(page, "Godkänn redaktionellt", who="redaktör")
    open_task(page, task, "Publicera", who="redaktör")
    take_step(page, "Publicera", who="redaktör", fill=fill_publication)

    # Published: every step in the timeline with its comment, and the
    # diagram marks where the edition is.
    expect(state(page)).to_have_text("Publicerad")
    # The only step left is the editor's own: withdrawing it.
    expect(next_steps(page).locator("li")).to_have_count(1)
    expect(next_steps(page).get_by_role("link")).to_have_text("Avpublicera")
    timeline = page.locator(".timeline > li")
    expect(timeline).to_have_count(len(STEPS))
    people = {
        "Skicka till intern granskning": author,
        "Godkänn för remiss": chair,
        "Skicka på remiss": editor,
        "Stäng remissen": editor,
        "Skicka för NPO-godkännande": author,
        "Godkänn medicinskt (NPO)": chair,
        "Godkänn redaktionellt": editor,
        "Publicera": editor,
    }
    for index, (label, comment, from_state, to_state) in enumerate(STEPS):
        step = timeline.nth(index)
        expect(step.locator("strong")).to_have_text(f"{from_state} → {to_state}")
        expect(step).to_contain_text(f"av {people[label].full_name}")
        expect(step.locator(".comment")).to_have_text(f"”{comment}”")
    page.get_by_text("Processen som diagram").click()
    current = page.locator(".diagram [aria-current='step']")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("data-state", "published")
    expect(current.locator(".diagram__label")).to_have_text("Publicerad")
    expect(current).to_contain_text("(här är versionen)")
    check_a11y(page, context="publicerad version, diagram öppet")
    no_tasks(page, who="redaktör")
    sign_out(page)

    # The author hears about it.
    page = new_page()
    sign_in(page, author)
    notes = open_notifications(page, who="skribent, efter publicering")
    expect(notes.filter(has_text=f"har publicerat {task}")).to_have_count(1)
    no_tasks(page, who="skribent, efter publicering")
