"""The word diff used by the version history: correctness, readability, escaping, bounded work."""

import random

import pytest
from django.template.loader import render_to_string

from apps.core import diff
from apps.core.diff import (
    DELETE,
    EQUAL,
    INSERT,
    WORK_BUDGET,
    Op,
    diff_stats,
    diff_words,
    html_to_text,
    render_inline,
    render_side_by_side,
    tokenize,
)

_VOCABULARY = (
    "behandla med metformin insulin dos mg ml gånger dagligen patient patienter vid njursvikt "
    "och eller inte bör kan ska följ upp efter veckor månader blodsocker HbA1c kontroll läkare "
    "sjuksköterska ålder över under år barn vuxna gravida överväg byte till ACE-hämmare "
    "typ-2-diabetes 5,2 500 1000 12:30 1/2 åtgärd ökning minskning är på i av för"
)
SWEDISH_WORDS = _VOCABULARY.split()
MARKUP = ["**", "#", "##", "-", "|", "*", "_", "`", ".", ",", ":", "(", ")", "<b>", "&amp;"]
SEPARATORS = [" "] * 10 + ["\n", "\n\n", "  ", "\t", ". ", ", ", "\r\n"]


def old_side(ops):
    return "".join(op.text for op in ops if op.kind != INSERT)


def new_side(ops):
    return "".join(op.text for op in ops if op.kind != DELETE)


def assert_well_formed(ops, old, new):
    assert old_side(ops) == old
    assert new_side(ops) == new
    assert all(op.text for op in ops), "no empty ops"
    assert all(a.kind != b.kind for a, b in zip(ops, ops[1:], strict=False)), "neighbours merged"
    for a, b in zip(ops, ops[1:], strict=False):
        assert (a.kind, b.kind) != (INSERT, DELETE), "a replacement is delete, then insert"


def random_text(rng, words):
    parts = []
    for _ in range(words):
        parts.append(rng.choice(SWEDISH_WORDS if rng.random() < 0.85 else MARKUP))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts)


def mutate(rng, text):
    """A plausible edit: change, insert, delete or move a few words, lines and paragraphs."""
    tokens = tokenize(text)
    for _ in range(rng.randint(0, 6)):
        action = rng.choice(["change", "insert", "delete", "move", "newline"])
        i = rng.randrange(len(tokens) + 1)
        if action == "change" and i < len(tokens):
            tokens[i] = rng.choice(SWEDISH_WORDS)
        elif action == "insert":
            tokens[i:i] = [rng.choice(SWEDISH_WORDS), rng.choice(SEPARATORS)]
        elif action == "delete":
            del tokens[i : i + rng.randint(1, 8)]
        elif action == "move" and tokens:
            j = rng.randrange(len(tokens))
            chunk = tokens[i : i + rng.randint(1, 20)]
            del tokens[i : i + len(chunk)]
            tokens[j:j] = chunk
        elif action == "newline":
            tokens[i:i] = ["\n\n"]
    return "".join(tokens)


# --- Tokenising ----------------------------------------------------------------------------------


def test_tokenize_keeps_words_numbers_and_markdown_punctuation_apart():
    tokens = tokenize("## Dos\n\n- Ge **5,2 mg** två gånger/dygn | ACE-hämmare åäö 12:30")
    assert tokens == [
        "##", " ", "Dos", "\n\n",
        "-", " ", "Ge", " ", "**", "5,2", " ", "mg", "**", " ", "två", " ", "gånger", "/", "dygn",
        " ", "|", " ", "ACE-hämmare", " ", "åäö", " ", "12:30",
    ]  # fmt: skip


def test_tokenize_is_lossless_on_odd_input():
    text = "a\u0300b  \r\n\r\n\t–—…!!! ***x*** 1.000,5 \x00\u2028end"
    assert "".join(tokenize(text)) == text


# --- Diff: the cases the version history relies on ----------------------------------------------


