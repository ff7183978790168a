"""The response table (remissammanställning): a summary of every recipient's position and
ambition-level answer at the top, then the comments grouped by section and block in the
order of the text that went out, each with recipient, type, quote, comment and response;
filters; a print view with no navigation; a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.remiss.models import AmbitionAnswer, CommentType, Decision, Position
from apps.remiss.responses import response_record
from tests.factories import organisation
from tests.remiss.helpers import (
    close,
    comments_of,
    open_on_complete_edition,
    round_in_revision,
    write_answer,
)

pytestmark = pytest.mark.django_db


def table_url(r, name="table", query=""):
    return reverse(f"remiss:{name}", kwargs={"pk": r.consultation.pk}) + query


@pytest.fixture
def answered(db):
    """Blekinge: yes, realistic, two comments; Dalarna: no, not realistic, one comment;
    Gotland drafting with a position that must not show; Skåne silent."""
    orgs = [organisation(c) for c in ("blekinge", "dalarna", "gotland", "skane")]
    r = open_on_complete_edition(recipients=orgs)
    write_answer(r, orgs[0], 2, position=Position.YES, types=[CommentType.MEDICAL])
    write_answer(
        r,
        orgs[1],
        1,
        position=Position.NO,
        ambition=AmbitionAnswer.NOT_REALISTIC,
        types=[CommentType.AMBITION],
    )
    draft = write_answer(r, orgs[2], 1, submit=False, position=Position.NO)
    type(draft).objects.filter(pk=draft.pk).update(position_motivation="HEMLIG MOTIVERING")
    r = close(r)
    first = comments_of(r).first()
    response_record(
        actor=r.author, comment=first, decision=Decision.ACCEPTED, motivation="Vi har ändrat."
    )
    r.orgs = orgs
    return r


def test_the_summary_gives_every_recipients_position_and_ambition_answer(client_for, answered):
    html = client_for(answered.editor).get(table_url(answered)).content.decode()

    summary = html.split('id="summary-heading"', 1)[1].split("</section>", 1)[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', summary, re.DOTALL))
    assert set(rows) == {"Region Blekinge", "Region Dalarna", "Region Gotland", "Region Skåne"}
    assert "Ja, ställer sig bakom förslaget" in rows["Region Blekinge"]
    assert "Ja, realistisk för de flesta regioner här och nu" in rows["Region Blekinge"]
    assert "Nej, ställer sig inte bakom förslaget" in rows["Region Dalarna"]
    assert "Nej, inte realistisk här och nu" in rows["Region Dalarna"]
    assert "Saknar resurser." in rows["Region Dalarna"]
    assert "Skriver svar" in rows["Region Gotland"]
    assert "Nej" not in rows["Region Gotland"] and "HEMLIG MOTIVERING" not in html
    assert "<dd>3 (" in summary and "1 av 3" in summary


def test_comments_are_grouped_by_section_and_block_in_the_order_sent(client_for, answered):
    html = client_for(answered.author).get(table_url(answered)).content.decode()

    table = html.split('id="comments-heading"', 1)[1]
    headings = re.findall(r'<h3 id="table-section-\d+">([^<]+)</h3>', table)
    sent = []
    for block in answered.blocks:
        if block.remiss_comments.filter(answer__submitted_at__isnull=False).exists():
            title = block.section.title
            if title not in sent:
                sent.append(title)
    assert headings == sent
    rows = re.findall(r'<tr id="rad-(\d+)">', table)
    expected = sorted(
        comments_of(answered).filter(answer__submitted_at__isnull=False),
        key=lambda c: (c.snapshot_block.section.position, c.snapshot_block.position),
    )
    assert [int(pk) for pk in rows] == [c.pk for c in expected]


def test_each_row_has_recipient_type_quote_comment_and_response(client_for, answered):
    first = comments_of(answered).first()

    html = client_for(answered.author).get(table_url(answered)).content.decode()

    row = html.split(f'<tr id="rad-{first.pk}">', 1)[1].split("</tr>", 1)[0]
    for shown in (
        "Region Blekinge",
        "Medicinskt innehåll",
        f"<mark>{first.quote}</mark>",
        first.text,
        "Tillgodosedd",
        "Vi har ändrat.",
    ):
        assert shown in row


def test_the_table_filters_like_the_comments_page(client_for, answered):
    client = client_for(answered.author)

    ambition = client.get(table_url(answered, query="?typ=ambition")).content.decode()
    missing = client.get(table_url(answered, query="?bemotande=missing")).content.decode()

    assert len(re.findall(r'<tr id="rad-', ambition)) == 1
    assert len(re.findall(r'<tr id="rad-', missing)) == 2
    assert "Visar 1 av 3 synpunkter." in ambition
    # The export links carry the filter.
    assert "sammanstallning.xlsx?typ=ambition" in ambition


@pytest.mark.parametrize("query", ["", "?typ=medical"])
def test_the_print_view_has_no_navigation(client_for, answered, query):
    client = client_for(answered.editor)
    for url in (
        table_url(answered, "table_print", query),
        table_url(answered, query="?utskrift=1"),
    ):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "site-nav" not in html and "site-header" not in html and "Logga ut" not in html
        assert 'name="typ"' not in html  # no filter form
        assert "css/remiss-table.css" in html
        assert 'id="summary-heading"' in html and 'id="comments-heading"' in html
        assert page.templates[0].name == "remiss/table_print.html"


def test_the_table_page_itself_has_navigation_and_print_styles(client_for, answered):
    html = client_for(answered.editor).get(table_url(answered)).content.decode()

    assert "site-header" in html and "css/remiss-table.css" in html


def test_the_print_stylesheet_hides_navigation_and_filters():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "remiss-table.css").read_text()
    rules = css.split("@media print", 1)[1]
    for hidden in (".site-header", ".site-nav", ".site-footer", ".remiss-filters"):
        assert hidden in rules


def test_a_round_without_answers_shows_an_empty_table(client_for):
    r = close(open_on_complete_edition(recipients=[organisation("blekinge")]))

    page = client_for(r.author).get(table_url(r))

    assert page.status_code == 200
    assert "Inga synpunkter att visa." in page.content.decode()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_table_print_and_exports_run_a_constant_number_of_queries(client_for):
    small = round_in_revision(answers=1, comments=2)
    big = round_in_revision(answers=21, comments=30)
    for r in (small, big):
        for comment in comments_of(r)[:2]:
            response_record(actor=r.author, comment=comment, decision="partly", motivation="Ja.")
    assert comments_of(big).count() == 630

    for name in ("table", "table_print", "table_xlsx", "table_csv"):
        baseline = queries_for(client_for(small.editor), table_url(small, name))
        assert queries_for(client_for(big.editor), table_url(big, name)) == baseline, name
        assert baseline <= 20, name
