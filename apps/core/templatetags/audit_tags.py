from django import template

from apps.core.audit import action_label as _action_label

register = template.Library()

# Details keys shown to people, with their Swedish labels; other keys are internal.
DETAIL_LABELS = {
    "role_label": "Roll",
    "reason": "Anledning",
    "full_name": "Namn",
    "profession": "Yrke",
    "home_organisation": "Hemorganisation",
    "name": "Namn",
    "short_name": "Kort namn",
    "parent": "Sjukvårdsregion",
    "is_active": "Aktiv",
    "kind": "Typ",
    "code": "Kod",
    "comment": "Kommentar",
    "from": "Från",
    "to": "Till",
}


@register.filter
def action_label(action: str) -> str:
    return _action_label(action)


@register.filter
def audit_details(details: dict) -> str:
    parts = []
    for key, value in (details or {}).items():
        label = DETAIL_LABELS.get(key)
        if label is None:
            continue
        if isinstance(value, list) and len(value) == 2:
            value = f"{value[0] or '–'} → {value[1] or '–'}"
        parts.append(f"{label}: {value}")
    return "; ".join(parts)
