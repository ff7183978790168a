"""The use cases of regional additions: what each does, what it refuses, and who may."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps.core.models import AuditEntry
from apps.regional import services
from apps.regional.models import AdditionState, RegionalAddition
from tests.authoring.helpers import person
from tests.factories import UserFactory, grant, region
from tests.regional.helpers import (
    ADDITION_TEXT,
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


@pytest.fixture
def world():
    author, editor = national_people()
    support, uids = published_with_blocks(author, editor)
    skane = regional_editor("skane", name="Tove Tillägg")
    return author, editor, support, uids, skane


def _values(**extra):
    return {
        "kind": "referral",
        "body": ADDITION_TEXT,
        "care_level": "both",
        "contact": "",
        "link": "",
        **extra,
    }


# ---------------------------------------------------------------- what they do


def test_create_writes_a_draft_against_the_published_block(
    world, django_capture_on_commit_callbacks
):
    author, editor, support, uids, skane = world
    with django_capture_on_commit_callbacks() as announced:
        addition = services.addition_create(
            actor=skane,
            region=region("skane"),
            support=support,
            section_key="behandling",
            block_uid=uids["Första blocket."],
            contact="Hjärtmottagningen, 040-33 10 00",
            link="https://vardgivare.skane.se/rutin",
            **{k: v for k, v in _values().items() if k not in ("contact", "link")},
        )
    assert announced == []  # a draft is nobody's reading yet
    addition = fresh(addition)
    assert addition.state == AdditionState.DRAFT
    assert addition.written_against.snapshot == publication(support.current_published_edition)
    assert addition.written_against.uid == uids["Första blocket."]
    assert addition.written_against_edition == support.current_published_edition
    assert "<strong>hjärtmottagningen</strong>" in addition.html
    assert addition.created_by == skane
    assert addition.public_anchor == f"tillagg-{str(addition.uid)[:8]}"
    entry = AuditEntry.objects.get(action="regional.addition_created")
    assert entry.scope == "Region Skåne" and entry.actor == skane


def test_create_at_the_end_of_a_section_has_no_block(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, section_key="utredning", publish=False)
    assert (addition.block_uid, addition.written_against, addition.section_key) == (
        None,
        None,
        "utredning",
    )


def test_publish_shows_it_to_readers_and_tells_the_reading_cache(
    world, django_capture_on_commit_callbacks
):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."], publish=False)
    told = []
    from apps.authoring import public_changes

    listener = lambda **kw: told.append(kw)  # noqa: E731
    public_changes.register_public_change_listener(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.addition_publish(
                actor=skane, addition=addition, lock_version=addition.lock_version
            )
    finally:
        public_changes._LISTENERS.remove(listener)
    addition = fresh(addition)
    assert addition.state == AdditionState.PUBLISHED and addition.published_at is not None
    assert told == [{"support_id": support.pk, "reason": "addition_published"}]
    assert AuditEntry.objects.filter(action="regional.addition_published").count() == 1


def test_save_keeps_history_and_renders_the_text(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    saved = services.addition_save(
        actor=skane,
        addition=addition,
        lock_version=addition.lock_version,
        **_values(body="Ny *rutin* från maj.", kind="organisation"),
    )
    assert saved.lock_version == addition.lock_version + 1
    assert saved.html == "<p>Ny <em>rutin</em> från maj.</p>"
    assert saved.state == AdditionState.PUBLISHED
    assert [h.body for h in saved.history.order_by("-history_id")][:2] == [
        "Ny *rutin* från maj.",
        ADDITION_TEXT,
    ]
    entry = AuditEntry.objects.get(action="regional.addition_saved")
    assert entry.details["kind"] == ["referral", "organisation"]


def test_archive_hides_it_and_it_changes_no_more(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    archived = services.addition_archive(
        actor=skane, addition=addition, lock_version=addition.lock_version
    )
    assert archived.state == AdditionState.ARCHIVED and archived.archived_at is not None
    with pytest.raises(services.AdditionClosed):
        services.addition_save(
            actor=skane, addition=archived, lock_version=archived.lock_version, **_values()
        )
    with pytest.raises(services.AdditionClosed):
        services.addition_publish(
            actor=skane, addition=archived, lock_version=archived.lock_version
        )


def test_confirm_moves_a_flagged_addition_to_the_new_block(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    new = republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    addition = fresh(addition)

    confirmed = services.addition_confirm(
        actor=skane, addition=addition, lock_version=addition.lock_version
    )

    confirmed = fresh(confirmed)
    assert confirmed.needs_review is False and confirmed.flag_reason == ""
    assert confirmed.written_against.snapshot == publication(new)
    assert confirmed.written_against.body == "Ändrat."
    assert confirmed.written_against_edition == new
    entry = AuditEntry.objects.get(action="regional.addition_confirmed")
    assert entry.details == {"flag_reason": "changed", "written_against_edition": ["1.0", "1.1"]}


def test_confirm_of_an_addition_whose_block_is_gone_moves_it_to_the_end_of_the_section(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Andra blocket."])
    republish(author, editor, support, remove(author, uids["Andra blocket."]))
    addition = fresh(addition)

    confirmed = fresh(
        services.addition_confirm(
            actor=skane, addition=addition, lock_version=addition.lock_version
        )
    )

    assert (confirmed.block_uid, confirmed.written_against, confirmed.section_key) == (
        None,
        None,
        "behandling",
    )


def test_confirm_is_refused_when_nothing_waits_for_review(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    with pytest.raises(ValidationError, match="behöver inte granskas"):
        services.addition_confirm(
            actor=skane, addition=addition, lock_version=addition.lock_version
        )


def test_a_flagged_draft_is_not_published_before_review(world):
    author, editor, support, uids, skane = world
    draft = write(skane, support, block_uid=uids["Första blocket."], publish=False)
    republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    draft = fresh(draft)
    with pytest.raises(ValidationError, match="Granska och bekräfta"):
        services.addition_publish(actor=skane, addition=draft, lock_version=draft.lock_version)


def test_save_with_confirm_confirms_a_flagged_addition_in_the_same_step(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    new = republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    addition = fresh(addition)
    saved = services.addition_save(
        actor=skane,
        addition=addition,
        lock_version=addition.lock_version,
        confirm=True,
        **_values(body="Omskrivet för den nya texten."),
    )
    saved = fresh(saved)
    assert saved.needs_review is False and saved.written_against_edition == new


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "   \n ", "Skriv tilläggets text."),
        ("link", "vardgivare.skane.se", "börjar med https://"),
        ("link", "javascript:alert(1)", "börjar med https://"),
        ("kind", "poem", "Välj vilken sorts tillägg"),
        ("care_level", "everywhere", "Välj vilken vårdnivå"),
        ("contact", "x" * 201, "högst 200 tecken"),
    ],
)
def test_create_refuses_bad_values_naming_the_field(world, field, value, message):
    author, editor, support, uids, skane = world
    with pytest.raises(ValidationError) as info:
        services.addition_create(
            actor=skane,
            region=region("skane"),
            support=support,
            section_key="behandling",
            block_uid=uids["Första blocket."],
            **_values(**{field: value}),
        )
    assert message in " ".join(info.value.message_dict[field])
    assert RegionalAddition.objects.count() == 0


def test_markdown_too_long_is_refused(world, settings):
    author, editor, support, uids, skane = world
    settings.MARKDOWN_SOURCE_MAX_CHARS = 50
    with pytest.raises(ValidationError) as info:
        write(skane, support, block_uid=uids["Första blocket."], body="ord " * 30)
    assert "högst 50 tecken" in " ".join(info.value.message_dict["body"])


@pytest.mark.parametrize(
    ("section_key", "block", "field"),
    [
        ("behandling", uuid.uuid4(), "block_uid"),  # a guessed uid
        ("utredning", "Första blocket.", "block_uid"),  # a real block, but in another section
        ("inget-sadant-avsnitt", None, "section_key"),
    ],
)
def test_create_refuses_a_place_the_published_text_does_not_have(world, section_key, block, field):
    author, editor, support, uids, skane = world
    block_uid = uids.get(block, block) if isinstance(block, str) else block
    with pytest.raises(ValidationError) as info:
        write(skane, support, section_key=section_key, block_uid=block_uid)
    assert field in info.value.message_dict


def test_create_refuses_a_block_of_the_working_edition_not_yet_published(world):
    from tests.authoring.helpers import add_block, section_of
    from tests.publishing.helpers import next_edition

    author, editor, support, uids, skane = world
    working = next_edition(author, support)
    unpublished = add_block(author, section_of(working, "behandling"), "Kommer snart.")
    with pytest.raises(ValidationError) as info:
        write(skane, support, block_uid=unpublished.uid)
    assert "block_uid" in info.value.message_dict


def test_create_refuses_a_support_with_no_published_edition(world):
    from tests.authoring.helpers import make_support

    author, editor, support, uids, skane = world
    draft = make_support(author, title="Diabetes – behandling")
    with pytest.raises(ValidationError, match="ingen publicerad version"):
        write(skane, draft)


def test_a_stale_lock_version_is_a_conflict_that_changes_nothing(world):
    author, editor, support, uids, skane = world
    addition = write(skane, support, block_uid=uids["Första blocket."])
    colleague = regional_editor("skane")
    services.addition_save(
        actor=colleague,
        addition=addition,
        lock_version=addition.lock_version,
        **_values(body="Kollegans text."),
    )
    with pytest.raises(services.AdditionConflict) as info:
        services.addition_save(
            actor=skane, addition=addition, lock_version=addition.lock_version, **_values()
        )
    assert info.value.current.body == "Kollegans text."
    assert fresh(addition).body == "Kollegans text."
    for action in (services.addition_publish, services.addition_archive):
        with pytest.raises(services.AdditionConflict):
            action(actor=skane, addition=addition, lock_version=addition.lock_version)
    assert fresh(addition).state == AdditionState.PUBLISHED


# ---------------------------------------------------------------- who may


def _people():
    """Everyone who might try, by what they are."""
    people = {
        "regional editor of another region": regional_editor("uppsala"),
        "national editor": person("national_editor"),
        "administrator": person("administrator"),
        "author": person("author"),
        "NPO chair": person("npo_chair"),
        "no role": UserFactory(),
    }
    for role in ("remiss_coordinator", "remiss_reviewer"):
        people[f"{role} of the same region"] = grant(UserFactory(), role, region("skane"))
    return people


# Who reads another region's additions (403 on a change) and who does not even see them (404).
READERS = {"national editor"}


def _expected(name):
    return PermissionDenied if name in READERS else Http404


def _attempts(addition, support, uids):
    """Every service with valid arguments, so only the permission can refuse."""
    return {
        "create": lambda actor: services.addition_create(
            actor=actor,
            region=region("skane"),
            support=support,
            section_key="behandling",
            block_uid=uids["Första blocket."],
            **_values(),
        ),
        "save": lambda actor: services.addition_save(
            actor=actor, addition=addition, lock_version=addition.lock_version, **_values()
        ),
        "publish": lambda actor: services.addition_publish(
            actor=actor, addition=addition, lock_version=addition.lock_version
        ),
        "archive": lambda actor: services.addition_archive(
            actor=actor, addition=addition, lock_version=addition.lock_version
        ),
        "confirm": lambda actor: services.addition_confirm(
            actor=actor, addition=addition, lock_version=addition.lock_version
        ),
    }


def test_every_service_refuses_everyone_but_the_regions_regional_editors(world):
    author, editor, support, uids, skane = world
    draft = write(skane, support, block_uid=uids["Första blocket."], publish=False)
    before = (
        RegionalAddition.objects.count(),
        fresh(draft).lock_version,
        AuditEntry.objects.count(),
    )
    for name, actor in _people().items():
        for service, attempt in _attempts(fresh(draft), support, uids).items():
            assert type(_raised(attempt, actor)) is _expected(name), (name, service)
    after = (
        RegionalAddition.objects.count(),
        fresh(draft).lock_version,
        AuditEntry.objects.count(),
    )
    assert after == before


def _raised(attempt, actor):
    try:
        attempt(actor)
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return exc
    return None


def test_an_anonymous_caller_is_refused_as_a_stranger(world):
    from django.contrib.auth.models import AnonymousUser

    author, editor, support, uids, skane = world
    draft = write(skane, support, block_uid=uids["Första blocket."], publish=False)
    for attempt in _attempts(draft, support, uids).values():
        with pytest.raises(Http404):
            attempt(AnonymousUser())


def test_the_regions_other_regional_editor_may_do_everything(world):
    author, editor, support, uids, skane = world
    colleague = regional_editor("skane", name="Sara Skåne")
    draft = write(skane, support, block_uid=uids["Första blocket."], publish=False)
    draft = services.addition_save(
        actor=colleague, addition=draft, lock_version=draft.lock_version, **_values()
    )
    draft = services.addition_publish(
        actor=colleague, addition=draft, lock_version=draft.lock_version
    )
    republish(author, editor, support, rewrite(author, uids["Första blocket."], "Ändrat."))
    draft = fresh(draft)
    draft = services.addition_confirm(
        actor=colleague, addition=draft, lock_version=draft.lock_version
    )
    archived = services.addition_archive(
        actor=colleague, addition=draft, lock_version=draft.lock_version
    )
    assert archived.state == AdditionState.ARCHIVED


def test_an_editor_of_two_regions_writes_for_each_and_only_those(world):
    author, editor, support, uids, skane = world
    both = regional_editor("skane")
    grant(both, "regional_editor", region("uppsala"))
    for code in ("skane", "uppsala"):
        assert (
            write(both, support, block_uid=uids["Första blocket."], code=code).region.code == code
        )
    with pytest.raises(Http404):
        write(both, support, block_uid=uids["Första blocket."], code="kalmar")
