"""Demo users, one for every role in a few scopes, so a newcomer can try every part."""

from guardian.shortcuts import assign_perm

from .models import Organisation, User
from .organisation_data import load_organisations
from .roles import ROLES

DEMO_PASSWORD = "demo-Kunskapsstod-2026"

# (e-mail, name, profession, home organisation code, [(role key, scope code or None)])
DEMO_USERS = [
    (
        "admin@demo.kunskapsstod.se",
        "Agnes Administratör",
        "Systemförvaltare",
        "nationella-redaktionen",
        [("administrator", None)],
    ),
    (
        "redaktor@demo.kunskapsstod.se",
        "Nils Nationell",
        "Redaktör",
        "nationella-redaktionen",
        [("national_editor", None)],
    ),
    (
        "redaktor2@demo.kunskapsstod.se",
        "Rut Redaktör",
        "Redaktör",
        "nationella-redaktionen",
        [("national_editor", None)],
    ),
    (
        "skribent@demo.kunskapsstod.se",
        "Sara Skribent",
        "Specialistläkare kardiologi",
        "uppsala",
        [("author", "npo-hjart-och-karlsjukdomar"), ("remiss_reviewer", "uppsala")],
    ),
    (
        "skribent2@demo.kunskapsstod.se",
        "Sven Skribent",
        "Distriktsläkare",
        "skane",
        [("author", "npo-hjart-och-karlsjukdomar")],
    ),
    (
        "skribent.psykisk@demo.kunskapsstod.se",
        "Petra Psykiatri",
        "Psykolog",
        "vastra-gotaland",
        [("author", "npo-psykisk-halsa")],
    ),
    (
        "ordforande@demo.kunskapsstod.se",
        "Olof Ordförande",
        "Överläkare",
        "orebro",
        [("npo_chair", "npo-hjart-och-karlsjukdomar")],
    ),
    (
        "ordforande.psykisk@demo.kunskapsstod.se",
        "Oda Ordförande",
        "Överläkare psykiatri",
        "vastra-gotaland",
        [("npo_chair", "npo-psykisk-halsa")],
    ),
    (
        "samordnare@demo.kunskapsstod.se",
        "Sam Samordnare",
        "Utvecklingsledare",
        "uppsala",
        [("remiss_coordinator", "uppsala")],
    ),
    (
        "samordnare.skane@demo.kunskapsstod.se",
        "Stina Samordnare",
        "Utvecklingsledare",
        "skane",
        [("remiss_coordinator", "skane")],
    ),
    (
        "granskare@demo.kunskapsstod.se",
        "Greta Granskare",
        "Sjuksköterska",
        "uppsala",
        [("remiss_reviewer", "uppsala")],
    ),
    (
        "tillagg@demo.kunskapsstod.se",
        "Tove Tillägg",
        "Regional redaktör",
        "skane",
        [("regional_editor", "skane")],
    ),
    ("utan.roll@demo.kunskapsstod.se", "Ulla Utan Roll", "Undersköterska", "kalmar", []),
]


def seed_demo_users() -> list[tuple[str, str, list[str]]]:
    """Create or refresh the demo users; return (e-mail, name, role texts) for printing."""
    load_organisations(Organisation)
    organisations = {o.code: o for o in Organisation.objects.all()}
    printed = []
    for email, name, profession, home, roles in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": name,
                "profession": profession,
                "home_organisation": organisations.get(home),
            },
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        texts = []
        for role_key, scope_code in roles:
            role = ROLES[role_key]
            scope = organisations[scope_code] if scope_code else None
            assign_perm(role.perm, user, scope)
            texts.append(f"{role.label}" + (f" – {scope.display_name}" if scope else ""))
        printed.append((email, name, texts or ["(ingen roll)"]))
    return printed
