"""Version history of blocks (django-simple-history), and comparisons built on it. Every
diff is computed per block, so its cost is bounded by the size of one block."""

from dataclasses import dataclass

from apps.core.diff import diff_rendered_text, diff_words, render_inline, render_side_by_side

from .models import Block, Edition

HistoricalBlock = Block.history.model


def block_versions(block: Block) -> list:
    """Every save of a block in this edition, newest first, with who made it. One query."""
    return list(
        HistoricalBlock.objects.filter(id=block.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


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
    changed_fields = [
        field
        for field in Block.CONTENT_FIELDS
        if field != "body" and getattr(old, field) != getattr(new, field)
    ]
    return {"old": old, "new": new, "changed_fields": changed_fields, **_diff(old.body, new.body)}


def edition_history(edition: Edition, section=None):
    """All saves of all blocks of an edition (or one section), newest first."""
    records = HistoricalBlock.objects.filter(edition_id=edition.pk)
    if section is not None:
        records = records.filter(section_id=section.pk)
    return records.select_related("history_user").order_by("-history_date", "-history_id")


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
        rows.append(
            ComparedBlock(status, STATUS_LABELS[status], block.section.title, old, block, diff)
        )
    for uid, old in old_blocks.items():
        if uid not in seen:
            rows.append(
                ComparedBlock("removed", STATUS_LABELS["removed"], old.section.title, old, None)
            )
    return rows
