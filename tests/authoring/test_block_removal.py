"""Removing a block asks first, keeps the row as removed, and the section history puts it back
at its place: the service rules (who, when, where it goes back) and the pages around them
(the confirmation without JavaScript, CSRF, the message, the list of removed blocks)."""

import re

import pytest
from django.contrib.messages import constants, get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from apps.authoring import services
from apps.authoring.history import HistoricalBlock
from apps.authoring.models import Block, Edition
from apps.core.models import AuditEntry
from tests.authoring import helpers
from tests.authoring.helpers import CLINICAL_TEXT, add_block
from tests.factories import UserFactory, grant, npo

pytestmark = pytest.mark.django_db


def kwargs_of(block, **extra) -> dict:
    edition = block.edition
    return {
        "code": edition.support.code,
        "major": edition.major,
        "minor": edition.minor,
        "uid": block.uid,
        **extra,
    }


def remove_url(block) -> str:
    return reverse("authoring:block_remove", kwargs=kwargs_of(block))


def reinstate_url(block) -> str:
    return reverse("authoring:block_reinstate", kwargs=kwargs_of(block))


def section_history_url(section) -> str:
    return section.edition.url("authoring:section_history", key=section.key)


def live_bodies(section) -> list[str]:
    return list(
        Block.objects.filter(section=section).order_by("position").values_list("body", flat=True)
    )


def live_positions(section) -> list[int]:
    return list(
        Block.objects.filter(section=section)
        .order_by("position")
        .values_list("position", flat=True)
    )


def every_block() -> list:
    """All block rows, removed ones included, with what removal and reinstating change."""
    return list(
        Block.all_objects.order_by("pk").values_list(
            "pk", "section_id", "position", "body", "lock_version", "removed_at"
        )
    )


def remove(actor, block) -> Block:
    block = Block.all_objects.get(pk=block.pk)
    return services.block_remove(actor=actor, block=block, lock_version=block.lock_version)


def reinstate(actor, block) -> Block:
    block = Block.all_objects.get(pk=block.pk)
    return services.block_reinstate(actor=actor, block=block, lock_version=block.lock_version)


def messages_of(response, level) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == level]


@pytest.fixture
def chair(db):
    """Reads the NPO's unpublished editions, and may not write in them."""
    return grant(UserFactory(full_name="Cecilia Ordförande"), "npo_chair", npo())


@pytest.fixture
def three(author, section):
    """Three blocks A, B, C in one section, in that order."""
    return [add_block(author, section, text, care_level="both") for text in ("A.", "B.", "C.")]


# --- the service ----------------------------------------------------------------------------


def test_removing_keeps_the_row_marked_removed_by_whom_and_when(author, section, three):
    removed = remove(author, three[1])

    assert not Block.objects.filter(pk=removed.pk).exists()
    row = Block.all_objects.get(pk=removed.pk)
    assert row.is_removed and row.removed_by == author and row.removed_at is not None
    assert row.body == "B." and row.section_id == section.pk
    assert live_bodies(section) == ["A.", "C."]
    assert live_positions(section) == [1, 2]  # the others close up
    last = HistoricalBlock.objects.filter(id=row.pk).order_by("-history_id").first()
    assert (last.history_type, last.history_user) == ("~", author)
    assert last.history_change_reason == "Blocket togs bort."
    entry = AuditEntry.objects.get(action="block.deleted")
    assert (entry.actor, entry.details["block"]) == (author, str(row.uid))


def test_reinstating_puts_the_block_back_at_its_old_place(author, section, three):
    remove(author, three[1])

    back = reinstate(author, three[1])

    assert live_bodies(section) == ["A.", "B.", "C."]
    assert live_positions(section) == [1, 2, 3]
    assert not back.is_removed and back.removed_by is None
    last = HistoricalBlock.objects.filter(id=back.pk).order_by("-history_id").first()
    assert last.history_change_reason == "Blocket återställdes på sin plats."
    assert AuditEntry.objects.filter(action="block.reinstated", actor=author).count() == 1


