"""The real organisations of the national system (seed 002 and DOMAIN.md). Loaded by a data
migration and by `manage.py load_organisations`; both only add what is missing, so names an
administrator has corrected in the UI are never overwritten."""

# (code, name) per healthcare region, with its regions.
HEALTHCARE_REGIONS = [
    (
        "norra",
        "Norra sjukvårdsregionen",
        [
            ("norrbotten", "Region Norrbotten"),
            ("vasterbotten", "Region Västerbotten"),
            ("vasternorrland", "Region Västernorrland"),
            ("jamtland-harjedalen", "Region Jämtland Härjedalen"),
        ],
    ),
    (
        "mellansverige",
        "Sjukvårdsregion Mellansverige",
        [
            ("uppsala", "Region Uppsala"),
            ("orebro", "Region Örebro län"),
            ("varmland", "Region Värmland"),
            ("dalarna", "Region Dalarna"),
            ("gavleborg", "Region Gävleborg"),
            ("vastmanland", "Region Västmanland"),
            ("sormland", "Region Sörmland"),
        ],
    ),
    (
        "stockholm-gotland",
        "Sjukvårdsregion Stockholm–Gotland",
        [("stockholm", "Region Stockholm"), ("gotland", "Region Gotland")],
    ),
    (
        "vastra",
        "Västra sjukvårdsregionen",
        [("vastra-gotaland", "Västra Götalandsregionen"), ("halland", "Region Halland")],
    ),
    (
        "sydostra",
        "Sydöstra sjukvårdsregionen",
        [
            ("ostergotland", "Region Östergötland"),
            ("jonkoping", "Region Jönköpings län"),
            ("kalmar", "Region Kalmar län"),
        ],
    ),
    (
        "sodra",
        "Södra sjukvårdsregionen",
        [
            ("skane", "Region Skåne"),
            ("blekinge", "Region Blekinge"),
            ("kronoberg", "Region Kronoberg"),
        ],
    ),
]

# (code, name, hosting healthcare region code or None where the seeds do not say).
# Seed 002 (2023-05-22) names Västra sjukvårdsregionen as host of five NPOs.
PROGRAMME_AREAS = [
    ("akut-vard", "Akut vård", None),
    ("perioperativ-vard", "Perioperativ vård, intensivvård och transplantation", None),
    ("barns-och-ungdomars-halsa", "Barns och ungdomars hälsa", None),
    ("medicinsk-diagnostik", "Medicinsk diagnostik", None),
    ("aldres-halsa", "Äldres hälsa", None),
    ("hjart-och-karlsjukdomar", "Hjärt- och kärlsjukdomar", None),
    ("hud-och-konssjukdomar", "Hud- och könssjukdomar", None),
    ("infektionssjukdomar", "Infektionssjukdomar", None),
    ("endokrina-sjukdomar", "Endokrina sjukdomar", None),
    ("levnadsvanor", "Levnadsvanor", None),
    ("lung-och-allergisjukdomar", "Lung- och allergisjukdomar", "vastra"),
    ("mag-och-tarmsjukdomar", "Mag- och tarmsjukdomar", "vastra"),
    ("njur-och-urinvagssjukdomar", "Njur- och urinvägssjukdomar", None),
    ("kirurgi-och-plastikkirurgi", "Kirurgi och plastikkirurgi", "vastra"),
    ("kvinnosjukdomar-och-forlossning", "Kvinnosjukdomar och förlossning", None),
    ("nervsystemets-sjukdomar", "Nervsystemets sjukdomar", None),
    ("psykisk-halsa", "Psykisk hälsa", "vastra"),
    (
        "rehabilitering-habilitering-forsakringsmedicin",
        "Rehabilitering, habilitering och försäkringsmedicin",
        None,
    ),
    ("reumatiska-sjukdomar", "Reumatiska sjukdomar", None),
    ("rorelseorganens-sjukdomar", "Rörelseorganens sjukdomar", "vastra"),
    ("sallsynta-sjukdomar", "Sällsynta sjukdomar", None),
    ("tandvard", "Tandvård", None),
    ("ogonsjukdomar", "Ögonsjukdomar", None),
    ("oron-nas-och-halssjukdomar", "Öron-, näs- och halssjukdomar", None),
    ("cancersjukdomar", "Cancersjukdomar", None),
    ("primarvardsradet", "Primärvårdsrådet", None),
]

# (code, kind, name, short name): other bodies that can receive a remiss.
OTHER_BODIES = [
    ("lakaresallskapet", "professional_society", "Svenska Läkaresällskapet", "SLS"),
    ("sjukskoterskeforening", "professional_society", "Svensk sjuksköterskeförening", ""),
    ("fysioterapeuterna", "professional_society", "Fysioterapeuterna", ""),
    ("funktionsratt-sverige", "patient_organisation", "Funktionsrätt Sverige", ""),
    ("skr", "municipality", "Sveriges Kommuner och Regioner", "SKR"),
    ("socialstyrelsen", "authority", "Socialstyrelsen", ""),
    ("lakemedelsverket", "authority", "Läkemedelsverket", ""),
    ("tlv", "authority", "Tandvårds- och läkemedelsförmånsverket", "TLV"),
    ("sbu", "authority", "Statens beredning för medicinsk och social utvärdering", "SBU"),
    ("folkhalsomyndigheten", "authority", "Folkhälsomyndigheten", ""),
    ("nationella-redaktionen", "national", "Nationella redaktionen", ""),
]


def load_organisations(Organisation) -> int:  # noqa: N803 - a model class, also historical
    """Create the organisations that are missing; return how many were created."""
    existing = set(Organisation.objects.values_list("code", flat=True))
    created = 0

    def add(code, **fields):
        nonlocal created
        if code in existing:
            return Organisation.objects.get(code=code)
        created += 1
        existing.add(code)
        return Organisation.objects.create(code=code, **fields)

    hosts = {}
    for hr_code, hr_name, regions in HEALTHCARE_REGIONS:
        hosts[hr_code] = add(hr_code, kind="healthcare_region", name=hr_name)
        for code, name in regions:
            add(code, kind="region", name=name, parent=hosts[hr_code])
    for code, name, host in PROGRAMME_AREAS:
        add(
            f"npo-{code}",
            kind="npo",
            name=f"NPO {name}",
            short_name=name,
            parent=hosts.get(host),
        )
    for code, kind, name, short_name in OTHER_BODIES:
        add(code, kind=kind, name=name, short_name=short_name)
    return created
