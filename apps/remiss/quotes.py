"""Quoted passages in the text that went out: where a comment's quote sits in a block, and
the block's sanitised HTML with those passages marked.

A comment's anchor keeps the quote and where it starts in the block's text as the reader saw
it: the text content of the block's rendered HTML (what a browser's selection counts). The
marking never re-renders or re-sanitises: it walks the sanitised HTML, copies every tag as it
is and puts `<mark>` only inside text, so that the HTML stays exactly as well-formed and as
safe as it was."""

from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

CONTEXT_CHARS = 60


class _Parts(HTMLParser):
    """The HTML as a list of ("tag", raw markup) and ("text", unescaped text) parts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(("tag", self.get_starttag_text() or f"<{tag}>"))

    def handle_startendtag(self, tag, attrs):
        self.parts.append(("tag", self.get_starttag_text() or f"<{tag}>"))

    def handle_endtag(self, tag):
        self.parts.append(("tag", f"</{tag}>"))

    def handle_data(self, data):
        self.parts.append(("text", data))


def _parts(html: str) -> list[tuple[str, str]]:
    parser = _Parts()
    parser.feed(html or "")
    parser.close()
    return parser.parts


def plain_text(html: str) -> str:
    """The block's text as a reader selects in it: the text content of its HTML."""
    return "".join(value for kind, value in _parts(html) if kind == "text")


def locate(text: str, quote: str, start: int | None) -> int | None:
    """Where the quote is in the text: at `start` if it is there, else the occurrence
    nearest to `start` (the first without one); None when the text does not hold it."""
    if not quote:
        return None
    if start is not None and text[start : start + len(quote)] == quote:
        return start
    found = []
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    if not found:
        return None
    return min(found, key=lambda i: abs(i - (start or 0)))


def _merged(ranges) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def highlight_html(html: str, ranges) -> SafeString:
    """The sanitised HTML with `<mark>` around each (start, end) range of its text content.
    A range that crosses a tag is marked piece by piece, each piece inside one text node."""
    ranges = _merged(ranges)
    if not ranges:
        return mark_safe(html or "")  # noqa: S308 - already sanitised when the snapshot was taken
    out = []
    offset = 0
    for kind, value in _parts(html):
        if kind == "tag":
            out.append(value)
            continue
        end_of_text = offset + len(value)
        cursor = offset
        for start, end in ranges:
            if end <= cursor or start >= end_of_text:
                continue
            lo, hi = max(start, cursor), min(end, end_of_text)
            out.append(escape(value[cursor - offset : lo - offset], quote=False))
            out.append("<mark>" + escape(value[lo - offset : hi - offset], quote=False) + "</mark>")
            cursor = hi
        out.append(escape(value[cursor - offset :], quote=False))
        offset = end_of_text
    return mark_safe("".join(out))  # noqa: S308 - tags copied as sanitised, text escaped


def quote_in_context(
    text: str, quote: str, at: int | None, width: int = CONTEXT_CHARS
) -> SafeString:
    """The quote marked, with a little of the text around it when it was found there."""
    marked = "<mark>" + escape(quote, quote=False) + "</mark>"
    if at is None:
        return mark_safe(marked)  # noqa: S308 - escaped above
    before = text[max(0, at - width) : at]
    after = text[at + len(quote) : at + len(quote) + width]
    lead = "…" if at - width > 0 else ""
    tail = "…" if at + len(quote) + width < len(text) else ""
    return mark_safe(  # noqa: S308 - every piece escaped
        lead + escape(before, quote=False) + marked + escape(after, quote=False) + tail
    )
