"""No text makes a page slow (issue #8, point 12).

Texts that the form used to accept held a server worker for minutes: "[a](" * 20000 made the
edition page take 122 s, "[" * 50000 the preview 3 s, the history diff of two 97 KB texts
about 5 s. Every path that renders or diffs a text (render_markdown, behind the preview, the
pages and the snapshots; the completeness check; the diff) now counts its work, and these
tests hold that count to a bound linear in the size of the text. No test here measures time:
the counters are deterministic, and bench/ measures the time.
"""

import random

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.authoring import completeness
from apps.authoring.completeness import LINK_PROBLEMS_SHOWN, content_problems
from apps.authoring.forms import BlockForm
from apps.authoring.models import Block
from apps.core import markdown as md
from apps.core.diff import WORK_BUDGET, diff_rendered_text, diff_words
from apps.core.markdown import (
    HTML_DEPTH_LIMIT,
    TIER_MARKDOWN,
    WORK_BASE,
    WORK_PER_CHAR,
    clear_render_cache,
    recorded_renders,
    render_markdown,
    validate_markdown_source,
)
from tests.authoring import helpers
from tests.factories import UserFactory, grant, npo

SIZE = 20_000  # characters: enough for every shape below to have taken seconds or more


def repeat(unit: str, size: int = SIZE) -> str:
    return unit * max(1, size // len(unit))


def staircase(line, size: int = SIZE) -> str:
    """Lines that grow by one step each, up to about `size` characters in all."""
    lines, total, step = [], 0, 1
    while total < size:
        lines.append(line(step))
        total += len(lines[-1])
        step += 1
    return "".join(lines)


def words(seed: int, size: int, vocabulary: int = 5000) -> str:
    rng = random.Random(seed)
    pool = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyzåäö") for _ in range(rng.randint(2, 9)))
        for _ in range(vocabulary)
    ]
    out, total = [], 0
    while total < size:
        out.append(rng.choice(pool))
        total += len(out[-1]) + 1
    return " ".join(out)


def edited(text: str) -> str:
    """The text with a word inserted at three places far apart."""
    for position in (35_000, 20_000, 5_000):
        cut = text.index(" ", position)
        text = text[:cut] + " infogat" + text[cut:]
    return text


