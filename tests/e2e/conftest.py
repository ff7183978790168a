"""Browser journeys: Debian's Chromium driven by Playwright's sync API against pytest-django's
live server (a real HTTP server in a thread, static files included, transactional database).

Run with `make e2e`. Playwright's own browser download is not used: the system Chromium at
/usr/bin/chromium (Debian package `chromium`) is launched instead; set CHROMIUM to override.
"""

import os
import re
from dataclasses import dataclass, field

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread; Django would
# otherwise refuse database access from the test body ("SynchronousOnlyOperation").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000

CSP_MESSAGE = re.compile(r"content security policy", re.IGNORECASE)


@dataclass
class Console:
    """What the browser said while a test ran: console messages and uncaught page errors."""

    messages: list[tuple[str, str, str]] = field(default_factory=list)  # (type, text, url)
    page_errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [f"{url}: {text}" for _kind, text, url in self.messages if CSP_MESSAGE.search(text)]

    def errors(self) -> list[str]:
        return [f"{url}: {text}" for kind, text, url in self.messages if kind == "error"]

    def clear(self) -> None:
        self.messages.clear()
        self.page_errors.clear()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `apt-get install chromium`.")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def organisations(live_server):
    """The organisations come from a data migration; a transactional test flushes the
    database after it runs, so put back whatever the previous test took away."""
    from apps.accounts.models import Organisation
    from apps.accounts.organisation_data import load_organisations

    load_organisations(Organisation)


@pytest.fixture
def product_types(organisations):
    """Product types and templates come from a data migration that a transactional test's
    flush removes; put them back (the loader only adds what is missing)."""
    from apps.authoring.models import ProductType, TemplateSection
    from apps.authoring.template_data import load_templates

    load_templates(ProductType, TemplateSection)


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def page(browser, live_server, organisations, console, settings):
    """A fresh browser context (no cookies) per test, pointed at the live server, which is
    also the site address that links in e-mails use.

    After the test, any console message about a Content Security Policy violation, and any
    uncaught script error, fails it."""
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda msg: console.messages.append((msg.type, msg.text, page.url)))
    page.on("pageerror", lambda exc: console.page_errors.append(f"{page.url}: {exc}"))
    try:
        yield page
    finally:
        context.close()
    problems = console.csp_violations() + console.page_errors
    assert not problems, "The browser reported CSP violations or script errors:\n" + "\n".join(
        problems
    )
