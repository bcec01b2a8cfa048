"""Logging a session, one use case for the API and the pages: the runner's own plan is locked,
the entry checked, the log saved, and the engine decides the exercise's next dose; the caller
gets the log and the decision back. Correcting a log (or adding the next-morning pain) goes the
same way, and so does a warning sign reported on a day already logged: it stops the plan
as one reported with a new log does.

A session logged done with fewer reps (or seconds) than the day's dose is stored as partial
(`SessionLog.partial`, decided by progression.is_partial when it is saved): it is not missed,
but it neither counts as a completed session nor towards the next step up.

Errors a person can fix are ValidationErrors naming the field and the rule; a plan the caller
may not see is a 404, one they may see but not log (their patient's) a 403.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conditions.models import RedFlag
from kit.conflict import Conflict
from planner import access
from planner.engine import progression, schedule
from planner.engine.words import in_sentence
from planner.models import Alert, DoseChange, Plan, PlanExercise, RedFlagReport, SessionLog
from planner.names import shown_name
from planner.plans import runs, statements
from planner.plans.daily import LOG_WINDOW_DAYS, dose_on, in_the_plan_on, not_loggable, today_of
from planner.plans.decisions import Applied, apply_decision, history_start
from planner.plans.ladders import dose_of, ladder_of, pain_rule_of
from planner.safety import alerts

PAIN_FIELDS = ("pain_during", "pain_next_morning")


@dataclass(frozen=True)
class Entry:
    """What the runner says of one exercise on one day."""

    done: bool
    amount_done: int | None = None
    pain_during: int | None = None
    pain_next_morning: int | None = None
    difficulty: int | None = None
    note: str = ""
    red_flag: RedFlag | None = None
    # A walk-run session's time and distance, typed in or read from an uploaded track
    # (`track`: "gpx" or "tcx", planner.plans.runs.from_track).
    run_seconds: int | None = None
    distance_metres: int | None = None
    track: str = ""


# What a correction may change: every part of an entry. A warning sign may be added (it stops
# the plan, as with a new log), never taken back: a correction without one leaves it as it was.
CORRECTABLE_FIELDS = frozenset(f.name for f in fields(Entry))


@dataclass(frozen=True)
class Logged:
    """A saved log and what the engine did with it: the plan and its exercise as they now
    stand (a stop, a new dose) and the decision with its reason."""

    log: SessionLog
    plan: Plan
    plan_exercise: PlanExercise
    decision: progression.Decision
    change: DoseChange | None  # stored for the decision; None when the dose holds
    red_flag: RedFlag | None = None  # the warning sign reported with the log

    @property
    def stopped(self) -> bool:
        return self.plan.status == Plan.Status.STOPPED


def check_loggable(plan: Plan, item: PlanExercise, day: date, today: date) -> None:
    refused = not_loggable(plan, day, today)
    if refused is not None:
        raise ValidationError({refused.field: refused.message})
    week = schedule.week_of(plan.start_date, day)
    if not item.first_week <= week <= item.last_week:
        raise ValidationError(
            {
                "plan_exercise": _("%(exercise)s is not part of week %(week)d of the plan.")
                % {"exercise": item.exercise.name, "week": week}
            }
        )
    if not in_the_plan_on(item, plan.start_date, day):
        raise ValidationError(
            {
                "plan_exercise": _("%(exercise)s is not part of the plan on %(day)s.")
                % {"exercise": item.exercise.name, "day": day}
            }
        )


def check_entry(item: PlanExercise, values: dict[str, Any]) -> None:
    """Pain from 0 to 10, an amount no one does by mistake, a difficulty on its scale."""
    errors = {
        name: _("Pain is rated from 0 to 10, not %(value)s.") % {"value": value}
        for name, value in values.items()
        if name in PAIN_FIELDS and value is not None and not 0 <= value <= 10
    }
    amount_done = values.get("amount_done")
    # Twice the target is the most anyone plausibly does; more is a typing slip.
    if amount_done is not None and not 0 <= amount_done <= 2 * item.target:
        errors["amount_done"] = _("Between 0 and %(most)d for %(exercise)s.") % {
            "most": 2 * item.target,
            "exercise": item.exercise.name,
        }
    difficulty = values.get("difficulty")
    if difficulty is not None and difficulty not in SessionLog.Difficulty.values:
        errors["difficulty"] = _("Difficulty is rated from 1 (very easy) to 5.")
    errors.update(runs.run_errors(item, values))
    if "done" in values:
        errors.update(done_and_amount_errors(values["done"], amount_done))
    if errors:
        raise ValidationError(errors)


def done_and_amount_errors(done: bool, amount_done: int | None) -> dict[str, str]:
    """An amount that says the opposite of `done`: some of the dose is a session done (in part,
    when fewer than the dose), none of it is a session not done."""
    if not done and amount_done:
        return {
            "amount_done": _(
                "%(amount)d done is a session done in part: log it as done (fewer than the "
                "dose is saved as partial), or leave the amount empty."
            )
            % {"amount": amount_done}
        }
    if done and amount_done == 0:
        return {
            "amount_done": _(
                "0 is none of the dose: log the session as not done, or give the amount done."
            )
        }
    return {}


def dose_that_day(item: PlanExercise, day: date) -> progression.Dose:
    """The dose `item` had on `day`, as the day's card shows it (daily.plan_day): its dose now
    from the day that took effect on, else the latest change in effect that day (one query)."""
    if day >= item.dose_since:
        return dose_of(item)
    return dose_on([item], day).get(item.pk) or dose_of(item)


def report_sign(plan: Plan, flag: RedFlag, day: date, note: str) -> tuple[date, str]:
    """Record a warning sign reported for `day` of the plan, with a new log or a correction:
    the (day, sign) to hand apply_decision, whose engine stops the plan for it."""
    RedFlagReport.objects.create(plan=plan, red_flag=flag, day=day, note=note)
    return day, flag.sign


def lock_own_plan(runner: AbstractBaseUser | AnonymousUser, plan_id: int, act: str) -> Plan:
    """The runner's own plan, locked (SELECT ... FOR UPDATE) until the transaction ends, so
    the checks and the engine's reads cannot race another log or a dose override."""
    found = statements.own_plan_locked(plan_id, runner.pk or 0)
    if found is None:
        access.own_plan(runner, plan_id, act=act)  # the 404 or 403 the caller is owed
        raise AssertionError("unreachable: a plan never changes hands")
    return found


