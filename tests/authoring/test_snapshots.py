"""The frozen copy of an edition (what went out on remiss, what was published): what it holds,
that it is taken once, that nothing done to the live text reaches it, that its cost does not
grow with the number of blocks, and that the database itself refuses to change it."""

import pytest
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.authoring import services, snapshots
from apps.authoring.models import (
    Block,
    Edition,
    EditionTransition,
    Snapshot,
    SnapshotBlock,
    SnapshotSection,
)
from apps.authoring.snapshots import (
    BlockStatus,
    SnapshotMismatch,
    block_changed_since,
    block_status,
    block_statuses,
    snapshot_blocks,
    snapshot_document,
    snapshot_for,
    snapshot_sections,
    snapshot_serialise,
    snapshot_take,
)
from apps.authoring.workflow_states import EditionState as S
from apps.core.markdown import render_markdown
from tests.authoring import helpers
from tests.authoring.helpers import (
    add_block,
    make_support,
    move_to,
    save,
    section_of,
    working_edition,
)

pytestmark = pytest.mark.django_db

CONSULTATION, PUBLICATION = "consultation", "publication"
real_snapshot_for = snapshot_for


@pytest.fixture
def content(author, edition, section):
    """Two sections with blocks, one of them a recommendation with references, and one
    block removed (so not part of the text)."""
    first = add_block(author, section, "Inled med **ACE-hämmare**.", care_level="both")
    second = add_block(
        author,
        section,
        "Behandla *tidigt*.",
        kind="recommendation",
        strength="bor",
        basis="evidence",
        references="[Studie](https://example.se/studie)",
    )
    gone = add_block(author, section, "Tas bort.")
    services.block_remove(actor=author, block=gone, lock_version=gone.lock_version)
    other = add_block(author, section_of(edition, "utredning"), "Mät NT-proBNP.")
    return {"first": first, "second": second, "gone": gone, "other": other}


def opened(edition) -> EditionTransition:
    """The edition on remiss, with the step that sent it (the record a snapshot belongs to)."""
    move_to(edition, S.IN_CONSULTATION, consulted=True)
    return EditionTransition.objects.get(edition=edition, name="open_consultation")


def refreshed(block) -> Block:
    return Block.all_objects.get(pk=block.pk)


# --- what it holds ------------------------------------------------------------------------------


def test_snapshot_holds_every_section_and_every_live_block_in_order(author, edition, content):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION, actor=author)

    sections = snapshot_sections(snapshot)
    assert [s.key for s in sections] == list(
        edition.sections.order_by("position").values_list("key", flat=True)
    )
    by_key = {s.key: s for s in sections}
    assert [(b.uid, b.position) for b in by_key["behandling"].blocks.all()] == [
        (content["first"].uid, 1),
        (content["second"].uid, 2),
    ]
    assert [b.uid for b in by_key["utredning"].blocks.all()] == [content["other"].uid]
    assert content["gone"].uid not in {b.uid for b in snapshot_blocks(snapshot)}
    assert by_key["behandling"].title == section_of(edition).title
    assert snapshot.taken_by == author
    assert snapshot.edition_id == edition.pk


def test_snapshot_block_copies_content_with_its_hash_and_rendered_html(author, edition, content):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION)
    live = refreshed(content["second"])

    frozen = SnapshotBlock.objects.get(snapshot=snapshot, uid=live.uid)

    assert {f: getattr(frozen, f) for f in Block.CONTENT_FIELDS} == live.content()
    assert frozen.content_hash == Block.hash_content(live.content()) == live.content_hash
    assert frozen.html == render_markdown(live.body) == "<p>Behandla <em>tidigt</em>.</p>"
    assert frozen.references_html == render_markdown(live.references)
    assert 'href="https://example.se/studie"' in frozen.references_html


def test_snapshot_hash_is_equal_for_equal_text_and_differs_when_a_block_differs(
    author, national_editor
):
    texts = ("Första stycket.", "Andra stycket.")
    hashes = []
    for title, second in (("Hjärtsvikt A", texts[1]), ("Hjärtsvikt B", texts[1]), ("C", "Annat.")):
        edition = working_edition(make_support(author, title=title))
        add_block(author, section_of(edition), texts[0])
        block = add_block(author, section_of(edition), second)
        # The same uid in each, as a block keeps its uid from edition to edition.
        Block.objects.filter(pk=block.pk).update(uid="6f1c9a8e-0000-4000-8000-000000000001")
        first = Block.objects.get(edition=edition, position=1)
        Block.objects.filter(pk=first.pk).update(uid="6f1c9a8e-0000-4000-8000-000000000002")
        hashes.append(snapshot_take(edition=edition, purpose=PUBLICATION).content_hash)

    assert hashes[0] == hashes[1]
    assert hashes[2] != hashes[0]


