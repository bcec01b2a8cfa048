"""The private calendar feed of a plan: Rosa subscribes to it, rotates and revokes it; nobody
else can make one; calendar applications fetch it without signing in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from planner.engine import schedule
from planner.models import CalendarFeed, Plan
from planner.plans import calendar_feed, decisions
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


def utc_at_half_past_seven_in_berlin(day: date) -> str:
    berlin = datetime.combine(day, time(7, 30), tzinfo=ZoneInfo("Europe/Berlin"))
    return berlin.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def content_lines(body: bytes) -> list[str]:
    """The unfolded content lines of a feed, after checking what RFC 5545 asks of its form:
    CRLF line ends, physical lines of at most 75 octets, BEGIN and END properly nested."""
    assert body.endswith(b"\r\n")
    physical = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert all(len(line) <= 75 for line in physical), max(physical, key=len)
    lines = body.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]
    open_components: list[str] = []
    for line in lines:
        if line.startswith("BEGIN:"):
            open_components.append(line[6:])
        elif line.startswith("END:"):
            assert open_components.pop() == line[4:]
    assert not open_components
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    return lines


def events(lines: list[str]) -> dict[str, dict[str, str]]:
    """Each VEVENT's properties, by its UID."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found[current["UID"]] = current
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def uid(plan: Plan, day: date) -> str:
    return f"plan-{plan.pk}-{day.isoformat()}@rehab-planner"


def subscribe(client: APIClient, plan: Plan) -> str:
    response = client.post(f"/api/v1/plans/{plan.pk}/calendar-feed")
    assert response.status_code in (200, 201), response.content
    url: str = response.json()["url"]
    return url


def fetch(url: str, **headers: Any) -> Any:
    # A calendar application: no session, no token, just the address.
    return APIClient().get(url, **headers)


@pytest.fixture
def current_plan(people: People) -> Plan:
    """A plan of Rosa's that started three days ago (6 weeks), reminder at 07:30 in Berlin."""
    return factories.plan_for(people.rosa, berlin_today() - timedelta(days=3))


def test_rosa_gets_a_private_address_that_calendar_apps_can_fetch(
    people: People, current_plan: Plan
) -> None:
    response = people.client("rosa").post(f"/api/v1/plans/{current_plan.pk}/calendar-feed")

    assert response.status_code == 201
    url = response.json()["url"]
    assert url.startswith("http://testserver/api/v1/calendar/") and url.endswith(".ics")
    feed = fetch(url, HTTP_ACCEPT="text/calendar")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    content_lines(feed.content)


def test_the_feed_lists_each_session_day_at_the_reminder_time(
    people: People, current_plan: Plan
) -> None:
    today = berlin_today()
    start = current_plan.start_date
    url = subscribe(people.client("rosa"), current_plan)

    found = events(content_lines(fetch(url).content))

    # Clamshells are due every day, so every day from today to the plan's end has a session.
    last = current_plan.projected_end
    assert len(found) == (last - today).days + 1
    assert uid(current_plan, today - timedelta(days=1)) not in found
    first = found[uid(current_plan, today)]
    assert first["DTSTART"] == utc_at_half_past_seven_in_berlin(today)
    start_at = datetime.strptime(first["DTSTART"], "%Y%m%dT%H%M%SZ")
    assert datetime.strptime(first["DTEND"], "%Y%m%dT%H%M%SZ") - start_at == timedelta(minutes=30)
    # The piriformis stretch joins in week 2, every other day counted from the start.
    week_two_odd, week_two_even = start + timedelta(days=7), start + timedelta(days=8)
    day_page = f"{settings.SITE_URL}/plans/{current_plan.pk}/day/{week_two_even}/"
    assert found[uid(current_plan, week_two_even)] == {
        "UID": uid(current_plan, week_two_even),
        "DTSTAMP": found[uid(current_plan, week_two_even)]["DTSTAMP"],
        "DTSTART": utc_at_half_past_seven_in_berlin(week_two_even),
        "DTEND": found[uid(current_plan, week_two_even)]["DTEND"],
        "SUMMARY": "Exercises",
        "DESCRIPTION": f"2 exercises today. See them and log the session: {day_page}",
        "URL": day_page,
    }
    assert found[uid(current_plan, week_two_odd)]["DESCRIPTION"].startswith("1 exercise today.")


def test_a_shared_calendar_shows_no_condition_exercise_or_dose(
    people: People, current_plan: Plan
) -> None:
    # Rosa may share the calendar with her family or show it on a lock screen (issue 17): it
    # must not say what she is treated for, nor which exercises at which doses.
    decisions.override_dose(
        now=timezone.now(),
        plan_exercise=current_plan.exercises.get(exercise__slug="clamshells"),
        amount=15,
        therapist=people.theo,
        effective_on=berlin_today() + timedelta(days=7),
        reason="Steady, pain-free sessions.",
    )
    program = current_plan.program
    url = subscribe(people.client("rosa"), current_plan)

    lines = content_lines(fetch(url).content)

    assert "NAME:Exercise plan" in lines and "X-WR-CALNAME:Exercise plan" in lines
    text = "\n".join(lines).lower()
    named = [program.name, program.condition.name, "clamshell", "piriformis", "set of", "per side"]
    assert [word for word in named if word.lower() in text] == []


