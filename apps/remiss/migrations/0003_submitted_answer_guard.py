"""A database-level guard behind the services: a submitted remiss answer, and the comments
in it, cannot be changed even by code that bypasses the services. As in authoring's frozen
edition guard, SQLite guards inserts and updates only (Django's test flush empties SQLite
tables with DELETE); PostgreSQL also refuses deletion."""

from django.db import migrations

MESSAGE = "Ett inskickat remissvar kan inte ändras."

POSTGRES = f"""
CREATE OR REPLACE FUNCTION remiss_answer_submitted() RETURNS trigger AS $$
BEGIN
  IF OLD.submitted_at IS NOT NULL THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER remiss_answer_submitted BEFORE UPDATE OR DELETE ON remiss_answer
FOR EACH ROW EXECUTE FUNCTION remiss_answer_submitted();

CREATE OR REPLACE FUNCTION remiss_comment_submitted() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND
     (SELECT submitted_at FROM remiss_answer WHERE id = OLD.answer_id) IS NOT NULL THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND
     (SELECT submitted_at FROM remiss_answer WHERE id = NEW.answer_id) IS NOT NULL THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER remiss_comment_submitted BEFORE INSERT OR UPDATE OR DELETE ON remiss_comment
FOR EACH ROW EXECUTE FUNCTION remiss_comment_submitted();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS remiss_answer_submitted ON remiss_answer;
DROP TRIGGER IF EXISTS remiss_comment_submitted ON remiss_comment;
DROP FUNCTION IF EXISTS remiss_answer_submitted();
DROP FUNCTION IF EXISTS remiss_comment_submitted();
"""

SQLITE = [
    f"""CREATE TRIGGER remiss_answer_submitted BEFORE UPDATE ON remiss_answer
    WHEN OLD.submitted_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER remiss_comment_submitted_insert BEFORE INSERT ON remiss_comment
    WHEN (SELECT submitted_at FROM remiss_answer WHERE id = NEW.answer_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER remiss_comment_submitted_update BEFORE UPDATE ON remiss_comment
    WHEN (SELECT submitted_at FROM remiss_answer WHERE id = OLD.answer_id) IS NOT NULL
      OR (SELECT submitted_at FROM remiss_answer WHERE id = NEW.answer_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_TRIGGERS = [
    "remiss_answer_submitted",
    "remiss_comment_submitted_insert",
    "remiss_comment_submitted_update",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("remiss", "0002_answers_comments_responses")]

    operations = [migrations.RunPython(forwards, backwards)]
