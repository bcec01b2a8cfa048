"""The migration that adds SessionLog.partial marks the logs already saved: partial when done
with fewer reps (or seconds) than the dose that exercise had on that day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The exercises and conditions apps are taken back to their state of the time too: rows built
# with the models of then must fit their tables (a later NOT NULL column, such as a condition's
# signs, would refuse them).
BEFORE = [
    ("planner", "0004_versions_and_sets"),
    ("exercises", "0002_versions_and_sets"),
    ("conditions", "0002_source_publisher"),
]
AFTER = [("planner", "0005_partial_sessions")]
MONDAY = date(2026, 3, 2)


@pytest.mark.django_db(transaction=True)
def test_logs_done_short_of_that_days_dose_become_partial() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    user = apps.get_model("auth", "User").objects.create(username="rosa")
    # One plan exercise of clamshells whose dose went from 10 up to 15 on day 7.
    plan_exercise_model = apps.get_model("planner", "PlanExercise")
    dose_change_model = apps.get_model("planner", "DoseChange")
    session_log_model = apps.get_model("planner", "SessionLog")
    plan, item = _plan_with_one_exercise(apps, user)
    dose_change_model.objects.create(
        plan_exercise=item, effective_on=MONDAY, action="start", new_amount=10, reason="Start."
    )
    dose_change_model.objects.create(
        plan_exercise=item,
        effective_on=MONDAY + timedelta(days=7),
        action="progress",
        old_amount=10,
        new_amount=15,
        reason="Up.",
    )
    plan_exercise_model.objects.filter(pk=item.pk).update(amount=15)
    rows = {
        0: (True, 8),  # below 10 that day: partial
        1: (True, 12),  # above 10 that day, below today's 15: not partial
        2: (True, None),  # the whole dose
        3: (False, None),  # not done
        8: (True, 12),  # below 15 that day: partial
        9: (True, 15),
    }
    for offset, (done, amount) in rows.items():
        session_log_model.objects.create(
            plan=plan,
            plan_exercise=item,
            day=MONDAY + timedelta(days=offset),
            done=done,
            amount_done=amount,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    after = executor.loader.project_state(AFTER).apps.get_model("planner", "SessionLog")

    partial = {
        (log.day - MONDAY).days: log.partial for log in after.objects.filter(plan_id=plan.pk)
    }
    assert partial == {0: True, 1: False, 2: False, 3: False, 8: True, 9: False}

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _plan_with_one_exercise(apps, user):  # type: ignore[no-untyped-def]
    """A program with one prescription of clamshells and a plan of it, in the models as they
    were before the migration."""
    source = apps.get_model("conditions", "Source").objects.create(
        slug="s", title="S", kind="article"
    )
    condition = apps.get_model("conditions", "Condition").objects.create(
        slug="itb", name="ITB", summary="", care="self", source=source
    )
    ladder = {"start": 10, "target": 30, "step": 5}
    exercise = apps.get_model("exercises", "Exercise").objects.create(
        slug="clamshells",
        name="Clamshells",
        kind="strength",
        unit="reps",
        per_side=True,
        source=source,
        **ladder,
    )
    program = apps.get_model("planner", "Program").objects.create(
        slug="itb-6w", name="ITB", condition=condition, weeks=6, source=source
    )
    prescription = apps.get_model("planner", "Prescription").objects.create(
        program=program, exercise=exercise, last_week=6, **ladder
    )
    plan = apps.get_model("planner", "Plan").objects.create(
        user=user,
        program=program,
        start_date=MONDAY,
        time_zone="Europe/Berlin",
        planned_end=MONDAY + timedelta(weeks=6, days=-1),
        projected_end=MONDAY + timedelta(weeks=6, days=-1),
    )
    item = apps.get_model("planner", "PlanExercise").objects.create(
        plan=plan,
        prescription=prescription,
        exercise=exercise,
        last_week=6,
        amount=10,
        dose_since=MONDAY,
        **ladder,
    )
    return plan, item
