"""The migration that adds the evening nudge gives every existing plan one, at 19:00 local and
on, as a new plan gets: an active plan's is due at its next 19:00 (not before it starts), any
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
    ("planner", "0020_notification_follows_its_invitation"),
    ("exercises", "0004_exercise_media"),
    ("conditions", "0002_source_publisher"),
]
AFTER = [("planner", "0021_evening_nudge")]
ZONE = ZoneInfo("America/New_York")


@pytest.mark.django_db(transaction=True)
def test_existing_plans_get_an_evening_nudge_due_at_their_next_seven_pm() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    plan_model = apps.get_model("planner", "Plan")
    reminder_model = apps.get_model("planner", "Reminder")
    user = apps.get_model("auth", "User").objects.create(username="rosa")
    first, _ = _plan_with_one_exercise(apps, user)
    now = timezone.now()
    today = now.astimezone(ZONE).date()

    def plan(start_days: int, status: str = "active"):  # type: ignore[no-untyped-def]
        start = today + timedelta(days=start_days)
        end = start + timedelta(weeks=6, days=-1)
        made = plan_model.objects.create(
            user=user,
            program=first.program,
            start_date=start,
            time_zone="America/New_York",
            status=status,
            planned_end=end,
            projected_end=end,
        )
        for kind in ("reminder", "progression", "outcomes"):
            reminder_model.objects.create(plan=made, kind=kind, local_time=time(6, 30))
        return made

    running = plan(-10)
    starting = plan(3)
    paused = plan(-10, status="paused")
    ended = plan(-60, status="completed")
    first.delete()

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    after = executor.loader.project_state(AFTER).apps.get_model("planner", "Reminder")

    def nudge(made):  # type: ignore[no-untyped-def]
        return after.objects.get(plan_id=made.pk, kind="nudge")

    assert (nudge(running).local_time, nudge(running).state) == (time(19, 0), "on")
    seven_pm = datetime.combine(today, time(19, 0), tzinfo=ZONE)
    if seven_pm <= now:
        seven_pm = datetime.combine(today + timedelta(days=1), time(19, 0), tzinfo=ZONE)
    assert nudge(running).next_due_at == seven_pm.astimezone(UTC)
    assert nudge(running).next_local_date == seven_pm.date()
    assert nudge(starting).next_local_date == starting.start_date
    assert nudge(paused).next_due_at is None and nudge(paused).next_local_date is None
    assert nudge(ended).next_due_at is None
    # The daily reminder's time is left as it was.
    assert after.objects.get(plan_id=running.pk, kind="reminder").local_time == time(6, 30)
    assert after.objects.filter(kind="nudge").count() == 4

    # Back and forth: the reverse removes them, and the migration runs again cleanly.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert not reminder_model.objects.filter(kind="nudge").exists()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
