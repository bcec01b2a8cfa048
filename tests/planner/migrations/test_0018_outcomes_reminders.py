"""The migration that adds the outcome questionnaires' reminder gives every existing plan one,
at its daily reminder's time: an active plan's is due on its next questionnaire due date, any
other plan's waits (NULL) until the plan runs again."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.planner.migrations.test_0005_partial_sessions import _plan_with_one_exercise

BEFORE = [
    ("planner", "0017_questionnaire_answers"),
    ("exercises", "0004_exercise_media"),
    ("conditions", "0002_source_publisher"),
]
AFTER = [("planner", "0018_outcomes_reminders")]


@pytest.mark.django_db(transaction=True)
def test_existing_plans_get_the_questionnaires_reminder_due_on_their_next_due_date() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    plan_model = apps.get_model("planner", "Plan")
    reminder_model = apps.get_model("planner", "Reminder")
    user = apps.get_model("auth", "User").objects.create(username="rosa")
    first, _ = _plan_with_one_exercise(apps, user)
    today = timezone.now().astimezone(ZoneInfo("Europe/Berlin")).date()

    def plan(start_days: int, status: str = "active", at: time = time(18, 0)):  # type: ignore[no-untyped-def]
        start = today + timedelta(days=start_days)
        end = start + timedelta(weeks=6, days=-1)
        made = plan_model.objects.create(
            user=user,
            program=first.program,
            start_date=start,
            time_zone="Europe/Berlin",
            status=status,
            planned_end=end,
            projected_end=end,
        )
        for kind in ("reminder", "progression"):
            reminder_model.objects.create(plan=made, kind=kind, local_time=at)
        return made

    running = plan(-10, at=time(6, 15))  # next due date: day 14, four days from today
    starting = plan(3)  # its first day is its first due date
    paused = plan(-10, status="paused")
    ended = plan(-60, status="completed")
    first.delete()

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    after = executor.loader.project_state(AFTER).apps.get_model("planner", "Reminder")

    def asked(made):  # type: ignore[no-untyped-def]
        return after.objects.get(plan_id=made.pk, kind="outcomes")

    day_14 = running.start_date + timedelta(days=14)
    assert (asked(running).local_time, asked(running).state) == (time(6, 15), "on")
    assert asked(running).next_local_date == day_14
    assert asked(running).next_due_at == datetime.combine(
        day_14, time(6, 15), tzinfo=ZoneInfo("Europe/Berlin")
    ).astimezone(UTC)
    assert asked(starting).next_local_date == starting.start_date
    assert asked(starting).local_time == time(18, 0)
    assert asked(paused).next_due_at is None and asked(paused).next_local_date is None
    assert asked(ended).next_due_at is None
    assert after.objects.filter(kind="outcomes").count() == 4

    # Back and forth: the reverse removes them, and the migration runs again cleanly.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert not reminder_model.objects.filter(kind="outcomes").exists()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
