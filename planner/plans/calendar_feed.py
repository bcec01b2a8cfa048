"""A plan's sessions in the runner's own calendar: a private, revocable iCalendar feed.

The REST API (planner/api/calendar.py) and the plan page both use these functions.

The feed's address is a secret (a random token): calendar applications fetch it without
signing in, so whoever holds the address sees the plan's sessions and doses. That is why only
the runner whose plan it is may create, rotate or revoke it, and everyone else, the linked
therapist and admins included, gets 404 there: the address is the runner's to hand out, and a
therapist who could mint one could pass the runner's health data on without the runner knowing.
Rotating gives a new address and the old one stops working at once; revoking ends it.

The feed lists the session days from today (in the plan's time zone) to the plan's projected
end, at most eight weeks ahead, each at the plan's daily reminder time for 30 minutes. Only an
active plan has sessions to show: a paused, completed or stopped one gives an empty calendar.
Times are written in UTC, converted from the plan's zone day by day, so daylight saving time
is right whatever the viewer's calendar application knows about zones.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.http import Http404

from planner.engine import course, ical, progression, schedule
from planner.models import CalendarFeed, DoseChange, Plan, PlanExercise, Reminder
from planner.plans import daily, ladders, reminders

HORIZON = timedelta(weeks=8)
SESSION_LENGTH = timedelta(minutes=30)
UID_DOMAIN = "rehab-planner"


# --- Which sessions, with which doses: plain values once loaded --------------------------------


@dataclass(frozen=True)
class DoseStep:
    effective_on: date
    dose: progression.Dose


@dataclass(frozen=True)
class DueExercise:
    name: str
    dose_text: str  # "2 sets of 15 per side, hold 5 s", as every page words it


@dataclass(frozen=True)
class SessionDay:
    day: date
    exercises: list[DueExercise]


def feed_window(plan: Plan, today: date) -> tuple[date, date]:
    """The first and last day the feed shows; the last is before the first when none."""
    first = max(today, plan.start_date)
    return first, min(plan.projected_end, today + HORIZON - timedelta(days=1))


def dose_in_effect(
    steps: Sequence[DoseStep], day: date, current: progression.Dose
) -> progression.Dose:
    """The dose of the latest step in effect on `day` (steps in the order they were decided);
    the exercise's current dose when none is, as the day view does."""
    dose = None
    for step in steps:
        if step.effective_on <= day:
            dose = step.dose
    return dose if dose is not None else current


def session_days(
    plan: Plan,
    items: Sequence[PlanExercise],
    steps: dict[int, list[DoseStep]],
    first: date,
    last: date,
) -> list[SessionDay]:
    """Each day from `first` to `last` on which any exercise is due, with each one's dose
    that day. No queries: `items` come with their exercise loaded."""
    days = []
    day = first
    while day <= last:
        due = [
            DueExercise(
                name=item.exercise.name,
                dose_text=course.dose_text(
                    ladders.ladder_of(item),
                    dose_in_effect(steps.get(item.pk, []), day, ladders.dose_of(item)),
                ),
            )
            for item in items
            if daily.is_due(item, plan.start_date, day)
        ]
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


def dose_line(exercise: DueExercise) -> str:
    return f"{exercise.name}: {exercise.dose_text}"


def session_events(
    plan_id: int,
    days: Iterable[SessionDay],
    local_time: time,
    time_zone: str,
    stamp: datetime,
) -> list[list[str]]:
    """One VEVENT per session day, with a UID that stays the same for (plan, day) so a
    calendar updates the event when a dose changes instead of adding another."""
    events = []
    for session in days:
        start = local_instant(session.day, local_time, time_zone)
        events.append(
            ical.event(
                uid=f"plan-{plan_id}-{session.day.isoformat()}@{UID_DOMAIN}",
                start=start,
                end=start + SESSION_LENGTH,
                stamp=stamp,
                summary="Rehab: " + ", ".join(e.name for e in session.exercises),
                description="\n".join(dose_line(e) for e in session.exercises),
            )
        )
    return events


# --- Loading and changing ------------------------------------------------------------------


def feed_of(token: str) -> CalendarFeed:
    # One query: the feed with its plan and program (for the calendar's name).
    feed = CalendarFeed.objects.select_related("plan__program").filter(token=token).first()
    if feed is None:
        raise Http404
    return feed


def feed_text(plan: Plan, now: datetime) -> str:
    """The plan's feed as iCalendar text: three queries after the plan, whatever the window."""
    first, last = feed_window(plan, schedule.local_date(now, plan.time_zone))
    days: list[SessionDay] = []
    # 1: the daily reminder's time of day, when the runner wants to exercise.
    local_time = (
        plan.reminders.filter(kind=Reminder.Kind.REMINDER)
        .values_list("local_time", flat=True)
        .first()
    ) or reminders.DEFAULT_LOCAL_TIME
    if plan.status == Plan.Status.ACTIVE and first <= last:
        # 2: the exercises, with their names and units.
        items = list(plan.exercises.select_related("exercise").order_by("order", "pk"))
        # 3: every dose step in effect by the window's end, in the order they were decided.
        steps: dict[int, list[DoseStep]] = defaultdict(list)
        for item_id, effective_on, amount, sets, level in (
            DoseChange.objects.filter(plan_exercise__plan=plan, effective_on__lte=last)
            .order_by("plan_exercise_id", "effective_on", "created_at", "pk")
            .values_list("plan_exercise_id", "effective_on", "new_amount", "new_sets", "new_level")
        ):
            steps[item_id].append(DoseStep(effective_on, progression.Dose(amount, sets, level)))
        days = session_days(plan, items, steps, first, last)
    events = session_events(plan.pk, days, local_time, plan.time_zone, stamp=now)
    return ical.calendar(events, name=f"Rehab: {plan.program.name}")


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
