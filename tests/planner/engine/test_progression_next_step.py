"""What changes next: how many comfortable sessions and days until the next step, and what it
is, counted as the engine counts them (planner.engine.progression.next_step)."""

from __future__ import annotations

from datetime import date, timedelta

from planner.engine.progression import (
    Action,
    Dose,
    Ladder,
    SessionRecord,
    decide,
    describe_next_step,
    next_step,
)

MONDAY = date(2024, 1, 1)
CLAMSHELLS = Ladder("Clamshells", "reps", 10, 30, 5, per_side=True, harder=("With a band",))
STRETCH = Ladder("Piriformis stretch", "seconds", 10, 30, 10, per_side=True)


def sessions(days: range, pain: int = 2) -> list[SessionRecord]:
    return [SessionRecord(MONDAY + timedelta(days=n), True, pain) for n in days]


def test_a_fresh_dose_needs_three_comfortable_sessions_and_a_week() -> None:
    step = next_step(CLAMSHELLS, Dose(15), MONDAY, [], MONDAY)

    assert (step.action, step.dose, step.sessions_left, step.days_left) == (
        Action.PROGRESS,
        Dose(20),
        3,
        7,
    )
    assert describe_next_step(CLAMSHELLS, Dose(15), step) == (
        "3 more comfortable sessions and 7 more days at 15 per side, then 20 per side."
    )


def test_borderline_sessions_and_misses_do_not_count_towards_the_step() -> None:
    history = [*sessions(range(2)), *sessions(range(2, 4), pain=4)]
    history.append(SessionRecord(MONDAY + timedelta(days=4), False))

    step = next_step(CLAMSHELLS, Dose(15), MONDAY, history, MONDAY + timedelta(days=5))

    assert (step.sessions_left, step.days_left) == (1, 2)
    assert describe_next_step(CLAMSHELLS, Dose(15), step) == (
        "1 more comfortable session and 2 more days at 15 per side, then 20 per side."
    )


def test_sessions_before_the_current_dose_do_not_count() -> None:
    since = MONDAY + timedelta(days=7)
    step = next_step(CLAMSHELLS, Dose(15), since, sessions(range(7)), since)
    assert step.sessions_left == 3


def test_when_ready_the_next_comfortable_session_steps_up_as_the_engine_decides() -> None:
    today = MONDAY + timedelta(days=7)
    history = sessions(range(7))
    step = next_step(CLAMSHELLS, Dose(15), MONDAY, history, today)

    assert step.ready
    assert describe_next_step(CLAMSHELLS, Dose(15), step).startswith("Ready for 20 per side")
    # The engine agrees once today's comfortable session is logged.
    decision = decide(
        CLAMSHELLS,
        Dose(15),
        MONDAY,
        [*history, SessionRecord(today, True, 2)],
        [MONDAY + timedelta(days=n) for n in range(8)],
        today,
    )
    assert (decision.action, decision.dose) == (step.action, step.dose)


def test_at_the_target_the_next_step_is_the_harder_variation_from_the_start() -> None:
    step = next_step(CLAMSHELLS, Dose(30), MONDAY, [], MONDAY)
    assert (step.action, step.dose) == (Action.ADD_VARIATION, Dose(10, level=1))
    assert describe_next_step(CLAMSHELLS, Dose(30), step).endswith(
        "then 10 per side (with a band)."
    )


def test_the_top_of_a_ladder_without_a_variation_says_so() -> None:
    step = next_step(STRETCH, Dose(30), MONDAY, [], MONDAY)
    assert step.action is Action.HOLD
    assert describe_next_step(STRETCH, Dose(30), step) == (
        "30 s per side is the top of this plan's ladder: keep going at it."
    )


def test_the_last_step_never_passes_the_target() -> None:
    ladder = Ladder("Bridges", "reps", 10, 22, 5, per_side=False)
    assert next_step(ladder, Dose(20), MONDAY, [], MONDAY).dose == Dose(22)


def test_a_missed_session_holds_the_step_until_it_is_a_period_old() -> None:
    # Every day due; day 3 missed, the rest comfortable; today is day 8.
    today = MONDAY + timedelta(days=8)
    history = sessions(range(3)) + sessions(range(4, 8))
    expected = [MONDAY + timedelta(days=n) for n in range(9)]

    step = next_step(CLAMSHELLS, Dose(15), MONDAY, history, today, expected_days=expected)

    # The miss on day 3 counts until day 3 + 7 is behind the day decided: day 11.
    assert (step.sessions_left, step.days_left, step.missed) == (0, 3, 1)
    assert describe_next_step(CLAMSHELLS, Dose(15), step) == (
        "3 more days at 15 per side (1 missed session in the last 7 days holds the dose), "
        "then 20 per side."
    )

    # The engine holds today, and steps up on day 11 once the miss is out of its period.
    def decided(day: int) -> Action:
        when = MONDAY + timedelta(days=day)
        logs = history + sessions(range(8, day + 1))
        days = [MONDAY + timedelta(days=n) for n in range(day + 1)]
        return decide(CLAMSHELLS, Dose(15), MONDAY, logs, days, when).action

    assert [decided(d) for d in (8, 9, 10, 11)] == [
        Action.HOLD,
        Action.HOLD,
        Action.HOLD,
        Action.PROGRESS,
    ]
