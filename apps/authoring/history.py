"""Version history of blocks (django-simple-history), and comparisons built on it. Every
diff is computed per block, so its cost is bounded by the size of one block.

A history row is shown as a person reads it: each changed field by its Swedish label, with
the old and the new value (a choice by its label), and one line that tells the rows apart:
when, who, what changed and the first words of what changed in the text."""

import re
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from apps.core.diff import diff_rendered_text, diff_words, render_inline, render_side_by_side

from .models import Block, Edition

HistoricalBlock = Block.history.model

# The history model's change-reason column holds 100 characters.
CHANGE_REASON_MAX = 100
# Content fields shown with their values; the text is shown by its first changed words.
VALUE_FIELDS = [f for f in Block.CONTENT_FIELDS if f != "body"]
EXCERPT_CHARS = 90
CONTEXT_WORDS = 4


def block_versions(block: Block) -> list:
    """Every save of a block in this edition, newest first, with who made it. One query."""
    return list(
        HistoricalBlock.objects.filter(id=block.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


# ---------------------------------------------------------------- reading a history row


def when(moment) -> str:
    """A moment as people write it: "3 december 2026 kl. 10.15", in Stockholm time."""
    return format_date(timezone.localtime(moment), _(r"j F Y \k\l. H.i"))


def who(record) -> str:
    return str(record.history_user) if record.history_user_id else _("okänd")


def restore_comment(record) -> str:
    """The history comment of a restore: which earlier version came back, and whose it was."""
    comment = _("Återställd till versionen från %(when)s (%(who)s)") % {
        "when": when(record.history_date),
        "who": who(record),
    }
    return Truncator(comment).chars(CHANGE_REASON_MAX)


def _label(name: str) -> str:
    return capfirst(Block._meta.get_field(name).verbose_name)


def value_shown(name: str, value) -> str:
    """A field's value as a person reads it: a choice by its label, an empty value as –."""
    if value in (None, ""):
        return "–"
    model_field = Block._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return Truncator(" ".join(str(value).split())).chars(80)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


def field_changes(old, new) -> list[FieldChange]:
    """The content fields (other than the text) that differ between two versions."""
    return [
        FieldChange(
            _label(name),
            value_shown(name, getattr(old, name)),
            value_shown(name, getattr(new, name)),
        )
        for name in VALUE_FIELDS
        if getattr(old, name) != getattr(new, name)
    ]


def _common_prefix(a: str, b: str) -> int:
    # Halving with slice comparisons: the comparing runs in C, so even 100 KB texts cost
    # microseconds, where a Python loop over the characters would cost milliseconds a row.
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return low


_CONTEXT = re.compile(rf"(?:\S+\s+){{0,{CONTEXT_WORDS}}}\S*$")


def _excerpt(text: str, start: int) -> str:
    """About EXCERPT_CHARS of `text` from the word where a change starts, with a few words
    before it for context, on one line."""
    head = text[max(0, start - 120) : start]
    begin = start - (len(head) - _CONTEXT.search(head).start())
    end = min(len(text), start + EXCERPT_CHARS)
    while end < len(text) and end < start + EXCERPT_CHARS + 30 and not text[end].isspace():
        end += 1  # finish the word
    piece = " ".join(text[begin:end].split())
    return ("…" if begin > 0 else "") + piece + ("…" if end < len(text) else "")


def first_change(old: str, new: str) -> tuple[str, bool]:
    """The first words of what changed from `old` to `new`, and whether they were taken
    away (a deletion shows the words removed, anything else the new words)."""
    if old == new:
        return "", False
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    if new[prefix : len(new) - suffix].strip() or not old[prefix : len(old) - suffix].strip():
        return (_excerpt(new, prefix), False) if new.strip() else ("", False)
    return _excerpt(old, prefix), True


def _and_list(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s och %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


@dataclass
class VersionRow:
    """One history row, ready to show."""

    record: object
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    excerpt: str = ""
    excerpt_removed: bool = False
    reason: str = ""
    section_title: str = ""

    @property
    def when(self) -> str:
        return when(self.record.history_date)

    @property
    def who(self) -> str:
        return who(self.record)

    @property
    def summary(self) -> str:
        """One line that tells this row from the others."""
        line = _("%(when)s, %(who)s: %(action)s") % {
            "when": self.when,
            "who": self.who,
            "action": self.action,
        }
        if self.excerpt and self.excerpt_removed:
            line += _(" – tog bort ”%(excerpt)s”") % {"excerpt": self.excerpt}
        elif self.excerpt:
            line += f" – ”{self.excerpt}”"
        return line


def describe(record, previous, section_titles: dict | None = None) -> VersionRow:
    """What `record` changed compared to `previous` (the save before it, or None).
    `section_titles` ({section id: title}) names sections without a query per row."""
    return _with_section(_describe(record, previous, section_titles), section_titles)


def _describe(record, previous, section_titles: dict | None) -> VersionRow:
    reason = record.history_change_reason or ""
    if previous is None:
        excerpt = _excerpt(record.body, 0) if record.body.strip() else ""
        return VersionRow(record, _("skapade blocket"), excerpt=excerpt, reason=reason)
    # Removing and putting back say what they did in the line itself; their recorded
    # reason would only repeat it.
    if record.removed_at and not previous.removed_at:
        return VersionRow(record, _("tog bort blocket"))
    if previous.removed_at and not record.removed_at:
        return VersionRow(record, _("lade tillbaka blocket på sin plats"))
    changes = field_changes(previous, record)
    excerpt, removed = first_change(previous.body, record.body)
    labels = [c.label.lower() for c in changes]
    if previous.body != record.body:
        labels.insert(0, _label("body").lower())
    marked = _editorial_mark(previous, record)
    if labels:
        action = _("ändrade %(fields)s") % {"fields": _and_list(labels)}
        if marked:
            action = f"{action}, {marked}"
        return VersionRow(record, action, changes, excerpt, removed, reason)
    if marked:
        return VersionRow(record, marked, reason=reason)
    # Neighbours' places are renumbered without a history row of their own, so a changed
    # place counts as a move only on a save that changed nothing else.
    if previous.section_id != record.section_id:
        title = (section_titles or {}).get(record.section_id)
        if title:
            action = _("flyttade blocket till avsnittet ”%(section)s”") % {"section": title}
        else:
            action = _("flyttade blocket till ett annat avsnitt")
        return VersionRow(record, action, reason=reason)
    if previous.position != record.position:
        action = _("flyttade blocket till plats %(position)s") % {"position": record.position}
        return VersionRow(record, action, reason=reason)
    return VersionRow(record, _("sparade utan ändring"), reason=reason)


def _editorial_mark(previous, record) -> str:
    """The "editorial change" mark set or cleared by this save, in words, or "". Not
    content, but it decides whether readers are told the block changed."""
    before = getattr(previous, "editorial_change", False)
    after = getattr(record, "editorial_change", False)
    if before == after:
        return ""
    if after:
        return _("markerade ändringen som redaktionell")
    return _("tog bort markeringen som redaktionell ändring")


def _with_section(row: VersionRow, section_titles: dict | None) -> VersionRow:
    row.section_title = (section_titles or {}).get(row.record.section_id, "")
    return row


def describe_versions(versions: list, section_titles: dict | None = None) -> list[VersionRow]:
    """Rows for a block's versions, newest first (as `block_versions` gives them)."""
    return [
        describe(record, versions[index + 1] if index + 1 < len(versions) else None, section_titles)
        for index, record in enumerate(versions)
    ]


def describe_records(records, section_titles: dict | None = None) -> list[VersionRow]:
    """Rows for a page of an edition's or a section's history (records annotated with
    `previous_id` by `edition_history`): the saves before them in one more query."""
    records = list(records)
    wanted = {r.previous_id for r in records if r.previous_id}
    previous = {p.history_id: p for p in HistoricalBlock.objects.filter(history_id__in=wanted)}
    return [describe(r, previous.get(r.previous_id), section_titles) for r in records]


def _diff(old_text: str, new_text: str) -> dict:
    ops = diff_words(old_text, new_text)
    left, right = render_side_by_side(ops)
    rendered_ops = diff_rendered_text(old_text, new_text)
    rendered_left, rendered_right = render_side_by_side(rendered_ops)
    return {
        "inline": render_inline(ops),
        "left": left,
        "right": right,
        "rendered_inline": render_inline(rendered_ops),
        "rendered_left": rendered_left,
        "rendered_right": rendered_right,
    }


def version_pair(versions: list, from_id, to_id) -> dict | None:
    """The two versions to compare (default: the latest against the one before) and their
    diff; None when there is only one version."""
    by_id = {str(v.history_id): v for v in versions}
    if len(versions) < 2 and not (from_id and to_id):
        return None
    new = by_id.get(str(to_id)) or versions[0]
    old = by_id.get(str(from_id)) or (versions[1] if len(versions) > 1 else versions[0])
    if old.history_date > new.history_date:
        old, new = new, old
    return {
        "old": old,
        "new": new,
        "old_when": when(old.history_date),
        "new_when": when(new.history_date),
        "field_changes": field_changes(old, new),
        **_diff(old.body, new.body),
    }


def edition_history(edition: Edition, section=None):
    """All saves of all blocks of an edition (or one section), newest first, each with the
    id of the save of the same block before it (`previous_id`)."""
    records = HistoricalBlock.objects.filter(edition_id=edition.pk)
    if section is not None:
        records = records.filter(section_id=section.pk)
    before = HistoricalBlock.objects.filter(
        id=OuterRef("id"), history_id__lt=OuterRef("history_id")
    ).order_by("-history_id")
    return (
        records.select_related("history_user")
        .annotate(previous_id=Subquery(before.values("history_id")[:1]))
        .order_by("-history_date", "-history_id")
    )


def removed_blocks(edition: Edition, section=None):
    """The blocks taken out of an edition (or a section), in the order they stood."""
    blocks = Block.all_objects.removed().filter(edition=edition)
    if section is not None:
        blocks = blocks.filter(section=section)
    return blocks.select_related("section", "removed_by").order_by("section__position", "position")


@dataclass
class ComparedBlock:
    status: str  # new, changed, unchanged, removed
    label: str
    section_title: str
    old: Block | None
    new: Block | None
    diff: dict | None = None


STATUS_LABELS = {
    "new": "Nytt",
    "changed": "Ändrat",
    "unchanged": "Oförändrat",
    "removed": "Borttaget",
}
# A change the authors marked editorial: readers get no "Ändrad" tag for it.
EDITORIAL_LABEL = "Ändrat redaktionellt"


def compare_editions(old_edition: Edition, new_edition: Edition) -> list[ComparedBlock]:
    """Block by block, matched on uid: what the new edition adds, changes and removes."""
    old_blocks = {
        b.uid: b
        for b in Block.objects.filter(edition=old_edition)
        .select_related("section")
        .order_by("section__position", "position")
    }
    rows = []
    seen = set()
    for block in (
        Block.objects.filter(edition=new_edition)
        .select_related("section")
        .order_by("section__position", "position")
    ):
        old = old_blocks.get(block.uid)
        seen.add(block.uid)
        if old is None:
            status, diff = "new", None
        elif old.content_hash == block.content_hash:
            status, diff = "unchanged", None
        else:
            # The comparison shows only the rendered text's diff; skip the other views.
            rendered = render_inline(diff_rendered_text(old.body, block.body))
            status, diff = "changed", {"rendered_inline": rendered}
        label = STATUS_LABELS[status]
        if status == "changed" and block.editorial_change:
            label = EDITORIAL_LABEL
        rows.append(ComparedBlock(status, label, block.section.title, old, block, diff))
    for uid, old in old_blocks.items():
        if uid not in seen:
            rows.append(
                ComparedBlock("removed", STATUS_LABELS["removed"], old.section.title, old, None)
            )
    return rows
