"""Real programs from the catalog, walked day by day as a runner would log them: steady low
pain climbs every ladder into the last phase; pain above the program's rule steps down."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.models import DoseChange, Plan, Program
from planner.plans import daily
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalog")]

MONDAY = date(2026, 3, 2)


def start(slug: str) -> Plan:
    from planner.plans import lifecycle

    now = factories.evening_of_zone("Europe/Berlin", MONDAY - timedelta(days=1))
    runner = factories.person("runner")
    factories.screened(runner, now)
    return lifecycle.start_plan(
        user=runner,
        program=Program.objects.get(slug=slug),
        start_date=MONDAY,
        time_zone="Europe/Berlin",
        now=now,
    )


def walk(plan: Plan, weeks: int, pain: int) -> None:
    """Log every exercise due each day for `weeks` weeks, done, with this pain during."""
    day = MONDAY
    while day < MONDAY + timedelta(weeks=weeks):
        plan.refresh_from_db()
        if plan.status != Plan.Status.ACTIVE:
            return
        for card in daily.plan_day(plan, day).exercises:
            factories.log_session(
                plan=plan,
                plan_exercise=card.plan_exercise,
                day=day,
                today=day,
                done=True,
                pain_during=pain,
                pain_next_morning=0,
            )
        day += timedelta(days=1)


def doses(plan: Plan) -> dict[str, tuple[int, bool]]:
    return {
        item.exercise.slug: (item.amount, item.current_sets, item.level)
        for item in plan.exercises.select_related("exercise")
    }


def test_steady_low_pain_takes_the_tendon_program_to_its_loaded_phase() -> None:
    plan = start("achilles-tendonitis-home-program")

    walk(plan, weeks=7, pain=1)

    now = doses(plan)
    # The floor exercises climbed to their step versions, and the loaded raises have begun.
    assert now["two-legged-heel-raises"][1] and now["eccentric-heel-lowering"][1]
    week_7 = daily.plan_day(plan, MONDAY + timedelta(weeks=6, days=2))  # a Wednesday
    assert {"weighted-one-legged-heel-raises", "weighted-eccentric-heel-lowering"} <= {
        card.plan_exercise.exercise.slug for card in week_7.exercises
    }
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE and plan.projected_end == plan.planned_end


def test_pain_above_the_tendon_rule_steps_down_and_says_why() -> None:
    plan = start("achilles-tendonitis-home-program")
    walk(plan, weeks=2, pain=1)
    before = doses(plan)["two-legged-heel-raises"]

    walk_day = MONDAY + timedelta(weeks=2)
    card = next(
        c
        for c in daily.plan_day(plan, walk_day).exercises
        if c.plan_exercise.exercise.slug == "two-legged-heel-raises"
    )
    factories.log_session(
        plan=plan,
        plan_exercise=card.plan_exercise,
        day=walk_day,
        today=walk_day,
        done=True,
        pain_during=7,
    )

    after = doses(plan)["two-legged-heel-raises"]
    assert after != before
    change = DoseChange.objects.filter(plan_exercise=card.plan_exercise).order_by("pk").last()
    assert change is not None and change.action == DoseChange.Action.STEP_BACK
    assert "limit of the pain-monitoring model" in change.reason


def test_the_hamstring_program_climbs_near_pain_free_and_steps_down_at_3() -> None:
    plan = start("hamstring-strain-home-program")
    walk(plan, weeks=5, pain=1)
    assert doses(plan)["the-extender"][0] == 12  # Askling's 3 x 12, reached

    day = MONDAY + timedelta(weeks=5)
    card = next(
        c
        for c in daily.plan_day(plan, day).exercises
        if c.plan_exercise.exercise.slug == "the-extender"
    )
    factories.log_session(
        plan=plan,
        plan_exercise=card.plan_exercise,
        day=day,
        today=day,
        done=True,
        pain_during=3,
    )

    # 3/10 is acceptable under the pain-monitoring model, too much for near pain-free work.
    change = DoseChange.objects.filter(plan_exercise=card.plan_exercise).order_by("pk").last()
    assert change is not None and change.action == DoseChange.Action.STEP_BACK
    assert "above the 2/10 limit of near pain-free work" in change.reason
