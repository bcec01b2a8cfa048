"""The dose a handout prints for each week, if all goes well."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planner.engine import course, progression

SHELLS = progression.Ladder(
    exercise="Clamshells",
    unit="reps",
    start=10,
    target=30,
    step=5,
    per_side=True,
    variation="With an exercise band",
)
STRETCH = progression.Ladder(
    exercise="Piriformis stretch", unit="seconds", start=10, target=30, step=10, per_side=True
)


def amounts(rows: list[course.WeekDose]) -> list[tuple[int, int, bool]]:
    return [(row.week, row.dose.amount, row.dose.with_variation) for row in rows]


def test_one_step_a_week_then_the_harder_variation() -> None:
    # A step is earned after 6 days at a dose and starts the next day: one step a week.
    rows = course.expected_doses(
        SHELLS,
        progression.Dose(10),
        sets=2,
        hold_seconds=0,
        from_week=1,
        last_week=7,
        days_to_progress=6,
    )
    assert amounts(rows) == [
        (1, 10, False),
        (2, 15, False),
        (3, 20, False),
        (4, 25, False),
        (5, 30, False),
        (6, 10, True),
        (7, 15, True),
    ]
    assert rows[0].text == "2 sets of 10 per side"
    assert rows[5].text == "2 sets of 10 per side (with an exercise band)"


def test_a_step_every_eight_days_skips_a_week_now_and_then() -> None:
    # 7 days at a dose, the step the day after: 8 days a step, so the second week has none.
    rows = course.expected_doses(
        STRETCH,
        progression.Dose(10),
        sets=1,
        hold_seconds=0,
        from_week=2,
        last_week=6,
        days_to_progress=7,
    )
    assert amounts(rows) == [
        (2, 10, False),
        (3, 10, False),
        (4, 20, False),
        (5, 30, False),
        (6, 30, False),
    ]
    assert rows[-1].text == "1 set of 30 s per side"


def test_a_tailored_dose_is_where_the_table_starts() -> None:
    rows = course.expected_doses(
        SHELLS,
        progression.Dose(25),
        sets=3,
        hold_seconds=5,
        from_week=4,
        last_week=5,
        days_to_progress=6,
    )
    assert amounts(rows) == [(4, 25, False), (5, 30, False)]
    assert rows[0].text == "3 sets of 25 per side, hold 5 s"


@given(
    start=st.integers(1, 20),
    span=st.integers(0, 40),
    step=st.integers(1, 10),
    days=st.integers(1, 21),
    weeks=st.integers(1, 26),
)
def test_the_dose_never_falls_or_leaves_the_ladder(
    start: int, span: int, step: int, days: int, weeks: int
) -> None:
    ladder = progression.Ladder("X", "reps", start, start + span, step, False)
    rows = course.expected_doses(
        ladder,
        progression.Dose(start),
        sets=1,
        hold_seconds=0,
        from_week=1,
        last_week=weeks,
        days_to_progress=days,
    )
    assert [row.week for row in rows] == list(range(1, weeks + 1))
    values = [row.dose.amount for row in rows]
    assert values == sorted(values)
    assert all(start <= value <= start + span for value in values)
