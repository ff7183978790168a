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

from apps.accounts.models import Organisation
from apps.authoring.models import (
    Basis,
    BlockKind,
    CareLevel,
    Depth,
    Edition,
    SnapshotBlock,
    SnapshotPurpose,
    SnapshotSection,
    Strength,
    Support,
)
from apps.authoring.workflow_states import EditionState
from apps.core.diff import diff_words, html_to_text, render_inline
from apps.regional import selectors as regional_selectors
from apps.regional.models import AdditionKind, RegionalAddition

from . import selectors
from .cache import public_cached

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


# ---------------------------------------------------------------- the region's view

REGION_PARAMETER = "region"
REGION_COOKIE = "region"
REGION_COOKIE_SECONDS = LEVEL_COOKIE_SECONDS


def public_regions() -> list[Organisation]:
    """The regions a reader may choose, by name, from the cache: a request that names a
    region is checked against them before its page is looked up in the cache, and a cache hit
    must cost no query. Kept with the public lists (a region's name is corrected rarely; the
    next public change shows it)."""
    return public_cached("regions", lambda: list(selectors.public_regions()))


def region_by_code(code: str) -> Organisation | None:
    return next((r for r in public_regions() if r.code == code), None)


@dataclass(frozen=True)
class RegionChoice:
    """What the request asks for: a region (or none), whether the reader chose it in this
    request (to be remembered, or forgotten when `region` is None), and the code asked for
    when it names no region."""

    region: Organisation | None
    chosen: bool
    unknown: str = ""

    @property
    def code(self) -> str:
        return self.region.code if self.region is not None else ""


def chosen_region(request) -> RegionChoice:
    """`?region=<code>` chooses a region, `?region=` chooses none; otherwise the remembered
    one. A remembered code that names no region (any longer) is ignored; an asked one is
    answered with a message."""
    if REGION_PARAMETER in request.GET:
        asked = request.GET.get(REGION_PARAMETER, "").strip()
        if not asked:
            return RegionChoice(None, True)
        region = region_by_code(asked)
        if region is None:
            return RegionChoice(None, False, unknown=asked[:60])
        return RegionChoice(region, True)
    remembered = request.COOKIES.get(REGION_COOKIE, "")
    return RegionChoice(region_by_code(remembered) if remembered else None, False)


# ---------------------------------------------------------------- the text


@dataclass
class AdditionView:
    """A region's addition where it sits in the text: after its block, or at the end of its
    section. Its HTML was sanitised when it was saved; it is never rendered here."""

    addition: RegionalAddition
    anchor: str
    html: SafeString
    heading_level: int  # one below its section's heading
    region_name: str
    kind_label: str
    link: str  # the address a reader copies: this region's view, at the addition
    care_level_label: str = ""  # only for an addition for one level
    written_for: str = ""  # the national version it was written against, or confirmed for

    @property
    def stale(self) -> bool:
        return self.addition.needs_review


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
    additions: list[AdditionView] = field(default_factory=list)  # the region's, after it

    @property
    def should_not(self) -> bool:
        return self.strength == Strength.SHOULD_NOT


@dataclass
class SectionView:
    section: SnapshotSection
    anchor: str
    level: int  # the heading's level on this page: 2 or 3
    blocks: list[BlockView]
    additions: list[AdditionView] = field(default_factory=list)  # the region's, at the end

    @property
    def link(self) -> str:
        return f"#{self.anchor}"


@dataclass
class Text:
    """The sections a reader sees at a level and, with a region, that region's additions in
    them; and what the level hides."""

    sections: list[SectionView]
    hidden: int  # national blocks for the other level
    additions_shown: int = 0
    additions_hidden: int = 0  # for the other level, or at a block the level hides
    # Additions whose section this edition no longer has: shown after the text, never lost.
    unplaced: list[AdditionView] = field(default_factory=list)


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


def addition_link(path: str, addition: RegionalAddition, block_level: str = "") -> str:
    """The address of an addition in its region's view; one for a single care level (or at
    a block for one) opens the page at that level, so whoever follows it sees it."""
    query = f"{REGION_PARAMETER}={addition.region.code}"
    only = _LEVEL_OF.get(addition.care_level) or _LEVEL_OF.get(block_level)
    if only:
        query += f"&{LEVEL_PARAMETER}={only}"
    return f"{path}?{query}#{addition.public_anchor}"


@dataclass
class Placement:
    """Where each of a region's additions goes in one edition's text: after its block while
    the edition has the block (wherever the block moved), else at the end of its section,
    else after the text. The reading site and the API place them alike."""

    at_block: dict = field(default_factory=dict)  # block uid -> additions
    at_end: dict = field(default_factory=dict)  # section key -> additions
    elsewhere: list = field(default_factory=list)


