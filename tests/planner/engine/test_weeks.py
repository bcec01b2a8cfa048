"""The week-by-week layout of a program and a plan, from plain values."""

from __future__ import annotations

from planner.engine import weeks

CLAMSHELLS = weeks.PlanItem(
    1,
    6,
    name="Clamshells",
    frequency="Every day",
    history=[(1, "1 set of 10"), (3, "1 set of 20")],
    now="1 set of 20",
    target="30",
)
BRIDGE = weeks.PlanItem(
    4,
    6,
    name="Bridge",
    frequency="Every day",
    history=[],
    now="1 set of 5",
    target="5",
    at_target=True,
)


def test_past_weeks_show_the_dose_then_and_later_weeks_the_aim() -> None:
    layout = weeks.plan_by_week(6, [weeks.PhaseSpan(1, 3, name="Early")], [CLAMSHELLS], 4)
    doses = [week.items[0].dose for week in layout]
    assert doses[:4] == ["1 set of 10", "1 set of 10", "1 set of 20", "1 set of 20"]
    assert doses[4] == "1 set of 20 now, up to 30"
    assert [week.current for week in layout] == [False, False, False, True, False, False]
    assert [bool(week.phases) for week in layout] == [True, True, True, False, False, False]


def test_an_exercise_appears_only_in_its_weeks_and_at_target_stays() -> None:
    layout = weeks.plan_by_week(6, [], [CLAMSHELLS, BRIDGE], 1)
    assert [len(week.items) for week in layout] == [1, 1, 1, 2, 2, 2]
    assert layout[5].items[1].dose == "1 set of 5"


def test_a_program_preview_has_no_current_week() -> None:
    item = weeks.ItemSpan(2, 3, name="Clamshells", frequency="Every day", dose="10 → 30")
    layout = weeks.by_week(4, [], [item])
    assert [len(week.items) for week in layout] == [0, 1, 1, 0]
    assert not any(week.current or week.past for week in layout)
    assert weeks.ladder_text("10", "30") == "10 → 30" and weeks.ladder_text("5", "5") == "5"


def test_a_week_shows_how_often_it_was_at_where_a_therapist_changed_it() -> None:
    changed = weeks.PlanItem(
        1,
        3,
        name="Clamshells",
        frequency="Every day",
        history=[],
        now="1 set of 10",
        target="30",
        frequency_by_week=((1, "Every other day"), (2, "Every other day, then every day")),
    )
    layout = weeks.plan_by_week(3, [], [changed], 3)
    assert [week.items[0].frequency for week in layout] == [
        "Every other day",
        "Every other day, then every day",
        "Every day",
    ]
