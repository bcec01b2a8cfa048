"""A runner answers the Lower Extremity Functional Scale on a phone: offered on today's page on
her plan's first day, twenty activities answered by tapping, her score told back, and the
measure on the progress page with its chart; with no serious accessibility violation."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planner.engine import outcomes, schedule
from planner.models import QuestionnaireAnswer
from tests import factories
from tests.browser.conftest import Site, horizontal_overflow, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Europe/Berlin"  # the browser's zone too (tests/browser/conftest.py)


def local_today() -> date:
    return schedule.local_date(timezone.now(), ZONE)


def test_a_runner_answers_the_lefs_on_a_phone(phone: Site) -> None:
    nina = factories.person("nina")
    plan = factories.plan_for(nina, local_today(), time_zone=ZONE)
    phone.go(f"/plans/{plan.pk}/today/")
    page = phone.sign_in_here("nina", "nina-pass-4242")

    expect(page.get_by_role("heading", name="A questionnaire is due")).to_be_visible()
    page.get_by_role("link", name="Lower Extremity Functional Scale").click()
    expect(page.get_by_role("heading", name="Lower Extremity Functional Scale")).to_be_visible()
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []

    # "A little bit of difficulty" (3) everywhere but running on uneven ground (1).
    for number, item in enumerate(outcomes.LEFS_ITEMS, start=1):
        answer = "1: Quite a bit of difficulty" if number == 17 else "3: A little bit of difficulty"
        group = page.get_by_role("group", name=f"{number}. {item}")
        group.get_by_label(answer).check()
    page.get_by_role("button", name="Send my answers").click()

    expect(page).to_have_url(re.compile(r"/day/"))
    expect(page.get_by_text("your LEFS score is 58")).to_be_visible()
    assert QuestionnaireAnswer.objects.get(plan=plan).total == 58
    expect(page.get_by_role("link", name="Lower Extremity Functional Scale")).to_have_count(0)

    phone.go(f"/plans/{plan.pk}/progress/")
    chart = page.locator("img[data-chart=lefs]")
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_js_property("complete", True)
    assert int(chart.evaluate("image => image.naturalWidth")) > 0
    assert "58 of 80 at the first answer" in (chart.get_attribute("alt") or "")
