"""Realistic content for the benchmark: Swedish clinical Markdown, and the supports, editions
and block histories that the editor, history and comparison scenarios measure.

Everything here is deterministic (seeded), so two runs measure the same pages. The builders
in the second half go through the real services (support_create, block_add, block_save,
edition_transition, edition_start_new), as the views do; they need a configured Django and
are memoised, so that two scenarios on the same data build it once.
"""

import functools
import random

# --- text ----------------------------------------------------------------------------------

HEART = [
    "Hjärtsvikt med nedsatt ejektionsfraktion behandlas med ACE-hämmare eller ARNI, "
    "betablockerare, MRA och SGLT2-hämmare.",
    "Doserna trappas upp var annan vecka till måldos eller högsta tolererade dos.",
    "Följ upp kalium och kreatinin inom en till två veckor efter varje dosökning.",
    "Vid eGFR under 30 ml/min/1,73 m² behövs särskild försiktighet med MRA.",
    "NT-proBNP under 125 ng/l gör hjärtsvikt osannolik hos en obehandlad patient.",
    "Ekokardiografi är grunden för att bedöma ejektionsfraktion och klaffunktion.",
    "Patienter med kvarstående symtom trots optimal behandling remitteras till kardiolog.",
    "Daglig viktkontroll hjälper patienten att upptäcka vätskeretention i tid.",
    "Fysisk träning förbättrar livskvalitet och funktionsförmåga vid stabil hjärtsvikt.",
    "Influensa- och pneumokockvaccination rekommenderas till alla med hjärtsvikt.",
    "Järnbrist utan anemi bör utredas och behandlas med intravenöst järn.",
    "Förmaksflimmer är vanligt vid hjärtsvikt och försämrar prognosen.",
    "Sjuksköterskeledd hjärtsviktsmottagning minskar antalet återinläggningar.",
    "Läkemedelsgenomgång görs vid varje vårdövergång, särskilt hos äldre.",
    "Diuretika ges i lägsta dos som håller patienten fri från stas.",
    "Vid akut försämring bedöms orsaken: ischemi, arytmi, infektion eller bristande följsamhet.",
    "Patienten och närstående får skriftlig information om symtom som ska leda till kontakt.",
    "Palliativ vård övervägs när symtomen kvarstår trots all rimlig behandling.",
    "Blodtrycket följs både sittande och stående hos patienter med yrsel.",
    "En individuell vårdplan upprättas tillsammans med patienten.",
]

DIABETES = [
    "Typ 2-diabetes debuterar ofta smygande och upptäcks vid rutinkontroll av glukos.",
    "HbA1c på 48 mmol/mol eller mer vid två tillfällen räcker för diagnos.",
    "Metformin är förstahandsval om njurfunktionen tillåter det.",
    "Vid etablerad hjärt-kärlsjukdom läggs en SGLT2-hämmare eller GLP-1-analog till tidigt.",
    "Fotundersökning görs årligen och oftare vid neuropati eller tidigare sår.",
    "Ögonbottenfotografering sker enligt regionalt screeningprogram.",
    "Levnadsvanor – mat, fysisk aktivitet, tobak och alkohol – tas upp vid varje besök.",
    "Hypoglykemi är en risk med sulfonylurea och insulin, särskilt hos sköra äldre.",
    "Målet för HbA1c individualiseras efter ålder, samsjuklighet och hypoglykemirisk.",
    "Albuminuri mäts årligen som tecken på tidig njurpåverkan.",
    "Statinbehandling erbjuds de flesta patienter över 40 år.",
    "Diabetessköterskan ger utbildning i egenvård och blodsockermätning.",
    "Graviditet hos kvinnor med diabetes planeras i samråd med specialistmödravård.",
    "Kontinuerlig glukosmätning kan övervägas vid upprepade svåra hypoglykemier.",
    "Depression är vanligare vid diabetes och försvårar egenvården.",
    "Körkortsfrågan tas upp vid insulinbehandling och vid nedsatt känning av hypoglykemi.",
]

