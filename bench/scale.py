"""Scale data for the benchmark: a database the size of the national service, not of the demo.

For now: N extra users with roles spread over every NPO and every region, as a national
service would have them (a writing group per NPO, remiss reviewers and coordinators per
region, a few national editors). Later issues add knowledge supports and editions here.

Idempotent-ish: users are named bench-user-00000@scale.bench.invalid …, so running it again
only adds the ones that are missing, and role rows that already exist are skipped. Fast:
users, their history rows and role rows are created with bulk_create, and every user shares
one password hash computed once.

    python bench/scale.py --users 2000        # against the database of DATABASE_URL
    bench/run.py --users 2000                 # calls generate() on the benchmark's own DB
"""

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
EMAIL_TEMPLATE = "bench-user-{:05d}@scale.bench.invalid"
EMAIL_SUFFIX = "@scale.bench.invalid"
PASSWORD = "bench-Kunskapsstod-2026"  # the same for every scale user
PROFESSIONS = ["Specialistläkare", "Sjuksköterska", "Distriktsläkare", "Fysioterapeut", "Psykolog"]
BATCH = 500


def _role_plan(index: int, npos: list, regions: list) -> list[tuple[str, object]]:
    """The roles of scale user number `index`: (role key, scope or None for national).

    Every user writes in one NPO and reviews for one region; every 10th also chairs or
    coordinates; every 200th is a national editor. Spread round-robin over all scopes."""
    npo = npos[index % len(npos)]
    region = regions[index % len(regions)]
    plan = [("author", npo), ("remiss_reviewer", region)]
    if index % 10 == 0:
        plan.append(("npo_chair", npo))
    if index % 10 == 5:
        plan.append(("remiss_coordinator", region))
    if index % 10 == 7:
        plan.append(("regional_editor", region))
    if index % 200 == 199:
        plan.append(("national_editor", None))
    return plan


def generate(*, users: int = 2000, stdout=sys.stdout) -> dict:
    """Create up to `users` scale users with roles. Needs a configured Django. Returns counts."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history

    from apps.accounts.models import Organisation, OrganisationUserObjectPermission, User
    from apps.accounts.organisation_data import load_organisations
    from apps.accounts.roles import ROLES

    started = time.monotonic()
    load_organisations(Organisation)
    npos = list(Organisation.objects.programme_areas().order_by("code"))
    regions = list(Organisation.objects.regions().order_by("code"))
    homes = regions + npos
    permissions = {
        role.key: Permission.objects.get(
            content_type__app_label=role.app_label, codename=role.codename
        )
        for role in ROLES.values()
    }

    wanted = [EMAIL_TEMPLATE.format(i) for i in range(users)]
    existing = set(
        User.objects.filter(email__endswith=EMAIL_SUFFIX).values_list("email", flat=True)
    )
    password_hash = make_password(PASSWORD)
    new_users = [
        User(
            email=email,
            full_name=f"Bench Användare {i:05d}",
            profession=PROFESSIONS[i % len(PROFESSIONS)],
            home_organisation=homes[i % len(homes)],
            password=password_hash,
        )
        for i, email in enumerate(wanted)
        if email not in existing
    ]
    with transaction.atomic():
        if new_users:
            bulk_create_with_history(new_users, User, batch_size=BATCH)
        ids = dict(User.objects.filter(email__endswith=EMAIL_SUFFIX).values_list("email", "pk"))
        scoped_rows, national_rows = [], []
        national_through = User.user_permissions.through
        for i, email in enumerate(wanted):
            for role_key, scope in _role_plan(i, npos, regions):
                perm = permissions[role_key]
                if scope is None:
                    national_rows.append(national_through(user_id=ids[email], permission=perm))
                else:
                    scoped_rows.append(
                        OrganisationUserObjectPermission(
                            user_id=ids[email], permission=perm, content_object=scope
                        )
                    )
        OrganisationUserObjectPermission.objects.bulk_create(
            scoped_rows, batch_size=BATCH, ignore_conflicts=True
        )
        national_through.objects.bulk_create(national_rows, batch_size=BATCH, ignore_conflicts=True)
    counts = {
        "users_requested": users,
        "users_created": len(new_users),
        "scoped_role_rows": len(scoped_rows),
        "national_role_rows": len(national_rows),
        "seconds": round(time.monotonic() - started, 2),
    }
    stdout.write(
        f"scale: {counts['users_created']} new of {users} users, "
        f"{counts['scoped_role_rows']} scoped and {counts['national_role_rows']} national "
        f"role rows ensured, {counts['seconds']} s\n"
    )
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000, help="scale users (default 2000)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    import django

    django.setup()
    generate(users=args.users)
    return 0


if __name__ == "__main__":
    sys.exit(main())
