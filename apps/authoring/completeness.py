"""The completeness check an edition must pass before it leaves the authors (used by the
workflow). Each unmet point names its reason and the block or section it is about.

The check is linear in the size of the texts (every pattern reads each character once) and
remembers its answer per block content, so the edition page, the step page and the step itself
(under the edition's row lock) may each ask without cost."""

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from .models import Block, BlockKind, Edition, Section

# A Markdown link [text](address "title"), not an image. The text and the address hold no
# "[" or "]", so that a link is looked for only between one "[" and the next: every character
# is read once, whatever the text. (A single pattern over the whole text, with a text part
# that could hold "[", read the rest of the text again from every "[": 80 KB of "[a](" took a
# minute, issue #8.) Possessive, so that nothing inside one window is read twice either.
_LINK_AT = re.compile(
    r"\[[^\[\]]*+\]\(\s*+<?(?P<url>[^)\s>\[\]]*+)>?(?:\s++\"[^\"\[\]]*+\")?\s*+\)"
)
BARE_URL = re.compile(r"https?://\S*+")
EMPTY_HEADING = re.compile(r"^[^\S\n]{0,3}+#{1,6}+[^\S\n]*+#*+[^\S\n]*+$", re.MULTILINE)
_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()


@dataclass(frozen=True)
class Problem:
    message: str
    section: Section | None = None
    block: Block | None = None

    @property
    def anchor(self) -> str:
        if self.block is not None:
            return f"block-{self.block.uid}"
        return f"section-{self.section.key}" if self.section else ""


def link_problem(url: str) -> str | None:
    """Why a link target is not well formed, or None when it is."""
    if not url:
        return "en länk saknar adress"
    if url.startswith("#"):
        return None
    scheme = urlsplit(url).scheme.lower()
    if scheme == "mailto":
        try:
            _email(url[len("mailto:") :])
        except ValidationError:
            return f"e-postlänken {url} är inte en giltig adress"
        return None
    if scheme not in {"http", "https"}:
        return f"länken {url} ska börja med https:// (eller http:// eller mailto:)"
    try:
        _url(url)
    except ValidationError:
        return f"länken {url} är inte en giltig webbadress"
    return None


def markdown_links(text: str, stats: dict | None = None) -> list[tuple[int, int, str]]:
    """The Markdown links of a text as (start, end, address), in order. Reads each character
    once; ``stats["work"]``, if given, grows by the characters read."""
    links = []
    opening = text.find("[")
    read = len(text) if opening < 0 else opening
    while opening >= 0:
        following = text.find("[", opening + 1)
        end = len(text) if following < 0 else following
        read += end - opening
        if opening == 0 or text[opening - 1] != "!":
            # endpos: the pattern cannot read past the next "[".
            match = _LINK_AT.match(text, opening, end)
            if match:
                links.append((match.start(), match.end(), match["url"]))
        opening = following
    if stats is not None:
        stats["work"] = stats.get("work", 0) + read
    return links


def content_problems(content: dict, *, stats: dict | None = None) -> list[str]:
    """Why a block's content (Block.content()) is not ready, in the order of the text. Linear
    in the size of the text; ``stats["work"]``, if given, counts the characters scanned (and
    the answer is then worked out afresh rather than remembered)."""
    if stats is not None:
        return _content_problems(content, stats)
    digest = Block.hash_content(content)
    with _remembered_lock:
        remembered = _remembered.get(digest)
        if remembered is not None:
            _remembered.move_to_end(digest)
            return list(remembered)
    problems = _content_problems(content, None)
    with _remembered_lock:
        _remembered[digest] = tuple(problems)
        if len(_remembered) > REMEMBERED_CONTENTS:
            _remembered.popitem(last=False)
    return problems


# The same blocks are checked again and again (the edition page, the step page, the step):
# the answer is remembered by content hash, so that the texts themselves are not kept.
REMEMBERED_CONTENTS = 4096
_remembered: OrderedDict[str, tuple[str, ...]] = OrderedDict()
_remembered_lock = threading.Lock()

# A text with thousands of broken links gets a readable list, not thousands of lines.
LINK_PROBLEMS_SHOWN = 10


def _content_problems(content: dict, stats: dict | None) -> list[str]:
    body = content.get("body") or ""
    references = content.get("references") or ""
    reasons = []
    if not body.strip():
        reasons.append("blocket är tomt")
    if not content.get("care_level"):
        reasons.append("vårdnivå saknas")
    if content.get("kind") == BlockKind.RECOMMENDATION:
        if not content.get("strength"):
            reasons.append("rekommendationen saknar styrka (bör, kan, bör inte …)")
        if not content.get("basis"):
            reasons.append("rekommendationen saknar underlag (vetenskap eller beprövad erfarenhet)")
    if stats is not None:
        stats["work"] = stats.get("work", 0) + len(body)  # the heading search
    if EMPTY_HEADING.search(body):
        reasons.append("texten har en tom rubrik")
    link_reasons = []
    for _start, _end, url in markdown_links(body, stats):
        if problem := link_problem(url):
            link_reasons.append(problem)
    reasons.extend(_at_most(link_reasons, ""))
    reference_reasons = []
    for line in references.splitlines():
        links = markdown_links(line, stats)
        # Bare addresses outside Markdown links; the links themselves are checked below.
        outside = " ".join(line[a:b] for a, b in _gaps(links, len(line)))
        if stats is not None:
            stats["work"] = stats.get("work", 0) + len(line)
        for url in BARE_URL.findall(outside):
            if problem := link_problem(url.rstrip(".,;)")):
                reference_reasons.append(problem)
        for _start, _end, url in links:
            if problem := link_problem(url):
                reference_reasons.append(problem)
    reasons.extend(_at_most(reference_reasons, "referens: "))
    return reasons


def _at_most(problems: list[str], prefix: str) -> list[str]:
    shown = [f"{prefix}{problem}" for problem in problems[:LINK_PROBLEMS_SHOWN]]
    if len(problems) > LINK_PROBLEMS_SHOWN:
        shown.append(
            f"{prefix}ytterligare {len(problems) - LINK_PROBLEMS_SHOWN} länkar är inte välformade"
        )
    return shown


def _gaps(links: list[tuple[int, int, str]], length: int):
    position = 0
    for start, end, _url in links:
        yield position, start
        position = end
    yield position, length


def block_problems(block: Block) -> list[str]:
    return content_problems(block.content())


def check_edition(edition: Edition) -> list[Problem]:
    """All unmet points, in the order of the text. Two queries, whatever the size."""
    sections = list(edition.sections.all())
    blocks = list(Block.objects.filter(edition=edition).order_by("section__position", "position"))
    by_section: dict[int, list[Block]] = {}
    for block in blocks:
        by_section.setdefault(block.section_id, []).append(block)
    problems = []
    for section in sections:
        own = by_section.get(section.pk, [])
        if section.required and not any(b.body.strip() for b in own):
            problems.append(
                Problem(f"Avsnittet ”{section.title}” är obligatoriskt men saknar text.", section)
            )
        for index, block in enumerate(own, start=1):
            for reason in block_problems(block):
                problems.append(
                    Problem(
                        f"{section.title}, block {index}: {reason}.", section=section, block=block
                    )
                )
    return problems