def place_additions(sections, additions) -> Placement:
    block_uids = {b.uid for s in sections for b in s.blocks.all()}
    keys = {s.key for s in sections}
    placed = Placement()
    for addition in additions:
        if addition.block_uid is not None and addition.block_uid in block_uids:
            placed.at_block.setdefault(addition.block_uid, []).append(addition)
        elif addition.section_key in keys:
            placed.at_end.setdefault(addition.section_key, []).append(addition)
        else:
            placed.elsewhere.append(addition)
    return placed


class _Additions:
    """The additions of one page, placed, and how each is shown."""

    def __init__(self, sections, additions, *, path: str):
        self.path = path
        self.kinds = _labels(AdditionKind.choices)
        self.care_levels = _labels(CareLevel.choices)
        placed = place_additions(sections, additions)
        self.at_block, self.at_end, self.elsewhere = (
            placed.at_block,
            placed.at_end,
            placed.elsewhere,
        )

    def view(self, addition, heading_level: int, block_level: str = "") -> AdditionView:
        level = min(heading_level + 1, 6)
        edition = addition.written_against_edition
        return AdditionView(
            addition=addition,
            anchor=addition.public_anchor,
            html=_headings_below(addition.html, level),
            heading_level=level,
            region_name=addition.region.name,
            kind_label=self.kinds.get(addition.kind, addition.kind),
            link=addition_link(self.path, addition, block_level),
            care_level_label=(
                self.care_levels.get(addition.care_level, "")
                if addition.care_level in _LEVEL_OF
                else ""
            ),
            written_for=edition.number if edition is not None else "",
        )


def text_of(sections: list[SnapshotSection], *, level: str, path: str, additions=()) -> Text:
    """The sections a reader at `level` sees, each with its blocks and the region's
    `additions` at their places, and how much the level hides. Sections with nothing to show
    are left out, heading included; a level-3 heading whose level-2 heading is left out moves
    up, so that no level is skipped. The blocks read the same with or without additions."""
    blocks = [b for s in sections for b in s.blocks.all()]
    ids = anchors(blocks)
    strengths, bases, care_levels = (
        _labels(Strength.choices),
        _labels(Basis.choices),
        _labels(CareLevel.choices),
    )
    placed = _Additions(sections, additions, path=path)
    text = Text(sections=[], hidden=0)
    last_level = 1

    def keep(found, heading_level, block_level="") -> list[AdditionView]:
        views = []
        for addition in found:
            if shown_at(level, addition.care_level):
                views.append(placed.view(addition, heading_level, block_level))
            else:
                text.additions_hidden += 1
        text.additions_shown += len(views)
        return views

    for section in sections:
        views, at_end = [], list(placed.at_end.get(section.key, ()))
        heading_level = min(max(section.heading_level, 2), last_level + 1, 3)
        for b in section.blocks.all():
            found = placed.at_block.get(b.uid, ())
            if not b.html.strip():
                at_end.extend(found)  # nothing to stand after
                continue
            if not shown_at(level, b.care_level):
                text.hidden += 1
                # About a block the reader does not see: hidden with it.
                text.additions_hidden += len(found)
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
                    additions=keep(found, heading_level, b.care_level),
                )
            )
        end_views = keep(at_end, heading_level)
        if views or end_views:
            text.sections.append(
                SectionView(section, section_anchor(section), heading_level, views, end_views)
            )
            last_level = heading_level
    text.unplaced = keep(placed.elsewhere, 2)
    return text


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
class RegionOption:
    code: str
    name: str
    has_additions: bool  # published additions on this support
    selected: bool
    url: str  # this page in the region's view


@dataclass
class RegionView:
    """The region part of a support's current page: the choice of regions and, with one
    chosen, what of its additions the page shows."""

    options: list[RegionOption]
    region: Organisation | None = None
    error: str = ""  # an asked code that names no region
    page_url: str = ""  # the region's own page
    without_url: str = ""  # this page without a region

    @property
    def with_additions(self) -> list[RegionOption]:
        return [option for option in self.options if option.has_additions]


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
    regions: RegionView | None = None  # only on the current edition's own page
    text: Text | None = None

    @property
    def is_current(self) -> bool:
        return self.edition.pk == self.current.pk

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])

    @property
    def region(self) -> Organisation | None:
        return self.regions.region if self.regions is not None else None


def current_of(support: Support, editions: list[Edition]) -> Edition | None:
    """The current edition among the readable ones (None only for an edition published
    before publications were snapshotted, which readers cannot be shown)."""
    return next((e for e in editions if e.pk == support.current_published_edition_id), None)


def region_path(region: Organisation) -> str:
    return reverse("publishing:region", kwargs={"code": region.code})


