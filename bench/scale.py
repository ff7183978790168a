"""Scale data for the benchmark: a database the size of the national service, not of the demo.

N extra users with roles spread over every NPO and every region, as a national service
would have them (a writing group per NPO, remiss reviewers and coordinators per region, a few
national editors), and M knowledge supports, each with a 1.0 edition built from its product
type's template and K blocks of Swedish Markdown, spread over all NPOs and over the workflow's
states (so that the overview and Mina uppgifter have national-size lists to show).

Idempotent-ish: users are named bench-user-00000@scale.bench.invalid …, so running it again
only adds the ones that are missing, and role rows that already exist are skipped. Supports
are coded KS-S00000 … (VF-S… for care pathways; the letter keeps them out of the services'
numbering), and existing codes are skipped. Fast: everything is created with bulk_create, and
every user shares one password hash computed once. Users get their history rows; supports,
editions and blocks do not (bulk_create bypasses simple-history, which no page of the
benchmark reads for scale data); content_hash is filled as block_save fills it.

    python bench/scale.py --users 2000 --supports 500   # against the DB of DATABASE_URL
    bench/run.py --users 2000 --supports 500            # calls generate() on the bench DB
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


def generate(
    *,
    users: int = 2000,
    supports: int = 0,
    blocks: int = 20,
    all_published: bool = False,
    stdout=sys.stdout,
) -> dict:
    """Create up to `users` scale users with roles and `supports` supports with `blocks`
    blocks each (every one published with `all_published`). Needs a configured Django.
    Returns counts."""
    counts = _generate_users(users=users, stdout=stdout)
    if supports:
        counts.update(
            generate_supports(
                supports=supports, blocks=blocks, all_published=all_published, stdout=stdout
            )
        )
    _analyze()
    return counts


def _analyze() -> None:
    """PostgreSQL plans by its table statistics, which autovacuum would gather some time
    after a bulk load like this one: gathered now, so the first run measures the plans a
    settled production database gets (without them, a search over 2000 supports was planned
    as nested loops on estimates of one row and took a quarter longer)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _generate_users(*, users: int, stdout) -> dict:
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


# The 1.0 edition's state, round-robin: mostly drafts, some in each step that asks someone
# for something (Mina uppgifter), a fifth published. Not "in consultation" or "revision":
# those belong with a consultation round, which scale data does not make.
STATES = [
    "draft",
    "draft",
    "internal_review",
    "ready_for_consultation",
    "draft",
    "awaiting_npo_approval",
    "editorial_review",
    "published",
    "approved",
    "published",
]
DIAGNOSES = ["I50.0", "I50.9", "I48.9", "I10", "I21.9", "E11.9", "J44.9", "F32.9", "C50.9"]
TOPICS = [
    "Hjärtsvikt",
    "Förmaksflimmer",
    "Hypertoni",
    "Typ 2-diabetes",
    "KOL",
    "Depression",
    "Bröstcancer",
    "Stroke",
    "Astma",
    "Demens",
    "Höftartros",
    "Urinvägsinfektion",
]
ASPECTS = ["behandling", "utredning", "uppföljning", "rehabilitering", "vårdförlopp"]


