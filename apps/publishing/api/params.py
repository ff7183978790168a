"""Reading the API's parameters: every malformed value is refused with 400 and a Swedish
message that names the parameter, before anything reaches the database (a NUL byte or an
absurd date must never become a database error, that is, a 500)."""

import re
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

CODE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
DIAGNOSIS_PATTERN = r"^[A-Za-z][0-9]{0,2}(?:\.[0-9A-Za-z]{0,4})?$"
VERSION_PATTERN = r"^[0-9]{1,6}\.[0-9]{1,6}$"
# A support's address: its slug (lower case) or its code (KS-0003), both as Django slugs.
SLUG_PATTERN = r"^[-A-Za-z0-9_]{1,200}$"
SUPPORT_CODE = re.compile(r"^[A-Z]{2}-[0-9]{1,8}$")

# No support was published before 1900 nor will be after 9000: clamping there keeps
# the comparison in the database's range whatever offset the date carries.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(parameter, message)
        self.parameter = parameter
        self.message = message


def parse_since(value: str | None, parameter: str = "updated_since") -> datetime | None:
    """An ISO 8601 date or date and time. A date means midnight Swedish time, as does a time
    without an offset. A `+` sent unencoded in a query string arrives as a space."""
    if value is None:
        return None
    text = value.strip().upper()
    if len(text) > 64:
        raise BadParameter(parameter, _("Får vara högst 64 tecken."))
    if re.search(r"[T ]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)? \d{2}(?::?\d{2})?$", text):
        text = text[: text.rindex(" ")] + "+" + text[text.rindex(" ") + 1 :]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadParameter(
            parameter,
            _(
                "Ska vara ett datum eller en tidpunkt enligt ISO 8601, till exempel "
                "2026-03-01 eller 2026-03-01T08:00:00+01:00."
            ),
        ) from None
    if moment.year < EARLIEST.year:
        return EARLIEST
    if moment.year >= LATEST.year:
        return LATEST
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment.astimezone(UTC)


def parse_version(value: str) -> tuple[int, int]:
    if not re.fullmatch(VERSION_PATTERN, value):
        raise BadParameter("version", _("Ska vara ett versionsnummer som 1.0 eller 2.1."))
    major, minor = value.split(".")
    return int(major), int(minor)


def is_support_code(value: str) -> bool:
    return bool(SUPPORT_CODE.fullmatch(value))
