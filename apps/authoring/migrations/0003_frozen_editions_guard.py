"""A database-level guard behind the services: a published, superseded or withdrawn edition,
and its sections and blocks, cannot be changed even by code that bypasses the services (a
shell, a raw query, a buggy migration). The one change allowed is a published edition
leaving that state for superseded or withdrawn, with its content and dates untouched.

PostgreSQL also refuses deletion. SQLite, the embedded development database, guards updates
and inserts only: Django's test flush empties SQLite tables with DELETE, which a delete
trigger would refuse."""

from django.db import migrations

FROZEN = "('published', 'superseded', 'withdrawn')"
MESSAGE = "Publicerade, ersatta och avpublicerade versioner kan inte ändras."

POSTGRES = f"""
CREATE OR REPLACE FUNCTION authoring_edition_frozen() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state IN {FROZEN} THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
    RETURN OLD;
  END IF;
  IF OLD.state IN ('superseded', 'withdrawn')
     OR (OLD.state = 'published' AND (
           NEW.state NOT IN ('superseded', 'withdrawn')
           OR NEW.support_id <> OLD.support_id OR NEW.major <> OLD.major
           OR NEW.minor <> OLD.minor OR NEW.kind <> OLD.kind
           OR NEW.change_summary <> OLD.change_summary
           OR NEW.published_at IS DISTINCT FROM OLD.published_at
           OR NEW.next_review_date IS DISTINCT FROM OLD.next_review_date)) THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER authoring_edition_frozen BEFORE UPDATE OR DELETE ON authoring_edition
FOR EACH ROW EXECUTE FUNCTION authoring_edition_frozen();

CREATE OR REPLACE FUNCTION authoring_content_frozen() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND
     (SELECT state FROM authoring_edition WHERE id = OLD.edition_id) IN {FROZEN} THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND
     (SELECT state FROM authoring_edition WHERE id = NEW.edition_id) IN {FROZEN} THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER authoring_block_frozen BEFORE INSERT OR UPDATE OR DELETE ON authoring_block
FOR EACH ROW EXECUTE FUNCTION authoring_content_frozen();
CREATE TRIGGER authoring_section_frozen BEFORE INSERT OR UPDATE OR DELETE ON authoring_section
FOR EACH ROW EXECUTE FUNCTION authoring_content_frozen();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS authoring_edition_frozen ON authoring_edition;
DROP TRIGGER IF EXISTS authoring_block_frozen ON authoring_block;
DROP TRIGGER IF EXISTS authoring_section_frozen ON authoring_section;
DROP FUNCTION IF EXISTS authoring_edition_frozen();
DROP FUNCTION IF EXISTS authoring_content_frozen();
"""


def _sqlite_statements():
    statements = [
        f"""CREATE TRIGGER authoring_edition_frozen BEFORE UPDATE ON authoring_edition
        WHEN OLD.state IN ('superseded', 'withdrawn')
          OR (OLD.state = 'published' AND (
                NEW.state NOT IN ('superseded', 'withdrawn')
                OR NEW.support_id <> OLD.support_id OR NEW.major <> OLD.major
                OR NEW.minor <> OLD.minor OR NEW.kind <> OLD.kind
                OR NEW.change_summary <> OLD.change_summary
                OR NEW.published_at IS NOT OLD.published_at
                OR NEW.next_review_date IS NOT OLD.next_review_date))
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    ]
    for table in ("authoring_block", "authoring_section"):
        statements += [
            f"""CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table}
            WHEN (SELECT state FROM authoring_edition WHERE id = NEW.edition_id) IN {FROZEN}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
            f"""CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table}
            WHEN (SELECT state FROM authoring_edition WHERE id = OLD.edition_id) IN {FROZEN}
              OR (SELECT state FROM authoring_edition WHERE id = NEW.edition_id) IN {FROZEN}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        ]
    return statements


SQLITE_TRIGGERS = [
    "authoring_edition_frozen",
    "authoring_block_frozen_insert",
    "authoring_block_frozen_update",
    "authoring_section_frozen_insert",
    "authoring_section_frozen_update",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        for statement in _sqlite_statements():
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("authoring", "0002_load_templates")]

    operations = [migrations.RunPython(forwards, backwards)]
