"""Periodic work of the workflow: publish approved editions whose time has come."""

from django.utils import timezone

from . import workflow
from .models import Edition
from .workflow_states import EditionState


def publish_due_editions() -> str:
    """Idempotent and safe to run twice at once: each edition is published through
    `edition_transition` with the lock_version read here, so a second runner that reaches
    the same edition gets a conflict (or a refusal) and leaves it alone."""
    due = Edition.objects.filter(
        state=EditionState.APPROVED, scheduled_publish_at__lte=timezone.now()
    ).values_list("pk", "lock_version")
    published = 0
    for pk, lock_version in due:
        try:
            workflow.edition_transition(
                actor=None,
                edition=Edition(pk=pk),
                name="publish",
                lock_version=lock_version,
                comment="Publicerad enligt plan.",
            )
        except (workflow.TransitionConflict, workflow.TransitionRefused):
            continue
        published += 1
    return f"{published} publicerade"
