"""The search index follows the workflow: the publish step writes a support's row from the
publication snapshot, a newer publication replaces it, a withdrawal removes it, and a step
that rolls back leaves the index as it was. `reindex_search` rebuilds it from the database."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.authoring.models import Edition, Snapshot, SnapshotPurpose
from apps.authoring.workflow import registered_effect
from apps.publishing.models import SearchDocument
from apps.publishing.search import document_fields, plain_text_of_html, reindex_support
from tests.authoring.helpers import add_block, person, take
from tests.publishing.helpers import next_edition, publish_now
from tests.publishing.search_builders import first_section, public

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return person("author")


@pytest.fixture
def editor():
    return person("national_editor")


def test_publishing_writes_the_supports_row_from_the_publication_snapshot(author, editor):
    support = public(
        author,
        editor,
        "Hjärtsvikt – behandling",
        "Patienter med hjärtsvikt **bör** få *betablockerare*.",
        diagnoses=["I50.9"],
    )

    document = SearchDocument.objects.get(support=support)
    assert document.edition_id == support.current_published_edition_id
    assert document.title == "Hjärtsvikt – behandling"
    assert document.diagnoses == "I50.9 Heart failure, unspecified"
    assert document.text == "Patienter med hjärtsvikt bör få betablockerare."
    assert document.published_at == support.current_published_edition.published_at
    assert " betablockerare " in document.folded_text
    assert document.for_primary and document.for_specialised


def test_a_newer_publication_replaces_the_row(author, editor):
    support = public(author, editor, "Astma", "Gammal formulering.")
    edition = next_edition(author, support)
    add_block(author, first_section(edition), "Ny formulering om inhalatorer.")

    publish_now(edition, editor)

    document = SearchDocument.objects.get(support=support)
    assert document.edition_id == edition.pk
    assert "inhalatorer" in document.text
    assert SearchDocument.objects.count() == 1


def test_withdrawing_removes_the_row(author, editor):
    support = public(author, editor, "Astma", "Text.")

    take(editor, support.current_published_edition, "withdraw", comment="Inaktuell.")

    assert not SearchDocument.objects.filter(support=support).exists()


def test_a_rolled_back_publication_leaves_the_index_unchanged(author, editor):
    support = public(author, editor, "Astma", "Gammal formulering.")
    edition = next_edition(author, support)
    add_block(author, first_section(edition), "Formulering som aldrig publiceras.")

    def fail(**kwargs):
        raise RuntimeError("a later effect of the step fails")

    with registered_effect("publish", fail), pytest.raises(RuntimeError):
        publish_now(edition, editor)

    document = SearchDocument.objects.get(support=support)
    assert document.edition_id == support.current_published_edition_id
    assert "aldrig" not in document.text


def test_a_rolled_back_first_publication_writes_no_row(author, editor):
    def fail(**kwargs):
        raise RuntimeError("a later effect of the step fails")

    with registered_effect("publish", fail), pytest.raises(RuntimeError):
        public(author, editor, "Astma", "Text.")

    assert not SearchDocument.objects.exists()


def test_the_effect_reads_the_snapshot_taken_by_the_same_step(author, editor):
    support = public(author, editor, "Astma", "Text.")

    snapshot = Snapshot.objects.get(
        edition_id=support.current_published_edition_id, purpose=SnapshotPurpose.PUBLICATION
    )
    assert Snapshot.objects.filter(purpose=SnapshotPurpose.PUBLICATION).count() == 1
    assert snapshot.transition.name == "publish"


def test_reindex_search_rebuilds_missing_rows_and_removes_stale_ones(author, editor):
    kept = public(author, editor, "Astma", "Text om astma.")
    gone = public(author, editor, "KOL", "Text om KOL.")
    SearchDocument.objects.filter(support=kept).delete()
    # Withdrawn behind the workflow's back: the row is stale.
    Edition.objects.filter(pk=gone.current_published_edition_id).update(state="withdrawn")
    out = StringIO()

    call_command("reindex_search", stdout=out)

    assert list(SearchDocument.objects.values_list("title", flat=True)) == ["Astma"]
    assert "1 kunskapsstöd indexerade, 1 borttagna" in out.getvalue()


def test_reindexing_one_support_follows_its_edited_title(author, editor):
    support = public(author, editor, "Astma", "Text.")
    type(support).objects.filter(pk=support.pk).update(title="Astma hos vuxna")

    assert reindex_support(support.pk) is True
    assert SearchDocument.objects.get(support=support).title == "Astma hos vuxna"


def test_the_care_level_flags_follow_the_blocks_levels():
    only_specialised = document_fields(
        title="x", diagnoses=[], blocks=[("<p>a</p>", "specialised")]
    )
    mixed = document_fields(
        title="x", diagnoses=[], blocks=[("<p>a</p>", "specialised"), ("<p>b</p>", "primary")]
    )
    unmarked = document_fields(title="x", diagnoses=[], blocks=[("<p>a</p>", "")])

    assert (only_specialised["for_primary"], only_specialised["for_specialised"]) == (False, True)
    assert (mixed["for_primary"], mixed["for_specialised"]) == (True, True)
    assert (unmarked["for_primary"], unmarked["for_specialised"]) == (True, True)


def test_plain_text_keeps_words_apart_at_block_tags_and_together_inside_inline_ones():
    html = "<h3>Dos</h3><p>Ge <strong>5</strong> mg &amp; följ upp.</p><ul><li>ett</li><li>två</li></ul>"

    assert plain_text_of_html(html) == "Dos Ge 5 mg & följ upp. ett två"


def test_the_demo_data_publishes_a_support_that_search_finds(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", stdout=StringIO())

    assert "Hjärtsvikt – behandling" in SearchDocument.objects.values_list("title", flat=True)


def test_the_index_effects_run_after_authorings_own_publish_and_withdraw_effects():
    from apps.authoring import workflow_effects
    from apps.authoring.workflow import effects_for
    from apps.publishing import search

    publish, withdraw = effects_for("publish"), effects_for("withdraw")

    assert publish.index(search.index_published_edition) > publish.index(
        workflow_effects.freeze_published_text
    )
    assert withdraw.index(search.unindex_withdrawn_edition) > withdraw.index(
        workflow_effects.withdraw
    )


def test_another_public_change_rebuilds_the_row_after_the_commit(
    author, editor, django_capture_on_commit_callbacks
):
    from apps.authoring.public_changes import announce_public_change

    support = public(author, editor, "Astma", "Text.")
    type(support).objects.filter(pk=support.pk).update(title="Astma hos vuxna")

    with django_capture_on_commit_callbacks(execute=True):
        announce_public_change(support_id=support.pk, reason="support_updated")
        assert SearchDocument.objects.get(support=support).title == "Astma"

    assert SearchDocument.objects.get(support=support).title == "Astma hos vuxna"
