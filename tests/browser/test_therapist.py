"""The therapist's pages in a real browser: invite, assign, tailor and watch; a phone screen,
axe, and the handout printed and saved as PDF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from conditions.models import RedFlag
from planner.care import linking
from planner.engine import schedule
from planner.models import CareLink, Plan, Program
from planner.plans import daily, lifecycle
from planner.programs.catalog import load_catalog
from tests import factories
from tests.browser.conftest import Site, horizontal_overflow, serious_violations
from tests.personas import therapist

pytestmark = pytest.mark.django_db(transaction=True)

PROGRAM = "it-band-syndrome-home-program"


def linked(theo: User, runner: User) -> None:
    CareLink.objects.create(therapist=theo, runner=runner, status=CareLink.Status.ACTIVE)


def test_a_therapist_invites_assigns_tailors_and_sees_the_log(site: Site) -> None:
    load_catalog()
    theo = therapist("theo")
    rosa = factories.person("rosa")
    oscar = factories.person("oscar")
    linked(theo, oscar)
    # Oscar has logged nothing for five days: he needs attention more than a new patient.
    berlin_today = schedule.local_date(timezone.now(), "Europe/Berlin")
    factories.screened(oscar)
    lifecycle.start_plan(
        user=oscar,
        program=Program.objects.get(slug=PROGRAM),
        start_date=berlin_today - timedelta(days=5),
        time_zone="Europe/Berlin",
        now=timezone.now(),
    )

    page = site.sign_in("theo", "theo-pass-4242")
    expect(page).to_have_url(re.compile(r"/patients/$"))
    page.get_by_label("Username or email").fill("rosa")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to rosa")).to_be_visible()
    expect(page.get_by_text("Waiting for an answer")).to_be_visible()

    # Rosa accepts on her notifications page (another area's page; the service it calls here).
    invitation = CareLink.objects.get(therapist=theo, runner=rosa)
    linking.answer_invitation(rosa, invitation.pk, accept=True, now=timezone.now())
    factories.screened(rosa)  # Rosa answered the warning-sign questions: nothing to report.
    page.reload()
    page.get_by_role("link", name="rosa", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="rosa")).to_be_visible()
    expect(page.get_by_text("rosa has no plan running")).to_be_visible()

    # Assign a program: the time zone comes from the browser (Europe/Berlin in the fixture).
    page.locator("details.assign summary").click()
    page.get_by_label("Program:", exact=True).select_option(PROGRAM)
    page.get_by_label("Reminder time").fill("18:30")
    page.get_by_role("button", name="Assign the program").click()
    expect(page.get_by_text("assigned to rosa")).to_be_visible()
    plan = Plan.objects.get(user=rosa)
    assert (plan.program.slug, plan.time_zone, plan.assigned_by) == (
        PROGRAM,
        "Europe/Berlin",
        theo,
    )
    section = page.locator(f"#plan-{plan.pk}")
    expect(section.locator(".badge").get_by_text("Active", exact=True)).to_be_visible()

    # Tailor a dose on the plan's tailoring page, reached from its card; back on the patient
    # page the dose history, folded under the charts, gives the reason.
    item = plan.exercises.select_related("exercise").order_by("order").first()
    assert item is not None
    section.get_by_role("link", name="Tailor").click()
    card = page.locator(f"#exercise-{item.pk}")
    card.get_by_text(f"Re-dose {item.exercise.name}").click()
    redose = card.locator("form").filter(has=page.locator("input[value=redose]"))
    tailored = min(item.start + item.step, item.target)
    redose.locator(f"input[name=dose-{item.pk}-amount]").fill(str(tailored))
    redose.get_by_label("Why").fill("Knee calm on stairs")
    redose.get_by_role("button", name="Save the new dose").click()
    expect(page.locator(".message").first).to_contain_text(item.exercise.name)
    item.refresh_from_db()
    assert item.amount == tailored
    page.goto(f"{site.url}/patients/{rosa.pk}/")
    section.get_by_text("Charts, calendar and dose history").click()
    expect(section.get_by_text("Knee calm on stairs")).to_be_visible()

    # Rosa logs today's session; Theo sees its pain.
    today = schedule.local_date(timezone.now(), plan.time_zone)
    factories.log_session(
        plan=plan, plan_exercise=item, day=today, today=today, done=True, pain_during=4
    )
    page.reload()
    expect(section.locator("td.pain-during").first).to_have_text("4/10")

    # Oscar's missed sessions put him first, until Rosa reports a warning sign.
    page.goto(site.url + "/patients/")
    names = page.locator(".patient .patient-name")
    expect(names).to_have_text(["oscar", "rosa"])
    expect(page.locator(f"#patient-{oscar.pk}")).to_contain_text("missed sessions")
    other = plan.exercises.exclude(pk=item.pk).order_by("order").first()
    assert other is not None
    factories.log_session(
        plan=plan,
        plan_exercise=other,
        day=today,
        today=today,
        done=False,
        red_flag=RedFlag.objects.get(slug="dvt-calf-pain-swelling-warmth"),
    )
    page.reload()
    expect(names).to_have_text(["rosa", "oscar"])
    expect(page.locator(f"#patient-{rosa.pk}")).to_contain_text("1 open warning sign")


def test_the_therapist_pages_fit_a_phone_and_pass_axe(phone: Site) -> None:
    load_catalog()
    theo = therapist("theo")
    rosa = factories.person("rosa")
    linked(theo, rosa)
    CareLink.objects.create(therapist=theo, runner=factories.person("a-runner-with-a-long-name"))
    program = Program.objects.get(slug=PROGRAM)
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    factories.screened(rosa)
    plan = lifecycle.start_plan(
        user=rosa,
        program=program,
        start_date=today - timedelta(days=3),
        time_zone="Europe/Berlin",
        now=timezone.now(),
    )
    for back in range(3, -1, -1):
        for card in daily.plan_day(plan, today - timedelta(days=back)).exercises:
            factories.log_session(
                plan=plan,
                plan_exercise=card.plan_exercise,
                day=today - timedelta(days=back),
                today=today,
                done=True,
                pain_during=back + 1,
                difficulty=3,
                note="Felt a pull on the outside of the knee going downstairs afterwards.",
            )

    phone.sign_in("theo", "theo-pass-4242")
    for path in ("/patients/", f"/patients/{rosa.pk}/", f"/programs/{PROGRAM}/handout/"):
        page = phone.go(path)
        assert page.locator("h1").count() == 1, path
        assert horizontal_overflow(page) == 0, path
        assert serious_violations(page) == [], path
    page = phone.go(f"/plans/{plan.pk}/handout/")
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []


def test_the_handout_prints_one_block_per_exercise_and_saves_as_pdf(site: Site) -> None:
    load_catalog()
    factories.person("oscar")
    program = Program.objects.get(slug=PROGRAM)
    exercises = list(
        program.prescriptions.order_by("order").values_list("exercise__name", flat=True)
    )

    # A runner opens it from a link: signing in leads back to it (his own plan pages are
    # another area's, not built on this branch).
    page = site.go(f"/programs/{PROGRAM}/handout/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    site.sign_in_here("oscar", "oscar-pass-4242")
    expect(page).to_have_url(re.compile(f"/programs/{PROGRAM}/handout/$"))
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator("nav")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_hidden()
    blocks = page.locator(".print-block")
    expect(blocks).to_have_count(len(exercises))
    for index, name in enumerate(exercises):
        block = blocks.nth(index)
        expect(block).to_be_visible()
        expect(block.locator("h3")).to_have_text(name)
        expect(block.locator("table.doses tbody tr").first).to_be_visible()
        # A block may break between its parts, never inside its drawing.
        picture = block.locator("figure").first
        assert picture.evaluate("el => getComputedStyle(el).breakInside") == "avoid"

    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 1
