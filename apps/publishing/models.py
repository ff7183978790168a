"""The search index of the reading site: one row per public support, written by the
"publish" and "withdraw" workflow steps (apps/publishing/search.py) inside the step's own
transaction, so a rolled-back publication leaves the index as it was."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.authoring.models import Edition, Support


class SearchDocument(models.Model):
    """What search reads of a public support: its title, diagnoses and the plain text of
    its current published edition's publication snapshot, taken when it was published.

    `vector` is PostgreSQL's stored, weighted tsvector (title A, diagnoses B, text C) with a
    GIN index (migration 0001, created on PostgreSQL only). It is stored rather than computed
    at query time: parsing and stemming every support's whole text on every search is the one
    cost that grows with the text, and a stored vector makes a search an index lookup. It is
    nullable and filled by an UPDATE on PostgreSQL only, because SQLite has no tsvector: there
    the `folded_*` columns (lower-cased words, space separated, see search.fold) are searched
    with LIKE instead, which finds the same supports for plain words."""

    support = models.OneToOneField(
        Support, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("titel"), max_length=200)
    # "I50.0 Kongestiv hjärtsvikt", one diagnosis a line.
    diagnoses = models.TextField(_("diagnoser"), blank=True)
    text = models.TextField(_("text"), blank=True)
    folded_title = models.TextField(blank=True)
    folded_diagnoses = models.TextField(blank=True)
    folded_text = models.TextField(blank=True)
    # Whether the published text holds anything for that care level (blocks marked for it,
    # for both, or for no level in particular): the care level filter reads these.
    for_primary = models.BooleanField(default=True)
    for_specialised = models.BooleanField(default=True)
    published_at = models.DateTimeField(_("publicerad"), null=True)
    indexed_at = models.DateTimeField(auto_now=True)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("sökdokument")
        verbose_name_plural = _("sökdokument")
        indexes = [models.Index(fields=["-published_at"], name="search_doc_published_idx")]

    def __str__(self):
        return self.title
