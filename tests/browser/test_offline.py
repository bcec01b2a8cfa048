"""The planner with no network, in a real Chromium (planner.pages.app, app.js, the service
worker): today's page and its pictures open with the network cut, a session logged offline
waits on the device and is stored exactly once when the network returns, a day logged
elsewhere meanwhile is shown as a conflict, the install offer is a runner's only, and signing
out leaves nothing of the runner's on the device."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from planner.engine import schedule
from planner.models import Plan, PlanExercise, SessionLog
from planner.plans import sessions
from tests import factories
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    Site,
    horizontal_overflow,
    serious_violations,
)
from tests.personas import therapist

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Europe/Berlin"  # the browser's zone too (tests/browser/conftest.py)
SHOTS = "var/screenshots"


def local_today() -> date:
    return schedule.local_date(timezone.now(), ZONE)


def runner_with_plan() -> tuple[User, Plan]:
    user = factories.person("nina")
    plan = factories.plan_for(user, local_today() - timedelta(days=3), time_zone=ZONE)
    return user, plan


def item(plan: Plan, slug: str) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug=slug)


def today_kept(site: Site, plan: Plan) -> Page:
    """Signed in on today's page, once the worker has kept the week's days."""
    site.go(f"/plans/{plan.pk}/today/")
    page = site.sign_in_here("nina", "nina-pass-4242")
    page.locator("html[data-offline=kept]").wait_for(state="attached")
    return page


def runner_caches(page: Page) -> Any:
    return page.evaluate(
        "caches.keys().then(names => names.filter(n => n.startsWith('planner-runner-')))"
    )


def test_today_opens_offline_and_a_session_logged_there_is_stored_once(phone: Site) -> None:
    _, plan = runner_with_plan()
    shells = item(plan, "clamshells")
    page = today_kept(phone, plan)

    page.context.set_offline(True)
    page.reload()

    assert page.get_by_role("heading", level=1).inner_text().endswith("today")
    card = page.locator(f"#card-{shells.pk}")
    expect(card.get_by_role("heading", name="Clamshells")).to_be_visible()
    picture = card.locator(".exercise-picture img")
    picture.scroll_into_view_if_needed()
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("image => image.naturalWidth") > 0

    card.get_by_label("Pain during (0 to 10)").select_option("2")
    card.get_by_role("button", name="Save as done", exact=True).click()
    expect(card.locator(".offline-note")).to_contain_text("Saved on this device")
    assert not SessionLog.objects.filter(plan=plan).exists()
    page.screenshot(path=f"{SHOTS}/offline-waiting-375.png", full_page=True)
    assert horizontal_overflow(page) == 0

    # A warning sign with no network is not queued (it stops the plan and alerts the
    # therapist): the page says it was not sent, and whom to call.
    page.get_by_role("button", name="Report this sign and stop").click()
    expect(page.locator("#warning-sign .offline-note")).to_contain_text(
        "No connection: this was not sent."
    )
    expect(page.locator("#warning-sign .offline-note")).to_contain_text(
        "call your doctor, or the emergency number (112) now"
    )

    # A page never kept: the offline page, which says so.
    page.goto(f"{phone.url}/plans/{plan.pk}/progress/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection")
    page.screenshot(path=f"{SHOTS}/offline-page-375.png", full_page=True)
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []
    # Where the installed app opens (the manifest's start): today's kept page.
    page.goto(f"{phone.url}/home/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("today")
    card = page.locator(f"#card-{shells.pk}")
    expect(card.locator(".offline-note")).to_contain_text("Saved on this device")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")

    expect(card.locator(".offline-note")).to_contain_text("Sent: your log is saved.")
    log = SessionLog.objects.get(plan=plan)
    assert (log.plan_exercise_id, log.day, log.done, log.pain_during) == (
        shells.pk,
        local_today(),
        True,
        2,
    )
    assert log.client_id is not None
    # Opened again (the device's store emptied once it was sent): still one log.
    page.reload()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(card).to_contain_text("Logged: done, pain during 2/10.")
    assert SessionLog.objects.filter(plan=plan).count() == 1


# The one error the browser reports that is the test's point: the server's 409 for the log.
CONFLICT_ANSWERED = "the server responded with a status of 409 (Conflict)"


@pytest.fixture
def site_told_of_a_conflict(browser: Browser, live_server: Any) -> Iterator[Site]:
    """A desktop tab like conftest's `site`, which fails on any error the browser reports but
    the 409 the conflict is answered with."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id=ZONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    yield Site(url=live_server.url, page=page)
    context.close()
    assert [error for error in errors if CONFLICT_ANSWERED not in error] == []
    assert len(errors) == 1