def test_an_edition_without_blocks_gives_a_snapshot_of_its_empty_sections(edition):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION)

    assert snapshot_blocks(snapshot) == []
    assert len(snapshot_sections(snapshot)) == edition.sections.count() > 0


# --- sanitised HTML -----------------------------------------------------------------------------


def test_snapshot_html_is_sanitised(author, edition, section):
    add_block(
        author,
        section,
        "Text<script>alert('x')</script> och [länk](javascript:alert(1)) "
        '<img src=x onerror="alert(2)"> <a href="https://example.se" onclick="alert(3)">ok</a>',
        references="<script>alert(4)</script>[ref](javascript:alert(5))",
    )

    frozen = snapshot_blocks(snapshot_take(edition=edition, purpose=CONSULTATION))[0]

    for html in (frozen.html, frozen.references_html):
        lowered = html.lower()
        assert "<script" not in lowered
        assert "javascript:" not in lowered
        assert "onerror" not in lowered and "onclick" not in lowered
        assert "<img" not in lowered
    assert 'href="https://example.se"' in frozen.html
    # The raw text is kept as written: the snapshot records what the author wrote.
    assert "<script>" in frozen.body


# --- taken once ---------------------------------------------------------------------------------


def test_a_second_call_at_the_same_step_returns_the_first_snapshot(author, edition, content):
    record = opened(edition)
    first = snapshot_take(edition=edition, purpose=CONSULTATION, transition=record, actor=author)
    rows = (SnapshotSection.objects.count(), SnapshotBlock.objects.count())

    again = snapshot_take(edition=edition, purpose=CONSULTATION, transition=record, actor=author)

    assert again.pk == first.pk
    assert again.transition_id == record.pk
    assert again.taken_at == record.created_at
    assert Snapshot.objects.count() == 1
    assert (SnapshotSection.objects.count(), SnapshotBlock.objects.count()) == rows


def test_a_later_call_returns_the_snapshot_taken_and_not_todays_text(author, edition, content):
    record = opened(edition)
    first = snapshot_take(edition=edition, purpose=CONSULTATION, transition=record)
    before = snapshot_serialise(first)
    Edition.objects.filter(pk=edition.pk).update(state=S.REVISION)
    save(author, content["first"], body="Skrivet efter remissen.")

    again = snapshot_take(edition=edition, purpose=CONSULTATION)

    assert again.pk == first.pk
    assert snapshot_serialise(again) == before


def test_a_call_from_another_step_for_the_same_purpose_is_refused(author, edition, content):
    record = opened(edition)
    snapshot_take(edition=edition, purpose=CONSULTATION, transition=record)
    other = EditionTransition.objects.create(
        edition=edition,
        name="open_consultation",
        from_state=S.READY_FOR_CONSULTATION,
        to_state=S.IN_CONSULTATION,
    )

    with pytest.raises(SnapshotMismatch):
        snapshot_take(edition=edition, purpose=CONSULTATION, transition=other)
    assert Snapshot.objects.count() == 1
    assert not Snapshot.objects.filter(transition=other).exists()


def test_a_snapshot_written_in_between_by_another_caller_is_returned(edition, content, monkeypatch):
    """Another transaction may write the snapshot after this one looked for it: the unique
    (edition, purpose) refuses the second copy, and the first is returned."""
    first = snapshot_take(edition=edition, purpose=CONSULTATION)
    calls = []

    def not_yet_the_first_time(edition, purpose):
        calls.append(purpose)
        return None if len(calls) == 1 else real_snapshot_for(edition, purpose)

    monkeypatch.setattr(snapshots, "snapshot_for", not_yet_the_first_time)

    with transaction.atomic():
        again = snapshot_take(edition=edition, purpose=CONSULTATION)
        # The caller's transaction is still usable after the refused insert.
        assert Snapshot.objects.count() == 1

    assert again.pk == first.pk
    assert len(calls) == 2  # looked, lost the insert, looked again
    assert SnapshotBlock.objects.count() == 3


