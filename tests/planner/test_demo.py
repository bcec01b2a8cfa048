"""The demo a newcomer meets: a runner three weeks into a plan that has already adapted."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from planner.access import is_linked, is_therapist
from planner.engine import schedule
from planner.models import Alert, CareLink, DoseChange, Notification, Plan, SessionLog


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


def test_the_demo_runners_weeks_show_what_the_engine_does(catalog: object) -> None:
    run_demo()

    plan = Plan.objects.get(user__username="demo-runner")
    start = plan.start_date
    changes = DoseChange.objects.filter(plan_exercise__plan=plan)
    # A flare on day 15 steps its exercise back from the next day, saying why.
    back = changes.get(action="step_back")
    assert back.effective_on == start + timedelta(days=16)
    assert "pain 7/10" in back.reason and "above the 5/10 limit" in back.reason
    # Borderline pain on day 9 holds that exercise: no change the day after.
    borderline = SessionLog.objects.get(plan=plan, pain_during=4)
    assert borderline.day == start + timedelta(days=9)
    assert not changes.filter(
        plan_exercise=borderline.plan_exercise, effective_on=borderline.day + timedelta(days=1)
    ).exists()
    # A day missed, mornings rated, and this morning's rating still to give.
    assert not SessionLog.objects.filter(plan=plan, day=start + timedelta(days=12)).exists()
    assert SessionLog.objects.filter(plan=plan, pain_next_morning__isnull=False).count() >= 15
    yesterday = schedule.local_date(timezone.now(), plan.time_zone) - timedelta(days=1)
    assert SessionLog.objects.filter(plan=plan, day=yesterday, pain_next_morning=None).exists()
    # The flare told her therapist, who answered; today's reminder and a message wait.
    assert Alert.objects.get(runner=plan.user).acknowledged_by == plan.assigned_by
    inbox = Notification.objects.filter(user=plan.user, read_at=None)
    assert inbox.filter(title="Your exercises for today").exists()
    assert inbox.filter(title="New message from Theo Marsh").exists()
    # Linked since the evening the plan was assigned, not since the demo was made.
    link = CareLink.objects.get(therapist=plan.assigned_by, runner=plan.user)
    assert link.responded_at is not None
    assert link.responded_at.date() == start - timedelta(days=1)


def test_the_demo_therapists_patients_are_in_different_states(
    client: Client, catalog: object
) -> None:
    run_demo()

    client.force_login(User.objects.get(username="demo-therapist"))
    page = client.get("/patients/").content.decode()
    order = [page.index(name) for name in ("Omar Haddad", "Sam Keller", "Nina Ortiz")]
    # The open alert first, then the patient who stopped logging, then those doing well.
    assert order == sorted(order)
    omar, sam = page.split("Omar Haddad")[1], page.split("Sam Keller")[1]
    assert "1 alert to acknowledge" in omar.split("Sam Keller")[0]
    assert "missed sessions" in sam.split("Nina Ortiz")[0]
    priya = page.split("Priya Shah")[1]
    assert "100%" in priya
    assert Plan.objects.get(user__username="demo-patient-omar").status == "stopped"


def test_running_it_again_keeps_one_plan_and_prints_fresh_logins(catalog: object) -> None:
    first = run_demo()
    second = run_demo()

    assert Plan.objects.filter(user__username="demo-runner").count() == 1
    assert Plan.objects.filter(user__username__startswith="demo-patient-").count() == 3
    assert first != second


def test_there_is_no_demo_in_production(settings: object, db: None) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="never created in production"):
        run_demo()
