"""The one way to write the audit log. Every service calls `record()` inside its own
transaction, so an action that rolls back leaves no entry behind."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry

# Swedish labels for the actions, shown in the audit log and on a user's page. Apps add
# their own actions with `register_actions()` from their AppConfig.ready().
ACTION_LABELS: dict[str, str] = {}


def register_actions(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def record(
    *,
    actor,
    action: str,
    obj=None,
    subject_user=None,
    scope: str = "",
    details: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False)
        if obj is not None
        else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        subject_user=subject_user,
        scope=str(scope)[:200],
        details=details or {},
    )


def _shown(value):
    """A value as the audit log keeps it: JSON-friendly, objects by their name."""
    if value is None:
        return ""
    return value if isinstance(value, str | int | float | bool) else str(value)


def apply_changes(obj, values: dict) -> dict:
    """Set `values` on `obj` and return what changed as {field: [before, after]}, ready for
    an audit entry's details. The caller saves (with update_fields=list(values))."""
    changes = {}
    for field, value in values.items():
        before = getattr(obj, field)
        if before != value:
            changes[field] = [_shown(before), _shown(value)]
            setattr(obj, field, value)
    return changes