def test_reinstating_after_the_section_changed_keeps_the_place_or_goes_last(author, section, three):
    a, b, c = three
    remove(author, c)  # stood third
    remove(author, a)  # stood first; B is now first
    add_block(author, section, "D.")

    reinstate(author, a)
    assert live_bodies(section) == ["A.", "B.", "D."]
    reinstate(author, c)
    assert live_bodies(section) == ["A.", "B.", "C.", "D."]
    assert live_positions(section) == [1, 2, 3, 4]


def test_reinstating_when_fewer_blocks_are_left_puts_it_last(author, section, three):
    remove(author, three[2])  # third
    remove(author, three[1])  # second; only A is left

    reinstate(author, three[2])

    assert live_bodies(section) == ["A.", "C."]


def test_reinstating_a_live_block_is_refused_and_changes_nothing(author, three):
    before = every_block()

    with pytest.raises(ValidationError, match="inte borttaget"):
        reinstate(author, three[0])
    assert every_block() == before


def test_reinstating_with_a_stale_lock_version_is_a_conflict(author, three):
    removed = remove(author, three[1])
    before = every_block()

    with pytest.raises(services.EditConflict):
        services.block_reinstate(actor=author, block=removed, lock_version=removed.lock_version - 1)
    assert every_block() == before


def test_reinstating_is_refused_to_someone_who_may_not_edit(author, other_author, three):
    remove(author, three[1])
    before = every_block()

    with pytest.raises(PermissionDenied):
        reinstate(other_author, three[1])
    assert every_block() == before


@pytest.mark.parametrize("state", ["internal_review", "in_consultation", "approved"])
def test_removing_and_reinstating_are_refused_once_the_edition_left_the_authors(
    author, edition, three, state
):
    remove(author, three[1])
    Edition.objects.filter(pk=edition.pk).update(state=state)
    before = every_block()

    with pytest.raises(ValidationError):
        reinstate(author, three[1])
    with pytest.raises(ValidationError):
        remove(author, three[0])
    assert every_block() == before


def test_a_new_edition_does_not_carry_a_removed_block(author, support, edition, section, three):
    remove(author, three[1])
    helpers.publish(edition)

    new = services.edition_start_new(actor=author, support=support, kind="minor")

    assert list(
        Block.all_objects.filter(edition=new).order_by("position").values_list("body", flat=True)
    ) == ["A.", "C."]


# --- asking first -----------------------------------------------------------------------------


def test_the_editor_offers_removal_as_a_link_to_the_question_not_as_a_form(
    client_for, author, section, three
):
    content = client_for(author).get(section.get_absolute_url()).content.decode()

    url = remove_url(three[0])
    assert f'href="{url}"' in content
    assert f'action="{url}"' not in content


def test_the_question_shows_the_start_of_the_text_and_changes_nothing(
    client_for, author, section, block
):
    before = every_block()
    history = HistoricalBlock.objects.count()

    response = client_for(author).get(remove_url(block))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ta bort blocket ”Vid nydiagnostiserad hjärtsvikt med nedsatt" in content
    assert CLINICAL_TEXT not in content  # the start, not the whole text
    assert f'action="{remove_url(block)}"' in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert (every_block(), HistoricalBlock.objects.count()) == (before, history)
    assert not AuditEntry.objects.filter(action="block.deleted").exists()


def test_the_question_about_an_empty_block_names_its_kind(client_for, author, section):
    empty = services.block_add(actor=author, section=section, kind="recommendation")

    content = client_for(author).get(remove_url(empty)).content.decode()

    assert "Ta bort det tomma blocket (rekommendation)?" in content


def test_the_question_is_403_to_someone_who_reads_but_may_not_edit(client_for, chair, block):
    assert client_for(chair).get(remove_url(block)).status_code == 403


def test_the_question_in_an_edition_that_left_the_authors_redirects_with_the_reason(
    client_for, author, edition, block
):
    Edition.objects.filter(pk=edition.pk).update(state="internal_review")

    response = client_for(author).get(remove_url(block))

    assert response.status_code == 302
    assert messages_of(response, constants.ERROR) == [
        "Versionen är inte öppen för ändringar i sin nuvarande status."
    ]


def test_removal_without_the_csrf_token_is_refused(author, block):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author, backend="django.contrib.auth.backends.ModelBackend")
    before = every_block()

    response = client.post(remove_url(block), {"lock_version": block.lock_version})

    assert response.status_code == 403
    assert every_block() == before