def test_word_changed_in_swedish_text():
    old, new = "Behandla med metformin 500 mg", "Behandla med metformin 1000 mg"
    ops = diff_words(old, new)
    assert ops == [
        Op(EQUAL, "Behandla med metformin "),
        Op(DELETE, "500"),
        Op(INSERT, "1000"),
        Op(EQUAL, " mg"),
    ]
    assert diff_stats(ops) == (1, 1)


def test_decimal_number_changes_as_one_word():
    ops = diff_words("Ge 5,2 mg per kg.", "Ge 5,5 mg per kg.")
    assert [op for op in ops if op.kind != EQUAL] == [Op(DELETE, "5,2"), Op(INSERT, "5,5")]


def test_rewritten_words_read_as_one_replacement():
    ops = diff_words(
        "Behandla med metformin 500 mg två gånger dagligen.",
        "Behandla med insulin 10 E två gånger dagligen.",
    )
    assert [op for op in ops if op.kind != EQUAL] == [
        Op(DELETE, "metformin 500 mg"),
        Op(INSERT, "insulin 10 E"),
    ]


def test_paragraph_moved_is_deleted_at_old_place_and_inserted_at_new():
    first = "Mät blodsocker före frukost."
    second = "Vid njursvikt ska dosen av metformin minskas och njurfunktionen följas upp."
    old = f"{first}\n\n{second}\n\nKontrollera HbA1c efter tre månader.\n"
    new = f"{second}\n\n{first}\n\nKontrollera HbA1c efter tre månader.\n"
    ops = diff_words(old, new)
    assert_well_formed(ops, old, new)
    assert ops == [
        Op(INSERT, f"{second}\n\n"),
        Op(EQUAL, f"{first}\n\n"),
        Op(DELETE, f"{second}\n\n"),
        Op(EQUAL, "Kontrollera HbA1c efter tre månader.\n"),
    ]


def test_block_removed_is_all_delete():
    old = "## Behandling\n\nBehandla med metformin 500 mg.\n"
    assert diff_words(old, "") == [Op(DELETE, old)]
    assert diff_stats(diff_words(old, "")) == (0, 6)


def test_block_added_is_all_insert():
    assert diff_words("", "Ny text.") == [Op(INSERT, "Ny text.")]


def test_identical_texts_are_one_equal_op():
    text = "Behandla med metformin 500 mg.\n\n- punkt ett\n- punkt två\n"
    assert diff_words(text, text) == [Op(EQUAL, text)]
    assert diff_stats(diff_words(text, text)) == (0, 0)


def test_empty_inputs():
    assert diff_words("", "") == []
    assert render_inline([]) == ""
    assert render_side_by_side([]) == ("", "")
    assert diff_stats([]) == (0, 0)


def test_whitespace_between_changed_words_merges_into_the_change():
    ops = diff_words("Ta en tablett på morgonen.", "Ta två kapslar med mat på morgonen.")
    assert [op for op in ops if op.kind != EQUAL] == [
        Op(DELETE, "en tablett"),
        Op(INSERT, "två kapslar med mat"),
    ]


def test_changed_line_in_a_list_leaves_other_lines_equal():
    old = "- Metformin\n- Insulin\n- SGLT2-hämmare\n"
    new = "- Metformin\n- Basinsulin\n- SGLT2-hämmare\n"
    ops = diff_words(old, new)
    assert ops == [
        Op(EQUAL, "- Metformin\n- "),
        Op(DELETE, "Insulin"),
        Op(INSERT, "Basinsulin"),
        Op(EQUAL, "\n- SGLT2-hämmare\n"),
    ]


def test_ops_are_frozen():
    with pytest.raises(AttributeError):
        Op(EQUAL, "x").text = "y"


# --- The reconstruction invariant ---------------------------------------------------------------


