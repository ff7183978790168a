"""The search index (SearchDocument). On PostgreSQL also the pg_trgm extension (misspelled
titles and diagnoses), a GIN index on the stored vector and trigram GIN indexes on the title
and the diagnoses; on SQLite those steps do nothing (no tsvector, no pg_trgm there; the
table works without them). The indexes are created here rather than in the model's Meta
because SQLite cannot build a GIN index, and SQLite remakes its tables on many later
changes. Existing published supports are indexed at the end."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class TrigramExtensionOnPostgres(TrigramExtension):
    """Django's operation creates the extension only on PostgreSQL but would look for it on
    any database when the migration is reversed."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


POSTGRES_INDEXES = (
    ("search_doc_vector_gin", "USING gin (vector)"),
    ("search_doc_title_trgm", "USING gin (title gin_trgm_ops)"),
    ("search_doc_diagnoses_trgm", "USING gin (diagnoses gin_trgm_ops)"),
)


def create_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("publishing_searchdocument")
    for name, definition in POSTGRES_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in POSTGRES_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def index_published_supports(apps, schema_editor):
    from apps.publishing.search import reindex_all

    names = ("Support", "Snapshot", "SnapshotBlock", "SupportDiagnosis")
    models_ = {name: apps.get_model("authoring", name) for name in names}
    models_["SearchDocument"] = apps.get_model("publishing", "SearchDocument")
    reindex_all(models=models_)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("authoring", "0006_change_tags"),
    ]

    operations = [
        TrigramExtensionOnPostgres(),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "support",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="authoring.support",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="titel")),
                ("diagnoses", models.TextField(blank=True, verbose_name="diagnoser")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("folded_title", models.TextField(blank=True)),
                ("folded_diagnoses", models.TextField(blank=True)),
                ("folded_text", models.TextField(blank=True)),
                ("for_primary", models.BooleanField(default=True)),
                ("for_specialised", models.BooleanField(default=True)),
                ("published_at", models.DateTimeField(null=True, verbose_name="publicerad")),
                ("indexed_at", models.DateTimeField(auto_now=True)),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="authoring.edition",
                    ),
                ),
            ],
            options={
                "verbose_name": "sökdokument",
                "verbose_name_plural": "sökdokument",
                "indexes": [
                    models.Index(fields=["-published_at"], name="search_doc_published_idx")
                ],
            },
        ),
        migrations.RunPython(create_postgres_indexes, drop_postgres_indexes, elidable=True),
        migrations.RunPython(index_published_supports, migrations.RunPython.noop, elidable=True),
    ]
