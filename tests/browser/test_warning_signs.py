"""Warning signs in a real browser, as a runner and her therapist click through them: a sign
reported on today's card stops the plan as urgently as the sign; the dispatcher's next tick
tells the therapist once, in the app and by email; she acknowledges it with a note the runner
reads, and resumes the plan one step lower after the clearance. The weekly check-in is offered
on today's page when due: "no" to everything thanks the runner, a sign stops the plan. Every
page on a phone screen, with no sideways scrolling and no serious accessibility violation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from planner.delivery import dispatch, notify
from planner.engine import schedule
from planner.models import (
    Alert,
    CareLink,
    Delivery,
    DoseChange,
    Notification,
    Plan,
    PlanExercise,
    Screening,
)
from planner.plans import decisions
from tests import factories
from tests.browser.conftest import PHONE, Site, horizontal_overflow, open_site, serious_violations
from tests.personas import therapist

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Europe/Berlin"  # the browser's zone too (tests/browser/conftest.py)


@pytest.fixture
def second_phone(browser: Browser, live_server: Any) -> Iterator[Site]:
    """Another phone, with its own cookies: the therapist's, beside the runner's."""
    yield from open_site(browser, live_server, PHONE)


def local_today() -> date:
    return schedule.local_date(timezone.now(), ZONE)


def looks_right(page: Page) -> None:
    """Nothing scrolls sideways on the phone, and axe finds nothing serious."""
    assert horizontal_overflow(page) == 0, page.url
    assert serious_violations(page) == [], page.url


def sign_in_to(site: Site, username: str, path: str) -> Page:
    """Open a private page signed out, sign in where it sends to, and come back to it."""
    site.go(path)
    return site.sign_in_here(username, f"{username}-pass-4242")


def clamshells(plan: Plan) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug="clamshells")


def tick(now: datetime) -> int:
    """One tick of the dispatcher's alert step, its sends done in-process as the worker
    would (tests/planner/delivery/test_worker.py covers the Celery path itself)."""

    def enqueue(batches: list[list[int]]) -> None:
        for batch in batches:
            for delivery_id in batch:
                notify.send_delivery(delivery_id, now)

    return dispatch.dispatch_alerts(now, enqueue)


def answer_check_in(page: Page, yes: tuple[str, ...] = ()) -> None:
    """Answer "No" to each question except those whose wording contains one of `yes`."""
    groups = page.locator("form.screening fieldset")
    assert groups.count() >= 2
    for group in groups.all():
        question = group.locator("legend").inner_text()
        answer = "Yes" if any(part in question for part in yes) else "No"
        group.get_by_role("radio", name=answer, exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()


def test_a_warning_sign_reaches_the_therapist_once_and_the_plan_resumes_lower(
    phone: Site, second_phone: Site, mailoutbox: list[EmailMessage]
) -> None:
    nina = factories.person("nina")
    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=nina, status=CareLink.Status.ACTIVE)
    plan = factories.plan_for(nina, local_today() - timedelta(days=3), time_zone=ZONE)
    flag = factories.calf_swelling()
    factories.lingering_pain()
    shells = clamshells(plan)
    # Theo had raised the clamshells to 20 per side: the way back is one step lower, 15.
    decisions.override_dose(
        plan_exercise=shells,
        amount=20,
        therapist=theo,
        effective_on=plan.start_date,
        reason="Strong and pain-free",
        now=timezone.now(),
    )

    # Nina notices her calf and says so on today's page, once for the day.
    page = sign_in_to(phone, "nina", f"/plans/{plan.pk}/today/")
    looks_right(page)
    question = page.get_by_role("region", name="Did you notice a warning sign?")
    question.get_by_label("The warning sign you noticed").select_option(flag.slug)
    question.get_by_role("button", name="Report this sign and stop").click()
    stop = page.get_by_role("alert").filter(has_text="Get help now")
    stop.get_by_role("heading", name="Get help now").wait_for()
    assert flag.advice in stop.inner_text()
    assert page.locator(f"#card-{shells.pk}").count() == 0
    assert page.get_by_role("button", name=re.compile("Save")).count() == 0
    looks_right(page)
    plan.refresh_from_db()
    assert (plan.status, plan.stop_urgency) == (Plan.Status.STOPPED, "emergency")

    # The plan page calls it what it is, with the number to call.
    page = phone.go(f"/plans/{plan.pk}/")
    stop = page.get_by_role("alert").filter(has_text="Get help now")
    expect(stop.get_by_role("heading", name="Get help now")).to_be_visible()
    expect(stop.get_by_role("link", name="Call 112")).to_have_attribute("href", "tel:112")
    expect(stop).to_contain_text(flag.advice)
    expect(page.locator(".badge", has_text="Stopped")).to_be_visible()
    looks_right(page)

    # Today lists nothing to do: the stop is what the day says.
    page = phone.go(f"/plans/{plan.pk}/today/")
    expect(page.get_by_role("heading", name="Get help now")).to_be_visible()
    assert page.locator(".exercise-card").count() == 0
    assert page.get_by_role("heading", name="Exercises").count() == 0
    assert page.get_by_role("button", name=re.compile("Save")).count() == 0
    looks_right(page)

    # The dispatcher's next tick sends the alert; the tick after it sends nothing again.
    assert Delivery.objects.filter(alert__isnull=False).count() == 1
    now = timezone.now()
    assert tick(now) == 1
    assert tick(now + timedelta(minutes=1)) == 0
    assert Delivery.objects.get(alert__isnull=False).state == Delivery.State.SENT
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["theo@example.com"]
    # The subject shows on a lock screen: the urgency, not who or what (inside).
    assert email.subject == "Emergency: an alert from a patient"
    assert "nina" in str(email.body)

    # Theo, on his own phone: one notification, then the patient list leads to the alert.
    therapist_page = sign_in_to(second_phone, "theo", "/notifications/")
    notes = therapist_page.locator(".notification")
    expect(notes).to_have_count(1)
    expect(notes.first).to_contain_text("nina")
    looks_right(therapist_page)

    therapist_page = second_phone.go("/patients/")
    badge = therapist_page.locator(f"#patient-{nina.pk}").get_by_role(
        "link", name="1 alert to acknowledge"
    )
    expect(badge).to_be_visible()
    looks_right(therapist_page)
    badge.click()
    therapist_page.wait_for_url(re.compile(rf"/patients/{nina.pk}/#alerts$"))
    alerts = therapist_page.locator("#alerts")
    expect(alerts).to_contain_text("calf pain with swelling and warmth")
    expect(alerts).to_contain_text(flag.advice)
    looks_right(therapist_page)

    note = "Called Nina: she is at the emergency department. No exercises until cleared."
    alerts.get_by_label("Your note (the runner reads it)").fill(note)
    alerts.get_by_role("button", name="Acknowledge").click()
    therapist_page.wait_for_load_state()
    expect(
        therapist_page.get_by_text("Acknowledged: the runner can read your note.")
    ).to_be_visible()
    expect(therapist_page.locator("#alerts")).to_contain_text(note)
    assert therapist_page.locator("#alerts form[action*='acknowledge']").count() == 0
    looks_right(therapist_page)
    alert = Alert.objects.get()
    assert (alert.acknowledged_by, alert.acknowledgement) == (theo, note)

    # Nina reads Theo's note in her notifications.
    page = phone.go("/notifications/")
    mine = page.locator(".notification")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text("theo read your report")
    expect(mine.first).to_contain_text(note)
    looks_right(page)
    assert Notification.objects.filter(user=theo).count() == 1

    # A doctor rules out a clot; Theo resumes the plan from its page, one step lower.
    therapist_page = second_phone.go(f"/plans/{plan.pk}/")
    looks_right(therapist_page)
    clearance = "Dr Weber, emergency department, today: ultrasound clear, exercise is fine."
    therapist_page.get_by_label("Who assessed the problem, and when?").fill(clearance)
    therapist_page.get_by_label(re.compile("has assessed this problem since the stop")).check()
    lower = therapist_page.get_by_label("Go on one step lower than before the stop")
    expect(lower).to_be_checked()
    therapist_page.get_by_role("button", name="Resume the plan").click()
    therapist_page.wait_for_load_state()
    expect(therapist_page.get_by_text("The plan goes on: reminders start again.")).to_be_visible()
    expect(therapist_page.locator(".badge", has_text="Active")).to_be_visible()
    assert therapist_page.get_by_role("heading", name="Get help now").count() == 0
    looks_right(therapist_page)

    plan.refresh_from_db()
    shells.refresh_from_db()
    assert (plan.status, plan.stop_urgency) == (Plan.Status.ACTIVE, "")
    assert shells.amount == 15
    resumed = DoseChange.objects.get(plan_exercise=shells, action=DoseChange.Action.RESUME)
    assert resumed.decided_by == theo and clearance in resumed.reason

    # Nina's plan page says active, and tomorrow's day lists exercises again (today's clamshells
    # are logged already: their card shows the log and the warning sign is no longer open).
    page = phone.go(f"/plans/{plan.pk}/")
    expect(page.locator(".badge", has_text="Active")).to_be_visible()
    assert page.get_by_role("heading", name="Get help now").count() == 0
    looks_right(page)
    page = phone.go(f"/plans/{plan.pk}/today/")
    assert page.get_by_role("heading", name="Get help now").count() == 0
    expect(page.get_by_role("heading", name="Exercises")).to_be_visible()
    expect(page.locator(f"#card-{shells.pk}")).to_be_visible()
    looks_right(page)


def test_the_weekly_check_in_thanks_a_runner_with_nothing_to_report(phone: Site) -> None:
    nina = factories.person("nina")
    plan = factories.plan_for(nina, local_today() - timedelta(days=8), time_zone=ZONE)
    factories.calf_swelling()
    factories.lingering_pain()

    page = sign_in_to(phone, "nina", f"/plans/{plan.pk}/today/")
    notice = page.locator(".check-in")
    expect(notice).to_contain_text("Weekly check-in")
    looks_right(page)
    notice.get_by_role("link", name="Answer them now").click()
    page.wait_for_url(re.compile(rf"/plans/{plan.pk}/check-in/$"))
    expect(page.get_by_role("heading", level=1, name="Weekly check-in")).to_be_visible()
    looks_right(page)

    answer_check_in(page)
    page.wait_for_url(re.compile(rf"/plans/{plan.pk}/day/{local_today().isoformat()}/$"))
    expect(page.get_by_text("Thank you: no warning sign. Keep going.")).to_be_visible()
    assert page.locator(".check-in").count() == 0
    expect(page.get_by_role("heading", name="Exercises")).to_be_visible()
    looks_right(page)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
    check_in = plan.check_ins.get()
    assert check_in.verdict == Screening.Verdict.CLEAR and not any(check_in.answers.values())


def test_a_sign_at_the_weekly_check_in_stops_the_plan(phone: Site) -> None:
    nina = factories.person("nina")
    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=nina, status=CareLink.Status.ACTIVE)
    plan = factories.plan_for(nina, local_today() - timedelta(days=8), time_zone=ZONE)
    factories.calf_swelling()
    sign = factories.lingering_pain()

    page = sign_in_to(phone, "nina", f"/plans/{plan.pk}/today/")
    page.locator(".check-in").get_by_role("link", name="Answer them now").click()
    page.wait_for_url(re.compile(rf"/plans/{plan.pk}/check-in/$"))
    answer_check_in(page, yes=("lasted more than a few days",))

    # The plan page: stopped, see a clinician (no emergency), and the way to resume.
    page.wait_for_url(re.compile(rf"/plans/{plan.pk}/$"))
    stop = page.get_by_role("alert").filter(has_text="see a clinician")
    expect(stop).to_contain_text(sign.sign)
    expect(stop).to_contain_text(sign.advice)
    assert page.get_by_role("heading", name="Get help now").count() == 0
    assert page.get_by_role("link", name=re.compile(r"^Call ")).count() == 0
    expect(page.get_by_role("button", name="Resume the plan")).to_be_visible()
    looks_right(page)
    plan.refresh_from_db()
    assert (plan.status, plan.stop_urgency) == (Plan.Status.STOPPED, "see_clinician")
    # Theo hears of it through the same machinery as a sign in a log.
    assert Alert.objects.get().screening == plan.check_ins.get()

    # Today lists nothing to do, and no check-in is offered on a stopped plan.
    page = phone.go(f"/plans/{plan.pk}/today/")
    assert page.locator(".exercise-card").count() == 0
    assert page.locator(".check-in").count() == 0
    expect(page.get_by_role("alert").filter(has_text=sign.advice)).to_be_visible()
    looks_right(page)
