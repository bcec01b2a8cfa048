"""The runner's own pages in a real browser: plans, one plan, notifications and the account,
on a phone and checked by axe; pausing, the calendar feed and marking a notification read."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from planner.engine import schedule
from planner.models import CalendarFeed, CareLink, Notification, Plan
from tests import factories
from tests.browser.conftest import Site, horizontal_overflow, serious_violations
from tests.personas import therapist

pytestmark = pytest.mark.django_db(transaction=True)


def rosa_with_a_plan() -> tuple[User, Plan]:
    rosa = factories.person("rosa")
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    return rosa, factories.plan_for(rosa, today - timedelta(weeks=2))


def test_every_runner_page_fits_a_phone_and_passes_axe(phone: Site) -> None:
    rosa, plan = rosa_with_a_plan()
    CareLink.objects.create(therapist=therapist("theo"), runner=rosa)
    Notification.objects.create(
        user=rosa,
        title="Time for today's exercises",
        body="Clamshells: 1 set of 10 per side",
        link=f"/plans/{plan.pk}/day/{plan.start_date.isoformat()}/",
    )
    CalendarFeed.objects.create(plan=plan, token="a" * 43)
    phone.sign_in("rosa", "rosa-pass-4242")
    for path in (
        "/plans/",
        f"/plans/{plan.pk}/",
        "/notifications/",
        "/account/",
        "/account/delete/",
        "/start/",
    ):
        page = phone.go(path)
        assert horizontal_overflow(page) == 0, path
        assert serious_violations(page) == [], path


def test_pause_resume_and_the_calendar_feed(site: Site) -> None:
    _, plan = rosa_with_a_plan()
    site.sign_in("rosa", "rosa-pass-4242")
    page = site.go(f"/plans/{plan.pk}/")
    assert page.locator(".week.current").get_by_text("This week").is_visible()
    page.get_by_role("button", name="Pause the plan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Plan paused.").is_visible()
    page.get_by_role("button", name="Resume the plan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Plan resumed.").is_visible()
    page.get_by_role("button", name="Get a calendar address").click()
    page.wait_for_load_state()
    token = CalendarFeed.objects.get(plan=plan).token
    assert page.get_by_role("link", name=re.compile(re.escape(token))).is_visible()
    page.get_by_role("button", name="Turn the feed off").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Get a calendar address").is_visible()
    assert not CalendarFeed.objects.filter(plan=plan).exists()


def test_a_bad_time_zone_shows_next_to_the_field(phone: Site) -> None:
    _, plan = rosa_with_a_plan()
    phone.sign_in("rosa", "rosa-pass-4242")
    page = phone.go(f"/plans/{plan.pk}/")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Change the time zone").click()
    page.wait_for_load_state()
    field = page.locator(".field.has-error")
    assert "not an IANA time zone name" in field.inner_text()
    assert page.get_by_label("Time zone").input_value() == "Mars/Olympus"
    assert horizontal_overflow(page) == 0
    assert serious_violations(page) == []


def test_mark_as_read_in_place(site: Site) -> None:
    rosa, _ = rosa_with_a_plan()
    note = Notification.objects.create(user=rosa, title="Step up tomorrow", body="20 per side")
    site.sign_in("rosa", "rosa-pass-4242")
    page = site.go("/notifications/")
    page.get_by_role("button", name="Mark as read").click()
    page.locator(f"#notification-{note.pk}").get_by_text("Unread").wait_for(state="detached")
    assert page.url.endswith("/notifications/")
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_therapist_sees_the_plan_read_only(site: Site) -> None:
    rosa, plan = rosa_with_a_plan()
    CareLink.objects.create(therapist=therapist("theo"), runner=rosa, status=CareLink.Status.ACTIVE)
    # Straight to the plan: a therapist's dashboard is the patient list, another area's page.
    site.go(f"/accounts/login/?next=/plans/{plan.pk}/")
    page = site.sign_in_here("theo", "theo-pass-4242")
    page.wait_for_url(re.compile(rf"/plans/{plan.pk}/$"))
    assert page.get_by_text("read-only").is_visible()
    assert page.get_by_role("button", name="Pause the plan").count() == 0
