"""Readable word-level diffs between two versions of a text block.

The version history shows what changed in a block between any two versions, both inline and side
by side, for the Markdown source and for the rendered text. Three properties matter:

* **Readable.** Changes are shown per word (never per character), and small islands of unchanged
  text between two changes are folded into the change so that a rewritten sentence reads as
  "this was replaced by that" instead of a confetti of one-letter fragments.
* **Correct.** Whatever happens, joining the ``equal`` and ``delete`` ops gives back the old text
  exactly, and joining the ``equal`` and ``insert`` ops gives back the new text exactly.
* **Bounded.** ``difflib.SequenceMatcher`` is quadratic (cubic in the worst case), so a block
  pasted over with something unrelated could stall a request. The diff is computed top-down
  (lines, then sentences, then words; only changed spans descend to the next level), and every
  matcher call is charged against a work budget. When a span would exceed the budget it is shown
  at the coarser level it already has (deleted in full, inserted in full) – still correct, just
  less detailed.

Styling: the markup uses the classes ``diff`` (container, wants ``white-space: pre-wrap``),
``diff-del``, ``diff-ins`` and, on changes that consist only of whitespace, ``diff-ws``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

EQUAL: Literal["equal"] = "equal"
INSERT: Literal["insert"] = "insert"
DELETE: Literal["delete"] = "delete"

# Total work one diff_words() call may spend in the matcher, in "comparisons": the number of
# candidate positions SequenceMatcher.find_longest_match() will look at plus one per element of
# a it scans (an upper bound on its loops; about 1 µs each in CPython). 400 000 keeps the worst
# case for two unrelated 50 KB texts at a few hundred milliseconds including tokenising, while
# ordinary edits of even very long blocks use a few thousand.
WORK_BUDGET = 400_000

# What a page may say when ``stats["coarse"]`` is set: the texts (or parts of them) differ too
# much to compare word by word within the budget, so they are shown whole, side by side.
COARSE_NOTICE = gettext_lazy(
    "Texterna skiljer sig för mycket för att jämföras ord för ord; de visas i sin helhet, "
    "sida vid sida."
)

# No single matcher call may take more than this share of the budget, so that one hopeless span
# (two unrelated paragraphs) cannot starve the other changed spans of the same block.
_CALL_SHARE = 3

# Below this many elements we want exact matching; above it SequenceMatcher's "popular element"
# heuristic (ignore elements making up more than 1 %, e.g. spaces and "och") keeps the matcher
# fast on long sequences. This is difflib's own threshold, made explicit.
AUTOJUNK_MIN = 200

_WORD_CHAR = r"(?:[^\W_]|[\u0300-\u036f])"  # letters and digits (åäö included) + combining marks
_TOKEN_RE = re.compile(
    rf"""
      \d+(?:[.,:/]\d+)+                   # 5,2 / 1.000 / 12:30 / 1/2 stay one token
    | {_WORD_CHAR}+(?:['’-]{_WORD_CHAR}+)*  # words, incl. ACE-hämmare and typ-2-diabetes
    | [^\S\r\n]+                          # a run of spaces/tabs
    | (?:\r?\n)+                          # a run of line breaks
    | (.)\1*                              # anything else; runs such as ** ### --- || together
    """,
    re.VERBOSE | re.DOTALL,
)

# A sentence ends at . ! ? or … (possibly followed by a closing quote or bracket) and the
# whitespace after it. Abbreviations such as "t.ex. " also split; that only makes the middle
# level a little finer and never affects correctness.
# The lookbehind makes a match start only at the beginning of a run of punctuation, which keeps
# a pathological run (thousands of dots) linear instead of quadratic.
_SENTENCE_END_RE = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’)\]]*\s+")


@dataclass(frozen=True, slots=True)
class Op:
    """One piece of a diff: text that is unchanged, inserted or deleted."""

    kind: Literal["equal", "insert", "delete"]
    text: str

    @property
    def html(self) -> SafeString:
        """This op as escaped inline HTML (usable in templates as ``{{ op.html }}``)."""
        return _op_html(self)


# --- Tokenising --------------------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """Split text into words, numbers, whitespace runs and punctuation runs (lossless)."""
    return [m.group(0) for m in _TOKEN_RE.finditer(text)]


def _split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _split_sentences(text: str) -> list[str]:
    units: list[str] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        units.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        units.append(text[start:])
    return units


# Coarse to fine. Only spans that differ at one level are split at the next.
_LEVELS: tuple[Callable[[str], list[str]], ...] = (_split_lines, _split_sentences, tokenize)


def _is_word(token: str) -> bool:
    first = token[0]
    return first.isalnum() or "\u0300" <= first <= "\u036f"


# --- Budgeted matching -------------------------------------------------------------------------


class _BudgetExceeded(Exception):
    pass


class _Budget:
    def __init__(self, limit: int, stats: dict | None) -> None:
        self.limit = limit
        self.spent = 0
        self.stats = stats if stats is not None else {}
        self.stats.update(
            budget=limit,
            work=0,
            matcher_calls=0,
            find_calls=0,
            max_pair=0,
            fallbacks=0,
            split_chars=0,
            units=0,
            operations=0,
            coarse=False,
        )

    def spend(self, cost: int, allowance: int) -> None:
        if cost > allowance or self.spent + cost > self.limit:
            raise _BudgetExceeded
        self.spent += cost
        self.stats["work"] = self.spent
        self.stats["find_calls"] += 1

    def opcodes(self, a: Sequence[str], b: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
        self.stats["matcher_calls"] += 1
        self.stats["max_pair"] = max(self.stats["max_pair"], len(a) * len(b))
        allowance = min(self.limit - self.spent, self.limit // _CALL_SHARE)
        matcher = _BudgetedMatcher(a, b, self, allowance)
        return matcher.get_opcodes()


class _BudgetedMatcher(SequenceMatcher):
    """A SequenceMatcher that pays for every find_longest_match() before doing it.

    find_longest_match(alo, ahi, ...) walks, for each a[i] in the range, the positions where a[i]
    occurs in b. Prefix sums of those occurrence counts give the exact upper bound of that walk in
    O(1), so the charge is taken *before* the work and an over-budget call never starts.
    """

    def __init__(self, a: Sequence[str], b: Sequence[str], budget: _Budget, allowance: int):
        super().__init__(None, a, b, autojunk=len(b) >= AUTOJUNK_MIN)
        self._budget = budget
        self._allowance = allowance
        b2j = self.b2j  # element -> positions in b, popular elements already removed
        prefix = [0]
        total = 0
        for element in a:
            total += len(b2j.get(element, ()))
            prefix.append(total)
        self._prefix = prefix

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        if ahi is None:
            ahi = len(self.a)
        if bhi is None:
            bhi = len(self.b)
        cost = (ahi - alo) + self._prefix[ahi] - self._prefix[alo]
        self._budget.spend(cost, self._allowance)
        self._allowance -= cost
        return super().find_longest_match(alo, ahi, blo, bhi)


# --- Diffing -----------------------------------------------------------------------------------


def diff_words(
    old: str, new: str, *, stats: dict | None = None, budget: int | None = None
) -> list[Op]:
    """Word-level diff of two texts as a list of ops (a replacement is delete + insert).

    Adjacent ops never share a kind. ``stats``, if given, is filled in with the work done:
    ``work`` (comparisons charged, never above ``budget``), ``matcher_calls``, ``find_calls``,
    ``max_pair`` (largest len(a) * len(b) handed to a matcher), ``fallbacks`` (spans shown
    coarser because the budget ran out), ``split_chars`` and ``units`` (characters split into
    lines, sentences and words, and the pieces they gave: at most three times the texts, one
    pass per level), ``operations`` (``work`` + ``units``: all the diff did, bounded by
    ``budget`` plus a multiple of the texts' length) and ``coarse`` (True when some part is
    shown whole rather than word by word: the texts differ too much, see COARSE_NOTICE).
    ``budget`` defaults to WORK_BUDGET.
    """
    tracker = _Budget(WORK_BUDGET if budget is None else budget, stats)
    ops: list[Op] = []
    _diff_level(old, new, 0, tracker, ops)
    result = _normalise(ops)
    tracker.stats["operations"] = tracker.stats["work"] + tracker.stats["units"]
    tracker.stats["coarse"] = tracker.stats["fallbacks"] > 0
    return result


def _diff_level(a: str, b: str, level: int, budget: _Budget, out: list[Op]) -> None:
    split = _LEVELS[level]
    a_units, b_units = split(a), split(b)
    budget.stats["split_chars"] += len(a) + len(b)
    budget.stats["units"] += len(a_units) + len(b_units)
    head, tail = _common_affix(a_units, b_units)
    a_mid = a_units[head : len(a_units) - tail]
    b_mid = b_units[head : len(b_units) - tail]
    out.append(Op(EQUAL, "".join(a_units[:head])))

    if not a_mid or not b_mid:
        out.append(Op(DELETE, "".join(a_mid)))
        out.append(Op(INSERT, "".join(b_mid)))
    elif len(a_mid) == 1 and len(b_mid) == 1:
        _replace(a_mid[0], b_mid[0], level, budget, out)
    else:
        try:
            opcodes = budget.opcodes(a_mid, b_mid)
        except _BudgetExceeded:
            budget.stats["fallbacks"] += 1
            out.append(Op(DELETE, "".join(a_mid)))
            out.append(Op(INSERT, "".join(b_mid)))
        else:
            local: list[Op] = []
            for tag, i1, i2, j1, j2 in opcodes:
                old_part, new_part = "".join(a_mid[i1:i2]), "".join(b_mid[j1:j2])
                if tag == "equal":
                    local.append(Op(EQUAL, old_part))
                elif tag == "replace":
                    _replace(old_part, new_part, level, budget, local)
                else:
                    local.append(Op(DELETE, old_part))
                    local.append(Op(INSERT, new_part))
            # Folding small equal islands only makes sense between word-level changes; at the
            # line level an unchanged paragraph between two changes (e.g. a moved one) must stay.
            if split is tokenize:
                local = _fold_small_equalities(local)
            out.extend(local)

    out.append(Op(EQUAL, "".join(a_units[len(a_units) - tail :])))


def _replace(old_part: str, new_part: str, level: int, budget: _Budget, out: list[Op]) -> None:
    if level + 1 < len(_LEVELS):
        _diff_level(old_part, new_part, level + 1, budget, out)
    else:
        out.append(Op(DELETE, old_part))
        out.append(Op(INSERT, new_part))


def _common_affix(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix, in units."""
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


# A change between two equalities, kept as (deleted text, inserted text).
_Segment = tuple[str, str] | str


def _segments(ops: Iterable[Op]) -> list[_Segment]:
    """Group ops into equal texts (str) and changes ((deleted, inserted)), dropping empties."""
    segments: list[_Segment] = []
    for op in ops:
        if not op.text:
            continue
        last = segments[-1] if segments else None
        if op.kind == EQUAL:
            if isinstance(last, str):
                segments[-1] = last + op.text
            else:
                segments.append(op.text)
        else:
            deleted, inserted = last if isinstance(last, tuple) else ("", "")
            if op.kind == DELETE:
                deleted += op.text
            else:
                inserted += op.text
            if isinstance(last, tuple):
                segments[-1] = (deleted, inserted)
            else:
                segments.append((deleted, inserted))
    return segments


def _fold(segments: list[_Segment], should_fold: Callable[[str, tuple, tuple], bool]) -> list:
    """Fold equal segments lying between two changes into one change where should_fold says so.

    Folding keeps both texts intact (the equal text goes into the deleted *and* the inserted
    side). A stack makes it a single pass: after each fold the grown change is re-checked
    against the equality before it, which may now be small enough to fold as well.
    """
    result: list[_Segment] = []
    for segment in segments:
        result.append(segment)
        while (
            len(result) >= 3
            and isinstance(result[-1], tuple)
            and isinstance(result[-2], str)
            and isinstance(result[-3], tuple)
            and should_fold(result[-2], result[-3], result[-1])
        ):
            after = result.pop()
            equal = result.pop()
            before = result.pop()
            result.append((before[0] + equal + after[0], before[1] + equal + after[1]))
    return result


def _from_segments(segments: Iterable[_Segment]) -> list[Op]:
    ops: list[Op] = []
    for segment in segments:
        if isinstance(segment, str):
            ops.append(Op(EQUAL, segment))
        else:
            if segment[0]:
                ops.append(Op(DELETE, segment[0]))
            if segment[1]:
                ops.append(Op(INSERT, segment[1]))
    return ops


def _fold_small_equalities(ops: list[Op]) -> list[Op]:
    # The rule from diff-match-patch's semantic cleanup: an equality no longer than the changes
    # on both sides of it carries too little to be worth splitting the change for.
    def small(equal: str, before: tuple[str, str], after: tuple[str, str]) -> bool:
        return len(equal) <= max(map(len, before)) and len(equal) <= max(map(len, after))

    return _from_segments(_fold(_segments(ops), small))


def _normalise(ops: list[Op]) -> list[Op]:
    """Merge same-kind neighbours, put deletes before inserts, fold whitespace-only islands,
    and slide pure insertions/deletions to the most natural boundary."""
    segments = _fold(_segments(ops), lambda equal, _b, _a: equal.isspace())
    return _from_segments(_segments(_from_segments(_slide(segments))))


def _boundary_score(text: str, cut: int) -> int:
    """How natural a cut of ``text`` before index ``cut`` is (higher is better)."""
    if cut <= 0 or cut >= len(text):
        return 7
    before, after = text[cut - 1], text[cut]
    if before == "\n":
        if text[cut - 2 : cut] == "\n\n":
            return 6  # right after a blank line: between paragraphs
        return 3 if after == "\n" else 5  # at the start of a line
    if before.isspace() or after.isspace():
        return 2
    if not before.isalnum() or not after.isalnum():
        return 1
    return 0


def _slide(segments: list[_Segment]) -> list[_Segment]:
    """Shift each pure insertion or deletion sideways to where it reads best.

    Deleting the first paragraph of "a\n\nb\n" can be shown as deleting "a\n\n" or, as a
    matcher working on lines may well report it, "a\n" followed by an unchanged "\n". Both are
    correct; readers expect whole paragraphs. Like diff-match-patch's lossless cleanup, the change
    slides over text it shares with its neighbours and the best-scoring cut wins (ties keep the
    matcher's position). Works on indices so that long slides stay linear.
    """
    segments = list(segments)
    for index in range(1, len(segments) - 1):
        change, before, after = segments[index], segments[index - 1], segments[index + 1]
        if not (isinstance(change, tuple) and isinstance(before, str) and isinstance(after, str)):
            continue
        if change[0] and change[1]:
            continue  # a replacement cannot slide: its two sides differ
        moving = change[0] or change[1]
        whole, size = before + moving + after, len(moving)
        # The change may start at any p with whole[p : p + size] a rotation of it, which is
        # reached one character at a time: left while whole[p - 1] == whole[p + size - 1], right
        # while whole[p] == whole[p + size].
        start = original = len(before)
        while start > 0 and whole[start - 1] == whole[start + size - 1]:
            start -= 1
        best, best_score = original, -1
        position = start
        while True:
            score = _boundary_score(whole, position) + _boundary_score(whole, position + size)
            if score > best_score or (score == best_score and position == original):
                best, best_score = position, score
            if position + size >= len(whole) or whole[position] != whole[position + size]:
                break
            position += 1
        segments[index - 1] = whole[:best]
        text = whole[best : best + size]
        segments[index] = (text, "") if change[0] else ("", text)
        segments[index + 1] = whole[best + size :]
    return segments


def diff_stats(ops: Iterable[Op]) -> tuple[int, int]:
    """(inserted words, deleted words). Numbers count as words; punctuation does not."""
    inserted = deleted = 0
    for op in ops:
        if op.kind == EQUAL:
            continue
        words = sum(1 for token in tokenize(op.text) if _is_word(token))
        if op.kind == INSERT:
            inserted += words
        else:
            deleted += words
    return inserted, deleted


# --- Rendering ---------------------------------------------------------------------------------


def _op_html(op: Op) -> SafeString:
    text = escape(op.text)  # user text: always escaped, never trusted
    if op.kind == EQUAL:
        return text
    tag, css = ("del", "diff-del") if op.kind == DELETE else ("ins", "diff-ins")
    if op.text.isspace():
        # A whitespace-only change is invisible unless styled; give CSS a hook for it.
        css += " diff-ws"
    return mark_safe(f'<{tag} class="{css}">{text}</{tag}>')  # noqa: S308 - text is escaped


def render_inline(ops: Iterable[Op]) -> SafeString:
    """Inline HTML (deletions and insertions interleaved); wrap it in ``<div class="diff">``."""
    return mark_safe("".join(_op_html(op) for op in ops))  # noqa: S308 - every part is escaped


def render_side_by_side(ops: Iterable[Op]) -> tuple[SafeString, SafeString]:
    """(before, after) HTML: before = equal + deletions, after = equal + insertions."""
    ops = list(ops)
    left = "".join(_op_html(op) for op in ops if op.kind != INSERT)
    right = "".join(_op_html(op) for op in ops if op.kind != DELETE)
    return mark_safe(left), mark_safe(right)  # noqa: S308 - every part is escaped


# --- Rendered text -----------------------------------------------------------------------------

# Private-use characters standing in for block boundaries while the tags are stripped.
_PARAGRAPH_BREAK = "\ue000"
_LINE_BREAK = "\ue001"
_CELL_BREAK = "\ue002"
_SENTINELS_RE = re.compile("[\ue000-\ue002]")
_PARAGRAPH_TAG_RE = re.compile(
    r"</?(?:p|h[1-6]|blockquote|pre|table|hr|div|figure|details|dl|section)\b[^>]*>", re.I
)
_LINE_TAG_RE = re.compile(
    r"</?(?:ul|ol|li|tr|thead|tbody|tfoot|caption|dt|dd|summary|br)\b[^>]*>", re.I
)
_CELL_TAG_RE = re.compile(r"</t[dh]\s*>", re.I)
# A cluster of boundaries with only whitespace between them; captured so re.split keeps it.
_BOUNDARY_RE = re.compile(r"([\ue000-\ue002](?:\s*[\ue000-\ue002])*)")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, with block boundaries kept as line breaks.

    Paragraph-like blocks are separated by a blank line, list items, table rows and <br> by a
    line break and table cells by a tab; the whitespace the HTML happens to have between blocks
    is dropped so that only the content decides what the reader sees as changed.
    """
    text = _SENTINELS_RE.sub("", str(fragment))
    text = _PARAGRAPH_TAG_RE.sub(lambda m: _PARAGRAPH_BREAK + m.group(0), text)
    text = _LINE_TAG_RE.sub(lambda m: _LINE_BREAK + m.group(0), text)
    text = _CELL_TAG_RE.sub(lambda m: _CELL_BREAK + m.group(0), text)
    text = html.unescape(strip_tags(text))

    # Whitespace next to a boundary is the HTML's formatting, not content: drop it. (Done with
    # split + strip rather than one regex so that long whitespace runs stay linear.)
    parts = _BOUNDARY_RE.split(text)
    pieces: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:
            if _PARAGRAPH_BREAK in part:
                pieces.append("\n\n")
            elif _LINE_BREAK in part:
                pieces.append("\n")
            else:
                pieces.append("\t")
            continue
        if index > 0:
            part = part.lstrip()
        if index < len(parts) - 1:
            part = part.rstrip()
        pieces.append(part)
    return "".join(pieces).strip()


def rendered_text(markdown_source: str) -> str:
    """The text a reader sees once the Markdown is rendered."""
    from apps.core.markdown import render_markdown  # the renderer is optional at import time

    return html_to_text(render_markdown(markdown_source))


def diff_rendered_text(
    old_markdown: str, new_markdown: str, *, stats: dict | None = None
) -> list[Op]:
    """Word diff of the rendered text (what readers see) rather than the Markdown source."""
    return diff_words(rendered_text(old_markdown), rendered_text(new_markdown), stats=stats)
