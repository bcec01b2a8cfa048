"""An exercise's steps are numbered once, by their list: no stylesheet rule adds a second number
("1. 1. Sit up", once given by the onboarding progress bar's counter on a shared class)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from exercises.models import InstructionStep
from planner.engine import schedule
from tests import factories
from tests.browser.conftest import Site

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Europe/Berlin"

# Each step's marker and what a ::before rule puts in front of it, as the browser draws them.
MARKERS = """list => [...list.querySelectorAll(":scope > li")].map(li => [
    getComputedStyle(li).listStyleType,
    getComputedStyle(li, "::before").content,
])"""


def numbers_of_each_step(page: Page) -> list[list[str]]:
    """Found by their words, whatever the markup around them."""
    lists = page.locator("ol", has=page.locator("li", has_text=FIRST_STEP))
    assert lists.count() > 0
    return [marker for i in range(lists.count()) for marker in lists.nth(i).evaluate(MARKERS)]


FIRST_STEP = "Lie on your side with your knees bent."


def test_steps_are_numbered_once_on_the_day_and_in_the_handout(phone: Site) -> None:
    user = factories.person("nina")
    start = schedule.local_date(timezone.now(), ZONE) - timedelta(days=8)
    plan = factories.plan_for(user, start, time_zone=ZONE)
    shells = plan.exercises.get(exercise__slug="clamshells").exercise
    InstructionStep.objects.create(exercise=shells, order=1, text=FIRST_STEP)
    InstructionStep.objects.create(exercise=shells, order=2, text="Lift the top knee.")
    phone.go(f"/plans/{plan.pk}/today/")
    page = phone.sign_in_here("nina", "nina-pass-4242")
    page.get_by_text("How to do it").first.click()

    day = numbers_of_each_step(page)
    page.goto(f"{phone.url}/plans/{plan.pk}/handout/")
    handout = numbers_of_each_step(page)

    for list_style, before in day + handout:
        assert list_style == "decimal" and before in ("none", "normal")