def test_remiss_and_publication_each_get_their_own_snapshot(author, edition, content):
    sent = snapshot_take(edition=edition, purpose=CONSULTATION)
    Edition.objects.filter(pk=edition.pk).update(state=S.REVISION)
    save(author, content["first"], body="Bearbetad efter remissen.")
    published = snapshot_take(edition=edition, purpose=PUBLICATION)

    assert sent.pk != published.pk
    assert snapshot_for(edition, CONSULTATION) == sent
    assert snapshot_for(edition, PUBLICATION) == published
    assert sent.content_hash != published.content_hash
    frozen = {
        s.purpose: SnapshotBlock.objects.get(snapshot=s, uid=content["first"].uid).body
        for s in (sent, published)
    }
    assert frozen == {
        CONSULTATION: "Inled med **ACE-hämmare**.",
        PUBLICATION: "Bearbetad efter remissen.",
    }


def test_snapshot_for_an_edition_without_one_is_none(edition):
    assert snapshot_for(edition, CONSULTATION) is None


@pytest.mark.parametrize("purpose", ["", "remiss", "published", "CONSULTATION", None])
def test_an_unknown_purpose_is_refused_and_nothing_is_written(edition, purpose):
    with pytest.raises(ValueError):
        snapshot_take(edition=edition, purpose=purpose)
    assert Snapshot.objects.count() == 0


def test_the_database_allows_one_snapshot_per_edition_and_purpose(edition):
    snapshot_take(edition=edition, purpose=CONSULTATION)

    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.create(
            edition=edition, purpose=CONSULTATION, taken_at=edition.created_at, content_hash="x"
        )


# --- frozen: nothing done to the live text reaches it -------------------------------------------


def test_reading_a_snapshot_twice_gives_identical_bytes(edition, content):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION)

    first = snapshot_serialise(Snapshot.objects.get(pk=snapshot.pk))
    second = snapshot_serialise(Snapshot.objects.get(pk=snapshot.pk))

    assert first == second
    assert first.decode().count('"uid"') == 3


def test_snapshot_is_unchanged_after_the_live_blocks_are_edited_moved_removed_and_added(
    author, edition, section, content
):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION)
    before = snapshot_serialise(snapshot)

    save(author, content["first"], body="Helt ny text.", care_level="primary")
    second = refreshed(content["second"])
    services.block_move(
        actor=author, block=second, section=section_of(edition, "utredning"), position=1
    )
    other = refreshed(content["other"])
    services.block_remove(actor=author, block=other, lock_version=other.lock_version)
    gone = refreshed(content["gone"])
    services.block_reinstate(actor=author, block=gone, lock_version=gone.lock_version)
    add_block(author, section, "Ett nytt block.")

    again = Snapshot.objects.get(pk=snapshot.pk)
    assert snapshot_serialise(again) == before
    assert again.content_hash == snapshot.content_hash


def test_snapshot_survives_a_new_edition_of_the_support(author, support, edition, content):
    snapshot = snapshot_take(edition=edition, purpose=PUBLICATION)
    before = snapshot_serialise(snapshot)
    helpers.publish(edition)

    newer = services.edition_start_new(actor=author, support=support, kind="minor")
    save(author, Block.objects.get(edition=newer, uid=content["first"].uid), body="I 1.1.")

    assert snapshot_serialise(Snapshot.objects.get(pk=snapshot.pk)) == before


# --- has the block changed since? ---------------------------------------------------------------


def test_block_status_follows_edits_removal_and_reinstatement(author, edition, content):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION)
    frozen = SnapshotBlock.objects.get(snapshot=snapshot, uid=content["first"].uid)
    assert block_status(frozen, edition) == BlockStatus.UNCHANGED
    assert not block_changed_since(frozen, edition)

    save(author, content["first"], body="Ändrad.")
    assert block_status(frozen, edition) == BlockStatus.CHANGED
    assert block_changed_since(frozen, edition)

    save(author, content["first"], body="Inled med **ACE-hämmare**.")
    assert block_status(frozen, edition) == BlockStatus.UNCHANGED

    live = refreshed(content["first"])
    services.block_remove(actor=author, block=live, lock_version=live.lock_version)
    assert block_status(frozen, edition) == BlockStatus.REMOVED
    assert block_changed_since(frozen, edition)

    live = refreshed(content["first"])
    services.block_reinstate(actor=author, block=live, lock_version=live.lock_version)
    assert block_status(frozen, edition) == BlockStatus.UNCHANGED


