"""The sitemap for search engines: every public support's page and each of its earlier
editions, which stay readable at their own address. Nothing unpublished, nothing withdrawn
(the selectors decide what is public). Two queries."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from apps.authoring.models import Edition, SnapshotPurpose
from apps.authoring.workflow_states import EditionState

from . import selectors


class SupportSitemap(Sitemap):
    changefreq = "monthly"
    priority = 1.0

    def items(self):
        return list(selectors.public_supports())

    def location(self, support):
        return reverse("publishing:support", kwargs={"slug": support.slug})

    def lastmod(self, support):
        return support.current_published_edition.published_at


class EarlierEditionSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.3

    def items(self):
        return list(
            Edition.objects.filter(
                state=EditionState.SUPERSEDED,
                published_at__isnull=False,
                support__in=selectors.public_supports().values("pk"),
                snapshots__purpose=SnapshotPurpose.PUBLICATION,
            )
            .select_related("support")
            .order_by("support__title", "support_id", "-major", "-minor")
        )

    def location(self, edition):
        return reverse(
            "publishing:edition",
            kwargs={"slug": edition.support.slug, "major": edition.major, "minor": edition.minor},
        )

    def lastmod(self, edition):
        return edition.state_changed_at


SITEMAPS = {"stod": SupportSitemap, "versioner": EarlierEditionSitemap}
