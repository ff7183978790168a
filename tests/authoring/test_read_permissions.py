"""Who reads what is not published (issue 8, point 6).

A published edition, and the superseded ones before it, are for everyone. Any other edition
is read by the owning NPO's authors and chair, the national editors and the administrators,
and, from the day a consultation on it opens, by the remiss coordinators and reviewers of the
organisations it was sent to (who go on reading it after the round has closed). Everyone else
gets 404, exactly as for a number or a block that does not exist.

The matrix walks every role through the life of an edition (a draft, approved for remiss but
not yet sent, on remiss, after the remiss) over every address that shows an edition: its page,
its history, a section's history, a block's history and a diff of two saves, the comparison
with the published edition, a workflow step's page, the section editor and the conflict page
(reached by a stale save)."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.authoring import services
from apps.authoring.history import HistoricalBlock
from apps.authoring.models import Block, Edition, Support
from apps.authoring.permissions import may_read_edition, readable_editions
from apps.authoring.workflow_states import EditionState as S
from apps.remiss.models import Consultation
from tests.authoring import helpers
from tests.authoring.helpers import (
    add_block,
    consultation_data,
    make_complete,
    make_support,
    save,
    section_of,
    take,
)
from tests.factories import UserFactory, grant, npo, region

pytestmark = pytest.mark.django_db

OTHER_NPO = "psykisk-halsa"
RECIPIENT, NON_RECIPIENT = "uppsala", "skane"

# Who they are: (role, where it is held). None: a national role, or no role at all.
ROLES = {
    "no role": (None, None),
    "author": ("author", npo),
    "author of another NPO": ("author", lambda: npo(OTHER_NPO)),
    "npo chair": ("npo_chair", npo),
    "npo chair of another NPO": ("npo_chair", lambda: npo(OTHER_NPO)),
    "national editor": ("national_editor", None),
    "administrator": ("administrator", None),
    "coordinator of a recipient": ("remiss_coordinator", lambda: region(RECIPIENT)),
    "reviewer of a recipient": ("remiss_reviewer", lambda: region(RECIPIENT)),
    "coordinator of a region not asked": ("remiss_coordinator", lambda: region(NON_RECIPIENT)),
    "reviewer of a region not asked": ("remiss_reviewer", lambda: region(NON_RECIPIENT)),
    "regional editor of a recipient": ("regional_editor", lambda: region(RECIPIENT)),
}
ALWAYS_READ = {"author", "npo chair", "national editor", "administrator"}
RECIPIENT_READERS = {"coordinator of a recipient", "reviewer of a recipient"}
WRITERS = {"author", "national editor"}

# Stages of the unpublished edition 2.0, and whether the round has opened by then.
STAGES = {
    "draft": (S.DRAFT, False),
    "before the remiss opens": (S.READY_FOR_CONSULTATION, False),
    "on remiss": (S.IN_CONSULTATION, True),
    "after the remiss closed": (S.REVISION, True),
}


def make_person(label: str) -> User:
    role, where = ROLES[label]
    user = UserFactory(full_name=label.capitalize())
    if role is not None:
        grant(user, role, where() if where else None)
    return User.objects.get(pk=user.pk)


@dataclass
class World:
    support: Support
    published: Edition  # 1.0
    edition: Edition  # 2.0, not published
    block: Block  # a block of 2.0 with three saves
    foreign_block: Block  # a block of another support
    author: User
    chair: User
    editor: User


def build_world(stage: str) -> World:
    """1.0 published; 2.0 started from it, edited, and taken through the real workflow to
    `stage`, with the remiss sent to Region Uppsala only."""
    author = make_person("author")
    chair = make_person("npo chair")
    editor = make_person("national editor")
    support = make_support(author, title="Hjärtsvikt – behandling", diagnoses=["I50.0"])
    first = make_complete(helpers.working_edition(support), author)
    published = helpers.publish(first)
    edition = services.edition_start_new(
        actor=author, support=Support.objects.get(pk=support.pk), kind="major"
    )
    block = add_block(author, section_of(edition), "Första lydelsen.", care_level="both")
    block = save(author, block, body="Andra lydelsen.")
    block = save(author, block, body="Tredje lydelsen, med Metformin 500 mg.")
    other_support = make_support(author, title="Förmaksflimmer")
    foreign_block = add_block(
        author, section_of(helpers.working_edition(other_support)), "Någon annans text."
    )

    target, _opened = STAGES[stage]
    if target != S.DRAFT:
        take(author, edition, "submit_for_review")
        take(chair, edition, "approve_for_consultation")
    if target in (S.IN_CONSULTATION, S.REVISION):
        data = {**consultation_data(), "recipient_ids": [region(RECIPIENT).pk]}
        take(editor, edition, "open_consultation", data=data)
    if target == S.REVISION:
        take(editor, edition, "close_consultation")
    edition = Edition.objects.select_related("support").get(pk=edition.pk)
    assert edition.state == target
    return World(
        Support.objects.get(pk=support.pk),
        published,
        edition,
        Block.objects.get(pk=block.pk),
        foreign_block,
        author,
        chair,
        editor,
    )


def kwargs_of(edition: Edition, **extra) -> dict:
    return {"code": edition.support.code, "major": edition.major, "minor": edition.minor, **extra}


def read_urls(edition: Edition, block: Block) -> dict[str, str]:
    """Every GET address that shows the edition (or a part of it) to a reader."""
    e = kwargs_of(edition)
    saves = list(
        HistoricalBlock.objects.filter(id=block.pk)
        .order_by("history_id")
        .values_list("history_id", flat=True)
    )
    assert len(saves) >= 2
    block_history = reverse("authoring:block_history", kwargs={**e, "uid": block.uid})
    return {
        "edition page": reverse("authoring:edition_detail", kwargs=e),
        "edition history": reverse("authoring:edition_history", kwargs=e),
        "section history": reverse(
            "authoring:section_history", kwargs={**e, "key": block.section.key}
        ),
        "block history": block_history,
        "diff of two saves": f"{block_history}?fran={saves[0]}&till={saves[-1]}",
        "comparison with the published edition": reverse("authoring:edition_compare", kwargs=e),
        "workflow step page": reverse("authoring:edition_step", kwargs={**e, "name": "abandon"}),
    }


def editor_urls(edition: Edition, block: Block) -> dict[str, str]:
    e = kwargs_of(edition, key=block.section.key)
    return {
        "section editor": reverse("authoring:section_edit", kwargs=e),
        "section presence": reverse("authoring:section_presence", kwargs=e),
    }


def block_post(block: Block, *, lock_version: int, **content) -> dict:
    """The editor form of one block, as the browser posts it."""
    values = {**block.content(), **content, "lock_version": lock_version}
    return {f"b-{str(block.uid)[:8]}-{name}": value for name, value in values.items()}


def conflicting_save(client, edition: Edition, block: Block):
    """A save from a page loaded before the block's last save: the conflict page."""
    url = reverse("authoring:block_save", kwargs=kwargs_of(edition, uid=block.uid))
    stale = block.lock_version - 1
    assert stale >= 1
    return client.post(url, block_post(block, lock_version=stale, body="Min egen lydelse."))


