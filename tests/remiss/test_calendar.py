"""The remiss calendar against dates checked by hand in a wall calendar for 2026 and 2027."""

from datetime import date

import pytest

from apps.remiss import calendar
from apps.remiss.models import ConsultationKind

REMISS = ConsultationKind.REMISS
FEEDBACK = ConsultationKind.FEEDBACK_ROUND

# Checked by hand: weekday, and the Swedish holidays of the year (Easter, Midsummer, Christmas …).
HAND_CHECKED = {
    (REMISS, 2026): [
        ("2026-02-16", "2026-04-14"),  # 15 Feb is a Sunday
        ("2026-04-15", "2026-06-12"),  # 14 Jun is a Sunday
        ("2026-09-15", "2026-11-13"),  # 14 Nov is a Saturday
        ("2026-11-16", "2027-02-12"),  # 15 Nov a Sunday, 14 Feb 2027 a Sunday
    ],
    (REMISS, 2027): [
        ("2027-02-15", "2027-04-14"),
        ("2027-04-15", "2027-06-14"),
        ("2027-09-15", "2027-11-12"),  # 14 Nov is a Sunday
        ("2027-11-15", "2028-02-14"),
    ],
    (FEEDBACK, 2026): [
        ("2026-02-02", "2026-02-27"),  # 1 Feb and 1 Mar are Sundays
        ("2026-03-02", "2026-03-27"),  # 1 Mar and 29 Mar are Sundays
        ("2026-04-01", "2026-04-29"),
        ("2026-05-04", "2026-05-29"),  # 2 May and 30 May are Saturdays
        ("2026-09-01", "2026-09-29"),
        ("2026-10-01", "2026-10-29"),
        ("2026-11-02", "2026-11-27"),  # 1 Nov and 29 Nov are Sundays
        ("2026-12-01", "2027-01-29"),
    ],
    (FEEDBACK, 2027): [
        ("2027-02-01", "2027-03-01"),
        ("2027-03-01", "2027-03-25"),  # 29 Mar is Easter Monday, 26 Mar Good Friday
        ("2027-04-01", "2027-04-29"),
        ("2027-05-03", "2027-05-28"),  # 2 May and 30 May are Sundays
        ("2027-09-01", "2027-09-29"),
        ("2027-10-01", "2027-10-29"),
        ("2027-11-01", "2027-11-29"),
        ("2027-12-01", "2028-01-28"),  # 29 Jan 2028 is a Saturday
    ],
}


@pytest.mark.parametrize("kind, year", sorted(HAND_CHECKED), ids=lambda v: str(v))
def test_windows_of_the_year_match_the_hand_checked_dates(kind, year):
    windows = calendar.windows_of_year(kind, year)
    assert [(w.opens_on.isoformat(), w.closes_on.isoformat()) for w in windows] == HAND_CHECKED[
        (kind, year)
    ]


@pytest.mark.parametrize(
    "day, working",
    [
        ("2026-04-03", False),  # Långfredagen
        ("2026-04-06", False),  # Annandag påsk
        ("2026-04-07", True),
        ("2026-06-19", False),  # Midsommarafton (a de facto holiday)
        ("2026-06-18", True),
        ("2026-12-24", False),  # Julafton
        ("2026-12-25", False),  # Juldagen
        ("2026-12-28", True),
        ("2026-12-31", False),  # Nyårsafton
        ("2027-01-06", False),  # Trettondedag jul
        ("2027-05-06", False),  # Kristi himmelsfärdsdag
        ("2027-06-25", False),  # Midsommarafton 2027
        ("2026-11-28", False),  # a Saturday
        ("2026-11-27", True),
    ],
)
def test_working_days_follow_the_swedish_holidays(day, working):
    assert calendar.is_working_day(date.fromisoformat(day)) is working


def test_a_start_on_a_holiday_moves_forward_and_an_end_moves_back():
    # Christmas 2026: Thursday 24 to Sunday 27 December are all days off.
    assert calendar.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert calendar.previous_working_day(date(2026, 12, 27)) == date(2026, 12, 23)
    # Easter 2027: Good Friday 26 March to Easter Monday 29 March.
    assert calendar.previous_working_day(date(2027, 3, 29)) == date(2027, 3, 25)
    assert calendar.next_working_day(date(2027, 3, 26)) == date(2027, 3, 30)
    # Midsummer 2027: Friday 25 (eve) and Saturday 26 June.
    assert calendar.previous_working_day(date(2027, 6, 26)) == date(2027, 6, 24)


def test_coming_windows_start_today_or_later_and_cross_the_year():
    coming = calendar.coming_windows(REMISS, date(2026, 10, 1), count=3)
    assert [(w.opens_on, w.closes_on) for w in coming] == [
        (date(2026, 11, 16), date(2027, 2, 12)),
        (date(2027, 2, 15), date(2027, 4, 14)),
        (date(2027, 4, 15), date(2027, 6, 14)),
    ]
    assert calendar.coming_windows(FEEDBACK, date(2026, 12, 1), count=1)[0].opens_on == date(
        2026, 12, 1
    )


def test_the_window_open_on_a_day_is_found_across_new_year():
    window = calendar.window_for(REMISS, date(2027, 1, 10))
    assert (window.opens_on, window.closes_on) == (date(2026, 11, 16), date(2027, 2, 12))
    assert calendar.window_for(REMISS, date(2026, 7, 1)) is None


@pytest.mark.parametrize(
    "opens, closes, field_message",
    [
        ("2026-11-02", "2026-12-25", "helgdag (Juldagen)"),
        ("2026-11-02", "2026-12-26", "helgdag (Annandag jul)"),
        ("2026-11-02", "2026-12-19", "lördag eller söndag"),
        ("2026-11-02", "2026-11-20", "minst 28 dagar"),
    ],
)
def test_dates_set_by_hand_may_not_end_on_a_day_off_nor_be_too_short(opens, closes, field_message):
    problems = calendar.manual_dates_problems(date.fromisoformat(opens), date.fromisoformat(closes))
    assert field_message in problems["closes_on"]


def test_dates_set_by_hand_that_follow_the_rules_pass(settings):
    assert calendar.manual_dates_problems(date(2026, 11, 2), date(2026, 12, 23)) == {}
    settings.REMISS_MINIMUM_DAYS = 60
    assert (
        "minst 60 dagar"
        in calendar.manual_dates_problems(date(2026, 11, 2), date(2026, 12, 23))["closes_on"]
    )
