"""The demo runner's own pages show the living plan `setup_demo` makes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from planner.models import Plan

pytestmark = pytest.mark.django_db


def test_the_demo_runner_sees_a_plan_weeks_in_that_has_stepped_up(
    client: Client, catalog: object
) -> None:
    call_command("setup_demo", stdout=StringIO())
    runner = User.objects.get(username="demo-runner")
    plan = Plan.objects.get(user=runner)
    client.force_login(runner)
    listing = client.get("/plans/").content.decode()
    assert plan.program.name in listing and f'href="/plans/{plan.pk}/"' in listing
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    weeks = page.split("<h3>Week ")[1:]
    current = [week for week in weeks if "This week" in week]
    assert len(current) == 1 and current[0].startswith("4 ")
    # The first week shows the first dose, this week a higher one the engine stepped up to.
    assert "Clamshells</strong>: 1 set of 10 per side <" in weeks[0]
    assert "Clamshells</strong>: 1 set of 10 per side <" not in current[0]
    assert "Clamshells</strong>: 1 set of" in weeks[-1]  # the dose expected in the last week
    # Reminders from the demo run are on; the therapist's link shows on the notifications page.
    assert "Theo Marsh</strong>, since" in client.get("/notifications/").content.decode()
