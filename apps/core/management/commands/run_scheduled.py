from django.core.management.base import BaseCommand

from apps.core.periodic import JOBS


class Command(BaseCommand):
    help = (
        "Kör det periodiska arbetet (planerad publicering, stängning av remisser efter sista "
        "svarsdag). Tål att köras flera gånger och samtidigt. Avsett för cron."
    )

    def handle(self, *args, **options):
        for name, job in JOBS:
            self.stdout.write(f"{name}: {job()}")
