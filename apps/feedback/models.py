"""Feedback from readers (DOMAIN.md, "Feedback"): a reader's comment on a published support,
at the whole support, at one block of the national text or at one regional addition, handled
as a case in the queue of whoever owns that text — the support's NPO, or the region of the
addition — and carried into the next edition.

A case is written by an anonymous reader. What identifies the reader (name, profession,
e-mail) is optional and is removed a set time after the case closes; the case itself stays.
The reader follows the case through a private link: only a hash of its token is stored, so
the links cannot be read back from the database or enumerated."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.authoring.models import Edition, Support


class Topic(models.TextChoices):
    ERROR = "error", _("Fel i texten")
    MISSING = "missing", _("Något saknas")
    UNCLEAR = "unclear", _("Otydligt")
    PROPOSAL = "proposal", _("Förbättringsförslag")
    OTHER = "other", _("Annat")


class CaseState(models.TextChoices):
    NEW = "new", _("Ny")
    IN_PROGRESS = "in_progress", _("Under handläggning")
    ANSWERED = "answered", _("Besvarad")
    PLANNED = "planned", _("Tas om hand i kommande version")
    IMPLEMENTED = "implemented", _("Åtgärdad i ny version")
    CLOSED = "closed", _("Avslutad utan åtgärd")
    DUPLICATE = "duplicate", _("Dubblett")
    SPAM = "spam", _("Skräp")


# Still waiting for someone: in the queues' "open" filter, the overview and Mina uppgifter.
# A planned case is open until the edition it was marked for is published.
OPEN_STATES = (CaseState.NEW, CaseState.IN_PROGRESS, CaseState.PLANNED)
# Closed: closed_at is set, and the retention clock for the contact details runs from it.
CLOSED_STATES = (
    CaseState.ANSWERED,
    CaseState.IMPLEMENTED,
    CaseState.CLOSED,
    CaseState.DUPLICATE,
    CaseState.SPAM,
)

BODY_MAX = 4000
NAME_MAX = 100
PROFESSION_MAX = 100


def token_hash(token: str) -> str:
    """What is stored of a status link's token (sha256 hex). A token is
    secrets.token_urlsafe(32): 256 random bits, so a plain hash is enough."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class FeedbackCaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def closed(self):
        return self.filter(state__in=CLOSED_STATES)

    def in_queues(self, organisations):
        return self.filter(queue__in=organisations)

    def not_spam(self):
        return self.exclude(state=CaseState.SPAM)

    def by_token(self, token: str):
        return self.filter(token_hash=token_hash(token))


