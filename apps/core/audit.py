"""The one way to write the audit log. Every service calls `record()` inside its own
transaction, so an action that rolls back leaves no entry behind."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

from .models import AuditEntry

# Swedish labels for the actions, shown in the audit log and on a user's page. Apps add
# their own actions with `register_actions()` from their AppConfig.ready().
ACTION_LABELS: dict[str, str] = {}


def register_actions(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


# Details keys that are not a field of the entry's object, with their Swedish labels. A key
# with no label here and no field on the object is internal (a block uid, a role key) and is
# not shown.
DETAIL_LABELS: dict[str, str] = {
    "role_label": "Roll",
    "reason": "Anledning",
    "name": "Namn",
    "comment": "Kommentar",
    "from": "Från",
    "to": "Till",
}

# Where an action's details name a field of another model than the entry's object (a block
# added is recorded on its edition), the app says which field: {action: {key: model field}}.
DETAIL_FIELDS: dict[str, dict] = {}


def register_detail_fields(action: str, fields: dict) -> None:
    DETAIL_FIELDS.setdefault(action, {}).update(fields)


def _detail_field(entry, key: str):
    field = DETAIL_FIELDS.get(entry.action, {}).get(key)
    if field is not None:
        return field
    # get_for_id is served from ContentType's cache: no query per row of the log.
    model = (
        ContentType.objects.get_for_id(entry.content_type_id).model_class()
        if entry.content_type_id
        else None
    )
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def _value_shown(value, field) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def details_shown(entry) -> list[tuple[str, str]]:
    """An entry's details as people read them: (Swedish label, value) pairs, field names by
    their verbose_name, choice values by their label, a change as "before → after"."""
    shown = []
    for key, value in (entry.details or {}).items():
        field = _detail_field(entry, key)
        label = str(field.verbose_name) if field is not None else DETAIL_LABELS.get(key)
        if label is None:
            continue
        if isinstance(value, list) and len(value) == 2:
            text = f"{_value_shown(value[0], field)} → {_value_shown(value[1], field)}"
        else:
            text = _value_shown(value, field)
        # PostgreSQL's jsonb keeps no key order: the model's field order is the one order
        # that reads the same on both databases (unknown fields after the model's own).
        order = field.creation_counter if field is not None else float("inf")
        shown.append((order, key, capfirst(label), text))
    return [(label, text) for _, _, label, text in sorted(shown, key=lambda row: row[:2])]


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