# The shapes of issue #8 and their kin: what python-markdown, html.parser, the sanitisers,
# the link pattern or the diff handled in more than linear time.
PATHOLOGICAL = {
    # Links: every unclosed "[" or "](" made the link parser walk to the end of the paragraph.
    "link openings [a](": repeat("[a]("),
    "unclosed brackets [": repeat("["),
    "image openings ![": repeat("!["),
    "reference openings [a][": repeat("[a]["),
    "deeply nested brackets": "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "link with an unclosed title": repeat("[a](b 'x) "),
    "bracket runs in many paragraphs": repeat("[" * 300 + "\n\n"),
    "unclosed brackets on every line": repeat("- [\n"),
    # Angle brackets: html.parser rescanned the rest of the text after each unclosed tag.
    "angle brackets <": repeat("<"),
    "unclosed tags <a": repeat("<a "),
    "autolink openings <http://": repeat("<http://"),
    "comment openings <!--": repeat("<!--"),
    "CDATA openings": repeat("<![CDATA["),
    "unclosed quoted attributes": repeat("<a x='>"),
    "raw HTML nested deep": repeat("<div>"),
    "raw HTML nested deep, one per paragraph": repeat("<div>\n\n"),
    "raw inline tags nested deep": repeat("<b><i>"),
    # Inline markup: every match copied the whole paragraph.
    "entities": repeat("&a;"),
    "code span openings": repeat("`` `"),
    "backticks": repeat("`"),
    "backslash escapes": repeat("\\"),
    "escaped brackets": repeat("\\["),
    "emphasis delimiters": repeat("*_"),
    "strong and emphasis": repeat("**_a "),
    "line breaks": repeat("a  \n"),
    "emphasised links": repeat("*[a](b)* "),
    # Lists and quotes: each level of nesting parsed its content again.
    "list markers on one line": repeat("- "),
    "ordered list markers on one line": repeat("1. "),
    "mixed list markers": repeat("* - + "),
    "list markers on every line": repeat("- x\n"),
    "list nesting fifteen deep on every line": repeat("- " * 15 + "x\n"),
    "list nesting by indentation": staircase(lambda step: "    " * step + "- x\n"),
    "quote markers on one line": repeat(">"),
    "spaced quote markers": repeat("> "),
    "quote nesting growing line by line": staircase(lambda step: ">" * step + " x\n"),
    "quotes and lists mixed": repeat("> - " * 8 + "x\n"),
    # Blocks: every heading or rule inside one block made the parser test the rest again.
    "headings without blank lines": repeat("# x\n"),
    "headings between lines": repeat("x\n# x\n"),
    "rules": repeat("---\n"),
    "setext headings": repeat("a\n===\n"),
    "fences": repeat("```\n"),
    "fences of every length": staircase(lambda step: "`" * (2 + step) + "\n"),
    "table of links": "|a|b|\n|-|-|\n" + repeat("|[x](y)|*z*|\n"),
    # Characters: long runs of one kind.
    "combining characters": "a" + "\u0301" * SIZE,
    "words of combining characters": repeat("e" + "\u0301" * 9 + " "),
    "a very long word": "x" * SIZE,
    "one long line of words": repeat("ord "),
    "blank lines": "\n" * SIZE,
}

# Ordinary texts of the same size: they must render as Markdown, well inside the budget.
ORDINARY = {
    "clinical paragraphs": "\n\n".join([helpers.CLINICAL_TEXT] * 40),
    "a table of doses": "| Läkemedel | Dos | Intervall | Kommentar |\n|---|---|---|---|\n"
    + "".join(
        f"| Metoprolol {i} | {i * 5} mg | 1 gång/dag | **bör** trappas upp |\n" for i in range(300)
    ),
    "a list of references": "".join(
        f"- [Referens {i}](https://www.example.se/riktlinje/{i}) – *Läkartidningen*\n"
        for i in range(300)
    ),
    "many short paragraphs": "".join(f"Kort stycke nummer {i} med `kod`.\n\n" for i in range(600)),
    "headings, lists and quotes": (
        "## Behandling\n\n- ACE-hämmare\n- Betablockerare\n    - i låg dos\n\n"
        "> Obs! Följ upp kalium.\n\n1. Först\n2. Sedan\n\n"
    )
    * 80,
}


def budget(text: str) -> int:
    """The work one attempt to render `text` may spend."""
    return WORK_BASE + WORK_PER_CHAR * len(text)


def rendered_stats(text: str) -> dict:
    clear_render_cache()
    stats: dict = {}
    render_markdown(text, stats=stats)
    return stats


@pytest.fixture(autouse=True)
def _fresh_renders():
    clear_render_cache()
    yield
    clear_render_cache()


# --- rendering ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_rendering_a_pathological_text_stays_within_a_budget_linear_in_its_length(text):
    stats = rendered_stats(text)

    # At most two attempts (as written, then with inline markup as typed), each within the
    # budget, then plain paragraphs: never more than twice the linear budget.
    assert stats["limit"] == budget(text)
    assert stats["work"] <= 2 * budget(text)
    # Defusing only replaces characters; the parser never gets more than the text.
    assert stats["parser_input"] <= len(text)
    # The sanitisers get HTML of linear size and bounded depth.
    assert stats["html"] <= 12 * len(text) + 1000
    assert stats["depth"] <= HTML_DEPTH_LIMIT


@pytest.mark.parametrize("text", ORDINARY.values(), ids=ORDINARY.keys())
def test_ordinary_texts_render_as_markdown_well_inside_the_budget(text):
    stats = rendered_stats(text)

    assert stats["tier"] == TIER_MARKDOWN
    assert stats["cause"] is None
    assert stats["defused"] == 0
    assert stats["work"] <= budget(text) / 2


def test_a_text_that_overran_the_budget_leaves_nothing_behind_for_the_next_one():
    ordinary = ORDINARY["headings, lists and quotes"]
    before = rendered_stats(ordinary)
    html_before = render_markdown(ordinary)
    for text in SLOWEST_OF_ISSUE_8:
        rendered_stats(text)
    clear_render_cache()
    assert rendered_stats(ordinary) == before
    clear_render_cache()
    assert render_markdown(ordinary) == html_before


def test_an_ordinary_text_renders_as_before(settings):
    html = render_markdown(ORDINARY["headings, lists and quotes"][:200])
    assert "<h2>Behandling</h2>" in html
    assert "<li>ACE-hämmare</li>" in html
    assert "<blockquote>" in html


# Shapes whose cost lies in what the counter charges: with no budget, the counter must see
# the quadratic work that made them slow, so that the bound above means something.
QUADRATIC = {
    "unclosed brackets [": lambda n: "[" * n,
    "link openings [a](": lambda n: "[a](" * (n // 4),
    "image openings ![": lambda n: "![" * (n // 2),
    "code span openings": lambda n: "`` `" * (n // 4),
    "entities": lambda n: "&a;" * (n // 3),
    "backslash escapes": lambda n: "\\" * n,
}


@pytest.mark.parametrize("shape", QUADRATIC.values(), ids=QUADRATIC.keys())
def test_the_work_counter_sees_the_quadratic_work_of_an_unbounded_parse(shape, monkeypatch):
    monkeypatch.setattr(md, "WORK_BASE", 10**15)
    small = rendered_stats(shape(600))["work"]
    double = rendered_stats(shape(1200))["work"]
    assert double >= 3 * small


# What only python-markdown's (or html.parser's) slow paths would read is shown as typed
# before parsing: those paths are not charged, so the defusing itself is held to account.
DEFUSED = {
    "unclosed tags <a": (lambda k: "<a " * k, lambda k: k),
    "autolink openings <http://": (lambda k: "<http://" * k, lambda k: k),
    "angle brackets <": (lambda k: "<" * k, lambda k: k),
    "fences": (lambda k: "```\n" * k, lambda k: k - md.FENCE_LIMIT),
    "headings without blank lines": (lambda k: "# x\n" * k, lambda k: k - md.BLOCK_SPLIT_LIMIT),
    "rules": (lambda k: "---\n" * k, lambda k: k - md.BLOCK_SPLIT_LIMIT),
    "setext headings": (lambda k: "a\n===\n" * k, lambda k: k - md.BLOCK_SPLIT_LIMIT),
    "quote markers on one line": (lambda k: ">" * k + " x", lambda k: k - md.NESTING_LIMIT),
    "list markers on one line": (lambda k: "- " * k + "x", lambda k: k - md.NESTING_LIMIT),
    "ordered list markers on one line": (
        lambda k: "1. " * k + "x",
        lambda k: k - md.NESTING_LIMIT,
    ),
}


@pytest.mark.parametrize("shape, expected", DEFUSED.values(), ids=DEFUSED.keys())
def test_what_only_the_slow_paths_read_is_defused_and_the_rest_renders_as_markdown(shape, expected):
    for count in (500, 2000):
        stats = rendered_stats(shape(count))
        assert stats["tier"] == TIER_MARKDOWN
        assert stats["defused"] == expected(count)
        assert stats["work"] <= budget(shape(count))


def test_what_is_defused_still_reads_as_typed():
    html = render_markdown("a < b, <a <a and " + "# x\n" * 40)
    assert "a &lt; b, &lt;a &lt;a and" in html
    assert html.count("<h1>") == md.BLOCK_SPLIT_LIMIT
    assert "# x" in html


@pytest.mark.parametrize("backend", ["nh3", "bleach"])
@pytest.mark.parametrize(
    "text",
    [repeat("<div>", 5000), repeat("<b><i>", 5000), repeat("<ul><li>", 5000), repeat("> - ", 5000)],
    ids=["divs", "inline tags", "lists", "quotes and lists"],
)
def test_neither_sanitiser_is_handed_deep_nesting(text, backend, settings):
    settings.MARKDOWN_SANITIZER = backend
    stats = rendered_stats(text)
    assert stats["depth"] <= HTML_DEPTH_LIMIT


# --- refusing at save ------------------------------------------------------------------------------

SLOWEST_OF_ISSUE_8 = ["[a](" * 20000, "[" * 50000, "<a " * 20000, "`` `" * 20000]


@pytest.mark.parametrize("text", SLOWEST_OF_ISSUE_8, ids=["[a](", "[", "<a", "`` `"])
def test_what_cannot_be_rendered_within_the_budget_is_refused_at_save_in_swedish(text):
    if rendered_stats(text)["tier"] == TIER_MARKDOWN:
        validate_markdown_source(text)  # defused before parsing: cheap, so accepted
        return
    with pytest.raises(ValidationError) as refused:
        validate_markdown_source(text)
    message = refused.value.messages[0]
    assert message.startswith("Texten har för många")
    assert "för att kunna visas" in message


def test_a_text_past_the_size_limit_is_refused_with_the_limit(settings):
    settings.MARKDOWN_SOURCE_MAX_CHARS = 1000
    with pytest.raises(ValidationError) as refused:
        validate_markdown_source("x" * 1001)
    assert refused.value.messages == [
        "Texten får vara högst 1\xa0000 tecken lång; den här har 1\xa0001."
    ]
    validate_markdown_source("x" * 1000)


@pytest.mark.parametrize("text", ORDINARY.values(), ids=ORDINARY.keys())
def test_ordinary_texts_are_accepted(text):
    validate_markdown_source(text)


def test_the_block_form_refuses_such_a_text_beside_the_body():
    form = BlockForm(
        {"lock_version": 1, "kind": "text", "depth": "base", "body": "[a](" * 20000},
        kind="text",
    )
    assert not form.is_valid()
    assert form.errors["body"][0].startswith("Texten har för många hakparenteser")


# --- the completeness check -------------------------------------------------------------------------


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_the_completeness_check_reads_each_character_a_bounded_number_of_times(text):
    content = {
        "kind": "recommendation",
        "body": text,
        "references": text[:20_000],
        "care_level": "both",
    }
    stats: dict = {}
    problems = content_problems(content, stats=stats)

    assert stats["work"] <= 2 * (len(content["body"]) + len(content["references"])) + 2
    # However many broken links, the list stays readable.
    assert len(problems) <= 2 * (LINK_PROBLEMS_SHOWN + 1) + 5


def test_the_link_scan_reads_each_character_once():
    stats: dict = {}
    links = completeness.markdown_links("[a](" * 20000, stats)
    assert links == []
    assert stats["work"] == 80000


def test_thousands_of_broken_links_are_summed_up():
    problems = content_problems({"kind": "text", "care_level": "both", "body": "[a]() " * 500})
    assert problems[:LINK_PROBLEMS_SHOWN] == ["en länk saknar adress"] * LINK_PROBLEMS_SHOWN
    assert problems[LINK_PROBLEMS_SHOWN] == "ytterligare 490 länkar är inte välformade"
    assert len(problems) == LINK_PROBLEMS_SHOWN + 1


def test_the_check_remembers_its_answer_by_content():
    content = {"kind": "text", "care_level": "", "body": "[a](ftp://x)"}
    first = content_problems(content)
    assert first == content_problems(dict(content))
    assert first == content_problems(content, stats={})
    assert "vårdnivå saknas" in first


# --- the diff ---------------------------------------------------------------------------------------

DIFF_PAIRS = {
    "unrelated words": (words(1, 40_000), words(2, 40_000)),
    "unrelated words from a shared vocabulary": (words(3, 40_000, 200), words(4, 40_000, 200)),
    "unrelated lines": (
        "\n".join(words(5 + i, 60) for i in range(600)),
        "\n".join(words(900 + i, 60) for i in range(600)),
    ),
    "pathological against pathological": ("[" * SIZE, "<" * SIZE),
    "link openings against brackets": (PATHOLOGICAL["link openings [a]("], "[" * SIZE),
    "combining characters": ("a" + "\u0301" * SIZE, "b" + "\u0300" * SIZE),
    "words of combining characters": (
        repeat("e" + "\u0301" * 9 + " "),
        repeat("o" + "\u0308" * 9 + " "),
    ),
    "a very long word changed in the middle": (
        "x" * SIZE + "a" + "x" * SIZE,
        "x" * SIZE + "b" + "x" * SIZE,
    ),
    "runs of punctuation": ("." * SIZE, "," * SIZE),
    "a small edit of a long text": (words(6, 40_000), edited(words(6, 40_000))),
}


@pytest.mark.parametrize("old, new", DIFF_PAIRS.values(), ids=DIFF_PAIRS.keys())
def test_the_diff_does_a_bounded_number_of_operations(old, new):
    stats: dict = {}
    ops = diff_words(old, new, stats=stats)

    size = len(old) + len(new)
    assert stats["work"] <= WORK_BUDGET
    assert stats["split_chars"] <= 3 * size
    assert stats["operations"] <= WORK_BUDGET + 3 * size
    # Still correct, however coarse.
    assert "".join(op.text for op in ops if op.kind != "insert") == old
    assert "".join(op.text for op in ops if op.kind != "delete") == new


def test_large_texts_that_differ_too_much_are_shown_whole_side_by_side():
    old, new = DIFF_PAIRS["unrelated words from a shared vocabulary"]
    stats: dict = {}
    ops = diff_words(old, new, stats=stats)
    assert stats["coarse"] is True
    assert stats["fallbacks"] >= 1
    assert stats["work"] <= WORK_BUDGET
    assert any(op.kind == "delete" and len(op.text) > 10_000 for op in ops)


def test_a_small_edit_is_still_shown_word_by_word():
    stats: dict = {}
    ops = diff_words(*DIFF_PAIRS["a small edit of a long text"], stats=stats)
    assert stats["coarse"] is False
    assert [op.text.strip() for op in ops if op.kind == "insert"] == ["infogat"] * 3
    assert not [op for op in ops if op.kind == "delete"]


@pytest.mark.parametrize(
    "old, new",
    [DIFF_PAIRS["pathological against pathological"], DIFF_PAIRS["link openings against brackets"]],
    ids=["[ against <", "[a]( against ["],
)
def test_the_diff_of_what_readers_see_renders_and_compares_within_bounds(old, new):
    stats: dict = {}
    with recorded_renders() as renders:
        diff_rendered_text(old, new, stats=stats)

    assert len(renders) == 2
    for render, text in zip(renders, (old, new), strict=True):
        assert render["work"] <= 2 * budget(text)
    assert stats["operations"] <= WORK_BUDGET + 3 * sum(r["html"] for r in renders)


# --- the pages --------------------------------------------------------------------------------------


@pytest.fixture
def pathological_block(db):
    """A block saved (through the service, as texts saved before the limit were) with the
    slowest text of issue #8, then with the second slowest."""
    author = grant(UserFactory(full_name="Astrid Författare"), "author", npo())
    support = helpers.make_support(author)
    edition = helpers.working_edition(support)
    block = helpers.add_block(
        author, helpers.section_of(edition), SLOWEST_OF_ISSUE_8[0], care_level="both"
    )
    block = helpers.save(author, block, body=SLOWEST_OF_ISSUE_8[1])
    return author, edition, block


def edition_kwargs(edition, **extra) -> dict:
    return {"code": edition.support.code, "major": edition.major, "minor": edition.minor, **extra}


def test_every_page_that_renders_the_text_stays_within_the_budget(client_for, pathological_block):
    author, edition, block = pathological_block
    client = client_for(author)
    pages = [
        ("get", reverse("authoring:edition_detail", kwargs=edition_kwargs(edition)), None),
        (
            "get",
            reverse("authoring:block_history", kwargs=edition_kwargs(edition, uid=block.uid)),
            None,
        ),
        ("post", reverse("authoring:block_preview"), {"body": SLOWEST_OF_ISSUE_8[0]}),
        (
            "get",
            reverse("authoring:section_edit", kwargs=edition_kwargs(edition, key="behandling")),
            None,
        ),
    ]
    for method, url, data in pages:
        clear_render_cache()
        with recorded_renders() as renders:
            response = getattr(client, method)(url, data) if data else client.get(url)
        assert response.status_code == 200, url
        assert renders, url
        for render in renders:
            assert render["work"] <= 2 * budget("x" * render["chars"]), url


def test_saving_such_a_text_in_the_editor_is_refused_and_nothing_changes(
    client_for, pathological_block
):
    author, edition, block = pathological_block
    prefix = f"b-{str(block.uid)[:8]}"
    data = {f"{prefix}-{name}": value for name, value in block.content().items()}
    data.update({f"{prefix}-lock_version": block.lock_version, f"{prefix}-body": "[a](" * 20000})

    response = client_for(author).post(
        reverse("authoring:block_save", kwargs=edition_kwargs(edition, uid=block.uid)), data
    )

    assert response.status_code == 400
    assert "Texten har för många hakparenteser" in response.content.decode()
    saved = Block.objects.get(pk=block.pk)
    assert (saved.body, saved.lock_version) == (block.body, block.lock_version)


def test_references_are_held_to_the_same_rule_at_save(client_for, pathological_block):
    """References are rendered as Markdown as well, so they are refused the same way."""
    author, edition, block = pathological_block
    prefix = f"b-{str(block.uid)[:8]}"
    data = {f"{prefix}-{name}": value for name, value in block.content().items()}
    data.update(
        {f"{prefix}-lock_version": block.lock_version, f"{prefix}-references": "[a](" * 4999}
    )

    response = client_for(author).post(
        reverse("authoring:block_save", kwargs=edition_kwargs(edition, uid=block.uid)), data
    )

    assert response.status_code == 400
    assert "Texten har för många hakparenteser" in response.content.decode()
    saved = Block.objects.get(pk=block.pk)
    assert (saved.references, saved.lock_version) == (block.references, block.lock_version)
