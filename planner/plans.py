"""Plans: start one, say what is due on a day, log a session and let the engine decide.

These functions load, call the plain decision functions in `progression` and `schedule`, and
save. Errors a person can fix are ValidationErrors naming the field and the rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from conditions.models import Condition, RedFlag
from planner import progression, reads, reminders, schedule, writes
from planner.models import (
    DoseChange,
    Plan,
    PlanExercise,
    Prescription,
    Program,
    RedFlagReport,
    SessionLog,
)
from planner.reads import LogRow

# How far back a person may log a missed day: a week covers a forgotten weekend and more,
# while an older "memory" of pain is too unreliable to steer doses by.
LOG_WINDOW_DAYS = 7
PAIN_FIELDS = ("pain_during", "pain_next_morning")


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
    return Program.objects.filter(condition=condition).order_by("pk").first()


# How far ahead a plan may start: a year covers a planned comeback; more is a typing slip.
LATEST_START_DAYS = 365


def check_start_date(start_date: date, time_zone: str, now: datetime) -> None:
    """Back no further than sessions can still be logged, and not absurdly far ahead, both
    counted from today in the plan's (valid) time zone."""
    today = schedule.local_date(now, time_zone)
    earliest = today - timedelta(days=LOG_WINDOW_DAYS)
    latest = today + timedelta(days=LATEST_START_DAYS)
    if not earliest <= start_date <= latest:
        raise ValidationError(
            {"start_date": f"Between {earliest} and {latest} (in the plan's time zone)."}
        )


def ladder_of(item: PlanExercise) -> progression.Ladder:
    return ladder_from(item, item.variation_name)


def ladder_from(item: PlanExercise | Prescription, variation: str) -> progression.Ladder:
    """The dose ladder of a plan exercise, or of the program's prescription it copies."""
    return progression.Ladder(
        exercise=item.exercise.name,
        unit=item.exercise.unit,
        start=item.start,
        target=item.target,
        step=item.step,
        per_side=item.exercise.per_side,
        variation=variation,
    )


def dose_of(item: PlanExercise) -> progression.Dose:
    return progression.Dose(item.amount, item.with_variation)


def rules_of(item: PlanExercise) -> progression.Rules:
    return progression.Rules(
        sessions_to_progress=item.sessions_to_progress, days_to_progress=item.days_to_progress
    )


