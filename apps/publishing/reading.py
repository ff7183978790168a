"""What the reading site's pages show, built from publication snapshots only.

Each function here gathers one page's data in a fixed number of queries, whatever the size
of the support: the views cache what the templates make of it (apps/publishing/cache.py), so
this runs once per support, care level and publication, not once per reader.

Nothing here reads a live Block row or renders Markdown: the blocks' HTML was rendered and
sanitised when the snapshot was taken. The one exception is the remiss response table, which
the remiss app reads (it follows each comment into the round's own edition, which is
published and frozen by then: see `response_rounds`)."""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from apps.authoring.models import (
    Basis,
    BlockKind,
    CareLevel,
    Depth,
    Edition,
    SnapshotBlock,
    SnapshotSection,
    Strength,
    Support,
)
from apps.authoring.workflow_states import EditionState
from apps.core.diff import diff_words, html_to_text, render_inline

from . import selectors

# ---------------------------------------------------------------- the care-level switch

LEVEL_PARAMETER = "vardniva"
LEVEL_COOKIE = "vardniva"
LEVEL_COOKIE_SECONDS = 365 * 24 * 3600
PRIMARY, SPECIALISED, ALL = "primarvard", "specialiserad", "alla"
DEFAULT_LEVEL = ALL
LEVEL_LABELS = {
    PRIMARY: gettext_lazy("Primärvård"),
    SPECIALISED: gettext_lazy("Specialiserad vård"),
    ALL: gettext_lazy("Båda vårdnivåerna"),
}
# Blocks marked for the other level are what each choice hides; blocks for both levels, and
# any without a level, are always shown.
_HIDDEN_AT = {PRIMARY: CareLevel.SPECIALISED, SPECIALISED: CareLevel.PRIMARY, ALL: None}
# A link to a block for one level only opens the page at that level, so that whoever follows
# it sees the block whatever level they chose before.
_LEVEL_OF = {CareLevel.PRIMARY: PRIMARY, CareLevel.SPECIALISED: SPECIALISED}


def chosen_level(request) -> tuple[str, bool]:
    """The care level to show and whether the reader chose it in this request (a valid
    `?vardniva=`); otherwise the remembered one, otherwise both. Anything else is ignored."""
    asked = request.GET.get(LEVEL_PARAMETER)
    if asked in _HIDDEN_AT:
        return asked, True
    remembered = request.COOKIES.get(LEVEL_COOKIE)
    if remembered in _HIDDEN_AT:
        return remembered, False
    return DEFAULT_LEVEL, False


def shown_at(level: str, care_level: str) -> bool:
    hidden = _HIDDEN_AT[level]
    return hidden is None or care_level != hidden


# ---------------------------------------------------------------- the text


@dataclass
class BlockView:
    block: SnapshotBlock
    anchor: str
    html: SafeString
    references_html: SafeString
    link: str  # the address a reader copies
    is_recommendation: bool
    in_depth: bool
    strength: str = ""
    strength_label: str = ""
    basis_label: str = ""
    care_level_label: str = ""  # only for a block of one level
    change_label: str = ""

    @property
    def should_not(self) -> bool:
        return self.strength == Strength.SHOULD_NOT


@dataclass
class SectionView:
    section: SnapshotSection
    anchor: str
    level: int  # the heading's level on this page: 2 or 3
    blocks: list[BlockView]

    @property
    def link(self) -> str:
        return f"#{self.anchor}"


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _headings_below(html: str, level: int) -> SafeString:
    """A block's own headings come after its section's: an author's "# Dosering" is not a
    second h1 of the page, and the outline stays in order for screen readers. The HTML is the
    sanitiser's, whose headings carry no attributes, so renaming the tags keeps it valid."""
    floor = min(level + 1, 6)

    def lower(match):
        return f"<{match.group(1)}h{max(int(match.group(2)), floor)}"

    return mark_safe(_HEADING.sub(lower, html))  # noqa: S308 - sanitised when snapshotted


def anchors(blocks) -> dict:
    """uid -> anchor id: `rek-` and the uid's first eight characters for a recommendation,
    `stycke-` for a text block; the whole uid where eight characters would repeat."""
    unique = {b.uid: b for b in blocks}.values()
    short = Counter(str(b.uid)[:8] for b in unique)
    out = {}
    for b in unique:
        prefix = "rek" if b.kind == BlockKind.RECOMMENDATION else "stycke"
        key = str(b.uid)[:8]
        out[b.uid] = f"{prefix}-{key if short[key] == 1 else b.uid.hex}"
    return out


