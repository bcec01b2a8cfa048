"""A plan's reminder settings: when each recurring message is next due, in UTC.

Every change that could move a message (time of day, pause, switch off, a new time zone, the
plan paused, stopped or ended: planner.plans.lifecycle) goes through `reschedule`, so
`next_due_at` is always either the next
instant to fire or NULL.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from planner.engine import outcomes, schedule
from planner.models import Delivery, Plan, Reminder

DEFAULT_LOCAL_TIME = time(7, 30)
# The evening nudge's time unless the runner picks another (issue 20): late enough that a day's
# session is usually done, early enough to do it still. The project's own choice.
DEFAULT_NUDGE_TIME = time(19, 0)


def next_due(
    reminder: Reminder, plan: Plan, now: datetime, last_local_date: date | None
) -> tuple[datetime | None, date | None]:
    """When the reminder fires next, or (None, None) when it must not fire at all."""
    if reminder.state != Reminder.State.ON or plan.status != Plan.Status.ACTIVE:
        return None, None
    # Never before the plan starts, and never twice for a local date already delivered: a
    # person who flies west must not get the same day's reminder again.
    not_before = plan.start_date
    if last_local_date is not None and last_local_date >= not_before:
        not_before = last_local_date + timedelta(days=1)
    if reminder.kind == Reminder.Kind.OUTCOMES:
        # Only on the questionnaires' due dates, each at most once (not_before is past the
        # last one delivered); none left after the projected end.
        found = outcomes.next_asking(
            reminder.local_time,
            plan.time_zone,
            now,
            not_before,
            plan.start_date,
            plan.projected_end,
        )
        return found if found is not None else (None, None)
    due_at, local_day = schedule.next_occurrence(
        reminder.local_time, plan.time_zone, now, not_before
    )
    if local_day > plan.projected_end:
        return None, None
    return due_at, local_day


def last_delivered_dates(plan: Plan) -> dict[str, date]:
    return {
        row["kind"]: row["last"]
        # Reminders' own deliveries, down their partial UNIQUE index (alerts have theirs).
        for row in Delivery.objects.filter(plan=plan, alert__isnull=True)
        .values("kind")
        .annotate(last=Max("local_date"))
    }


def reschedule(plan: Plan, now: datetime) -> list[Reminder]:
    """Recompute when each of the plan's messages is next due (two queries and the saves)."""
    last = last_delivered_dates(plan)
    reminders = list(plan.reminders.all())
    for reminder in reminders:
        reminder.next_due_at, reminder.next_local_date = next_due(
            reminder, plan, now, last.get(reminder.kind)
        )
    Reminder.objects.bulk_update(reminders, ["next_due_at", "next_local_date"])
    return reminders


@transaction.atomic
def create_reminders(plan: Plan, now: datetime, local_time: time = DEFAULT_LOCAL_TIME) -> None:
    """A new plan's daily reminder, daily progression step and questionnaires' reminder, all at
    the person's time, and its evening nudge at DEFAULT_NUDGE_TIME."""
    Reminder.objects.bulk_create(
        Reminder(
            plan=plan,
            kind=kind,
            local_time=DEFAULT_NUDGE_TIME if kind == Reminder.Kind.NUDGE else local_time,
        )
        for kind in Reminder.Kind
    )
    reschedule(plan, now)


@transaction.atomic
def update_reminder(
    plan: Plan,
    now: datetime,
    *,
    local_time: time | None = None,
    state: str | None = None,
) -> Reminder:
    """Change the daily reminder's time of day, or pause, resume or switch it off.

    The time of day moves every kind but the evening nudge, which has a time of its own
    (`update_nudge`). The state is the daily reminder's alone: a runner who switches off "your
    exercises for today" still gets the plan's changes and, every two weeks, the
    questionnaires' reminder, which are few and about what she cannot otherwise know is due;
    pausing the plan itself silences them all."""
    reminder = plan.reminders.select_for_update().get(kind=Reminder.Kind.REMINDER)
    if local_time is not None:
        # Every message follows the person's chosen time of day.
        plan.reminders.exclude(kind=Reminder.Kind.NUDGE).update(local_time=local_time)
    return _changed(reminder, plan, now, local_time, state)


@transaction.atomic
def update_nudge(
    plan: Plan,
    now: datetime,
    *,
    local_time: time | None = None,
    state: str | None = None,
) -> Reminder:
    """Change the evening nudge's time of day, or switch it off or on again: one short message
    when the day's session is due and nothing of it is logged by that time."""
    nudge = plan.reminders.select_for_update().get(kind=Reminder.Kind.NUDGE)
    return _changed(nudge, plan, now, local_time, state)


def _changed(
    reminder: Reminder, plan: Plan, now: datetime, local_time: time | None, state: str | None
) -> Reminder:
    if state is not None:
        if state not in Reminder.State.values:
            raise ValidationError(
                {"state": _("One of %(values)s.") % {"values": ", ".join(Reminder.State.values)}}
            )
        reminder.state = state
    if local_time is not None:
        reminder.local_time = local_time
    reminder.save(update_fields=["state", "local_time", "updated_at"])
    reschedule(plan, now)
    reminder.refresh_from_db()
    return reminder


def local_time_from_text(value: str) -> time:
    """Parse "HH:MM" (24-hour, ASCII digits) or raise a ValidationError naming the rule."""
    match = re.fullmatch(r"([0-9]{2}):([0-9]{2})", value)
    try:
        if match is None:
            raise ValueError
        return time(int(match[1]), int(match[2]))
    except ValueError as exc:
        raise ValidationError(
            {
                "local_time": _("%(value)r is not a time of day: use HH:MM, 24-hour.")
                % {"value": value}
            }
        ) from exc
