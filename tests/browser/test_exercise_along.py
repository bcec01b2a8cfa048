"""Exercise along in a real browser: one exercise at a time with its picture, a rep counter, a
hold timer that beeps and vibrates at each hold's start and end, then one quick log for the
session that lands in the database; on a phone, with no serious accessibility violation.

The beeps and vibrations are observed by wrapping the browser's own Web Audio and Vibration
APIs before the page loads: the page calls the real ones, and each call is also written down."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from planner.engine import schedule
from planner.models import Plan, PlanExercise, SessionLog
from tests import factories
from tests.browser.conftest import RECORD_SIGNALS, Site, horizontal_overflow, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Europe/Berlin"  # the browser's zone too (tests/browser/conftest.py)


def local_today() -> date:
    return schedule.local_date(timezone.now(), ZONE)


def runner_on_day_nine() -> tuple[User, Plan]:
    """Day 9 of the plan: week 2, when the clamshells (10 per side) and the piriformis stretch
    (10 s per side) are both due."""
    user = factories.person("nina")
    plan = factories.plan_for(user, local_today() - timedelta(days=8), time_zone=ZONE)
    return user, plan


def item(plan: Plan, slug: str) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug=slug)


def open_along(site: Site, plan: Plan) -> Page:
    site.page.context.add_init_script(RECORD_SIGNALS)
    site.page.clock.install()
    page = site.go(f"/plans/{plan.pk}/today/")
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Password").fill("nina-pass-4242")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Exercise along").click()
    expect(page.get_by_role("heading", name="Exercise along", level=1)).to_be_visible()
    return page


def signals(page: Page) -> list[Any]:
    return list(page.evaluate("window.signals"))


def test_a_session_done_along_is_counted_timed_signalled_and_logged_at_once(phone: Site) -> None:
    _, plan = runner_on_day_nine()
    shells, stretch = item(plan, "clamshells"), item(plan, "piriformis-stretch")
    page = open_along(phone, plan)
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Begin: 2 exercises").click()

    # Clamshells: 10 per side, counted by taps; the other side follows without a rest.
    current = page.locator(f"[data-item='{shells.pk}']")
    expect(current.get_by_role("heading", name="Clamshells")).to_be_visible()
    expect(page.locator(f"[data-item='{stretch.pk}']")).to_be_hidden()
    expect(current.locator("[data-round]")).to_have_text("Set 1 of 1, first side")
    tap = current.get_by_role("button", name="Tap for each rep")
    for _ in range(10):
        tap.click()
    expect(current.locator("[data-status]")).to_have_text("Now the other side.")
    expect(current.locator("[data-rep-display]")).to_have_text("0 of 10")
    for _ in range(10):
        tap.click()
    expect(current.locator("[data-round]")).to_have_text("All sets done.")
    assert signals(page) == [["wake-lock", "screen"], ["beep", 880], ["vibrate", "[200,100,200]"]]
    assert serious_violations(page) == []
    current.get_by_role("button", name="Done: next").click()

    # The stretch: each side one hold of 10 s, with a beep and a vibration as it starts and ends.
    current = page.locator(f"[data-item='{stretch.pk}']")
    expect(current.get_by_role("heading", name="Piriformis stretch")).to_be_visible()
    hold = current.get_by_role("button", name="Start the hold")
    hold.click()
    page.clock.run_for(4_000)
    expect(current.locator("[data-hold-display]")).to_have_text("6 s")
    page.clock.run_for(6_500)
    expect(current.locator("[data-status]")).to_have_text("Now the other side.")
    hold.click()
    page.clock.run_for(10_500)
    expect(current.locator("[data-round]")).to_have_text("All sets done.")
    start, end = [["beep", 660], ["vibrate", "120"]], [["beep", 880], ["vibrate", "[200,100,200]"]]
    assert signals(page)[3:] == start + end + start + end
    current.get_by_role("button", name="Done: next").click()

    # One quick log for the session, filled in from what was counted.
    log = page.locator("[data-along-log]")
    expect(log).to_be_visible()
    assert log.get_by_label("Done (Clamshells)", exact=True).is_checked()
    assert log.get_by_label("Done (Piriformis stretch)", exact=True).is_checked()
    assert log.get_by_label("Reps per set done (Clamshells)").input_value() == ""
    log.get_by_label("Pain during (0 to 10) (Clamshells)").select_option("2")
    log.get_by_label("Pain during (0 to 10) (Piriformis stretch)").select_option("1")
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []
    log.get_by_role("button", name="Save the session").click()

    page.wait_for_url(f"**/plans/{plan.pk}/day/{local_today().isoformat()}/")
    expect(page.locator(".messages")).to_contain_text("Clamshells:")
    logs = {log.plan_exercise_id: log for log in SessionLog.objects.filter(plan=plan)}
    assert {(pk, log.done, log.partial, log.pain_during) for pk, log in logs.items()} == {
        (shells.pk, True, False, 2),
        (stretch.pk, True, False, 1),
    }
    # Everything logged: the day offers exercise-along no more.
    expect(page.get_by_role("link", name="Exercise along")).to_have_count(0)


def test_stopping_early_logs_what_was_done_as_partial_and_a_skip_as_not_done(
    phone: Site,
) -> None:
    _, plan = runner_on_day_nine()
    shells, stretch = item(plan, "clamshells"), item(plan, "piriformis-stretch")
    page = open_along(phone, plan)
    page.get_by_role("button", name="Begin: 2 exercises").click()
    current = page.locator(f"[data-item='{shells.pk}']")
    for _ in range(6):
        current.get_by_role("button", name="Tap for each rep").click()
    current.get_by_role("button", name="Done: next").click()
    page.locator(f"[data-item='{stretch.pk}']").get_by_role("button", name="Skip this one").click()

    log = page.locator("[data-along-log]")
    # 6 reps of the first side, none of the second: 3 per set over the two sides due.
    assert log.get_by_label("Reps per set done (Clamshells)").input_value() == "3"
    assert not log.get_by_label("Done (Piriformis stretch)", exact=True).is_checked()
    log.get_by_role("button", name="Save the session").click()
    page.wait_for_url(f"**/plans/{plan.pk}/day/**")

    saved = {log.plan_exercise_id: log for log in SessionLog.objects.filter(plan=plan)}
    assert (saved[shells.pk].done, saved[shells.pk].partial, saved[shells.pk].amount_done) == (
        True,
        True,
        3,
    )
    assert saved[stretch.pk].done is False
