"""The demo runner's own pages show the living plan `setup_demo` makes."""

from __future__ import annotations

import re
from datetime import timedelta
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
    first = "Side leg lifts</strong>: 1 set of 15 per side, hold 5 s <"
    assert first in weeks[0] and first not in current[0]
    assert "Side leg lifts</strong>: 1 set of" in weeks[-1]  # the dose expected in the last week
    # The therapist is linked since the evening before the plan started; her inbox holds
    # today's reminder (its page as a link) and the therapist's message.
    inbox = client.get("/notifications/").content.decode()
    since = plan.start_date - timedelta(days=1)
    assert f"Theo Marsh</strong>, since {since:%-d %B %Y}." in inbox
    assert "Your exercises for today" in inbox and "New message from Theo Marsh" in inbox
    assert not re.findall(r">[^<]*https?://[^<]*<", inbox)  # addresses only in links
    # The progress page tells of the flare's step back with its reason.
    progress = client.get(f"/plans/{plan.pk}/progress/").content.decode()
    assert "pain 7/10 during" in progress and "Step back" in progress
