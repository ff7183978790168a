"""Demo content: a few supports with real-looking Swedish text, so a newcomer sees the editor,
the history and the overview filled. Idempotent: an existing demo support is left alone."""

from apps.accounts.models import Organisation, User

from . import services
from .models import Block, BlockKind, ProductType, Section, Support

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


CHAIR = "ordforande@demo.kunskapsstod.se"
EDITOR = "redaktor@demo.kunskapsstod.se"
SECOND_EDITOR = "redaktor2@demo.kunskapsstod.se"

HYPERTENSION = {
    "tillstand": [
        (
            BlockKind.TEXT,
            "both",
            "",
            "",
            "Högt blodtryck är en av de viktigaste riskfaktorerna för stroke och hjärtinfarkt. "
            "Ungefär en av fyra vuxna i Sverige har hypertoni.",
        ),
    ],
    "utredning": [
        (
            BlockKind.RECOMMENDATION,
            "primary",
            "bor",
            "evidence",
            "Vid förhöjt mottagningsblodtryck **bör** diagnosen bekräftas med hemblodtryck "
            "eller 24-timmarsmätning.",
        ),
    ],
    "behandling": [
        (
            BlockKind.RECOMMENDATION,
            "both",
            "bor",
            "evidence",
            "Patienter med hypertoni **bör** få stöd till ändrade levnadsvanor: fysisk "
            "aktivitet, minskat saltintag och rökstopp.",
        ),
    ],
    "gor-inte": [
        (
            BlockKind.RECOMMENDATION,
            "both",
            "bor_inte",
            "proven_experience",
            "Betablockerare **bör inte** vara förstahandsval vid okomplicerad hypertoni.",
        ),
    ],
}


# The sections the first demo draft leaves empty on purpose (the completeness check shows
# them); the supports that move on in the workflow get them filled.
REST_OF_A_SUPPORT = {
    "uppfoljning": [
        (
            BlockKind.RECOMMENDATION,
            "primary",
            "bor",
            "proven_experience",
            "Patienten **bör** följas upp inom tre månader efter insatt eller ändrad behandling.",
        ),
    ],
    "remiss": [
        (
            BlockKind.TEXT,
            "both",
            "",
            "",
            "Remittera till specialiserad vård när målen för behandlingen inte nås trots "
            "optimerad behandling i primärvården.",
        ),
    ],
    "patientens-delaktighet": [
        (
            BlockKind.TEXT,
            "both",
            "",
            "",
            "Patienten och närstående får skriftlig information och är med och sätter mål för "
            "behandlingen.",
        ),
    ],
    "referenser": [
        (
            BlockKind.TEXT,
            "both",
            "",
            "",
            "Socialstyrelsen. Nationella riktlinjer för hjärtsjukvård. Stockholm; 2024.",
        ),
    ],
    "om-kunskapsstodet": [
        (
            BlockKind.TEXT,
            "both",
            "",
            "",
            "Kunskapsstödet är framtaget av NPO Hjärt- och kärlsjukdomar. Den som ger vården "
            "ansvarar alltid för den; kunskapsstödet är ett stöd.",
        ),
    ],
}


ATRIAL_FIBRILLATION = {
    "tillstand": [
        (
            BlockKind.TEXT,
            "both",
            "",
            "",
            "Förmaksflimmer är den vanligaste hjärtrytmrubbningen och ökar risken för stroke "
            "flera gånger.",
        ),
    ],
    "utredning": [
        (
            BlockKind.RECOMMENDATION,
            "primary",
            "bor",
            "evidence",
            "Vid misstänkt förmaksflimmer **bör** EKG tas så snart som möjligt, även när "
            "besvären har gått över.",
        ),
    ],
    "behandling": [
        (
            BlockKind.RECOMMENDATION,
            "both",
            "bor",
            "evidence",
            "Patienter med förmaksflimmer och förhöjd strokerisk **bör** erbjudas antikoagulantia.",
        ),
        (
            BlockKind.RECOMMENDATION,
            "specialised",
            "kan",
            "proven_experience",
            "Elkonvertering **kan** övervägas när besvären kvarstår trots frekvensreglering.",
        ),
    ],
    "gor-inte": [
        (
            BlockKind.RECOMMENDATION,
            "both",
            "bor_inte",
            "evidence",
            "Acetylsalicylsyra **bör inte** ges som strokeprofylax vid förmaksflimmer.",
        ),
    ],
}

# What the second published edition of atrial fibrillation changes, so that a reader of the
# demo finds an earlier edition, its changes and a change tag.
ATRIAL_FIBRILLATION_UPDATE = (
    "Vid misstänkt förmaksflimmer **bör** EKG tas så snart som möjligt, även när besvären har "
    "gått över. Långtidsregistrering med bärbar EKG-utrustning **kan** användas vid "
    "återkommande besvär."
)


def _walk(edition, steps) -> None:
    from .workflow import edition_transition

    for actor, name, comment, data in steps:
        edition.refresh_from_db()
        edition_transition(
            actor=actor,
            edition=edition,
            name=name,
            lock_version=edition.lock_version,
            comment=comment,
            data=data,
        )


