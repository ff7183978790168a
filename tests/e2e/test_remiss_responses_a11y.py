"""The responses pages in the browser: an author opens the comments on the text that went
out, expands a block's comments, responds (first with an error showing), and the response
table, its print view and its filters are checked with axe-core. Serious or critical
violations fail (tests/e2e/axe.py), and so does any CSP violation (no inline script or
style) or script error."""

import pytest
from playwright.sync_api import Page, expect

from apps.remiss.models import Response
from tests.e2e.axe import check_a11y
from tests.factories import PASSWORD
from tests.remiss.helpers import comments_of, round_in_revision

pytestmark = pytest.mark.e2e


def sign_in(page: Page, email: str) -> None:
    page.goto("/logga-in/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def test_an_author_responds_and_every_responses_page_meets_wcag_aa(page: Page, product_types):
    r = round_in_revision(answers=2, comments=3)
    comment = comments_of(r).first()
    round_url = f"/remiss/{r.consultation.pk}"
    sign_in(page, r.author.email)

    page.goto(f"{round_url}/synpunkter/")
    check_a11y(page, context="comments")
    first_block = page.locator("details.remiss-comments").first
    first_block.locator("summary").click()
    expect(first_block.locator("mark").first).to_be_visible()
    check_a11y(page, context="comments, a block expanded")

    page.goto(f"{round_url}/synpunkter/{comment.pk}/bemotande/")
    check_a11y(page, context="response form")
    page.get_by_role("button", name="Spara bemötandet").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_a11y(page, context="response form with errors")
    page.get_by_label("Delvis tillgodosedd").check()
    page.get_by_label("Motivering").fill("Vi har förtydligat doseringen.")
    page.get_by_role("button", name="Spara bemötandet").click()
    expect(page.get_by_text("Bemötandet är sparat.")).to_be_visible()
    assert Response.objects.get(comment=comment).decision == "partly"

    for url in (
        f"{round_url}/sammanstallning/",
        f"{round_url}/sammanstallning/?typ=medical&bemotande=missing",
        f"{round_url}/sammanstallning/?typ=okand",
        f"{round_url}/sammanstallning/utskrift/",
    ):
        page.goto(url)
        check_a11y(page, context=url)
    page.goto(f"{round_url}/sammanstallning/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
