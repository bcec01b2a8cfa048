"""A runner's day in a real browser: checking off an exercise saves in place, the decision shows,
the session appears on the progress page, the morning question is asked the day after, and the
hold timer counts down; on a phone, with no serious accessibility violation."""

from __future__ import annotations

from datetime import date, timedelta

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


def runner_with_plan(days_ago: int) -> tuple[User, Plan]:
    user = factories.person("nina")
    plan = factories.plan_for(user, local_today() - timedelta(days=days_ago), time_zone=ZONE)
    return user, plan


def sign_in_to(site: Site, username: str, path: str) -> Page:
    """Open a private page signed out, sign in on the page it sends to, and come back (the
    planner sends people where they were going)."""
    site.go(path)
    return site.sign_in_here(username, f"{username}-pass-4242")


def chart_loaded(page: Page, kind: str) -> int:
    """The chart image's natural width once loaded: 0 when the browser could not draw it."""
    image = page.locator(f"img[data-chart={kind}]")
    image.scroll_into_view_if_needed()
    expect(image).to_have_js_property("complete", True)
    return int(image.evaluate("image => image.naturalWidth"))


def item(plan: Plan, slug: str) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug=slug)


def test_a_first_session_is_logged_in_place_and_shows_on_the_progress_page(phone: Site) -> None:
    _, plan = runner_with_plan(3)
    page = sign_in_to(phone, "nina", f"/plans/{plan.pk}/today/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("today")
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []

    page.evaluate("window.stillTheSamePage = true")
    card = page.locator(f"#card-{item(plan, 'clamshells').pk}")
    card.get_by_label("Pain during (0 to 10)").select_option("3")
    card.get_by_role("button", name="Save as done", exact=True).click()

    page.get_by_text("Held at 10 per side").wait_for()
    assert page.evaluate("window.stillTheSamePage") is True
    assert "Logged: done, pain during 3/10." in page.locator(".exercise-card").inner_text()
    log = SessionLog.objects.get(plan=plan, day=local_today())
    assert (log.done, log.pain_during) == (True, 3)
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []

    page.get_by_role("link", name="See progress").click()
    today_cell = page.locator(f'td[data-day="{local_today().isoformat()}"]')
    assert today_cell.get_attribute("data-state") == "done"
    assert "Done, today" in today_cell.inner_text()
    assert chart_loaded(page, "pain") > 0
    assert "last 3/10" in (page.locator("img[data-chart=pain]").get_attribute("alt") or "")
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []


def test_the_morning_after_asks_how_it_is_and_saves_in_place(phone: Site) -> None:
    _, plan = runner_with_plan(3)
    shells = item(plan, "clamshells")
    yesterday = local_today() - timedelta(days=1)
    factories.log_session(
        plan=plan, plan_exercise=shells, day=yesterday, today=yesterday, done=True, pain_during=2
    )
    page = sign_in_to(phone, "nina", f"/plans/{plan.pk}/today/")
    page.evaluate("window.stillTheSamePage = true")

    morning = page.get_by_role("region", name="How is it this morning?")
    morning.get_by_label("Pain this morning (0 to 10)").select_option("1")
    morning.get_by_role("button", name="Save this morning's pain").click()

    page.get_by_text("Recorded: pain 1/10 this morning.").wait_for()
    assert page.evaluate("window.stillTheSamePage") is True
    assert SessionLog.objects.get(plan_exercise=shells, day=yesterday).pain_next_morning == 1
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []


def test_the_hold_timer_counts_down_and_announces_the_end(site: Site) -> None:
    # Day 9 of the plan: week 2, when the piriformis stretch (held 10 s) is due.
    _, plan = runner_with_plan(8)
    stretch = item(plan, "piriformis-stretch")
    site.page.context.add_init_script(RECORD_SIGNALS)
    site.page.clock.install()
    page = sign_in_to(site, "nina", f"/plans/{plan.pk}/today/")
    timer = page.locator(f"#card-{stretch.pk} [data-timer]")
    display = timer.locator("[data-timer-display]")
    status = timer.locator("[data-timer-status]")
    assert display.inner_text() == "10 s"
    assert status.get_attribute("aria-live") == "assertive"

    timer.get_by_role("button", name="Start").click()
    page.clock.run_for(4_000)
    assert display.inner_text() == "6 s"
    timer.get_by_role("button", name="Pause").click()
    page.clock.run_for(3_000)
    assert display.inner_text() == "6 s"
    assert status.inner_text() == "Paused with 6 s to go."
    timer.get_by_role("button", name="Start").click()
    page.clock.run_for(6_000)
    assert display.inner_text() == "0 s"
    assert status.inner_text() == "Time is up: release the hold."
    # A runner lying on the floor hears and feels it: a beep and a buzz as each hold starts
    # (twice: it was paused), a longer beep and two buzzes as it ends.
    start, end = [["beep", 660], ["vibrate", "120"]], [["beep", 880], ["vibrate", "[200,100,200]"]]
    assert page.evaluate("window.signals") == start + start + end
    timer.get_by_role("button", name="Reset").click()
    assert display.inner_text() == "10 s"
    assert serious_violations(page) == []


def test_a_partial_session_is_logged_in_place_and_shown_as_partial(phone: Site) -> None:
    _, plan = runner_with_plan(3)
    shells = item(plan, "clamshells")
    page = sign_in_to(phone, "nina", f"/plans/{plan.pk}/today/")
    page.evaluate("window.stillTheSamePage = true")
    card = page.locator(f"#card-{shells.pk}")
    # Nothing is ticked before anything is done: there is no box to tick at all.
    assert card.get_by_role("checkbox").count() == 0

    card.get_by_label("Reps per set done").fill("6")
    card.get_by_label("Pain during (0 to 10)").select_option("7")
    card.get_by_role("button", name="Save as done", exact=True).click()

    card = page.locator(f"#card-{shells.pk}")
    card.get_by_text("Logged: partial, 6 of 10 per side, pain during 7/10.").wait_for()
    assert page.evaluate("window.stillTheSamePage") is True
    assert card.locator(".badge", has_text="Partial").is_visible()
    # Pain above the rule: a warning box of its own, announced, with what to do.
    warning = card.get_by_role("alert").filter(has_text="Pain above the limit: 7/10")
    assert warning.is_visible()
    assert "What to do:" in warning.inner_text()
    assert "Logged:" not in warning.inner_text()
    log = SessionLog.objects.get(plan_exercise=shells, day=local_today())
    assert (log.done, log.partial, log.amount_done) == (True, True, 6)
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []

    page.get_by_role("link", name="See progress").click()
    today_cell = page.locator(f'td[data-day="{local_today().isoformat()}"]')
    assert today_cell.get_attribute("data-state") == "partial"
    assert "Partial, today" in today_cell.inner_text()
    assert "1 partial" in page.locator("dl.facts").first.inner_text()


def test_a_warning_sign_reported_after_the_first_save_stops_the_plan(site: Site) -> None:
    _, plan = runner_with_plan(3)
    shells = item(plan, "clamshells")
    flag = factories.calf_swelling()
    page = sign_in_to(site, "nina", f"/plans/{plan.pk}/today/")
    card = page.locator(f"#card-{shells.pk}")
    card.get_by_label("Pain during (0 to 10)").select_option("2")
    card.get_by_role("button", name="Save as done", exact=True).click()
    card.get_by_text("Logged: done, pain during 2/10.").wait_for()

    # The session saved once: the day's warning-sign question is still there, asked once.
    question = page.get_by_role("region", name="Did you notice a warning sign?")
    assert page.get_by_label("The warning sign you noticed").count() == 1
    question.get_by_label("The warning sign you noticed").select_option(flag.slug)
    question.get_by_role("button", name="Report this sign and stop").click()

    stop = page.get_by_role("alert").filter(has_text="Get help now")
    stop.get_by_role("heading", name="Get help now").wait_for()
    assert "This may be a blood clot (DVT): seek emergency care." in stop.inner_text()
    assert page.locator(".exercise-card form").count() == 0
    plan.refresh_from_db()
    assert plan.status == Plan.Status.STOPPED
    assert plan.red_flag_reports.get().red_flag == flag
    assert serious_violations(page) == []
