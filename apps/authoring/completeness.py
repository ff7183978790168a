"""The completeness check an edition must pass before it leaves the authors (used by the
workflow). Each unmet point names its reason and the block or section it is about."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from .models import Block, BlockKind, Edition, Section

MARKDOWN_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
BARE_URL = re.compile(r"https?://\S*")
EMPTY_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*#*\s*$", re.MULTILINE)
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


def block_problems(block: Block) -> list[str]:
    reasons = []
    if not block.body.strip():
        reasons.append("blocket är tomt")
    if not block.care_level:
        reasons.append("vårdnivå saknas")
    if block.kind == BlockKind.RECOMMENDATION:
        if not block.strength:
            reasons.append("rekommendationen saknar styrka (bör, kan, bör inte …)")
        if not block.basis:
            reasons.append("rekommendationen saknar underlag (vetenskap eller beprövad erfarenhet)")
    if EMPTY_HEADING.search(block.body):
        reasons.append("texten har en tom rubrik")
    for _text, url in MARKDOWN_LINK.findall(block.body):
        if problem := link_problem(url):
            reasons.append(problem)
    for line in block.references.splitlines():
        # Bare addresses outside Markdown links; the links themselves are checked below.
        for url in BARE_URL.findall(MARKDOWN_LINK.sub(" ", line)):
            if problem := link_problem(url.rstrip(".,;)")):
                reasons.append(f"referens: {problem}")
        for _text, url in MARKDOWN_LINK.findall(line):
            if problem := link_problem(url):
                reasons.append(f"referens: {problem}")
    return reasons


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
