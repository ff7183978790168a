"""The project's single way to turn author-written Markdown into HTML that is safe to show.

Everything people write (knowledge-support text, remiss comments, feedback) goes through
``render_markdown``: python-markdown renders it, then the HTML is sanitised against one small
allow-list. Markdown lets authors write raw HTML, so the sanitiser — not the Markdown step — is
the security boundary, and it runs on every call.

Two sanitiser backends hold to the same allow-list and the same tests; ``settings.
MARKDOWN_SANITIZER`` chooses between them:

- ``"nh3"`` (default): Python binding to the Rust library Ammonia, built on the html5ever
  parser. It is maintained and about 27× faster than bleach.
- ``"bleach"``: the alternative. On 2026-06-05 bleach announced that it is no longer maintained
  and will get no more releases, security fixes included, so it is kept only as a fallback.
"""

import html as html_lib
import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from contextlib import contextmanager

import bleach
import markdown
import nh3
from bleach.html5lib_shim import Filter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.formats import number_format
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _l
from markdown import blockprocessors, inlinepatterns
from markdown import util as markdown_util
from markdown.extensions.tables import TableProcessor

logger = logging.getLogger(__name__)

# The allow-list, defined once for both backends. Deliberately small: no images, no style,
# no classes or ids, nothing that can run script, load a resource or submit a form.
ALLOWED_TAGS = frozenset(
    {
        "h1", "h2", "h3", "h4", "h5", "h6",
        "p", "br", "hr", "blockquote", "pre", "code",
        "ul", "ol", "li",
        "table", "thead", "tbody", "tr", "th", "td",
        "a", "strong", "em", "b", "i", "del", "s",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    # python-markdown's table alignment, emitted as an attribute so no style is needed.
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
}
# URLs without a scheme (relative paths, "#fragment") are allowed by both backends.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")

BACKENDS = ("nh3", "bleach")

_MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
_MARKDOWN_CONFIG = {"tables": {"use_align_attribute": True}}


class _LinkRelFilter(Filter):
    """Gives every link the same rel as nh3 does (bleach has no option for it)."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                token["data"][(None, "rel")] = LINK_REL
            yield token


def _url_is_allowed(url: str) -> bool:
    # Both libraries already check schemes, each in its own way. This second, shared check also
    # ignores invisible characters ("java\u200bscript:", "\u2028javascript:"): browsers read
    # those as harmless relative links, but other consumers (mail clients, exports) may not.
    cleaned = "".join(
        ch
        for ch in html_lib.unescape(url)
        if not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"))
    )
    match = _SCHEME.match(cleaned.lower())
    return match is None or match.group(1) in ALLOWED_URL_SCHEMES


def _nh3_attribute_filter(tag: str, name: str, value: str) -> str | None:
    return value if name != "href" or _url_is_allowed(value) else None


def _sanitize_nh3(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_nh3_attribute_filter,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _bleach_allows_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    return name != "href" or _url_is_allowed(value)


_bleach_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_bleach_allows_attribute,
    protocols=ALLOWED_URL_SCHEMES,
    strip=True,
    strip_comments=True,
    filters=[_LinkRelFilter],
)


def _sanitize_bleach(html: str) -> str:
    return _bleach_cleaner.clean(html)


_SANITIZERS = {"nh3": _sanitize_nh3, "bleach": _sanitize_bleach}


def sanitize_html(html: str, backend: str | None = None) -> str:
    """Reduces an HTML fragment to the allow-list, with the given or configured backend."""
    name = backend or getattr(settings, "MARKDOWN_SANITIZER", "nh3")
    try:
        sanitizer = _SANITIZERS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"MARKDOWN_SANITIZER must be one of {', '.join(BACKENDS)}, not {name!r}."
        ) from None
    return sanitizer(_valid_unicode(html))


# --- Rendering with a bounded cost -------------------------------------------------------------
#
# python-markdown has many paths that take time quadratic in the length of one paragraph or
# block: every unclosed "[" or "](" makes its link parser walk, character by character in
# Python, to the end of the paragraph (Python-Markdown issue #798); every inline match copies
# the whole paragraph; every heading, rule or quote line inside one block makes the block
# parser test the rest of the block again; the HTML block parser (html.parser) rescans after
# every unclosed tag; deep nesting of quotes or lists re-parses the text once per level. A few
# kilobytes typed by one author could hold a server worker for minutes (issue #8).
#
# Two measures keep every render bounded by the size of its input:
#
# 1. Before parsing, what only python-markdown's slow paths would read, and what no real text
#    has, is defused: a "<" that cannot start a tag, fences past the 24th, quote and list
#    nesting past 16 levels on one line, more than 32 headings or rules in one block. Defused
#    characters become private-use stand-ins that are turned back into the characters after
#    parsing, so they read as typed; everywhere else the text reaches the parser unchanged.
# 2. The parser is instrumented: its character-by-character scans, the copies of a paragraph
#    that each inline match makes, every inline pattern tried, every element and every step
#    of the block parser are charged against a work budget linear in the input (WORK_BASE +
#    WORK_PER_CHAR per character). When a text would spend more, parsing stops; if inline
#    markup was the trouble, the text is rendered again (with half the budget) with its
#    inline markup shown as typed (headings, lists and quotes kept), and otherwise, or should
#    that overrun too, as escaped plain paragraphs. HTML nested deeper than HTML_DEPTH_LIMIT
#    never reaches the sanitisers. Such a text is refused when it is saved
#    (validate_markdown_source), so the fallbacks only meet texts saved before the limit.
#
# A side effect worth having: inline patterns that cannot match a piece of text (it holds
# none of their characters) are not tried, which makes tables and lists several times faster
# to render, with the same result.
#
# render_markdown(text, stats={}) fills in the work done; tests/core/test_pathological_texts.py
# holds it to the budget for every shape that was slow.

# One unit of work is about a nanosecond of CPU on CPython 3.11 (bench/markdown_work.py
# measures it: between 0.3 and 2 ns for the shapes that reach the budget). Ordinary texts
# spend less than half of it: up to about 3,200 units a character for dense headings, lists
# and quotes, 2,000 for tables and lists of links, 300 for running text.
WORK_BASE = 20_000_000
WORK_PER_CHAR = 7_000
# What each charged operation costs, in units.
WORK_SCAN_PER_CHAR = 150  # a step of one of python-markdown's character-by-character loops
WORK_COPY_PER_CHAR = 2  # a character of a paragraph copied when an inline match replaces text
WORK_PATTERN = 4_000  # one inline pattern tried on one piece of text (plus a unit per character)
WORK_ELEMENT = 10_000  # one piece of text (an element's text or tail) through the inline stage
# One step of the block parser, by the processor that takes the block: (units, per character
# of the block; the processors' tests each read it). Nesting steps cost more (each level starts
# a new parse); a table builds its rows and cells in Python in one step.
WORK_BLOCK = (8_000, 30)
WORK_BLOCK_NESTING = (30_000, 30)
WORK_BLOCK_TABLE = (20_000, 500)

# Deeper nesting of HTML elements than this makes the sanitisers slow (html5ever's and
# html5lib's tree builders are quadratic in it); no real text comes near it.
HTML_DEPTH_LIMIT = 64

TIER_MARKDOWN = "markdown"
TIER_INLINE_AS_TYPED = "inline-as-typed"
TIER_PLAIN = "plain"

# Past these, a construct is shown as typed instead of parsed (see 1. above).
FENCE_LIMIT = 24
NESTING_LIMIT = 16
BLOCK_SPLIT_LIMIT = 32

# The per-process cache of rendered HTML holds at most this many characters (texts and their
# HTML together): a few tens of megabytes, whatever the texts.
CACHE_MAX_CHARS = 8_000_000

CAUSES = ("links", "code", "inline", "elements", "blocks", "nesting", "error")


class _WorkLimitExceeded(Exception):
    def __init__(self, cause: str):
        super().__init__(cause)
        self.cause = cause


class _Work:
    """The work budget of one parse; the instrumented parser charges it."""

    __slots__ = ("limit", "spent", "by_cause")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent = 0
        self.by_cause = dict.fromkeys(CAUSES, 0)

    def charge(self, units: int, cause: str) -> None:
        self.spent += units
        self.by_cause[cause] += units
        if self.spent > self.limit:
            raise _WorkLimitExceeded(max(self.by_cause, key=self.by_cause.__getitem__))


# The characters without which an inline pattern cannot match: a piece of text that has none
# of them is not handed to that pattern at all (the result is the same, and most pieces of
# text, a table cell or a list item, need only one or two of python-markdown's fourteen).
_PATTERN_TRIGGERS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("[",),
    "image_reference": ("[",),
    "short_reference": ("[",),
    "short_image_ref": ("[",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
}


def _instrument(md: markdown.Markdown) -> None:
    """Make one Markdown instance charge md.work (set before every convert) for everything it
    does that can cost more than linear time, and skip the inline patterns a text cannot
    match."""

    def charged_handle_match(original):
        def handle_match(m, data):
            result = original(m, data)
            node, start, _end = result
            if node is not None and start is not None:
                # A match replaces its text by a placeholder: a new copy of the paragraph.
                md.work.charge(len(data) * WORK_COPY_PER_CHAR, "inline")
            return result

        return handle_match

    def charged_get_text(original):
        def get_text(data, index):
            result = original(data, index)
            md.work.charge((result[1] - index + 1) * WORK_SCAN_PER_CHAR, "links")
            return result

        return get_text

    def charged_get_link(original):
        def get_link(data, index):
            href, title, end, handled = original(data, index)
            scanned = end - index
            # Unclosed, or closed by backtracking out of an unclosed title: the loop walked to
            # the end of the paragraph.
            if not handled or (
                title is None and ('"' in data[index:end] or "'" in data[index:end])
            ):
                scanned = len(data) - index
            md.work.charge((scanned + 1) * WORK_SCAN_PER_CHAR, "links")
            return href, title, end, handled

        return get_link

    def charged_find_code_spans(original):
        def find_code_spans(start, text):
            opened, closed = original(start, text)
            # An exact closing run returns at once; no closing run, or a shorter one taken as a
            # fallback (the opening run then goes on past `opened`), means a walk to the end.
            if closed is None or (opened < len(text) and text[opened] == "`"):
                scanned = len(text) - start
            else:
                scanned = closed + (opened - start) - start
            md.work.charge((scanned + 1) * WORK_SCAN_PER_CHAR, "code")
            return opened, closed

        return find_code_spans

    def charged_search(original):
        # The emphasis processor looks for the next delimiter one character at a time.
        def search(data, start):
            match = original(data, start)
            scanned = (match.start(0) if match is not None else len(data)) - start
            md.work.charge((scanned + 1) * WORK_SCAN_PER_CHAR, "inline")
            return match

        return search

    registry = md.inlinePatterns
    patterns = list(registry)
    triggers: list[frozenset[str] | None] = [None] * len(patterns)
    for name, needed in _PATTERN_TRIGGERS.items():
        if name in registry:
            triggers[registry.get_index_for_name(name)] = frozenset(needed)
    for index, pattern in enumerate(patterns):
        pattern.handleMatch = charged_handle_match(pattern.handleMatch)
        if hasattr(pattern, "getText"):
            pattern.getText = charged_get_text(pattern.getText)
        if hasattr(pattern, "getLink"):
            pattern.getLink = charged_get_link(pattern.getLink)
        if hasattr(pattern, "find_code_spans"):
            pattern.find_code_spans = charged_find_code_spans(pattern.find_code_spans)
        if isinstance(pattern, inlinepatterns.DelimiterProcessor):
            pattern.search = charged_search(pattern.search)
            triggers[index] = frozenset(pattern.delimiters)
    every_trigger = frozenset().union(*(t for t in triggers if t is not None))

    # The inline treeprocessor's loop over the patterns, as python-markdown 3.11 writes it
    # (InlineProcessor.__handleInline), with the charges and the skip added.
    inline = md.treeprocessors["inline"]
    apply_pattern = inline._InlineProcessor__applyPattern
    count = len(patterns)

    def handle_inline(data, patternIndex=0):  # noqa: N803 — python-markdown's name
        if isinstance(data, markdown_util.AtomicString):
            return data
        # Each piece of text is an element or the tail of one: python-markdown spends about as
        # much again on it outside this loop (tree walk, serialising, sanitising).
        md.work.charge(WORK_ELEMENT, "elements")
        present = frozenset(char for char in every_trigger if char in data)
        start = 0
        while patternIndex < count:
            needed = triggers[patternIndex]
            if needed is not None and needed.isdisjoint(present):
                patternIndex += 1
                start = 0
                continue
            md.work.charge(WORK_PATTERN + len(data), "inline")
            data, matched, start = apply_pattern(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data

    inline._InlineProcessor__handleInline = handle_inline

    def charged_run(original, units, per_char):
        # Every step of the block parser tests the processors on the first block, then runs
        # one; a block split again and again is tested again and again.
        def run(parent, blocks):
            md.work.charge(units + len(blocks[0]) * per_char, "blocks")
            return original(parent, blocks)

        return run

    for processor in md.parser.blockprocessors:
        if isinstance(processor, _NESTING_PROCESSORS):
            weight = WORK_BLOCK_NESTING
        elif isinstance(processor, TableProcessor):
            weight = WORK_BLOCK_TABLE
        else:
            weight = WORK_BLOCK
        processor.run = charged_run(processor.run, *weight)


_NESTING_PROCESSORS = (
    blockprocessors.OListProcessor,  # and UListProcessor, and sane_lists' versions
    blockprocessors.ListIndentProcessor,
    blockprocessors.BlockQuoteProcessor,
)


_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*+)[^<>]*+>")
_VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


def _html_depth(html: str) -> int:
    """How deeply the elements of an HTML fragment nest (counting stops past the limit)."""
    depth = deepest = 0
    for match in _HTML_TAG.finditer(html):
        if match.group(1):
            depth = max(depth - 1, 0)
        elif match.group(2).lower() not in _VOID_ELEMENTS and not match.group().endswith("/>"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > HTML_DEPTH_LIMIT:
                    break
    return deepest


# A Markdown instance is not thread-safe, and building one costs milliseconds (extension
# lookup): one per thread, reset before each use.
_local = threading.local()


def _parser() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=_MARKDOWN_EXTENSIONS, extension_configs=_MARKDOWN_CONFIG)
        md.work = _Work(0)
        _instrument(md)
        _local.md = md
    return md


def render_markdown(text: str | None, *, stats: dict | None = None) -> SafeString:
    """Renders Markdown to sanitised HTML. Never raises on text input; empty gives "".

    The cost is bounded by the length of the text (see above). ``stats``, if given, is filled
    in with ``chars`` (input length), ``parser_input`` (length of what the parser was given
    in the end), ``work`` (units charged over all attempts), ``limit`` (the budget of one
    attempt), ``tier`` (TIER_MARKDOWN, or the fallback used), ``cause`` (what exhausted the
    budget: one of CAUSES; None when nothing did), ``defused`` (characters shown as typed
    before parsing), ``html`` and ``depth`` (the length and the nesting depth of the HTML
    handed to the sanitiser).
    """
    if not text:
        if stats is not None:
            stats.update(_empty_stats())
        return SafeString("")
    text = str(text)
    key = (text, getattr(settings, "MARKDOWN_SANITIZER", "nh3"))
    cached = _cache.get(key)
    if cached is None:
        html, result = _render(*key)
        cached = (html, tuple(result.items()))
        _cache.put(key, cached, size=len(text) + len(html))
    if stats is not None:
        stats.update(cached[1])
    for records in getattr(_local, "recorders", ()):
        records.append(dict(cached[1]))
    return cached[0]


@contextmanager
def recorded_renders():
    """A list that every render_markdown() call of this thread adds its stats to, for as long
    as the block runs: lets a test see the work done behind a page."""
    records: list[dict] = []
    recorders = _local.__dict__.setdefault("recorders", [])
    recorders.append(records)
    try:
        yield records
    finally:
        recorders.remove(records)


def _empty_stats() -> dict:
    return {
        "chars": 0,
        "parser_input": 0,
        "work": 0,
        "limit": WORK_BASE,
        "tier": TIER_MARKDOWN,
        "cause": None,
        "defused": 0,
        "html": 0,
        "depth": 0,
    }


class _SizedLRU:
    """A least-recently-used cache bounded by the total size of what it holds."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._items: OrderedDict = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key, value, *, size: int) -> None:
        if size > self.max_size:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self._size += size
            while self._size > self.max_size:
                _key, (_value, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


# Rendering is a pure function of the text and the sanitiser, and the same blocks are shown
# again and again (editor, edition page, history, comparisons): keep recent results in the
# process.
_cache = _SizedLRU(CACHE_MAX_CHARS)


def clear_render_cache() -> None:
    """Forget every rendered text (for tests and the bench, which measure rendering)."""
    _cache.clear()


def _render(text: str, backend: str) -> tuple[SafeString, dict]:
    source = _normalise(_valid_unicode(text))
    limit = WORK_BASE + WORK_PER_CHAR * len(source)
    stats = {**_empty_stats(), "chars": len(text), "limit": limit}
    html = _parse(source, _defuse, TIER_MARKDOWN, limit, stats)
    # Showing inline markup as typed helps only when inline markup was the trouble; that
    # attempt gets half the budget.
    if html is None and stats["cause"] in ("links", "code", "inline", "nesting"):
        html = _parse(source, _inline_as_typed, TIER_INLINE_AS_TYPED, limit // 2, stats)
    if html is None:
        stats.update(tier=TIER_PLAIN, parser_input=0, defused=0)
        html = linebreaks(escape(text))
    # What the sanitiser gets: its cost grows with the length and, for both backends'
    # tree builders, with the square of the nesting depth.
    stats.update(html=len(html), depth=_html_depth(html))
    # The sanitiser runs on every tier: one path to the page, one boundary.
    return mark_safe(sanitize_html(html, backend)), stats  # noqa: S308 — sanitised just above


def _parse(source: str, prepare, tier: str, limit: int, stats: dict) -> str | None:
    """One attempt: the HTML, or None when the text overran the budget or the parser."""
    parser_input, defused = prepare(source)
    stats.update(tier=tier, parser_input=len(parser_input), defused=defused)
    md = _parser()
    md.reset()
    md.work = work = _Work(limit)
    try:
        html = md.convert(parser_input)
    except Exception as exc:
        # A parse stopped halfway leaves the instance's state (the block parser's state
        # stack, the inline stash) in no known shape: the next render gets a new one.
        _local.md = None
        if isinstance(exc, _WorkLimitExceeded):
            stats["cause"] = stats["cause"] or exc.cause
        else:
            # python-markdown recurses on nesting and can fail on odd input; the reader
            # should still see the text.
            logger.warning("Markdown rendering failed (%r); trying a simpler rendering", exc)
            stats["cause"] = stats["cause"] or "error"
        return None
    finally:
        stats["work"] += work.spent
        md.work = _Work(0)
    if _html_depth(html) > HTML_DEPTH_LIMIT:
        stats["cause"] = stats["cause"] or "nesting"
        return None
    return html.translate(_RESTORE)


# --- Defusing -------------------------------------------------------------------------------------

# Private-use characters that stand for a character the parser must not read. After parsing
# they become the character again, escaped as HTML text needs it. Any of them in the input is
# replaced first, so that only the defuser's own reach the parser.
_STAND_INS = {
    "<": "\uf8f0",
    ">": "\uf8f1",
    "&": "\uf8f2",
    "`": "\uf8f3",
    "~": "\uf8f4",
    "[": "\uf8f5",
    "]": "\uf8f6",
    "*": "\uf8f7",
    "_": "\uf8f8",
    "\\": "\uf8f9",
    "!": "\uf8fa",
    "#": "\uf8fb",
    "-": "\uf8fc",
    "=": "\uf8fd",
    "+": "\uf8fe",
    ".": "\uf8ef",
}
_RESTORE = {
    ord(stand_in): html_lib.escape(char, quote=False) for char, stand_in in _STAND_INS.items()
}
_FOREIGN_STAND_INS = {ord(stand_in): "\ufffd" for stand_in in _STAND_INS.values()}


def _normalise(text: str) -> str:
    # What python-markdown does first anyway (line ends, tabs to 4 spaces), done here so that
    # the defuser sees lines and columns as the parser will.
    text = text.translate(_FOREIGN_STAND_INS)
    return text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)


_ANGLE = re.compile(r"[<>]")
_FENCE_LINE = re.compile(r"^(?:~{3}|`{3})", re.MULTILINE)
# The markers that open a line's quotes and lists, one after the other. Possessive, so that a
# line cannot make the engine try every way of sharing its spaces between the markers.
_BLOCK_PREFIX = re.compile(r"^(?:[ ]{0,3}+>[ ]?+|[ ]*+(?:[*+-]|\d++\.)[ ]++)*+", re.MULTILINE)
_NESTING_MARKER = re.compile(r">|[*+-](?= )|\d+(\.)")
# Lines that make the block parser split a block: ATX headings, rules, setext underlines.
_SPLIT_LINE = re.compile(
    r"^(?:#|[ ]{0,3}+(?:[-*_][ ]{0,2}+){3,}+$|=++[ ]*+$|-++[ ]*+$)", re.MULTILINE
)
_BLANK_LINES = re.compile(r"\n[ ]*\n")


def _defuse(text: str) -> tuple[str, int]:
    """The text with what only the parser's slow paths would read shown as typed; the rendering
    of every ordinary text is unchanged. Returns the text and how many characters changed."""
    chars = list(text)
    changed = 0

    def defuse(index: int) -> None:
        nonlocal changed
        char = chars[index]
        if char in _STAND_INS:
            chars[index] = _STAND_INS[char]
            changed += 1

    # A "<" is a tag only if a ">" closes it before the next "<", with its quotes closed;
    # any other "<" is text, but html.parser rescans the rest of the text after each one.
    angles = [(m.start(), m.group()) for m in _ANGLE.finditer(text)]
    for position, (index, char) in enumerate(angles):
        if char != "<":
            continue
        following = angles[position + 1] if position + 1 < len(angles) else None
        if following is None or following[1] != ">":
            defuse(index)
            continue
        inside = text[index : following[0]]
        if inside.count('"') % 2 or inside.count("'") % 2:
            defuse(index)

    # The fenced-code preprocessor searches the whole text again after each fence.
    for count, match in enumerate(_FENCE_LINE.finditer(text), start=1):
        if count > FENCE_LIMIT:
            defuse(match.start())

    # Each level of nesting re-parses what it holds.
    for match in _BLOCK_PREFIX.finditer(text):
        if match.end() - match.start() <= NESTING_LIMIT:
            continue
        markers = _NESTING_MARKER.finditer(text, match.start(), match.end())
        for seen, marker in enumerate(markers, start=1):
            if seen > NESTING_LIMIT:
                defuse(marker.end() - 1)

    # Each heading or rule inside one block makes the block parser test the rest again.
    block_start = 0
    for block_end in [m.start() for m in _BLANK_LINES.finditer(text)] + [len(text)]:
        for count, match in enumerate(_SPLIT_LINE.finditer(text, block_start, block_end), start=1):
            if count > BLOCK_SPLIT_LIMIT:
                index = match.start()
                while text[index] == " ":
                    index += 1
                defuse(index)
        block_start = block_end

    return ("".join(chars) if changed else text), changed


# The characters that start inline markup; shown as typed in the second tier.
_INLINE_MARKUP = re.compile(r"[`\\\[\]!<&*_]| {2,}$")


def _inline_as_typed(text: str) -> tuple[str, int]:
    """The text with every character that starts inline markup shown as typed, outside the
    markers that give lines their structure."""
    defused, _ = _defuse(text)
    pieces = []
    changed = 0
    position = 0
    for line in _BLOCK_PREFIX.finditer(defused):
        start = line.end()
        end = defused.find("\n", start)
        end = len(defused) if end < 0 else end
        pieces.append(defused[position:start])
        rest, count = _INLINE_MARKUP.subn(_stand_in, defused[start:end])
        pieces.append(rest)
        changed += count
        position = end
    pieces.append(defused[position:])
    return "".join(pieces), changed


def _stand_in(match: re.Match) -> str:
    char = match.group()
    # Two spaces at the end of a line would make a line break: one is enough for the text.
    return " " if char.isspace() else _STAND_INS[char]


# --- Refusing at save -------------------------------------------------------------------------

_TOO_COMPLEX = {
    "links": _l(
        "Texten har för många hakparenteser [ ] eller länkar som inte avslutas i samma "
        "stycke för att kunna visas. Avsluta eller ta bort dem, eller dela upp texten i fler "
        "stycken med en tom rad emellan."
    ),
    "code": _l(
        "Texten har för många bakåtfnuttar (`) som inte avslutas i samma stycke för att kunna "
        "visas. Avsluta eller ta bort dem, eller dela upp texten i fler stycken med en tom rad "
        "emellan."
    ),
    "inline": _l(
        "Texten har för många formateringstecken (till exempel * _ & < eller \\) i samma "
        "stycke för att kunna visas. Dela upp texten i fler stycken med en tom rad emellan."
    ),
    "elements": _l(
        "Texten har för många stycken, listpunkter eller tabellceller för att kunna visas "
        "som ett block. Dela upp den i flera block."
    ),
    "blocks": _l(
        "Texten har för många rubriker, listnivåer eller citatnivåer (>) utan tom rad emellan "
        "för att kunna visas. Lägg in tomma rader eller förenkla strukturen."
    ),
    "nesting": _l(
        "Texten har för djupt inskjutna listor, citat eller HTML-element för att kunna visas. "
        "Förenkla strukturen."
    ),
    "error": _l(
        "Texten kan inte visas formaterad. Förenkla Markdown-koden, till exempel djupt "
        "inskjutna listor eller citat."
    ),
}


def validate_markdown_source(value: str | None) -> None:
    """Refuses a text that is too long (settings.MARKDOWN_SOURCE_MAX_CHARS) or that cannot be
    rendered as written within the work budget, with a message in Swedish saying why."""
    if not value:
        return
    limit = getattr(settings, "MARKDOWN_SOURCE_MAX_CHARS", 100_000)
    if len(value) > limit:
        raise ValidationError(
            _l("Texten får vara högst %(limit)s tecken lång; den här har %(length)s."),
            code="markdown_too_long",
            params={
                "limit": number_format(limit, force_grouping=True),
                "length": number_format(len(value), force_grouping=True),
            },
        )
    stats: dict = {}
    render_markdown(value, stats=stats)
    if stats["tier"] != TIER_MARKDOWN:
        raise ValidationError(
            _TOO_COMPLEX.get(stats["cause"], _TOO_COMPLEX["error"]), code="markdown_too_complex"
        )


def _valid_unicode(text: str) -> str:
    # A Python str can hold lone surrogates (e.g. from JSON "\ud800"); nh3 cannot encode them
    # to UTF-8 and would raise, so they become U+FFFD.
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
