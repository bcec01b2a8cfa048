"""A therapist's own program in a real browser: copied from the catalog, changed, saved
privately, assigned and tailored in place; the runner's day shows the new dose. The builder and
the tailoring page fit a phone and pass axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from planner.engine import schedule
from planner.models import CareLink, Plan, Program
from planner.plans import lifecycle
from planner.programs.catalog import load_catalog
from tests import factories
from tests.browser.conftest import Site, horizontal_overflow, serious_violations
from tests.personas import therapist

pytestmark = pytest.mark.django_db(transaction=True)

CATALOG_PROGRAM = "piriformis-syndrome-home-program"


def linked(theo: User, runner: User) -> None:
    CareLink.objects.create(therapist=theo, runner=runner, status=CareLink.Status.ACTIVE)


def test_a_therapist_builds_assigns_and_tailors_a_program_of_their_own(site: Site) -> None:
    load_catalog()
    theo = therapist("theo")
    rosa = factories.person("rosa")
    linked(theo, rosa)
    factories.screened(rosa)

    page = site.sign_in("theo", "theo-pass-4242")
    page.get_by_role("link", name="Programs", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Your programs")).to_be_visible()

    # A copy of the catalog's piriformis program to start from.
    page.get_by_label("Start from").select_option(CATALOG_PROGRAM)
    page.get_by_role("button", name="Copy it to edit").click()
    expect(page.get_by_text("Your private copy of Piriformis syndrome")).to_be_visible()
    stretch_row = page.locator("fieldset.exercise-row").nth(0)
    expect(stretch_row.get_by_label("Exercise:", exact=True)).to_have_value("piriformis-stretch")

    # Its dose and note changed, and clamshells added in a row of their own.
    stretch_row.get_by_label("Start:", exact=True).fill("20")
    stretch_row.get_by_label("Note for the runner").fill("Breathe out as you lean in.")
    page.get_by_role("button", name="Add an exercise").click()
    shells_row = page.locator("fieldset.exercise-row").nth(1)
    expect(
        page.locator("fieldset.exercise-row").nth(0).get_by_label("Start:", exact=True)
    ).to_have_value("20")
    shells_row.get_by_label("Exercise:", exact=True).select_option("clamshells")
    shells_row.get_by_label("Sets:", exact=True).fill("2")
    shells_row.get_by_label("Note for the runner").fill("Knees together at the end.")
    expect(page.get_by_label("Only me")).to_be_checked()  # private unless shared
    page.get_by_role("button", name="Save the program").click()
    expect(page.get_by_text("(my copy) saved.")).to_be_visible()

    program = Program.objects.get(owner=theo)
    assert (program.is_own, program.shared_with_clinic, program.source) == (True, False, None)
    stretch, shells = program.prescriptions.order_by("order")
    assert (stretch.start, stretch.note) == (20, "Breathe out as you lean in.")
    assert (shells.exercise.slug, shells.sets, shells.note) == (
        "clamshells",
        2,
        "Knees together at the end.",
    )

    # Assigned to Rosa from her page, from today.
    page.goto(f"{site.url}/patients/{rosa.pk}/")
    page.locator("details.assign summary").click()
    page.get_by_label("Program:", exact=True).select_option(program.slug)
    page.get_by_label("Reminder time").fill("18:30")
    page.get_by_role("button", name="Assign the program").click()
    expect(page.get_by_text("assigned to rosa")).to_be_visible()
    plan = Plan.objects.get(user=rosa)
    shells_item = plan.exercises.get(exercise__slug="clamshells")
    stretch_item = plan.exercises.get(exercise__slug="piriformis-stretch")

    # Tailored in place, from the plan's card: clamshells re-dosed, the stretch removed, each
    # with a reason.
    page.locator(f"#plan-{plan.pk}").get_by_role("link", name="Tailor").click()
    expect(page).to_have_url(re.compile(f"/patients/{rosa.pk}/plans/{plan.pk}/tailor/$"))
    card = page.locator(f"#exercise-{shells_item.pk}")
    card.get_by_text("Re-dose Clamshells").click()
    redose = card.locator("form").filter(has=page.locator("input[value=redose]"))
    redose.get_by_label("Reps per set").fill("45")
    redose.get_by_label("Why").fill("Strong hips: more reps.")
    redose.get_by_role("button", name="Save the new dose").click()
    expect(page.locator(".field.has-error").first).to_contain_text("Between 10 and 30")
    expect(redose.get_by_label("Why")).to_have_value("Strong hips: more reps.")
    redose.get_by_label("Reps per set").fill("15")
    redose.get_by_role("button", name="Save the new dose").click()
    expect(page.get_by_text("Clamshells: 2 sets of 15 per side from")).to_be_visible()

    card = page.locator(f"#exercise-{stretch_item.pk}")
    card.get_by_text("Remove Piriformis stretch").click()
    remove = card.locator("form").filter(has=page.locator("input[value=remove]"))
    remove.get_by_label("Why").fill("The buttock is settled.")
    remove.get_by_role("button", name="Remove it").click()
    expect(page.locator(".message").get_by_text("Piriformis stretch removed from")).to_be_visible()
    expect(page.locator(".dose-history")).to_contain_text("Strong hips: more reps.")
    expect(page.locator(".dose-history")).to_contain_text("by theo")

    # Rosa's day: the new dose and the note, and no stretch.
    page.get_by_role("button", name="Sign out").click()
    site.sign_in("rosa", "rosa-pass-4242")
    page.goto(f"{site.url}/plans/{plan.pk}/today/")
    shells_card = page.locator(f"#card-{shells_item.pk}")
    expect(shells_card).to_contain_text("2 sets of 15 per side")
    expect(shells_card).to_contain_text("Knees together at the end.")
    expect(page.locator(f"#card-{stretch_item.pk}")).to_have_count(0)


def test_the_builder_and_tailoring_fit_a_phone_and_pass_axe(phone: Site) -> None:
    load_catalog()
    theo = therapist("theo")
    rosa = factories.person("rosa")
    linked(theo, rosa)
    factories.screened(rosa)
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    plan = lifecycle.start_plan(
        user=rosa,
        program=Program.objects.get(slug="it-band-syndrome-home-program"),
        start_date=today - timedelta(days=2),
        time_zone="Europe/Berlin",
        now=timezone.now(),
    )
    page = phone.sign_in("theo", "theo-pass-4242")
    for path in (
        "/own-programs/",
        "/own-programs/new/",
        f"/patients/{rosa.pk}/plans/{plan.pk}/tailor/",
    ):
        page.goto(phone.url + path)
        expect(page.locator("h1")).to_be_visible()
        for details in page.locator("details").all():
            details.locator("summary").click()  # every form open: they must fit too
        assert horizontal_overflow(page) == 0, path
        assert serious_violations(page) == [], path
    expect(page).to_have_url(re.compile(r"/tailor/$"))
