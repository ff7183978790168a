"""Change tags: what readers are told about each published block against the publication
before ("Ny 2026", "Ändrad 2026", nothing for an editorial change), the date of a support's
last substantive change, and the author's "Redaktionell ändring" mark in the editor. Every
publication goes through the real "publish" step (tests/publishing/helpers.py)."""

import re
from contextlib import contextmanager
from datetime import UTC, datetime
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.authoring import services
from apps.authoring.history import compare_editions, describe_versions
from apps.authoring.models import Block, ChangeTag, Edition, EditionKind, SnapshotBlock
from apps.authoring.snapshots import (
    publication_changes,
    snapshot_blocks,
    snapshot_for,
    snapshot_take,
)
from apps.authoring.workflow_states import EditionState as S
from tests.authoring.helpers import (
    COMPLETE_TEXT,
    add_block,
    make_support,
    move_to,
    person,
    save,
    section_of,
    working_edition,
)
from tests.publishing.helpers import next_edition, publish_now, published_support

pytestmark = pytest.mark.django_db

PUBLICATION = "publication"
DOSE = "Metformin 500 mg två gånger dagligen."
FOLLOW_UP = "Följ upp kalium inom två veckor."


@pytest.fixture
def author(db):
    return person("author", name="Astrid Författare")


@pytest.fixture
def editor(db):
    return person("national_editor", name="Nils Redaktör")


@pytest.fixture
def support(author, editor):
    """Published 1.0 with two text blocks of our own in "behandling"."""
    return published_support(
        author,
        editor,
        blocks=[("behandling", DOSE, COMPLETE_TEXT), ("behandling", FOLLOW_UP, COMPLETE_TEXT)],
    )


@contextmanager
def at(moment: datetime):
    """Everything inside happens at `moment` (the step's record, hence the publication)."""
    with patch("django.utils.timezone.now", return_value=moment):
        yield


def the_block(edition: Edition, body_start: str) -> Block:
    return Block.objects.get(edition=edition, body__startswith=body_start)


def tags(edition: Edition) -> dict[str, str]:
    """The first words of each published block → its change label ("" for none)."""
    snapshot = snapshot_for(edition, PUBLICATION)
    return {block.body[:20]: block.change_label for block in snapshot_blocks(snapshot)}


def tag_of(edition: Edition, body_start: str) -> SnapshotBlock:
    snapshot = snapshot_for(edition, PUBLICATION)
    return SnapshotBlock.objects.get(snapshot=snapshot, body__startswith=body_start)


def mark_editorial(author, block: Block, value: bool = True) -> Block:
    block = Block.objects.get(pk=block.pk)
    return services.block_save(
        actor=author,
        block=block,
        lock_version=block.lock_version,
        content={},
        editorial_change=value,
    )


def republish(edition: Edition, editor) -> Edition:
    publish_now(edition, editor)
    return Edition.objects.get(pk=edition.pk)


def year_of(edition: Edition) -> int:
    return timezone.localtime(edition.published_at).year


# --- the tags ----------------------------------------------------------------------------------


def test_the_first_publication_tags_nothing_and_dates_its_substance_now(support):
    first = Edition.objects.get(pk=support.current_published_edition_id)
    assert set(tags(first).values()) == {""}
    assert first.last_substantive_change_at == first.published_at


def test_a_block_new_since_the_previous_publication_is_new_with_the_year(author, editor, support):
    second = next_edition(author, support, kind=EditionKind.MAJOR)
    add_block(
        author, section_of(second, "behandling"), "Ny rekommendation om SGLT2.", **COMPLETE_TEXT
    )
    second = republish(second, editor)

    new = tag_of(second, "Ny rekommendation")
    assert (new.change_tag, new.change_year) == (ChangeTag.NEW, year_of(second))
    assert new.change_label == f"Ny {year_of(second)}"
    assert tag_of(second, DOSE).change_label == ""  # untouched blocks get no tag
    assert second.last_substantive_change_at == second.published_at


def test_a_changed_block_is_changed_unless_marked_editorial(author, editor, support):
    second = next_edition(author, support, kind=EditionKind.MAJOR)
    save(author, the_block(second, "Metformin"), body=DOSE.replace("500", "1000"))
    fixed = save(author, the_block(second, "Följ upp"), body=FOLLOW_UP.replace("två", "2"))
    mark_editorial(author, fixed)
    second = republish(second, editor)

    changed = tag_of(second, "Metformin")
    assert (changed.change_tag, changed.change_year) == (ChangeTag.CHANGED, year_of(second))
    assert changed.change_label == f"Ändrad {year_of(second)}"
    editorial = tag_of(second, "Följ upp")
    assert (editorial.change_tag, editorial.change_year, editorial.change_label) == ("", None, "")


