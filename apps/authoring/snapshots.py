"""Frozen copies of an edition: the text that went out on remiss and the text that readers see.

`snapshot_take` copies every section and every live block of an edition (uid, position,
content, content hash, and the HTML rendered and sanitised by the one render function) into
Snapshot, SnapshotSection and SnapshotBlock rows, in a fixed number of queries. The rows are
never changed afterwards, and the database refuses it too (migration 0005). Whatever is
anchored to a block (a remiss comment, a regional addition, reader feedback) points at a
SnapshotBlock, so it can always show the exact text it was made on, and `block_status`
tells by comparing content hashes whether that block has changed since in a given edition.

There is one snapshot per edition and purpose, as the workflow allows: an edition goes on
remiss at most once (after the remiss it only moves on, or back to revision, never again to
"godkänd för remiss"), and is published at most once (a published edition is frozen, and a
withdrawn one is never published again). The workflow takes them as effects of the steps
that ask for one (`snapshot_take(edition=..., purpose=..., transition=record, actor=...)`).

Change tags. Each block of a publication snapshot carries what readers are told about it
against the publication before it (the support's latest earlier publication snapshot,
matched by uid and compared by content hash):

- a block that publication did not have: "Ny <year>";
- a block whose content changed: "Ändrad <year>", unless the author marked the change
  editorial (`Block.editorial_change`: spelling, wording, links), which counts as no
  change in substance;
- a block unchanged, or changed editorially only: the tag and year it had, carried forward.
  Tags do not age out: "Ny 2026" stays on a block until a later substantive change, so a
  reader can always tell when the substance of a block last changed;
- the first publication of a support tags nothing: every block would be "Ny", which tells
  a reader nothing the publication date does not, and would bury the tags that matter later.

<year> is the calendar year of the publication in Swedish time. Consultation snapshots
carry no tags. `publication_changes` tells, from the stored rows, whether a publication
changed anything in substance (a new, changed or removed block), which gives the edition
its date of last substantive change (workflow_effects.freeze_published_text)."""

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.markdown import render_markdown

from .models import (
    Block,
    ChangeTag,
    Edition,
    EditionTransition,
    Section,
    Snapshot,
    SnapshotBlock,
    SnapshotPurpose,
    SnapshotSection,
)


class SnapshotMismatch(Exception):
    """A second snapshot was asked for the same edition and purpose at another step: the
    workflow never repeats a remiss or a publication of one edition, so this is a bug, and
    returning the first copy would hand out a text that may no longer be the one meant."""


class BlockStatus(models.TextChoices):
    UNCHANGED = "unchanged", _("Oförändrat sedan dess")
    CHANGED = "changed", _("Ändrat sedan dess")
    REMOVED = "removed", _("Borttaget sedan dess")


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _snapshot_hash(sections: list[SnapshotSection], blocks: list[SnapshotBlock]) -> str:
    """Over what a reader can tell apart: the sections (key, title, level, order) and, in
    each, the blocks' uids, positions and content hashes. Equal text, equal hash. The change
    tags are left out: they follow from this text and the publication before it."""
    by_section: dict[str, list] = {section.key: [] for section in sections}
    for block in blocks:
        by_section[block.section.key].append([str(block.uid), block.position, block.content_hash])
    outline = [
        [
            section.key,
            section.title,
            section.heading_level,
            section.position,
            by_section[section.key],
        ]
        for section in sections
    ]
    return hashlib.sha256(_canonical(outline)).hexdigest()


def snapshot_take(
    *,
    edition: Edition,
    purpose: str,
    transition: EditionTransition | None = None,
    actor=None,
) -> Snapshot:
    """Freeze the edition's sections and live blocks as they are now, once per purpose.

    A second call for the same edition and purpose returns the snapshot already taken (the
    step that took it, or a caller without a step, may ask again safely); a call from a
    different step raises SnapshotMismatch. Runs in the caller's transaction (the workflow
    step's, with the edition locked) or in its own, and locks the edition row itself, so no
    block save can fall between reading the sections and reading the blocks."""
    if purpose not in SnapshotPurpose.values:
        raise ValueError(f"unknown snapshot purpose: {purpose!r}")
    with transaction.atomic():
        Edition.objects.select_for_update().filter(pk=edition.pk).values_list("pk").get()
        existing = snapshot_for(edition, purpose)
        if existing is not None:
            return _same_occasion(existing, transition)
        try:
            # A savepoint: if a concurrent call won the unique (edition, purpose), the
            # caller's transaction stays usable and gets that snapshot instead.
            with transaction.atomic():
                return _write(edition, purpose, transition, actor)
        except IntegrityError:
            existing = snapshot_for(edition, purpose)
            if existing is None:
                raise
            return _same_occasion(existing, transition)