def section_anchor(section: SnapshotSection) -> str:
    return f"avsnitt-{section.key}"


def _labels(choices) -> dict:
    # A choice's label goes through the translation machinery: look each up once a page.
    return {value: str(label) for value, label in choices}


def text_of(sections: list[SnapshotSection], *, level: str, path: str):
    """The sections a reader at `level` sees, each with its blocks, and how many blocks the
    level hides. Sections with nothing to show are left out, heading included; a level-3
    heading whose level-2 heading is left out moves up, so that no level is skipped."""
    blocks = [b for s in sections for b in s.blocks.all()]
    ids = anchors(blocks)
    strengths, bases, care_levels = (
        _labels(Strength.choices),
        _labels(Basis.choices),
        _labels(CareLevel.choices),
    )
    shown, hidden, last_level = [], 0, 1
    for section in sections:
        views = []
        heading_level = min(max(section.heading_level, 2), last_level + 1, 3)
        for b in section.blocks.all():
            if not b.html.strip():
                continue
            if not shown_at(level, b.care_level):
                hidden += 1
                continue
            anchor = ids[b.uid]
            only = _LEVEL_OF.get(b.care_level)
            link = f"{path}?{LEVEL_PARAMETER}={only}#{anchor}" if only else f"{path}#{anchor}"
            is_recommendation = b.kind == BlockKind.RECOMMENDATION
            views.append(
                BlockView(
                    block=b,
                    anchor=anchor,
                    html=_headings_below(b.html, heading_level),
                    references_html=_headings_below(b.references_html, heading_level),
                    link=link,
                    is_recommendation=is_recommendation,
                    in_depth=b.depth == Depth.IN_DEPTH,
                    strength=b.strength if is_recommendation else "",
                    strength_label=strengths.get(b.strength, "") if is_recommendation else "",
                    basis_label=bases.get(b.basis, "") if is_recommendation else "",
                    care_level_label=care_levels.get(b.care_level, "") if only else "",
                    change_label=getattr(b, "change_label", ""),
                )
            )
        if views:
            shown.append(SectionView(section, section_anchor(section), heading_level, views))
            last_level = heading_level
    return shown, hidden


# ---------------------------------------------------------------- pages and editions


def support_path(support: Support) -> str:
    return reverse("publishing:support", kwargs={"slug": support.slug})


def edition_path(support: Support, edition: Edition, name: str = "publishing:edition") -> str:
    return reverse(
        name, kwargs={"slug": support.slug, "major": edition.major, "minor": edition.minor}
    )


@dataclass
class EditionRow:
    edition: Edition
    url: str
    is_current: bool
    changes_url: str = ""  # against the edition before it
    table_url: str = ""  # its response table, when a round leading to it had answers


def editions_with_answers(editions: list[Edition]) -> set[int]:
    """The editions among these that went on a round with at least one submitted answer
    (what a response table shows). One query."""
    from apps.remiss.models import Answer, Consultation

    answered = Answer.objects.filter(
        recipient__consultation=OuterRef("pk"), submitted_at__isnull=False
    )
    return set(
        Consultation.objects.filter(edition__in=[e.pk for e in editions])
        .filter(Exists(answered))
        .values_list("edition_id", flat=True)
    )


def leading_to(edition: Edition, editions: list[Edition]) -> list[Edition]:
    """The readable editions whose remiss the text of `edition` comes from: its own and the
    minor editions of the same major before it (a minor edition has no remiss of its own)."""
    return [e for e in editions if e.major == edition.major and e.minor <= edition.minor]


def edition_rows(support: Support, editions: list[Edition]) -> list[EditionRow]:
    answered = editions_with_answers(editions) if editions else set()
    rows = []
    for index, edition in enumerate(editions):
        is_current = edition.pk == support.current_published_edition_id
        url = support_path(support) if is_current else edition_path(support, edition)
        row = EditionRow(edition, url, is_current)
        if index + 1 < len(editions):
            before = editions[index + 1]
            row.changes_url = (
                edition_path(support, edition, "publishing:changes") + f"?mot={before.number}"
            )
        if any(e.pk in answered for e in leading_to(edition, editions)):
            row.table_url = edition_path(support, edition, "publishing:response_table")
        rows.append(row)
    return rows


