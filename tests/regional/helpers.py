"""Builders for the regional additions' tests: a support published through the real publish
step with known blocks, regional editors of a region, additions written and published through
the services, and a next national edition published with a given change."""

from django.urls import reverse

from apps.accounts.models import User
from apps.authoring.models import Block, Edition, Support
from apps.authoring.snapshots import snapshot_for
from apps.regional import services
from apps.regional.models import RegionalAddition
from tests.authoring.helpers import (
    add_block,
    make_complete,
    make_support,
    person,
    save,
    section_of,
    working_edition,
)
from tests.factories import UserFactory, grant, region
from tests.publishing.helpers import next_edition, publish_now

TEXT = {
    "kind": "text",
    "care_level": "both",
    "depth": "base",
    "strength": "",
    "basis": "",
    "references": "",
}

ADDITION_TEXT = (
    "I Region Skåne remitteras patienten till **hjärtmottagningen** vid närmaste sjukhus."
)


def regional_editor(code: str = "skane", name: str = "") -> User:
    user = UserFactory(full_name=name or f"Regional redaktör {code}")
    grant(user, "regional_editor", region(code))
    return User.objects.get(pk=user.pk)


def national_people() -> tuple[User, User]:
    return person("author", name="Astrid Författare"), person(
        "national_editor", name="Nora Redaktör"
    )


def published_with_blocks(author, editor, bodies=("Första blocket.", "Andra blocket.")):
    """A support published as 1.0 with the template's required text and, in "behandling",
    one text block per body, in order. Returns (support, {body: uid})."""
    support = make_support(author)
    edition = make_complete(working_edition(support), author)
    uids = {}
    for body in bodies:
        uids[body] = add_block(author, section_of(edition, "behandling"), body, **TEXT).uid
    publish_now(edition, editor)
    return Support.objects.get(pk=support.pk), uids


def write(
    actor,
    support: Support,
    *,
    block_uid=None,
    section_key: str = "behandling",
    code: str = "skane",
    body: str = ADDITION_TEXT,
    publish: bool = True,
    **extra,
) -> RegionalAddition:
    addition = services.addition_create(
        actor=actor,
        region=region(code),
        support=support,
        section_key=section_key,
        block_uid=block_uid,
        kind=extra.pop("kind", "referral"),
        body=body,
        **extra,
    )
    if publish:
        addition = services.addition_publish(
            actor=actor, addition=addition, lock_version=addition.lock_version
        )
    return RegionalAddition.objects.get(pk=addition.pk)


def republish(author, editor, support: Support, change=None) -> Edition:
    """The next national edition, with `change(edition)` applied to its live blocks, published
    through the real publish step."""
    edition = next_edition(author, Support.objects.get(pk=support.pk))
    if change is not None:
        change(edition)
    return publish_now(Edition.objects.get(pk=edition.pk), editor)


def block_in(edition: Edition, uid) -> Block:
    return Block.objects.get(edition=edition, uid=uid)


def rewrite(author, uid, body: str):
    """A change for `republish`: the block of this uid gets a new text."""

    def change(edition):
        save(author, block_in(edition, uid), body=body, **{k: v for k, v in TEXT.items()})

    return change


def remove(author, uid):
    def change(edition):
        from apps.authoring import services as authoring

        block = block_in(edition, uid)
        authoring.block_remove(actor=author, block=block, lock_version=block.lock_version)

    return change


def fresh(addition: RegionalAddition) -> RegionalAddition:
    return RegionalAddition.objects.select_related(
        "written_against", "written_against_edition"
    ).get(pk=addition.pk)


def publication(edition: Edition):
    return snapshot_for(edition, "publication")


def url(name: str, addition: RegionalAddition) -> str:
    return reverse(f"regional:{name}", kwargs={"uid": addition.uid})