def test_a_change_of_any_content_field_counts_and_a_move_does_not(author, edition, content):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION)
    frozen = SnapshotBlock.objects.get(snapshot=snapshot, uid=content["second"].uid)

    second = refreshed(content["second"])
    services.block_move(
        actor=author, block=second, section=section_of(edition, "utredning"), position=1
    )
    assert block_status(frozen, edition) == BlockStatus.UNCHANGED

    save(author, content["second"], strength="kan")
    assert block_status(frozen, edition) == BlockStatus.CHANGED


def test_block_status_in_a_later_edition_follows_the_uid(author, support, edition, content):
    snapshot = snapshot_take(edition=edition, purpose=PUBLICATION)
    helpers.publish(edition)
    newer = services.edition_start_new(actor=author, support=support, kind="minor")
    kept, edited = (
        SnapshotBlock.objects.get(snapshot=snapshot, uid=content[k].uid)
        for k in ("first", "second")
    )

    save(author, Block.objects.get(edition=newer, uid=edited.uid), body="Ny lydelse i 1.1.")

    assert block_status(kept, newer) == BlockStatus.UNCHANGED
    assert block_status(edited, newer) == BlockStatus.CHANGED
    # The published edition itself still holds the text the snapshot was taken of.
    assert block_status(edited, edition) == BlockStatus.UNCHANGED


def test_a_block_the_edition_does_not_have_counts_as_removed(author, edition, content):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION)
    frozen = SnapshotBlock.objects.get(snapshot=snapshot, uid=content["first"].uid)
    unrelated = working_edition(make_support(author, title="Förmaksflimmer"))

    assert block_status(frozen, unrelated) == BlockStatus.REMOVED


def test_block_statuses_answers_for_every_block_in_one_query(
    author, edition, content, django_assert_num_queries
):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION)
    frozen = snapshot_blocks(snapshot)
    save(author, content["first"], body="Ändrad.")
    other = refreshed(content["other"])
    services.block_remove(actor=author, block=other, lock_version=other.lock_version)

    with django_assert_num_queries(1):
        statuses = block_statuses(frozen, edition)

    assert statuses == {
        content["first"].uid: BlockStatus.CHANGED,
        content["second"].uid: BlockStatus.UNCHANGED,
        content["other"].uid: BlockStatus.REMOVED,
    }
    assert block_statuses([], edition) == {}


# --- cost: constant in the number of blocks -----------------------------------------------------


def edition_with_blocks(author, count: int) -> Edition:
    edition = working_edition(make_support(author, title=f"Stöd med {count} block"))
    sections = list(edition.sections.order_by("position")[:3])
    for index in range(count):
        add_block(
            author,
            sections[index % len(sections)],
            f"Stycke {index} med **fetstil** och en [länk](https://example.se/{index}).",
            kind="recommendation" if index % 2 else "text",
            **({"strength": "kan", "basis": "evidence"} if index % 2 else {}),
        )
    return edition


