"""Builders for authoring tests: everything goes through the real services, as the views do."""

from apps.authoring import services
from apps.authoring.history import HistoricalBlock
from apps.authoring.models import (
    Block,
    BlockDraft,
    Edition,
    ProductType,
    Section,
    SectionPresence,
    Support,
)
from tests.factories import npo

# A clinical paragraph in the register the authors write in.
PARAGRAPH_START = (
    "Vid nydiagnostiserad hjärtsvikt med nedsatt ejektionsfraktion bör behandling med "
    "ACE-hämmare eller ARNI inledas tidigt, i låg dos som trappas upp var annan vecka."
)
PARAGRAPH_DOSE = (
    "Metformin 500 mg två gånger dagligen är förstahandsval vid typ 2-diabetes hos patienter "
    "med stabil hjärtsvikt och eGFR över 30."
)
PARAGRAPH_FOLLOW_UP = (
    "Följ upp njurfunktion och kalium inom två veckor efter varje dosökning, och därefter "
    "var tredje månad under det första året."
)
CLINICAL_TEXT = "\n\n".join([PARAGRAPH_START, PARAGRAPH_DOSE, PARAGRAPH_FOLLOW_UP])

COMPLETE_TEXT = {
    "kind": "text",
    "care_level": "both",
    "depth": "base",
    "strength": "",
    "basis": "",
    "references": "",
}
COMPLETE_RECOMMENDATION = {
    **COMPLETE_TEXT,
    "kind": "recommendation",
    "strength": "bor",
    "basis": "evidence",
}


def clinical() -> ProductType:
    return ProductType.objects.get(code="kliniskt-kunskapsstod")


def care_pathway() -> ProductType:
    return ProductType.objects.get(code="vardforlopp")


def make_support(actor, title="Hjärtsvikt – behandling", product_type=None, area=None, **extra):
    return services.support_create(
        actor=actor,
        title=title,
        product_type=product_type or clinical(),
        programme_area=area or npo(),
        **extra,
    )


def working_edition(support: Support) -> Edition:
    return Edition.objects.get(pk=Support.objects.get(pk=support.pk).working_edition_id)


def section_of(edition: Edition, key: str = "behandling") -> Section:
    return Section.objects.get(edition=edition, key=key)


def add_block(actor, section: Section, body: str = "", kind: str = "text", **content) -> Block:
    """A block with content, saved as an author saves it (block_add, then block_save)."""
    block = services.block_add(actor=actor, section=section, kind=kind)
    if body or content:
        block = services.block_save(
            actor=actor,
            block=block,
            lock_version=block.lock_version,
            content={"body": body, **content},
        )
    return block


def save(actor, block: Block, **content) -> Block:
    """Save on top of the block's current version in the database."""
    block = Block.objects.get(pk=block.pk)
    return services.block_save(
        actor=actor, block=block, lock_version=block.lock_version, content=content
    )


def publish(edition: Edition) -> Edition:
    """Simulates publication (the workflow is not under test here); the earlier published
    edition is superseded first, as the database allows one published edition a support."""
    Edition.objects.filter(support_id=edition.support_id, state="published").update(
        state="superseded"
    )
    Edition.objects.filter(pk=edition.pk).update(state="published")
    Support.objects.filter(pk=edition.support_id).update(
        current_published_edition=edition, working_edition=None
    )
    return Edition.objects.get(pk=edition.pk)


def positions(section: Section) -> list[tuple[int, str]]:
    return list(
        Block.objects.filter(section=section).order_by("position").values_list("position", "body")
    )


def snapshot() -> dict:
    """Everything an edit request could change, to show that a refused one changed nothing."""
    return {
        "supports": list(Support.objects.order_by("pk").values_list("pk", "title", "code")),
        "editions": list(
            Edition.objects.order_by("pk").values_list("pk", "state", "updated_at", "major")
        ),
        "blocks": list(
            Block.objects.order_by("pk").values_list(
                "pk", "section_id", "position", "body", "lock_version"
            )
        ),
        "history": HistoricalBlock.objects.count(),
        "drafts": BlockDraft.objects.count(),
        "presence": SectionPresence.objects.count(),
        "sections": Section.objects.count(),
    }
