"""Consultation rounds (remiss / synpunktsinhämtning) of one exact edition: who was asked
(Recipient), what each recipient answered (Answer, with Comments anchored to a block of the
snapshot that went out), and what the authors did with each comment (Response)."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.accounts.models import Organisation
from apps.authoring.models import Edition, Snapshot, SnapshotBlock


def _random_upload_name(instance, filename: str) -> str:
    """Stored under a random name: the uploader's file name is kept apart (for the download's
    Content-Disposition) and never becomes a path on disk."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"remiss/{uuid.uuid4().hex}{suffix}"


class ConsultationKind(models.TextChoices):
    REMISS = "remiss", _("Remiss")
    FEEDBACK_ROUND = "synpunktsinhamtning", _("Synpunktsinhämtning")


class ConsultationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def past_closing_date(self, today):
        return self.open().filter(closes_on__lt=today)


class Consultation(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="consultations")
    kind = models.CharField(_("typ"), max_length=30, choices=ConsultationKind.choices)
    closes_on = models.DateField(_("sista svarsdag"))
    recipients = models.ManyToManyField(
        Organisation,
        verbose_name=_("mottagare"),
        related_name="consultations",
        through="Recipient",
        through_fields=("consultation", "organisation"),
    )
    # What went out: the frozen text, the cover letter, the national impact statement.
    snapshot = models.ForeignKey(
        Snapshot, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    opens_on = models.DateField(_("öppnar"), null=True, blank=True)
    # Dates set by hand instead of a window of the calendar need a reason on record.
    dates_reason = models.TextField(_("motivering till egna datum"), blank=True)
    cover_letter = models.TextField(_("följebrev"), blank=True)
    impact_statement = models.FileField(
        _("konsekvensbeskrivning"), upload_to=_random_upload_name, blank=True, max_length=200
    )
    impact_statement_name = models.CharField(max_length=200, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    # When the recipients were told: at opening, or on the opening day of a later window.
    announced_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            # One open round per edition: a second "open" of the same edition cannot slip in.
            models.UniqueConstraint(
                fields=["edition"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_consultation_per_edition",
            )
        ]
        verbose_name = _("remissomgång")
        verbose_name_plural = _("remissomgångar")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.edition}"


class RecipientStatus(models.TextChoices):
    INVITED = "invited", _("Inbjuden")
    DRAFTING = "drafting", _("Skriver svar")
    SUBMITTED = "submitted", _("Har svarat")
    DECLINED = "declined", _("Avstår")
    # Not stored: shown for an invited or drafting recipient past its closing date.
    LATE = "late", _("Sen")


STORED_RECIPIENT_STATUSES = [
    (value, label) for value, label in RecipientStatus.choices if value != RecipientStatus.LATE
]


class Recipient(models.Model):
    """One organisation asked in one round, with its status and any extension."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="recipient_rows"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="recipient_rows"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=STORED_RECIPIENT_STATUSES,
        default=RecipientStatus.INVITED,
    )
    declined_reason = models.TextField(_("skäl att avstå"), blank=True)
    extended_until = models.DateField(_("förlängd till"), null=True, blank=True)
    extension_reason = models.TextField(_("skäl till förlängning"), blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extended_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["consultation", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation"], name="one_recipient_row_per_round"
            )
        ]
        verbose_name = _("remissinstans")
        verbose_name_plural = _("remissinstanser")

    def __str__(self):
        return f"{self.organisation} – {self.consultation}"

    @property
    def closes_on(self):
        """This recipient's last day: the round's, or its extension."""
        return self.extended_until or self.consultation.closes_on


class ReminderSent(models.Model):
    """One reminder e-mail to one recipient, so the periodic command sends each only once."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    # The closing date the reminder was about: an extension earns new reminders.
    closes_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "days_before", "closes_on"], name="one_reminder_per_day"
            )
        ]


class Position(models.TextChoices):
    YES = "yes", _("Ja, ställer sig bakom förslaget")
    YES_WITH_RESERVATIONS = "yes_with_reservations", _("Ja, med reservationer")
    NO = "no", _("Nej, ställer sig inte bakom förslaget")


class AmbitionAnswer(models.TextChoices):
    REALISTIC = "realistic", _("Ja, realistisk för de flesta regioner här och nu")
    NOT_REALISTIC = "not_realistic", _("Nej, inte realistisk här och nu")


class Answer(models.Model):
    """A recipient's one consolidated answer. Written together in draft (lock_version keeps
    two writers from overwriting each other); once submitted it never changes again, which
    the database enforces as well."""

    recipient = models.OneToOneField(Recipient, on_delete=models.PROTECT, related_name="answer")
    position = models.CharField(
        _("ställer sig bakom förslaget"), max_length=30, choices=Position.choices, blank=True
    )
    position_motivation = models.TextField(_("motivering"), blank=True)
    ambition = models.CharField(
        _("ambitionsnivå"), max_length=20, choices=AmbitionAnswer.choices, blank=True
    )
    ambition_motivation = models.TextField(_("motivering om ambitionsnivån"), blank=True)
    general_comment = models.TextField(_("övergripande synpunkter"), blank=True)
    impact_statement = models.FileField(
        _("regionens konsekvensbeskrivning"),
        upload_to=_random_upload_name,
        blank=True,
        max_length=200,
    )
    impact_statement_name = models.CharField(max_length=200, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("inskickat"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("remissvar")
        verbose_name_plural = _("remissvar")

    def __str__(self):
        return f"{_('Remissvar')}: {self.recipient.organisation}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class CommentType(models.TextChoices):
    MEDICAL = "medical", _("Medicinskt innehåll")
    EDITORIAL = "editorial", _("Redaktionellt")
    AMBITION = "ambition", _("Ambitionsnivå")
    IMPLEMENTATION = "implementation", _("Införande och konsekvenser")


class Comment(models.Model):
    """A comment in an answer, anchored to one block of the snapshot that went out, and
    optionally to a passage the reader selected in it (the quote and where it starts in the
    block's text, so it can be found again even if the same words occur twice)."""

    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="comments")
    snapshot_block = models.ForeignKey(
        SnapshotBlock, on_delete=models.PROTECT, related_name="remiss_comments"
    )
    # The block's uid, kept here so that later editions find "their" comments by uid.
    block_uid = models.UUIDField(db_index=True)
    quote = models.TextField(_("citerat stycke"), blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(_("typ av synpunkt"), max_length=20, choices=CommentType.choices)
    text = models.TextField(_("synpunkt"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["answer", "created_at", "id"]
        verbose_name = _("synpunkt i remissvar")
        verbose_name_plural = _("synpunkter i remissvar")

    def __str__(self):
        return self.text[:60]


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Tillgodosedd")
    PARTLY = "partly", _("Delvis tillgodosedd")
    NOT_ACCEPTED = "not_accepted", _("Inte tillgodosedd")


class Response(models.Model):
    """What the authors did with one comment (bemötande), and where it was applied."""

    comment = models.OneToOneField(Comment, on_delete=models.PROTECT, related_name="response")
    decision = models.CharField(_("beslut"), max_length=20, choices=Decision.choices)
    motivation = models.TextField(_("motivering"))
    # A block of the edition under revision where the change was made (same uid across
    # editions), if any.
    applied_block_uid = models.UUIDField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bemötande")
        verbose_name_plural = _("bemötanden")

    def __str__(self):
        return f"{self.get_decision_display()}: {self.comment}"
