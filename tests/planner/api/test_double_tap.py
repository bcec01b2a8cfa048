"""A double tap: the same log posted twice at the same instant, on two real connections. On
PostgreSQL the plan's row lock, taken by the view's first read, lets one in at a time; on the
embedded SQLite, IMMEDIATE transactions do (settings). Either way one is saved (201) and the
other refused naming the day (400), never a 500 or two logs."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from planner.engine import schedule
from planner.models import SessionLog
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_double_tap_saves_one_log_and_refuses_the_other() -> None:
    rosa = factories.person("rosa")
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    plan = factories.plan_for(rosa, today - timedelta(days=3))
    body = {
        "plan_exercise": plan.exercises.get(exercise__slug="clamshells").pk,
        "day": str(today),
        "done": True,
        "pain_during": 2,
    }
    start = threading.Barrier(2)
    answers: list[Any] = []

    def tap() -> None:
        client = APIClient()
        client.force_authenticate(rosa)
        try:
            start.wait(timeout=30)
            answers.append(client.post(f"/api/v1/plans/{plan.pk}/logs", body, format="json"))
        finally:
            connection.close()

    taps = [threading.Thread(target=tap) for _ in range(2)]
    for thread in taps:
        thread.start()
    for thread in taps:
        thread.join(timeout=60)

    assert sorted(answer.status_code for answer in answers) == [201, 400]
    refused = next(answer for answer in answers if answer.status_code == 400)
    assert "already logged" in refused.json()["day"][0]
    assert SessionLog.objects.filter(plan=plan).count() == 1
