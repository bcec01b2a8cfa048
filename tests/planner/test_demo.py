"""The demo a newcomer meets: a runner three weeks into a plan that has already adapted."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from planner.access import is_linked, is_therapist
from planner.models import DoseChange, Plan, SessionLog


def run_demo() -> str:
    out = StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue()


def test_the_demo_runner_is_weeks_into_a_plan_with_logs_and_a_dose_change(
    catalog: object,
) -> None:
    printed = run_demo()

    plan = Plan.objects.get(user__username="demo-runner")
    assert plan.status == "active"
    assert SessionLog.objects.filter(plan=plan).count() >= 15
    assert DoseChange.objects.filter(plan_exercise__plan=plan, action="progress").exists()
    therapist = plan.assigned_by
    assert therapist is not None and is_therapist(therapist)
    assert is_linked(therapist, plan.user)
    password = printed.split("username demo-runner, password ")[1].split()[0]
    assert authenticate(username="demo-runner", password=password) is not None


def test_running_it_again_keeps_one_plan_and_prints_fresh_logins(catalog: object) -> None:
    first = run_demo()
    second = run_demo()

    assert Plan.objects.filter(user__username="demo-runner").count() == 1
    assert first != second


def test_there_is_no_demo_in_production(settings: object, db: None) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="never created in production"):
        run_demo()
