"""The engine's decisions applied to a plan: each exercise's next dose from its recent logs,
stored with its reason; a therapist's override; the projected end moved when progress stalls.

The decisions themselves are `planner.engine.progression`'s; this module reads what the engine
needs, calls it and stores what it decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planner.engine import progression, schedule
from planner.models import DoseChange, Plan, PlanExercise
from planner.plans import lifecycle, reminders
from planner.plans.daily import in_the_plan_on, today_of
from planner.plans.ladders import dose_of, ladder_of, rules_of

# How far before the current dose the engine looks: far enough to find the morning before.
HISTORY_LOOKBACK = timedelta(days=14)


def history_start(item: PlanExercise) -> date:
    return item.dose_since - HISTORY_LOOKBACK


def recent_logs(item: PlanExercise) -> list[progression.SessionRecord]:
    """The logs of one exercise the engine reads, from HISTORY_LOOKBACK before its dose."""
    return [
        progression.SessionRecord(day, done, during, morning, partial=partial)
        for day, done, during, morning, partial in item.logs.filter(
            day__gte=history_start(item)
        ).values_list("day", "done", "pain_during", "pain_next_morning", "partial")
    ]


def session_records(
    item: PlanExercise,
    new_red_flag: tuple[date, str] | None = None,
    logs: Sequence[progression.SessionRecord] | None = None,
) -> list[progression.SessionRecord]:
    """The engine's view of one exercise's recent logs (`logs`, when the caller has read them
    as recent_logs does). A red flag counts when it is just reported: one reported earlier has
    stopped the plan already."""
    flag_day, sign = new_red_flag or (None, "")
    if not sign and logs is not None:
        return list(logs)  # nothing to mark: the logs are the engine's records already
    records = [
        progression.SessionRecord(
            day=record.day,
            done=record.done,
            pain_during=record.pain_during,
            pain_next_morning=record.pain_next_morning,
            red_flag=sign if record.day == flag_day else "",
            partial=record.partial,
        )
        for record in (recent_logs(item) if logs is None else logs)
    ]
    if sign and flag_day is not None and flag_day not in {record.day for record in records}:
        records.append(progression.SessionRecord(day=flag_day, done=False, red_flag=sign))
    return records


def expected_days(plan: Plan, item: PlanExercise, today: date) -> list[date]:
    """The days a session of `item` was due from its current dose up to `today`, each at the
    frequency in force that day.

    A change of frequency moves `dose_since` to its day, so these are most often all at the
    current frequency. Not always: a dose can take effect before a change of frequency that
    came first (the engine's step up before a change set for a later day, a therapist's dose
    from an earlier day), and the days before the change were due as the runner saw them."""
    return [
        day
        for day in schedule.session_days(
            plan.start_date,
            item.dose_since,
            today,
            schedule.Frequency(item.frequency),
            item.earlier,
        )
        if in_the_plan_on(item, plan.start_date, day)
    ]


def engine_decision(
    plan: Plan,
    item: PlanExercise,
    today: date,
    new_red_flag: tuple[date, str] | None = None,
    logs: Sequence[progression.SessionRecord] | None = None,
) -> progression.Decision:
    """What the engine decides for one exercise from its logs as they are now, unsaved."""
    history = session_records(item, new_red_flag, logs)
    expected = expected_days(plan, item, today)
    return progression.decide(
        ladder_of(item), dose_of(item), item.dose_since, history, expected, today, rules_of(item)
    )


@dataclass(frozen=True)
class Applied:
    """What the engine decided for one exercise, and the dose change stored for it (None when
    the dose holds or the plan stopped)."""

    decision: progression.Decision
    change: DoseChange | None


def apply_decision(
    plan: Plan,
    item: PlanExercise,
    now: datetime,
    plan_items: list[PlanExercise] | None = None,
    new_red_flag: tuple[date, str] | None = None,
    logs: Sequence[progression.SessionRecord] | None = None,
    stop_urgency: str = "see_clinician",
    stop_advice: str = "",
) -> Applied:
    """Run the engine for one exercise and store what it decided, with its reason: a stop
    stops the plan (lifecycle.stop), as urgent as the sign reported and with its advice; a new
    dose takes effect tomorrow."""
    today = today_of(plan, now)
    decision = engine_decision(plan, item, today, new_red_flag, logs)
    if decision.action == progression.Action.STOP:
        lifecycle.stop(plan, decision.reason, now, urgency=stop_urgency, advice=stop_advice)
        return Applied(decision, None)
    change = None
    if decision.dose != dose_of(item):
        change = change_dose(
            item, decision.dose, today + timedelta(days=1), decision.action.value, decision.reason
        )
    update_projected_end(plan, today, now, plan_items)
    return Applied(decision, change)


def sets_rule(ladder: progression.Ladder, exercise: str) -> str:
    """The sets an exercise's ladder allows, in words, for a refusal naming `sets`."""
    if ladder.top_sets > ladder.sets:
        return _("Between %(least)d and %(most)d for %(exercise)s.") % {
            "least": ladder.sets,
            "most": ladder.top_sets,
            "exercise": exercise,
        }
    return ngettext(
        "Always %(count)d set for %(exercise)s.",
        "Always %(count)d sets for %(exercise)s.",
        ladder.sets,
    ) % {"count": ladder.sets, "exercise": exercise}