def test_confirming_on_the_page_removes_and_says_how_to_get_it_back(author, section, block):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(remove_url(block)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    lock_version = re.search(r'name="lock_version" value="(\d+)"', page).group(1)

    response = client.post(
        remove_url(block), {"csrfmiddlewaretoken": token, "lock_version": lock_version}
    )

    assert response.status_code == 302
    assert response["Location"] == section.get_absolute_url()
    assert Block.all_objects.get(pk=block.pk).is_removed
    (message,) = messages_of(response, constants.SUCCESS)
    assert "lägga tillbaka" in message
    assert f'href="{section_history_url(section)}#removed-blocks"' in message
    # The link in the message reaches the page as a link, not as escaped text.
    shown = client.get(response["Location"]).content.decode()
    assert f'<a href="{section_history_url(section)}#removed-blocks">' in shown


def test_removal_from_a_stale_question_is_a_conflict_and_keeps_the_block(
    client_for, author, co_author, block
):
    stale = block.lock_version
    helpers.save(co_author, block, body="Bertil skrev om blocket.")

    response = client_for(author).post(remove_url(block), {"lock_version": stale})

    assert response.status_code == 302
    assert messages_of(response, constants.ERROR)
    assert Block.objects.get(pk=block.pk).body == "Bertil skrev om blocket."


# --- the section history: removed blocks and putting them back --------------------------------


def test_the_section_history_lists_removed_blocks_with_a_form_to_put_each_back(
    client_for, author, section, three
):
    remove(author, three[1])

    content = client_for(author).get(section_history_url(section)).content.decode()

    listed = re.search(r'<section id="removed-blocks".*?</section>', content, re.S).group(0)
    assert "”B.”" in listed and "”A.”" not in listed
    assert "Astrid Författare" in listed
    form = re.search(
        rf'<form method="post" action="{re.escape(reinstate_url(three[1]))}".*?</form>',
        listed,
        re.S,
    )
    assert form and 'name="csrfmiddlewaretoken"' in form.group(0)
    assert "Återställ" in form.group(0)


def test_the_history_lists_removed_blocks_but_no_button_once_the_edition_left_the_authors(
    client_for, author, section, three
):
    remove(author, three[1])
    Edition.objects.filter(pk=section.edition_id).update(state="internal_review")

    content = client_for(author).get(section_history_url(section)).content.decode()

    assert "”B.”" in content
    assert reinstate_url(three[1]) not in content


def test_restoring_from_the_history_puts_it_back_and_opens_the_section_at_it(
    client_for, author, section, three
):
    removed = remove(author, three[1])

    response = client_for(author).post(
        reinstate_url(removed), {"lock_version": removed.lock_version}
    )

    assert response.status_code == 302
    assert response["Location"] == Block.objects.get(pk=removed.pk).get_absolute_url()
    assert messages_of(response, constants.SUCCESS) == [
        "Blocket är tillbaka på sin plats i avsnittet."
    ]
    assert live_bodies(section) == ["A.", "B.", "C."]


def test_restoring_is_403_to_someone_who_reads_but_may_not_edit(client_for, author, chair, three):
    removed = remove(author, three[1])
    before = every_block()

    response = client_for(chair).post(
        reinstate_url(removed), {"lock_version": removed.lock_version}
    )

    assert response.status_code == 403
    assert every_block() == before


def test_restoring_in_an_edition_that_left_the_authors_is_refused_with_the_reason(
    client_for, author, edition, section, three
):
    removed = remove(author, three[1])
    Edition.objects.filter(pk=edition.pk).update(state="awaiting_npo_approval")
    before = every_block()

    response = client_for(author).post(
        reinstate_url(removed), {"lock_version": removed.lock_version}
    )

    assert response.status_code == 302
    assert response["Location"] == section_history_url(section)
    assert messages_of(response, constants.ERROR) == [
        "Versionen har status ”Väntar på NPO-godkännande” och kan inte ändras."
    ]
    assert every_block() == before


def test_restoring_a_block_that_is_not_removed_is_refused_with_the_reason(
    client_for, author, three
):
    before = every_block()

    response = client_for(author).post(
        reinstate_url(three[0]), {"lock_version": three[0].lock_version}
    )

    assert response.status_code == 302
    assert messages_of(response, constants.ERROR) == [
        "Blocket är inte borttaget och kan inte återställas."
    ]
    assert every_block() == before


@pytest.mark.parametrize("lock_version", ["", "x", str(10**30)])
def test_restoring_with_garbage_is_refused_with_a_message(client_for, author, three, lock_version):
    removed = remove(author, three[1])
    before = every_block()

    response = client_for(author).post(reinstate_url(removed), {"lock_version": lock_version})

    assert response.status_code == 302
    assert messages_of(response, constants.ERROR)
    assert every_block() == before


def test_restoring_takes_only_post(client_for, author, three):
    removed = remove(author, three[1])

    assert client_for(author).get(reinstate_url(removed)).status_code == 405
    assert Block.all_objects.get(pk=removed.pk).is_removed


def test_a_removed_blocks_history_still_opens_without_buttons_to_change_it(
    client_for, author, section, three
):
    removed = remove(author, three[1])
    url = reverse("authoring:block_history", kwargs=kwargs_of(removed))

    response = client_for(author).get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Blocket togs bort" in content
    assert f"{section_history_url(section)}#removed-blocks" in content
    assert reverse("authoring:block_restore", kwargs=kwargs_of(removed)) not in content


def test_the_section_history_queries_do_not_grow_with_removed_blocks(
    client_for, author, section, django_assert_max_num_queries
):
    client = client_for(author)
    url = section_history_url(section)

    def queries_with(count: int) -> int:
        for n in range(count):
            remove(author, add_block(author, section, f"Stycke {n}.", care_level="both"))
        with django_assert_max_num_queries(100) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = queries_with(2)
    assert queries_with(20) == small


# --- writing in a block a co-author removed -------------------------------------------------


def block_form_data(block, body: str) -> dict:
    prefix = f"b-{str(block.uid)[:8]}"
    return {
        f"{prefix}-kind": block.kind,
        f"{prefix}-body": body,
        f"{prefix}-care_level": block.care_level,
        f"{prefix}-depth": block.depth,
        f"{prefix}-references": "",
        f"{prefix}-lock_version": block.lock_version,
    }


def save_url(block) -> str:
    return reverse("authoring:block_save", kwargs=kwargs_of(block))


def test_saving_into_a_block_a_coauthor_removed_keeps_the_text_on_a_conflict_page(
    client_for, author, section, three
):
    coauthor = grant(UserFactory(full_name="Maja Medförfattare"), "author", npo())
    stale = Block.objects.get(pk=three[1].pk)
    remove(coauthor, stale)
    before = every_block()

    response = client_for(author).post(save_url(stale), block_form_data(stale, "Mitt nya stycke."))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Mitt nya stycke." in page
    assert "Maja Medförfattare tog bort blocket" in page
    assert 'name="reinstate" value="1"' in page
    assert every_block() == before  # nothing changed until the author chooses


def test_choosing_to_reinstate_puts_the_block_back_with_the_authors_text(
    client_for, author, section, three
):
    coauthor = grant(UserFactory(full_name="Maja Medförfattare"), "author", npo())
    stale = Block.objects.get(pk=three[1].pk)
    remove(coauthor, stale)

    response = client_for(author).post(
        save_url(stale), {**block_form_data(stale, "Mitt nya stycke."), "reinstate": "1"}
    )

    assert response.status_code == 302
    assert live_bodies(section) == ["A.", "Mitt nya stycke.", "C."]
    back = Block.objects.get(pk=stale.pk)
    assert back.content_hash == Block.hash_content(back.content())


def test_autosave_into_a_removed_block_answers_a_conflict_and_saves_no_draft(
    client_for, author, three
):
    stale = Block.objects.get(pk=three[0].pk)
    remove(author, stale)
    url = reverse("authoring:block_autosave", kwargs=kwargs_of(stale))

    response = client_for(author).post(url, block_form_data(stale, "Halvskrivet"))

    assert response.status_code == 409
    assert "tagits bort" in response.content.decode()
    assert not stale.drafts.exists()