def _same_occasion(snapshot: Snapshot, transition: EditionTransition | None) -> Snapshot:
    if transition is not None and snapshot.transition_id not in (None, transition.pk):
        raise SnapshotMismatch(
            f"{snapshot} was taken at transition {snapshot.transition_id}, not {transition.pk}"
        )
    return snapshot


def _write(edition, purpose, transition, actor) -> Snapshot:
    sections = list(Section.objects.filter(edition_id=edition.pk).order_by("position", "pk"))
    blocks = list(
        Block.objects.filter(edition_id=edition.pk).order_by("section__position", "position", "pk")
    )
    snapshot_sections = [
        SnapshotSection(
            key=section.key,
            title=section.title,
            heading_level=section.heading_level,
            position=section.position,
        )
        for section in sections
    ]
    section_of = {
        section.pk: copy for section, copy in zip(sections, snapshot_sections, strict=True)
    }
    snapshot_blocks = [
        SnapshotBlock(
            section=section_of[block.section_id],
            uid=block.uid,
            position=block.position,
            content_hash=Block.hash_content(block.content()),
            html=str(render_markdown(block.body)),
            references_html=str(render_markdown(block.references)),
            **block.content(),
        )
        for block in blocks
    ]
    taken_at = transition.created_at if transition is not None else timezone.now()
    if purpose == SnapshotPurpose.PUBLICATION:
        _tag(snapshot_blocks, blocks, edition, taken_at)
    snapshot = Snapshot.objects.create(
        edition_id=edition.pk,
        purpose=purpose,
        transition=transition,
        taken_at=taken_at,
        taken_by=actor,
        content_hash=_snapshot_hash(snapshot_sections, snapshot_blocks),
    )
    for copy in snapshot_sections:
        copy.snapshot = snapshot
    SnapshotSection.objects.bulk_create(snapshot_sections)
    if any(copy.pk is None for copy in snapshot_sections):
        # A database that cannot return the new keys from a bulk insert: one query for all.
        keys = dict(SnapshotSection.objects.filter(snapshot=snapshot).values_list("key", "pk"))
        for copy in snapshot_sections:
            copy.pk = keys[copy.key]
    for copy in snapshot_blocks:
        copy.snapshot = snapshot
    SnapshotBlock.objects.bulk_create(snapshot_blocks)
    return snapshot


# ---------------------------------------------------------------- change tags


def previous_publication(edition: Edition) -> Snapshot | None:
    """The publication snapshot readers had before this edition's: that of the support's
    highest-numbered edition below this one that was published. By number, not by time:
    numbers only grow, whatever a clock did. One query."""
    earlier = Snapshot.objects.filter(
        Q(edition__major__lt=edition.major)
        | Q(edition__major=edition.major, edition__minor__lt=edition.minor),
        edition__support_id=edition.support_id,
        purpose=SnapshotPurpose.PUBLICATION,
    )
    return (
        earlier.select_related("edition")
        .order_by("-edition__major", "-edition__minor", "-id")
        .first()
    )


def _previous_blocks(previous: Snapshot) -> dict:
    """{uid: (content hash, tag, year)} of a snapshot's blocks. One query."""
    rows = SnapshotBlock.objects.filter(snapshot=previous).values_list(
        "uid", "content_hash", "change_tag", "change_year"
    )
    return {uid: (content_hash, tag, year) for uid, content_hash, tag, year in rows}


def _tag(copies: list[SnapshotBlock], blocks: list[Block], edition: Edition, taken_at) -> None:
    """Give each copy its change tag against the previous publication (see the module's
    docstring). Two queries, whatever the number of blocks; none for a first publication."""
    previous = previous_publication(edition)
    if previous is None:
        return  # the first publication: no tags
    before = _previous_blocks(previous)
    year = timezone.localtime(taken_at).year
    for copy, block in zip(copies, blocks, strict=True):
        earlier = before.get(copy.uid)
        if earlier is None:
            copy.change_tag, copy.change_year = ChangeTag.NEW, year
        elif earlier[0] != copy.content_hash and not block.editorial_change:
            copy.change_tag, copy.change_year = ChangeTag.CHANGED, year
        else:
            copy.change_tag, copy.change_year = earlier[1], earlier[2]


@dataclass(frozen=True)
class PublicationChanges:
    """What a publication changed against the one before it, by block uid."""

    previous: Snapshot | None
    new: frozenset = frozenset()
    changed: frozenset = frozenset()
    editorial: frozenset = frozenset()
    removed: frozenset = frozenset()

    @property
    def substantive(self) -> bool:
        """A first publication, or any block new, changed in substance or removed. A
        removal is always one: a reader who relied on the text can no longer find it."""
        return self.previous is None or bool(self.new or self.changed or self.removed)


