"""Version history of blocks on real clinical text: diffs between saves, comparison of two
editions matched on block uid, and restore of an earlier version as a new save."""

import re

import pytest
from django.core.exceptions import ValidationError

from apps.authoring import services
from apps.authoring.history import (
    block_versions,
    compare_editions,
    edition_history,
    version_pair,
)
from apps.authoring.models import Block
from apps.core.diff import DELETE, EQUAL, INSERT, diff_words
from apps.core.models import AuditEntry
from tests.authoring import helpers
from tests.authoring.helpers import (
    CLINICAL_TEXT,
    PARAGRAPH_DOSE,
    PARAGRAPH_FOLLOW_UP,
    PARAGRAPH_START,
    add_block,
    save,
)

pytestmark = pytest.mark.django_db

MOVED = "\n\n".join([PARAGRAPH_DOSE, PARAGRAPH_START, PARAGRAPH_FOLLOW_UP])
DOSE_CHANGED = CLINICAL_TEXT.replace("500 mg", "1000 mg")


def _joined(ops, kinds):
    return "".join(op.text for op in ops if op.kind in kinds)


# --- diffs between two saves --------------------------------------------------------------------


def test_a_changed_dose_shows_as_one_word_replaced(author, block):
    save(author, block, body=DOSE_CHANGED, care_level="both")

    pair = version_pair(block_versions(block), None, None)

    assert pair["old"].body == CLINICAL_TEXT
    assert pair["new"].body == DOSE_CHANGED
    assert '<del class="diff-del">500</del><ins class="diff-ins">1000</ins> mg' in pair["inline"]
    assert pair["inline"].count("diff-del") == 1
    assert pair["inline"].count("diff-ins") == 1
    assert '<del class="diff-del">500</del>' in pair["left"]
    assert "diff-ins" not in pair["left"]
    assert '<ins class="diff-ins">1000</ins>' in pair["right"]
    assert "diff-del" not in pair["right"]
    # The rendered text shows the same single change.
    assert "500" in pair["rendered_inline"] and "1000" in pair["rendered_inline"]
    assert pair["field_changes"] == []


def test_a_moved_paragraph_is_shown_whole_and_the_rest_as_unchanged(author, block):
    save(author, block, body=MOVED)
    pair = version_pair(block_versions(block), None, None)

    ops = diff_words(CLINICAL_TEXT, MOVED)
    assert _joined(ops, {EQUAL, DELETE}) == CLINICAL_TEXT
    assert _joined(ops, {EQUAL, INSERT}) == MOVED
    # The moved paragraph is removed in one piece and inserted in one piece, not as
    # confetti of words; the other two paragraphs are untouched.
    assert [op.text.strip() for op in ops if op.kind == DELETE] == [PARAGRAPH_DOSE]
    assert [op.text.strip() for op in ops if op.kind == INSERT] == [PARAGRAPH_DOSE]
    assert PARAGRAPH_START in _joined(ops, {EQUAL})
    assert PARAGRAPH_FOLLOW_UP in _joined(ops, {EQUAL})
    assert pair["inline"].count("diff-del") == 1
    assert pair["inline"].count("diff-ins") == 1


def test_changed_properties_are_listed_by_label_with_old_and_new_value(author, block):
    save(author, block, kind="recommendation", strength="bor", basis="evidence")
    pair = version_pair(block_versions(block), None, None)

    assert [(c.label, c.old, c.new) for c in pair["field_changes"]] == [
        ("Typ", "Textblock", "Rekommendation"),
        ("Styrka", "–", "Bör"),
        ("Underlag", "–", "Vetenskapligt underlag"),
    ]
    assert "diff-del" not in pair["inline"]


def test_diff_escapes_what_the_author_wrote(author, block):
    save(author, block, body=CLINICAL_TEXT + "\n\n<script>alert(1)</script>")
    pair = version_pair(block_versions(block), None, None)

    for part in ("inline", "left", "right", "rendered_inline"):
        assert "<script" not in pair[part]
    assert "&lt;script&gt;" in pair["inline"]


