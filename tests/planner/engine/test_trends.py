"""Progress summaries on hand-made histories, and a few properties on random ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.engine.progression import SessionRecord
from planner.engine.schedule import Frequency, session_days
from planner.engine.trends import (
    PAIN_LIMIT,
    Adherence,
    DosePoint,
    DoseRecord,
    DueWindow,
    PainPoint,
    WeekAdherence,
    adherence,
    attention_rank,
    completed_days,
    dose_series,
    last_pain_during,
    pain_rising,
    pain_trend,
    partial_days,
    recent_adherence,
    weekly_adherence,
)

MONDAY = date(2024, 1, 1)


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def days(*ns: int) -> list[date]:
    return [day(n) for n in ns]


def point(n: int, during: int | None = None, morning: int | None = None) -> PainPoint:
    return PainPoint(day(n), during, morning)


# --- Adherence --------------------------------------------------------------------------------


def test_weekly_adherence_counts_sessions_due_and_done_per_plan_week() -> None:
    expected = session_days(MONDAY, MONDAY, day(20), Frequency.THREE_PER_WEEK)
    done = set(days(0, 2, 4, 7, 14, 16))  # all of week 1, one of week 2, two of week 3

    weeks = weekly_adherence(MONDAY, expected, done, today=day(20))

    assert weeks == [
        WeekAdherence(week=1, due=3, done=3, ratio=1.0),
        WeekAdherence(week=2, due=3, done=1, ratio=0.333),
        WeekAdherence(week=3, due=3, done=2, ratio=0.667),
    ]


def test_weekly_adherence_ignores_sessions_not_yet_due() -> None:
    expected = session_days(MONDAY, MONDAY, day(41), Frequency.DAILY)

    weeks = weekly_adherence(MONDAY, expected, set(days(7, 8)), today=day(8))

    # Wednesday of week 2 onwards is not due yet, so week 2 has two sessions due, both done.
    assert weeks[-1] == WeekAdherence(week=2, due=2, done=2, ratio=1.0)
    assert len(weeks) == 2


def test_a_week_with_nothing_due_is_listed_without_a_ratio() -> None:
    weeks = weekly_adherence(MONDAY, days(0, 14), set(), today=day(20))

    assert weeks[1] == WeekAdherence(week=2, due=0, done=0, ratio=None)


def test_adherence_over_the_last_two_weeks() -> None:
    expected = session_days(MONDAY, MONDAY, day(30), Frequency.EVERY_OTHER_DAY)
    done = set(expected[:-2])  # the last two sessions missed

    recent = adherence(expected, done, today=day(27), window_days=14)

    # Days 14..27: the even days 14, 16, ..., 26 are due (7); 28 and 30 are not due yet.
    assert recent == Adherence(first_day=day(14), due=7, done=7, ratio=1.0)
    # Day 30 is today, still due: not missed yet. The next day it is.
    assert adherence(expected, done, today=day(30), window_days=14).missed == 1
    assert adherence(expected, done, today=day(31), window_days=14).missed == 2


def test_adherence_with_nothing_due_has_no_ratio() -> None:
    assert adherence([], set(), today=day(3), window_days=14).ratio is None
    with pytest.raises(ValueError):
        adherence([], set(), today=day(3), window_days=0)


def test_a_session_is_done_when_every_exercise_due_that_day_was_done() -> None:
    due = {day(0): {1}, day(1): {1, 2}, day(2): {1, 2}}
    done = {(1, day(0)), (1, day(1)), (1, day(2)), (2, day(2))}

    assert completed_days(due, done) == {day(0), day(2)}


# --- Pain ---------------------------------------------------------------------------------------


def test_pain_trend_keeps_the_worst_pain_of_each_day() -> None:
    records = [
        SessionRecord(day(1), True, pain_during=2, pain_next_morning=1),
        SessionRecord(day(1), True, pain_during=4),
        SessionRecord(day(0), True, pain_during=3, pain_next_morning=0),
        SessionRecord(day(2), False),  # nothing rated: not a point
        SessionRecord(day(3), True, pain_next_morning=2),
    ]

    assert pain_trend(records) == [point(0, 3, 0), point(1, 4, 1), point(3, None, 2)]


def test_last_pain_during_is_the_latest_rated_day() -> None:
    trend = [point(0, 3), point(1, 6), point(2, None, 1)]

    assert last_pain_during(trend) == point(1, 6)
    assert last_pain_during([]) is None


def test_pain_rises_when_the_last_three_days_average_a_point_more() -> None:
    calm = [point(n, 2) for n in range(3)]

    assert pain_rising([*calm, point(3, 3), point(4, 3), point(5, 3)])
    assert not pain_rising([*calm, point(3, 3), point(4, 3), point(5, 2)])  # +0.67 only
    assert not pain_rising([point(0, 1), point(1, 6)])  # too few days to call it a trend


def test_pain_rises_when_next_morning_pain_is_worse_than_the_morning_before() -> None:
    assert pain_rising([point(0, 2, 1), point(1, 2, 2)])
    assert not pain_rising([point(0, 2, 2), point(1, 2, 2)])
    assert not pain_rising([point(0, 2, 3), point(1, 2, 1)])


def test_the_limit_is_the_pain_monitoring_models_five() -> None:
    assert PAIN_LIMIT == 5


# --- Doses and attention ------------------------------------------------------------------------


def test_dose_series_per_exercise_with_the_later_decision_winning_a_day() -> None:
    changes = [
        DoseRecord(1, day(0), 10, 1, 0),
        DoseRecord(2, day(7), 10, 1, 0),
        DoseRecord(1, day(8), 15, 1, 0),
        DoseRecord(1, day(8), 12, 1, 0),  # a therapist's override decided after the engine
        DoseRecord(1, day(4), 10, 1, 1),  # decided late, but effective before day 8
    ]

    assert dose_series(changes) == {
        1: [
            DosePoint(day(0), 10, 1, 0),
            DosePoint(day(4), 10, 1, 1),
            DosePoint(day(8), 12, 1, 0),
        ],
        2: [DosePoint(day(7), 10, 1, 0)],
    }


def test_patients_needing_attention_come_first() -> None:
    patients = {
        "missed a lot": attention_rank(0, False, 9),
        "red flag": attention_rank(1, False, 0),
        "fine": attention_rank(0, False, 0),
        "pain rising": attention_rank(0, True, 0),
        "two red flags": attention_rank(2, False, 0),
        "an alert to acknowledge": attention_rank(0, False, 0, open_alerts=1),
    }

    assert sorted(patients, key=patients.__getitem__) == [
        "an alert to acknowledge",
        "two red flags",
        "red flag",
        "pain rising",
        "missed a lot",
        "fine",
    ]


# --- Properties ---------------------------------------------------------------------------------

day_numbers = st.sets(st.integers(min_value=0, max_value=60), max_size=40)


@given(expected=day_numbers, done=day_numbers, today=st.integers(min_value=-3, max_value=70))
def test_weekly_adherence_adds_up(expected: set[int], done: set[int], today: int) -> None:
    weeks = weekly_adherence(MONDAY, days(*expected), set(days(*done)), day(today))

    # Today counts once done; until then it is still due.
    due_so_far = {n for n in expected if n < today or (n == today and n in done)}
    assert sum(w.due for w in weeks) == len(due_so_far)
    assert sum(w.done for w in weeks) == len(due_so_far & done)
    assert [w.week for w in weeks] == list(range(1, len(weeks) + 1))
    assert all(0 <= w.done <= w.due for w in weeks)
    assert all(w.ratio is None or 0 <= w.ratio <= 1 for w in weeks)


@given(
    expected=day_numbers,
    done=day_numbers,
    today=st.integers(min_value=0, max_value=60),
    window=st.integers(min_value=1, max_value=30),
)
def test_a_longer_window_never_has_fewer_sessions(
    expected: set[int], done: set[int], today: int, window: int
) -> None:
    shorter = adherence(days(*expected), set(days(*done)), day(today), window)
    longer = adherence(days(*expected), set(days(*done)), day(today), window + 1)

    assert 0 <= shorter.done <= shorter.due <= longer.due
    assert shorter.missed <= longer.missed


pains = st.one_of(st.none(), st.integers(min_value=0, max_value=10))


@given(
    st.lists(
        st.builds(
            SessionRecord,
            day=st.integers(min_value=0, max_value=20).map(day),
            done=st.booleans(),
            pain_during=pains,
            pain_next_morning=pains,
        ),
        max_size=40,
    )
)
def test_pain_trend_is_one_point_per_rated_day_in_order(records: list[SessionRecord]) -> None:
    trend = pain_trend(records)

    assert [p.day for p in trend] == sorted({p.day for p in trend})
    for p in trend:
        same_day = [r for r in records if r.day == p.day]
        assert p.during == max(
            (r.pain_during for r in same_day if r.pain_during is not None), default=None
        )
    pain_rising(trend)  # any history gives an answer


def _day_by_day(windows: list[DueWindow], origin: date, today: date) -> Adherence:
    """recent_adherence the slow way: due sets day by day, then completed_days and
    partial_days."""
    first = today - timedelta(days=13)
    due: dict[date, set[int]] = {}
    done: set[tuple[int, date]] = set()
    in_part: set[tuple[int, date]] = set()
    for n, w in enumerate(windows):
        last = min(today, w.counted_through)
        for day in session_days(w.plan_start, first, last, w.frequency, w.earlier):
            week = (day - w.plan_start).days // 7 + 1
            added = w.added_on is None or w.added_on <= day
            kept = w.removed_on is None or day < w.removed_on
            if w.first_week <= week <= w.last_week and added and kept:
                due.setdefault(day, set()).add(n)
        for k in range(max(w.done.bit_length(), w.partial.bit_length())):
            if w.done >> k & 1:
                done.add((n, origin + timedelta(days=k)))
            elif w.partial >> k & 1:
                in_part.add((n, origin + timedelta(days=k)))
    return adherence(
        due.keys(), completed_days(due, done), today, 14, partial_days(due, done, in_part)
    )


def test_recent_adherence_counts_a_day_done_only_when_every_exercise_was() -> None:
    today = date(2024, 3, 14)
    origin = today - timedelta(days=15)
    start = today - timedelta(days=20)
    every_day = (1 << 16) - 1
    stretch = DueWindow(start, Frequency.DAILY, 1, 10, today, every_day)
    # Every other day from the start (the start's offset is even), logged done only today.
    squat = DueWindow(start, Frequency.EVERY_OTHER_DAY, 1, 10, today, 1 << 15)
    result = recent_adherence([stretch, squat], origin, today)
    assert result == Adherence(today - timedelta(days=13), 14, 8, round(8 / 14, 3))
    assert result == _day_by_day([stretch, squat], origin, today)


# start, frequency, first week, weeks more, counted through, done, partial, added, removed,
# earlier frequencies: as drawn below.
RandomWindow = tuple[
    int, Frequency, int, int, int, int, int, int | None, int | None, list[tuple[int, Frequency]]
]


@given(
    items=st.lists(
        st.tuples(
            st.integers(-30, 5),  # start, days from today
            st.sampled_from(list(Frequency)),
            st.integers(0, 4),  # first week
            st.integers(0, 4),  # weeks more
            st.integers(-20, 0),  # counted through, days from today
            st.integers(0, (1 << 17) - 1),  # done days
            st.integers(0, (1 << 17) - 1),  # partial days (a day done in full is not one)
            st.one_of(st.none(), st.integers(-20, 2)),  # added by a therapist, days from today
            st.one_of(st.none(), st.integers(-20, 2)),  # removed, days from today
            # earlier frequencies: each in force up to a day, days from today
            st.lists(st.tuples(st.integers(-25, 3), st.sampled_from(list(Frequency))), max_size=3),
        ),
        max_size=5,
    )
)
def test_recent_adherence_matches_the_day_by_day_count(
    items: list[RandomWindow],
) -> None:
    today = date(2024, 5, 20)
    origin = today - timedelta(days=15)
    windows = [
        DueWindow(
            today + timedelta(days=s),
            f,
            fw,
            fw + more,
            today + timedelta(days=through),
            done,
            part & ~done,
            None if added is None else today + timedelta(days=added),
            None if removed is None else today + timedelta(days=removed),
            tuple(
                (today + timedelta(days=until), was) for until, was in sorted(dict(earlier).items())
            ),
        )
        for s, f, fw, more, through, done, part, added, removed, earlier in items
    ]
    assert recent_adherence(windows, origin, today) == _day_by_day(windows, origin, today)


def test_days_before_a_new_frequency_are_counted_at_the_one_in_force_then() -> None:
    # Every other day from three weeks ago, every one done; every day from yesterday on, and
    # yesterday done too.
    today = date(2024, 3, 14)
    origin = today - timedelta(days=15)
    start = today - timedelta(days=21)
    done = (
        sum(
            1 << (day - origin).days
            for day in session_days(
                start, origin, today - timedelta(days=2), Frequency.EVERY_OTHER_DAY
            )
        )
        | 1 << (today - timedelta(days=1) - origin).days
    )
    squat = DueWindow(
        start,
        Frequency.DAILY,
        1,
        10,
        today,
        done,
        earlier=((today - timedelta(days=1), Frequency.EVERY_OTHER_DAY),),
    )

    result = recent_adherence([squat], origin, today)

    # Six alternate days and yesterday done; today still due, not missed.
    assert (result.due, result.done, result.missed) == (7, 7, 0)
    assert result == _day_by_day([squat], origin, today)
    # Read at today's frequency, the days between would all be missed.
    assert recent_adherence([replace(squat, earlier=())], origin, today).missed == 6


# --- Partial sessions -------------------------------------------------------------------------


def test_a_day_with_an_exercise_done_in_part_is_partial_not_done_nor_missed() -> None:
    # Two exercises due every day of a week: Monday both in full, Tuesday one in part, Wednesday
    # one in part and the other not logged (missed), Thursday both in part.
    due = {day(n): {1, 2} for n in range(4)}
    full = {(1, day(0)), (2, day(0)), (1, day(1))}
    in_part = {(2, day(1)), (1, day(2)), (1, day(3)), (2, day(3))}

    complete = completed_days(due, full)
    partial = partial_days(due, full, in_part)

    assert complete == {day(0)}
    assert partial == {day(1), day(3)}
    result = adherence(due.keys(), complete, day(3), 14, partial)
    assert result == Adherence(day(3) - timedelta(days=13), 4, 1, 0.25, partial=2)
    assert result.missed == 1  # Wednesday
    weeks = weekly_adherence(MONDAY, sorted(due), complete, day(3), partial)
    assert weeks == [WeekAdherence(week=1, due=4, done=1, ratio=0.25, partial=2)]
    assert weeks[0].missed == 1


def test_recent_adherence_counts_partial_days_from_the_bit_sets() -> None:
    today = date(2024, 3, 14)
    origin = today - timedelta(days=15)
    start = today - timedelta(days=20)
    # Daily, the last 14 days: the first 10 in full, the next 2 in part, the last 2 not logged:
    # yesterday missed, today still due.
    window_first = 2  # bit of the window's first day (origin + 2)
    in_full = sum(1 << (window_first + k) for k in range(10))
    in_part = sum(1 << (window_first + k) for k in range(10, 12))
    stretch = DueWindow(start, Frequency.DAILY, 1, 10, today, in_full, in_part)

    result = recent_adherence([stretch], origin, today)

    assert result == Adherence(today - timedelta(days=13), 13, 10, round(10 / 13, 3), 2)
    assert result.missed == 1
    assert result == _day_by_day([stretch], origin, today)


# --- Today is not over --------------------------------------------------------------------------


def test_todays_session_still_due_is_not_missed() -> None:
    # Due every day of the week so far; done every day but today, which is not over yet.
    expected = days(0, 1, 2, 3)
    done = set(days(0, 1, 2))
    [week] = weekly_adherence(MONDAY, expected, done, today=day(3))
    assert (week.due, week.done, week.missed) == (3, 3, 0)
    recent = adherence(expected, done, day(3), 14)
    assert (recent.due, recent.done, recent.missed, recent.ratio) == (3, 3, 0, 1.0)


def test_todays_session_counts_once_it_is_done() -> None:
    expected = days(0, 1, 2, 3)
    recent = adherence(expected, set(days(0, 3)), day(3), 14)
    assert (recent.due, recent.done, recent.missed) == (4, 2, 2)


def test_a_plan_assigned_today_leaves_the_recent_adherence_as_it_was() -> None:
    # Two weeks of a daily plan, one day missed; a second plan starts today, nothing logged.
    today = date(2024, 3, 14)
    origin = today - timedelta(days=15)
    every_day_but_one = ((1 << 16) - 1) & ~(1 << 5)
    running = DueWindow(
        today - timedelta(days=30), Frequency.DAILY, 1, 10, today, every_day_but_one
    )
    before = recent_adherence([running], origin, today)
    new = DueWindow(today, Frequency.DAILY, 1, 6, today, 0)
    after = recent_adherence([running, new], origin, today)
    assert (before.due, before.done, before.missed) == (14, 13, 1)
    # Today is now incomplete (the new plan's exercises wait): still due, so it leaves the
    # count; the missed day stays the only one missed.
    assert (after.due, after.done, after.missed) == (13, 12, 1)


def test_the_last_day_of_a_plan_that_ended_counts_though_it_was_not_logged() -> None:
    # The plan's last day was day 3; today is day 10: day 3 is over, and missed.
    expected = days(0, 1, 2, 3)
    done = set(days(0, 1, 2))
    recent = adherence(expected, done, day(3), 14, ongoing=day(10))
    assert (recent.due, recent.missed) == (4, 1)
    [week] = weekly_adherence(MONDAY, expected, done, day(3), ongoing=day(10))
    assert week.missed == 1


def test_an_exercise_added_or_removed_counts_only_while_it_was_in_the_plan() -> None:
    # Every day of the last two weeks done, then the therapist adds an exercise today (to be
    # done from today) and removed another three days ago.
    today = date(2024, 3, 14)
    origin = today - timedelta(days=15)
    start = today - timedelta(days=30)
    all_days = (1 << 16) - 1
    stretch = DueWindow(start, Frequency.DAILY, 1, 10, today, all_days)
    added = DueWindow(start, Frequency.DAILY, 5, 10, today, 0, added_on=today)
    removed = DueWindow(
        start, Frequency.DAILY, 1, 10, today, all_days >> 3, removed_on=today - timedelta(days=2)
    )

    result = recent_adherence([stretch, added, removed], origin, today)

    # Nothing was missed: today is still due (the new exercise waits), the rest done in full.
    assert (result.due, result.done, result.missed) == (13, 13, 0)
    assert result == _day_by_day([stretch, added, removed], origin, today)
