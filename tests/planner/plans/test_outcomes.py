"""The outcome questionnaires' service: due on the runner's own dates while the plan runs,
answers scored and refused as the engine says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from planner.models import Plan
from planner.plans import outcomes
from tests.personas import PLAN_START, People

pytestmark = pytest.mark.django_db


def test_a_paused_plan_asks_nothing(people: People) -> None:
    plan = people.rosa_plan
    assert outcomes.due_measures(plan, [], PLAN_START) == ["lefs", "psfs"]

    plan.status = Plan.Status.PAUSED
    assert outcomes.due_measures(plan, [], PLAN_START) == []


def test_an_answer_counts_on_the_runners_own_date(people: People) -> None:
    plan = people.rosa_plan
    plan.time_zone = "America/Los_Angeles"
    plan.save()
    day_14 = PLAN_START + timedelta(days=14)
    # 02:00 UTC on day 14 is still the evening of day 13 in Los Angeles: it answers the start's
    # due date, and day 14's is still to come.
    late_evening = datetime(day_14.year, day_14.month, day_14.day, 2, 0, tzinfo=UTC)
    saved = outcomes.answer(people.rosa, plan.pk, "lefs", late_evening, items=[2] * 20)

    assert saved.answered_on == day_14 - timedelta(days=1)
    assert outcomes.due_measures(plan, [saved], day_14) == ["lefs", "psfs"]


def test_an_unknown_measure_is_refused_naming_it(people: People) -> None:
    with pytest.raises(ValidationError) as refused:
        outcomes.answer(people.rosa, people.rosa_plan.pk, "koos", datetime.now(UTC))
    assert refused.value.message_dict == {"measure": ["The measure is lefs or psfs."]}


# --- The questionnaires' reminder (planner.plans.reminders) ------------------------------------


def test_a_new_plan_is_reminded_of_its_questionnaires_on_each_due_date(people: People) -> None:
    from datetime import time

    from planner.plans import lifecycle, reminders

    plan = people.rosa_plan  # Europe/Berlin, from Monday 2 March, reminders at 07:30
    asked = plan.reminders.get(kind="outcomes")
    assert (asked.local_time, asked.state) == (time(7, 30), "on")
    assert asked.next_local_date == PLAN_START
    assert asked.next_due_at == datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 07:30 CET

    # Delivered on the first day: the next is two weeks on, not the day after.
    plan.deliveries.create(
        kind="outcomes", local_date=PLAN_START, due_at=asked.next_due_at, state="sent"
    )
    after_first = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    reminders.reschedule(plan, after_first)
    asked.refresh_from_db()
    assert asked.next_local_date == PLAN_START + timedelta(days=14)

    # Paused, nothing; resumed, the next due date again. A new time of day moves it too.
    lifecycle.change_plan(plan, after_first, status="paused")
    asked.refresh_from_db()
    assert asked.next_due_at is None
    lifecycle.change_plan(plan, after_first, status="active")
    reminders.update_reminder(plan, after_first, local_time=time(19, 0), state="off")
    asked.refresh_from_db()
    # Switching the daily reminder off leaves this one on (see update_reminder).
    assert (asked.state, asked.next_local_date) == ("on", PLAN_START + timedelta(days=14))
    assert asked.next_due_at == datetime(2026, 3, 16, 18, 0, tzinfo=UTC)  # 19:00 CET
    assert plan.reminders.get(kind="reminder").next_due_at is None
