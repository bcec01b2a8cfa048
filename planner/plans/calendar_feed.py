"""A plan's sessions in the runner's own calendar: a private, revocable iCalendar feed.

The REST API (planner/api/calendar.py) and the plan page both use these functions.

The feed's address is a secret (a random token): calendar applications fetch it without
signing in, so whoever holds the address sees when the plan's sessions are. That is why only
the runner whose plan it is may create, rotate or revoke it, and everyone else, the linked
therapist and admins included, gets 404 there: the address is the runner's to hand out, and a
therapist who could mint one could pass the runner's health data on without the runner knowing.
Rotating gives a new address and the old one stops working at once; revoking ends it.

The feed lists the session days from today (in the plan's time zone) to the plan's projected
end, at most eight weeks ahead, each at the plan's daily reminder time for 30 minutes. Only an
active plan has sessions to show: a paused, completed or stopped one gives an empty calendar.
Times are written in UTC, converted from the plan's zone day by day, so daylight saving time
is right whatever the viewer's calendar application knows about zones.

A calendar is often shared (with a family, on a work account) and shown on a lock screen, so
the feed says nothing of health: the calendar is "Exercise plan" and each session
"Exercises", with how many and a link to the day in the app (which asks for a sign-in). No
condition or program, and no exercise names (a "plantar fascia stretch" names the condition)
or doses: those are in the app.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404

from planner.engine import ical, schedule
from planner.models import CalendarFeed, Plan, PlanExercise, Reminder
from planner.plans import daily, reminders

HORIZON = timedelta(weeks=8)
SESSION_LENGTH = timedelta(minutes=30)
UID_DOMAIN = "rehab-planner"


# --- Which sessions: plain values once loaded -----------------------------------------------

CALENDAR_NAME = "Exercise plan"
SESSION_SUMMARY = "Exercises"


@dataclass(frozen=True)
class SessionDay:
    day: date
    exercises: int  # how many are due that day


def feed_window(plan: Plan, today: date) -> tuple[date, date]:
    """The first and last day the feed shows; the last is before the first when none."""
    first = max(today, plan.start_date)
    return first, min(plan.projected_end, today + HORIZON - timedelta(days=1))


def session_days(
    plan: Plan, items: Sequence[PlanExercise], first: date, last: date
) -> list[SessionDay]:
    """Each day from `first` to `last` on which any exercise is due, with how many. No
    queries."""
    days = []
    day = first
    while day <= last:
        due = sum(1 for item in items if daily.is_due(item, plan.start_date, day))
        if due:
            days.append(SessionDay(day, due))
        day += timedelta(days=1)
    return days


def local_instant(day: date, local_time: time, time_zone: str) -> datetime:
    """The instant the clock in `time_zone` reads `local_time` on `day`.

    As everywhere in the planner (RFC 5545 3.3.5): a time skipped by the clock going forward
    falls at the same offset after the gap, an ambiguous one at its first occurrence; fold=0
    gives exactly that.
    """
    return datetime.combine(
        day, local_time.replace(tzinfo=None, fold=0), tzinfo=ZoneInfo(time_zone)
    ).astimezone(UTC)


def day_link(plan_id: int, day: date) -> str:
    return f"{settings.SITE_URL}/plans/{plan_id}/day/{day.isoformat()}/"


def session_events(
    plan_id: int,
    days: Iterable[SessionDay],
    local_time: time,
    time_zone: str,
    stamp: datetime,
) -> list[list[str]]:
    """One VEVENT per session day, with a UID that stays the same for (plan, day) so a
    calendar updates the event when the plan changes instead of adding another."""
    events = []
    for session in days:
        start = local_instant(session.day, local_time, time_zone)
        link = day_link(plan_id, session.day)
        count = "1 exercise" if session.exercises == 1 else f"{session.exercises} exercises"
        events.append(
            ical.event(
                uid=f"plan-{plan_id}-{session.day.isoformat()}@{UID_DOMAIN}",
                start=start,
                end=start + SESSION_LENGTH,
                stamp=stamp,
                summary=SESSION_SUMMARY,
                description=f"{count} today. See them and log the session: {link}",
                url=link,
            )
        )
    return events


# --- Loading and changing ------------------------------------------------------------------


def feed_of(token: str) -> CalendarFeed:
    # One query: the feed with its plan.
    feed = CalendarFeed.objects.select_related("plan").filter(token=token).first()
    if feed is None:
        raise Http404
    return feed


def feed_text(plan: Plan, now: datetime) -> str:
    """The plan's feed as iCalendar text: two queries after the plan, whatever the window."""
    first, last = feed_window(plan, schedule.local_date(now, plan.time_zone))
    days: list[SessionDay] = []
    # 1: the daily reminder's time of day, when the runner wants to exercise.
    local_time = (
        plan.reminders.filter(kind=Reminder.Kind.REMINDER)
        .values_list("local_time", flat=True)
        .first()
    ) or reminders.DEFAULT_LOCAL_TIME
    if plan.status == Plan.Status.ACTIVE and first <= last:
        # 2: the exercises, with their schedules.
        items = list(plan.exercises.order_by("order", "pk"))
        days = session_days(plan, items, first, last)
    events = session_events(plan.pk, days, local_time, plan.time_zone, stamp=now)
    return ical.calendar(events, name=CALENDAR_NAME)


def create_or_rotate(plan: Plan, now: datetime) -> tuple[CalendarFeed, bool]:
    """A new secret address for the plan's feed; True when there was none before."""
    # One row per plan (OneToOne), updated under a row lock: the old token is gone the
    # moment this commits, and two rotations at once cannot both win.
    return CalendarFeed.objects.update_or_create(
        plan=plan, defaults={"token": secrets.token_urlsafe(32), "created_at": now}
    )


def revoke(plan: Plan) -> None:
    """The feed's address stops working; nothing happens when there was none."""
    CalendarFeed.objects.filter(plan=plan).delete()
