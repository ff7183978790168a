"""The product types and their starting templates (seed 000, DOMAIN.md "What is written").
Loaded by a data migration that only adds what is missing: once national editors have
edited a template in the UI, their text wins."""

CLINICAL = [
    (
        "tillstand",
        "Tillstånd",
        2,
        True,
        "Beskriv kort tillståndet: definition, förekomst och varför det spelar roll i vården. "
        "Skriv för den som möter patienten, inte för specialisten inom området. Undvik historik "
        "och orsaksmekanismer som inte påverkar vad som görs.",
    ),
    (
        "utredning",
        "Utredning",
        2,
        True,
        "Vad ska göras för att ställa diagnos och bedöma svårighetsgrad? Skriv vad som görs, "
        "inte vem som gör det eller hur ofta, om inte evidensen säger det. Skriv rekommendationer "
        "som rekommendationsblock med styrka (bör, kan, bör inte) och underlag.",
    ),
    (
        "behandling",
        "Behandling",
        2,
        True,
        "Rekommenderade åtgärder i prioritetsordning, som rekommendationsblock. Varje "
        "rekommendation vilar på vetenskapligt underlag eller, där det saknas, beprövad "
        "erfarenhet. Ange vårdnivå för varje block.",
    ),
    (
        "uppfoljning",
        "Uppföljning",
        2,
        True,
        "Vad ska följas upp, med vilka mått och när det är motiverat att avsluta uppföljningen.",
    ),
    (
        "remiss",
        "Remiss och samverkan",
        2,
        True,
        "När ska patienten remitteras, till vilken vårdnivå och med vilken information? Beskriv "
        "patientens resa och nära vård. Regionala skillnader hör hemma i regionala tillägg, inte "
        "här.",
    ),
    (
        "gor-inte",
        "Det här bör inte göras",
        2,
        True,
        "Åtgärder som bör utmönstras eller inte göras (bör inte). Ett kunskapsstöd ska hellre ha "
        "för många än för få sådana rekommendationer. Motivera varje rekommendation.",
    ),
    (
        "multisjuklighet",
        "Samsjuklighet och multisjuklighet",
        2,
        False,
        "Hur påverkas handläggningen av vanliga samtidiga sjukdomar? Länka till andra "
        "kunskapsstöd för de diagnoserna i stället för att upprepa dem.",
    ),
    (
        "patientens-delaktighet",
        "Patientens delaktighet",
        2,
        True,
        "Hur görs patienten och närstående delaktiga: information, egenvård, gemensamt beslutsfattande.",
    ),
    (
        "fordjupning",
        "Fördjupning",
        2,
        False,
        "Fördjupande text för specialiserad vård. Markera blocken som fördjupning. Den korta "
        "texten ska vara begriplig utan fördjupningen.",
    ),
    (
        "referenser",
        "Referenser",
        2,
        True,
        "Källor som rekommendationerna vilar på. En referens per rad, med länk där den finns.",
    ),
    (
        "om-kunskapsstodet",
        "Om kunskapsstödet",
        2,
        True,
        "Vem som tagit fram stödet, konsekvensbeskrivning, implementeringsstöd och datum. Här "
        "står också att stödet är ett stöd: den som vårdar patienten ansvarar alltid för vården.",
    ),
]

CARE_PATHWAY = [
    (
        "inledning",
        "Inledning och syfte",
        2,
        True,
        "Vad vårdförloppet omfattar, för vilka patienter och vilken skillnad det ska göra.",
    ),
    (
        "patientens-vag",
        "Patientens väg genom vården",
        2,
        True,
        "Förloppet steg för steg ur patientens perspektiv: från första kontakt till avslut.",
    ),
    (
        "insatser",
        "Insatser och rekommendationer",
        2,
        True,
        "Åtgärder i varje steg, som rekommendationsblock med styrka och underlag.",
    ),
    (
        "ledtider",
        "Ledtider och uppföljning",
        2,
        True,
        "Mål för ledtider, kvalitetsindikatorer och hur de följs upp.",
    ),
    (
        "ledning-och-styrning",
        "Ledning och styrning",
        2,
        True,
        "Delen för ledning: vad verksamheten behöver organisera, resurser och konsekvenser.",
    ),
    (
        "kopplade-kunskapsstod",
        "Kopplade kunskapsstöd",
        2,
        False,
        "Länka till det kliniska kunskapsstödet för samma diagnos.",
    ),
    ("referenser", "Referenser", 2, True, "Källor, en per rad."),
    (
        "om-vardforloppet",
        "Om vårdförloppet",
        2,
        True,
        "Framtagande, konsekvensbeskrivning och ansvar. Den som vårdar patienten ansvarar alltid "
        "för vården.",
    ),
]

CARE_PROGRAMME = [
    ("bakgrund", "Bakgrund", 2, True, "Tillståndet och programmets omfattning."),
    ("vardens-innehall", "Vårdens innehåll", 2, True, "Utredning, behandling och uppföljning."),
    ("organisation", "Organisation", 2, False, "Vårdnivåer och ansvar."),
    ("referenser", "Referenser", 2, True, "Källor, en per rad."),
]

CARE_GUIDELINE = [
    ("syfte", "Syfte och omfattning", 2, True, "Vad riktlinjen gäller."),
    (
        "rekommendationer",
        "Rekommendationer",
        2,
        True,
        "Rekommendationer med styrka och underlag. Vårdriktlinjer ska konverteras till kliniska "
        "kunskapsstöd; starta hellre ett kliniskt kunskapsstöd.",
    ),
    ("referenser", "Referenser", 2, True, "Källor, en per rad."),
]

PRODUCT_TYPES = [
    (
        "kliniskt-kunskapsstod",
        "Kliniskt kunskapsstöd",
        True,
        "Kort, koncis text för primärvård och specialiserad vård, med valfri fördjupning.",
        CLINICAL,
    ),
    (
        "vardforlopp",
        "Personcentrerat och sammanhållet vårdförlopp",
        True,
        "Separat produkt med delar för patientarbete och för ledning.",
        CARE_PATHWAY,
    ),
    ("vardprogram", "Vårdprogram", False, "Äldre produkttyp; inga nya startas.", CARE_PROGRAMME),
    (
        "vardriktlinje",
        "Vårdriktlinje",
        False,
        "Äldre produkttyp som ska konverteras till kliniska kunskapsstöd.",
        CARE_GUIDELINE,
    ),
]


def load_templates(ProductType, TemplateSection) -> int:  # noqa: N803 - model classes
    created = 0
    for position, (code, name, allows_new, description, sections) in enumerate(PRODUCT_TYPES):
        product_type, was_created = ProductType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "allows_new": allows_new,
                "description": description,
                "position": position,
            },
        )
        created += int(was_created)
        if not was_created:
            continue
        for index, (key, title, level, required, guidance) in enumerate(sections):
            TemplateSection.objects.create(
                product_type=product_type,
                key=key,
                title=title,
                heading_level=level,
                required=required,
                guidance=guidance,
                position=index,
            )
    return created
