"""Rebuild the reading site's search index from the published editions: after data was
loaded behind the workflow's back (a restore, bench/scale.py), or to be sure. Idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.publishing.cache import forget_support
from apps.publishing.search import reindex_all


class Command(BaseCommand):
    help = "Bygger om sökindexet för de publicerade kunskapsstöden."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=200, help="Antal kunskapsstöd per omgång."
        )

    def handle(self, *args, batch_size, **options):
        with transaction.atomic():
            written, removed = reindex_all(batch_size=batch_size)
        # Cached searches were built from the old index; any support id moves every list on.
        forget_support(support_id=0)
        self.stdout.write(
            f"Sökindexet är uppdaterat: {written} kunskapsstöd indexerade, {removed} borttagna."
        )
