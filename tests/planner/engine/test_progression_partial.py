"""Partial sessions in the engine: done, but fewer reps (or seconds) than the dose. Not missed,
not a comfortable session towards the next step either (planner.engine.progression)."""

from __future__ import annotations

from datetime import date, timedelta

from planner.engine.progression import (
    Action,
    Dose,
    Ladder,
    SessionRecord,
    counts_towards_step,
    decide,
    describe_next_step,
    is_partial,
    logged_words,
    next_step,
)
from planner.engine.schedule import Frequency, session_days

MONDAY = date(2024, 1, 1)
CLAMSHELLS = Ladder("Clamshells", "reps", 10, 30, 5, per_side=True, harder=("With a band",))


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def full(n: int, pain: int = 2) -> SessionRecord:
    return SessionRecord(day(n), True, pain)


def partial(n: int, pain: int = 2) -> SessionRecord:
    return SessionRecord(day(n), True, pain, partial=True)


def mon_wed_fri(until: int) -> list[date]:
    return session_days(MONDAY, MONDAY, day(until), Frequency.THREE_PER_WEEK)


def test_a_session_is_partial_only_when_done_with_less_than_the_dose() -> None:
    dose = Dose(10, sets=2)

    assert is_partial(True, 6, dose)
    assert not is_partial(True, 10, dose)
    assert not is_partial(True, 12, dose)  # more than asked is the whole dose, and more
    assert not is_partial(True, None, dose)  # no amount given: the whole dose
    assert not is_partial(False, 6, dose)  # not done is not done, whatever the amount


def test_only_a_session_done_in_full_counts_towards_a_step() -> None:
    assert counts_towards_step(full(0))
    assert not counts_towards_step(partial(0))
    assert not counts_towards_step(SessionRecord(day(0), False))


def test_a_week_with_a_partial_session_holds_and_says_it_was_not_counted() -> None:
    history = [full(0), partial(2), full(4)]

    decision = decide(CLAMSHELLS, Dose(10), MONDAY, history, mon_wed_fri(7), day(7))

    assert decision.action is Action.HOLD
    assert decision.dose == Dose(10)
    assert decision.reason == (
        "Clamshells: 2 of 3 comfortable sessions done in full at this dose (1 partial session "
        "not counted): staying at 10 per side."
    )


def test_the_same_week_done_in_full_steps_up() -> None:
    history = [full(0), full(2), full(4)]

    decision = decide(CLAMSHELLS, Dose(10), MONDAY, history, mon_wed_fri(7), day(7))

    assert (decision.action, decision.dose) == (Action.PROGRESS, Dose(15))


def test_a_partial_session_is_not_a_missed_one() -> None:
    # Three sessions due; one of them partial. A miss would be named as one ("1 of 3 sessions
    # missed"); a partial session is only short of the step.
    missed = decide(
        CLAMSHELLS,
        Dose(10),
        MONDAY,
        [full(0), SessionRecord(day(2), False), full(4)],
        mon_wed_fri(7),
        day(7),
    )
    short = decide(
        CLAMSHELLS, Dose(10), MONDAY, [full(0), partial(2), full(4)], mon_wed_fri(7), day(7)
    )

    assert "1 of 3 sessions missed" in missed.reason
    assert "missed" not in short.reason


def test_pain_above_the_limit_in_a_partial_session_still_steps_back() -> None:
    history = [full(0), full(2), partial(4, pain=7)]

    decision = decide(CLAMSHELLS, Dose(15), MONDAY, history, mon_wed_fri(5), day(5))

    assert (decision.action, decision.dose) == (Action.STEP_BACK, Dose(10))


def test_the_next_step_counts_partial_sessions_as_neither_done_nor_missed() -> None:
    history = [full(0), partial(2), full(4)]

    step = next_step(CLAMSHELLS, Dose(10), MONDAY, history, day(5), expected_days=mon_wed_fri(5))

    assert (step.sessions_left, step.missed, step.partial) == (1, 0, 1)
    assert describe_next_step(CLAMSHELLS, Dose(10), step) == (
        "1 more comfortable session done in full and 2 more days at 10 per side (1 partial "
        "session at this dose not counted), then 15 per side."
    )


def test_the_same_wednesday_missed_holds_the_dose_until_it_is_a_week_old() -> None:
    step = next_step(
        CLAMSHELLS, Dose(10), MONDAY, [full(0), full(4)], day(5), expected_days=mon_wed_fri(5)
    )

    assert (step.sessions_left, step.missed, step.partial, step.days_left) == (1, 1, 0, 5)
    assert describe_next_step(CLAMSHELLS, Dose(10), step) == (
        "1 more comfortable session and 5 more days at 10 per side (1 missed session in the "
        "last 7 days holds the dose), then 15 per side."
    )


PIRIFORMIS = Ladder("Piriformis stretch", "seconds", 10, 30, 10, per_side=True)


def test_a_held_stretch_is_logged_in_seconds_held_not_per_set() -> None:
    assert logged_words(PIRIFORMIS, Dose(30), 30, partial=False) == "30 s hold"
    assert logged_words(PIRIFORMIS, Dose(30), 20, partial=True) == "20 s of 30 s per side"


def test_repetitions_are_logged_per_set() -> None:
    assert logged_words(CLAMSHELLS, Dose(10), 10, partial=False) == "10 per set"
    assert logged_words(CLAMSHELLS, Dose(10), 6, partial=True) == "6 of 10 per side"