def level_rule(ladder: progression.Ladder, exercise: str) -> str:
    """The versions an exercise's ladder has, each by its level, for a refusal naming `level`."""
    # Translators: level 0 of an exercise's ladder is the exercise as the catalog describes it.
    versions = [_("0 (%(exercise)s itself)") % {"exercise": exercise}]
    if ladder.easier:
        versions.insert(0, f"-1 ({ladder.version(progression.EASIER)})")
    versions += [f"{n} ({ladder.version(n)})" for n in range(1, len(ladder.harder) + 1)]
    return _("One of %(versions)s for %(exercise)s.") % {
        "versions": ", ".join(versions),
        "exercise": exercise,
    }


def change_dose(
    item: PlanExercise,
    dose: progression.Dose,
    effective_on: date,
    action: str,
    reason: str,
    decided_by: User | None = None,
) -> DoseChange:
    """A new dose for the exercise from `effective_on`, stored with its reason and who decided
    it (None: the engine)."""
    change = DoseChange.objects.create(
        plan_exercise=item,
        effective_on=effective_on,
        action=action,
        old_amount=item.amount,
        old_sets=item.current_sets,
        old_level=item.level,
        new_amount=dose.amount,
        new_sets=dose.sets,
        new_level=dose.level,
        reason=reason,
        decided_by=decided_by,
    )
    item.amount, item.current_sets, item.level = dose.amount, dose.sets, dose.level
    item.dose_since = effective_on
    item.save(update_fields=["amount", "current_sets", "level", "dose_since"])
    return change


def update_projected_end(
    plan: Plan, today: date, now: datetime, plan_items: list[PlanExercise] | None = None
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
        # An exercise a therapist removed has no more steps to climb in this plan.
        if item.removed_on is None or item.removed_on > today
    ]
    projected = progression.projected_end(plan.planned_end, finishes)
    if projected != plan.projected_end:
        was = plan.projected_end
        plan.projected_end = projected
        plan.save(update_fields=["projected_end", "updated_at"])
        if projected > was and was <= today + timedelta(days=1):
            # The dispatcher takes a plan's messages out on its last day; an end moved later
            # from there must bring them back.
            reminders.reschedule(plan, now)


@transaction.atomic
def override_dose(
    *,
    plan_exercise: PlanExercise,
    amount: int,
    level: int = 0,
    sets: int | None = None,
    therapist: User,
    effective_on: date | None,
    reason: str,
    now: datetime,
) -> DoseChange:
    """A therapist sets a dose (from today in the runner's zone when `effective_on` is None);
    it wins over the engine and is kept with who made it. `sets` None keeps today's sets;
    `level` is the version (0 the exercise itself, 1, 2... its harder versions, -1 its easier
    one)."""
    # Under the plan's lock, like logging: a log decided at the same moment cannot write a
    # dose over this one from a stale read.
    plan = Plan.objects.select_for_update().get(pk=plan_exercise.plan_id)
    plan_exercise.refresh_from_db(fields=["amount", "current_sets", "level", "dose_since"])
    if sets is None:
        sets = plan_exercise.current_sets
    if effective_on is None:
        effective_on = today_of(plan, now)
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError(
            {
                "plan": _("The plan is %(status)s: doses cannot change.")
                % {"status": plan.get_status_display().lower()}
            }
        )
    if not plan.start_date <= effective_on <= plan.projected_end:
        raise ValidationError(
            {
                "effective_on": _("Between %(start)s and %(end)s, the plan's days.")
                % {"start": plan.start_date, "end": plan.projected_end}
            }
        )
    if not plan_exercise.start <= amount <= plan_exercise.target:
        raise ValidationError(
            {
                "amount": _("Between %(start)d and %(target)d for %(exercise)s.")
                % {
                    "start": plan_exercise.start,
                    "target": plan_exercise.target,
                    "exercise": plan_exercise.exercise.name,
                }
            }
        )
    ladder = ladder_of(plan_exercise)
    if not ladder.sets <= sets <= ladder.top_sets:
        raise ValidationError({"sets": sets_rule(ladder, plan_exercise.exercise.name)})
    if not ladder.lowest_level <= level <= len(ladder.harder):
        raise ValidationError({"level": level_rule(ladder, plan_exercise.exercise.name)})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the runner can read it.")})
    change = change_dose(
        plan_exercise,
        progression.Dose(amount, sets, level),
        effective_on,
        DoseChange.Action.OVERRIDE,
        reason.strip(),
        decided_by=therapist,
    )
    update_projected_end(plan, effective_on, now)
    return change
