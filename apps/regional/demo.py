"""Demo content for the regional editor (tillagg@demo.kunskapsstod.se, Region Skåne): published
additions on the published demo supports, written and published through the services as the
editor would. Idempotent: a support that already has an addition of the region is left."""

from apps.accounts.models import Organisation, User
from apps.authoring.models import SnapshotBlock, Support

from . import services
from .models import AdditionKind, RegionalAddition

REGIONAL_EDITOR = "tillagg@demo.kunskapsstod.se"
REGION = "skane"

# (support title, section key, index of the block in the section or None for the section's
# end, kind, text, contact, link)
ADDITIONS = [
    (
        "Förmaksflimmer – utredning och behandling",
        "behandling",
        0,
        AdditionKind.REFERRAL,
        "I Region Skåne remitteras patienter med nyupptäckt förmaksflimmer och **hög "
        "strokerisk** till hjärtmottagningen vid närmaste sjukhus om antikoagulantia inte kan "
        "sättas in i primärvården.\n\n- Skriv remissen i Melior, mottagare *Hjärtmottagningen*.\n"
        "- Bifoga senaste EKG och kreatinin.",
        "Hjärtmottagningen, Skånes universitetssjukhus, 040-33 10 00",
        "https://vardgivare.skane.se/kompetens-utveckling/sakkunniga-och-specialistfunktioner/",
    ),
    (
        "Hjärtsvikt – behandling",
        "behandling",
        None,
        AdditionKind.LOCAL_DRUG,
        "Region Skånes läkemedelsråd rekommenderar **dapagliflozin** som förstahandsval bland "
        "SGLT2-hämmarna vid hjärtsvikt, enligt Skånelistan.",
        "Läkemedelsrådet i Region Skåne",
        "https://vardgivare.skane.se/lakemedel/skanelistan/",
    ),
]


def seed_demo_additions(stdout) -> None:
    editor = User.objects.filter(email=REGIONAL_EDITOR).first()
    region = Organisation.objects.filter(code=REGION).first()
    if editor is None or region is None:
        return
    written = 0
    for title, section_key, index, kind, body, contact, link in ADDITIONS:
        support = Support.objects.filter(
            title=title, current_published_edition__isnull=False
        ).first()
        if support is None:
            continue
        if RegionalAddition.objects.filter(region=region, support=support).exists():
            continue
        block_uid = None
        if index is not None:
            snapshot = services.published_snapshot(support)
            blocks = list(
                SnapshotBlock.objects.filter(snapshot=snapshot, section__key=section_key)
                .order_by("position", "pk")
                .values_list("uid", flat=True)
            )
            if len(blocks) <= index:
                continue
            block_uid = blocks[index]
        addition = services.addition_create(
            actor=editor,
            region=region,
            support=support,
            section_key=section_key,
            block_uid=block_uid,
            kind=kind,
            body=body,
            contact=contact,
            link=link,
        )
        services.addition_publish(
            actor=editor, addition=addition, lock_version=addition.lock_version
        )
        written += 1
    stdout.write(f"{written} regionala demotillägg publicerade.")