def _region_view(support: Support, path: str, level: str, region, error: str) -> RegionView:
    options = [
        RegionOption(
            code=r.code,
            name=r.name,
            has_additions=r.has_additions,
            selected=region is not None and r.pk == region.pk,
            url=f"{path}?{REGION_PARAMETER}={r.code}&{LEVEL_PARAMETER}={level}",
        )
        for r in selectors.regions_for(support)
    ]
    return RegionView(
        options=options,
        region=region,
        error=error,
        page_url=region_path(region) if region is not None else "",
        without_url=f"{path}?{REGION_PARAMETER}=&{LEVEL_PARAMETER}={level}",
    )


def support_page(
    support: Support,
    editions: list[Edition],
    edition: Edition,
    *,
    level: str,
    regional: bool = False,
    region: Organisation | None = None,
    region_error: str = "",
):
    """Everything the page of one readable edition shows (the current one at the support's
    own address). `editions` is `selectors.public_editions(support)`. With `regional` (the
    current edition's own page) the page offers the regions, and with a `region` it shows
    that region's published additions in the text: two queries more, whatever their number."""
    current = current_of(support, editions)
    path = support_path(support) if edition.pk == current.pk else edition_path(support, edition)
    additions = regional_selectors.published_additions(support, region) if region else []
    text = text_of(
        selectors.public_sections(edition.publication),
        level=level,
        path=path,
        additions=additions,
    )
    keep_region = f"&{REGION_PARAMETER}={region.code}" if region is not None else ""
    return SupportPage(
        support=support,
        edition=edition,
        current=current,
        editions=edition_rows(support, editions),
        sections=text.sections,
        hidden=text.hidden,
        level=level,
        levels=[
            (value, str(label), f"{path}?{LEVEL_PARAMETER}={value}{keep_region}")
            for value, label in LEVEL_LABELS.items()
        ],
        related=related_supports(support),
        diagnoses=list(support.diagnoses.order_by("code")),
        path=path,
        regions=_region_view(support, path, level, region, region_error) if regional else None,
        text=text,
    )


# ---------------------------------------------------------------- a region's page


@dataclass
class RegionEntry:
    addition: RegionalAddition
    kind_label: str
    section_title: str
    excerpt: str
    url: str

    @property
    def stale(self) -> bool:
        return self.addition.needs_review


@dataclass
class RegionSupport:
    support: Support
    url: str
    entries: list[RegionEntry]


def _current_publications(additions) -> dict:
    return {
        "snapshot__purpose": SnapshotPurpose.PUBLICATION,
        "snapshot__edition_id__in": {a.support.current_published_edition_id for a in additions},
    }


def section_titles(additions) -> dict:
    """{(edition id, section key): title} in the current publications of these additions'
    supports. One query (none without additions)."""
    if not additions:
        return {}
    rows = SnapshotSection.objects.filter(**_current_publications(additions)).values_list(
        "snapshot__edition_id", "key", "title"
    )
    return {(edition_id, key): title for edition_id, key, title in rows}


def current_block_levels(additions) -> dict:
    """{addition pk: care level of the block it stands at} in its support's current
    publication, for the links to additions at a block for one level. One query (none
    without additions at a block)."""
    at_blocks = [a for a in additions if a.block_uid is not None]
    if not at_blocks:
        return {}
    rows = SnapshotBlock.objects.filter(
        **_current_publications(at_blocks), uid__in={a.block_uid for a in at_blocks}
    ).values_list("snapshot__edition_id", "uid", "care_level")
    levels = {(edition_id, uid): level for edition_id, uid, level in rows}
    return {
        a.pk: levels.get((a.support.current_published_edition_id, a.block_uid), "")
        for a in at_blocks
    }


def region_page(region: Organisation) -> list[RegionSupport]:
    """Every published addition of the region on a public support, by support, each with
    the section it sits in and a link to its place. Three queries."""
    additions = list(
        regional_selectors.region_additions(region).filter(
            support__current_published_edition__state=EditionState.PUBLISHED
        )
    )
    titles = section_titles(additions)
    block_levels = current_block_levels(additions)
    kinds = _labels(AdditionKind.choices)
    groups: dict[int, RegionSupport] = {}
    for addition in additions:
        support = addition.support
        path = support_path(support)
        group = groups.setdefault(support.pk, RegionSupport(support, path, []))
        addition.region = region  # the page's own region: no query per addition
        group.entries.append(
            RegionEntry(
                addition=addition,
                kind_label=kinds.get(addition.kind, addition.kind),
                section_title=titles.get(
                    (support.current_published_edition_id, addition.section_key), ""
                ),
                excerpt=Truncator(html_to_text(addition.html)).chars(200),
                url=addition_link(path, addition, block_levels.get(addition.pk, "")),
            )
        )
    return list(groups.values())


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
