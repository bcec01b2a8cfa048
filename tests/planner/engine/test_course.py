"""The dose a handout prints for each week, if all goes well."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from planner.engine import course, progression, schedule

SHELLS = progression.Ladder(
    exercise="Clamshells",
    unit="reps",
    start=10,
    target=30,
    step=5,
    per_side=True,
    sets=2,
    sets_target=2,
    harder=("With an exercise band",),
)
STRETCH = progression.Ladder(
    exercise="Piriformis stretch", unit="seconds", start=10, target=30, step=10, per_side=True
)
# The article's one-legged glute bridge: 10 lifts, then the 10 done twice, then three times.
BRIDGE = progression.Ladder(
    exercise="One-legged glute bridge",
    unit="reps",
    start=10,
    target=10,
    step=5,
    per_side=True,
    sets=1,
    sets_target=3,
    hold_seconds=4,
)


def amounts(rows: list[course.WeekDose]) -> list[tuple[int, int, int]]:
    return [(row.week, row.dose.amount, row.dose.level) for row in rows]


def test_one_step_a_week_then_the_harder_variation() -> None:
    # A step is earned after 6 days at a dose and starts the next day: one step a week.
    rows = course.expected_doses(
        SHELLS, SHELLS.bottom(), from_week=1, last_week=7, days_to_progress=6
    )
    assert amounts(rows) == [
        (1, 10, 0),
        (2, 15, 0),
        (3, 20, 0),
        (4, 25, 0),
        (5, 30, 0),
        (6, 10, 1),
        (7, 15, 1),
    ]
    assert rows[0].text == "2 sets of 10 per side"
    assert rows[0].version == ""
    assert rows[5].text == "2 sets of 10 per side (with an exercise band)"
    assert rows[5].version == "With an exercise band"


def test_sets_climb_once_the_reps_are_there() -> None:
    rows = course.expected_doses(
        BRIDGE, BRIDGE.bottom(), from_week=1, last_week=4, days_to_progress=6
    )
    assert [row.text for row in rows] == [
        "1 set of 10 per side, hold 4 s",
        "2 sets of 10 per side, hold 4 s",
        "3 sets of 10 per side, hold 4 s",
        "3 sets of 10 per side, hold 4 s",
    ]


def test_load_steps_follow_in_order() -> None:
    ladder = replace(
        SHELLS, start=10, target=15, harder=("With a light band", "With a heavier band")
    )
    rows = course.expected_doses(
        ladder, ladder.bottom(), from_week=1, last_week=6, days_to_progress=6
    )
    assert [(row.dose.amount, row.version) for row in rows] == [
        (10, ""),
        (15, ""),
        (10, "With a light band"),
        (15, "With a light band"),
        (10, "With a heavier band"),
        (15, "With a heavier band"),
    ]


def test_twice_a_day_is_said_with_the_dose() -> None:
    ladder = replace(BRIDGE, times_per_day=2)
    assert (
        course.dose_text(ladder, ladder.bottom()) == "1 set of 10 per side, hold 4 s, twice a day"
    )


def test_a_step_every_eight_days_skips_a_week_now_and_then() -> None:
    # 7 days at a dose, the step the day after: 8 days a step, so the second week has none.
    rows = course.expected_doses(
        STRETCH, STRETCH.bottom(), from_week=2, last_week=6, days_to_progress=7
    )
    assert amounts(rows) == [(2, 10, 0), (3, 10, 0), (4, 20, 0), (5, 30, 0), (6, 30, 0)]
    assert rows[-1].text == "1 set of 30 s per side"


def test_a_tailored_dose_is_where_the_table_starts() -> None:
    ladder = replace(SHELLS, sets=3, sets_target=3, hold_seconds=5)
    rows = course.expected_doses(
        ladder, progression.Dose(25, 3), from_week=4, last_week=5, days_to_progress=6
    )
    assert amounts(rows) == [(4, 25, 0), (5, 30, 0)]
    assert rows[0].text == "3 sets of 25 per side, hold 5 s"


@given(
    start=st.integers(1, 20),
    span=st.integers(0, 40),
    step=st.integers(1, 10),
    days=st.integers(1, 21),
    weeks=st.integers(1, 26),
    sets=st.integers(1, 3),
    more_sets=st.integers(0, 2),
)
def test_the_dose_never_falls_or_leaves_the_ladder(
    start: int, span: int, step: int, days: int, weeks: int, sets: int, more_sets: int
) -> None:
    ladder = progression.Ladder(
        "X", "reps", start, start + span, step, False, sets=sets, sets_target=sets + more_sets
    )
    rows = course.expected_doses(
        ladder, ladder.bottom(), from_week=1, last_week=weeks, days_to_progress=days
    )
    assert [row.week for row in rows] == list(range(1, weeks + 1))
    values = [(row.dose.sets * row.dose.amount) for row in rows]
    assert values == sorted(values)
    assert all(start <= row.dose.amount <= start + span for row in rows)
    assert all(sets <= row.dose.sets <= sets + more_sets for row in rows)


# The standard walk-run of Crowell et al. 2023: six phases, each run at least twice with a
# rest day between runs (every other day); a phase steps up after 2 comfortable runs over 2
# days.
WALK_RUN = progression.Ladder(
    exercise="Walk-run", unit="phases", start=1, target=6, step=1, per_side=False
)


def test_every_other_day_climbs_as_the_runs_fall_not_one_step_per_three_days() -> None:
    rows = course.expected_doses(
        WALK_RUN,
        WALK_RUN.bottom(),
        from_week=1,
        last_week=5,
        days_to_progress=2,
        sessions_to_progress=2,
        frequency=schedule.Frequency.EVERY_OTHER_DAY,
        start=date(2026, 12, 7),
    )
    # Runs on days 0 and 2 earn phase 2 from day 3; then runs on days 4 and 6 earn phase 3
    # from day 7, and so on: a phase every four days, phase 6 from day 19 (week 3 starts on
    # day 14 at phase 4, week 4 on day 21 at phase 6). Counted as three days a step, the
    # table showed phase 5 in week 3.
    assert [row.dose.amount for row in rows] == [1, 3, 4, 6, 6]


def test_the_steps_fall_the_day_after_the_session_that_earns_them() -> None:
    every_other_day = course.step_days(
        date(2026, 12, 7), date(2026, 12, 7), schedule.Frequency.EVERY_OTHER_DAY, 2, 2
    )
    assert [next(every_other_day).day for _ in range(3)] == [10, 14, 18]
    # Three sessions a week from a Monday (Mon, Wed, Fri), 3 sessions over 6 days: Monday
    # week 2 is the fourth session and the first 6 days in; then Wednesday, Friday and the
    # next Monday make three over 6 days from the Tuesday.
    three_a_week = course.step_days(
        date(2026, 12, 7), date(2026, 12, 7), schedule.Frequency.THREE_PER_WEEK, 3, 6
    )
    assert [next(three_a_week) for _ in range(2)] == [date(2026, 12, 15), date(2026, 12, 22)]


def test_daily_with_a_session_a_day_is_one_step_per_days_to_progress_plus_one() -> None:
    daily = course.step_days(date(2026, 12, 7), date(2026, 12, 7), schedule.Frequency.DAILY, 3, 6)
    assert [next(daily) for _ in range(2)] == [date(2026, 12, 14), date(2026, 12, 21)]