@transaction.atomic
def log_session(
    *,
    runner: AbstractBaseUser | AnonymousUser,
    plan_id: int,
    plan_exercise_id: int,
    day: date,
    entry: Entry,
    now: datetime,
    client_id: UUID | None = None,
) -> Logged:
    """Save one exercise's log for a day of the runner's own plan, then let the engine decide
    its next dose. `client_id`: the id the runner's device made for it (see `log_once`).

    Under the plan's lock no other log of the plan can be written until commit, so the
    exercise's recent logs as they were before the INSERT (read with it, statements.insert_log)
    are its logs after it once the new one is added: the engine's history. A second log of the
    day breaks the UNIQUE (plan_exercise, day) constraint, which ends the transaction; this
    atomic block (a savepoint, when nested) rolls it back with the ValidationError.
    """
    plan = lock_own_plan(runner, plan_id, "log its sessions")
    # Read after the lock: the doses the engine starts from are current.
    items = statements.plan_exercises(plan)
    item = next((one for one in items if one.pk == plan_exercise_id), None)
    if item is None:
        raise ValidationError({"plan_exercise": _("No such exercise in this plan.")})
    today = today_of(plan, now)
    check_loggable(plan, item, day, today)
    values = {f.name: getattr(entry, f.name) for f in fields(Entry)}
    check_entry(item, values)
    flag: RedFlag | None = values.pop("red_flag")
    start = history_start(item)
    # Read before the INSERT: on PostgreSQL a refused INSERT ends the transaction, so the
    # message cannot load the exercise afterwards.
    name = item.exercise.name
    partial = progression.cut_short(
        ladder_of(item),
        dose_that_day(item, day),
        entry.done,
        entry.amount_done,
        entry.distance_metres,
    )
    log = SessionLog(
        plan=plan, plan_exercise=item, day=day, partial=partial, client_id=client_id, **values
    )
    try:
        log, history = statements.insert_log(log, history_from=start)
    except statements.AlreadyLogged:
        raise ValidationError(
            {
                "day": _("%(exercise)s is already logged for %(day)s: correct that log instead.")
                % {"exercise": name, "day": day}
            }
        ) from None
    if day >= start:
        history.append(
            progression.SessionRecord(
                day, entry.done, entry.pain_during, entry.pain_next_morning, partial=partial
            )
        )
    reported = report_sign(plan, flag, day, entry.note) if flag is not None else (day, "")
    applied = apply_decision(
        plan,
        item,
        now,
        items,
        new_red_flag=reported,
        logs=history,
        stop_urgency=stop_of(flag)[0],
        stop_advice=stop_of(flag)[1],
    )
    tell_the_therapists(plan, item, log, flag, None, applied.decision, now)
    return Logged(log, plan, item, applied.decision, applied.change, flag)


