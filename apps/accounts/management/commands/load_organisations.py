from django.core.management.base import BaseCommand

from apps.accounts.models import Organisation
from apps.accounts.organisation_data import load_organisations


class Command(BaseCommand):
    help = "Lägger in de nationella programområdena, sjukvårdsregionerna, regionerna och andra remissinstanser som saknas."

    def handle(self, *args, **options):
        created = load_organisations(Organisation)
        self.stdout.write(f"{created} organisationer skapade.")
