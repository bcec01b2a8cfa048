"""Scheduling arithmetic: session days, the user's local date, time zone names, plan weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.engine.schedule import (
    Frequency,
    FrequencySpan,
    frequency_changed,
    frequency_on,
    frequency_spans,
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


# --- Frequencies changed by a therapist ---------------------------------------------------------

DAILY, OTHER, THREE = Frequency.DAILY, Frequency.EVERY_OTHER_DAY, Frequency.THREE_PER_WEEK


def jan(n: int) -> date:
    return date(2024, 1, n)


def test_each_day_keeps_the_frequency_in_force_then() -> None:
    # Every other day until the 8th, three a week from the 8th, every day from the 15th.
    earlier = [(jan(8), OTHER), (jan(15), THREE)]

    assert [frequency_on(jan(n), DAILY, earlier) for n in (1, 7, 8, 14, 15, 30)] == [
        OTHER,
        OTHER,
        THREE,
        THREE,
        DAILY,
        DAILY,
    ]
    assert frequency_on(jan(1), DAILY) is DAILY
    assert frequency_spans(jan(3), jan(20), DAILY, earlier) == [
        FrequencySpan(jan(3), jan(7), OTHER),
        FrequencySpan(jan(8), jan(14), THREE),
        FrequencySpan(jan(15), jan(20), DAILY),
    ]


def test_spans_cover_only_the_days_asked_for() -> None:
    earlier = [(jan(8), OTHER), (jan(15), THREE)]

    assert frequency_spans(jan(9), jan(12), DAILY, earlier) == [
        FrequencySpan(jan(9), jan(12), THREE)
    ]
    assert frequency_spans(jan(1), jan(7), DAILY, earlier) == [FrequencySpan(jan(1), jan(7), OTHER)]
    assert frequency_spans(jan(16), jan(18), DAILY, earlier) == [
        FrequencySpan(jan(16), jan(18), DAILY)
    ]
    assert frequency_spans(jan(5), jan(4), DAILY, earlier) == []
    assert frequency_spans(jan(1), jan(3), DAILY) == [FrequencySpan(jan(1), jan(3), DAILY)]


def test_changes_stack_with_the_days_before_each_kept() -> None:
    once = frequency_changed([], OTHER, jan(8), THREE)
    twice = frequency_changed(once, THREE, jan(15), DAILY)

    assert once == [(jan(8), OTHER)]
    assert twice == [(jan(8), OTHER), (jan(15), THREE)]


def test_a_second_change_the_same_day_replaces_the_first() -> None:
    once = frequency_changed([], OTHER, jan(8), THREE)

    # No span of no days at three a week: from the 8th it is every day, before it as it was.
    assert frequency_changed(once, THREE, jan(8), DAILY) == [(jan(8), OTHER)]
    # Changed back the same day: as if nothing had changed.
    assert frequency_changed(once, THREE, jan(8), OTHER) == []


def test_a_change_from_an_earlier_day_replaces_one_set_for_later() -> None:
    # Set on the 3rd to be every day from the 15th; on the 10th, three a week from then on.
    ahead = frequency_changed([], OTHER, jan(15), DAILY)

    changed = frequency_changed(ahead, DAILY, jan(10), THREE)

    assert changed == [(jan(10), OTHER)]
    assert [frequency_on(jan(n), THREE, changed) for n in (9, 10, 15, 20)] == [
        OTHER,
        THREE,
        THREE,
        THREE,
    ]


def test_every_other_day_keeps_counting_from_the_plan_start() -> None:
    # From Monday 1st: every other day (1, 3, 5), every day from the 6th, every other day again
    # from the 9th: the 9th is an even number of days from the start, so 9, 11, 13.
    earlier = [(jan(6), OTHER), (jan(9), DAILY)]

    days = session_days(MONDAY, MONDAY, jan(13), OTHER, earlier)

    assert [d.day for d in days] == [1, 3, 5, 6, 7, 8, 9, 11, 13]
    # From the 10th, an odd number of days from the start: the 11th and 13th, not the 10th.
    later = session_days(MONDAY, MONDAY, jan(13), OTHER, [(jan(10), DAILY)])
    assert [d.day for d in later] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13]


frequency_histories = st.lists(
    st.tuples(st.integers(-30, 150), st.sampled_from(list(Frequency))), max_size=4
).map(lambda changes: sorted({offset: was for offset, was in changes}.items()))


@given(
    start=st.dates(date(2023, 1, 1), date(2025, 12, 31)),
    first_offset=st.integers(-40, 40),
    length=st.integers(-3, 120),
    back=st.integers(0, 10),
    frequency=st.sampled_from(list(Frequency)),
    history=frequency_histories,
)
def test_mask_and_days_at_the_frequency_of_each_day_match_the_day_by_day_answer(
    start: date,
    first_offset: int,
    length: int,
    back: int,
    frequency: Frequency,
    history: list[tuple[int, Frequency]],
) -> None:
    earlier = [(start + timedelta(days=offset), was) for offset, was in history]
    first = start + timedelta(days=first_offset)
    last = first + timedelta(days=length)
    origin = max(first, start) - timedelta(days=back)
    expected = [
        first + timedelta(days=k)
        for k in range(length + 1)
        if is_session_day(
            start,
            first + timedelta(days=k),
            frequency_on(first + timedelta(days=k), frequency, earlier),
        )
    ]

    days = session_days(start, first, last, frequency, earlier)
    mask = session_day_mask(start, first, last, frequency, origin, earlier)

    assert days == expected
    assert [origin + timedelta(days=k) for k in range(mask.bit_length()) if mask >> k & 1] == days


@given(
    frequency=st.sampled_from(list(Frequency)),
    changes=st.lists(st.tuples(st.integers(0, 60), st.sampled_from(list(Frequency))), max_size=6),
)
def test_a_change_keeps_every_day_before_it_and_rules_every_day_from_it(
    frequency: Frequency, changes: list[tuple[int, Frequency]]
) -> None:
    earlier: list[tuple[date, Frequency]] = []
    current = frequency
    for offset, new in changes:
        day = MONDAY + timedelta(days=offset)
        before = [frequency_on(MONDAY + timedelta(days=k), current, earlier) for k in range(70)]

        earlier = frequency_changed(earlier, current, day, new)
        current = new

        after = [frequency_on(MONDAY + timedelta(days=k), current, earlier) for k in range(70)]
        assert after[:offset] == before[:offset]
        assert set(after[offset:]) == {new}
        # Oldest first, and no two neighbours alike: each entry is a real change.
        days = [until for until, _ in earlier]
        assert days == sorted(set(days))
        frequencies = [was for _, was in earlier] + [current]
        assert all(a != b for a, b in pairwise(frequencies))


@pytest.mark.parametrize(
    "typed", ["+7:30", "\u0660\u0667:\u0663\u0660", "7:30", "07:3", "07:30:00", " 07:30"]
)
def test_a_time_of_day_is_two_ascii_digits_colon_two(typed: str) -> None:
    from django.core.exceptions import ValidationError

    from planner.plans.reminders import local_time_from_text

    with pytest.raises(ValidationError, match="HH:MM"):
        local_time_from_text(typed)
