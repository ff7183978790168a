"""What the authoring app's own workflow steps do besides moving the state, registered as
effects in AuthoringConfig.ready() like any other app's (see workflow.register_effect).

Each runs inside the step's transaction with the edition locked, already in its new state in
memory but not yet saved: a change to the edition's own fields is kept by the step's one
save; other rows are saved here."""

from datetime import date

from django.utils.translation import gettext as _

from .models import Edition, EditionTransition, SnapshotPurpose, Support
from .public_changes import announce_public_change
from .snapshots import publication_changes, snapshot_take
from .workflow_states import EditionState as S


def record_approval(*, edition: Edition, actor, data: dict, record: EditionTransition) -> None:
    """What exactly was approved, and when."""
    edition.approved_at = record.created_at


def cancel_planned_publication(
    *, edition: Edition, actor, data: dict, record: EditionTransition
) -> None:
    """A planned publication belongs to the approval it was made under: an edition that
    leaves "approved" (returned, abandoned, published now) leaves the plan behind too, or
    run_scheduled would publish it after the next approval without anyone choosing to."""
    if record.from_state == S.APPROVED:
        edition.scheduled_publish_at = None


def publish(*, edition: Edition, actor, data: dict, record: EditionTransition) -> None:
    """The previously published edition becomes superseded first (one published edition per
    support), then this one gets its dates and the support points at it."""
    previous = (
        Edition.objects.select_for_update()
        .filter(support_id=edition.support_id, state=S.PUBLISHED)
        .exclude(pk=edition.pk)
    )
    for old in previous:
        from_state = old.state
        old.state = S.SUPERSEDED
        old.state_changed_at = record.created_at
        old.lock_version += 1
        old.save(update_fields=["state", "state_changed_at", "lock_version"])
        EditionTransition.objects.create(
            edition=old,
            name="supersede",
            from_state=from_state,
            to_state=S.SUPERSEDED,
            actor=None,
            comment=_("Ersatt av version %(number)s.") % {"number": edition.number},
        )
    edition.published_at = record.created_at
    if data.get("next_review_date"):
        edition.next_review_date = date.fromisoformat(str(data["next_review_date"]))
    # The date of the last substantive change comes from the change tags, which the
    # publication snapshot gets in freeze_published_text, registered after this effect.
    Support.objects.filter(pk=edition.support_id).update(
        current_published_edition=edition, working_edition=None
    )
    announce_public_change(support_id=edition.support_id, reason="published")


def withdraw(*, edition: Edition, actor, data: dict, record: EditionTransition) -> None:
    """Readers no longer see it: the support has no published edition until the next."""
    Support.objects.filter(pk=edition.support_id, current_published_edition=edition).update(
        current_published_edition=None
    )
    announce_public_change(support_id=edition.support_id, reason="withdrawn")


def freeze_sent_text(*, edition: Edition, actor, data: dict, record: EditionTransition) -> None:
    """What the recipients read and comment on is the text as it stood when the round
    opened, whatever happens to the live blocks later."""
    snapshot_take(
        edition=edition, purpose=SnapshotPurpose.CONSULTATION, transition=record, actor=actor
    )


def freeze_published_text(
    *, edition: Edition, actor, data: dict, record: EditionTransition
) -> None:
    """Readers, the API and regional additions read the published snapshot only. Taking it
    tags each block against the publication before (snapshots.py), and those tags date the
    edition's last substantive change: now, if a block is new, changed in substance or
    removed (or this is the first publication); else the date the replaced edition had.
    That holds for minor and major editions alike: the kind decides the way to publication
    (a minor one may skip the remiss), the blocks decide what readers are told changed."""
    snapshot = snapshot_take(
        edition=edition, purpose=SnapshotPurpose.PUBLICATION, transition=record, actor=actor
    )
    changes = publication_changes(snapshot)
    if changes.substantive:
        edition.last_substantive_change_at = record.created_at
    else:
        replaced = changes.previous.edition
        edition.last_substantive_change_at = (
            replaced.last_substantive_change_at or replaced.published_at or record.created_at
        )
