"""A region's answer in the browser: the reviewer selects a passage in the text that went
out and comments on it (remiss-quote.js fills the quote and its start), the coordinator
fills in the answer (first with an error showing) and submits it. Every page is checked with
axe-core; any CSP violation or script error fails (tests/e2e/conftest.py)."""

import pytest
from playwright.sync_api import Page, expect

from apps.remiss import answers
from apps.remiss.models import Comment
from tests.e2e.axe import check_a11y
from tests.factories import PASSWORD
from tests.remiss.helpers import (
    HOME,
    answer_path,
    blocks_of,
    current_answer,
    member,
    recipient_of,
    round_with_text,
)

pytestmark = pytest.mark.e2e


def sign_in(page: Page, email: str) -> None:
    page.goto("/logga-in/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()


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


def test_a_reviewer_quotes_a_passage_and_the_coordinator_submits(page: Page, product_types):
    consultation = round_with_text()
    recipient = recipient_of(consultation)
    block = blocks_of(consultation)[1]
    reviewer = member("remiss_reviewer", HOME, "Rolf Granskare")
    coordinator = member("remiss_coordinator", HOME, "Cecilia Samordnare")

    sign_in(page, reviewer.email)
    page.goto("/mina-uppgifter/")
    page.get_by_role("link", name=f"{consultation.edition.support.title} 1.0").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remissvar från Region Uppsala")
    check_a11y(page, context="answer page, reviewer")

    article = page.locator(f"#block-{block.uid}")
    assert page.evaluate(SELECT, [str(block.uid), "två gånger dagligen"])
    article.locator("summary").click()
    article.get_by_role("button", name="Citera markerad text").click()
    expect(article.get_by_label("Citat ur texten")).to_have_value("två gånger dagligen")
    expect(article.get_by_role("status")).to_contain_text("står nu som citat")
    article.get_by_label("Medicinskt innehåll").check()
    article.get_by_label("Synpunkt", exact=True).fill("Ange dosen även för nedsatt njurfunktion.")
    check_a11y(page, context="comment form, quote filled")
    article.get_by_role("button", name="Lägg till synpunkten").click()
    expect(page.get_by_text("Synpunkten är sparad.")).to_be_visible()
    comment = Comment.objects.get()
    plain = answers.block_plain_text(block.html)
    assert (comment.quote, comment.quote_start) == (
        "två gånger dagligen",
        plain.index("två gånger dagligen"),
    )
    expect(page.locator(f"#block-{block.uid} mark")).to_have_text("två gånger dagligen")

    # Without a selection the button says what to do, and a pasted quote that is not in
    # the block is refused beside the field.
    other = page.locator(f"#block-{blocks_of(consultation)[2].uid}")
    other.locator("summary").click()
    page.evaluate("() => window.getSelection().removeAllRanges()")
    other.get_by_role("button", name="Citera markerad text").click()
    expect(other.get_by_role("status")).to_contain_text("Markera först")
    other.get_by_label("Redaktionellt").check()
    other.get_by_label("Citat ur texten").fill("insulin 10 E")
    other.get_by_label("Synpunkt", exact=True).fill("Stämmer detta?")
    other.get_by_role("button", name="Lägg till synpunkten").click()
    expect(page.locator(".field-errors").first).to_contain_text("Citatet finns inte")
    check_a11y(page, context="comment form with an error")
    sign_out(page)

    sign_in(page, coordinator.email)
    page.goto(answer_path(recipient))
    page.get_by_label("Ja, med reservationer").check()
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_a11y(page, context="answer form with an error")
    page.get_by_label("Motivering", exact=True).fill("Dosering vid njursvikt saknas.")
    page.get_by_label("Ja, realistisk för de flesta regioner här och nu").check()
    page.get_by_role("button", name="Spara utkastet").click()
    expect(page.get_by_text("Svaret är sparat.")).to_be_visible()

    page.get_by_role("link", name="Skicka in svaret").click()
    check_a11y(page, context="submit confirmation")
    page.get_by_role("button", name="Skicka in svaret").click()
    expect(page.get_by_text("är inskickat")).to_have_count(2)
    check_a11y(page, context="submitted answer")
    assert current_answer(recipient).is_submitted

    page.goto(answer_path(recipient, "remiss:answer_decline"))
    expect(page.get_by_role("alert")).to_contain_text("Svaret är inskickat")
    check_a11y(page, context="refused after submission")


def test_the_decline_and_comment_pages_meet_wcag_aa(page: Page, product_types):
    from tests.remiss.helpers import add_comment

    consultation = round_with_text()
    recipient = recipient_of(consultation)
    coordinator = member("remiss_coordinator", HOME, "Cecilia Samordnare")
    comment = add_comment(coordinator, recipient, quote="ACE-hämmare")
    sign_in(page, coordinator.email)

    for name, kwargs in (
        ("remiss:comment_edit", {"comment_pk": comment.pk}),
        ("remiss:comment_remove", {"comment_pk": comment.pk}),
        ("remiss:answer_decline", {}),
        ("remiss:answer_submit", {}),
    ):
        page.goto(answer_path(recipient, name, **kwargs))
        check_a11y(page, context=name)
    page.get_by_role("link", name="Tillbaka till svaret").click()
    page.goto(answer_path(recipient, "remiss:answer_decline"))
    page.get_by_role("button", name="Avstå från att svara").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_a11y(page, context="decline with an error")