def expected_status(label: str, stage: str, kind: str) -> int:
    state, opened = STAGES[stage]
    reads = label in ALWAYS_READ or (label in RECIPIENT_READERS and opened)
    if not reads:
        return 404
    if kind == "read":
        return 200
    if label not in WRITERS:
        return 403
    editable = state in (S.DRAFT, S.REVISION)
    if kind == "section editor":
        # Outside the authors' states the editor sends the writer back to the edition page.
        return 200 if editable else 302
    if kind == "section presence":
        return 200
    if kind == "conflict page":
        return 409 if editable else 302
    raise AssertionError(kind)


@pytest.mark.parametrize("stage", list(STAGES))
@pytest.mark.parametrize("label", list(ROLES))
def test_every_role_reads_an_unpublished_edition_only_where_the_policy_says(
    client_for, label, stage
):
    world = build_world(stage)
    person = make_person(label)
    client = client_for(person)
    expected, got = {}, {}
    for name, url in read_urls(world.edition, world.block).items():
        expected[name] = expected_status(label, stage, "read")
        got[name] = client.get(url).status_code
    for name, url in editor_urls(world.edition, world.block).items():
        expected[name] = expected_status(label, stage, name)
        got[name] = client.get(url).status_code
    before = Block.objects.get(pk=world.block.pk).body
    expected["conflict page"] = expected_status(label, stage, "conflict page")
    got["conflict page"] = conflicting_save(client, world.edition, world.block).status_code

    assert got == expected
    assert Block.objects.get(pk=world.block.pk).body == before


@pytest.mark.parametrize("label", list(ROLES))
def test_the_published_edition_is_read_by_every_role(client_for, label):
    world = build_world("on remiss")
    published_block = Block.objects.filter(edition=world.published).first()
    client = client_for(make_person(label))
    urls = read_urls(world.published, published_block)

    got = {name: client.get(url).status_code for name, url in urls.items()}

    assert got == dict.fromkeys(urls, 200)


