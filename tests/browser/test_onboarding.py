"""A runner's way in, in a real browser: sign up, tap where it hurts, the warning signs,
a condition, its program, the start; and the stop when a warning sign says emergency."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from exercises.models import Exercise
from planner.models import Plan, Screening
from planner.programs.catalog import load_catalog
from tests.browser.conftest import Site, horizontal_overflow, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "long-runs-4242x"


def sign_up(site: Site, username: str) -> None:
    page = site.go("/accounts/signup/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/start/$"))


def choose_regions(site: Site, *names: str) -> None:
    """Tap each region on the picture of the legs (it ticks the list), then go on to the
    questions."""
    page = site.page
    for name in names:
        page.locator("svg.bodymap-picture").get_by_role("checkbox", name=name).click()
        assert page.locator("#id_regions").get_by_role("checkbox", name=name).is_checked()
    page.get_by_role("button", name="Continue to the warning signs").click()
    page.wait_for_url(re.compile(r"/start/screening/$"))


def answer_screening(site: Site, yes: tuple[str, ...] = ()) -> None:
    """Answer "No" to every question except those whose wording contains one of `yes`."""
    page = site.page
    for group in page.locator("fieldset").all():
        question = group.locator("legend").inner_text()
        answer = "Yes" if any(part in question for part in yes) else "No"
        group.get_by_role("radio", name=answer, exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    page.wait_for_load_state()


def onboard(site: Site, username: str, check: bool = False) -> int:
    """From sign-up to a started plan for knee pain; returns the plan's id. With `check`,
    every step is also checked for sideways scrolling and serious accessibility faults."""

    def looked_at() -> None:
        if check:
            assert horizontal_overflow(site.page) == 0, site.page.url
            assert serious_violations(site.page) == [], site.page.url

    sign_up(site, username)
    looked_at()
    choose_regions(site, "Knee")
    looked_at()
    answer_screening(site)
    site.page.wait_for_url(re.compile(r"/start/finder/$"))
    looked_at()
    site.page.get_by_role("radio", name="Around the kneecap").check()
    site.page.get_by_role("button", name="Show what may fit").click()
    site.page.wait_for_url(re.compile(r"/start/finder/\?"))
    looked_at()
    site.page.locator('li[aria-labelledby="fit-patellofemoral-pain-syndrome"]').get_by_role(
        "link", name=re.compile("See the home program")
    ).click()
    site.page.wait_for_url(re.compile(r"/start/program/patellofemoral-pain-syndrome/$"))
    assert site.page.get_by_role("heading", name="Week 1", exact=True).is_visible()
    looked_at()
    site.page.get_by_role("link", name="Start this program").first.click()
    site.page.wait_for_url(re.compile(r"/begin/$"))
    # The browser's own zone (Europe/Berlin in these tests) fills the time zone field.
    assert site.page.get_by_label("Time zone").input_value() == "Europe/Berlin"
    assert site.page.get_by_label("Start date").input_value() != ""
    looked_at()
    site.page.get_by_role("button", name="Start my plan").click()
    site.page.wait_for_url(re.compile(r"/plans/\d+/$"))
    match = re.search(r"/plans/(\d+)/$", site.page.url)
    assert match is not None
    return int(match[1])


def test_a_runner_goes_from_sign_up_to_a_started_plan(site: Site) -> None:
    load_catalog()
    plan_id = onboard(site, "nina")
    page = site.page
    assert page.get_by_text("Your plan has started").is_visible()
    assert page.get_by_role("link", name="Today's exercises").is_visible()
    assert page.get_by_role("heading", name="Week by week").is_visible()
    assert page.locator(".week.current").count() == 1
    plan = Plan.objects.get(pk=plan_id)
    assert plan.user.username == "nina" and plan.time_zone == "Europe/Berlin"


def test_onboarding_fits_a_phone_and_passes_axe(phone: Site) -> None:
    load_catalog()
    plan_id = onboard(phone, "nina", check=True)
    assert horizontal_overflow(phone.page) == 0
    assert serious_violations(phone.page) == []
    assert Plan.objects.filter(pk=plan_id).exists()


def test_what_to_take_care_with_shows_on_the_card_and_the_preview(phone: Site) -> None:
    load_catalog()
    first = Exercise.objects.get(slug="small-knee-bends").cautions[0]
    sign_up(phone, "nina")
    choose_regions(phone, "Knee")
    answer_screening(phone)
    page = phone.page
    page.wait_for_url(re.compile(r"/start/finder/$"))
    page.get_by_role("link", name="Show all conditions for these places").click()
    page.wait_for_url(re.compile(r"/start/conditions/$"))
    card = page.locator('section[aria-labelledby="condition-patellofemoral-pain-syndrome"]')
    assert (
        card.get_by_role("note", name="Take care").get_by_text("locking or giving way").is_visible()
    )

    card.get_by_role("link", name=re.compile("See the home program")).click()
    page.wait_for_url(re.compile(r"/start/program/patellofemoral-pain-syndrome/$"))

    note = page.get_by_role("note", name="Take care")
    assert note.get_by_text("locking or giving way").is_visible()
    # Above the fold of a phone, under the program's name.
    box = note.bounding_box()
    assert box is not None and box["y"] + box["height"] < 812
    # Each exercise's own cautions fold under its name until tapped.
    cautions = page.locator(".exercise-cautions")
    assert not cautions.get_by_text(first).is_visible()
    cautions.locator("summary", has_text="Small knee bends").click()
    assert cautions.get_by_text(first).is_visible()
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []


def test_calf_swelling_and_warmth_stops_with_the_emergency_advice(phone: Site) -> None:
    load_catalog()
    sign_up(phone, "nina")
    choose_regions(phone, "Calf")
    answer_screening(phone, yes=("swollen or warm to the touch",))
    page = phone.page
    page.wait_for_url(re.compile(r"/start/stop/$"))
    assert page.get_by_role("heading", name="Get help now").is_visible()
    assert page.get_by_role("link", name="Call 112").get_attribute("href") == "tel:112"
    assert page.get_by_text("deep vein thrombosis (DVT)").is_visible()
    assert page.get_by_role("link", name=re.compile("program", re.I)).count() == 0
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []
    # Going straight to a later step, or starting again, leads back to the advice.
    phone.go("/start/conditions/")
    assert page.url.endswith("/start/stop/")
    phone.go("/start/")
    assert page.url.endswith("/start/stop/")
    nina = User.objects.get(username="nina")
    assert not Plan.objects.filter(user=nina).exists()
    # Once a clinician has seen her, Nina says so, in her words, and starts again.
    page.get_by_label("Who assessed you, and when?").fill("A&E on Friday: no clot, exercise ok.")
    page.get_by_label(re.compile("has assessed this problem since")).check()
    page.get_by_role("button", name="I have been assessed and cleared").click()
    page.wait_for_url(re.compile(r"/start/$"))
    assert page.get_by_text("Recorded: a clinician has assessed you").is_visible()
    assert Screening.objects.get(user=nina).clearance_note == "A&E on Friday: no clot, exercise ok."


def test_unanswered_questions_show_next_to_the_question(phone: Site) -> None:
    load_catalog()
    sign_up(phone, "nina")
    choose_regions(phone, "Hip", "Knee")
    page = phone.page
    page.get_by_role("button", name="Check my answers").click()
    page.wait_for_load_state()
    assert page.locator(".field.has-error").first.get_by_text("Answer this question").is_visible()
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []


def tick_regions(site: Site, *names: str) -> None:
    """Choose the places from the list beside the picture, then go on to the questions."""
    for name in names:
        site.page.locator("#id_regions").get_by_role("checkbox", name=name, exact=True).check()
    site.page.get_by_role("button", name="Continue to the warning signs").click()
    site.page.wait_for_url(re.compile(r"/start/screening/$"))


def test_the_finder_on_a_phone_ranks_with_reasons_and_says_when_nothing_fits(
    phone: Site,
) -> None:
    load_catalog()
    sign_up(phone, "nina")
    page = phone.page
    tick_regions(phone, "Hip")
    answer_screening(phone)
    page.wait_for_url(re.compile(r"/start/finder/$"))
    assert page.get_by_role("heading", name="A few questions").is_visible()
    where = page.get_by_role("group", name="Where exactly does it hurt most?")
    assert where.get_by_role("radio", name="Not sure").is_checked()
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []

    where.get_by_role("radio", name="On the outside of the hip").check()
    page.get_by_role("radio", name="While I run or walk").check()
    page.get_by_role("checkbox", name="Clicking, popping or rubbing").check()
    page.get_by_role("button", name="Show what may fit").click()
    page.wait_for_url(re.compile(r"where=outside-of-hip"))
    first = page.locator(".finder-results > li").first
    assert first.get_by_role("heading", name="IT band syndrome").is_visible()
    assert first.get_by_text(
        "Outside of the hip, worse while running or walking, clicking: IT band syndrome fits."
    ).is_visible()
    assert page.get_by_text("it is not a diagnosis").is_visible()
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []

    # New answers, from the folded form: nothing fits them, and the page says what to do.
    page.get_by_text("Change your answers").click()
    page.get_by_role("radio", name="On the outside of the thigh or knee").check()
    page.get_by_role("radio", name="After I run or walk").check()
    page.get_by_role("radio", name="Gradually, over weeks or months").check()
    page.get_by_role("checkbox", name="Clicking, popping or rubbing").uncheck()
    page.get_by_role("button", name="Show what may fit").click()
    page.wait_for_url(re.compile(r"where=outside-of-leg"))
    assert page.get_by_role("heading", name="None of these fits").is_visible()
    assert page.get_by_text("See a doctor or a physical therapist").is_visible()
    page.get_by_role("link", name="Show all conditions for these places").click()
    page.wait_for_url(re.compile(r"/start/conditions/$"))
    assert page.get_by_role("heading", name="IT band syndrome").is_visible()
