"""Change tags: a block's change in a new edition may be marked editorial
(`Block.editorial_change`, kept in the block's history too), and each block of a publication
snapshot carries what readers are told about it ("Ny 2026", "Ändrad 2026": `change_tag`,
`change_year`).

SQLite adds a NOT NULL column with a default by copying the table, which drops the triggers
on it: the frozen-edition guard of 0003 on authoring_block and the snapshot guard of 0005 on
authoring_snapshotblock (and, mid-copy, the other tables' triggers would point at a table
that is gone). Both guards come off first and go back on at the end, as 0005 asks.

PostgreSQL adds the columns in place (ALTER TABLE ... ADD COLUMN ... DEFAULT), which fires
no row trigger, so its guards stay on throughout. Snapshots published before this migration
keep empty tags: they are never changed, and the next publication is compared with them by
content hash all the same."""

import importlib

from django.db import migrations, models

_editions_guard = importlib.import_module("apps.authoring.migrations.0003_frozen_editions_guard")
_snapshots_guard = importlib.import_module("apps.authoring.migrations.0005_snapshot_frozen_guard")


def guard_off(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in _editions_guard.SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    _snapshots_guard.sqlite_guard_off(apps, schema_editor)


def guard_on(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _editions_guard._sqlite_statements():
            schema_editor.execute(statement)
    _snapshots_guard.sqlite_guard_on(apps, schema_editor)


HELP = "Endast redaktionell ändring: stavning, formulering eller länkar – ingen ändring i sak"


class Migration(migrations.Migration):
    dependencies = [("authoring", "0005_snapshot_frozen_guard")]

    operations = [
        migrations.RunPython(guard_off, guard_on),
        migrations.AddField(
            model_name="block",
            name="editorial_change",
            field=models.BooleanField(
                default=False, help_text=HELP, verbose_name="redaktionell ändring"
            ),
        ),
        migrations.AddField(
            model_name="historicalblock",
            name="editorial_change",
            field=models.BooleanField(
                default=False, help_text=HELP, verbose_name="redaktionell ändring"
            ),
        ),
        migrations.AddField(
            model_name="snapshotblock",
            name="change_tag",
            field=models.CharField(
                blank=True,
                choices=[("new", "Ny"), ("changed", "Ändrad")],
                default="",
                max_length=10,
                verbose_name="ändringsmärkning",
            ),
        ),
        migrations.AddField(
            model_name="snapshotblock",
            name="change_year",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="ändringsår"
            ),
        ),
        migrations.RunPython(guard_on, guard_off),
    ]