def generate_supports(
    *, supports: int, blocks: int = 20, all_published: bool = False, stdout=sys.stdout
) -> dict:
    """`supports` supports, each with a 1.0 edition (sections from the product type's
    template) and `blocks` blocks spread over its sections, in the states of STATES (or all
    published, for the reading site at full size). A published edition is left as the
    workflow's publish step leaves it: its dates, the support pointing at it, the step's
    transition record and its publication snapshot (see `_publish`). Returns counts."""
    import random

    import content  # bench/content.py, next to this file
    from django.db import transaction
    from django.utils import timezone

    from apps.accounts.models import Organisation, User
    from apps.authoring import icd10
    from apps.authoring.models import (
        Block,
        Edition,
        ProductType,
        Section,
        Support,
        SupportDiagnosis,
        TemplateSection,
    )

    started = time.monotonic()
    npos = list(Organisation.objects.programme_areas().order_by("code"))
    types = [
        ProductType.objects.get(code="kliniskt-kunskapsstod"),
        ProductType.objects.get(code="vardforlopp"),
    ]
    template = {
        t.pk: list(TemplateSection.objects.filter(product_type=t).order_by("position"))
        for t in types
    }
    people = list(User.objects.filter(email__endswith=EMAIL_SUFFIX).order_by("pk")[:200])
    people = people or list(User.objects.order_by("pk")[:20])
    existing = set(Support.objects.filter(code__contains="-S").values_list("code", flat=True))
    rng = random.Random(500)
    now = timezone.now()

    plan = []
    for i in range(supports):
        product_type = types[0] if i % 4 else types[1]
        prefix = "KS" if product_type is types[0] else "VF"
        code = f"{prefix}-S{i:05d}"
        if code in existing:
            continue
        topic = TOPICS[i % len(TOPICS)]
        title = f"{topic} – {ASPECTS[(i // len(TOPICS)) % len(ASPECTS)]} {i:05d}"
        plan.append((i, code, title, product_type))
    if not plan:
        stdout.write(f"scale: all {supports} supports already there\n")
        return {"supports_created": 0}

    with transaction.atomic():
        new_supports = Support.objects.bulk_create(
            [
                Support(
                    code=code,
                    slug=f"bench-{code.lower()}",
                    title=title,
                    product_type=product_type,
                    programme_area=npos[i % len(npos)],
                    target_professions=["lakare", "sjukskoterska"],
                    created_by=people[i % len(people)],
                )
                for i, code, title, product_type in plan
            ],
            batch_size=BATCH,
        )
        states = {
            s.pk: "published" if all_published else STATES[i % len(STATES)]
            for (i, *_), s in zip(plan, new_supports, strict=True)
        }
        # Created as drafts: the database refuses blocks and sections in a published edition,
        # so published ones are moved there after their content is in.
        editions = Edition.objects.bulk_create(
            [
                Edition(
                    support=support,
                    major=1,
                    minor=0,
                    kind="major",
                    state="draft" if states[support.pk] == "published" else states[support.pk],
                    template_version=support.product_type.template_version,
                    created_by=support.created_by,
                    updated_by=people[(i * 7) % len(people)],
                    updated_at=now,
                )
                for (i, *_), support in zip(plan, new_supports, strict=True)
            ],
            batch_size=BATCH,
        )
        sections = Section.objects.bulk_create(
            [
                Section(
                    edition=edition,
                    key=ts.key,
                    title=ts.title,
                    guidance=ts.guidance,
                    required=ts.required,
                    heading_level=ts.heading_level,
                    position=ts.position,
                )
                for edition, support in zip(editions, new_supports, strict=True)
                for ts in template[support.product_type_id]
            ],
            batch_size=BATCH,
        )
        by_edition: dict[int, list] = {}
        for section in sections:
            by_edition.setdefault(section.edition_id, []).append(section)
        new_blocks = []
        for edition in editions:
            own = by_edition[edition.pk]
            for index in range(blocks):
                body = content.block_content(rng, index, rng.randint(300, 800))
                block = Block(
                    edition=edition,
                    section=own[index % len(own)],
                    position=index // len(own) + 1,
                    updated_by=edition.updated_by,
                    **body,
                )
                block.content_hash = Block.hash_content(block.content())
                new_blocks.append(block)
        Block.objects.bulk_create(new_blocks, batch_size=BATCH)
        SupportDiagnosis.objects.bulk_create(
            [
                SupportDiagnosis(support=support, code=code, description=icd10.describe(code)[:300])
                for n, support in enumerate(new_supports)
                for code in {DIAGNOSES[n % len(DIAGNOSES)], DIAGNOSES[(n * 5) % len(DIAGNOSES)]}
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        published = [e for e in editions if states[e.support_id] == "published"]
        working = [e for e in editions if states[e.support_id] != "published"]
        snapshot_counts = _publish(published, sections, new_blocks, now=now)
        for edition in published:
            edition.support.current_published_edition = edition
        for edition in working:
            edition.support.working_edition = edition
        Support.objects.bulk_update(
            new_supports, ["working_edition", "current_published_edition"], batch_size=BATCH
        )
        indexed = _index_for_search() if published else None
    counts = {
        "supports_created": len(new_supports),
        "supports_published": len(published),
        "search_documents": indexed,
        "blocks_created": len(new_blocks),
        **snapshot_counts,
        "supports_seconds": round(time.monotonic() - started, 2),
    }
    stdout.write(
        f"scale: {len(new_supports)} new supports ({len(published)} published, "
        f"{snapshot_counts['snapshot_blocks']} snapshot blocks rendered in "
        f"{snapshot_counts['render_seconds']} s), {len(sections)} sections and "
        f"{len(new_blocks)} blocks, {indexed} search documents, "
        f"{counts['supports_seconds']} s\n"
    )
    return counts


def _index_for_search() -> int | None:
    """The reading site's search index, as the publish step's effect leaves it, rebuilt in
    batches by the publishing app's own `reindex_all` (None before that app had search)."""
    try:
        from apps.publishing.search import reindex_all
    except ImportError:
        return None
    written, _removed = reindex_all()
    return written


def _publish(editions: list, sections: list, blocks: list, *, now) -> dict:
    """What the workflow's publish step leaves behind, in bulk: the edition published
    (published_at, approved_at, last_substantive_change_at, state_changed_at, a next review
    date), a "publish" transition record by a national editor, and the publication snapshot
    of its sections and blocks with their HTML rendered by the one render function, as
    apps/authoring/snapshots.py `_write` takes it. The support's pointers are set by the
    caller. Snapshot rows are only ever inserted (the database refuses updates)."""
    import datetime as dt

    from apps.accounts.models import User
    from apps.authoring.models import (
        Block,
        Edition,
        EditionTransition,
        Snapshot,
        SnapshotBlock,
        SnapshotPurpose,
        SnapshotSection,
    )
    from apps.authoring.snapshots import _snapshot_hash
    from apps.core.markdown import render_markdown

    if not editions:
        return {"snapshot_blocks": 0, "render_seconds": 0.0}
    editor = (
        User.objects.filter(email="redaktor@demo.kunskapsstod.se").first()
        or User.objects.filter(email__endswith=EMAIL_SUFFIX).order_by("pk").first()
    )
    wanted = {edition.pk for edition in editions}
    records = EditionTransition.objects.bulk_create(
        [
            EditionTransition(
                edition=edition,
                name="publish",
                from_state="approved",
                to_state="published",
                actor=editor,
            )
            for edition in editions
        ],
        batch_size=BATCH,
    )
    by_edition_sections: dict[int, list] = {}
    for section in sections:
        if section.edition_id in wanted:
            by_edition_sections.setdefault(section.edition_id, []).append(section)
    by_edition_blocks: dict[int, list] = {}
    for block in blocks:
        if block.edition_id in wanted:
            by_edition_blocks.setdefault(block.edition_id, []).append(block)

    render_started = time.monotonic()
    planned = []  # (edition, record, [snapshot sections], [snapshot blocks])
    for edition, record in zip(editions, records, strict=True):
        own_sections = sorted(by_edition_sections[edition.pk], key=lambda s: s.position)
        copies = [
            SnapshotSection(
                key=section.key,
                title=section.title,
                heading_level=section.heading_level,
                position=section.position,
            )
            for section in own_sections
        ]
        copy_of = {section.pk: copy for section, copy in zip(own_sections, copies, strict=True)}
        position_of = {section.pk: section.position for section in own_sections}
        frozen = [
            SnapshotBlock(
                section=copy_of[block.section_id],
                uid=block.uid,
                position=block.position,
                content_hash=Block.hash_content(block.content()),
                html=str(render_markdown(block.body)),
                references_html=str(render_markdown(block.references)),
                **block.content(),
            )
            for block in sorted(
                by_edition_blocks.get(edition.pk, []),
                key=lambda b: (position_of[b.section_id], b.position),
            )
        ]
        planned.append((edition, record, copies, frozen))
    render_seconds = round(time.monotonic() - render_started, 2)

    snapshots = Snapshot.objects.bulk_create(
        [
            Snapshot(
                edition=edition,
                purpose=SnapshotPurpose.PUBLICATION,
                transition=record,
                taken_at=record.created_at,
                taken_by=editor,
                content_hash=_snapshot_hash(copies, frozen),
            )
            for edition, record, copies, frozen in planned
        ],
        batch_size=BATCH,
    )
    all_copies, all_frozen = [], []
    for snapshot, (_edition, _record, copies, frozen) in zip(snapshots, planned, strict=True):
        for copy in copies:
            copy.snapshot = snapshot
        for block in frozen:
            block.snapshot = snapshot
        all_copies += copies
        all_frozen += frozen
    # bulk_create fills each row's foreign key from the object it points at, saved by now.
    SnapshotSection.objects.bulk_create(all_copies, batch_size=BATCH)
    SnapshotBlock.objects.bulk_create(all_frozen, batch_size=BATCH)

    # Last: the database freezes an edition from the moment it is saved as published.
    Edition.objects.filter(pk__in=wanted).update(
        state="published",
        state_changed_at=now,
        approved_at=now,
        published_at=now,
        last_substantive_change_at=now,
        next_review_date=(now + dt.timedelta(days=3 * 365)).date(),
    )
    return {"snapshot_blocks": len(all_frozen), "render_seconds": render_seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000, help="scale users (default 2000)")
    parser.add_argument("--supports", type=int, default=0, help="scale supports (default 0)")
    parser.add_argument("--blocks", type=int, default=20, help="blocks per support (20)")
    parser.add_argument(
        "--all-published", action="store_true", help="every scale support published"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    import django

    django.setup()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    generate(
        users=args.users,
        supports=args.supports,
        blocks=args.blocks,
        all_published=args.all_published,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
