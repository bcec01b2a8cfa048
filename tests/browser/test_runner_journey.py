"""The whole runner journey in one browser: sign-up, where it hurts, the warning-sign
questions, a condition and its program, the start, the first session logged on the day's page,
and that session seen on the progress page."""

from __future__ import annotations

import re

import pytest

from planner.models import Plan, SessionLog
from planner.programs.catalog import load_catalog
from tests.browser.conftest import Site, horizontal_overflow
from tests.browser.test_onboarding import onboard

pytestmark = pytest.mark.django_db(transaction=True)


def test_from_sign_up_to_a_first_session_on_the_progress_page(phone: Site) -> None:
    load_catalog()
    plan_id = onboard(phone, "nina")
    page = phone.page
    page.get_by_role("link", name="Today's exercises").click()
    page.wait_for_url(re.compile(rf"/plans/{plan_id}/day/\d{{4}}-\d\d-\d\d/$"))

    page.evaluate("window.stillTheSamePage = true")
    card = page.locator(".exercise-card").first
    name = card.get_by_role("heading").first.inner_text()
    card.get_by_label("Pain during (0 to 10)").select_option("2")
    card.get_by_role("button", name="Save as done", exact=True).click()
    card = page.locator(".exercise-card").first
    card.get_by_text(re.compile(r"Logged: done, pain during 2/10")).wait_for()
    assert page.evaluate("window.stillTheSamePage") is True
    assert horizontal_overflow(page) == 0

    plan = Plan.objects.get(pk=plan_id)
    log = SessionLog.objects.get(plan=plan)
    assert (log.done, log.pain_during) == (True, 2)
    assert log.plan_exercise.exercise.name in name
    # Runner's knee has several exercises a day: the day is done once each is logged.
    for other in page.locator(".exercise-card").all()[1:]:
        other.get_by_label("Pain during (0 to 10)").select_option("1")
        other.get_by_role("button", name="Save as done", exact=True).click()
        other.get_by_text(re.compile(r"Logged: done, pain during 1/10")).wait_for()

    page.get_by_role("link", name="See progress").click()
    page.wait_for_url(re.compile(rf"/plans/{plan_id}/progress/$"))
    done_day = page.locator(f'td[data-day="{log.day.isoformat()}"]')
    assert done_day.get_attribute("data-state") == "done"
    assert "last 2/10" in (page.locator("img[data-chart=pain]").get_attribute("alt") or "")
    assert horizontal_overflow(page) == 0