# --- version_pair -------------------------------------------------------------------------------


def test_version_pair_defaults_to_the_latest_against_the_one_before(author, block):
    save(author, block, body="Version två.")
    save(author, block, body="Version tre.")
    versions = block_versions(block)

    assert [v.body for v in versions[:3]] == ["Version tre.", "Version två.", CLINICAL_TEXT]
    pair = version_pair(versions, None, None)
    assert (pair["old"].body, pair["new"].body) == ("Version två.", "Version tre.")


def test_version_pair_puts_the_older_version_first_whatever_the_order_asked(author, block):
    save(author, block, body="Version två.")
    save(author, block, body="Version tre.")
    versions = block_versions(block)
    newest, oldest = versions[0], versions[-1]

    pair = version_pair(versions, newest.history_id, oldest.history_id)
    assert (pair["old"].history_id, pair["new"].history_id) == (
        oldest.history_id,
        newest.history_id,
    )
    # Ids from the query string arrive as text.
    same = version_pair(versions, str(oldest.history_id), str(newest.history_id))
    assert (same["old"], same["new"]) == (pair["old"], pair["new"])


def test_version_pair_with_unknown_ids_falls_back_to_the_default(author, block):
    save(author, block, body="Version två.")
    versions = block_versions(block)

    pair = version_pair(versions, "999999", "inte-ett-id")
    assert (pair["old"], pair["new"]) == (versions[1], versions[0])


def test_version_pair_is_none_for_a_single_version(author, section):
    only = services.block_add(actor=author, section=section, kind="text")
    assert version_pair(block_versions(only), None, None) is None


def test_block_versions_are_newest_first_with_who_saved(author, co_author, block):
    save(co_author, block, body="Bertils ändring.")
    versions = block_versions(block)

    assert versions[0].history_user == co_author
    assert versions[-1].history_type == "+"
    assert versions[-1].history_user == author
    dates = [v.history_date for v in versions]
    assert dates == sorted(dates, reverse=True)


def test_edition_history_lists_every_save_of_every_block_and_filters_by_section(
    author, edition, section, block
):
    other = helpers.section_of(edition, "utredning")
    elsewhere = add_block(author, other, "Ekokardiografi bör göras.")
    save(author, block, body=DOSE_CHANGED)

    everything = list(edition_history(edition))
    assert {r.id for r in everything} == {block.pk, elsewhere.pk}
    assert everything[0].body == DOSE_CHANGED
    in_section = list(edition_history(edition, section))
    assert {r.id for r in in_section} == {block.pk}
    assert len(everything) == len(in_section) + 2  # add + save of the other block


# --- restore ------------------------------------------------------------------------------------


def test_restore_makes_a_new_version_equal_to_the_old_one_and_is_audited(author, co_author, block):
    save(author, block, body=DOSE_CHANGED, kind="recommendation", strength="kan", basis="evidence")
    save(co_author, block, body="Helt omskriven av misstag.", references="Ref 1")
    original = next(v for v in block_versions(block) if v.body == CLINICAL_TEXT)
    count_before = block.history.count()
    current = Block.objects.get(pk=block.pk)

    restored = services.block_restore(
        actor=co_author,
        block=current,
        history_id=original.history_id,
        lock_version=current.lock_version,
    )

    assert block.history.count() == count_before + 1
    newest = block_versions(block)[0]
    assert newest.history_id != original.history_id
    assert newest.history_user == co_author
    for field in Block.CONTENT_FIELDS:
        assert getattr(newest, field) == getattr(original, field), field
        assert getattr(restored, field) == getattr(original, field), field
    assert restored.lock_version == current.lock_version + 1
    entry = AuditEntry.objects.get(action="block.restored")
    assert entry.actor == co_author
    assert entry.details["block"] == str(block.uid)
    assert entry.details["restored_from"] == original.history_id
    # Readable, in the history and the audit log: whose version, from when; no timestamp.
    comment = newest.history_change_reason
    assert comment.startswith("Återställd till versionen från ")
    assert comment.endswith(f"({author.full_name})")
    assert re.fullmatch(
        r"Återställd till versionen från \d{1,2} [a-zåäö]+ \d{4} kl\. \d{2}\.\d{2} \(.+\)", comment
    )
    assert entry.details["comment"] == comment