def queries_of(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return len(queries), result


def test_taking_a_snapshot_costs_the_same_queries_for_5_and_50_blocks(author):
    small, large = edition_with_blocks(author, 5), edition_with_blocks(author, 50)

    small_count, small_snapshot = queries_of(
        lambda: snapshot_take(edition=small, purpose=CONSULTATION)
    )
    large_count, large_snapshot = queries_of(
        lambda: snapshot_take(edition=large, purpose=CONSULTATION)
    )

    assert small_count == large_count <= 12
    assert len(snapshot_blocks(small_snapshot)) == 5
    assert len(snapshot_blocks(large_snapshot)) == 50


def test_reading_a_snapshot_costs_the_same_queries_for_5_and_50_blocks(author):
    counts = []
    for size in (5, 50):
        edition = edition_with_blocks(author, size)
        snapshot_take(edition=edition, purpose=CONSULTATION)
        found, snapshot = queries_of(lambda e=edition: snapshot_for(e, CONSULTATION))
        blocks, _ = queries_of(lambda s=snapshot: snapshot_blocks(s))
        sections, _ = queries_of(
            lambda s=snapshot: [b.html for x in snapshot_sections(s) for b in x.blocks.all()]
        )
        document, _ = queries_of(lambda s=snapshot: snapshot_document(s))
        counts.append((found, blocks, sections, document))

    assert counts[0] == counts[1] == (1, 1, 2, 2)


# --- the database refuses to change it ----------------------------------------------------------


def run_sql(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def frozen(edition, content):
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION)
    return snapshot, snapshot_serialise(snapshot)


@pytest.mark.parametrize(
    ("sql", "target"),
    [
        ("UPDATE authoring_snapshot SET content_hash = 'x' WHERE id = %s", "snapshot"),
        ("UPDATE authoring_snapshot SET purpose = 'publication' WHERE id = %s", "snapshot"),
        ("UPDATE authoring_snapshotsection SET title = 'Ändrad' WHERE id = %s", "section"),
        ("UPDATE authoring_snapshotblock SET body = 'Ändrad' WHERE id = %s", "block"),
        ("UPDATE authoring_snapshotblock SET html = '<p>x</p>' WHERE id = %s", "block"),
        ("UPDATE authoring_snapshotblock SET position = position WHERE id = %s", "block"),
    ],
)
def test_the_database_refuses_to_update_a_snapshot_row(frozen, sql, target):
    snapshot, before = frozen
    row = {
        "snapshot": snapshot.pk,
        "section": SnapshotSection.objects.filter(snapshot=snapshot).first().pk,
        "block": SnapshotBlock.objects.filter(snapshot=snapshot).first().pk,
    }[target]

    with pytest.raises(IntegrityError), transaction.atomic():
        run_sql(sql, [row])

    assert snapshot_serialise(Snapshot.objects.get(pk=snapshot.pk)) == before


def test_the_orm_cannot_update_a_snapshot_block_either(frozen):
    snapshot, before = frozen

    with pytest.raises(IntegrityError), transaction.atomic():
        SnapshotBlock.objects.filter(snapshot=snapshot).update(body="Ändrad")

    assert snapshot_serialise(Snapshot.objects.get(pk=snapshot.pk)) == before


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM authoring_snapshotblock WHERE snapshot_id = %s",
        "DELETE FROM authoring_snapshotsection WHERE snapshot_id = %s",
        "DELETE FROM authoring_snapshot WHERE id = %s",
    ],
)
def test_the_database_refuses_to_delete_a_snapshot_row(frozen, sql):
    """PostgreSQL raises; SQLite leaves the rows where they are (see migration 0005)."""
    snapshot, before = frozen

    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            run_sql(sql, [snapshot.pk])
    else:
        with transaction.atomic():
            run_sql(sql, [snapshot.pk])

    assert snapshot_serialise(Snapshot.objects.get(pk=snapshot.pk)) == before


def test_deleting_the_person_who_took_it_keeps_the_snapshot(edition, content):
    taker = helpers.person("national_editor", name="Tillfällig Redaktör")
    snapshot = snapshot_take(edition=edition, purpose=CONSULTATION, actor=taker)
    before = snapshot_document(snapshot)

    taker.delete()

    after = snapshot_document(Snapshot.objects.get(pk=snapshot.pk))
    assert after["taken_by"] is None
    assert {**after, "taken_by": before["taken_by"]} == before


def test_an_emptied_database_takes_the_snapshots_with_it(frozen):
    """Django's test flush empties every table, in no fixed order; the snapshot guard must
    not stop it. Worst case first: the snapshot tables before the editions."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    tables.sort(key=lambda name: (not name.startswith("authoring_snapshot"), name))

    if connection.vendor == "postgresql":
        # This test runs inside a transaction with deferred foreign-key checks pending, which
        # TRUNCATE refuses; a real flush runs outside one.
        run_sql("SET CONSTRAINTS ALL IMMEDIATE", [])
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))

    assert (
        Snapshot.objects.count(),
        SnapshotSection.objects.count(),
        SnapshotBlock.objects.count(),
    ) == (0, 0, 0)
    assert Edition.objects.count() == 0


def test_the_publish_step_freezes_the_published_text(author):
    """The publish step takes the publication snapshot: what readers see is frozen."""
    from apps.authoring.models import Snapshot, SnapshotPurpose

    edition = helpers.working_edition(helpers.make_support(author))
    helpers.make_complete(edition, author)
    edition = helpers.move_to(edition, S.APPROVED)
    edition = helpers.take(helpers.person("national_editor"), edition, "publish")

    snapshot = Snapshot.objects.get(edition=edition, purpose=SnapshotPurpose.PUBLICATION)
    assert snapshot.transition.name == "publish"
    assert snapshot.blocks.count() == Block.objects.filter(edition=edition).count()