# What a log sent from a device says that a log of the same day stored elsewhere must say too
# for the two to be the same session: every value the runner gave (a warning sign is never
# compared away: a log carrying one is always stored or shown as a conflict).
COMPARED_FIELDS = (
    "done",
    "amount_done",
    "pain_during",
    "pain_next_morning",
    "difficulty",
    "note",
    "run_seconds",
    "distance_metres",
)


class LoggedElsewhere(Conflict):
    """The day was logged meanwhile by another log (another device, the day page) with other
    values: the device's log is not stored, and the runner is shown both (`stored`, `sent`) to
    decide, never left to lose either."""

    def __init__(self, stored: SessionLog, sent: Entry) -> None:
        super().__init__(
            f"{stored.plan_exercise.exercise.name} was logged for {stored.day} elsewhere "
            "meanwhile, with other values: yours were not saved.",
            missing="same_values",
        )
        self.stored = stored
        self.sent = sent


@dataclass(frozen=True)
class Sent:
    """A log sent from a device, as it ended: `logged` when it was stored now; otherwise the
    log already stored, by an earlier send of the same id (`replayed`) or elsewhere with the
    same values."""

    log: SessionLog
    logged: Logged | None
    replayed: bool = False

    @property
    def created(self) -> bool:
        return self.logged is not None


@transaction.atomic
def log_once(
    *,
    runner: AbstractBaseUser | AnonymousUser,
    plan_id: int,
    plan_exercise_id: int,
    day: date,
    entry: Entry,
    now: datetime,
    client_id: UUID,
) -> Sent:
    """A log made on the runner's device (offline, perhaps) and sent with the id the device
    made for it: stored once however often it is sent.

    Under the plan's lock (so a resend racing the first send waits for it):
    - the runner already has a log with that id: it is the stored log, returned as it is (a
      ValidationError when the id names a log of another exercise or day: a device's bug);
    - the day of that exercise is logged already by another log (the day page, another device)
      with the same values: that log, returned (nothing is lost, nothing stored twice);
      with other values: `LoggedElsewhere`, a 409 showing both;
    - else `log_session` logs it with the id.
    """
    plan = lock_own_plan(runner, plan_id, "log its sessions")
    stored = (
        SessionLog.objects.filter(plan__user_id=plan.user_id, client_id=client_id)
        .select_related("plan_exercise__exercise")
        .first()
    )
    if stored is not None:
        if (stored.plan_id, stored.plan_exercise_id, stored.day) != (
            plan.pk,
            plan_exercise_id,
            day,
        ):
            raise ValidationError(
                {"client_id": _("This id names another log of yours: make a new one for this log.")}
            )
        return Sent(stored, None, replayed=True)
    same_day = (
        SessionLog.objects.filter(plan=plan, plan_exercise_id=plan_exercise_id, day=day)
        .select_related("plan_exercise__exercise")
        .first()
    )
    if same_day is not None:
        if entry.red_flag is None and all(
            getattr(same_day, name) == getattr(entry, name) for name in COMPARED_FIELDS
        ):
            return Sent(same_day, None)
        raise LoggedElsewhere(same_day, entry)
    logged = log_session(
        runner=runner,
        plan_id=plan_id,
        plan_exercise_id=plan_exercise_id,
        day=day,
        entry=entry,
        now=now,
        client_id=client_id,
    )
    return Sent(logged.log, logged)


