"""A plan's life: where a condition starts (a program, or a doctor first), starting a plan
(by the runner or assigned by a therapist), pausing, resuming and completing it, and stopping
it for a warning sign. Every change of status moves the plan's messages through
`reminders.reschedule`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conditions.models import Condition, RedFlag
from planner.engine import progression, schedule
from planner.models import LADDER_FIELDS, DoseChange, Plan, PlanExercise, Program
from planner.plans import readiness, reminders, time_zones
from planner.plans.daily import LOG_WINDOW_DAYS
from planner.plans.ladders import dose_of, ladder_of
from planner.safety import screenings

# How far ahead a plan may start: a year covers a planned comeback; more is a typing slip.
LATEST_START_DAYS = 365


@dataclass(frozen=True)
class Referral:
    """What a condition that needs a doctor first gets instead of a program."""

    condition: Condition
    advice: str
    warning_signs: list[RedFlag]


def starting_point(condition: Condition) -> Program | Referral | None:
    """The program to start for a condition, the referral advice when a doctor must see it
    first, or None when its article recommends no exercise to plan."""
    if condition.care == Condition.Care.SEE_DOCTOR_FIRST:
        advice = condition.care_note or "See a doctor before starting any exercise for this."
        return Referral(condition, advice, list(condition.red_flags.order_by("urgency")))
    # The catalog's: a therapist's own program reaches a runner only by being assigned.
    return Program.objects.catalog().filter(condition=condition).order_by("pk").first()


def check_start_date(start_date: date, time_zone: str, now: datetime) -> None:
    """Back no further than sessions can still be logged, and not absurdly far ahead, both
    counted from today in the plan's (valid) time zone."""
    today = schedule.local_date(now, time_zone)
    earliest = today - timedelta(days=LOG_WINDOW_DAYS)
    latest = today + timedelta(days=LATEST_START_DAYS)
    if not earliest <= start_date <= latest:
        raise ValidationError(
            {
                "start_date": _("Between %(earliest)s and %(latest)s (in the plan's time zone).")
                % {"earliest": earliest, "latest": latest}
            }
        )


def planned_end_of(start: date, weeks: int) -> date:
    return start + timedelta(weeks=weeks, days=-1)


@transaction.atomic
def start_plan(
    *,
    user: User,
    program: Program,
    start_date: date,
    time_zone: str,
    now: datetime,
    reminder_time: time = reminders.DEFAULT_LOCAL_TIME,
    assigned_by: User | None = None,
) -> Plan:
    """Copy a program into a plan for one person, each exercise at the ladder's first dose,
    with a daily reminder at the person's time of day.

    Only on a warning-sign screening that allows it (planner.safety.screenings): raises
    ScreeningRequired, saying what is missing, before anything is written; a runner starting
    the walk-run program on their own also needs a recent readiness check that found them
    ready (planner.plans.readiness: ReadinessRequired otherwise)."""
    try:
        schedule.validate_time_zone(time_zone)
    except ValueError as exc:
        raise ValidationError({"time_zone": time_zones.not_a_zone(time_zone)}) from exc
    check_start_date(start_date, time_zone, now)
    prescriptions = list(program.prescriptions.select_related("exercise").order_by("order"))
    if assigned_by is None and readiness.is_walk_run(p.exercise for p in prescriptions):
        readiness.require_ready(user, now)
    permission = screenings.start_permission(user, now, program.condition.regions.all())
    if not permission.allowed:
        raise screenings.ScreeningRequired(permission)
    planned_end = planned_end_of(start_date, program.weeks)
    plan = Plan.objects.create(
        user=user,
        program=program,
        assigned_by=assigned_by,
        start_date=start_date,
        time_zone=time_zone,
        planned_end=planned_end,
        projected_end=planned_end,
    )
    items = PlanExercise.objects.bulk_create(
        PlanExercise(
            plan=plan,
            prescription=p,
            exercise=p.exercise,
            order=p.order,
            amount=p.start,
            current_sets=p.sets,
            dose_since=start_date + timedelta(weeks=p.first_week - 1),
            **{name: getattr(p, name) for name in LADDER_FIELDS},
        )
        for p in prescriptions
    )
    DoseChange.objects.bulk_create(
        DoseChange(
            plan_exercise=item,
            effective_on=item.dose_since,
            action=DoseChange.Action.START,
            new_amount=item.amount,
            new_sets=item.current_sets,
            # Stored as written: in the language of whoever starts the plan.
            reason=_("%(exercise)s: start at %(dose)s, the first dose of the ladder.")
            % {
                "exercise": item.exercise.name,
                "dose": progression.describe(ladder_of(item), dose_of(item)),
            },
            decided_by=assigned_by,
        )
        for item in items
    )
    screenings.mark_used(user, plan)
    reminders.create_reminders(plan, now, reminder_time)
    return plan


# What a runner may set their plan to; "stopped" is only ever set by a warning sign.
RUNNER_STATUSES = (Plan.Status.ACTIVE, Plan.Status.PAUSED, Plan.Status.COMPLETED)


@transaction.atomic
def change_plan(
    plan: Plan, now: datetime, *, status: str | None = None, time_zone: str | None = None
) -> Plan:
    """The runner pauses, resumes or completes their plan, or moves it to another time zone;
    its messages stop, restart or follow the new zone's clock. A plan stopped for a warning
    sign stays as it is."""
    # Read again under the plan's lock: a warning sign logged a moment ago has stopped it, and
    # a save from the caller's earlier read must not write it back to active.
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if locked.status == Plan.Status.STOPPED:
        raise ValidationError(
            {
                "status": _(
                    "A stopped plan cannot be changed: it was stopped for a warning sign, "
                    "see a doctor first."
                )
            }
        )
    if status is not None and status not in RUNNER_STATUSES:
        raise ValidationError(
            {"status": _("One of %(values)s.") % {"values": ", ".join(RUNNER_STATUSES)}}
        )
    changed = []
    if time_zone is not None:
        try:
            locked.time_zone = schedule.validate_time_zone(time_zone)
        except ValueError as exc:
            raise ValidationError({"time_zone": time_zones.not_a_zone(time_zone)}) from exc
        changed.append("time_zone")
    if status is not None:
        locked.status = status
        changed.append("status")
    locked.save(update_fields=[*changed, "updated_at"])
    reminders.reschedule(locked, now)
    plan.status, plan.time_zone = locked.status, locked.time_zone
    return locked


def stop(
    plan: Plan, reason: str, now: datetime, *, urgency: str = "see_clinician", advice: str = ""
) -> Plan:
    """A warning sign stops the plan, with the reason in words, how urgent the sign is and the
    catalog's advice for it (kept and shown wherever the plan is); it sends nothing more."""
    plan.status = Plan.Status.STOPPED
    plan.stop_reason = reason
    plan.stop_urgency = urgency
    plan.stop_advice = advice
    plan.stopped_at = now
    plan.save(
        update_fields=[
            "status",
            "stop_reason",
            "stop_urgency",
            "stop_advice",
            "stopped_at",
            "updated_at",
        ]
    )
    reminders.reschedule(plan, now)
    return plan