PSYCH = [
    "Depression hos vuxna bedöms med strukturerad intervju och skattningsskala.",
    "Suicidrisken bedöms vid varje kontakt och dokumenteras i journalen.",
    "Internetbaserad KBT är ett effektivt alternativ vid lindrig till måttlig depression.",
    "Antidepressiva läkemedel utvärderas efter fyra till sex veckor.",
    "Sömnsvårigheter behandlas i första hand med KBT för insomni.",
    "Fysisk aktivitet på recept kan vara ett komplement till annan behandling.",
    "Patienter med bipolär sjukdom följs upp av specialistpsykiatrin.",
    "Samverkan med socialtjänsten behövs ofta vid samtidigt missbruk.",
    "Närstående erbjuds information och stöd med patientens samtycke.",
    "Vid utebliven effekt av två behandlingsförsök remitteras patienten vidare.",
    "Elektrokonvulsiv behandling är aktuell vid svår depression med psykotiska symtom.",
    "Återfallsprevention planeras innan behandlingen avslutas.",
]

HEADINGS = [
    "Bakgrund",
    "Bedömning",
    "Läkemedelsbehandling",
    "Uppföljning",
    "Särskilda grupper",
    "Egenvård",
    "Vårdnivå och remiss",
]
LINKS = [
    ("Läkemedelsverket", "https://www.lakemedelsverket.se/"),
    ("Socialstyrelsens riktlinjer", "https://www.socialstyrelsen.se/kunskapsstod/"),
    ("1177 Vårdguiden", "https://www.1177.se/"),
]
REFERENCES = [
    "Socialstyrelsen. Nationella riktlinjer för hjärtsjukvård. "
    "https://www.socialstyrelsen.se/kunskapsstod/nationella-riktlinjer/",
    "McDonagh TA, et al. 2021 ESC Guidelines for heart failure. Eur Heart J 2021;42:3599–726.",
    "Läkemedelsverket. Behandlingsrekommendation. https://www.lakemedelsverket.se/",
]
STRENGTHS = ["bor", "kan", "bor_inte", "kan_i_undantagsfall", "bor"]
BASES = ["evidence", "proven_experience"]
CARE_LEVELS = ["primary", "specialised", "both"]


def paragraph(rng: random.Random, pool: list[str], sentences: int) -> str:
    return " ".join(rng.choice(pool) for _ in range(sentences))


def markdown_body(rng: random.Random, pool: list[str], length: int, *, bold: str = "") -> str:
    """Markdown of about `length` characters: paragraphs, now and then a heading, a bullet
    list, a bold recommendation verb and a link (links pass the completeness check)."""
    parts = []
    if bold:
        parts.append(f"Patienter **{bold}** {rng.choice(pool)[0].lower()}{rng.choice(pool)[1:]}")
    while sum(len(p) + 2 for p in parts) < length:
        roll = rng.random()
        if roll < 0.12:
            parts.append(f"### {rng.choice(HEADINGS)}")
        elif roll < 0.27:
            parts.append("\n".join(f"- {rng.choice(pool)}" for _ in range(rng.randint(2, 4))))
        elif roll < 0.35:
            text, url = rng.choice(LINKS)
            parts.append(f"{rng.choice(pool)} Se [{text}]({url}).")
        else:
            parts.append(paragraph(rng, pool, rng.randint(2, 4)))
    return "\n\n".join(parts)


def block_content(rng: random.Random, index: int, length: int, pool=HEART) -> dict:
    """The content of block number `index`: every other one a recommendation."""
    recommendation = index % 2 == 1
    strength = STRENGTHS[index % len(STRENGTHS)] if recommendation else ""
    bold = {"bor": "bör", "kan": "kan", "bor_inte": "bör inte"}.get(strength, "kan")
    return {
        "kind": "recommendation" if recommendation else "text",
        "body": markdown_body(rng, pool, length, bold=bold if recommendation else ""),
        "care_level": CARE_LEVELS[index % len(CARE_LEVELS)],
        "depth": "base" if index % 5 else "in_depth",
        "strength": strength,
        "basis": BASES[index % len(BASES)] if recommendation else "",
        "references": "\n".join(REFERENCES[: 1 + index % 3]) if recommendation else "",
    }


