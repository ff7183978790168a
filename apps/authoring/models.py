"""The core model (DESIGN.md): a Support lives across Editions; an edition has the Sections
of its product type's template, and Blocks inside them. A block keeps its `uid` across
editions, so remiss comments, regional additions and feedback can anchor to (uid, edition)."""

import hashlib
import json
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.accounts.models import Organisation

from .workflow_states import CLOSED_STATES, EDITABLE_STATES, FROZEN_STATES, EditionState


class ProductType(models.Model):
    code = models.SlugField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=120)
    description = models.TextField(_("beskrivning"), blank=True)
    # Legacy types (vårdprogram, vårdriktlinje) stay readable, but no new ones are started.
    allows_new = models.BooleanField(_("nya kan skapas"), default=True)
    # Bumped on every change of the template, and copied into each edition built from it,
    # so an edition tells which template it was built from.
    template_version = models.PositiveIntegerField(_("mallversion"), default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("produkttyp")
        verbose_name_plural = _("produkttyper")

    def __str__(self):
        return self.name


class TemplateSection(models.Model):
    """One heading of a product type's template, with its writing guidance. Editions copy
    these when they are built, so editing the template never changes an existing edition."""

    product_type = models.ForeignKey(
        ProductType, on_delete=models.CASCADE, related_name="template_sections"
    )
    key = models.SlugField(_("nyckel"), max_length=60)
    title = models.CharField(_("rubrik"), max_length=200)
    guidance = models.TextField(_("skrivriktlinjer"), blank=True)
    required = models.BooleanField(_("obligatoriskt"), default=True)
    heading_level = models.PositiveSmallIntegerField(
        _("rubriknivå"), choices=[(2, "H2"), (3, "H3")], default=2
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["product_type", "position"]
        constraints = [
            models.UniqueConstraint(fields=["product_type", "key"], name="uniq_template_key")
        ]
        verbose_name = _("mallavsnitt")
        verbose_name_plural = _("mallavsnitt")

    def __str__(self):
        return self.title


PROFESSIONS = [
    ("lakare", _("Läkare")),
    ("sjukskoterska", _("Sjuksköterska")),
    ("undersköterska", _("Undersköterska")),
    ("barnmorska", _("Barnmorska")),
    ("fysioterapeut", _("Fysioterapeut")),
    ("arbetsterapeut", _("Arbetsterapeut")),
    ("psykolog", _("Psykolog")),
    ("kurator", _("Kurator")),
    ("dietist", _("Dietist")),
    ("logoped", _("Logoped")),
    ("farmaceut", _("Farmaceut")),
    ("tandlakare", _("Tandläkare")),
    ("biomedicinsk-analytiker", _("Biomedicinsk analytiker")),
]
PROFESSION_LABELS = dict(PROFESSIONS)


class SupportQuerySet(models.QuerySet):
    def of_programme_areas(self, organisations):
        return self.filter(programme_area__in=organisations)

    def with_overview(self):
        return self.select_related(
            "product_type",
            "programme_area",
            "working_edition",
            "working_edition__updated_by",
            "current_published_edition",
        )


class Support(models.Model):
    code = models.CharField(_("kod"), max_length=20, unique=True, editable=False)
    slug = models.SlugField(_("adressnamn"), max_length=120, unique=True, editable=False)
    title = models.CharField(
        _("titel"),
        max_length=200,
        help_text=_("Börja med tillståndet, till exempel ”Hjärtsvikt – behandling”."),
    )
    product_type = models.ForeignKey(
        ProductType, verbose_name=_("produkttyp"), on_delete=models.PROTECT
    )
    programme_area = models.ForeignKey(
        Organisation,
        verbose_name=_("nationellt programområde"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "npo"},
        related_name="supports",
    )
    target_professions = models.JSONField(_("målgrupp"), default=list, blank=True)
    related_supports = models.ManyToManyField(
        "self", verbose_name=_("relaterade kunskapsstöd"), blank=True, symmetrical=True
    )
    working_edition = models.ForeignKey(
        "Edition", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_published_edition = models.ForeignKey(
        "Edition", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["working_edition", "current_published_edition"])

    objects = SupportQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("kunskapsstöd")
        verbose_name_plural = _("kunskapsstöd")

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("authoring:support_detail", kwargs={"code": self.code})

    @property
    def profession_labels(self):
        return [str(PROFESSION_LABELS.get(p, p)) for p in self.target_professions]


class SupportDiagnosis(models.Model):
    support = models.ForeignKey(Support, on_delete=models.CASCADE, related_name="diagnoses")
    code = models.CharField(_("ICD-10-kod"), max_length=10)
    description = models.CharField(_("beskrivning"), max_length=300)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["support", "code"], name="uniq_support_diagnosis")
        ]
        # Readers and the API filter supports by diagnosis code.
        indexes = [models.Index(fields=["code"], name="support_diagnosis_code_idx")]

    def __str__(self):
        return f"{self.code} {self.description}"


class EditionKind(models.TextChoices):
    MAJOR = "major", _("Huvudversion (innehållslig ändring, kräver remiss och godkännande)")
    MINOR = "minor", _("Delversion (redaktionell ändring)")


class Edition(models.Model):
    support = models.ForeignKey(Support, on_delete=models.CASCADE, related_name="editions")
    major = models.PositiveIntegerField(default=1)
    minor = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("typ av version"), max_length=10, choices=EditionKind.choices)
    state = models.CharField(
        _("status"), max_length=32, choices=EditionState.choices, default=EditionState.DRAFT
    )
    state_changed_at = models.DateTimeField(_("status sedan"), auto_now_add=True)
    # Bumped on every workflow transition; a transition from a stale page is refused.
    lock_version = models.PositiveIntegerField(default=1)
    change_summary = models.TextField(_("sammanfattning av ändringarna"), blank=True)
    template_version = models.PositiveIntegerField(default=1)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successors"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Last content save in any block of the edition (for the overview's "last edited").
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    scheduled_publish_at = models.DateTimeField(_("planerad publicering"), null=True, blank=True)
    last_substantive_change_at = models.DateTimeField(null=True, blank=True)
    next_review_date = models.DateField(_("nästa revision"), null=True, blank=True)

    class Meta:
        ordering = ["support", "-major", "-minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["support", "major", "minor"], name="uniq_edition_number"
            ),
            # One edition at a time is worked on, and one is what readers see: two requests
            # starting or publishing at once cannot both succeed, whatever the code above does.
            models.UniqueConstraint(
                fields=["support"],
                condition=~Q(state__in=sorted(CLOSED_STATES)),
                name="one_open_edition_per_support",
            ),
            models.UniqueConstraint(
                fields=["support"],
                condition=Q(state=EditionState.PUBLISHED),
                name="one_published_edition_per_support",
            ),
            # A major edition starts a new number series: 2.0, never 2.3.
            models.CheckConstraint(
                condition=~Q(kind="major") | Q(minor=0), name="major_edition_minor_is_zero"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["major", "minor"]), name="edition_kind_known"
            ),
        ]
        indexes = [
            models.Index(fields=["state"], name="edition_state_idx"),
            models.Index(
                fields=["scheduled_publish_at"],
                condition=Q(scheduled_publish_at__isnull=False),
                name="edition_scheduled_idx",
            ),
            models.Index(fields=["next_review_date"], name="edition_next_review_idx"),
        ]
        verbose_name = _("version")
        verbose_name_plural = _("versioner")

    def __str__(self):
        return f"{self.support.title} {self.number}"

    def get_absolute_url(self) -> str:
        return self.url()

    def url(self, name: str = "authoring:edition_detail", **extra) -> str:
        """An address under this edition (its page, a section, a block's history...)."""
        kwargs = {"code": self.support.code, "major": self.major, "minor": self.minor}
        return reverse(name, kwargs={**kwargs, **extra})

    @property
    def number(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES

    @property
    def revises_published(self) -> bool:
        """Built from an earlier published edition: only then can a block's change be
        marked editorial (for a first edition every block is new)."""
        return self.based_on_id is not None


class Section(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=60)
    title = models.CharField(_("rubrik"), max_length=200)
    guidance = models.TextField(_("skrivriktlinjer"), blank=True)
    required = models.BooleanField(default=True)
    heading_level = models.PositiveSmallIntegerField(default=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "position"]
        constraints = [models.UniqueConstraint(fields=["edition", "key"], name="uniq_section_key")]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        """The section in the editor."""
        return self.edition.url("authoring:section_edit", key=self.key)


class BlockKind(models.TextChoices):
    TEXT = "text", _("Textblock")
    RECOMMENDATION = "recommendation", _("Rekommendation")


class CareLevel(models.TextChoices):
    PRIMARY = "primary", _("Primärvård")
    SPECIALISED = "specialised", _("Specialiserad vård")
    BOTH = "both", _("Båda")


class Depth(models.TextChoices):
    BASE = "base", _("Bastext")
    IN_DEPTH = "in_depth", _("Fördjupning")


class Strength(models.TextChoices):
    SHOULD = "bor", _("Bör")
    COULD = "kan", _("Kan")
    EXCEPTIONALLY = "kan_i_undantagsfall", _("Kan i undantagsfall")
    SHOULD_NOT = "bor_inte", _("Bör inte")
    RESEARCH = "fou", _("FoU (endast inom forskning och utveckling)")


class Basis(models.TextChoices):
    EVIDENCE = "evidence", _("Vetenskapligt underlag")
    PROVEN_EXPERIENCE = "proven_experience", _("Beprövad erfarenhet")


class BlockQuerySet(models.QuerySet):
    def live(self):
        return self.filter(removed_at__isnull=True)

    def removed(self):
        return self.filter(removed_at__isnull=False)


class LiveBlockManager(models.Manager.from_queryset(BlockQuerySet)):
    """The default manager, and so every `section.blocks` and `edition.blocks`, sees only
    the blocks that are part of the text. Removed blocks stay as rows (reachable through
    `Block.all_objects`) so that a remiss comment, a regional addition or reader feedback
    anchored to one can still find what it was made on, and so that removal can be undone."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class Block(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="blocks")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("typ"), max_length=20, choices=BlockKind.choices)
    body = models.TextField(_("text"), blank=True)
    care_level = models.CharField(
        _("vårdnivå"), max_length=20, choices=CareLevel.choices, blank=True
    )
    depth = models.CharField(_("djup"), max_length=20, choices=Depth.choices, default=Depth.BASE)
    strength = models.CharField(_("styrka"), max_length=30, choices=Strength.choices, blank=True)
    basis = models.CharField(_("underlag"), max_length=30, choices=Basis.choices, blank=True)
    references = models.TextField(
        _("referenser"), blank=True, help_text=_("En referens per rad. Länkar börjar med https://.")
    )
    lock_version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64, blank=True)
    # Whether this edition's change of the block, against the published edition it is
    # based on, is editorial only (spelling, wording, links): then readers get no "Ändrad"
    # tag for it. Not text, so not among CONTENT_FIELDS and not in the content hash: ticking
    # it neither makes the block "changed" nor changes what a snapshot holds.
    editorial_change = models.BooleanField(
        _("redaktionell ändring"),
        default=False,
        help_text=_(
            "Endast redaktionell ändring: stavning, formulering eller länkar – ingen ändring i sak"
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Removal keeps the row: see LiveBlockManager.
    removed_at = models.DateTimeField(_("borttaget"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"], user_model=settings.AUTH_USER_MODEL)

    objects = LiveBlockManager()
    all_objects = BlockQuerySet.as_manager()

    CONTENT_FIELDS = ("kind", "body", "care_level", "depth", "strength", "basis", "references")

    class Meta:
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "uid"], name="uniq_block_uid_per_edition")
        ]
        indexes = [models.Index(fields=["uid"])]
        # Related lookups from a section or edition go through `objects` (live blocks);
        # the base manager stays unfiltered so a history row can reach a removed block.
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        verbose_name = _("block")
        verbose_name_plural = _("block")

    def __str__(self):
        return f"{self.get_kind_display()} {str(self.uid)[:8]}"

    def get_absolute_url(self) -> str:
        """The block at its place in the section editor."""
        return f"{self.section.get_absolute_url()}#block-{self.uid}"

    def content(self) -> dict:
        return {field: getattr(self, field) for field in self.CONTENT_FIELDS}

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @staticmethod
    def hash_content(content: dict) -> str:
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class BlockDraft(models.Model):
    """What autosave keeps while an author types: one row per person and block, outside
    the history, so that history holds real saves and not one version per keystroke."""

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    content = models.JSONField(default=dict)
    base_lock_version = models.PositiveIntegerField()
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["block", "user"], name="uniq_draft_per_user")
        ]


class SectionPresence(models.Model):
    """Who has a section open in the editor; refreshed by the editor while it is open."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["section", "user"], name="uniq_presence")]


class EditionTransition(models.Model):
    """One step of an edition through the workflow: who moved it, from where, to where, why."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="transitions")
    name = models.CharField(max_length=60)
    from_state = models.CharField(max_length=32, choices=EditionState.choices)
    to_state = models.CharField(max_length=32, choices=EditionState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(_("kommentar"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.edition} {self.from_state} → {self.to_state}"


class SnapshotPurpose(models.TextChoices):
    CONSULTATION = "consultation", _("Skickad på remiss")
    PUBLICATION = "publication", _("Publicerad")


class Snapshot(models.Model):
    """The frozen copy of an edition taken at a transition: what was sent on remiss, what
    was published. Rows are written once and never changed (the services never update
    them, and the database refuses it too), so whatever is anchored to a block of a
    snapshot can always show the exact text and tell by hash whether the block changed."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="snapshots")
    purpose = models.CharField(_("syfte"), max_length=20, choices=SnapshotPurpose.choices)
    transition = models.OneToOneField(
        EditionTransition, null=True, blank=True, on_delete=models.PROTECT, related_name="snapshot"
    )
    taken_at = models.DateTimeField(_("tagen"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Over the blocks' uids, positions and content hashes: equal snapshots, equal hash.
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["taken_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "purpose"], name="one_snapshot_per_purpose")
        ]
        verbose_name = _("ögonblicksbild")
        verbose_name_plural = _("ögonblicksbilder")

    def __str__(self):
        return f"{self.edition} ({self.get_purpose_display()})"


class SnapshotSection(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="sections")
    key = models.SlugField(max_length=60)
    title = models.CharField(_("rubrik"), max_length=200)
    heading_level = models.PositiveSmallIntegerField(default=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["snapshot", "position"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "key"], name="uniq_snapshot_section_key")
        ]

    def __str__(self):
        return self.title


class ChangeTag(models.TextChoices):
    """What readers are told about a published block against the publication before."""

    NEW = "new", _("Ny")
    CHANGED = "changed", _("Ändrad")


class SnapshotBlock(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="blocks")
    section = models.ForeignKey(SnapshotSection, on_delete=models.PROTECT, related_name="blocks")
    uid = models.UUIDField()
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("typ"), max_length=20, choices=BlockKind.choices)
    body = models.TextField(_("text"), blank=True)
    care_level = models.CharField(
        _("vårdnivå"), max_length=20, choices=CareLevel.choices, blank=True
    )
    depth = models.CharField(_("djup"), max_length=20, choices=Depth.choices, default=Depth.BASE)
    strength = models.CharField(_("styrka"), max_length=30, choices=Strength.choices, blank=True)
    basis = models.CharField(_("underlag"), max_length=30, choices=Basis.choices, blank=True)
    references = models.TextField(_("referenser"), blank=True)
    content_hash = models.CharField(max_length=64)
    # Sanitised once when the snapshot is taken: the public side never renders Markdown.
    html = models.TextField(blank=True)
    references_html = models.TextField(blank=True)
    # Set in publication snapshots only (snapshots.change_tags): "Ny 2026", "Ändrad 2026",
    # or nothing. Carried forward from publication to publication while the block is
    # unchanged; consultation snapshots leave both empty.
    change_tag = models.CharField(
        _("ändringsmärkning"), max_length=10, choices=ChangeTag.choices, blank=True, default=""
    )
    change_year = models.PositiveSmallIntegerField(_("ändringsår"), null=True, blank=True)

    class Meta:
        ordering = ["snapshot", "section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "uid"], name="uniq_snapshot_block_uid")
        ]
        indexes = [models.Index(fields=["uid"], name="snapshot_block_uid_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {str(self.uid)[:8]}"

    @property
    def change_label(self) -> str:
        """The tag as readers see it: "Ny 2026", "Ändrad 2026", or "" for none."""
        if not self.change_tag:
            return ""
        label = str(self.get_change_tag_display())
        return f"{label} {self.change_year}" if self.change_year else label