def related_supports(support: Support) -> list[Support]:
    """Related supports that readers can open, both ways (the relation is symmetrical).
    One query."""
    return list(
        support.related_supports.filter(
            current_published_edition__isnull=False,
            current_published_edition__state=EditionState.PUBLISHED,
        )
        .select_related("product_type")
        .order_by("title", "pk")
    )


@dataclass
class SupportPage:
    support: Support
    edition: Edition
    current: Edition
    editions: list[EditionRow]
    sections: list[SectionView]
    hidden: int
    level: str
    levels: list[tuple[str, str, str]]  # (value, label, address)
    related: list[Support]
    diagnoses: list
    path: str

    @property
    def is_current(self) -> bool:
        return self.edition.pk == self.current.pk

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])


def current_of(support: Support, editions: list[Edition]) -> Edition | None:
    """The current edition among the readable ones (None only for an edition published
    before publications were snapshotted, which readers cannot be shown)."""
    return next((e for e in editions if e.pk == support.current_published_edition_id), None)


def support_page(support: Support, editions: list[Edition], edition: Edition, *, level: str):
    """Everything the page of one readable edition shows (the current one at the support's
    own address). `editions` is `selectors.public_editions(support)`."""
    current = current_of(support, editions)
    path = support_path(support) if edition.pk == current.pk else edition_path(support, edition)
    sections, hidden = text_of(
        selectors.public_sections(edition.publication), level=level, path=path
    )
    return SupportPage(
        support=support,
        edition=edition,
        current=current,
        editions=edition_rows(support, editions),
        sections=sections,
        hidden=hidden,
        level=level,
        levels=[
            (value, str(label), f"{path}?{LEVEL_PARAMETER}={value}")
            for value, label in LEVEL_LABELS.items()
        ],
        related=related_supports(support),
        diagnoses=list(support.diagnoses.order_by("code")),
        path=path,
    )


