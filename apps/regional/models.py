"""Regional additions (DOMAIN.md, "Regional additions"): one region's text at one place of
one support, at a block of the national text or at the end of a section. An addition knows
the exact national block text it was written against (a SnapshotBlock of a publication
snapshot), so a new national edition can tell by content hash whether the text under it
changed, and flag it for its region to review."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.accounts.models import Organisation
from apps.authoring.models import CareLevel, Edition, SnapshotBlock, Support


class AdditionKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation och ansvar")
    REFERRAL = "referral", _("Remissrutin")
    LOCAL_DRUG = "local_drug", _("Lokalt läkemedelsval")
    DEVIATION = "deviation", _("Avvikelse från den nationella texten")


class AdditionState(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    PUBLISHED = "published", _("Publicerad")
    ARCHIVED = "archived", _("Arkiverad")


class FlagReason(models.TextChoices):
    CHANGED = "changed", _("Den nationella texten har ändrats")
    REMOVED = "removed", _("Blocket finns inte längre")


class RegionalAdditionQuerySet(models.QuerySet):
    def of_region(self, region):
        return self.filter(region=region)

    def published(self):
        return self.filter(state=AdditionState.PUBLISHED)

    def live(self):
        """Not archived: what the staleness check and the overview look after."""
        return self.exclude(state=AdditionState.ARCHIVED)

    def needing_review(self):
        return self.live().filter(needs_review=True)


class RegionalAddition(models.Model):
    # The stable id and address: reader feedback anchors to it later.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        Organisation,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "region"},
        related_name="regional_additions",
    )
    support = models.ForeignKey(
        Support,
        verbose_name=_("kunskapsstöd"),
        on_delete=models.PROTECT,
        related_name="regional_additions",
    )
    section_key = models.SlugField(_("avsnitt"), max_length=60)
    # The national block it sits at; null = at the end of the section.
    block_uid = models.UUIDField(_("block"), null=True, blank=True)
    # The national block text it was written against, or last confirmed for.
    written_against = models.ForeignKey(
        SnapshotBlock,
        verbose_name=_("skrivet mot texten"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_against_edition = models.ForeignKey(
        Edition, verbose_name=_("skrivet mot version"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("typ av tillägg"), max_length=20, choices=AdditionKind.choices)
    body = models.TextField(_("text"))
    # Sanitised when saved (apps.core.markdown.render_markdown): the public side never renders.
    html = models.TextField(blank=True)
    care_level = models.CharField(
        _("vårdnivå"), max_length=20, choices=CareLevel.choices, default=CareLevel.BOTH
    )
    contact = models.CharField(_("kontakt"), max_length=200, blank=True)
    link = models.URLField(_("länk"), blank=True)
    state = models.CharField(
        _("status"), max_length=20, choices=AdditionState.choices, default=AdditionState.DRAFT
    )
    lock_version = models.PositiveIntegerField(default=1)
    needs_review = models.BooleanField(_("behöver granskas"), default=False)
    flagged_at = models.DateTimeField(_("flaggat"), null=True, blank=True)
    flag_reason = models.CharField(
        _("orsak"), max_length=20, choices=FlagReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    archived_at = models.DateTimeField(_("arkiverad"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = RegionalAdditionQuerySet.as_manager()

    class Meta:
        ordering = ["support", "section_key", "created_at", "id"]
        indexes = [
            models.Index(fields=["support", "state"], name="addition_support_state_idx"),
            models.Index(fields=["region", "state"], name="addition_region_state_idx"),
        ]
        constraints = [
            # A flag always says why and since when; an unflagged addition carries neither.
            models.CheckConstraint(
                condition=(
                    Q(needs_review=False, flagged_at__isnull=True, flag_reason="")
                    | Q(
                        needs_review=True,
                        flagged_at__isnull=False,
                        flag_reason__in=["changed", "removed"],
                    )
                ),
                name="addition_flag_consistent",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "published", "archived"]),
                name="addition_state_known",
            ),
        ]
        verbose_name = _("regionalt tillägg")
        verbose_name_plural = _("regionala tillägg")

    def __str__(self):
        return f"{self.region} – {self.get_kind_display()} ({self.support})"

    def get_absolute_url(self) -> str:
        """The signed-in page of the addition (the public one is the support page's anchor)."""
        return reverse("regional:addition_detail", kwargs={"uid": self.uid})

    def review_url(self) -> str:
        return reverse("regional:addition_review", kwargs={"uid": self.uid})

    @property
    def public_anchor(self) -> str:
        return f"tillagg-{str(self.uid)[:8]}"

    @property
    def at_section_end(self) -> bool:
        return self.block_uid is None

    @property
    def is_published(self) -> bool:
        return self.state == AdditionState.PUBLISHED

    @property
    def is_archived(self) -> bool:
        return self.state == AdditionState.ARCHIVED
