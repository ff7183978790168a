"""Builders for the API tests: a small public world made through the real workflow steps,
with supports in every state a reader must not see, and helpers to read the API's JSON."""

import json
from dataclasses import dataclass

from django.db import transaction

from apps.authoring.models import Block, Edition, Support
from apps.authoring.workflow_states import EditionState as S
from tests.authoring.helpers import (
    COMPLETE_RECOMMENDATION,
    COMPLETE_TEXT,
    add_block,
    care_pathway,
    make_complete,
    make_support,
    move_to,
    person,
    save,
    section_of,
    take,
    working_edition,
)
from tests.factories import npo
from tests.publishing.helpers import next_edition, publish_now, published_support

API = "/api/v1"
SHOULD_NOT = {**COMPLETE_RECOMMENDATION, "strength": "bor_inte", "care_level": "specialised"}
PRIMARY_TEXT = {**COMPLETE_TEXT, "care_level": "primary"}


def get_json(client, url: str, **headers):
    response = client.get(url, headers=headers)
    body = json.loads(response.content) if response.content else None
    return response, body


@dataclass
class World:
    """Every kind of support there is, by what a reader may see of it."""

    current: Support  # published 1.0, then 1.1 (1.0 superseded), 1.2 being written
    pathway: Support  # a care pathway on the same diagnosis (related), specialised care only
    lung: Support  # another NPO's, primary care only
    withdrawn: Support  # published 1.0, then withdrawn
    draft: Support  # never left the authors
    remiss: Support  # on remiss
    approved: Support  # approved, not yet published
    working: Edition  # `current`'s 1.2, a draft

    @property
    def unpublished(self) -> list[Support]:
        return [self.draft, self.remiss, self.approved]


def hidden_text(label: str) -> str:
    return f"Hemlig text i {label} som ingen läsare får se."


def unpublished_support(author, title: str, state: str) -> Support:
    support = make_support(author, title=title, diagnoses=["I50.0"])
    edition = make_complete(working_edition(support), author)
    add_block(author, section_of(edition), hidden_text(state), **COMPLETE_TEXT)
    if state != S.DRAFT:
        move_to(edition, state)
    return Support.objects.get(pk=support.pk)


def published_for_level(author, editor, title: str, level: str, **extra) -> Support:
    """A published support whose every block is for one care level."""
    support = make_support(author, title=title, **extra)
    edition = working_edition(support)
    for section in edition.sections.filter(required=True):
        add_block(
            author,
            section,
            f"Text för {title}.",
            **{**COMPLETE_RECOMMENDATION, "care_level": level},
        )
    publish_now(Edition.objects.get(pk=edition.pk), editor)
    return Support.objects.get(pk=support.pk)


def build_world(author, editor) -> World:
    """Call inside django_capture_on_commit_callbacks(execute=True), or in a transactional
    test, so that the publications reach the cache as they do in production."""
    current = published_support(
        author,
        editor,
        title="Hjärtsvikt – behandling",
        diagnoses=["I50.0", "I11.0"],
        target_professions=["lakare"],
        blocks=[
            ("behandling", "ACE-hämmare **bör** ges.", COMPLETE_RECOMMENDATION),
            ("behandling", "Ge inte NSAID.", SHOULD_NOT),
            ("uppfoljning", "Följ upp i primärvården.", PRIMARY_TEXT),
        ],
    )
    minor = next_edition(author, current, summary="Förtydligad dosering.")
    block = Block.objects.get(edition=minor, body="ACE-hämmare **bör** ges.")
    save(author, block, body="ACE-hämmare **bör** ges i låg dos.")
    publish_now(minor, editor)
    working = next_edition(author, current, summary="Pågående arbete.")
    save(
        author,
        Block.objects.get(edition=working, body="Ge inte NSAID."),
        body=hidden_text("version 1.2"),
    )

    pathway = published_for_level(
        author,
        editor,
        "Hjärtsvikt – vårdförlopp",
        "specialised",
        product_type=care_pathway(),
        diagnoses=["I50.0"],
    )
    lung_author = person("author", area=other_npo())
    lung = published_for_level(
        lung_author, editor, "Astma hos vuxna", "primary", area=other_npo(), diagnoses=["J45"]
    )
    withdrawn = published_support(author, editor, title="Gammal behandling av astma")
    take(editor, withdrawn.current_published_edition, "withdraw", comment="Inaktuell.")
    world = World(
        current=Support.objects.get(pk=current.pk),
        pathway=Support.objects.get(pk=pathway.pk),
        lung=lung,
        withdrawn=Support.objects.get(pk=withdrawn.pk),
        draft=unpublished_support(author, "Utkast om KOL", S.DRAFT),
        remiss=unpublished_support(author, "KOL på remiss", S.IN_CONSULTATION),
        approved=unpublished_support(author, "KOL godkänd", S.APPROVED),
        working=Edition.objects.get(pk=working.pk),
    )
    return world


def world_in_a_module_transaction(django_db_blocker):
    """For a module-scoped fixture: one world for a module's read-only tests (building it
    costs seconds), in a transaction of its own around the tests' transactions, rolled back
    at the end. The publications' after-commit announcements never run, and need not: each
    test starts with an empty cache (tests/conftest.py).

        @pytest.fixture(scope="module")
        def world(django_db_setup, django_db_blocker):
            yield from world_in_a_module_transaction(django_db_blocker)
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(person("author"), person("national_editor"))
        transaction.set_rollback(True)


def other_npo():
    return npo("lung-och-allergisjukdomar")
