"""Scheduling arithmetic: session days, the user's local date, time zone names, plan weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.engine.schedule import (
    Frequency,
    is_session_day,
    local_date,
    session_day_mask,
    session_days,
    validate_time_zone,
    week_of,
)

MONDAY = date(2024, 1, 1)
THURSDAY = date(2024, 1, 4)


def test_daily_is_every_day_from_the_start() -> None:
    days = session_days(MONDAY, MONDAY - timedelta(days=3), date(2024, 1, 4), Frequency.DAILY)
    assert days == [date(2024, 1, n) for n in range(1, 5)]


def test_every_other_day_counts_from_the_plan_start() -> None:
    days = session_days(THURSDAY, date(2024, 1, 1), date(2024, 1, 12), Frequency.EVERY_OTHER_DAY)
    assert days == [date(2024, 1, n) for n in (4, 6, 8, 10, 12)]
    assert is_session_day(THURSDAY, date(2024, 1, 6), Frequency.EVERY_OTHER_DAY)
    assert not is_session_day(THURSDAY, date(2024, 1, 7), Frequency.EVERY_OTHER_DAY)
    assert not is_session_day(THURSDAY, date(2024, 1, 2), Frequency.EVERY_OTHER_DAY)


def test_three_per_week_is_monday_wednesday_friday() -> None:
    days = session_days(MONDAY, MONDAY, date(2024, 1, 14), Frequency.THREE_PER_WEEK)
    assert [d.strftime("%a %d") for d in days] == [
        "Mon 01",
        "Wed 03",
        "Fri 05",
        "Mon 08",
        "Wed 10",
        "Fri 12",
    ]


def test_three_per_week_starts_on_the_first_of_them_after_the_plan_start() -> None:
    days = session_days(THURSDAY, MONDAY, date(2024, 1, 8), Frequency.THREE_PER_WEEK)
    assert days == [date(2024, 1, 5), date(2024, 1, 8)]
    assert not is_session_day(THURSDAY, date(2024, 1, 3), Frequency.THREE_PER_WEEK)


def test_session_days_is_empty_when_last_is_before_first() -> None:
    assert session_days(MONDAY, date(2024, 1, 9), date(2024, 1, 8), Frequency.DAILY) == []


def test_session_days_includes_both_ends() -> None:
    assert session_days(MONDAY, MONDAY, MONDAY, Frequency.DAILY) == [MONDAY]


def test_frequency_values_are_the_stored_strings() -> None:
    assert Frequency("every_other_day") is Frequency.EVERY_OTHER_DAY
    assert [f.value for f in Frequency] == ["daily", "every_other_day", "three_per_week"]


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2024, 3, 10, 18, 29, tzinfo=UTC), date(2024, 3, 10)),  # 23:59 in Kolkata
        (datetime(2024, 3, 10, 18, 30, tzinfo=UTC), date(2024, 3, 11)),  # 00:00 in Kolkata
    ],
)
def test_local_date_around_midnight_in_kolkata(utc: datetime, expected: date) -> None:
    assert local_date(utc, "Asia/Kolkata") == expected


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2024, 1, 15, 4, 59, tzinfo=UTC), date(2024, 1, 14)),  # 23:59 EST
        (datetime(2024, 1, 15, 5, 0, tzinfo=UTC), date(2024, 1, 15)),  # 00:00 EST
        (datetime(2024, 7, 15, 3, 59, tzinfo=UTC), date(2024, 7, 14)),  # 23:59 EDT
        (datetime(2024, 7, 15, 4, 0, tzinfo=UTC), date(2024, 7, 15)),  # 00:00 EDT
    ],
)
def test_local_date_around_midnight_in_new_york(utc: datetime, expected: date) -> None:
    assert local_date(utc, "America/New_York") == expected


def test_local_date_rejects_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="time zone"):
        local_date(datetime(2024, 1, 15, 12, 0), "Europe/Berlin")


def test_local_date_rejects_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="not an IANA time zone name"):
        local_date(datetime(2024, 1, 15, 12, 0, tzinfo=UTC), "Mars/Olympus")


@pytest.mark.parametrize("name", ["Europe/Berlin", "Asia/Kolkata", "America/New_York", "UTC"])
def test_validate_time_zone_accepts_iana_names(name: str) -> None:
    assert validate_time_zone(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "Mars/Olympus",
        "",
        "../etc/passwd",
        "/etc/localtime",
        "/usr/share/zoneinfo/Europe/Berlin",
        "Europe/../Europe/Berlin",
        "Europe",
        "Europe/Berlin ",
        "zone.tab",
    ],
)
def test_validate_time_zone_rejects_anything_else(name: str) -> None:
    with pytest.raises(ValueError, match=r"is not an IANA time zone name, e\.g\. Europe/Berlin"):
        validate_time_zone(name)


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (MONDAY, 1),
        (date(2024, 1, 7), 1),
        (date(2024, 1, 8), 2),
        (date(2024, 1, 29), 5),
        (date(2023, 12, 31), 0),
    ],
)
def test_week_of_counts_seven_day_weeks_from_the_start(day: date, week: int) -> None:
    assert week_of(MONDAY, day) == week


def test_session_day_mask_sets_a_bit_per_session_day_from_the_origin() -> None:
    # Every other day from Monday 1 January: the 1st, 3rd, 5th...; bits counted from 31 Dec.
    mask = session_day_mask(
        MONDAY, MONDAY, MONDAY + timedelta(days=5), Frequency.EVERY_OTHER_DAY, date(2023, 12, 31)
    )
    assert mask == 0b1010_10
    assert (
        session_day_mask(MONDAY, MONDAY, MONDAY - timedelta(days=1), Frequency.DAILY, MONDAY) == 0
    )
    with pytest.raises(ValueError):
        session_day_mask(MONDAY, THURSDAY, THURSDAY, Frequency.DAILY, THURSDAY + timedelta(days=1))


def session_day_count(plan_start: date, first: date, last: date, frequency: Frequency) -> int:
    """How many session days the mask counts from `first` to `last`."""
    return session_day_mask(plan_start, first, last, frequency, min(first, plan_start)).bit_count()


def test_session_day_count_of_three_per_week_over_two_weeks() -> None:
    assert (
        session_day_count(MONDAY, MONDAY, MONDAY + timedelta(days=13), Frequency.THREE_PER_WEEK)
        == 6
    )
    # Before the plan starts nothing is due.
    assert session_day_count(THURSDAY, MONDAY, THURSDAY, Frequency.DAILY) == 1


@given(
    start=st.dates(date(2023, 1, 1), date(2025, 12, 31)),
    first_offset=st.integers(-40, 40),
    length=st.integers(-3, 120),
    back=st.integers(0, 10),
    frequency=st.sampled_from(list(Frequency)),
)
def test_mask_and_count_match_session_days(
    start: date, first_offset: int, length: int, back: int, frequency: Frequency
) -> None:
    first = start + timedelta(days=first_offset)
    last = first + timedelta(days=length)
    origin = max(first, start) - timedelta(days=back)
    days = session_days(start, first, last, frequency)
    mask = session_day_mask(start, first, last, frequency, origin)
    assert [origin + timedelta(days=k) for k in range(mask.bit_length()) if mask >> k & 1] == days
    assert session_day_count(start, first, last, frequency) == len(days)


@pytest.mark.parametrize(
    "typed", ["+7:30", "\u0660\u0667:\u0663\u0660", "7:30", "07:3", "07:30:00", " 07:30"]
)
def test_a_time_of_day_is_two_ascii_digits_colon_two(typed: str) -> None:
    from django.core.exceptions import ValidationError

    from planner.plans.reminders import local_time_from_text

    with pytest.raises(ValidationError, match="HH:MM"):
        local_time_from_text(typed)
