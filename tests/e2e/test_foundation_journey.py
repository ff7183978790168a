"""Issue #2 in a real browser: an administrator invites a person and gives her a role; she
accepts the invitation, chooses a password and sees her role. Plus the keyboard skip link,
the Swedish sign-in error, and the Content Security Policy.

Every page visited is checked with axe-core (tests/e2e/axe.py)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.axe import check_a11y
from tests.factories import PASSWORD, UserFactory, grant

pytestmark = pytest.mark.e2e

NPO_NAME = "NPO Hjärt- och kärlsjukdomar"
NEW_PASSWORD = "Blåbärsris-i-november-2026"
INVITATION_LINK = re.compile(r"https?://[^\s]+/konto/inbjudan/[^\s]+")


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/logga-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    check_a11y(page, context="inloggning")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/logga-in/$"))
    check_a11y(page, context="utloggad")


def nav(page: Page):
    return page.get_by_role("navigation", name="Huvudmeny")


def test_administrator_invites_a_writer_who_accepts_and_sees_her_role(
    page: Page, console, live_server
):
    admin = grant(UserFactory(full_name="Anna Admin"), "administrator")

    # The administrator signs in and lands on the start page.
    sign_in(page, admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    check_a11y(page, context="start, administratör")

    # The stylesheet and scripts are served by the live server (not only the HTML).
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background == "rgb(0, 68, 122)", "app.css did not load"
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"

    # Användare → Ny användare.
    nav(page).get_by_role("link", name="Användare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Användare")
    check_a11y(page, context="användarlista")
    page.get_by_role("link", name="Ny användare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny användare")
    check_a11y(page, context="ny användare")

    page.get_by_label("E-postadress").fill("sara.skribent@example.se")
    page.get_by_label("Namn", exact=True).fill("Sara Skribent")
    page.get_by_label("Yrke").fill("Kardiolog")
    page.get_by_role("button", name="Skapa och skicka inbjudan").click()

    # The user's page: created, invitation sent, no roles yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sara Skribent")
    expect(page.get_by_role("status")).to_contain_text("inbjudan har skickats")
    check_a11y(page, context="användarsida, ny")

    # Grant Skribent for the NPO Hjärt- och kärlsjukdomar.
    grant_form = page.get_by_role("region", name="Tilldela roll")
    role_select = grant_form.get_by_label("Roll", exact=True)
    author_label = role_select.locator("option", has_text="Skribent").first.inner_text()
    role_select.select_option(label=author_label.strip())
    grant_form.get_by_label("Organisation").select_option(label=NPO_NAME)
    grant_form.get_by_role("button", name="Tilldela").click()

    expect(page.get_by_role("status")).to_contain_text("Skribent")
    roles = page.get_by_role("table", name="Roller för användaren")
    expect(roles.get_by_role("row", name=re.compile("Skribent"))).to_contain_text(NPO_NAME)
    check_a11y(page, context="användarsida, roll tilldelad")

    sign_out(page)

    # The invitation went out through Django's mail framework (locmem in tests).
    invitations = [m for m in mail.outbox if "sara.skribent@example.se" in m.to]
    assert len(invitations) == 1, [m.subject for m in mail.outbox]
    match = INVITATION_LINK.search(invitations[0].body)
    assert match, invitations[0].body
    link = match.group(0)
    assert link.startswith(live_server.url), link

    # The new user opens the link and chooses a password.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen till Kunskapsstöd")
    check_a11y(page, context="inbjudan")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara lösenord").click()

    expect(page).to_have_url(re.compile(r"/logga-in/$"))
    expect(page.get_by_role("status")).to_contain_text("Ditt lösenord är sparat")
    check_a11y(page, context="inloggning efter valt lösenord")

    # She signs in and sees her role on the start page …
    sign_in(page, "sara.skribent@example.se", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    card = page.locator(".card", has=page.get_by_role("heading", name="Skribent"))
    expect(card).to_contain_text("Hjärt- och kärlsjukdomar")
    check_a11y(page, context="start, skribent")

    # … and on Mina roller.
    nav(page).get_by_role("link", name="Mina roller").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina roller")
    row = page.get_by_role("table", name="Mina roller").get_by_role(
        "row", name=re.compile("Skribent")
    )
    expect(row).to_contain_text("Hjärt- och kärlsjukdomar")
    check_a11y(page, context="mina roller")

    # The invitation link works once only.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbjudan gäller inte längre")
    check_a11y(page, context="inbjudan, använd")

    assert not console.csp_violations()


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page: Page):
    user = grant(UserFactory(full_name="Kim Tangent"), "administrator")
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    check_a11y(page, context="start")

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "({tag: document.activeElement.tagName, text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"tag": "A", "text": "Hoppa till innehållet", "href": "#main"}

    # Visible while focused (WCAG 2.4.7), inside the viewport.
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"

    # The next Tab stop is inside main, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_wrong_password_shows_the_swedish_error_beside_the_field(page: Page):
    user = UserFactory(full_name="Fel Lösen")
    page.goto("/logga-in/")
    check_a11y(page, context="inloggning")
    page.get_by_label("E-postadress").fill(user.email)
    page.get_by_label("Lösenord", exact=True).fill("inte-det-rätta-lösenordet")
    page.get_by_role("button", name="Logga in").click()

    expect(page).to_have_url(re.compile(r"/logga-in/"))
    message = "Fel e-postadress eller lösenord."
    check_a11y(page, context="inloggning, fel lösenord")
    # The summary at the top is announced and receives focus …
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()
    # … and the message also stands beside the password field, tied to it for screen readers.
    password = page.get_by_label("Lösenord", exact=True)
    field = page.locator(".field", has=password)
    expect(field.locator(".error-message")).to_contain_text(message)
    expect(password).to_have_attribute("aria-invalid", "true")
    described = password.evaluate(
        """el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
            .map(id => document.getElementById(id)?.textContent ?? `<no element #${id}>`)
            .join(' ')"""
    )
    assert message in described, f"aria-describedby of the password field reads: {described!r}"
    # The address is kept, the password is not.
    expect(page.get_by_label("E-postadress")).to_have_value(user.email)
    expect(password).to_have_value("")


def test_content_security_policy_forbids_inline_scripts(page: Page, console):
    user = grant(UserFactory(full_name="Cecilia Policy"), "administrator")

    response = page.goto("/logga-in/")
    assert response is not None and response.ok
    header = response.headers.get("content-security-policy", "")
    directives = {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, header
    for forbidden in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
        assert forbidden not in script_src, header
    assert directives.get("object-src") == ["'none'"], header
    assert "content-security-policy-report-only" not in response.headers
    check_a11y(page, context="inloggning")

    # Pages visited signed in report no CSP violation in the console.
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    check_a11y(page, context="start")
    for label in ("Användare", "Organisationer", "Granskningslogg", "Mina roller"):
        nav(page).get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_a11y(page, context=label)
    assert not console.csp_violations(), console.csp_violations()
    assert not console.errors(), console.errors()

    # And the browser really enforces it: an inline script added to the page does not run,
    # and Chromium reports the violation.
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.__inlineRan = true';
            document.body.appendChild(s);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__inlineRan === undefined")
    assert console.csp_violations(), console.messages
    console.clear()