@pytest.mark.parametrize("budget", [None, 50, 0])
def test_ops_always_reconstruct_both_texts(budget):
    # hypothesis is not installed, so a seeded generator stands in for it. A tiny budget forces
    # every fallback path (coarser levels, all-delete/all-insert) and must stay exact too.
    rng = random.Random(20240611)
    for _ in range(300):
        old = random_text(rng, rng.randint(0, 60))
        new = mutate(rng, old) if rng.random() < 0.8 else random_text(rng, rng.randint(0, 60))
        ops = diff_words(old, new, budget=budget)
        assert_well_formed(ops, old, new)
        if old == new and old:
            assert ops == [Op(EQUAL, old)]


# --- Bounded work -------------------------------------------------------------------------------


def unrelated_text(seed, size=50_000):
    rng = random.Random(seed)
    syllables = ["bo", "sta", "ll", "kå", "rä", "ng", "vi", "de", "öm", "hu", "sk", "ta", "lä"]
    parts, length = [], 0
    while length < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
        part = word + rng.choice([" "] * 12 + [", ", ". ", "\n\n"])
        parts.append(part)
        length += len(part)
    return "".join(parts)[:size]


@pytest.mark.parametrize("line_breaks", [True, False])
def test_two_unrelated_50_kb_texts_stay_within_the_work_budget(line_breaks):
    old, new = unrelated_text(1), unrelated_text(2)
    if not line_breaks:  # one giant paragraph: no help from the line level
        old, new = old.replace("\n", " "), new.replace("\n", " ")
    stats = {}
    ops = diff_words(old, new, stats=stats)
    assert_well_formed(ops, old, new)
    assert stats["budget"] == WORK_BUDGET
    assert 0 <= stats["work"] <= WORK_BUDGET
    assert stats["matcher_calls"] >= 1


def test_small_edit_in_a_large_text_is_cheap_and_exact():
    old = unrelated_text(3)
    cut = old.index(" ", 25_000)  # at a word boundary, so no existing word changes
    new = old[:cut] + " Ny mening om metformin." + old[cut:]
    stats = {}
    ops = diff_words(old, new, stats=stats)
    assert_well_formed(ops, old, new)
    assert stats["work"] < WORK_BUDGET // 100
    assert stats["fallbacks"] == 0
    assert diff_stats(ops)[1] == 0  # nothing deleted


def test_budget_exhaustion_falls_back_to_coarser_spans():
    old = "Första raden.\nAndra raden med metformin.\n"
    new = "Första raden.\nAndra raden med insulin.\n"
    stats = {}
    ops = diff_words(old, new, stats=stats, budget=0)
    assert_well_formed(ops, old, new)
    # Common prefix/suffix stripping is free, so even with no budget the change stays small.
    changes = [op for op in ops if op.kind != EQUAL]
    assert changes == [Op(DELETE, "metformin"), Op(INSERT, "insulin")]
    stats = {}
    old, new = "a b c\nd e f\n", "x y z\nu v w\n"
    ops = diff_words(old, new, stats=stats, budget=0)
    assert ops == [Op(DELETE, old), Op(INSERT, new)]
    assert stats["fallbacks"] == 1
    assert stats["work"] == 0


def test_pathological_punctuation_runs_are_handled():
    old = "." * 20_000 + " slut"
    new = "." * 19_999 + "! slut"
    ops = diff_words(old, new)
    assert_well_formed(ops, old, new)


# --- Rendering ------------------------------------------------------------------------------------


def test_render_inline_marks_changes_and_escapes_user_text():
    ops = diff_words(
        'Ge <script>alert("x")</script> & vänta',
        "Ge <b onmouseover=alert(1)>fet</b> & vänta",
    )
    html = render_inline(ops)
    assert '<del class="diff-del">' in html
    assert '<ins class="diff-ins">' in html
    user_part = html
    for tag in ('<del class="diff-del">', "</del>", '<ins class="diff-ins">', "</ins>"):
        user_part = user_part.replace(tag, "")
    assert "<" not in user_part and ">" not in user_part and '"' not in user_part
    assert "&lt;" in user_part and "&amp; vänta" in user_part


