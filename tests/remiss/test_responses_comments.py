"""The comments page: the text that went out (the snapshot, never the live blocks) with the
submitted answers' comments at their blocks: a count per block, expandable, quoted passages
marked, filters by recipient, type, position and response; never a draft; readable only by
whoever reads the round's submitted answers; a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Organisation
from apps.authoring import services as authoring_services
from apps.authoring.models import Block
from apps.remiss import quotes
from apps.remiss.models import CommentType, Decision, Position
from apps.remiss.responses import response_record
from tests.authoring.helpers import person
from tests.factories import grant, npo, organisation
from tests.remiss.helpers import (
    close,
    comments_of,
    open_on_complete_edition,
    regions,
    round_in_revision,
    write_answer,
)

pytestmark = pytest.mark.django_db


def comments_url(r, **query):
    url = reverse("remiss:comments", kwargs={"pk": r.consultation.pk})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def shown_comment_ids(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'id="synpunkt-(\d+)"', page)}


@pytest.fixture
def mixed(db):
    """Three regions: Blekinge says yes (medical comments), Dalarna no (editorial), Gotland
    is still drafting (its comments must never show)."""
    orgs = [organisation("blekinge"), organisation("dalarna"), organisation("gotland")]
    r = open_on_complete_edition(recipients=orgs)
    write_answer(r, orgs[0], 2, position=Position.YES, types=[CommentType.MEDICAL])
    write_answer(r, orgs[1], 3, position=Position.NO, types=[CommentType.EDITORIAL])
    write_answer(r, orgs[2], 2, submit=False, texts=["HEMLIGT UTKAST från Gotland."])
    r = close(r)
    r.orgs = orgs
    return r


def test_the_page_shows_the_sent_text_with_every_submitted_comment(client_for, mixed):
    page = client_for(mixed.author).get(comments_url(mixed))

    assert page.status_code == 200
    html = page.content.decode()
    submitted = comments_of(mixed).filter(answer__submitted_at__isnull=False)
    assert shown_comment_ids(html) == {c.pk for c in submitted}
    assert "HEMLIGT UTKAST" not in html
    for block in mixed.blocks:
        assert f'id="block-{block.uid}"' in html
    assert "<details" in html and "5 synpunkter i inskickade remissvar." in html


def test_each_block_counts_its_comments(client_for):
    r = open_on_complete_edition(recipients=regions(1))
    write_answer(r, regions(1)[0], len(r.blocks) + 1)  # the first block gets two
    r = close(r)

    html = client_for(r.author).get(comments_url(r)).content.decode()

    first = html.split(f'id="block-{r.blocks[0].uid}"', 1)[1].split("</article>", 1)[0]
    second = html.split(f'id="block-{r.blocks[1].uid}"', 1)[1].split("</article>", 1)[0]
    assert "<summary>2 synpunkter" in first
    assert "<summary>1 synpunkt" in second


def test_the_text_is_the_snapshot_not_the_live_blocks(client_for):
    r = round_in_revision(answers=1, comments=1)
    block = Block.objects.get(edition=r.edition, uid=r.blocks[0].uid)
    authoring_services.block_save(
        actor=r.author,
        block=block,
        lock_version=block.lock_version,
        content={"body": "Levande text skriven efter remissen."},
    )

    html = client_for(r.author).get(comments_url(r)).content.decode()

    assert "Levande text skriven efter remissen." not in html
    assert "ACE-hämmare" in html


def test_a_quoted_passage_is_marked_in_the_block_and_in_the_comment(client_for):
    r = round_in_revision(answers=1, comments=1, quote_words=3)
    comment = comments_of(r).get()

    html = client_for(r.author).get(comments_url(r)).content.decode()

    block = html.split(f'id="block-{comment.block_uid}"', 1)[1].split("</article>", 1)[0]
    assert f"<p><mark>{comment.quote}</mark>" in block
    assert '<blockquote class="remiss-quote">' in block


def test_script_in_a_comment_or_quote_is_shown_as_text(client_for):
    r = open_on_complete_edition(recipients=regions(1))
    write_answer(r, regions(1)[0], 1, texts=["<script>alert(1)</script> & <b>fet</b>"])
    r = close(r)

    html = client_for(r.author).get(comments_url(r)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt;" in html


# ---------------------------------------------------------------- filters


def test_filter_by_recipient(client_for, mixed):
    from apps.remiss.models import Recipient

    dalarna = Recipient.objects.get(consultation=mixed.consultation, organisation=mixed.orgs[1])

    html = client_for(mixed.author).get(comments_url(mixed, mottagare=dalarna.pk)).content.decode()

    expected = comments_of(mixed).filter(answer__recipient=dalarna)
    assert shown_comment_ids(html) == {c.pk for c in expected}
    assert "Visar 3 av 5 synpunkter." in html


def test_filter_by_type(client_for, mixed):
    html = client_for(mixed.author).get(comments_url(mixed, typ="medical")).content.decode()

    expected = comments_of(mixed).filter(type="medical", answer__submitted_at__isnull=False)
    assert shown_comment_ids(html) == {c.pk for c in expected} and len(expected) == 2


def test_filter_by_position(client_for, mixed):
    html = client_for(mixed.author).get(comments_url(mixed, stallning="no")).content.decode()

    expected = comments_of(mixed).filter(answer__position="no", answer__submitted_at__isnull=False)
    assert shown_comment_ids(html) == {c.pk for c in expected} and len(expected) == 3


def test_filter_by_response(client_for, mixed):
    answered = comments_of(mixed).filter(answer__submitted_at__isnull=False).first()
    response_record(
        actor=mixed.author, comment=answered, decision=Decision.PARTLY, motivation="Delvis."
    )
    client = client_for(mixed.author)

    missing = client.get(comments_url(mixed, bemotande="missing")).content.decode()
    partly = client.get(comments_url(mixed, bemotande="partly")).content.decode()

    assert answered.pk not in shown_comment_ids(missing) and len(shown_comment_ids(missing)) == 4
    assert shown_comment_ids(partly) == {answered.pk}


def test_a_draft_answers_recipient_is_not_among_the_filter_choices(client_for, mixed):
    html = client_for(mixed.author).get(comments_url(mixed)).content.decode()

    choices = html.split('name="mottagare"', 1)[1].split("</select>", 1)[0]
    assert "Region Dalarna" in choices and "Region Gotland" not in choices


@pytest.mark.parametrize(
    "query", [{"typ": "okand"}, {"mottagare": "abc"}, {"stallning": "kanske"}, {"mottagare": "0"}]
)
def test_an_unknown_filter_value_is_shown_beside_its_field_and_filters_nothing(
    client_for, mixed, query
):
    page = client_for(mixed.author).get(comments_url(mixed, **query))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Välj ett giltigt alternativ." in html
    assert len(shown_comment_ids(html)) == 5


# ---------------------------------------------------------------- who reads


def _other_npo_author():
    return person("author", area=npo("psykisk-halsa"))


def _role_in(role, code):
    return grant(person(name=role), role, organisation(code))


def _other_bodies():
    return list(Organisation.objects.other_bodies().active().order_by("name")[:2])


def _asked_organisation():
    return _other_bodies()[0]


# Three regions get the round: Uppsala (where person() puts regional roles), Blekinge, Dalarna;
# and one organisation, which has not answered.
READERS = {
    "author": (lambda r: r.author, 200),
    "npo_chair": (lambda r: r.chair, 200),
    "national_editor": (lambda r: r.editor, 200),
    "administrator": (lambda r: person("administrator"), 200),
    "coordinator of a recipient": (lambda r: person("remiss_coordinator"), 200),
    "reviewer of a recipient": (lambda r: person("remiss_reviewer"), 200),
    "reviewer of a recipient that has not answered": (
        lambda r: _role_in("remiss_reviewer", "dalarna"),
        200,
    ),
    "coordinator of a recipient organisation": (
        lambda r: _role_in("remiss_coordinator", _asked_organisation().code),
        200,
    ),
    "coordinator of an organisation not asked": (
        lambda r: _role_in("remiss_coordinator", _other_bodies()[1].code),
        404,
    ),
    "coordinator of another region": (lambda r: _role_in("remiss_coordinator", "skane"), 404),
    "reviewer of another region": (lambda r: _role_in("remiss_reviewer", "gotland"), 404),
    "regional editor of a recipient": (lambda r: person("regional_editor"), 404),
    "author of another NPO": (lambda r: _other_npo_author(), 404),
    "chair of another NPO": (lambda r: person("npo_chair", area=npo("psykisk-halsa")), 404),
    "signed in with no role": (lambda r: person(), 404),
}


@pytest.fixture
def matrix_round(db):
    orgs = [organisation("uppsala"), organisation("blekinge"), organisation("dalarna")]
    r = open_on_complete_edition(recipients=[*orgs, _asked_organisation()])
    write_answer(r, orgs[0], 2)
    write_answer(r, orgs[1], 1)
    return close(r)


def reading_urls(r) -> dict[str, str]:
    kwargs = {"pk": r.consultation.pk}
    return {
        name: reverse(f"remiss:{name}", kwargs=kwargs)
        for name in ("comments", "table", "table_print", "table_xlsx", "table_csv")
    } | {"table ?utskrift=1": reverse("remiss:table", kwargs=kwargs) + "?utskrift=1"}


def test_who_reads_the_comments_the_table_and_the_exports(client_for, matrix_round):
    """One round, every reader tried against it: a failure names the reader and the page."""
    urls = reading_urls(matrix_round)
    found, expected = {}, {}
    for who, (make, status) in READERS.items():
        client = client_for(make(matrix_round))
        found[who] = {name: client.get(url).status_code for name, url in urls.items()}
        expected[who] = dict.fromkeys(urls, status)

    assert found == expected


def test_an_anonymous_visitor_is_sent_to_sign_in_everywhere(client, matrix_round):
    for url in reading_urls(matrix_round).values():
        answer = client.get(url)
        assert answer.status_code == 302 and "/logga-in/" in answer.url, url


def test_a_guessed_round_is_404(client_for, matrix_round):
    client = client_for(matrix_round.editor)
    for name in ("comments", "table", "table_print", "table_xlsx", "table_csv"):
        assert client.get(reverse(f"remiss:{name}", kwargs={"pk": 999999})).status_code == 404


def test_a_recipient_reads_nothing_before_the_opening_day(client_for):
    from datetime import timedelta

    from django.utils import timezone

    r = open_on_complete_edition(recipients=regions())
    type(r.consultation).objects.filter(pk=r.consultation.pk).update(
        opens_on=timezone.localdate() + timedelta(days=7)
    )
    reviewer = person("remiss_reviewer")

    assert client_for(reviewer).get(comments_url(r)).status_code == 404
    assert client_for(r.author).get(comments_url(r)).status_code == 200


def test_only_authors_in_revision_see_the_respond_links(client_for, mixed):
    link = "/bemotande/"
    assert link in client_for(mixed.author).get(comments_url(mixed)).content.decode()
    assert link not in client_for(mixed.chair).get(comments_url(mixed)).content.decode()
    assert link not in client_for(mixed.editor).get(comments_url(mixed)).content.decode()


# ---------------------------------------------------------------- queries


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_runs_a_constant_number_of_queries_with_21_answers_of_30_comments(client_for):
    small = round_in_revision(answers=1, comments=2)
    for comment in comments_of(small)[:1]:
        response_record(actor=small.author, comment=comment, decision="accepted", motivation="Ja.")
    big = round_in_revision(answers=21, comments=30)
    for comment in comments_of(big)[:200]:
        response_record(actor=big.author, comment=comment, decision="partly", motivation="Ja.")
    assert comments_of(big).count() == 630

    baseline = queries_for(client_for(small.author), comments_url(small))
    with_filter = queries_for(client_for(small.author), comments_url(small, typ="medical"))

    client = client_for(big.author)
    assert queries_for(client, comments_url(big)) == baseline
    assert queries_for(client, comments_url(big, typ="medical")) == with_filter
    assert baseline <= 20


# ---------------------------------------------------------------- marking quotes


def test_marking_keeps_the_sanitised_html_whole_across_tags():
    html = '<p>Ge <strong>ACE-hämmare</strong> &amp; följ <a href="/x?a=1&amp;b=2">upp</a>.</p>'
    text = quotes.plain_text(html)
    start = text.index("hämmare")
    end = text.index("upp") + 3

    marked = quotes.highlight_html(html, [(start, end)])

    assert marked == (
        "<p>Ge <strong>ACE-<mark>hämmare</mark></strong><mark> &amp; följ </mark>"
        '<a href="/x?a=1&amp;b=2"><mark>upp</mark></a>.</p>'
    )
    assert quotes.plain_text(marked) == text


def test_marking_escapes_text_and_merges_overlapping_quotes():
    html = "<p>a &lt;b&gt; c d</p>"
    text = quotes.plain_text(html)
    assert text == "a <b> c d"

    marked = quotes.highlight_html(html, [(0, 3), (2, 5), (8, 9)])

    assert marked == "<p><mark>a &lt;b&gt;</mark> c <mark>d</mark></p>"


def test_a_quote_is_found_at_its_start_or_nearest_to_it():
    text = "bör ges, bör ges, bör ges"
    assert quotes.locate(text, "bör ges", 9) == 9
    assert quotes.locate(text, "bör ges", 11) == 9
    assert quotes.locate(text, "bör ges", None) == 0
    assert quotes.locate(text, "saknas", 0) is None
    assert quotes.locate(text, "", 0) is None


def test_a_quote_in_context_is_escaped():
    context = quotes.quote_in_context("x <i>" + "y" * 100, "<i>", 2, width=2)
    assert context == "x <mark>&lt;i&gt;</mark>yy…"
