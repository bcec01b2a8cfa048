"""The migration that adds PlanExercise.earlier_frequencies reads them back from the dose
history: each change of frequency a therapist made names the frequency before it in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.planner.migrations.test_0005_partial_sessions import _plan_with_one_exercise

# The other apps at their latest (the migration touches none of them): rows built with the
# models of then must fit their tables.
BEFORE = [
    ("planner", "0015_email_invitation_links"),
    ("exercises", "0004_exercise_media"),
    ("conditions", "0002_source_publisher"),
]
AFTER = [("planner", "0016_earlier_frequencies")]
MONDAY = date(2026, 3, 2)


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


@pytest.mark.django_db(transaction=True)
def test_frequencies_before_each_change_come_back_from_the_dose_history() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    user = apps.get_model("auth", "User").objects.create(username="rosa")
    plan_exercise_model = apps.get_model("planner", "PlanExercise")
    dose_change_model = apps.get_model("planner", "DoseChange")
    _, changed = _plan_with_one_exercise(apps, user)
    # Every other day from the start, three a week from day 7, then every other day again from
    # day 14, which the therapist made every day the same day.
    plan_exercise_model.objects.filter(pk=changed.pk).update(frequency="daily")
    for effective, words in [
        (7, "Clamshells: three times a week (mon, wed, fri) (was every other day)."),
        (14, "Clamshells: every other day (was three times a week (mon, wed, fri))."),
        (14, "Clamshells: every day (was every other day)."),
    ]:
        dose_change_model.objects.create(
            plan_exercise=changed,
            effective_on=day(effective),
            action="frequency",
            new_amount=10,
            reason="Tailored.",
            what_changed=words,
        )
    # Another whose words were cut short: its history cannot be read for certain.
    cut = plan_exercise_model.objects.get(pk=changed.pk)
    cut.pk = None
    cut.prescription = None
    cut.save()
    dose_change_model.objects.create(
        plan_exercise=cut,
        effective_on=day(7),
        action="frequency",
        new_amount=10,
        reason="Tailored.",
        what_changed="A very long name: every day (was every oth",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    after = executor.loader.project_state(AFTER).apps.get_model("planner", "PlanExercise")

    assert after.objects.get(pk=changed.pk).earlier_frequencies == [
        [day(7).isoformat(), "every_other_day"],
        [day(14).isoformat(), "three_per_week"],
    ]
    assert after.objects.get(pk=cut.pk).earlier_frequencies == []

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