def test_only_editorial_changes_keep_the_date_of_the_last_substantive_change(
    author, editor, support
):
    first = Edition.objects.get(pk=support.current_published_edition_id)
    second = next_edition(author, support)
    fixed = save(author, the_block(second, "Metformin"), body=DOSE.replace("gånger", "ggr"))
    mark_editorial(author, fixed)
    second = republish(second, editor)

    assert set(tags(second).values()) == {""}
    assert second.published_at > first.published_at
    assert second.last_substantive_change_at == first.last_substantive_change_at
    changes = publication_changes(snapshot_for(second, PUBLICATION))
    assert changes.editorial == {fixed.uid} and not changes.substantive


def test_unchanged_and_editorially_changed_blocks_carry_their_tag_forward_until_a_substantive_change(
    author, editor, support
):
    second = next_edition(author, support, kind=EditionKind.MAJOR)
    add_block(author, section_of(second, "behandling"), "Ny rekommendation.", **COMPLETE_TEXT)
    save(author, the_block(second, "Metformin"), body=DOSE.replace("500", "1000"))
    with at(datetime(2026, 5, 4, 10, 0, tzinfo=UTC)):
        second = republish(second, editor)
    assert tags(second)["Ny rekommendation."] == "Ny 2026"

    third = next_edition(author, Edition.objects.get(pk=second.pk).support)
    fixed = save(author, the_block(third, "Ny rekommendation"), body="Ny rekommendation!")
    mark_editorial(author, fixed)
    with at(datetime(2027, 3, 1, 10, 0, tzinfo=UTC)):
        third = republish(third, editor)
    assert tags(third)["Ny rekommendation!"] == "Ny 2026"  # editorial: as if unchanged
    assert tags(third)["Metformin 1000 mg tv"] == "Ändrad 2026"  # unchanged: carried
    assert third.last_substantive_change_at == second.last_substantive_change_at

    fourth = next_edition(author, Edition.objects.get(pk=third.pk).support, kind=EditionKind.MAJOR)
    save(author, the_block(fourth, "Ny rekommendation"), body="Ny rekommendation, ändrad i sak.")
    with at(datetime(2028, 2, 1, 10, 0, tzinfo=UTC)):
        fourth = republish(fourth, editor)
    assert tags(fourth)["Ny rekommendation, ä"] == "Ändrad 2028"
    assert tags(fourth)["Metformin 1000 mg tv"] == "Ändrad 2026"


def test_a_removed_block_makes_the_publication_substantive(author, editor, support):
    first = Edition.objects.get(pk=support.current_published_edition_id)
    second = next_edition(author, support)
    gone = the_block(second, "Följ upp")
    services.block_remove(actor=author, block=gone, lock_version=gone.lock_version)
    second = republish(second, editor)

    assert "Följ upp" not in "".join(tags(second))
    assert set(tags(second).values()) == {""}  # the remaining blocks are unchanged
    assert second.last_substantive_change_at == second.published_at > first.published_at
    assert publication_changes(snapshot_for(second, PUBLICATION)).removed == {gone.uid}


@pytest.mark.parametrize("kind", [EditionKind.MINOR, EditionKind.MAJOR])
def test_minor_and_major_editions_are_tagged_by_the_same_rule(author, editor, support, kind):
    first = Edition.objects.get(pk=support.current_published_edition_id)
    unchanged = republish(next_edition(author, support, kind=kind), editor)
    assert set(tags(unchanged).values()) == {""}
    # The kind decides the way to publication; the blocks decide what changed in substance.
    assert unchanged.last_substantive_change_at == first.last_substantive_change_at

    changed = next_edition(author, Edition.objects.get(pk=unchanged.pk).support, kind=kind)
    save(author, the_block(changed, "Metformin"), body=DOSE.replace("500", "850"))
    changed = republish(changed, editor)
    assert tags(changed)["Metformin 850 mg två"] == f"Ändrad {year_of(changed)}"
    assert changed.last_substantive_change_at == changed.published_at


def test_the_year_is_that_of_the_publication_in_swedish_time(author, editor, support):
    second = next_edition(author, support, kind=EditionKind.MAJOR)
    add_block(author, section_of(second, "behandling"), "Nyårsblock.", **COMPLETE_TEXT)
    # 23.30 on New Year's Eve in UTC is half past midnight on 1 January in Stockholm.
    with at(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)):
        second = republish(second, editor)
    assert tags(second)["Nyårsblock."] == "Ny 2027"