def test_a_day_logged_elsewhere_meanwhile_is_shown_not_lost(
    site_told_of_a_conflict: Site,
) -> None:
    site = site_told_of_a_conflict
    user, plan = runner_with_plan()
    shells = item(plan, "clamshells")
    page = today_kept(site, plan)

    page.context.set_offline(True)
    page.reload()
    card = page.locator(f"#card-{shells.pk}")
    card.get_by_label("Pain during (0 to 10)").select_option("4")
    card.get_by_role("button", name="Save as done", exact=True).click()
    expect(card.locator(".offline-note")).to_contain_text("Saved on this device")
    # Meanwhile, on the laptop: the same day logged with another pain.
    sessions.log_session(
        runner=user,
        plan_id=plan.pk,
        plan_exercise_id=shells.pk,
        day=local_today(),
        entry=sessions.Entry(done=True, pain_during=1),
        now=timezone.now(),
    )

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")

    conflict = page.locator(".offline-conflict")
    expect(conflict).to_contain_text("Clamshells: logged twice, differently")
    expect(conflict).to_contain_text("Saved: done, pain during 1/10.")
    expect(conflict).to_contain_text("On this device: done, pain during 4/10.")
    expect(card.locator(".offline-note")).to_contain_text("Not saved: see above")
    page.screenshot(path=f"{SHOTS}/offline-conflict-1280.png", full_page=True)
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{SHOTS}/offline-conflict-375.png", full_page=True)
    assert horizontal_overflow(page) == 0
    page.set_viewport_size(DESKTOP)
    # Still there when the page is opened again: kept on the device until she decides.
    page.reload()
    expect(page.locator(".offline-conflict")).to_contain_text("logged twice, differently")
    assert SessionLog.objects.get(plan=plan).pain_during == 1

    page.get_by_role("button", name="Keep this device's log").click()

    page.get_by_text("Logged: done, pain during 4/10.").wait_for()
    expect(page.locator(".offline-conflict")).to_have_count(0)
    assert SessionLog.objects.get(plan=plan).pain_during == 4


def test_signing_out_leaves_nothing_of_the_runners_on_the_device(site: Site) -> None:
    _, plan = runner_with_plan()
    page = today_kept(site, plan)
    assert len(runner_caches(page)) == 1

    page.get_by_role("button", name="Sign out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()
    page.locator("html[data-cleared=yes]").wait_for(state="attached")

    assert runner_caches(page) == []
    assert page.evaluate("indexedDB.databases().then(dbs => dbs.map(db => db.name))") == []


def test_another_runner_on_the_same_browser_finds_nothing_of_the_first(site: Site) -> None:
    """Signed out only on the server (her session ended): the next runner's day page empties
    the first runner's cache before keeping her own days."""
    _, plan = runner_with_plan()
    page = today_kept(site, plan)
    first = runner_caches(page)
    other = factories.person("ola")
    their_plan = factories.plan_for(other, local_today() - timedelta(days=2), time_zone=ZONE)

    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    site.go(f"/plans/{their_plan.pk}/today/")
    site.sign_in_here("ola", "ola-pass-4242")
    page.locator("html[data-offline=kept]").wait_for(state="attached")

    kept = runner_caches(page)
    assert len(kept) == 1 and kept != first
    kept_urls = page.evaluate(
        "name => caches.open(name).then(c => c.keys()).then(ks => ks.map(k => k.url))", kept[0]
    )
    assert not [url for url in kept_urls if f"/plans/{plan.pk}/" in url]
    assert [url for url in kept_urls if f"/plans/{their_plan.pk}/day/" in url]


def test_signing_out_with_a_log_not_taken_asks_before_discarding_it(
    site_told_of_a_conflict: Site,
) -> None:
    user, plan = runner_with_plan()
    shells = item(plan, "clamshells")
    page = today_kept(site_told_of_a_conflict, plan)
    page.context.set_offline(True)
    card = page.locator(f"#card-{shells.pk}")
    card.get_by_role("button", name="Save as done", exact=True).click()
    expect(card.locator(".offline-note")).to_contain_text("Saved on this device")
    sessions.log_session(
        runner=user,
        plan_id=plan.pk,
        plan_exercise_id=shells.pk,
        day=local_today(),
        entry=sessions.Entry(done=False),
        now=timezone.now(),
    )
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".offline-conflict")).to_contain_text("logged twice, differently")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="Sign out").click()
    page.locator("html[data-cleared=yes]").wait_for(state="attached")

    assert asked == [
        "1 session log made on this device could not be sent. Sign out and discard it?"
    ]
    assert runner_caches(page) == []
    assert page.evaluate("indexedDB.databases().then(dbs => dbs.map(db => db.name))") == []


INSTALL_OFFERED = """
const event = new Event("beforeinstallprompt", { cancelable: true });
event.prompt = () => { window.prompted = true; };
event.userChoice = Promise.resolve({ outcome: "accepted" });
window.dispatchEvent(event);
"""


def test_a_runner_is_offered_to_install_the_app_and_can_say_not_now(phone: Site) -> None:
    _, plan = runner_with_plan()
    page = today_kept(phone, plan)
    offer = page.locator("[data-install]")
    expect(offer).to_be_hidden()
    # Chromium's own verdict on the manifest, its icons and the worker: nothing wrong but the
    # test's browser context, which is off the record as every Playwright context is.
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []

    page.evaluate(INSTALL_OFFERED)
    expect(offer).to_be_visible()
    page.screenshot(path=f"{SHOTS}/install-offer-375.png")
    assert horizontal_overflow(page) == 0
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=f"{SHOTS}/install-offer-1280.png")
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Install the app").click()
    assert page.evaluate("window.prompted") is True
    expect(offer).to_be_hidden()

    page.reload()
    page.evaluate(INSTALL_OFFERED)
    expect(offer).to_be_visible()
    page.get_by_role("button", name="Not now").click()
    page.reload()
    page.evaluate(INSTALL_OFFERED)
    expect(offer).to_be_hidden()


def test_a_therapist_is_not_offered_the_app(site: Site) -> None:
    therapist("theo")
    site.sign_in("theo", "theo-pass-4242")
    assert site.page.locator("[data-install]").count() == 0
