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
import unicodedata
from functools import lru_cache

import bleach
import markdown
import nh3
from bleach.html5lib_shim import Filter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

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


def render_markdown(text: str | None) -> SafeString:
    """Renders Markdown to sanitised HTML. Never raises on text input; empty gives ""."""
    if not text:
        return SafeString("")
    return _render_cached(str(text), getattr(settings, "MARKDOWN_SANITIZER", "nh3"))


# Rendering is a pure function of the text and the sanitiser, and the same blocks are shown
# again and again (editor, edition page, history, comparisons): keep recent results in the
# process. Bounded, so memory stays a few megabytes.
@lru_cache(maxsize=2048)
def _render_cached(text: str, backend: str) -> SafeString:
    text = _defuse_pathological(_valid_unicode(text))
    try:
        html = markdown.markdown(
            text, extensions=_MARKDOWN_EXTENSIONS, extension_configs=_MARKDOWN_CONFIG
        )
    except Exception as exc:
        # python-markdown recurses on nesting (e.g. thousands of "- - - -") and can fail on
        # odd input; the reader should still see the text, so fall back to escaped paragraphs.
        logger.warning("Markdown rendering failed (%r); showing the text unformatted", exc)
        html = linebreaks(escape(text))
    # The sanitiser runs on the fallback too: one path to the page, one boundary.
    return mark_safe(sanitize_html(html, backend))  # noqa: S308 — sanitised just above


# python-markdown's inline patterns take time quadratic in the number of unclosed "[" or "<"
# in one paragraph (Python-Markdown issue #798): 1,500 of them cost seconds per render, and
# the editor renders on every keystroke. No real paragraph has hundreds of them, so past the
# limit they become character references: shown as typed, never parsed.
PATHOLOGICAL_LIMIT = 200


def _defuse_pathological(text: str) -> str:
    if text.count("[") <= PATHOLOGICAL_LIMIT and text.count("<") <= PATHOLOGICAL_LIMIT:
        return text
    paragraphs = text.split("\n\n")
    for index, paragraph in enumerate(paragraphs):
        if paragraph.count("[") > PATHOLOGICAL_LIMIT:
            paragraph = paragraph.replace("[", "&#91;")
        if paragraph.count("<") > PATHOLOGICAL_LIMIT:
            paragraph = paragraph.replace("<", "&lt;")
        paragraphs[index] = paragraph
    return "\n\n".join(paragraphs)


def _valid_unicode(text: str) -> str:
    # A Python str can hold lone surrogates (e.g. from JSON "\ud800"); nh3 cannot encode them
    # to UTF-8 and would raise, so they become U+FFFD.
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
