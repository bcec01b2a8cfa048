"""Sets, load steps and the easier version: the rungs real programs climb and step down."""

from __future__ import annotations

from datetime import date, timedelta

from planner.engine.pain import NEAR_PAIN_FREE, PAIN_MONITORING
from planner.engine.progression import (
    EASIER,
    Action,
    Decision,
    Dose,
    Ladder,
    Rules,
    SessionRecord,
    decide,
    describe,
    steps_remaining,
)

MONDAY = date(2024, 1, 1)

# The article's one-legged glute bridge: 10 lifts per side, done once, then twice, then three
# times; with the two-legged bridge below it for a day when one leg hurts too much.
BRIDGE = Ladder(
    exercise="One-legged glute bridge",
    unit="reps",
    start=10,
    target=10,
    step=5,
    per_side=True,
    sets=1,
    sets_target=3,
    easier="Both feet down",
)
# Load steps: a band, then a heavier band, then a weight.
SIDE_STEPS = Ladder(
    exercise="Side-stepping",
    unit="reps",
    start=10,
    target=15,
    step=5,
    per_side=True,
    sets=2,
    sets_target=2,
    harder=("With a light band", "With a heavier band", "Holding a weight"),
)


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def clean_week(pain: int = 1) -> list[SessionRecord]:
    return [SessionRecord(day(n), True, pain_during=pain) for n in (0, 2, 4)]


DEFAULT = Rules()


def after_a_week(
    ladder: Ladder, dose: Dose, history: list[SessionRecord], rules: Rules = DEFAULT
) -> Decision:
    return decide(ladder, dose, day(0), history, [day(0), day(2), day(4)], day(7), rules)


def test_sets_step_up_one_at_a_time_with_the_sets_in_the_reason() -> None:
    decision = after_a_week(BRIDGE, Dose(10, 1), clean_week())
    assert decision.action is Action.PROGRESS
    assert decision.dose == Dose(10, 2)
    assert decision.reason.endswith("up to 2 sets of 10 per side.")

    top = after_a_week(BRIDGE, Dose(10, 3), clean_week())
    assert top.action is Action.HOLD and top.dose == Dose(10, 3)
    assert "no harder step" in top.reason


def test_too_much_pain_takes_a_set_off_first() -> None:
    history = [SessionRecord(day(5), True, pain_during=7)]
    decision = after_a_week(BRIDGE, Dose(10, 3), history)
    assert decision.action is Action.STEP_BACK
    assert decision.dose == Dose(10, 2)
    assert "above the 5/10 limit of the pain-monitoring model" in decision.reason


def test_too_much_pain_at_the_bottom_steps_down_to_the_easier_version() -> None:
    history = [SessionRecord(day(5), True, pain_during=7)]
    decision = after_a_week(BRIDGE, Dose(10, 1), history)
    assert decision.action is Action.STEP_BACK
    assert decision.dose == Dose(10, 1, EASIER)
    assert "stepping down to the easier version" in decision.reason
    assert decision.reason.endswith("down to 1 set of 10 per side (both feet down).")


def test_the_easier_version_climbs_back_to_the_exercise_itself() -> None:
    decision = after_a_week(BRIDGE, Dose(10, 1, EASIER), clean_week())
    assert decision.action is Action.PROGRESS
    assert decision.dose == Dose(10, 1, 0)
    assert "from the easier version back to the exercise itself" in decision.reason
    # One rung below the bottom: the way to the goal is one step longer.
    assert steps_remaining(BRIDGE, Dose(10, 1, EASIER)) == 1 + steps_remaining(BRIDGE, Dose(10))


def test_at_the_easier_version_more_pain_holds_and_says_see_a_therapist() -> None:
    history = [SessionRecord(day(5), True, pain_during=8)]
    decision = after_a_week(BRIDGE, Dose(10, 1, EASIER), history)
    assert decision.action is Action.HOLD
    assert "already the lowest dose; see a therapist" in decision.reason


def test_load_steps_are_taken_in_order_from_the_bottom_of_the_ladder() -> None:
    first = after_a_week(SIDE_STEPS, Dose(15, 2), clean_week())
    assert first.action is Action.ADD_VARIATION
    assert first.dose == Dose(10, 2, 1)
    assert "next, with a light band" in first.reason

    second = after_a_week(SIDE_STEPS, Dose(15, 2, 1), clean_week())
    assert second.dose == Dose(10, 2, 2)
    assert describe(SIDE_STEPS, second.dose) == "10 per side (with a heavier band)"

    third = after_a_week(SIDE_STEPS, Dose(15, 2, 2), clean_week())
    assert third.dose == Dose(10, 2, 3)
    assert after_a_week(SIDE_STEPS, Dose(15, 2, 3), clean_week()).action is Action.HOLD


def test_too_much_pain_at_a_load_steps_bottom_goes_back_to_the_top_of_the_one_before() -> None:
    history = [SessionRecord(day(5), True, pain_during=6)]
    decision = after_a_week(SIDE_STEPS, Dose(10, 2, 2), history)
    assert decision.action is Action.STEP_BACK
    assert decision.dose == Dose(15, 2, 1)
    assert "dropping with a heavier band" in decision.reason
    # Without an easier version, the bottom of the exercise itself holds.
    bottom = after_a_week(SIDE_STEPS, Dose(10, 2, 0), history)
    assert bottom.action is Action.HOLD and bottom.dose == Dose(10, 2, 0)


def test_the_pain_rule_decides_how_much_pain_steps_down() -> None:
    three = [SessionRecord(day(5), True, pain_during=3)]
    strict = Rules.under(NEAR_PAIN_FREE, 3, 7)
    loose = Rules.under(PAIN_MONITORING, 3, 7)
    assert after_a_week(BRIDGE, Dose(10, 2), three, strict).action is Action.STEP_BACK
    assert "near pain-free" in after_a_week(BRIDGE, Dose(10, 2), three, strict).reason
    assert after_a_week(BRIDGE, Dose(10, 2), three, loose).action is Action.HOLD


def test_a_dose_off_the_ladder_is_brought_back_onto_it() -> None:
    # A therapist narrowed the ladder after the dose was set: every answer is a dose it allows.
    decision = after_a_week(SIDE_STEPS, Dose(40, 9, 7), [])
    assert decision.dose == Dose(15, 2, 3)