def seed_demo_workflow(stdout) -> None:
    """Move the demo supports along, so every role finds something of its own: heart failure
    published (1.0) with a minor edition 1.1 being written, hypertension on remiss to every
    region. Each step goes through the real workflow, once: a support already moved is left.
    The steps' e-mails are kept out of the console (the notifications are in the app)."""
    from django.test.utils import override_settings

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        _seed_demo_workflow(stdout)


def _seed_demo_workflow(stdout) -> None:
    from datetime import timedelta

    from django.utils import timezone

    people = {
        u.email: u for u in User.objects.filter(email__in=[AUTHOR, CHAIR, EDITOR, SECOND_EDITOR])
    }
    if len(people) < 4:
        return
    author, chair, editor, second = (people[e] for e in (AUTHOR, CHAIR, EDITOR, SECOND_EDITOR))
    npo = Organisation.objects.get(code="npo-hjart-och-karlsjukdomar")
    moved = 0
    from apps.remiss.calendar import next_working_day

    closes_on = next_working_day(timezone.localdate() + timedelta(weeks=8)).isoformat()
    # Dates set by hand (the demo opens its rounds today, not in a window), with the reason.
    remiss = {"kind": "remiss", "closes_on": closes_on, "dates_reason": "Demonstrationsdata."}
    heart = Support.objects.filter(title="Hjärtsvikt – behandling", programme_area=npo).first()
    if heart is not None and heart.current_published_edition_id is None:
        edition = heart.working_edition
        if edition is not None and edition.state == "draft":
            _fill(author, heart, REST_OF_A_SUPPORT)
            _walk(
                edition,
                [
                    (author, "submit_for_review", "", None),
                    (chair, "approve_for_consultation", "", None),
                    (editor, "open_consultation", "", remiss),
                    (editor, "close_consultation", "", None),
                    (author, "submit_for_approval", "", None),
                    (chair, "npo_approve", "", None),
                    (second, "editorial_approve", "", None),
                    (editor, "publish", "", {"next_review_date": _in_years(2)}),
                ],
            )
            heart.refresh_from_db()
            services.edition_start_new(
                actor=author,
                support=heart,
                kind="minor",
                change_summary="Språkliga förtydliganden i avsnittet om behandling.",
            )
            moved += 1
    flutter = Support.objects.filter(title="Förmaksflimmer – utredning och behandling").first()
    if flutter is not None and flutter.current_published_edition_id is None:
        edition = flutter.working_edition
        if edition is not None and edition.state == "draft":
            _fill(author, flutter, {**ATRIAL_FIBRILLATION, **REST_OF_A_SUPPORT})
            _walk(edition, _route_to_approved(author, chair, editor, second, remiss))
            _walk(edition, [(editor, "publish", "", {"next_review_date": _in_years(2)})])
            flutter.refresh_from_db()
            update = services.edition_start_new(
                actor=author,
                support=flutter,
                kind="major",
                change_summary="Långtidsregistrering av EKG vid återkommande besvär.",
            )
            block = (
                Block.objects.filter(edition=update, section__key="utredning")
                .order_by("position")
                .first()
            )
            services.block_save(
                actor=author,
                block=block,
                lock_version=block.lock_version,
                content={**block.content(), "body": ATRIAL_FIBRILLATION_UPDATE},
            )
            _walk(update, _route_to_approved(author, chair, editor, second, remiss))
            _walk(update, [(editor, "publish", "", {"next_review_date": _in_years(3)})])
            moved += 1
    if not Support.objects.filter(title="Hypertoni – behandling", programme_area=npo).exists():
        clinical = ProductType.objects.get(code="kliniskt-kunskapsstod")
        support = services.support_create(
            actor=author,
            title="Hypertoni – behandling",
            product_type=clinical,
            programme_area=npo,
            diagnoses=["I10"],
            target_professions=["lakare", "sjukskoterska"],
        )
        _fill(author, support, {**HYPERTENSION, **REST_OF_A_SUPPORT})
        _walk(
            support.working_edition,
            [
                (author, "submit_for_review", "", None),
                (chair, "approve_for_consultation", "", None),
                (editor, "open_consultation", "", remiss),
            ],
        )
        moved += 1
    stdout.write(f"{moved} demokunskapsstöd flyttade i arbetsflödet.")


def _route_to_approved(author, chair, editor, second, remiss) -> list:
    return [
        (author, "submit_for_review", "", None),
        (chair, "approve_for_consultation", "", None),
        (editor, "open_consultation", "", remiss),
        (editor, "close_consultation", "", None),
        (author, "submit_for_approval", "", None),
        (chair, "npo_approve", "", None),
        (second, "editorial_approve", "", None),
    ]


def _in_years(years: int) -> str:
    from django.utils import timezone

    today = timezone.localdate()
    return today.replace(year=today.year + years, day=min(today.day, 28)).isoformat()
