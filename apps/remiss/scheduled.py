"""Periodic work of the remiss: close rounds whose closing date has passed."""

from django.utils import timezone

from apps.authoring import workflow

from .models import Consultation


def close_due_consultations() -> str:
    """Idempotent and safe to run twice at once (see publish_due_editions)."""
    due = (
        Consultation.objects.past_closing_date(timezone.localdate())
        .filter(edition__state="in_consultation")
        .values_list("edition_id", "edition__lock_version")
        .distinct()
    )
    closed = 0
    for edition_id, lock_version in due:
        try:
            workflow.edition_transition(
                actor=None,
                edition=workflow.Edition(pk=edition_id),
                name="close_consultation",
                lock_version=lock_version,
                comment="Stängd automatiskt efter sista svarsdag.",
            )
        except (workflow.TransitionConflict, workflow.TransitionRefused):
            continue
        closed += 1
    return f"{closed} stängda"