def test_a_consultation_snapshot_carries_no_tags(author, editor, support):
    second = next_edition(author, support, kind=EditionKind.MAJOR)
    add_block(author, section_of(second, "behandling"), "På remiss.", **COMPLETE_TEXT)
    save(author, the_block(second, "Metformin"), body=DOSE.replace("500", "1000"))
    move_to(second, S.IN_CONSULTATION)
    consultation = snapshot_take(edition=second, purpose="consultation")
    assert {(b.change_tag, b.change_year) for b in snapshot_blocks(consultation)} == {("", None)}


def test_tagging_costs_the_same_queries_for_5_and_50_blocks(author, editor):
    def cost(count: int) -> int:
        support = published_support(
            author,
            editor,
            title=f"Stöd med {count} block",
            blocks=[("behandling", f"Block {i}.", COMPLETE_TEXT) for i in range(count)],
        )
        second = next_edition(author, support)
        add_block(author, section_of(second, "behandling"), "Nytt.", **COMPLETE_TEXT)
        move_to(second, S.APPROVED)
        with CaptureQueriesContext(connection) as queries:
            snapshot_take(edition=second, purpose=PUBLICATION)
        return len(queries)

    assert cost(5) == cost(50)


# --- the mark in the editor --------------------------------------------------------------------


def test_the_mark_does_not_change_the_content_hash_but_is_a_save_in_the_history(author, support):
    second = next_edition(author, support)
    block = the_block(second, "Metformin")
    marked = mark_editorial(author, block)

    assert marked.editorial_change is True
    assert marked.content_hash == block.content_hash == Block.hash_content(block.content())
    assert marked.lock_version == block.lock_version + 1
    rows = describe_versions(list(marked.history.order_by("-history_date", "-history_id")))
    assert rows[0].action == "markerade ändringen som redaktionell"
    unmarked = mark_editorial(author, marked, value=False)
    assert unmarked.content_hash == block.content_hash
    rows = describe_versions(list(unmarked.history.order_by("-history_date", "-history_id")))
    assert rows[0].action == "tog bort markeringen som redaktionell ändring"


def test_saving_the_mark_unchanged_makes_no_new_version(author, support):
    second = next_edition(author, support)
    block = the_block(second, "Metformin")
    versions = block.history.count()
    again = mark_editorial(author, block, value=False)
    assert again.lock_version == block.lock_version
    assert block.history.count() == versions


def test_a_first_edition_cannot_be_marked_editorial(author):
    first = working_edition(make_support(author, title="Helt nytt stöd"))
    block = add_block(author, section_of(first), "Text.", **COMPLETE_TEXT)
    with pytest.raises(ValidationError) as info:
        mark_editorial(author, block)
    assert "första version" in " ".join(info.value.messages)
    saved = Block.objects.get(pk=block.pk)
    assert (saved.editorial_change, saved.lock_version) == (False, block.lock_version)


def editor_page(client, edition: Edition) -> str:
    url = reverse(
        "authoring:section_edit",
        kwargs={
            "code": edition.support.code,
            "major": edition.major,
            "minor": edition.minor,
            "key": "behandling",
        },
    )
    return client.get(url).content.decode()


def prefix(block) -> str:
    return f"b-{str(block.uid)[:8]}"


def test_the_checkbox_is_shown_only_for_an_edition_built_from_a_published_one(
    client_for, author, support
):
    first = working_edition(make_support(author, title="Helt nytt stöd"))
    add_block(author, section_of(first), "Text.", **COMPLETE_TEXT)
    page = editor_page(client_for(author), first)
    assert "editorial_change" not in page
    assert "Redaktionell ändring" not in page

    second = next_edition(author, support)
    page = editor_page(client_for(author), second)
    block = the_block(second, "Metformin")
    checkbox = re.search(
        rf'<input type="checkbox" name="{prefix(block)}-editorial_change"[^>]*>', page
    )
    assert checkbox and "checked" not in checkbox.group(0)
    assert f'aria-describedby="id_{prefix(block)}-editorial_change_helptext"' in checkbox.group(0)
    assert "Redaktionell ändring</label>" in page
    assert (
        "Endast redaktionell ändring: stavning, formulering eller länkar – ingen ändring i sak"
        in page
    )


def block_post(block, lock_version=None, editorial: bool = False, **content) -> dict:
    values = {**block.content(), **content}
    values["lock_version"] = block.lock_version if lock_version is None else lock_version
    if editorial:
        values["editorial_change"] = "on"
    return {f"{prefix(block)}-{name}": value for name, value in values.items()}


def save_url(block) -> str:
    edition = block.edition
    return reverse(
        "authoring:block_save",
        kwargs={
            "code": edition.support.code,
            "major": edition.major,
            "minor": edition.minor,
            "uid": block.uid,
        },
    )


