"""A person's plans: the list, the timeline, pause and resume, reminders, the calendar feed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from planner.engine import schedule
from planner.models import CalendarFeed, Delivery, Notification, Plan, Reminder
from planner.plans import decisions, tailoring
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_the_list_shows_my_plans_only(
    client: Client, people: People, django_assert_num_queries: Any
) -> None:
    signed_in(client, people.rosa)
    factories.plan_for(people.rosa, people.rosa_plan.start_date + timedelta(days=7))
    # session, user, the therapist role (for the navigation), and the plans with their
    # programs however many there are
    with django_assert_num_queries(4):
        page = client.get("/plans/").content.decode()
    assert page.count(f'href="/plans/{people.rosa_plan.pk}/today/"') == 1
    assert f"/plans/{people.oscar_plan.pk}/" not in page
    assert 'href="/start/"' in page and "Start a plan" in page


def test_the_plan_page_shows_the_conditions_care_note(client: Client, people: People) -> None:
    condition = people.rosa_plan.program.condition
    condition.care_note = "Numbness or tingling down the leg: have it checked before continuing."
    condition.save()
    signed_in(client, people.rosa)
    url = f"/plans/{people.rosa_plan.pk}/"

    page = client.get(url).content.decode()
    bad_zone = client.post(f"{url}time-zone/", {"zone-time_zone": "Mars/Olympus"}).content.decode()

    for shown in (page, bad_zone):
        note = shown.split('class="cautions care-note"')[1].split("</div>")[0]
        assert "Take care" in note and "Numbness or tingling down the leg" in note


def test_the_plan_page_pins_its_query_count(
    client: Client, people: People, django_assert_num_queries: Any
) -> None:
    condition = people.rosa_plan.program.condition
    condition.care_note = "Numbness or tingling down the leg: have it checked before continuing."
    condition.save()
    signed_in(client, people.rosa)
    # 1. the session, 2. its user, 3. the plan with its program, the program's condition (the
    # care note) and the runner, 4. the reminder, 5. the phases, 6. the plan's exercises,
    # 7. their dose history, 8. the calendar feed, 9. the plan's notifications, 10. her
    # therapists with their names and clinics, 11. the therapist role for the navigation.
    with django_assert_num_queries(11):
        page = client.get(f"/plans/{people.rosa_plan.pk}/").content.decode()
    assert "Numbness or tingling down the leg" in page


def test_a_plan_whose_condition_has_no_care_note_shows_none(client: Client, people: People) -> None:
    page = signed_in(client, people.rosa).get(f"/plans/{people.rosa_plan.pk}/").content.decode()

    assert people.rosa_plan.program.condition.care_note == ""
    assert "care-note" not in page and "Week by week" in page


def test_the_plan_page_lays_out_every_week_with_this_week_marked(
    client: Client, people: People
) -> None:
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    plan = factories.plan_for(people.rosa, today - timedelta(weeks=2))
    page = signed_in(client, people.rosa).get(f"/plans/{plan.pk}/").content.decode()
    assert "Week 6" in page and "Week 7" not in page
    assert page.count('aria-current="true"') == 1 and "This week" in page
    weeks = page.split("<h3>Week ")[1:]
    # This week at the current dose, the weeks ahead at the dose expected if all goes well:
    # one step of 5 after each 8 days (6 days to progress and the day it takes effect).
    assert "Clamshells</strong>: 1 set of 10 per side" in weeks[2]
    assert "Clamshells</strong>: 1 set of 10 per side" in weeks[3]
    assert "Clamshells</strong>: 1 set of 15 per side" in weeks[4]
    assert "Clamshells</strong>: 1 set of 20 per side" in weeks[5]
    assert plan.projected_end.strftime("%-d %B %Y") in page


def test_the_timeline_shows_the_dose_in_effect_in_past_weeks(
    client: Client, people: People
) -> None:
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    plan = factories.plan_for(people.rosa, today - timedelta(weeks=2))
    item = plan.exercises.get(exercise__name="Clamshells")
    decisions.override_dose(
        now=timezone.now(),
        plan_exercise=item,
        therapist=people.theo,
        amount=20,
        effective_on=today,
        reason="Strong enough for 20.",
    )
    page = signed_in(client, people.rosa).get(f"/plans/{plan.pk}/").content.decode()
    weeks = page.split("<h3>Week ")[1:]
    assert "Clamshells</strong>: 1 set of 10 per side" in weeks[0]  # before the change
    assert "Clamshells</strong>: 1 set of 20 per side" in weeks[2]  # this week
    assert "Clamshells</strong>: 1 set of 25 per side" in weeks[4]  # expected in week 5


def test_the_timeline_shows_how_often_each_week_was_at(client: Client, people: People) -> None:
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    plan = factories.plan_for(people.rosa, today - timedelta(weeks=2, days=2))
    tailoring.change_frequency(
        therapist=people.theo,
        plan_id=plan.pk,
        plan_exercise_id=plan.exercises.get(exercise__name="Clamshells").pk,
        frequency="every_other_day",
        effective_on=None,
        reason="Rest days between.",
        now=timezone.now(),
    )

    page = signed_in(client, people.rosa).get(f"/plans/{plan.pk}/").content.decode()

    weeks = page.split("<h3>Week ")[1:]
    # The weeks it runs in: the plan's end moves later with the change, into a week without it.
    how_often = [
        re.search(r'Clamshells</strong>: [^<]* <span class="muted">\u2013 ([^<]*)</span>', week)
        for week in weeks[:6]
    ]
    assert [found.group(1) if found else None for found in how_often] == [
        "Every day",
        "Every day",
        "Every day, then every other day",  # changed today, its third day
        "Every other day",
        "Every other day",
        "Every other day",
    ]


def test_other_peoples_plans_are_404_and_the_therapist_reads_only(
    client: Client, people: People
) -> None:
    plan = people.rosa_plan
    assert signed_in(client, people.oscar).get(f"/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/plans/{plan.pk}/status/", {"status": "paused"}).status_code == 404
    assert signed_in(client, people.uma).get(f"/plans/{plan.pk}/").status_code == 404
    page = signed_in(client, people.theo).get(f"/plans/{plan.pk}/").content.decode()
    assert "read-only" in page and "Pause the plan" not in page and "calendar-feed" not in page
    assert client.post(f"/plans/{plan.pk}/status/", {"status": "paused"}).status_code == 404
    assert client.post(f"/plans/{plan.pk}/calendar-feed/").status_code == 404
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE and not CalendarFeed.objects.exists()


def test_pause_and_resume(client: Client, people: People) -> None:
    plan = people.rosa_plan
    signed_in(client, people.rosa)
    assert client.get(f"/plans/{plan.pk}/status/").status_code == 405
    response = client.post(f"/plans/{plan.pk}/status/", {"status": "paused"}, follow=True)
    assert (
        "Plan paused." in response.content.decode()
        and "Resume the plan" in response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PAUSED
    assert plan.reminders.get(kind=Reminder.Kind.REMINDER).next_due_at is None
    client.post(f"/plans/{plan.pk}/status/", {"status": "active"})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE


def test_a_stopped_plan_resumes_only_after_clearance(client: Client, people: People) -> None:
    plan = factories.set_status(people.rosa_plan, Plan.Status.STOPPED, timezone.now())
    signed_in(client, people.rosa)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    # Not with the pause button: only through a clinician's clearance (test_stopped_plans).
    assert "Once a doctor or physical therapist has assessed the problem" in page
    assert f'action="/plans/{plan.pk}/resume/"' in page
    assert 'name="status" value="active"' not in page
    response = client.post(f"/plans/{plan.pk}/status/", {"status": "active"}, follow=True)
    assert "cannot be changed" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.STOPPED


def test_reminder_settings_change_and_bad_input_stays(client: Client, people: People) -> None:
    plan = people.rosa_plan
    signed_in(client, people.rosa)
    url = f"/plans/{plan.pk}/reminder/"
    client.post(url, {"reminder-local_time": "18:15", "reminder-state": "paused"})
    reminder = plan.reminders.get(kind=Reminder.Kind.REMINDER)
    assert str(reminder.local_time) == "18:15:00" and reminder.state == "paused"
    response = client.post(url, {"reminder-local_time": "7pm", "reminder-state": "on"})
    page = response.content.decode()
    assert response.status_code == 200 and "Enter a valid time." in page and 'value="7pm"' in page
    reminder.refresh_from_db()
    assert reminder.state == "paused"


def test_switching_the_reminder_off_on_the_page_leaves_the_questionnaires_reminder(
    client: Client, people: People
) -> None:
    plan = people.rosa_plan
    signed_in(client, people.rosa)

    response = client.post(
        f"/plans/{plan.pk}/reminder/",
        {"reminder-local_time": "18:15", "reminder-state": "off"},
        follow=True,
    )

    asked = plan.reminders.get(kind=Reminder.Kind.OUTCOMES)
    assert (str(asked.local_time), asked.state) == ("18:15:00", "on")
    # The page says so, next to the switch.
    assert "whether the daily reminder is on or off" in response.content.decode()


def test_the_evening_nudge_is_set_on_the_plan_page_and_bad_input_stays(
    client: Client, people: People
) -> None:
    plan = people.rosa_plan
    signed_in(client, people.rosa)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Evening nudge" in page and 'value="19:00"' in page

    url = f"/plans/{plan.pk}/nudge/"
    saved = client.post(url, {"nudge-local_time": "20:45", "nudge-state": "off"})
    nudge = plan.reminders.get(kind=Reminder.Kind.NUDGE)
    assert saved.status_code == 302 and saved["Location"].endswith("#nudge")
    assert (str(nudge.local_time), nudge.state, nudge.next_due_at) == ("20:45:00", "off", None)
    assert plan.reminders.get(kind=Reminder.Kind.REMINDER).state == "on"

    response = client.post(url, {"nudge-local_time": "late", "nudge-state": "on"})
    page = response.content.decode()
    assert response.status_code == 200 and "Enter a valid time." in page and 'value="late"' in page
    nudge.refresh_from_db()
    assert nudge.state == "off"
    # Someone else's plan: as if it did not exist.
    signed_in(client, people.oscar)
    assert client.post(url, {"nudge-local_time": "20:00", "nudge-state": "on"}).status_code == 404


def test_time_zone_change_and_a_bad_name(client: Client, people: People) -> None:
    plan = people.rosa_plan
    signed_in(client, people.rosa)
    url = f"/plans/{plan.pk}/time-zone/"
    client.post(url, {"zone-time_zone": "America/New_York"})
    plan.refresh_from_db()
    assert plan.time_zone == "America/New_York"
    page = client.post(url, {"zone-time_zone": "Nowhere/City"}).content.decode()
    assert "not an IANA time zone name" in page and 'value="Nowhere/City"' in page
    plan.refresh_from_db()
    assert plan.time_zone == "America/New_York"


def test_calendar_feed_create_rotate_revoke(client: Client, people: People) -> None:
    plan = people.rosa_plan
    signed_in(client, people.rosa)
    url = f"/plans/{plan.pk}/calendar-feed/"
    client.post(url, {"action": "create"})
    first = CalendarFeed.objects.get(plan=plan).token
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f"/api/v1/calendar/{first}.ics" in page
    assert client.get(f"/api/v1/calendar/{first}.ics").status_code == 200
    client.post(url, {"action": "rotate"})
    second = CalendarFeed.objects.get(plan=plan).token
    assert second != first and client.get(f"/api/v1/calendar/{first}.ics").status_code == 404
    client.post(url, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(plan=plan).exists()
    assert client.get(f"/api/v1/calendar/{second}.ics").status_code == 404


def test_recent_notifications_of_the_plan(client: Client, people: People) -> None:
    plan = people.rosa_plan
    delivery = Delivery.objects.create(
        plan=plan, kind="reminder", local_date=plan.start_date, due_at=timezone.now()
    )
    Notification.objects.create(
        user=people.rosa, delivery=delivery, title="Time for clamshells", body="3 sets"
    )
    page = signed_in(client, people.rosa).get(f"/plans/{plan.pk}/").content.decode()
    assert "Time for clamshells" in page
    page = signed_in(client, people.theo).get(f"/plans/{plan.pk}/").content.decode()
    assert "Time for clamshells" not in page


def test_plan_changes_are_csrf_protected(people: People) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.rosa)
    plan = people.rosa_plan
    assert client.post(f"/plans/{plan.pk}/status/", {"status": "paused"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE


def test_the_plan_page_only_pauses_and_resumes(client: Client, people: People) -> None:
    plan = people.rosa_plan
    signed_in(client, people.rosa)

    response = client.post(f"/plans/{plan.pk}/status/", {"status": "completed"}, follow=True)

    assert "cannot be changed" in response.content.decode()
    assert "Plan resumed." not in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