@pytest.mark.parametrize("stage", list(STAGES))
def test_may_read_edition_and_the_list_filter_agree_for_every_role(stage):
    world = build_world(stage)
    editions = list(Edition.objects.filter(support=world.support).select_related("support"))
    assert len(editions) == 2
    for label in ROLES:
        person = make_person(label)
        listed = set(readable_editions(person).filter(support=world.support))
        one_by_one = {e for e in editions if may_read_edition(person, e)}
        assert listed == one_by_one, label
        assert (world.edition in listed) == (expected_status(label, stage, "read") == 200), label


# ---------------------------------------------------------------- guessed ids


def normalised(response) -> str:
    """A page without its CSRF tokens, which differ from one response to the next."""
    text = response.content.decode()
    return re.sub(r'"[A-Za-z0-9]{64}"', '"csrf-token"', text)


def test_an_unreadable_edition_answers_exactly_as_a_number_that_does_not_exist(client_for):
    world = build_world("draft")
    client = client_for(make_person("author of another NPO"))
    real = client.get(reverse("authoring:edition_detail", kwargs=kwargs_of(world.edition)))
    guessed = client.get(
        reverse(
            "authoring:edition_detail", kwargs={**kwargs_of(world.edition), "major": 9, "minor": 0}
        )
    )

    assert real.status_code == guessed.status_code == 404
    assert normalised(real) == normalised(guessed)
    assert "Tredje lydelsen" not in real.content.decode()


@pytest.mark.parametrize("label", ["national editor", "author", "no role"])
@pytest.mark.parametrize("number", [(9, 0), (2, 7), (1, 5), (0, 0)])
def test_a_guessed_edition_number_is_404_for_everyone(client_for, label, number):
    world = build_world("draft")
    client = client_for(make_person(label))
    major, minor = number
    for name, url in read_urls(world.edition, world.block).items():
        guessed = url.replace("/version/2.0/", f"/version/{major}.{minor}/")
        assert guessed != url
        assert client.get(guessed).status_code == 404, name


@pytest.mark.parametrize("name", ["block_history", "block_save", "block_restore"])
def test_a_block_of_another_support_in_this_editions_address_is_404(client_for, name):
    world = build_world("draft")
    client = client_for(world.editor)  # reads and writes everything: only the uid is wrong
    url = reverse(f"authoring:{name}", kwargs=kwargs_of(world.edition, uid=world.foreign_block.uid))
    data = block_post(world.foreign_block, lock_version=1, body="Kapad")

    response = client.get(url) if name == "block_history" else client.post(url, data)

    assert response.status_code == 404
    assert Block.objects.get(pk=world.foreign_block.pk).body == "Någon annans text."