def small_edit(text: str) -> str:
    """The common case: a word and a number changed in one sentence near the middle."""
    middle = len(text) // 2
    stop = text.find(". ", middle)
    cut = stop + 2 if stop >= 0 else middle
    return (
        text[:cut]
        + "Vid nyinsättning räcker i regel en kontroll efter tre veckor, inte två. "
        + text[cut:]
    ).replace(" inom en till två veckor", " inom två till tre veckor", 1)


def large_body(seed: int, pool: list[str], size: int = 50_000) -> str:
    """About `size` characters of Markdown (under the form's 100 000-character limit)."""
    return markdown_body(random.Random(seed), pool, size)[: size + 2000]


# --- builders (need Django) ----------------------------------------------------------------

AUTHOR = "skribent@demo.kunskapsstod.se"
CHAIR = "ordforande@demo.kunskapsstod.se"
EDITOR = "redaktor@demo.kunskapsstod.se"
NPO = "npo-hjart-och-karlsjukdomar"


def _user(email):
    from apps.accounts.models import User

    return User.objects.get(email=email)


def _new_support(title: str):
    from apps.accounts.models import Organisation
    from apps.authoring import services
    from apps.authoring.models import ProductType

    return services.support_create(
        actor=_user(AUTHOR),
        title=title,
        product_type=ProductType.objects.get(code="kliniskt-kunskapsstod"),
        programme_area=Organisation.objects.get(code=NPO),
        diagnoses=["I50.0", "I50.9"],
        target_professions=["lakare", "sjukskoterska"],
    )


def _save(block, content: dict):
    from apps.authoring import services
    from apps.authoring.models import Block

    block = Block.objects.get(pk=block.pk)
    return services.block_save(
        actor=_user(AUTHOR), block=block, lock_version=block.lock_version, content=content
    )


def fill_edition(edition, *, blocks: int, main_key: str, main_count: int, lengths, seed: int):
    """`blocks` blocks through block_add + block_save: `main_count` in the section `main_key`
    and the rest round-robin over the other sections (so every required one has text)."""
    from apps.authoring import services
    from apps.authoring.models import Section

    rng = random.Random(seed)
    author = _user(AUTHOR)
    sections = list(Section.objects.filter(edition=edition).order_by("position"))
    others = [s for s in sections if s.key != main_key]
    main = next(s for s in sections if s.key == main_key)
    plan = [main] * main_count + [others[i % len(others)] for i in range(blocks - main_count)]
    total = 0
    for index, section in enumerate(plan):
        content = block_content(rng, index, rng.randint(*lengths))
        block = services.block_add(actor=author, section=section, kind=content["kind"])
        _save(block, content)
        total += len(content["body"])
    return total


@functools.cache
def sixty_block_edition() -> dict:
    """A draft 1.0 with 60 blocks of 300–800 characters, 40 of them in "Behandling"."""
    support = _new_support("Hjärtsvikt – bench med 60 block")
    chars = fill_edition(
        support.working_edition,
        blocks=60,
        main_key="behandling",
        main_count=40,
        lengths=(300, 800),
        seed=60,
    )
    return {"code": support.code, "chars": chars}


@functools.cache
def big_block_history() -> dict:
    """One block with four versions: empty, 50 KB about the heart, an unrelated 50 KB about
    diabetes and psychiatry (pasted over), and the same with a small edit."""
    from apps.authoring import services
    from apps.authoring.history import block_versions
    from apps.authoring.models import Section

    support = _new_support("Hjärtsvikt – bench med stort block")
    section = Section.objects.get(edition=support.working_edition, key="fordjupning")
    block = services.block_add(actor=_user(AUTHOR), section=section, kind="text")
    first = large_body(1, HEART)
    second = large_body(2, DIABETES + PSYCH)
    common = {"kind": "text", "care_level": "both", "depth": "in_depth"}
    for body in (first, second, small_edit(second)):
        block = _save(block, {**common, "body": body})
    versions = block_versions(block)  # newest first: edited, unrelated, first, empty
    return {
        "code": support.code,
        "uid": str(block.uid),
        "ids": [v.history_id for v in versions],
        "sizes": [len(first), len(second), len(small_edit(second))],
    }