def test_render_inline_exact_markup():
    ops = diff_words("Behandla med metformin 500 mg", "Behandla med metformin 1000 mg")
    assert render_inline(ops) == (
        'Behandla med metformin <del class="diff-del">500</del><ins class="diff-ins">1000</ins> mg'
    )


def test_whitespace_only_change_gets_a_styling_hook():
    html = render_inline([Op(EQUAL, "a"), Op(INSERT, "\n\n"), Op(EQUAL, "b")])
    assert html == 'a<ins class="diff-ins diff-ws">\n\n</ins>b'


def test_render_side_by_side_splits_deletions_and_insertions():
    ops = diff_words("Ta <1> tablett", "Ta 2 tabletter")
    left, right = render_side_by_side(ops)
    assert "diff-ins" not in left and "diff-del" not in right
    assert "&lt;1&gt;" in left and "<1>" not in left
    assert left.startswith("Ta ") and right.startswith("Ta ")
    assert '<ins class="diff-ins">2 tabletter</ins>' in right


def test_inline_template_renders_ops_or_prerendered_html():
    ops = diff_words("Dos <i>500</i> mg", "Dos 1000 mg")
    from_ops = render_to_string("core/includes/diff_inline.html", {"ops": ops})
    from_html = render_to_string(
        "core/includes/diff_inline.html", {"diff_html": render_inline(ops)}
    )
    expected = f'<div class="diff">{render_inline(ops)}</div>'
    assert from_ops.strip() == expected
    assert from_html.strip() == expected
    assert "<i>" not in from_ops


def test_side_by_side_template_is_an_accessible_table():
    ops = diff_words("Dos <i>500</i> mg", "Dos 1000 mg")
    left, right = render_side_by_side(ops)
    from_ops = render_to_string("core/includes/diff_side_by_side.html", {"ops": ops})
    from_html = render_to_string(
        "core/includes/diff_side_by_side.html", {"left_html": left, "right_html": right}
    )
    assert from_ops == from_html
    assert '<th scope="col">Före</th><th scope="col">Efter</th>' in from_ops
    assert "<caption" in from_ops
    assert f'<td><div class="diff">{left}</div></td>' in from_ops
    assert f'<td><div class="diff">{right}</div></td>' in from_ops
    assert "<i>" not in from_ops


# --- Rendered text --------------------------------------------------------------------------------


def test_html_to_text_keeps_block_boundaries():
    fragment = (
        "<h2>Dos</h2>\n<p>Ge <strong>5 mg</strong> &amp; följ upp.</p>\n"
        "<ul>\n<li>ett</li>\n<li>två</li>\n</ul>\n<p>Rad ett<br>\nrad två</p>\n"
        "<table>\n<tr><th>A</th><th>B</th></tr>\n<tr><td>1</td><td>2</td></tr>\n</table>"
    )
    assert html_to_text(fragment) == (
        "Dos\n\nGe 5 mg & följ upp.\n\nett\ntvå\n\nRad ett\nrad två\n\nA\tB\n1\t2"
    )


def test_html_to_text_keeps_escaped_markup_as_text():
    text = html_to_text("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    assert text == "<script>alert(1)</script>"


def test_diff_rendered_text_ignores_markup_only_changes():
    pytest.importorskip("apps.core.markdown")
    ops = diff.diff_rendered_text("Ge **500 mg** dagligen.", "Ge *500 mg* dagligen.")
    assert ops == [Op(EQUAL, "Ge 500 mg dagligen.")]
    ops = diff.diff_rendered_text("- ett\n- två\n", "- ett\n- tre\n")
    assert [op for op in ops if op.kind != EQUAL] == [Op(DELETE, "två"), Op(INSERT, "tre")]
    left, _right = render_side_by_side(diff.diff_rendered_text("<script>x</script>", "y"))
    assert "<script>" not in left