def test_the_editor_saves_the_mark_with_the_text_and_the_edition_page_shows_it(
    client_for, author, support
):
    second = next_edition(author, support)
    block = the_block(second, "Metformin")
    client = client_for(author)
    response = client.post(
        save_url(block), block_post(block, editorial=True, body="Metformin 500 mg 2 ggr dagligen.")
    )
    assert response.status_code == 302
    saved = Block.objects.get(pk=block.pk)
    assert saved.editorial_change is True
    assert saved.body == "Metformin 500 mg 2 ggr dagligen."

    page = editor_page(client, second)
    checkbox = re.search(
        rf'<input type="checkbox" name="{prefix(block)}-editorial_change"[^>]*>', page
    )
    assert "checked" in checkbox.group(0)
    detail = client.get(second.url()).content.decode()
    match = re.search(rf'<article [^>]*id="block-{block.uid}">(.*?)</article>', detail, re.S)
    assert '<span class="tag tag--editorial">Redaktionell ändring</span>' in match.group(1)
    other = the_block(second, "Följ upp")
    match = re.search(rf'<article [^>]*id="block-{other.uid}">(.*?)</article>', detail, re.S)
    assert "Redaktionell ändring" not in match.group(1)

    # Unticked and saved again: the mark goes, the text stays.
    response = client.post(save_url(saved), block_post(saved))
    assert response.status_code == 302
    assert Block.objects.get(pk=block.pk).editorial_change is False


def test_the_conflict_page_keeps_the_authors_mark(client_for, author, support):
    co_author = person("author", name="Bertil Medförfattare")
    second = next_edition(author, support)
    block = the_block(second, "Metformin")
    save(co_author, block, body="Deras text.")
    response = client_for(author).post(
        save_url(block), block_post(block, editorial=True, body="Min text.")
    )
    assert response.status_code == 409
    page = response.content.decode()
    checkbox = re.search(
        rf'<input type="checkbox" name="{prefix(block)}-editorial_change"[^>]*>', page
    )
    assert checkbox and "checked" in checkbox.group(0)
    assert Block.objects.get(pk=block.pk).editorial_change is False


def test_autosave_keeps_the_mark_in_the_draft(client_for, author, support):
    second = next_edition(author, support)
    block = the_block(second, "Metformin")
    client = client_for(author)
    url = reverse(
        "authoring:block_autosave",
        kwargs={
            "code": second.support.code,
            "major": second.major,
            "minor": second.minor,
            "uid": block.uid,
        },
    )
    assert client.post(url, block_post(block, editorial=True, body="Utkast.")).status_code == 200
    page = editor_page(client, second)
    checkbox = re.search(
        rf'<input type="checkbox" name="{prefix(block)}-editorial_change"[^>]*>', page
    )
    assert "checked" in checkbox.group(0)
    assert Block.objects.get(pk=block.pk).editorial_change is False  # a draft, not a save


def test_the_comparison_names_an_editorial_change(author, support):
    first = Edition.objects.get(pk=support.current_published_edition_id)
    second = next_edition(author, support)
    mark_editorial(author, save(author, the_block(second, "Metformin"), body="Metformin 500 mg."))
    save(author, the_block(second, "Följ upp"), body="Följ upp natrium.")
    labels = {row.new.body: row.label for row in compare_editions(first, second) if row.new}
    assert labels["Metformin 500 mg."] == "Ändrat redaktionellt"
    assert labels["Följ upp natrium."] == "Ändrat"


# --- the migration -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_goes_back_and_forth_and_leaves_the_guards_on(author, editor):
    """0006 alone, undone and done again with data in place (apps whose migrations depend
    on it are left alone: their tables do not touch these columns)."""
    support = published_support(author, editor, title="Före och efter")
    published = Edition.objects.get(pk=support.current_published_edition_id)
    loader = MigrationLoader(connection)
    key = ("authoring", "0006_change_tags")
    migration = loader.get_migration(*key)

    with connection.schema_editor() as schema_editor:
        migration.unapply(loader.project_state(key, at_end=True), schema_editor)
    assert "change_tag" not in columns("authoring_snapshotblock")
    assert "editorial_change" not in columns("authoring_block")
    with connection.schema_editor() as schema_editor:
        migration.apply(loader.project_state(key, at_end=False), schema_editor)
    assert {"change_tag", "change_year"} <= columns("authoring_snapshotblock")

    assert SnapshotBlock.objects.filter(snapshot__edition=published).exists()
    assert Block.objects.filter(edition=published, editorial_change=False).exists()
    # The guards of 0003 and 0005 (dropped around SQLite's table copies) are back on.
    with pytest.raises(IntegrityError), transaction.atomic():
        SnapshotBlock.objects.filter(snapshot__edition=published).update(change_tag="new")
    with pytest.raises(DatabaseError, match="kan inte ändras"), transaction.atomic():
        Block.objects.filter(edition=published).update(editorial_change=True)


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}