class FeedbackCase(models.Model):
    # The queue: the support's NPO for the national text, the addition's region for an addition.
    # A case can be moved to another queue with a reason (CaseEvent "moved").
    queue = models.ForeignKey(
        Organisation,
        verbose_name=_("kö"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind__in": ["npo", "region"]},
        related_name="feedback_cases",
    )
    support = models.ForeignKey(
        Support, verbose_name=_("kunskapsstöd"), on_delete=models.PROTECT, related_name="feedback"
    )
    # The published edition the reader read when writing.
    edition = models.ForeignKey(
        Edition, verbose_name=_("version"), on_delete=models.PROTECT, related_name="feedback"
    )
    # Where in it: a section, a block of the national text (its stable uid, the same in every
    # edition), or a regional addition. All blank: the support as a whole.
    section_key = models.SlugField(_("avsnitt"), max_length=60, blank=True)
    block_uid = models.UUIDField(_("block"), null=True, blank=True)
    addition = models.ForeignKey(
        "regional.RegionalAddition",
        verbose_name=_("regionalt tillägg"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    # The place as the reader saw it ("Behandling – Rekommendation 3: Antikoagulation …"),
    # kept so that the case reads the same after the text under it has changed.
    place_label = models.CharField(_("plats"), max_length=300, blank=True)
    quoted_text = models.TextField(_("texten som synpunkten gäller"), blank=True)

    topic = models.CharField(_("vad gäller det"), max_length=20, choices=Topic.choices)
    # Plain text: stored exactly as written and always shown escaped, never as Markdown.
    body = models.TextField(_("synpunkt"), max_length=BODY_MAX)
    name = models.CharField(_("namn"), max_length=NAME_MAX, blank=True)
    profession = models.CharField(_("yrke"), max_length=PROFESSION_MAX, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    contact_removed_at = models.DateTimeField(
        _("kontaktuppgifter borttagna"), null=True, blank=True
    )

    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    state = models.CharField(
        _("status"), max_length=20, choices=CaseState.choices, default=CaseState.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handläggare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_feedback",
    )
    # "Tas om hand i kommande version": the edition it was marked for; when that edition is
    # published the case becomes IMPLEMENTED with closed_by_edition set and the reader is told.
    planned_for = models.ForeignKey(
        Edition,
        verbose_name=_("tas om hand i version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_feedback",
    )
    closed_by_edition = models.ForeignKey(
        Edition,
        verbose_name=_("åtgärdad i version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("dubblett av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    # The latest answer sent to the reader, shown on the status page (internal notes never are).
    public_answer = models.TextField(_("svar"), blank=True)
    answered_at = models.DateTimeField(_("besvarad"), null=True, blank=True)

    created_at = models.DateTimeField(_("inkommen"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)

    objects = FeedbackCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["queue", "state", "created_at"], name="feedback_queue_state_idx"),
            models.Index(fields=["support", "state"], name="feedback_support_state_idx"),
            models.Index(fields=["assignee", "state"], name="feedback_assignee_state_idx"),
            models.Index(fields=["state", "closed_at"], name="feedback_state_closed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[state.value for state in CaseState]),
                name="feedback_state_known",
            ),
            models.CheckConstraint(
                condition=Q(topic__in=[topic.value for topic in Topic]),
                name="feedback_topic_known",
            ),
            # Closed exactly when in a closed state: the retention clock needs closed_at.
            models.CheckConstraint(
                condition=(
                    Q(state__in=[s.value for s in CLOSED_STATES], closed_at__isnull=False)
                    | Q(state__in=[s.value for s in OPEN_STATES], closed_at__isnull=True)
                ),
                name="feedback_closed_at_consistent",
            ),
            models.CheckConstraint(
                condition=~Q(state="duplicate") | Q(duplicate_of__isnull=False),
                name="feedback_duplicate_names_original",
            ),
        ]
        verbose_name = _("synpunkt")
        verbose_name_plural = _("synpunkter")

    def __str__(self):
        return f"{self.reference} – {self.support}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:case", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        """The case's number as people say it: "SYN-00042"."""
        return f"SYN-{self.pk:05d}" if self.pk else "SYN-?"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_national(self) -> bool:
        return self.addition_id is None

    @property
    def has_contact(self) -> bool:
        return bool(self.name or self.profession or self.email)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Inkommen")
    STATE = "state", _("Ny status")
    ASSIGNED = "assigned", _("Handläggare")
    MOVED = "moved", _("Flyttad till annan kö")
    NOTE = "note", _("Intern anteckning")
    ANSWER = "answer", _("Svar till avsändaren")
    CONTACT_REMOVED = "contact_removed", _("Kontaktuppgifter borttagna")


class CaseEvent(models.Model):
    """One line of a case's history. Notes are internal; the reader's status page shows only
    the states and the answers."""

    case = models.ForeignKey(FeedbackCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The note, the answer, the reason for a move or a closing.
    text = models.TextField(blank=True)
    from_state = models.CharField(max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=CaseState.choices, blank=True)
    from_queue = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_queue = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edition = models.ForeignKey(
        Edition, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whether an answer went to the reader by e-mail.
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("händelse i ärende")
        verbose_name_plural = _("händelser i ärenden")
