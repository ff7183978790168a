"""The remiss calendar: national remiss opens in four fixed windows a year, the lighter
synpunktsinhämtning (regions only) in eight. A window that would start on a weekend or a
Swedish holiday starts on the next working day; one that would end on one ends on the working
day before, so that no region's deadline falls on a day nobody is at work.

Holidays come from the maintained `holidays` package: the public holidays and the de facto
ones (midsommarafton, julafton, nyårsafton), which Swedish workplaces keep as days off."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from .models import ConsultationKind

# (start month, start day, end month, end day); an end before the start is in the next year.
NOMINAL_WINDOWS = {
    ConsultationKind.REMISS: ((2, 15, 4, 14), (4, 15, 6, 14), (9, 15, 11, 14), (11, 15, 2, 14)),
    ConsultationKind.FEEDBACK_ROUND: (
        (2, 1, 3, 1),
        (3, 1, 3, 29),
        (4, 1, 4, 29),
        (5, 2, 5, 30),
        (9, 1, 9, 29),
        (10, 1, 10, 29),
        (11, 1, 11, 29),
        (12, 1, 1, 29),
    ),
}


@lru_cache(maxsize=16)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.Sweden(
        years=year, include_sundays=False, categories=("public", "de_facto"), language="sv"
    )


def holiday_name(day: date) -> str | None:
    return _holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def previous_working_day(day: date) -> date:
    """The day itself if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class Window:
    kind: str
    opens_on: date
    closes_on: date

    @property
    def key(self) -> str:
        """Stable form value: the nominal opening date moves, the key of the window does not."""
        return f"{self.opens_on.isoformat()}_{self.closes_on.isoformat()}"

    @property
    def days(self) -> int:
        return (self.closes_on - self.opens_on).days + 1

    def __str__(self) -> str:
        return _("%(opens)s – %(closes)s") % {
            "opens": formats.date_format(self.opens_on, "j F Y"),
            "closes": formats.date_format(self.closes_on, "j F Y"),
        }


def windows_of_year(kind: str, year: int) -> list[Window]:
    """The windows of a kind that open in the given year, in order."""
    result = []
    for start_month, start_day, end_month, end_day in NOMINAL_WINDOWS[kind]:
        start = date(year, start_month, start_day)
        end_year = year + 1 if (end_month, end_day) < (start_month, start_day) else year
        end = date(end_year, end_month, end_day)
        result.append(Window(kind, next_working_day(start), previous_working_day(end)))
    return result


def coming_windows(kind: str, today: date, count: int = 4) -> list[Window]:
    """The next `count` windows of a kind that have not opened yet (today counts)."""
    found: list[Window] = []
    year = today.year
    while len(found) < count:
        found += [w for w in windows_of_year(kind, year) if w.opens_on >= today]
        year += 1
    return found[:count]


def window_for(kind: str, day: date) -> Window | None:
    """The window of a kind that is open on a given day, if any."""
    for year in (day.year - 1, day.year):
        for window in windows_of_year(kind, year):
            if window.opens_on <= day <= window.closes_on:
                return window
    return None


def minimum_days() -> int:
    return getattr(settings, "REMISS_MINIMUM_DAYS", 28)


def manual_dates_problems(opens_on: date, closes_on: date) -> dict[str, str]:
    """Why dates set by hand cannot be used, per field (empty when they can)."""
    problems = {}
    if not is_working_day(closes_on):
        name = holiday_name(closes_on)
        problems["closes_on"] = (
            _("Sista svarsdag får inte vara en helgdag (%(name)s).") % {"name": name}
            if name
            else _("Sista svarsdag får inte vara en lördag eller söndag.")
        )
    elif (closes_on - opens_on).days + 1 < minimum_days():
        problems["closes_on"] = _("Remisstiden måste vara minst %(days)s dagar.") % {
            "days": minimum_days()
        }
    return problems
