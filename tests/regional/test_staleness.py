"""Staleness: a new national edition flags the additions whose block changed or went away,
and moves the others to the new edition by themselves, across several editions."""

import pytest
from django.core import mail

from apps.authoring.models import Edition, SnapshotBlock
from apps.core.models import AuditEntry, Notification
from apps.regional.models import FlagReason, RegionalAddition
from apps.regional.staleness import flag_stale_additions
from tests.regional.helpers import (
    fresh,
    national_people,
    publication,
    published_with_blocks,
    regional_editor,
    remove,
    republish,
    rewrite,
    write,
)

pytestmark = pytest.mark.django_db


def regional_mails():
    return [m for m in mail.outbox if "tillägg" in m.subject]


@pytest.fixture
def world():
    author, editor = national_people()
    support, uids = published_with_blocks(author, editor)
    skane = regional_editor("skane", name="Tove Tillägg")
    return author, editor, support, uids, skane


def test_an_addition_at_an_unchanged_block_moves_to_the_new_edition_silently(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    first = addition.written_against

    new = republish(author, editor, support, rewrite(author, uids["Andra blocket."], "Nytt."))

    addition = fresh(addition)
    assert addition.needs_review is False
    assert addition.flag_reason == ""
    assert addition.written_against_edition == new
    assert addition.written_against.snapshot == publication(new)
    assert addition.written_against.uid == first.uid
    assert addition.written_against.content_hash == first.content_hash
    assert Notification.objects.filter(kind="regional.addition_flagged").count() == 0


def test_an_addition_at_a_changed_block_is_flagged_and_keeps_the_text_it_was_written_against(
    world,
):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    before = addition.written_against
    old_edition = addition.written_against_edition

    new = republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))

    addition = fresh(addition)
    assert addition.needs_review is True
    assert addition.flag_reason == FlagReason.CHANGED
    assert addition.flagged_at == new.published_at
    assert addition.written_against == before
    assert addition.written_against_edition == old_edition
    assert addition.state == "published"  # readers still see it, with a note


def test_an_addition_at_a_removed_block_is_flagged_removed(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Andra blocket."])

    republish(author, editor, support, remove(author, uids["Andra blocket."]))

    addition = fresh(addition)
    assert (addition.needs_review, addition.flag_reason) == (True, FlagReason.REMOVED)


def test_an_addition_at_a_section_end_moves_while_the_section_is_there(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, section_key="behandling")

    new = republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))

    addition = fresh(addition)
    assert addition.needs_review is False
    assert addition.block_uid is None and addition.written_against is None
    assert addition.written_against_edition == new


def test_an_addition_at_the_end_of_a_section_that_is_gone_is_flagged_removed(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, section_key="behandling")
    # Sections come from the template; a later edition without one is made by hand here.
    RegionalAddition.objects.filter(pk=addition.pk).update(section_key="avsnitt-som-forsvann")

    republish(author, editor, support)

    addition = fresh(addition)
    assert (addition.needs_review, addition.flag_reason) == (True, FlagReason.REMOVED)


def test_drafts_are_checked_too_and_archived_additions_are_left_alone(world):
    author, editor, support, uids, skane = world
    draft = write(skane, support, block_uid=uids["Första blocket."], publish=False)
    archived = write(skane, support, block_uid=uids["Första blocket."])
    from apps.regional.services import addition_archive

    addition_archive(actor=skane, addition=archived, lock_version=archived.lock_version)
    archived = fresh(archived)

    republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))

    assert fresh(draft).needs_review is True
    after = fresh(archived)
    assert after.needs_review is False
    assert after.written_against_edition_id == archived.written_against_edition_id
    assert after.lock_version == archived.lock_version


def test_across_two_new_editions(world):
    """1.0 → 1.1 changes the first block: flagged. 1.1 → 1.2 leaves it as 1.1 had it: still
    flagged, with the first flag's time, still written against 1.0's text. The addition at
    the unchanged block moves twice; the addition at the block removed in 1.2 is flagged
    then."""
    author, editor, support, uids, skane = world
    changed = write(skane, support, block_uid=uids["Första blocket."])
    unchanged = write(skane, support, block_uid=uids["Andra blocket."], kind="organisation")
    end = write(skane, support, section_key="behandling", kind="local_drug")
    v10 = changed.written_against_edition

    v11 = republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    flagged_at = fresh(changed).flagged_at
    assert fresh(changed).needs_review is True
    assert fresh(unchanged).written_against_edition == v11

    v12 = republish(author, editor, support, remove(author, uids["Andra blocket."]))

    changed, unchanged, end = fresh(changed), fresh(unchanged), fresh(end)
    assert (changed.needs_review, changed.flag_reason) == (True, FlagReason.CHANGED)
    assert changed.flagged_at == flagged_at
    assert changed.written_against_edition == v10
    assert changed.written_against.snapshot == publication(v10)
    assert (unchanged.needs_review, unchanged.flag_reason) == (True, FlagReason.REMOVED)
    assert unchanged.written_against_edition == v11  # what it was last confirmed for
    assert unchanged.flagged_at == v12.published_at
    assert end.needs_review is False and end.written_against_edition == v12


def test_a_flagged_addition_whose_text_comes_back_is_unflagged_and_moves(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    assert fresh(addition).needs_review is True

    v12 = republish(
        author, editor, support, rewrite(author, uids["Första blocket."], "Första blocket.")
    )

    addition = fresh(addition)
    assert addition.needs_review is False and addition.flagged_at is None
    assert addition.written_against_edition == v12


def test_a_flag_is_recorded_in_the_history_and_the_audit_log(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])

    republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))

    latest = fresh(addition).history.order_by("-history_date", "-history_id").first()
    assert latest.needs_review is True
    assert latest.history_change_reason == "Den nationella texten har ändrats i version 1.1"
    entry = AuditEntry.objects.get(action="regional.addition_flagged")
    assert entry.object_id == str(addition.pk)
    assert entry.details == {"flag_reason": "changed", "to": "1.1"}


