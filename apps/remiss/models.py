"""Consultation rounds (remiss / synpunktsinhämtning) of one exact edition. The answers,
anchored comments and responses come with the remiss issue; this is the round itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organisation
from apps.authoring.models import Edition


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
        Organisation, verbose_name=_("mottagare"), related_name="consultations"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
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