def test_the_feed_looks_no_more_than_eight_weeks_ahead(people: People) -> None:
    today = berlin_today()
    long_plan = factories.plan_for(people.rosa, today, weeks=12)

    found = events(content_lines(fetch(subscribe(people.client("rosa"), long_plan)).content))

    assert len(found) == 56
    assert uid(long_plan, today + timedelta(days=55)) in found
    assert uid(long_plan, today + timedelta(days=56)) not in found


def test_a_paused_plan_shows_no_sessions(people: People, current_plan: Plan) -> None:
    current_plan.status = Plan.Status.PAUSED
    current_plan.save()

    lines = content_lines(fetch(subscribe(people.client("rosa"), current_plan)).content)

    assert "BEGIN:VEVENT" not in lines


def test_the_sessions_follow_the_plans_zone_across_daylight_saving_time() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026: it falls an hour later, at 03:30 CEST.
    assert calendar_feed.local_instant(date(2026, 3, 29), time(2, 30), "Europe/Berlin") == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    # 02:30 happens twice on 25 October 2026: the session is at the first, still in CEST.
    assert calendar_feed.local_instant(
        date(2026, 10, 25), time(2, 30), "Europe/Berlin"
    ) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert calendar_feed.local_instant(
        date(2026, 7, 1), time(7, 30), "America/New_York"
    ) == datetime(2026, 7, 1, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("who", "expected"), [("theo", 404), ("oscar", 404), ("uma", 404), ("alice", 404), (None, 401)]
)
def test_only_the_runner_can_make_the_address(
    people: People, current_plan: Plan, who: str | None, expected: int
) -> None:
    # Even her therapist: the address gives the plan to whoever holds it, so it is Rosa's to
    # hand out.
    client = people.client(who)

    assert client.post(f"/api/v1/plans/{current_plan.pk}/calendar-feed").status_code == expected
    assert client.delete(f"/api/v1/plans/{current_plan.pk}/calendar-feed").status_code == expected
    assert not CalendarFeed.objects.filter(plan=current_plan).exists()


def test_someone_else_cannot_revoke_rosas_feed(people: People, current_plan: Plan) -> None:
    url = subscribe(people.client("rosa"), current_plan)

    people.client("theo").delete(f"/api/v1/plans/{current_plan.pk}/calendar-feed")

    assert fetch(url).status_code == 200


def test_rotating_gives_a_new_address_and_the_old_one_stops_at_once(
    people: People, current_plan: Plan
) -> None:
    client = people.client("rosa")
    old = subscribe(client, current_plan)

    response = client.post(f"/api/v1/plans/{current_plan.pk}/calendar-feed")

    assert response.status_code == 200
    new = response.json()["url"]
    assert new != old
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200


def test_revoking_ends_the_address(people: People, current_plan: Plan) -> None:
    client = people.client("rosa")
    url = subscribe(client, current_plan)

    assert client.delete(f"/api/v1/plans/{current_plan.pk}/calendar-feed").status_code == 204

    assert fetch(url).status_code == 404
    assert client.delete(f"/api/v1/plans/{current_plan.pk}/calendar-feed").status_code == 204


def test_a_made_up_address_is_not_found(people: People) -> None:
    assert fetch("/api/v1/calendar/not-a-real-token.ics").status_code == 404


def test_the_feed_ignores_sign_in_headers(people: People, current_plan: Plan) -> None:
    # Some calendar applications send stale credentials; the token in the address decides.
    url = subscribe(people.client("rosa"), current_plan)

    assert fetch(url, HTTP_AUTHORIZATION="Token no-such-token").status_code == 200


@pytest.mark.parametrize("days_left", [6, 56])
def test_the_feed_costs_the_same_queries_however_many_days_it_lists(
    people: People, django_assert_num_queries: Any, days_left: int
) -> None:
    today = berlin_today()
    if days_left == 6:
        # A 6-week plan in its last six days.
        plan = factories.plan_for(people.rosa, today - timedelta(days=36))
    else:
        plan = factories.plan_for(people.rosa, today, weeks=12)
    url = subscribe(people.client("rosa"), plan)

    # 1: the feed by its token, with its plan
    # 2: the daily reminder's time of day
    # 3: the plan's exercises
    with django_assert_num_queries(3):
        response = fetch(url)

    assert len(events(content_lines(response.content))) == days_left
