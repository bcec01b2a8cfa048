"""Return to running in the engine: the readiness check's verdict, and a walk-run ladder walked
day by day under the return-to-run pain rule, as the daily progression step walks it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.engine.outcomes import AnswerError
from planner.engine.pain import RETURN_TO_RUN
from planner.engine.progression import (
    Action,
    Dose,
    Ladder,
    Rules,
    SessionRecord,
    decide,
    describe,
    steps_remaining,
)
from planner.engine.return_to_run import (
    CRITERIA,
    Answer,
    RunPhase,
    assess,
    is_short_run,
    phase_words,
)
from planner.engine.schedule import Frequency, session_days

MONDAY = date(2024, 1, 1)
# Crowell et al. 2023's six phases: walk, run, miles, effort.
PHASES = (
    RunPhase(2, 3, 1.0, 3),
    RunPhase(2, 3, 1.5, 3),
    RunPhase(2, 4, 1.5, 4),
    RunPhase(2, 4, 2.0, 4),
    RunPhase(1, 4, 2.0, 5),
    RunPhase(0, 0, 2.0, 5),
)
WALK_RUN = Ladder(
    "Walk-run", "phases", start=1, target=len(PHASES), step=1, per_side=False, phases=PHASES
)
# Each phase done at least twice, a rest day between runs: two sessions, every other day, the
# second one two days after the first.
RULES = Rules.under(RETURN_TO_RUN, sessions_to_progress=2, days_to_progress=2)


def walk(pain_on: dict[int, int], days: int, pain: int = 1) -> tuple[Dose, list[Action]]:
    """Run the plan day by day from MONDAY: a session on each run day (every other day) with
    `pain` during it (or the pain given for that session's number, counted from 0), decided
    as it is logged (planner.plans.sessions), a new dose taking effect the next day. The last
    dose, and every decision's action that changed something."""
    dose, since = WALK_RUN.bottom(), MONDAY
    history: list[SessionRecord] = []
    run_days = session_days(
        MONDAY, MONDAY, MONDAY + timedelta(days=days), Frequency.EVERY_OTHER_DAY
    )
    actions = []
    for offset in range(days):
        today = MONDAY + timedelta(days=offset)
        if today not in run_days:
            continue
        history.append(SessionRecord(today, True, pain_on.get(len(history), pain)))
        expected = [d for d in run_days if since <= d <= today]
        decision = decide(WALK_RUN, dose, since, history, expected, today, RULES)
        if decision.dose != dose:
            actions.append(decision.action)
            dose, since = decision.dose, today + timedelta(days=1)
    return dose, actions


def test_steady_low_pain_reaches_continuous_running() -> None:
    dose, actions = walk({}, days=42)
    assert dose.amount == len(PHASES)
    assert actions == [Action.PROGRESS] * (len(PHASES) - 1)
    assert describe(WALK_RUN, dose) == (
        "phase 6 of 6: run 2 miles (3.2 km) without walking, effort 5 of 10"
    )
    assert steps_remaining(WALK_RUN, dose) == 0


def test_each_phase_is_run_twice_with_a_rest_day_between() -> None:
    # Runs on days 0 and 2: the second earns phase 2, from day 3 (a rest day).
    assert walk({}, days=2)[0].amount == 1
    assert walk({}, days=3)[0].amount == 2
    # Phase 2 is run on days 4 and 6, then phase 3.
    assert walk({}, days=6)[0].amount == 2
    assert walk({}, days=7)[0].amount == 3


def test_pain_four_steps_back_a_phase() -> None:
    # Phase 3 is reached after 4 sessions; the 6th session (in phase 3) hurts 4/10.
    # Runs on days 0, 2 (phase 1), 4, 6 (phase 2), 8, 10 (phase 3): day 10 hurts.
    dose, actions = walk({5: 4}, days=11)
    assert actions == [Action.PROGRESS, Action.PROGRESS, Action.STEP_BACK]
    assert dose.amount == 2
    # Back in phase 2, two more comfortable runs earn phase 3 again.
    dose, actions = walk({5: 4}, days=16)
    assert actions == [Action.PROGRESS, Action.PROGRESS, Action.STEP_BACK, Action.PROGRESS]
    assert dose.amount == 3


def test_pain_four_decision_names_the_rule() -> None:
    history = [SessionRecord(MONDAY, True, 1), SessionRecord(MONDAY + timedelta(days=2), True, 4)]
    decision = decide(WALK_RUN, Dose(3), MONDAY, history, [MONDAY], MONDAY + timedelta(2), RULES)
    assert decision.action is Action.STEP_BACK
    assert decision.dose == Dose(2)
    assert "above the 2/10 limit of the return-to-run rule" in decision.reason
    assert (
        "back to phase 2 of 6: walk 2 min, run 3 min, over 1.5 miles (2.4 km), effort 3 of 10"
    ) in decision.reason


def test_next_morning_not_back_to_baseline_steps_back() -> None:
    history = [
        SessionRecord(MONDAY, True, 1, pain_next_morning=1),
        SessionRecord(MONDAY + timedelta(days=2), True, 1, pain_next_morning=3),
    ]
    decision = decide(WALK_RUN, Dose(2), MONDAY, history, [MONDAY], MONDAY + timedelta(3), RULES)
    assert decision.action is Action.STEP_BACK
    assert decision.dose == Dose(1)


def test_the_first_phase_is_the_floor() -> None:
    history = [SessionRecord(MONDAY, True, 5)]
    decision = decide(WALK_RUN, Dose(1), MONDAY, history, [MONDAY], MONDAY, RULES)
    assert decision.action is Action.HOLD
    assert decision.dose == Dose(1)
    assert "already the lowest dose" in decision.reason


def test_phase_words() -> None:
    assert phase_words(PHASES[0]) == ("walk 2 min, run 3 min, over 1 mile (1.6 km), effort 3 of 10")


def test_a_run_stopped_early_is_short_but_a_gps_tracks_error_is_not() -> None:
    phase = PHASES[1]  # 1.5 miles, 2,414 m
    assert is_short_run(2000, phase)
    assert not is_short_run(2350, phase)  # within 5%: a GPS track measures a little short
    assert not is_short_run(None, phase)


def answers_all_met() -> dict[str, object]:
    answers: dict[str, object] = {}
    for criterion in CRITERIA:
        if criterion.answer is Answer.YES_NO:
            answers[criterion.key] = True
        elif criterion.answer is Answer.PAIN:
            answers[criterion.key] = 0
        else:
            answers[criterion.key] = criterion.threshold
    return answers


def test_every_criterion_met_is_ready() -> None:
    assert CRITERIA, "the readiness check has criteria"
    readiness = assess(answers_all_met())
    assert readiness.ready
    assert readiness.unmet == ()


@pytest.mark.parametrize("criterion", CRITERIA, ids=lambda c: c.key)
def test_one_criterion_short_is_not_ready(criterion: object) -> None:
    answers = answers_all_met()
    key = criterion.key  # type: ignore[attr-defined]
    answer = criterion.answer  # type: ignore[attr-defined]
    threshold = criterion.threshold  # type: ignore[attr-defined]
    if answer is Answer.YES_NO:
        answers[key] = False
    elif answer is Answer.PAIN:
        answers[key] = threshold + 1
    else:
        answers[key] = threshold - 1
    readiness = assess(answers)
    assert not readiness.ready
    assert [result.criterion.key for result in readiness.unmet] == [key]
    assert "not yet" in readiness.unmet[0].words or "above" in readiness.unmet[0].words


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "A whole number"), (True, "A whole number"), (-1, "From 0"), (10_000, "From 0")],
)
def test_a_bad_count_is_refused_naming_it(value: object, message: str) -> None:
    count = next(c for c in CRITERIA if c.answer is Answer.COUNT)
    answers = answers_all_met()
    answers[count.key] = value
    with pytest.raises(AnswerError) as refused:
        assess(answers)
    assert refused.value.field == count.key
    assert message in refused.value.message


def test_a_yes_no_must_be_yes_or_no() -> None:
    yes_no = next(c for c in CRITERIA if c.answer is Answer.YES_NO)
    answers = answers_all_met()
    answers[yes_no.key] = "maybe"
    with pytest.raises(AnswerError) as refused:
        assess(answers)
    assert refused.value.field == yes_no.key
