"""When a round's recipients were told: rounds that open in a later window are announced on
their opening day by the periodic job, once. Rounds opened before this field existed were
announced when they were opened."""

from django.db import migrations, models
from django.db.models import F


def announced_when_opened(apps, schema_editor):
    Consultation = apps.get_model("remiss", "Consultation")
    Consultation.objects.filter(announced_at__isnull=True).update(announced_at=F("opened_at"))


class Migration(migrations.Migration):
    dependencies = [("remiss", "0003_submitted_answer_guard")]

    operations = [
        migrations.AddField(
            model_name="consultation",
            name="announced_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(announced_when_opened, migrations.RunPython.noop),
    ]
