from django.conf import settings
from django.core.management.base import BaseCommand

from apps.accounts.demo import DEMO_PASSWORD, seed_demo_users
from apps.core.demo import DEMO_SEEDERS


class Command(BaseCommand):
    help = "Skapar demoanvändare för alla roller och demoinnehåll. Kan köras flera gånger."

    def handle(self, *args, **options):
        users = seed_demo_users()
        for seeder in DEMO_SEEDERS:
            seeder(self.stdout)
        self.stdout.write("")
        self.stdout.write(f"Demoanvändare (lösenord för alla: {DEMO_PASSWORD})")
        for email, name, roles in users:
            self.stdout.write(f"  {email:42} {name:24} {', '.join(roles)}")
        self.stdout.write("")
        # SITE_URL follows PORT in development (`make run PORT=8202`): print where it serves.
        address = settings.SITE_URL.rstrip("/") + "/"
        self.stdout.write(f"Öppna {address} och logga in med en av adresserna ovan.")
