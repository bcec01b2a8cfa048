"""Every main page as a runner and a therapist see it, on a 375-pixel phone and a 1280-pixel
desktop: a full-page screenshot of each is saved under var/screenshots/ (which CI keeps, and
bin/test names at the end) for a person to look at, and each page is checked for what anyone
would notice at once: one visible main heading, nothing scrolling sideways on the phone, the
desktop's width used, and today's page short enough to take in on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page

from conditions.models import RedFlag
from planner.care import messages
from planner.engine import schedule
from planner.models import CareLink, Plan, Program, Screening
from planner.plans import daily, lifecycle
from planner.programs.catalog import load_catalog
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, Site, open_site
from tests.browser.test_onboarding import answer_screening
from tests.personas import therapist

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Europe/Berlin"  # the browser's zone too (tests/browser/conftest.py)
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PROGRAM = "it-band-syndrome-home-program"
# The IT band program's days alternate four exercises and one: day 10 is a four-exercise day,
# the longest today's page gets.
DAYS_IN = 10
# Today's page for four exercises on a phone, at most, with a check-in, questionnaires and the
# morning question due as well: it was 8,050 pixels here with every field and the 14-sign list
# on each card.
TODAY_AT_MOST = 4400


@dataclass
class Cast:
    nina: User  # a runner ten days into her plan, with a therapist
    plan: Plan
    rosa: User  # a new runner on her way in
    sam: User  # a runner who reported an emergency sign
    theo: User  # nina's therapist


def local_today() -> Any:
    return schedule.local_date(timezone.now(), ZONE)


def cast() -> Cast:
    load_catalog()
    theo = therapist("theo")
    nina = factories.person("nina")
    CareLink.objects.create(therapist=theo, runner=nina, status=CareLink.Status.ACTIVE)
    today = local_today()
    factories.screened(nina, timezone.now() - timedelta(days=DAYS_IN + 1))
    plan = lifecycle.start_plan(
        user=nina,
        program=Program.objects.get(slug=PROGRAM),
        start_date=today - timedelta(days=DAYS_IN),
        time_zone=ZONE,
        now=timezone.now() - timedelta(days=DAYS_IN),
    )
    # A realistic fortnight: mostly done, pain easing, one day missed.
    for back in range(DAYS_IN, 0, -1):
        day = today - timedelta(days=back)
        for due in daily.plan_day(plan, day).exercises:
            factories.log_session(
                plan=plan,
                plan_exercise=due.plan_exercise,
                day=day,
                today=day,
                done=back != 4,
                pain_during=min(5, 1 + back // 3) if back != 4 else None,
                difficulty=3,
            )
    # Today's first exercise is logged already: its card offers the correction's longer buttons.
    first = daily.plan_day(plan, today).exercises[0].plan_exercise
    factories.log_session(
        plan=plan, plan_exercise=first, day=today, today=today, done=True, pain_during=2
    )
    conversation = messages.with_runner(theo, nina.pk)
    messages.post(theo, conversation.pk, "How did the clamshells feel this week?", timezone.now())
    rosa = factories.person("rosa")
    sam = factories.person("sam")
    sign = RedFlag.objects.filter(urgency=RedFlag.Urgency.EMERGENCY).order_by("sign").first()
    assert sign is not None
    Screening.objects.create(
        user=sam,
        answers={sign.slug: True},
        verdict=Screening.Verdict.EMERGENCY,
        answered_at=timezone.now(),
    )
    return Cast(nina=nina, plan=Plan.objects.get(pk=plan.pk), rosa=rosa, sam=sam, theo=theo)


def looked_at(page: Page, name: str, width: int) -> int:
    """Save the page's screenshot and check what a person notices first; its height back."""
    page.wait_for_load_state("networkidle")
    # Down to the bottom and back, so that lazily loaded pictures are in the screenshot.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    headings = page.locator("main h1")
    assert headings.count() == 1, f"{name}: one main heading"
    assert headings.first.is_visible(), f"{name}: the heading is visible"
    scroll_width = int(page.evaluate("document.scrollingElement.scrollWidth"))
    assert scroll_width <= width, f"{name} at {width} px scrolls sideways ({scroll_width} px)"
    if width == DESKTOP["width"]:
        # The content takes the desktop's width, not a narrow column in the middle of it.
        main = page.locator("main").bounding_box()
        assert main is not None and main["width"] >= 0.7 * width, f"{name}: {main}"
    height = int(page.evaluate("document.scrollingElement.scrollHeight"))
    with (SHOTS / f"heights-{width}.txt").open("a") as heights:
        heights.write(f"{name}: {height} px\n")
    return height