@transaction.atomic
def log_day(
    *,
    runner: AbstractBaseUser | AnonymousUser,
    plan_id: int,
    day: date,
    entries: Mapping[int, Entry],
    now: datetime,
) -> list[Logged]:
    """A whole session logged at once (exercise-along's one quick log): each exercise as
    `log_session` logs it, all of them or none, so a refused entry loses nothing and saves
    nothing half. The error names the exercise it is about."""
    if not entries:
        raise ValidationError({"entries": _("Log at least one exercise of the session.")})
    saved = []
    for plan_exercise_id, entry in entries.items():
        try:
            saved.append(
                log_session(
                    runner=runner,
                    plan_id=plan_id,
                    plan_exercise_id=plan_exercise_id,
                    day=day,
                    entry=entry,
                    now=now,
                )
            )
        except ValidationError as exc:
            raise ValidationError(
                {f"entries.{plan_exercise_id}.{name}": errors for name, errors in _by_field(exc)}
            ) from None
    return saved


def _by_field(error: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(error, "error_dict"):
        return [
            (name, [m for e in errors for m in e.messages])
            for name, errors in error.error_dict.items()
        ]
    return [("entry", error.messages)]


def stop_of(flag: RedFlag | None) -> tuple[str, str]:
    """How urgent a stop for this sign is, and the catalog's advice for it."""
    if flag is None:
        return "see_clinician", ""
    urgency = "emergency" if flag.urgency == RedFlag.Urgency.EMERGENCY else "see_clinician"
    return urgency, flag.advice


def tell_the_therapists(
    plan: Plan,
    item: PlanExercise,
    log: SessionLog,
    flag: RedFlag | None,
    pain_before: int | None,
    decision: progression.Decision,
    now: datetime,
) -> None:
    """Alert the runner's therapists, in this transaction, of a warning sign reported with a
    log, or of pain during above the exercise's pain rule (once: not again when a correction
    leaves it above)."""
    # The runner's name is read only for an alert: a plain log costs no query more.
    if flag is not None:
        who = shown_name(plan.user)
        alerts.raise_alert(
            runner=plan.user,
            kind=Alert.Kind.WARNING_SIGN,
            urgency=stop_of(flag)[0],
            text=f"{who} reported {in_sentence(flag.sign)} on {log.day:%A %d %B} with "
            f"{item.exercise.name}; the plan has stopped.",
            advice=flag.advice,
            plan=plan,
            session_log=log,
            now=now,
        )
        return
    rule = pain_rule_of(item)
    pain = log.pain_during
    was_above = pain_before is not None and pain_before > rule.limit
    if pain is not None and pain > rule.limit and not was_above:
        who = shown_name(plan.user)
        alerts.raise_alert(
            runner=plan.user,
            kind=Alert.Kind.PAIN_ABOVE_RULE,
            text=f"{who}: pain {pain}/10 during {item.exercise.name} on {log.day:%A %d %B}, "
            f"above the {rule.limit}/10 limit of {rule.name}. {decision.reason}",
            advice=rule.advice,
            plan=plan,
            session_log=log,
            now=now,
        )


def logged(
    log: SessionLog,
    plan: Plan,
    item: PlanExercise,
    applied: Applied,
    red_flag: RedFlag | None = None,
) -> Logged:
    return Logged(log, plan, item, applied.decision, applied.change, red_flag)


@transaction.atomic
def correct_session(
    *,
    runner: AbstractBaseUser | AnonymousUser,
    log_id: int,
    plan_id: int,
    changes: dict[str, Any],
    now: datetime,
) -> Logged:
    """Correct a logged session of the runner's own plan (or add the next-morning pain, or a
    warning sign) within the logging window; the engine then decides again from the corrected
    history, and a warning sign stops the plan as it does with a new log."""
    plan = lock_own_plan(runner, plan_id, "correct its logs")
    log = (
        SessionLog.objects.select_related("plan_exercise__exercise")
        .filter(plan=plan, pk=log_id)
        .first()
    )
    if log is None:
        access.not_found(SessionLog)
    return corrected(plan, log, changes, now)


def corrected(plan: Plan, log: SessionLog, changes: dict[str, Any], now: datetime) -> Logged:
    """`log` (with its exercise loaded) of `plan`, which the caller has locked, corrected and
    decided again. A `red_flag` among the changes is reported for the log's day."""
    item = log.plan_exercise
    changes = dict(changes)
    log.plan = plan
    today = today_of(plan, now)
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError(
            {
                "plan": _("The plan is %(status)s: nothing can be changed.")
                % {"status": plan.get_status_display().lower()}
            }
        )
    if log.day < today - timedelta(days=LOG_WINDOW_DAYS):
        raise ValidationError(
            {
                "day": _("%(day)s is more than %(days)d days ago: too late to correct.")
                % {"day": log.day, "days": LOG_WINDOW_DAYS}
            }
        )
    unknown = set(changes) - CORRECTABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("This cannot be corrected.") for name in sorted(unknown)})
    flag: RedFlag | None = changes.pop("red_flag", None)
    check_entry(item, changes)
    if "done" in changes or "amount_done" in changes:
        errors = done_and_amount_errors(
            changes.get("done", log.done), changes.get("amount_done", log.amount_done)
        )
        if errors:
            raise ValidationError(errors)
    pain_before = log.pain_during
    for name, value in changes.items():
        setattr(log, name, value)
    saved = [*changes, "updated_at"]
    if {"done", "amount_done", "distance_metres"} & set(changes):
        log.partial = progression.cut_short(
            ladder_of(item),
            dose_that_day(item, log.day),
            log.done,
            log.amount_done,
            log.distance_metres,
        )
        saved.append("partial")
    log.save(update_fields=saved)
    reported = report_sign(plan, flag, log.day, log.note) if flag is not None else None
    applied = apply_decision(
        plan,
        item,
        now,
        new_red_flag=reported,
        stop_urgency=stop_of(flag)[0],
        stop_advice=stop_of(flag)[1],
    )
    tell_the_therapists(plan, item, log, flag, pain_before, applied.decision, now)
    return logged(log, plan, item, applied, flag)


def record_morning_pain(
    *,
    runner: AbstractBaseUser | AnonymousUser,
    plan_id: int,
    day: date,
    pain_next_morning: int,
    now: datetime,
) -> list[Logged]:
    """This morning's pain for every session done on `day` (the day before) that waits for
    it, all of them or none; the engine decides again for each."""
    with transaction.atomic():
        plan = lock_own_plan(runner, plan_id, "log its sessions")
        today = today_of(plan, now)
        waiting = list(
            plan.logs.filter(day=day, done=True, pain_next_morning__isnull=True).select_related(
                "plan_exercise__exercise"
            )
        )
        if day >= today or not waiting:
            raise ValidationError(
                {
                    "day": _("The morning after has not come yet.")
                    if day >= today
                    else _("No session of the day before is waiting for its morning pain.")
                }
            )
        # Under the one lock taken above: each log is corrected as correct_session would.
        changes = {"pain_next_morning": pain_next_morning}
        return [corrected(plan, log, changes, now) for log in waiting]