def publication_changes(snapshot: Snapshot) -> PublicationChanges:
    """Compare a publication snapshot with the one before it, from the stored rows and the
    editorial marks of the (frozen) edition's blocks. Four queries."""
    edition = Edition.objects.only("pk", "support_id", "major", "minor").get(pk=snapshot.edition_id)
    previous = previous_publication(edition)
    if previous is None:
        return PublicationChanges(previous=None)
    before = _previous_blocks(previous)
    now = dict(SnapshotBlock.objects.filter(snapshot=snapshot).values_list("uid", "content_hash"))
    marked = set(
        Block.all_objects.filter(
            edition_id=snapshot.edition_id, uid__in=now, editorial_change=True
        ).values_list("uid", flat=True)
    )
    altered = {
        uid for uid, content_hash in now.items() if uid in before and before[uid][0] != content_hash
    }
    return PublicationChanges(
        previous=previous,
        new=frozenset(now.keys() - before.keys()),
        changed=frozenset(altered - marked),
        editorial=frozenset(altered & marked),
        removed=frozenset(before.keys() - now.keys()),
    )


# ---------------------------------------------------------------- reads (fixed query counts)


def snapshot_for(edition: Edition, purpose: str) -> Snapshot | None:
    """The snapshot of this edition for this purpose, if one was taken. One query."""
    return Snapshot.objects.filter(edition_id=edition.pk, purpose=purpose).first()


def snapshot_blocks(snapshot: Snapshot) -> list[SnapshotBlock]:
    """Every block of the snapshot in reading order, each with its section. One query."""
    return list(
        SnapshotBlock.objects.filter(snapshot=snapshot)
        .select_related("section")
        .order_by("section__position", "position", "pk")
    )


def snapshot_sections(snapshot: Snapshot) -> list[SnapshotSection]:
    """The sections in order, each with `.blocks.all()` in order, for a page. Two queries."""
    return list(
        SnapshotSection.objects.filter(snapshot=snapshot)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("blocks", queryset=SnapshotBlock.objects.order_by("position", "pk"))
        )
    )


def snapshot_document(snapshot: Snapshot) -> dict:
    """The whole snapshot as plain data (for an export, the API, or a comparison). Reading
    the same snapshot twice gives the same document, whatever happened to the live text."""
    return {
        "edition": snapshot.edition_id,
        "purpose": snapshot.purpose,
        "transition": snapshot.transition_id,
        "taken_at": snapshot.taken_at.isoformat(),
        "taken_by": snapshot.taken_by_id,
        "content_hash": snapshot.content_hash,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "heading_level": section.heading_level,
                "position": section.position,
                "blocks": [
                    {
                        "uid": str(block.uid),
                        "position": block.position,
                        **{field: getattr(block, field) for field in Block.CONTENT_FIELDS},
                        "content_hash": block.content_hash,
                        "html": block.html,
                        "references_html": block.references_html,
                        "change_tag": block.change_tag,
                        "change_year": block.change_year,
                    }
                    for block in section.blocks.all()
                ],
            }
            for section in snapshot_sections(snapshot)
        ],
    }


def snapshot_serialise(snapshot: Snapshot) -> bytes:
    """`snapshot_document` as canonical JSON (sorted keys, UTF-8, no spaces)."""
    return _canonical(snapshot_document(snapshot))


# ---------------------------------------------------------------- has it changed since?


def block_statuses(
    frozen_blocks: Iterable[SnapshotBlock], edition: Edition
) -> dict[uuid.UUID, BlockStatus]:
    """For each snapshot block, by uid: is the block in `edition` (the same edition later
    on, or a later edition of the support) unchanged, changed or removed since the snapshot?
    A block the edition no longer has at all counts as removed. One query for any number."""
    wanted = {block.uid: block.content_hash for block in frozen_blocks}
    if not wanted:
        return {}
    current = {
        row["uid"]: row
        for row in Block.all_objects.filter(edition_id=edition.pk, uid__in=wanted).values(
            "uid", "removed_at", *Block.CONTENT_FIELDS
        )
    }
    statuses = {}
    for uid, frozen_hash in wanted.items():
        row = current.get(uid)
        if row is None or row["removed_at"] is not None:
            statuses[uid] = BlockStatus.REMOVED
        elif Block.hash_content({f: row[f] for f in Block.CONTENT_FIELDS}) != frozen_hash:
            statuses[uid] = BlockStatus.CHANGED
        else:
            statuses[uid] = BlockStatus.UNCHANGED
    return statuses


def block_status(snapshot_block: SnapshotBlock, edition: Edition) -> BlockStatus:
    """`block_statuses` for one block. One query."""
    return block_statuses([snapshot_block], edition)[snapshot_block.uid]


def block_changed_since(snapshot_block: SnapshotBlock, edition: Edition) -> bool:
    """Has the text this snapshot block holds changed (or been removed) in `edition`?"""
    return block_status(snapshot_block, edition) != BlockStatus.UNCHANGED