def runner_pages(site: Site, people: Cast, width: int) -> None:
    page = site.go("/")
    looked_at(page, "landing", width)
    page = site.go("/accounts/login/")
    looked_at(page, "sign-in", width)
    # A runner with a running plan signs in straight to today's exercises.
    page = site.sign_in_here("nina", "nina-pass-4242")
    assert re.search(r"/plans/\d+/day/\d{4}-\d\d-\d\d/$", page.url), page.url
    height = looked_at(page, "today", width)
    assert page.locator(".exercise-card").count() == 4
    pain_so_far = page.locator(".day-progress")
    if width == PHONE["width"]:
        assert height <= TODAY_AT_MOST, f"today's page is {height} px on a phone"
        assert not pain_so_far.is_visible()  # "See progress" heads the page instead
    else:
        # Today and progress side by side: the pain so far, drawn, beside the exercises.
        chart = pain_so_far.get_by_role("img", name=re.compile("Pain during exercise"))
        chart.scroll_into_view_if_needed()
        assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
        beside = pain_so_far.bounding_box()
        exercises_box = page.locator(".day-exercises").bounding_box()
        assert beside is not None and exercises_box is not None
        assert beside["x"] >= exercises_box["x"] + exercises_box["width"]
        # The exercises on the left, what else the day asks (a warning sign) beside them.
        exercises = page.locator(".day-exercises").bounding_box()
        question = page.locator("#warning-sign").bounding_box()
        assert exercises is not None and question is not None
        assert question["x"] >= exercises["x"] + exercises["width"]
        assert question["y"] < exercises["y"] + exercises["height"]
    plan = people.plan.pk
    for name, path in (
        ("progress", f"/plans/{plan}/progress/"),
        ("plan", f"/plans/{plan}/"),
        ("my-plans", "/plans/"),
        ("account", "/account/"),
        ("messages", "/messages/"),
    ):
        looked_at(site.go(path), name, width)


def onboarding_pages(site: Site, width: int) -> None:
    page = site.sign_in("rosa", "rosa-pass-4242")
    page = site.go("/start/?regions=knee")
    looked_at(page, "where-it-hurts", width)
    # The list of regions is the form that is sent, whatever the picture above it does.
    page.locator("form:has(input[name=regions])").evaluate("form => form.requestSubmit()")
    page.wait_for_url(re.compile(r"/start/screening/$"))
    looked_at(page, "screening", width)
    answer_screening(site)
    page.wait_for_url(re.compile(r"/start/finder/$"))
    looked_at(page, "finder", width)
    page.get_by_role("radio", name="Around the kneecap").check()
    page.get_by_role("button", name="Show what may fit").click()
    page.wait_for_url(re.compile(r"/start/finder/\?"))
    assert page.locator(".finder-results > li").count() >= 1
    looked_at(page, "finder-results", width)
    looked_at(site.go("/start/conditions/"), "conditions", width)
    looked_at(site.go("/start/program/patellofemoral-pain-syndrome/"), "program-preview", width)


def stop_page(site: Site, width: int) -> None:
    site.sign_in("sam", "sam-pass-4242")
    looked_at(site.go("/start/stop/"), "stop", width)


def therapist_pages(site: Site, people: Cast, width: int) -> None:
    page = site.sign_in("theo", "theo-pass-4242")
    assert page.url.endswith("/patients/")
    looked_at(page, "patients", width)
    looked_at(site.go(f"/patients/{people.nina.pk}/"), "patient", width)
    looked_at(site.go("/own-programs/"), "own-programs", width)


def sites(browser: Browser, live_server: Any, viewport: dict[str, int]) -> Iterator[Site]:
    yield from open_site(browser, live_server, viewport)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_main_page_is_saved_and_looks_right(
    browser: Browser, live_server: Any, viewport: dict[str, int]
) -> None:
    people = cast()
    width = viewport["width"]
    for old in (*SHOTS.glob(f"*-{width}.png"), *SHOTS.glob(f"heights-{width}.txt")):
        old.unlink()
    for view in (
        lambda site: runner_pages(site, people, width),
        lambda site: onboarding_pages(site, width),
        lambda site: stop_page(site, width),
        lambda site: therapist_pages(site, people, width),
    ):
        # A fresh tab for each person: nobody is signed in as someone else.
        for site in sites(browser, live_server, viewport):
            view(site)
