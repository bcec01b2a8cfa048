"""Each program's pain rule decides its doses and is named in the reasons: the pain-monitoring
model for tendon and overuse pain, near pain-free work for an acute strain's first phase and
nerve-related pain."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.engine.pain import NEAR_PAIN_FREE, PAIN_MONITORING, PAIN_RULES, PainRule
from planner.engine.progression import Action, Dose, Ladder, Rules, SessionRecord, decide

MONDAY = date(2024, 1, 1)
EXTENDER = Ladder("The Extender", "reps", start=6, target=12, step=2, per_side=False)


def decide_under(rule: PainRule, history: list[SessionRecord], today: int) -> Action:
    rules = Rules.under(rule, sessions_to_progress=3, days_to_progress=7)
    days = [MONDAY + timedelta(days=n) for n in range(today)]
    return decide(
        EXTENDER, Dose(8), MONDAY, history, days, MONDAY + timedelta(days=today), rules
    ).action


def week(pain: int) -> list[SessionRecord]:
    return [SessionRecord(MONDAY + timedelta(days=n), True, pain) for n in range(7)]


@pytest.mark.parametrize(
    ("rule", "pain", "action"),
    [
        # The pain-monitoring model: 0-2 is its safe zone, up to 5 acceptable, more too much.
        (PAIN_MONITORING, 2, Action.PROGRESS),
        (PAIN_MONITORING, 3, Action.HOLD),
        (PAIN_MONITORING, 5, Action.HOLD),
        (PAIN_MONITORING, 6, Action.STEP_BACK),
        # Near pain-free work: anything above 2/10 is already too much.
        (NEAR_PAIN_FREE, 2, Action.PROGRESS),
        (NEAR_PAIN_FREE, 3, Action.STEP_BACK),
        (NEAR_PAIN_FREE, 5, Action.STEP_BACK),
    ],
)
def test_the_same_week_is_decided_by_the_rule_of_its_program(
    rule: PainRule, pain: int, action: Action
) -> None:
    assert decide_under(rule, week(pain), today=7) is action


def test_a_step_back_names_the_rule_that_was_broken() -> None:
    rules = Rules.under(NEAR_PAIN_FREE, 3, 7)
    history = [SessionRecord(MONDAY, True, 4)]
    decision = decide(EXTENDER, Dose(8), MONDAY, history, [MONDAY], MONDAY, rules)
    assert decision.action is Action.STEP_BACK
    assert "above the 2/10 limit of near pain-free work" in decision.reason


def test_every_rule_says_in_words_what_the_engine_does_with_it() -> None:
    for rule in PAIN_RULES.values():
        assert f"{rule.limit} out of 10" in rule.advice
        assert rule.comfortable <= rule.limit