def test_restore_with_a_stale_lock_version_is_a_conflict_and_changes_nothing(
    author, co_author, block
):
    stale = Block.objects.get(pk=block.pk).lock_version
    first = block_versions(block)[0]
    save(author, block, body=DOSE_CHANGED)
    count = block.history.count()

    with pytest.raises(services.EditConflict):
        services.block_restore(
            actor=co_author, block=block, history_id=first.history_id, lock_version=stale
        )
    assert block.history.count() == count
    assert Block.objects.get(pk=block.pk).body == DOSE_CHANGED
    assert not AuditEntry.objects.filter(action="block.restored").exists()


def test_restore_refuses_a_version_of_another_block(author, section, block):
    other = add_block(author, section, "Ett annat block.")
    foreign = block_versions(other)[0]

    with pytest.raises(ValidationError):
        services.block_restore(
            actor=author,
            block=block,
            history_id=foreign.history_id,
            lock_version=Block.objects.get(pk=block.pk).lock_version,
        )
    assert Block.objects.get(pk=block.pk).body == CLINICAL_TEXT


# --- compare_editions ---------------------------------------------------------------------------


def test_compare_editions_labels_blocks_matched_by_uid(author, support, edition, section):
    unchanged = add_block(author, section, PARAGRAPH_START, care_level="both")
    changed = add_block(author, section, PARAGRAPH_DOSE, care_level="both")
    removed = add_block(author, section, PARAGRAPH_FOLLOW_UP, care_level="both")
    moved = add_block(author, helpers.section_of(edition, "utredning"), "NT-proBNP bör tas.")
    published = helpers.publish(edition)

    new = services.edition_start_new(actor=author, support=support, kind="major")
    in_new = {b.uid: b for b in Block.objects.filter(edition=new)}
    save(author, in_new[changed.uid], body=PARAGRAPH_DOSE.replace("500 mg", "1000 mg"))
    gone = in_new[removed.uid]
    services.block_remove(actor=author, block=gone, lock_version=gone.lock_version)
    # Moving a block to another section does not change its content.
    services.block_move(
        actor=author, block=in_new[moved.uid], section=helpers.section_of(new), position=1
    )
    added = add_block(author, helpers.section_of(new), "Ny rekommendation om SGLT2-hämmare.")

    rows = compare_editions(published, new)

    by_uid = {(row.new or row.old).uid: row for row in rows}
    assert len(rows) == 5
    assert {uid: row.status for uid, row in by_uid.items()} == {
        unchanged.uid: "unchanged",
        changed.uid: "changed",
        removed.uid: "removed",
        moved.uid: "unchanged",
        added.uid: "new",
    }
    assert {row.status: row.label for row in rows} == {
        "unchanged": "Oförändrat",
        "changed": "Ändrat",
        "removed": "Borttaget",
        "new": "Nytt",
    }
    changed_row = by_uid[changed.uid]
    assert changed_row.old.edition_id == published.pk
    assert changed_row.new.edition_id == new.pk
    assert (
        '<del class="diff-del">500</del><ins class="diff-ins">1000</ins>'
        in (changed_row.diff["rendered_inline"])
    )
    assert by_uid[removed.uid].new is None
    assert by_uid[removed.uid].section_title == section.title
    assert by_uid[added.uid].old is None
    assert by_uid[unchanged.uid].diff is None
    assert rows[-1].status == "removed"
