"""The API in a real browser: the page that describes it meets WCAG 2.1 AA (axe), and a page of
another site can read the API with fetch (CORS, also a conditional request that answers 304),
but not the signed-in application."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import check_a11y

pytestmark = pytest.mark.e2e


@pytest.fixture
def published(product_types, django_capture_on_commit_callbacks):
    from tests.authoring.helpers import person
    from tests.publishing.helpers import published_support

    with django_capture_on_commit_callbacks(execute=True):
        return published_support(person("author"), person("national_editor"))


def test_the_api_page_meets_wcag_aa(page: Page, published):
    page.goto("/api/")

    expect(page.get_by_role("heading", level=1)).to_have_text("API för kunskapsstöden")
    expect(page.get_by_role("heading", name="Ett kunskapsstöd", exact=True)).to_be_visible()
    check_a11y(page, context="API-sidan")


def test_another_site_reads_the_api_from_the_browser_but_not_the_application(
    browser, live_server, published
):
    # Another origin on the same machine (127.0.0.1 against the live server's localhost: both
    # loopback, as Chromium's local network rules want), without the site's CSP, whose
    # connect-src would stop the page before CORS is asked.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url.replace("localhost", "127.0.0.1") + "/")
        api = f"{live_server.url}/api/v1/kunskapsstod/{published.slug}/"

        first = page.evaluate(
            """async (url) => {
                const response = await fetch(url);
                const body = await response.json();
                return {status: response.status, etag: response.headers.get("ETag"),
                        title: body.title};
            }""",
            api,
        )
        assert first["status"] == 200
        assert first["title"] == published.title
        assert first["etag"], "the ETag is exposed to other sites' scripts"

        # If-None-Match is not a simple header: the browser sends a preflight first.
        again = page.evaluate(
            """async ([url, etag]) => {
                const response = await fetch(url, {headers: {"If-None-Match": etag},
                                                    cache: "no-store"});
                return response.status;
            }""",
            [api, first["etag"]],
        )
        assert again == 304

        with_credentials = """async (url) => {
            try { await fetch(url, {credentials: "include"}); return "read"; }
            catch (error) { return "refused"; }
        }"""
        # Never with cookies, and the signed-in application not at all.
        assert page.evaluate(with_credentials, api) == "refused"
        assert page.evaluate(with_credentials, f"{live_server.url}/arbete/") == "refused"
    finally:
        context.close()