def test_the_regions_editors_are_notified_in_the_app_and_by_e_mail_in_swedish(
    world, django_capture_on_commit_callbacks
):
    author, editor, support, uids, skane = world
    colleague = regional_editor("skane", name="Sara Skåne")
    uppsala = regional_editor("uppsala")
    write(skane, support, block_uid=uids["Första blocket."])
    write(uppsala, support, block_uid=uids["Andra blocket."], code="uppsala")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))

    notes = Notification.objects.filter(kind="regional.addition_flagged")
    assert {n.recipient for n in notes} == {skane, colleague}
    note = notes.first()
    sentence = (
        f"Den nationella texten under Region Skånes tillägg (remissrutin) i {support.code} "
        "har ändrats i version 1.1. Granska tillägget."
    )
    assert note.body == sentence
    assert note.title == f"Granska Region Skånes tillägg i {support.code} {support.title}"
    addition = RegionalAddition.objects.get(region__code="skane")
    assert note.url == f"/regionalt/tillagg/{addition.uid}/granska/"
    mails = regional_mails()
    assert sorted(m.to[0] for m in mails) == sorted([skane.email, colleague.email])
    assert mails[0].subject == note.title
    assert sentence in mails[0].body
    assert f"/regionalt/tillagg/{addition.uid}/granska/" in mails[0].body


def test_one_notice_per_region_names_each_addition_and_what_happened(world):
    author, editor, support, uids, skane = world
    write(skane, support, block_uid=uids["Första blocket."])
    write(skane, support, block_uid=uids["Andra blocket."], kind="organisation")

    def both(edition):
        rewrite(author, uids["Första blocket."], "Ändrat.")(edition)
        remove(author, uids["Andra blocket."])(edition)

    republish(author, editor, support, both)

    note = Notification.objects.get(kind="regional.addition_flagged", recipient=skane)
    assert note.title.startswith("2 av Region Skånes tillägg")
    assert "(remissrutin) i " in note.body and "har ändrats i version 1.1" in note.body
    assert "Det nationella blocket under Region Skånes tillägg (organisation och ansvar)" in (
        note.body
    )
    assert note.url == "/regionalt/"


def test_no_one_is_told_twice_about_the_same_flag(world, django_capture_on_commit_callbacks):
    author, editor, support, uids, skane = world
    write(skane, support, block_uid=uids["Första blocket."])
    with django_capture_on_commit_callbacks(execute=True):
        republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    assert len(regional_mails()) == 1
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        republish(author, editor, support)

    assert Notification.objects.filter(kind="regional.addition_flagged").count() == 1
    assert regional_mails() == []


def test_an_e_mail_turned_off_is_not_sent_but_the_notification_is_there(
    world, django_capture_on_commit_callbacks
):
    from apps.core.models import EmailPreference

    author, editor, support, uids, skane = world
    colleague = regional_editor("skane", name="Sara Skåne")
    EmailPreference.objects.create(
        user=skane, kind="regional.addition_flagged", email_enabled=False
    )
    write(skane, support, block_uid=uids["Första blocket."])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))

    assert Notification.objects.filter(recipient=skane).count() == 1
    assert [m.to for m in regional_mails()] == [[colleague.email]]


def test_a_publication_rolled_back_flags_nothing_and_sends_nothing(
    world, django_capture_on_commit_callbacks
):
    from django.db import transaction

    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    mail.outbox.clear()

    class Boom(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
        raise Boom

    assert fresh(addition).needs_review is False
    assert Notification.objects.filter(kind="regional.addition_flagged").count() == 0
    assert regional_mails() == []


def _many(skane, support, uids, count):
    for index in range(count):
        write(skane, support, block_uid=uids["Första blocket."], publish=index % 2 == 0)
        write(skane, support, block_uid=uids["Andra blocket."])
        write(skane, support, section_key="behandling", publish=False)


@pytest.mark.parametrize("count", [1, 8])
def test_the_staleness_check_runs_a_constant_number_of_queries(
    world, count, django_assert_num_queries
):
    author, editor, support, uids, skane = world
    regional_editor("skane")
    _many(skane, support, uids, count)
    edition = republish(author, editor, support, rewrite(author, uids["Första blocket."], "Nu."))
    # Run the effect again on the same publication, from a state of fresh additions (the
    # flags of the real run are undone), to count its queries alone.
    RegionalAddition.objects.update(
        needs_review=False,
        flagged_at=None,
        flag_reason="",
        written_against_edition=edition.based_on,
        written_against=None,
    )
    for addition in RegionalAddition.objects.exclude(block_uid=None):
        addition.written_against = SnapshotBlock.objects.get(
            snapshot=publication(edition.based_on), uid=addition.block_uid
        )
        addition.save(update_fields=["written_against"])
    record = edition.transitions.get(name="publish")
    edition = Edition.objects.get(pk=edition.pk)
    # The snapshot, the additions, the new blocks, the sections, the update and its history
    # rows, the audit rows, the regions' editors, the notifications, the e-mail preferences.
    with django_assert_num_queries(10):
        flag_stale_additions(edition=edition, actor=editor, data={}, record=record)
    assert RegionalAddition.objects.filter(needs_review=True).count() == count
    assert RegionalAddition.objects.filter(written_against_edition=edition).count() == 2 * count