# The slowest texts of issue #8: saved through the service (the form now refuses them), as
# texts saved before the limit existed would be.
PATHOLOGICAL_FIRST = "[a](" * 20000  # 80 KB: the edition page took 122 s
PATHOLOGICAL_SECOND = "[" * 50000  # 50 KB: the edition page took 18.6 s, the preview 3 s


@functools.cache
def pathological_block() -> dict:
    """A draft whose one block held "[" * 50000 and now holds "[a](" * 20000."""
    from apps.authoring import services
    from apps.authoring.history import block_versions
    from apps.authoring.models import Section

    support = _new_support("Hjärtsvikt – bench med patologisk text")
    section = Section.objects.get(edition=support.working_edition, key="behandling")
    block = services.block_add(actor=_user(AUTHOR), section=section, kind="text")
    common = {"kind": "text", "care_level": "both", "depth": "base"}
    for body in (PATHOLOGICAL_SECOND, PATHOLOGICAL_FIRST):
        block = _save(block, {**common, "body": body})
    versions = block_versions(block)  # newest first: "[a](", "[", empty
    return {"code": support.code, "uid": str(block.uid), "ids": [v.history_id for v in versions]}


def _walk_to_published(edition) -> None:
    """1.0 from draft to published, each step by the role the workflow asks for."""
    import datetime as dt

    from django.utils import timezone

    from apps.authoring.models import Edition
    from apps.authoring.workflow import edition_transition
    from apps.remiss.calendar import next_working_day

    steps = [
        ("submit_for_review", AUTHOR, {}),
        ("approve_for_consultation", CHAIR, {}),
        (
            "open_consultation",
            EDITOR,
            {
                "closes_on": next_working_day(
                    timezone.localdate() + dt.timedelta(days=30)
                ).isoformat(),
                "dates_reason": "Benchmark.",
            },
        ),
        ("close_consultation", EDITOR, {}),
        ("submit_for_approval", AUTHOR, {}),
        ("npo_approve", CHAIR, {}),
        ("editorial_approve", EDITOR, {}),
        ("publish", EDITOR, {}),
    ]
    for name, email, data in steps:
        edition = Edition.objects.get(pk=edition.pk)
        edition_transition(
            actor=_user(email),
            edition=edition,
            name=name,
            lock_version=edition.lock_version,
            data=data,
        )


@functools.cache
def compared_editions(rewrite_all: bool) -> dict:
    """A published 1.0 of 60 blocks (about 50 KB of Markdown) and a 1.1 started from it.
    Common case: 6 blocks get a small edit, one is deleted and one added. Worst case
    (`rewrite_all`): every block's text is replaced by an unrelated one."""
    from apps.authoring import services
    from apps.authoring.models import Block, Section

    title = "Hjärtsvikt – bench jämförelse" + (" (allt omskrivet)" if rewrite_all else "")
    support = _new_support(title)
    chars = fill_edition(
        support.working_edition,
        blocks=60,
        main_key="behandling",
        main_count=20,
        lengths=(550, 1150),
        seed=50,
    )
    _walk_to_published(support.working_edition)
    author = _user(AUTHOR)
    support.refresh_from_db()
    edition = services.edition_start_new(
        actor=author, support=support, kind="minor", change_summary="Bench"
    )
    blocks = list(Block.objects.filter(edition=edition).order_by("section__position", "position"))
    rng = random.Random(51)
    if rewrite_all:
        for index, block in enumerate(blocks):
            content = block_content(rng, index, len(block.body), pool=DIABETES + PSYCH)
            _save(block, content)
    else:
        for block in blocks[3::10]:
            _save(block, {"body": small_edit(block.body)})
        gone = Block.objects.get(pk=blocks[-1].pk)
        services.block_remove(actor=author, block=gone, lock_version=gone.lock_version)
        section = Section.objects.get(edition=edition, key="uppfoljning")
        added = services.block_add(actor=author, section=section, kind="text")
        _save(added, block_content(rng, 0, 600))
    return {"code": support.code, "number": edition.number, "chars": chars}
