"""The use cases of authoring, called as the views call them: permission, validation, the
template copied into editions, block editing with its lock, history and new editions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.authoring import services
from apps.authoring.history import HistoricalBlock
from apps.authoring.models import (
    Block,
    BlockDraft,
    Edition,
    ProductType,
    Section,
    Support,
    TemplateSection,
)
from apps.core.models import AuditEntry
from tests.authoring import helpers
from tests.authoring.helpers import CLINICAL_TEXT, add_block, make_support, positions, save
from tests.factories import UserFactory, grant, npo

pytestmark = pytest.mark.django_db


# --- support_create -----------------------------------------------------------------------------


def test_support_create_gives_code_slug_and_a_first_draft_built_from_the_template(author):
    product_type = helpers.clinical()
    support = make_support(author, diagnoses=["I50.0", "I50.1"], target_professions=["lakare"])

    assert support.code == "KS-0001"
    assert support.slug == "hjartsvikt-behandling-ks-0001"
    assert support.programme_area == npo()
    assert support.created_by == author
    assert sorted(support.diagnoses.values_list("code", flat=True)) == ["I50.0", "I50.1"]
    assert support.diagnoses.get(code="I50.0").description  # from the code list

    edition = Edition.objects.get(support=support)
    assert support.working_edition == edition
    assert (edition.major, edition.minor, edition.state, edition.kind) == (1, 0, "draft", "major")
    assert edition.template_version == product_type.template_version
    template = list(TemplateSection.objects.filter(product_type=product_type).order_by("position"))
    sections = list(edition.sections.order_by("position"))
    assert [(s.key, s.title, s.required, s.heading_level) for s in sections] == [
        (t.key, t.title, t.required, t.heading_level) for t in template
    ]
    assert len(sections) > 3
    assert AuditEntry.objects.filter(action="support.created", actor=author).count() == 1


def test_support_codes_count_up_per_product_type(author):
    first = make_support(author, title="Hjärtsvikt")
    second = make_support(author, title="Förmaksflimmer")
    pathway = make_support(
        author, title="Hjärtsvikt vårdförlopp", product_type=helpers.care_pathway()
    )

    assert (first.code, second.code, pathway.code) == ("KS-0001", "KS-0002", "VF-0001")
    assert pathway.slug == "hjartsvikt-vardforlopp-vf-0001"


def test_support_create_refuses_an_unknown_icd10_code_on_the_diagnoses_field(author):
    with pytest.raises(ValidationError) as caught:
        make_support(author, diagnoses=["I50.0", "XYZ"])

    assert "diagnoses" in caught.value.message_dict
    assert "XYZ" in caught.value.message_dict["diagnoses"][0]
    assert not Support.objects.exists()


def test_support_create_stores_diagnosis_codes_in_their_normal_form(author):
    # The service is the API of views and commands alike: a code it accepted as valid
    # (it normalises before validating) must be stored as the code list spells it.
    support = make_support(author, diagnoses=[" i50.0 "])

    assert list(support.diagnoses.values_list("code", flat=True)) == ["I50.0"]


def test_support_create_refuses_a_legacy_product_type(author):
    legacy = ProductType.objects.get(code="vardprogram")
    assert legacy.allows_new is False

    with pytest.raises(ValidationError) as caught:
        make_support(author, product_type=legacy)

    assert "product_type" in caught.value.message_dict
    assert not Support.objects.exists()


def test_support_create_refuses_an_author_of_another_npo(other_author):
    with pytest.raises(PermissionDenied):
        make_support(other_author, area=npo())
    assert not Support.objects.exists()


def test_support_create_refuses_a_user_without_role(reader):
    with pytest.raises(PermissionDenied):
        make_support(reader)


def test_national_editor_may_create_a_support_in_any_npo(national_editor):
    support = make_support(national_editor, area=npo("psykisk-halsa"), title="Depression")

    assert support.programme_area == npo("psykisk-halsa")
    assert support.working_edition.state == "draft"


def test_related_supports_link_both_ways(author):
    clinical = make_support(author, title="Hjärtsvikt – behandling")
    pathway = make_support(
        author,
        title="Hjärtsvikt – vårdförlopp",
        product_type=helpers.care_pathway(),
        related_supports=[clinical],
    )

    assert list(pathway.related_supports.all()) == [clinical]
    assert list(clinical.related_supports.all()) == [pathway]


# --- support_update -----------------------------------------------------------------------------


def test_support_update_changes_metadata_but_keeps_code_and_slug(author, support):
    pathway = make_support(
        author, title="Hjärtsvikt vårdförlopp", product_type=helpers.care_pathway()
    )

    updated = services.support_update(
        actor=author,
        support=support,
        title="Hjärtsvikt – utredning och behandling",
        diagnoses=["I50.1"],
        target_professions=["sjukskoterska"],
        related_supports=[pathway, support],
    )

    updated.refresh_from_db()
    assert updated.title == "Hjärtsvikt – utredning och behandling"
    assert (updated.code, updated.slug) == (support.code, support.slug)
    assert list(updated.diagnoses.values_list("code", flat=True)) == ["I50.1"]
    assert updated.target_professions == ["sjukskoterska"]
    # A support is never related to itself; the link to the pathway goes both ways.
    assert list(updated.related_supports.all()) == [pathway]
    assert list(pathway.related_supports.all()) == [updated]
    entry = AuditEntry.objects.get(action="support.updated")
    assert entry.details == {"name": ["Hjärtsvikt – behandling", updated.title]}


def test_support_update_refuses_unknown_codes_and_other_npos(support, other_author, author):
    with pytest.raises(PermissionDenied):
        services.support_update(
            actor=other_author,
            support=support,
            title="Kapat",
            diagnoses=[],
            target_professions=[],
            related_supports=[],
        )
    with pytest.raises(ValidationError):
        services.support_update(
            actor=author,
            support=support,
            title="Ny titel",
            diagnoses=["Q99.999"],
            target_professions=[],
            related_supports=[],
        )
    support.refresh_from_db()
    assert support.title == "Hjärtsvikt – behandling"


# --- templates ----------------------------------------------------------------------------------


def test_template_change_leaves_existing_editions_alone_and_reaches_new_supports(
    author, national_editor, edition
):
    product_type = helpers.clinical()
    version_before = product_type.template_version
    template_section = TemplateSection.objects.get(product_type=product_type, key="behandling")
    old_title = template_section.title

    services.template_section_update(
        actor=national_editor,
        template_section=template_section,
        title="Behandling och egenvård",
        guidance="Ny vägledning.",
        required=False,
    )

    existing = Section.objects.get(edition=edition, key="behandling")
    assert (existing.title, existing.required) == (old_title, True)
    assert Edition.objects.get(pk=edition.pk).template_version == version_before

    newer = make_support(author, title="Förmaksflimmer")
    new_section = Section.objects.get(edition=newer.working_edition, key="behandling")
    assert (new_section.title, new_section.guidance, new_section.required) == (
        "Behandling och egenvård",
        "Ny vägledning.",
        False,
    )
    assert newer.working_edition.template_version == version_before + 1
    assert AuditEntry.objects.filter(action="template.updated", actor=national_editor).exists()


def test_template_section_add_reaches_only_new_supports(author, national_editor, edition):
    count_before = edition.sections.count()
    services.template_section_add(
        actor=national_editor,
        product_type=helpers.clinical(),
        key="egenvard",
        title="Egenvård",
        guidance="",
        required=False,
    )

    assert edition.sections.count() == count_before
    newer = make_support(author, title="Förmaksflimmer")
    assert list(newer.working_edition.sections.order_by("position"))[-1].key == "egenvard"


def test_an_author_may_not_change_the_template(author):
    template_section = TemplateSection.objects.get(
        product_type=helpers.clinical(), key="behandling"
    )
    with pytest.raises(PermissionDenied):
        services.template_section_update(
            actor=author,
            template_section=template_section,
            title="Kapad",
            guidance="",
            required=False,
        )
    with pytest.raises(PermissionDenied):
        services.template_section_add(
            actor=author,
            product_type=helpers.clinical(),
            key="kapad",
            title="Kapad",
            guidance="",
            required=False,
        )
    template_section.refresh_from_db()
    assert template_section.title != "Kapad"


# --- blocks: add, save, delete, move ------------------------------------------------------------


def test_block_add_appends_at_the_end_of_the_section(author, section):
    first = services.block_add(actor=author, section=section, kind="text")
    second = services.block_add(actor=author, section=section, kind="recommendation")

    assert (first.position, second.position) == (1, 2)
    assert second.kind == "recommendation"
    assert first.uid != second.uid
    assert first.history.count() == 1
    assert first.history.get().history_user == author


def test_block_add_refuses_an_unknown_kind(author, section):
    with pytest.raises(ValidationError):
        services.block_add(actor=author, section=section, kind="bild")
    assert not Block.objects.exists()


def test_every_block_save_is_a_history_record_by_the_actor(author, co_author, block):
    start = block.history.count()

    save(author, block, body="Första ändringen.")
    save(co_author, block, body="Andra ändringen.")

    records = list(block.history.order_by("history_id"))
    assert len(records) == start + 2
    assert [r.history_user for r in records[-2:]] == [author, co_author]
    assert [r.body for r in records[-2:]] == ["Första ändringen.", "Andra ändringen."]
    current = Block.objects.get(pk=block.pk)
    assert current.body == "Andra ändringen."
    assert current.updated_by == co_author
    assert current.lock_version == block.lock_version + 2
    assert Edition.objects.get(pk=block.edition_id).updated_by == co_author


def test_saving_identical_content_creates_no_history_row(author, block):
    before = block.history.count()
    same = save(author, block, body=CLINICAL_TEXT, care_level="both")

    assert block.history.count() == before
    assert same.lock_version == block.lock_version


def test_stale_lock_version_raises_edit_conflict_and_keeps_the_saved_text(author, co_author, block):
    stale = block.lock_version
    save(author, block, body="Astrids sparade text.")
    history_before = block.history.count()

    with pytest.raises(services.EditConflict) as caught:
        services.block_save(
            actor=co_author, block=block, lock_version=stale, content={"body": "Bertils text."}
        )

    assert caught.value.current.body == "Astrids sparade text."
    current = Block.objects.get(pk=block.pk)
    assert current.body == "Astrids sparade text."
    assert current.lock_version == stale + 1
    assert block.history.count() == history_before


def test_block_save_refuses_unknown_fields(author, block):
    with pytest.raises(ValueError):
        services.block_save(
            actor=author, block=block, lock_version=block.lock_version, content={"uid": "x"}
        )


def test_block_remove_takes_the_block_out_of_the_text_and_keeps_its_row(author, section):
    blocks = [add_block(author, section, f"Stycke {n}.") for n in (1, 2, 3)]
    middle = Block.objects.get(pk=blocks[1].pk)

    services.block_remove(actor=author, block=middle, lock_version=middle.lock_version)

    assert not Block.objects.filter(pk=middle.pk).exists()
    assert Block.all_objects.get(pk=middle.pk).removed_by == author
    last = HistoricalBlock.objects.filter(id=middle.pk).order_by("-history_id").first()
    assert (last.history_type, last.history_user) == ("~", author)
    assert AuditEntry.objects.filter(action="block.deleted").count() == 1
    assert [body for _pos, body in positions(section)] == ["Stycke 1.", "Stycke 3."]


def test_block_remove_with_a_stale_lock_version_is_a_conflict(author, block):
    stale = block.lock_version
    save(author, block, body="Nyare.")

    with pytest.raises(services.EditConflict):
        services.block_remove(actor=author, block=block, lock_version=stale)
    assert Block.objects.filter(pk=block.pk).exists()


def test_block_move_reorders_within_a_section_keeping_positions_one_to_n(author, section):
    a, b, c, d = (add_block(author, section, name) for name in "ABCD")

    moved = services.block_move(actor=author, block=d, section=section, position=1)
    assert positions(section) == [(1, "D"), (2, "A"), (3, "B"), (4, "C")]
    assert moved.uid == d.uid

    services.block_move(actor=author, block=Block.objects.get(pk=a.pk), section=section, position=3)
    assert positions(section) == [(1, "D"), (2, "B"), (3, "A"), (4, "C")]

    # A position past the end puts the block last.
    services.block_move(
        actor=author, block=Block.objects.get(pk=d.pk), section=section, position=99
    )
    assert positions(section) == [(1, "B"), (2, "A"), (3, "C"), (4, "D")]
    assert AuditEntry.objects.filter(action="block.moved").count() == 3


def test_block_move_to_another_section_closes_up_both(author, edition, section):
    other = helpers.section_of(edition, "utredning")
    a, b, c = (add_block(author, section, name) for name in "ABC")
    x, y = (add_block(author, other, name) for name in "XY")

    moved = services.block_move(actor=author, block=b, section=other, position=2)

    assert moved.uid == b.uid
    assert moved.section == other
    assert positions(section) == [(1, "A"), (2, "C")]
    assert positions(other) == [(1, "X"), (2, "B"), (3, "Y")]
    assert Block.objects.get(pk=b.pk).uid == b.uid


def test_block_move_refuses_a_section_of_another_edition(author, block):
    other_support = make_support(author, title="Förmaksflimmer")
    foreign = helpers.section_of(other_support.working_edition)

    with pytest.raises(ValidationError):
        services.block_move(actor=author, block=block, section=foreign, position=1)
    assert Block.objects.get(pk=block.pk).section_id == block.section_id


# --- autosave -----------------------------------------------------------------------------------


def test_autosave_keeps_one_draft_and_no_history_and_a_real_save_clears_it(author, block):
    history_before = block.history.count()

    services.block_autosave(
        actor=author, block=block, base_lock_version=block.lock_version, content={"body": "Ut"}
    )
    services.block_autosave(
        actor=author,
        block=block,
        base_lock_version=block.lock_version,
        content={"body": "Utkast som växer"},
    )

    draft = BlockDraft.objects.get(block=block, user=author)
    assert draft.content == {"body": "Utkast som växer"}
    assert draft.base_lock_version == block.lock_version
    assert BlockDraft.objects.count() == 1
    assert block.history.count() == history_before
    assert Block.objects.get(pk=block.pk).body == CLINICAL_TEXT

    save(author, block, body="Utkast som växer och sparas.")
    assert not BlockDraft.objects.exists()
    assert block.history.count() == history_before + 1


def test_saving_identical_content_also_clears_the_draft(author, block):
    services.block_autosave(
        actor=author, block=block, base_lock_version=block.lock_version, content={"body": "x"}
    )
    save(author, block, body=CLINICAL_TEXT)
    assert not BlockDraft.objects.exists()


def test_autosave_is_refused_to_an_author_of_another_npo(other_author, block):
    with pytest.raises(PermissionDenied):
        services.block_autosave(
            actor=other_author, block=block, base_lock_version=1, content={"body": "x"}
        )
    assert not BlockDraft.objects.exists()


# --- editable states ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["internal_review", "in_consultation", "approved", "published"])
def test_no_edit_when_the_edition_has_left_the_authors(author, edition, section, block, state):
    Edition.objects.filter(pk=edition.pk).update(state=state)
    block = Block.objects.get(pk=block.pk)
    history_before = HistoricalBlock.objects.count()

    with pytest.raises(ValidationError):
        services.block_add(actor=author, section=section, kind="text")
    with pytest.raises(ValidationError):
        services.block_save(
            actor=author, block=block, lock_version=block.lock_version, content={"body": "Nej"}
        )
    with pytest.raises(ValidationError):
        services.block_remove(actor=author, block=block, lock_version=block.lock_version)
    with pytest.raises(ValidationError):
        services.block_move(actor=author, block=block, section=section, position=1)
    with pytest.raises(ValidationError):
        services.block_autosave(
            actor=author, block=block, base_lock_version=block.lock_version, content={}
        )

    assert Block.objects.get(pk=block.pk).body == CLINICAL_TEXT
    assert Block.objects.count() == 1
    assert HistoricalBlock.objects.count() == history_before
    assert not BlockDraft.objects.exists()


def test_edits_are_allowed_in_revision(author, edition, block):
    Edition.objects.filter(pk=edition.pk).update(state="revision")
    assert save(author, block, body="Bearbetad efter remiss.").body == "Bearbetad efter remiss."


def test_block_edits_are_refused_to_authors_of_another_npo(other_author, section, block):
    with pytest.raises(PermissionDenied):
        services.block_add(actor=other_author, section=section, kind="text")
    with pytest.raises(PermissionDenied):
        save(other_author, block, body="Kapad")
    with pytest.raises(PermissionDenied):
        services.block_remove(actor=other_author, block=block, lock_version=block.lock_version)
    with pytest.raises(PermissionDenied):
        services.block_move(actor=other_author, block=block, section=section, position=1)
    assert Block.objects.get(pk=block.pk).body == CLINICAL_TEXT


def test_a_national_editor_may_edit_any_support(national_editor, block):
    assert save(national_editor, block, body="Redigerad.").updated_by == national_editor


# --- edition_start_new --------------------------------------------------------------------------


@pytest.fixture
def published(author, edition, section):
    add_block(author, section, "Rekommendation A.", kind="recommendation", strength="bor")
    add_block(author, section, "Text B.")
    add_block(author, helpers.section_of(edition, "utredning"), "Utredning C.")
    return helpers.publish(edition)


@pytest.mark.parametrize(("kind", "number"), [("major", (2, 0)), ("minor", (1, 1))])
def test_new_edition_copies_sections_and_blocks_with_the_same_uids(
    author, support, published, kind, number
):
    new = services.edition_start_new(
        actor=author, support=support, kind=kind, change_summary="Nya läkemedel."
    )

    assert (new.major, new.minor) == number
    assert (new.state, new.kind, new.based_on) == ("draft", kind, published)
    assert new.change_summary == "Nya läkemedel."
    assert Support.objects.get(pk=support.pk).working_edition == new
    old_sections = list(published.sections.order_by("position").values_list("key", "title"))
    assert list(new.sections.order_by("position").values_list("key", "title")) == old_sections

    def layout(edition):
        return list(
            Block.objects.filter(edition=edition)
            .order_by("section__position", "position")
            .values_list("uid", "section__key", "position", "body", "kind", "content_hash")
        )

    assert layout(new) == layout(published)
    assert not set(Block.objects.filter(edition=new).values_list("pk", flat=True)) & set(
        Block.objects.filter(edition=published).values_list("pk", flat=True)
    )
    # The published edition is left as it was.
    assert Edition.objects.get(pk=published.pk).state == "published"
    assert AuditEntry.objects.filter(action="edition.started").count() == 1


def test_new_edition_blocks_have_their_own_history(author, support, published):
    new = services.edition_start_new(actor=author, support=support, kind="minor")
    copied = Block.objects.filter(edition=new).first()
    save(author, copied, body="Ändrad i 1.1.")

    original = Block.objects.get(edition=published, uid=copied.uid)
    assert original.body != "Ändrad i 1.1."
    assert copied.history.first().history_user == author


def test_new_edition_is_refused_while_another_is_open(author, support, published):
    services.edition_start_new(actor=author, support=support, kind="minor")

    with pytest.raises(ValidationError):
        services.edition_start_new(actor=author, support=support, kind="major")
    assert support.editions.count() == 2


def test_new_edition_is_refused_when_nothing_is_published(author, support):
    with pytest.raises(ValidationError):
        services.edition_start_new(actor=author, support=support, kind="major")
    assert support.editions.count() == 1


def test_new_edition_refuses_an_unknown_kind_and_other_npos(
    author, other_author, support, published
):
    with pytest.raises(ValidationError):
        services.edition_start_new(actor=author, support=support, kind="patch")
    with pytest.raises(PermissionDenied):
        services.edition_start_new(actor=other_author, support=support, kind="minor")
    assert support.editions.count() == 1


def test_new_edition_after_an_abandoned_one_is_allowed(author, support, published):
    first = services.edition_start_new(actor=author, support=support, kind="minor")
    Edition.objects.filter(pk=first.pk).update(state="abandoned")

    second = services.edition_start_new(actor=author, support=support, kind="major")
    assert (second.major, second.minor) == (2, 0)


def test_a_new_user_without_roles_cannot_start_an_edition(support, published):
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.edition_start_new(actor=stranger, support=support, kind="minor")
    grant(stranger, "author", npo())
    assert services.edition_start_new(actor=stranger, support=support, kind="minor").minor == 1
