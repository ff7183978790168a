from django.db import migrations


def load(apps, schema_editor):
    from apps.authoring.template_data import load_templates

    load_templates(
        apps.get_model("authoring", "ProductType"), apps.get_model("authoring", "TemplateSection")
    )


class Migration(migrations.Migration):
    dependencies = [("authoring", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