def parse_version(value: str) -> tuple[int, int] | None:
    """ "2.1" -> (2, 1); anything else None."""
    match = re.fullmatch(r"(\d{1,9})\.(\d{1,9})", value or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_edition(editions: list[Edition], number: tuple[int, int] | None) -> Edition | None:
    return next((e for e in editions if (e.major, e.minor) == number), None)


# ---------------------------------------------------------------- changes between editions

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
CHANGE_LABELS = {
    ADDED: gettext_lazy("Nytt"),
    CHANGED: gettext_lazy("Ändrat"),
    REMOVED: gettext_lazy("Borttaget"),
    UNCHANGED: gettext_lazy("Oförändrat"),
}
# The fields besides the text that make a block different for a reader.
_COMPARED_FIELDS = ("kind", "strength", "basis", "care_level", "depth")
_FIELD_LABELS = {
    "kind": gettext_lazy("Typ"),
    "strength": gettext_lazy("Styrka"),
    "basis": gettext_lazy("Underlag"),
    "care_level": gettext_lazy("Vårdnivå"),
    "depth": gettext_lazy("Djup"),
}


@dataclass
class ChangeRow:
    status: str
    label: str
    old: SnapshotBlock | None
    new: SnapshotBlock | None
    anchor: str = ""
    diff_html: SafeString = SafeString("")
    references_diff_html: SafeString = SafeString("")
    field_changes: list[tuple[str, str, str]] = field(default_factory=list)
    excerpt: str = ""
    html: SafeString = SafeString("")  # the whole text of an added or removed block
    coarse: bool = False

    @property
    def block(self) -> SnapshotBlock:
        return self.new or self.old


@dataclass
class ChangeSection:
    title: str
    anchor: str
    rows: list[ChangeRow] = field(default_factory=list)


@dataclass
class Comparison:
    old: Edition
    new: Edition
    sections: list[ChangeSection]
    counts: list[tuple[str, str, int]]  # (status, label, count), only the ones that occur

    @property
    def changed(self) -> bool:
        return any(status != UNCHANGED for status, _label, _count in self.counts)


def _display(block: SnapshotBlock, name: str) -> str:
    value = getattr(block, name)
    return str(getattr(block, f"get_{name}_display")()) if value else "–"


def _field_changes(old: SnapshotBlock, new: SnapshotBlock) -> list[tuple[str, str, str]]:
    return [
        (str(_FIELD_LABELS[name]), _display(old, name), _display(new, name))
        for name in _COMPARED_FIELDS
        if getattr(old, name) != getattr(new, name)
    ]


def _text_diff(old_html: str, new_html: str) -> tuple[SafeString, bool]:
    stats: dict = {}
    ops = diff_words(html_to_text(old_html), html_to_text(new_html), stats=stats)
    return render_inline(ops), bool(stats.get("coarse"))


def _excerpt(block: SnapshotBlock) -> str:
    return Truncator(html_to_text(block.html)).chars(160)


def _row(old: SnapshotBlock | None, new: SnapshotBlock | None, anchor: str) -> ChangeRow:
    if old is None:
        status = ADDED
    elif new is None:
        status = REMOVED
    elif old.content_hash == new.content_hash:
        status = UNCHANGED
    else:
        status = CHANGED
    row = ChangeRow(status, str(CHANGE_LABELS[status]), old, new, anchor)
    if status == CHANGED:
        row.diff_html, row.coarse = _text_diff(old.html, new.html)
        if old.references_html != new.references_html:
            row.references_diff_html, coarse = _text_diff(old.references_html, new.references_html)
            row.coarse = row.coarse or coarse
        row.field_changes = _field_changes(old, new)
    elif status == UNCHANGED:
        row.excerpt = _excerpt(row.block)
    else:
        row.html = _headings_below(row.block.html, 2)
    return row


def compare(old: Edition, new: Edition) -> Comparison:
    """Block by block, matched on uid, what `new` adds, changes and removes against `old`:
    in the newer edition's order, with each removed block at the end of the section it stood
    in (or of a section only the older edition has). Each block's word diff has its own work
    budget (apps/core/diff.py), so no text makes the page slow. Four queries."""
    old_sections = selectors.public_sections(old.publication)
    new_sections = selectors.public_sections(new.publication)
    old_blocks = {b.uid: b for s in old_sections for b in s.blocks.all()}
    new_uids = {b.uid for s in new_sections for b in s.blocks.all()}
    ids = anchors([*old_blocks.values(), *(b for s in new_sections for b in s.blocks.all())])
    removed_by_key: dict[str, list[SnapshotBlock]] = {}
    for s in old_sections:
        removed_by_key[s.key] = [b for b in s.blocks.all() if b.uid not in new_uids]

    sections = []
    for s in new_sections:
        item = ChangeSection(s.title, section_anchor(s))
        for b in s.blocks.all():
            item.rows.append(_row(old_blocks.get(b.uid), b, ids[b.uid]))
        for b in removed_by_key.pop(s.key, []):
            item.rows.append(_row(b, None, ids[b.uid]))
        if item.rows:
            sections.append(item)
    for s in old_sections:
        gone = removed_by_key.get(s.key)
        if gone:
            sections.append(
                ChangeSection(s.title, section_anchor(s), [_row(b, None, ids[b.uid]) for b in gone])
            )
    counted = Counter(row.status for s in sections for row in s.rows)
    counts = [
        (status, str(label), counted[status])
        for status, label in CHANGE_LABELS.items()
        if counted[status]
    ]
    return Comparison(old, new, sections, counts)


# ---------------------------------------------------------------- the response table


def response_rounds(edition: Edition, editions: list[Edition]) -> list:
    """The remiss readings (apps.remiss.responses.RoundReading) of the rounds that led to
    this edition and got at least one submitted answer, newest first. Only what was
    submitted is shown: read_round never shows a draft's content, and here a recipient that
    was still drafting reads as one that did not answer.

    read_round follows each comment into "the edition worked on now", which for a support
    with a new draft would be unpublished text; the round's own edition is published by the
    time it is readable here, so the comparison is made with that one instead."""
    from apps.remiss.models import Answer, Consultation, RecipientStatus
    from apps.remiss.responses import read_round
    from apps.remiss.selectors import status_label

    chain = leading_to(edition, editions)
    answered = Answer.objects.filter(
        recipient__consultation=OuterRef("pk"), submitted_at__isnull=False
    )
    consultations = list(
        Consultation.objects.filter(edition__in=[e.pk for e in chain])
        .filter(Exists(answered))
        .select_related("edition__support__programme_area", "snapshot")
        .order_by("-opened_at", "-pk")
    )
    readings = []
    for consultation in consultations:
        consultation.edition.support.working_edition = None  # never saved: see above
        reading = read_round(consultation)
        for summary in reading.recipients:
            if summary.status == RecipientStatus.DRAFTING:
                summary.status = RecipientStatus.INVITED
                summary.status_label = status_label(RecipientStatus.INVITED)
        counted = Counter(s.status for s in reading.recipients)
        reading.status_counts = [
            (label, counted[value]) for value, label in RecipientStatus.choices if counted[value]
        ]
        readings.append(reading)
    return readings