def test_an_unknown_block_section_or_support_is_404(client_for):
    world = build_world("draft")
    client = client_for(world.editor)
    e = kwargs_of(world.edition)
    urls = [
        reverse(
            "authoring:block_history", kwargs={**e, "uid": "00000000-0000-4000-8000-000000000000"}
        ),
        reverse("authoring:section_history", kwargs={**e, "key": "finns-inte"}),
        reverse("authoring:section_edit", kwargs={**e, "key": "finns-inte"}),
        reverse("authoring:edition_detail", kwargs={**e, "code": "KS-9999"}),
        reverse("authoring:edition_step", kwargs={**e, "name": "teleportera"}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


# ---------------------------------------------------------------- changing is hidden too


def change_requests(world: World) -> dict[str, tuple[str, dict]]:
    e = kwargs_of(world.edition)
    block = world.block
    first_save = HistoricalBlock.objects.filter(id=block.pk).order_by("history_id").first()
    section = block.section
    return {
        "block save": (
            reverse("authoring:block_save", kwargs={**e, "uid": block.uid}),
            block_post(block, lock_version=block.lock_version, body="Kapad"),
        ),
        "block autosave": (
            reverse("authoring:block_autosave", kwargs={**e, "uid": block.uid}),
            block_post(block, lock_version=block.lock_version, body="Kapat utkast"),
        ),
        "block add": (
            reverse("authoring:block_add", kwargs={**e, "key": section.key}),
            {"kind": "text"},
        ),
        "block move": (
            reverse("authoring:block_move", kwargs={**e, "uid": block.uid}),
            {"direction": "down"},
        ),
        "block restore": (
            reverse("authoring:block_restore", kwargs={**e, "uid": block.uid}),
            {"history_id": first_save.history_id, "lock_version": block.lock_version},
        ),
        "workflow step": (
            reverse("authoring:edition_step", kwargs={**e, "name": "abandon"}),
            {"lock_version": world.edition.lock_version, "comment": "Kapad"},
        ),
    }


@pytest.mark.parametrize(
    "label", [label for label in ROLES if expected_status(label, "draft", "read") == 404]
)
def test_whoever_may_not_read_a_draft_cannot_change_it_either_and_gets_404(client_for, label):
    world = build_world("draft")
    client = client_for(make_person(label))
    before = helpers.snapshot()

    got = {
        name: client.post(url, data).status_code
        for name, (url, data) in change_requests(world).items()
    }

    assert got == dict.fromkeys(got, 404)
    assert helpers.snapshot() == before
    assert Edition.objects.get(pk=world.edition.pk).state == S.DRAFT


# ---------------------------------------------------------------- edges of the policy


def test_a_round_that_opens_later_is_not_read_before_its_day(client_for):
    world = build_world("on remiss")
    coordinator = make_person("coordinator of a recipient")
    url = reverse("authoring:edition_detail", kwargs=kwargs_of(world.edition))
    tomorrow = timezone.localdate() + timedelta(days=1)

    Consultation.objects.filter(edition=world.edition).update(opens_on=tomorrow)
    assert client_for(coordinator).get(url).status_code == 404

    Consultation.objects.filter(edition=world.edition).update(opens_on=timezone.localdate())
    assert client_for(coordinator).get(url).status_code == 200


def test_a_recipient_of_the_first_round_does_not_read_the_next_edition(client_for):
    """What was sent to them stays readable; the next edition was not sent to them."""
    world = build_world("after the remiss closed")
    coordinator = make_person("coordinator of a recipient")
    helpers.publish(world.edition)
    newer = services.edition_start_new(
        actor=world.author, support=Support.objects.get(pk=world.support.pk), kind="minor"
    )
    client = client_for(coordinator)

    assert (
        client.get(reverse("authoring:edition_detail", kwargs=kwargs_of(newer))).status_code == 404
    )
    assert (
        client.get(reverse("authoring:edition_detail", kwargs=kwargs_of(world.edition))).status_code
        == 200
    )


def test_a_withdrawn_edition_is_no_longer_public(client_for):
    world = build_world("draft")
    take(world.editor, world.published, "withdraw", comment="Felaktig dosering.")
    withdrawn = Edition.objects.get(pk=world.published.pk)
    assert withdrawn.state == S.WITHDRAWN
    url = reverse("authoring:edition_detail", kwargs=kwargs_of(withdrawn))

    assert client_for(make_person("no role")).get(url).status_code == 404
    assert client_for(make_person("regional editor of a recipient")).get(url).status_code == 404
    assert client_for(world.chair).get(url).status_code == 200


def test_a_superseded_edition_stays_public(client_for):
    world = build_world("draft")
    helpers.publish(world.edition)
    superseded = Edition.objects.get(pk=world.published.pk)
    assert superseded.state == S.SUPERSEDED
    url = reverse("authoring:edition_detail", kwargs=kwargs_of(superseded))

    assert client_for(make_person("no role")).get(url).status_code == 200


def test_the_comparison_leaves_out_an_earlier_edition_the_reader_may_not_read(client_for):
    """2.0 was based on 1.0; once 1.0 is withdrawn a recipient of 2.0's remiss is shown 2.0
    alone, not the withdrawn text."""
    world = build_world("on remiss")
    take(world.editor, world.published, "withdraw", comment="Felaktig dosering.")
    url = reverse("authoring:edition_compare", kwargs=kwargs_of(world.edition))
    published_text = helpers.COMPLETE_BODY

    coordinator = client_for(make_person("coordinator of a recipient")).get(url)
    chair = client_for(world.chair).get(url)

    assert coordinator.status_code == chair.status_code == 200
    assert published_text not in coordinator.content.decode()
    assert published_text in chair.content.decode()


def test_the_support_page_lists_only_the_editions_the_user_may_read(client_for):
    world = build_world("on remiss")
    url = reverse("authoring:support_detail", kwargs={"code": world.support.code})
    link_to_2 = reverse("authoring:edition_detail", kwargs=kwargs_of(world.edition))
    link_to_1 = reverse("authoring:edition_detail", kwargs=kwargs_of(world.published))

    for label, sees_draft in [
        ("no role", False),
        ("author of another NPO", False),
        ("coordinator of a region not asked", False),
        ("coordinator of a recipient", True),
        ("author", True),
    ]:
        page = client_for(make_person(label)).get(url)
        assert page.status_code == 200, label
        content = page.content.decode()
        assert link_to_1 in content, label
        assert (link_to_2 in content) == sees_draft, label