# The dose fields a plan copies from its program's prescription, for a therapist to tailor.
LADDER_FIELDS = (
    "frequency",
    "first_week",
    "last_week",
    "sets",
    "start",
    "target",
    "step",
    "hold_seconds",
    "sessions_to_progress",
    "days_to_progress",
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
    with a daily reminder at the person's time of day."""
    try:
        schedule.validate_time_zone(time_zone)
    except ValueError as exc:
        raise ValidationError({"time_zone": str(exc)}) from exc
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
    prescriptions = program.prescriptions.select_related("exercise", "variation").order_by("order")
    items = PlanExercise.objects.bulk_create(
        PlanExercise(
            plan=plan,
            prescription=p,
            exercise=p.exercise,
            order=p.order,
            variation_name=p.variation.name if p.variation else "",
            amount=p.start,
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
            reason=f"{item.exercise.name}: start at "
            f"{progression.describe(ladder_of(item), dose_of(item))}, the first dose of "
            f"the ladder.",
            decided_by=assigned_by,
        )
        for item in items
    )
    reminders.create_reminders(plan, now, reminder_time)
    return plan


def is_due(item: PlanExercise, plan_start: date, day: date) -> bool:
    week = schedule.week_of(plan_start, day)
    return item.first_week <= week <= item.last_week and schedule.is_session_day(
        plan_start, day, schedule.Frequency(item.frequency)
    )


@dataclass(frozen=True)
class DueExercise:
    """One card of a day's plan: the exercise and its exact dose that day."""

    plan_exercise: PlanExercise
    sets: int
    amount: int
    with_variation: bool
    dose_text: str
    log: SessionLog | None


@dataclass(frozen=True)
class Day:
    plan: Plan
    day: date
    week: int
    exercises: list[DueExercise]


def plan_day(plan: Plan, day: date) -> Day:
    """The exercises due on a local date with the dose in effect that day.

    At most three queries whatever the plan's length: its exercises (with the exercise), their
    dose changes up to that day when the day is before a current dose took effect, and that
    day's logs.
    """
    if not plan.start_date <= day <= plan.projected_end:
        raise ValidationError(
            {"day": f"{day} is outside the plan ({plan.start_date} to {plan.projected_end})."}
        )
    items = [item for item in reads.plan_exercises(plan) if is_due(item, plan.start_date, day)]
    # An item's current dose is in effect from dose_since on; only an earlier day (or a dose
    # set to start later) needs the history.
    earlier = [item for item in items if item.dose_since > day]
    doses = dose_on(earlier, day) if earlier else {}
    # No ORDER BY: the default one joins the plan exercise and the plan just to sort a dict.
    logs = {
        log.plan_exercise_id: log
        for log in SessionLog.objects.filter(plan=plan, day=day).order_by()
    }
    cards = []
    for item in items:
        amount, with_variation = doses.get(item.pk, (item.amount, item.with_variation))
        dose = progression.Dose(amount, with_variation)
        cards.append(
            DueExercise(
                plan_exercise=item,
                sets=item.sets,
                amount=amount,
                with_variation=with_variation,
                dose_text=progression.describe(ladder_of(item), dose),
                log=logs.get(item.pk),
            )
        )
    return Day(plan=plan, day=day, week=schedule.week_of(plan.start_date, day), exercises=cards)


def dose_on(items: Iterable[PlanExercise], day: date) -> dict[int, tuple[int, bool]]:
    """The dose each item had on `day`, from its latest change in effect then (one query)."""
    latest: dict[int, tuple[int, bool]] = {}
    changes = (
        DoseChange.objects.filter(plan_exercise__in=list(items), effective_on__lte=day)
        .order_by("plan_exercise_id", "effective_on", "created_at", "pk")
        .values_list("plan_exercise_id", "new_amount", "new_with_variation")
    )
    for item_id, amount, with_variation in changes:
        latest[item_id] = (amount, with_variation)
    return latest


def plan_today(plan: Plan, now: datetime) -> Day:
    """Today's exercises in the person's own time zone."""
    return plan_day(plan, schedule.local_date(now, plan.time_zone))


def check_loggable(plan: Plan, item: PlanExercise, day: date, today: date) -> None:
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError(
            {"plan": f"The plan is {plan.get_status_display().lower()}: nothing can be logged."}
        )
    if day > today:
        raise ValidationError({"day": f"{day} is in the future: log a session once it is done."})
    if day < today - timedelta(days=LOG_WINDOW_DAYS):
        raise ValidationError(
            {"day": f"{day} is more than {LOG_WINDOW_DAYS} days ago: too late to log."}
        )
    if not plan.start_date <= day <= plan.projected_end:
        raise ValidationError(
            {"day": f"{day} is outside the plan ({plan.start_date} to {plan.projected_end})."}
        )
    week = schedule.week_of(plan.start_date, day)
    if not item.first_week <= week <= item.last_week:
        raise ValidationError(
            {"plan_exercise": f"{item.exercise.name} is not part of week {week} of the plan."}
        )


def check_pain(values: dict[str, Any]) -> None:
    errors = {
        name: f"Pain is rated from 0 to 10, not {value}."
        for name, value in values.items()
        if name in PAIN_FIELDS and value is not None and not 0 <= value <= 10
    }
    if errors:
        raise ValidationError(errors)


def check_amount_done(item: PlanExercise, amount_done: int | None) -> None:
    # Twice the target is the most anyone plausibly does; more is a typing slip.
    if amount_done is not None and not 0 <= amount_done <= 2 * item.target:
        raise ValidationError(
            {"amount_done": f"Between 0 and {2 * item.target} for {item.exercise.name}."}
        )


def check_difficulty(difficulty: int | None) -> None:
    if difficulty is not None and difficulty not in SessionLog.Difficulty.values:
        raise ValidationError({"difficulty": "Difficulty is rated from 1 (very easy) to 5."})


CORRECTABLE_FIELDS = {
    "done",
    "amount_done",
    "pain_during",
    "pain_next_morning",
    "difficulty",
    "note",
}


@transaction.atomic
def log_session(
    *,
    plan: Plan,
    plan_exercise: PlanExercise,
    day: date,
    today: date,
    done: bool,
    amount_done: int | None = None,
    pain_during: int | None = None,
    pain_next_morning: int | None = None,
    difficulty: int | None = None,
    note: str = "",
    red_flag: RedFlag | None = None,
    plan_items: list[PlanExercise] | None = None,
) -> SessionLog:
    """Save one exercise's log for a day, then let the engine decide its next dose.

    `plan_items`, all the plan's exercises when the caller has them loaded already, saves
    loading them again for the projected end.
    """
    # The plan's row lock serialises logs of one plan, so the checks cannot race.
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    # The dose as it is now that the plan is locked (a therapist may have just changed it).
    plan_exercise.refresh_from_db(fields=["amount", "with_variation", "dose_since"])
    return log_session_locked(
        plan=plan,
        plan_exercise=plan_exercise,
        day=day,
        today=today,
        done=done,
        amount_done=amount_done,
        pain_during=pain_during,
        pain_next_morning=pain_next_morning,
        difficulty=difficulty,
        note=note,
        red_flag=red_flag,
        plan_items=plan_items,
    )


def log_session_locked(
    *,
    plan: Plan,
    plan_exercise: PlanExercise,
    day: date,
    today: date,
    done: bool,
    amount_done: int | None = None,
    pain_during: int | None = None,
    pain_next_morning: int | None = None,
    difficulty: int | None = None,
    note: str = "",
    red_flag: RedFlag | None = None,
    plan_items: list[PlanExercise] | None = None,
) -> SessionLog:
    """log_session for a caller inside a transaction that has locked `plan` (select_for_update)
    and read `plan_exercise` (and `plan_items`) after taking the lock, as the API does in its
    first two reads; the caller's transaction makes it all or nothing.

    Under the lock no other log of the plan can be written until commit, so the exercise's
    recent logs as they were before the INSERT (read with it, planner.writes) are its logs
    after it once the new one is added: the engine's history. A second log of the day breaks
    the UNIQUE (plan_exercise, day) constraint, which ends the transaction; the caller's
    atomic block (a savepoint, when nested) rolls it back with the ValidationError.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_session_locked runs in the transaction that locked the plan.")
    check_loggable(plan, plan_exercise, day, today)
    check_pain({"pain_during": pain_during, "pain_next_morning": pain_next_morning})
    check_amount_done(plan_exercise, amount_done)
    check_difficulty(difficulty)
    start = history_start(plan_exercise)
    # Read before the INSERT: on PostgreSQL a refused INSERT ends the transaction, so the
    # message cannot load the exercise afterwards.
    name = plan_exercise.exercise.name
    log = SessionLog(
        plan=plan,
        plan_exercise=plan_exercise,
        day=day,
        done=done,
        amount_done=amount_done,
        pain_during=pain_during,
        pain_next_morning=pain_next_morning,
        difficulty=difficulty,
        note=note,
    )
    try:
        history = writes.insert_log(log, history_from=start)
    except writes.AlreadyLogged:
        raise ValidationError(
            {"day": f"{name} is already logged for {day}: correct that log instead."}
        ) from None
    in_history = day >= start
    if in_history:
        history.append((day, done, pain_during, pain_next_morning))
    sign = ""
    if red_flag is not None:
        RedFlagReport.objects.create(plan=plan, red_flag=red_flag, day=day, note=note)
        sign = red_flag.sign
    apply_decision(plan, plan_exercise, today, plan_items, new_red_flag=(day, sign), logs=history)
    return log


@transaction.atomic
def correct_session(*, log: SessionLog, changes: dict[str, Any], today: date) -> SessionLog:
    """Correct a logged session (or add the next-morning pain) within the logging window;
    the engine then decides again from the corrected history."""
    plan = Plan.objects.select_for_update().get(pk=log.plan_id)
    log.plan_exercise.refresh_from_db(fields=["amount", "with_variation", "dose_since"])
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError(
            {"plan": f"The plan is {plan.get_status_display().lower()}: nothing can be changed."}
        )
    if log.day < today - timedelta(days=LOG_WINDOW_DAYS):
        raise ValidationError(
            {"day": f"{log.day} is more than {LOG_WINDOW_DAYS} days ago: too late to correct."}
        )
    unknown = set(changes) - CORRECTABLE_FIELDS
    if unknown:
        raise ValidationError({name: "This cannot be corrected." for name in sorted(unknown)})
    check_pain(changes)
    check_amount_done(log.plan_exercise, changes.get("amount_done"))
    check_difficulty(changes.get("difficulty"))
    for name, value in changes.items():
        setattr(log, name, value)
    log.save(update_fields=[*changes, "updated_at"])
    apply_decision(plan, log.plan_exercise, today)
    return log


def record_morning_pain(*, log: SessionLog, pain_next_morning: int, today: date) -> SessionLog:
    """The next-morning rating of a logged session, which may change the next dose."""
    return correct_session(log=log, changes={"pain_next_morning": pain_next_morning}, today=today)


# How far before the current dose the engine looks: far enough to find the morning before.
HISTORY_LOOKBACK = timedelta(days=14)


def history_start(item: PlanExercise) -> date:
    return item.dose_since - HISTORY_LOOKBACK


def recent_logs(item: PlanExercise) -> list[LogRow]:
    """The logs of one exercise the engine reads, from HISTORY_LOOKBACK before its dose."""
    return reads.logs_since(item, history_start(item))


def session_records(
    item: PlanExercise,
    new_red_flag: tuple[date, str] | None = None,
    logs: list[LogRow] | None = None,
) -> list[progression.SessionRecord]:
    """The engine's view of one exercise's recent logs (`logs`, when the caller has read them
    with recent_logs). A red flag counts when it is just reported: one reported earlier has
    stopped the plan already."""
    flag_day, sign = new_red_flag or (None, "")
    records = [
        progression.SessionRecord(
            day=day,
            done=done,
            pain_during=during,
            pain_next_morning=morning,
            red_flag=sign if day == flag_day else "",
        )
        for day, done, during, morning in (recent_logs(item) if logs is None else logs)
    ]
    if sign and flag_day is not None and flag_day not in {record.day for record in records}:
        records.append(progression.SessionRecord(day=flag_day, done=False, red_flag=sign))
    return records


def engine_decision(
    plan: Plan,
    item: PlanExercise,
    today: date,
    new_red_flag: tuple[date, str] | None = None,
    logs: list[LogRow] | None = None,
) -> progression.Decision:
    """What the engine decides for one exercise from its logs as they are now, unsaved: the
    pages show it as the reason a dose holds, when no dose change records one."""
    history = session_records(item, new_red_flag, logs)
    expected = expected_days(plan, item, today)
    return progression.decide(
        ladder_of(item), dose_of(item), item.dose_since, history, expected, today, rules_of(item)
    )


def expected_days(plan: Plan, item: PlanExercise, today: date) -> list[date]:
    """The days a session of `item` was due from its current dose up to `today`."""
    return [
        day
        for day in schedule.session_days(
            plan.start_date, item.dose_since, today, schedule.Frequency(item.frequency)
        )
        if is_due(item, plan.start_date, day)
    ]


def apply_decision(
    plan: Plan,
    item: PlanExercise,
    today: date,
    plan_items: list[PlanExercise] | None = None,
    new_red_flag: tuple[date, str] | None = None,
    logs: list[LogRow] | None = None,
) -> progression.Decision:
    """Run the engine for one exercise and store what it decided, with its reason."""
    decision = engine_decision(plan, item, today, new_red_flag, logs)
    if decision.action == progression.Action.STOP:
        plan.status = Plan.Status.STOPPED
        plan.stop_reason = decision.reason
        plan.save(update_fields=["status", "stop_reason", "updated_at"])
        # A stopped plan sends nothing more: its messages leave the dispatcher's index.
        plan.reminders.update(next_due_at=None, next_local_date=None)
        return decision
    if decision.dose != dose_of(item):
        effective_on = today + timedelta(days=1)
        DoseChange.objects.create(
            plan_exercise=item,
            effective_on=effective_on,
            action=decision.action.value,
            old_amount=item.amount,
            old_with_variation=item.with_variation,
            new_amount=decision.dose.amount,
            new_with_variation=decision.dose.with_variation,
            reason=decision.reason,
        )
        item.amount = decision.dose.amount
        item.with_variation = decision.dose.with_variation
        item.dose_since = effective_on
        item.save(update_fields=["amount", "with_variation", "dose_since"])
    update_projected_end(plan, today, plan_items)
    return decision


def update_projected_end(
    plan: Plan, today: date, plan_items: list[PlanExercise] | None = None
) -> None:
    items = plan_items if plan_items is not None else plan.exercises.select_related("exercise")
    finishes = [
        progression.expected_finish(
            today,
            item.dose_since,
            progression.steps_remaining(ladder_of(item), dose_of(item)),
            item.days_to_progress,
        )
        for item in items
    ]
    projected = progression.projected_end(plan.planned_end, finishes)
    if projected != plan.projected_end:
        plan.projected_end = projected
        plan.save(update_fields=["projected_end", "updated_at"])


@transaction.atomic
def override_dose(
    *,
    plan_exercise: PlanExercise,
    amount: int,
    with_variation: bool,
    therapist: User,
    effective_on: date,
    reason: str,
) -> DoseChange:
    """A therapist sets a dose; it wins over the engine and is kept with who made it."""
    # Under the plan's lock, like logging: a log decided at the same moment cannot write a
    # dose over this one from a stale read.
    plan = Plan.objects.select_for_update().get(pk=plan_exercise.plan_id)
    plan_exercise.refresh_from_db(fields=["amount", "with_variation", "dose_since"])
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError(
            {"plan": f"The plan is {plan.get_status_display().lower()}: doses cannot change."}
        )
    if not plan.start_date <= effective_on <= plan.projected_end:
        raise ValidationError(
            {
                "effective_on": f"Between {plan.start_date} and {plan.projected_end}, "
                "the plan's days."
            }
        )
    if not plan_exercise.start <= amount <= plan_exercise.target:
        raise ValidationError(
            {
                "amount": f"Between {plan_exercise.start} and {plan_exercise.target} for "
                f"{plan_exercise.exercise.name}."
            }
        )
    if with_variation and not plan_exercise.variation_name:
        raise ValidationError({"with_variation": f"{plan_exercise.exercise.name} has none."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why, so the runner can read it."})
    change = DoseChange.objects.create(
        plan_exercise=plan_exercise,
        effective_on=effective_on,
        action=DoseChange.Action.OVERRIDE,
        old_amount=plan_exercise.amount,
        old_with_variation=plan_exercise.with_variation,
        new_amount=amount,
        new_with_variation=with_variation,
        reason=reason.strip(),
        decided_by=therapist,
    )
    plan_exercise.amount = amount
    plan_exercise.with_variation = with_variation
    plan_exercise.dose_since = effective_on
    plan_exercise.save(update_fields=["amount", "with_variation", "dose_since"])
    update_projected_end(plan, effective_on)
    return change
