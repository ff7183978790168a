"""Demo content: a few supports with real-looking Swedish text, so a newcomer sees the editor,
the history and the overview filled. Idempotent: an existing demo support is left alone."""

from apps.accounts.models import Organisation, User

from . import services
from .models import BlockKind, ProductType, Section, Support

AUTHOR = "skribent@demo.kunskapsstod.se"
SECOND_AUTHOR = "skribent2@demo.kunskapsstod.se"

HEART_FAILURE = {
    "tillstand": [
        (
            BlockKind.TEXT,
            "both",
            "",
            "",
            "Hjärtsvikt är ett tillstånd där hjärtat inte kan pumpa tillräckligt med blod för "
            "kroppens behov. Omkring 250 000 personer i Sverige har diagnosen, de flesta över 75 år.",
        ),
    ],
    "utredning": [
        (
            BlockKind.RECOMMENDATION,
            "primary",
            "bor",
            "evidence",
            "Vid misstänkt hjärtsvikt **bör** NT-proBNP analyseras innan remiss till ekokardiografi.",
        ),
        (
            BlockKind.RECOMMENDATION,
            "both",
            "bor",
            "evidence",
            "Patienter med förhöjt NT-proBNP **bör** utredas med ekokardiografi inom fyra veckor.",
        ),
    ],
    "behandling": [
        (
            BlockKind.RECOMMENDATION,
            "both",
            "bor",
            "evidence",
            "Patienter med hjärtsvikt med nedsatt ejektionsfraktion **bör** behandlas med "
            "ACE-hämmare eller ARNI, betablockerare, MRA och SGLT2-hämmare.",
        ),
        (
            BlockKind.RECOMMENDATION,
            "specialised",
            "kan_i_undantagsfall",
            "proven_experience",
            "Digoxin **kan i undantagsfall** övervägas vid förmaksflimmer och kvarstående symtom.",
        ),
    ],
    "gor-inte": [
        (
            BlockKind.RECOMMENDATION,
            "both",
            "bor_inte",
            "evidence",
            "NSAID **bör inte** användas av patienter med hjärtsvikt.",
        ),
    ],
}


def _fill(actor, support: Support, content: dict) -> None:
    edition = support.working_edition
    sections = {s.key: s for s in Section.objects.filter(edition=edition)}
    for key, blocks in content.items():
        for kind, care_level, strength, basis, body in blocks:
            block = services.block_add(actor=actor, section=sections[key], kind=kind)
            services.block_save(
                actor=actor,
                block=block,
                lock_version=block.lock_version,
                content={
                    "kind": kind,
                    "body": body,
                    "care_level": care_level,
                    "depth": "base",
                    "strength": strength,
                    "basis": basis,
                    "references": "",
                },
            )


def seed_demo_supports(stdout) -> None:
    author = User.objects.filter(email=AUTHOR).first()
    if author is None:
        return
    npo = Organisation.objects.get(code="npo-hjart-och-karlsjukdomar")
    clinical = ProductType.objects.get(code="kliniskt-kunskapsstod")
    pathway = ProductType.objects.get(code="vardforlopp")
    created = 0
    support = Support.objects.filter(title="Hjärtsvikt – behandling", programme_area=npo).first()
    if support is None:
        support = services.support_create(
            actor=author,
            title="Hjärtsvikt – behandling",
            product_type=clinical,
            programme_area=npo,
            diagnoses=["I50.0", "I50.1", "I50.9"],
            target_professions=["lakare", "sjukskoterska"],
        )
        _fill(author, support, HEART_FAILURE)
        created += 1
    if not Support.objects.filter(title="Hjärtsvikt – vårdförlopp", programme_area=npo).exists():
        services.support_create(
            actor=author,
            title="Hjärtsvikt – vårdförlopp",
            product_type=pathway,
            programme_area=npo,
            diagnoses=["I50.0", "I50.9"],
            target_professions=["lakare", "sjukskoterska", "fysioterapeut"],
            related_supports=[support],
        )
        created += 1
    if not Support.objects.filter(title="Förmaksflimmer – utredning och behandling").exists():
        services.support_create(
            actor=author,
            title="Förmaksflimmer – utredning och behandling",
            product_type=clinical,
            programme_area=npo,
            diagnoses=["I48.9"],
            target_professions=["lakare"],
        )
        created += 1
    stdout.write(f"{created} demokunskapsstöd skapade.")
