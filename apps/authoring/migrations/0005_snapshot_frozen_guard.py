"""A snapshot is the record of what was sent on remiss and what was published: once written,
its rows are never changed or removed, also not by code that bypasses the services (a shell,
a raw query, a buggy migration). The one change allowed is `taken_by` becoming empty, which
is what deleting that user asks of the database (SET_NULL).

Both databases refuse an update with an IntegrityError. Deletion:

- PostgreSQL refuses it too (IntegrityError). Django's test flush empties PostgreSQL tables
  with TRUNCATE, which row triggers do not see.
- SQLite leaves the row in place (RAISE(IGNORE)) while its edition exists, and a snapshot goes
  only together with its edition. Django's test flush empties SQLite tables with DELETE, in
  no fixed order: an ABORT would fail the flush whenever it reached a snapshot table before
  the edition table, while with IGNORE the rows wait until the edition's row is deleted and
  then go with it (the two cascade triggers below).

A later migration that makes SQLite rebuild one of these tables, or authoring_edition (any
AlterField, a new check constraint), drops their triggers: take the guard off first and put
it back at the end, with `sqlite_guard_off` and `sqlite_guard_on` as 0004 does for 0003's."""

from django.db import migrations, models

MESSAGE = "En ögonblicksbild kan inte ändras eller tas bort."
CONTENT_TABLES = ("authoring_snapshotsection", "authoring_snapshotblock")

POSTGRES = f"""
CREATE OR REPLACE FUNCTION authoring_snapshot_frozen() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.id = OLD.id AND NEW.edition_id = OLD.edition_id AND NEW.purpose = OLD.purpose
     AND NEW.transition_id IS NOT DISTINCT FROM OLD.transition_id
     AND NEW.taken_at = OLD.taken_at AND NEW.content_hash = OLD.content_hash
     AND (NEW.taken_by_id IS NOT DISTINCT FROM OLD.taken_by_id OR NEW.taken_by_id IS NULL) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER authoring_snapshot_frozen BEFORE UPDATE OR DELETE ON authoring_snapshot
FOR EACH ROW EXECUTE FUNCTION authoring_snapshot_frozen();

CREATE OR REPLACE FUNCTION authoring_snapshot_content_frozen() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION authoring_snapshot_content_frozen();
"""
    for table in CONTENT_TABLES
)

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS authoring_snapshot_frozen ON authoring_snapshot;
DROP TRIGGER IF EXISTS authoring_snapshotsection_frozen ON authoring_snapshotsection;
DROP TRIGGER IF EXISTS authoring_snapshotblock_frozen ON authoring_snapshotblock;
DROP FUNCTION IF EXISTS authoring_snapshot_frozen();
DROP FUNCTION IF EXISTS authoring_snapshot_content_frozen();
"""


def sqlite_statements() -> list[str]:
    statements = [
        f"""CREATE TRIGGER authoring_snapshot_frozen_update BEFORE UPDATE ON authoring_snapshot
        WHEN NEW.id IS NOT OLD.id OR NEW.edition_id IS NOT OLD.edition_id
          OR NEW.purpose IS NOT OLD.purpose OR NEW.transition_id IS NOT OLD.transition_id
          OR NEW.taken_at IS NOT OLD.taken_at OR NEW.content_hash IS NOT OLD.content_hash
          OR (NEW.taken_by_id IS NOT OLD.taken_by_id AND NEW.taken_by_id IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        """CREATE TRIGGER authoring_snapshot_frozen_delete BEFORE DELETE ON authoring_snapshot
        WHEN EXISTS (SELECT 1 FROM authoring_edition WHERE id = OLD.edition_id)
        BEGIN SELECT RAISE(IGNORE); END""",
        """CREATE TRIGGER authoring_snapshot_goes_with_edition AFTER DELETE ON authoring_edition
        BEGIN DELETE FROM authoring_snapshot WHERE edition_id = OLD.id; END""",
        """CREATE TRIGGER authoring_snapshot_content_goes_with_snapshot
        AFTER DELETE ON authoring_snapshot
        BEGIN
          DELETE FROM authoring_snapshotblock WHERE snapshot_id = OLD.id;
          DELETE FROM authoring_snapshotsection WHERE snapshot_id = OLD.id;
        END""",
    ]
    for table in CONTENT_TABLES:
        statements += [
            f"""CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
            f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table}"  # noqa: S608 — our table names
            " WHEN EXISTS (SELECT 1 FROM authoring_snapshot WHERE id = OLD.snapshot_id)"
            " BEGIN SELECT RAISE(IGNORE); END",
        ]
    return statements


SQLITE_TRIGGERS = [
    "authoring_snapshot_frozen_update",
    "authoring_snapshot_frozen_delete",
    "authoring_snapshot_goes_with_edition",
    "authoring_snapshot_content_goes_with_snapshot",
    *(f"{table}_frozen_{op}" for table in CONTENT_TABLES for op in ("update", "delete")),
]


def sqlite_guard_on(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_statements():
            schema_editor.execute(statement)


def sqlite_guard_off(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    sqlite_guard_on(apps, schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    sqlite_guard_off(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("authoring", "0004_block_removal_snapshots_invariants")]

    operations = [
        # The references, rendered and sanitised like the text: readers never render Markdown.
        migrations.AddField(
            model_name="snapshotblock",
            name="references_html",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
