"""A therapist tailors a running plan in place: adds an exercise from the library with its dose
and ladder, removes one, re-doses one (amount, sets, version, hold), or changes how often one
or all are done.

Each change takes effect from a day (today in the plan's zone unless the therapist names a later
one: a change never rewrites days already lived), is a `DoseChange` in the plan's dose history
with the therapist who made it and the reason they gave (shown to the runner), and moves the
exercise's `dose_since` to that day, so the engine (planner.plans.decisions) carries on from the
new dose: it counts sessions and days at it from then. A removed exercise keeps its logs and
history; it is no longer due from the day it was removed. Who may tailor is
planner.access.plan_to_tailor: the runner's actively linked therapist alone.

Every function locks the plan, as logging does, so a session logged at the same moment cannot
write the engine's dose over the therapist's from a stale read. Every change that moves which
days are due saves the plan, so that the patient list's cached row (keyed by when the plan was
last saved: planner.care.patient_list) is worked out afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from planner.engine import course, progression, schedule
from planner.engine.pain import PAIN_MONITORING
from planner.models import FREQUENCY_LABELS, DoseChange, Plan, PlanExercise, stored_frequencies
from planner.plans import decisions
from planner.plans.daily import today_of
from planner.plans.ladders import dose_of, ladder_of
from planner.programs import own

REASON_LENGTH = 500


@dataclass(frozen=True)
class NewExercise:
    """An exercise to add from the library. A ladder number left empty (None) is the
    exercise's own; `amount` empty starts at the bottom of the ladder."""

    exercise: str  # the library exercise's slug
    frequency: str = schedule.Frequency.DAILY.value
    sets: int | None = None
    sets_target: int | None = None
    start: int | None = None
    target: int | None = None
    step: int | None = None
    hold_seconds: int | None = None
    amount: int | None = None
    times_per_day: int = 1
    pain_rule: str = PAIN_MONITORING.key
    versions: bool = True
    note: str = ""


def locked_active(plan_id: int) -> Plan:
    """The plan under its lock, refused unless it is running."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError(
            {
                "plan": _("The plan is %(status)s: it cannot be tailored.")
                % {"status": plan.get_status_display().lower()}
            }
        )
    return plan


def effective_day(plan: Plan, effective_on: date | None, now: datetime) -> date:
    """From today in the plan's zone (the default) to the plan's projected end."""
    today = today_of(plan, now)
    if today > plan.projected_end:
        raise ValidationError(
            {
                "plan": _("The plan ended on %(day)s: there are no days left to change.")
                % {"day": plan.projected_end}
            }
        )
    day = today if effective_on is None else effective_on
    first = max(today, plan.start_date)
    if not first <= day <= plan.projected_end:
        raise ValidationError(
            {
                "effective_on": _(
                    "From %(first)s to %(last)s: a change takes effect from today or a later "
                    "day of the plan, never on days already lived."
                )
                % {"first": first, "last": plan.projected_end}
            }
        )
    return day


def days_due_changed(plan: Plan) -> None:
    # Only the plan's own save changes the patient list's marks; the exercises' rows are not
    # among them.
    plan.save(update_fields=["updated_at"])


def reason_of(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Say why, so the runner can read it.")})
    if len(text) > REASON_LENGTH:
        raise ValidationError(
            {"reason": _("At most %(most)d characters.") % {"most": REASON_LENGTH}}
        )
    return text


def current_item(plan: Plan, plan_exercise_id: int, day: date) -> PlanExercise:
    """One of the plan's exercises, still in it on `day` (read under the plan's lock)."""
    item = (
        PlanExercise.objects.select_related("exercise")
        .filter(plan=plan, pk=plan_exercise_id)
        .first()
    )
    if item is None:
        raise ValidationError({"plan_exercise": _("Not an exercise of this plan.")})
    if item.removed_on is not None and item.removed_on <= day:
        raise ValidationError(
            {
                "plan_exercise": _("%(exercise)s was removed from %(day)s.")
                % {"exercise": item.exercise.name, "day": item.removed_on}
            }
        )
    return item


def _record(
    item: PlanExercise,
    action: str,
    day: date,
    reason: str,
    therapist: User,
    what_changed: str,
    old: progression.Dose | None,
) -> DoseChange:
    dose = dose_of(item)
    return DoseChange(
        plan_exercise=item,
        effective_on=day,
        action=action,
        old_amount=old.amount if old else None,
        old_sets=old.sets if old else None,
        old_level=old.level if old else 0,
        new_amount=dose.amount,
        new_sets=dose.sets,
        new_level=dose.level,
        reason=reason,
        what_changed=what_changed[:200],
        decided_by=therapist,
    )


@transaction.atomic
def add_exercise(
    *,
    therapist: User,
    plan_id: int,
    new: NewExercise,
    effective_on: date | None,
    reason: str,
    now: datetime,
) -> DoseChange:
    """An exercise from the library joins the running plan from a day on, at `amount` (else
    the bottom of its ladder), for the rest of the plan."""
    plan = locked_active(plan_id)
    day = effective_day(plan, effective_on, now)
    why = reason_of(reason)
    exercises = own.library([new.exercise])
    first_week = schedule.week_of(plan.start_date, day)
    last_week = max(first_week, schedule.week_of(plan.start_date, plan.projected_end))
    draft = own.ExerciseDraft(
        exercise=new.exercise,
        frequency=new.frequency,
        first_week=first_week,
        last_week=last_week,
        sets=new.sets,
        sets_target=new.sets_target,
        start=new.start,
        target=new.target,
        step=new.step,
        hold_seconds=new.hold_seconds,
        times_per_day=new.times_per_day,
        pain_rule=new.pain_rule,
        versions=new.versions,
        note=new.note,
    )
    errors = own.exercise_problems(draft, last_week, exercises)
    exercise = exercises.get(new.exercise)
    if exercise is not None and "exercise" not in errors:
        in_plan = PlanExercise.objects.filter(plan=plan, exercise=exercise).exclude(
            removed_on__lte=day
        )
        if in_plan.exists():
            errors["exercise"] = _("%(exercise)s is in the plan already: re-dose it instead.") % {
                "exercise": exercise.name
            }
    if errors:
        raise ValidationError(errors)
    assert exercise is not None
    values = own.ladder_values(draft, last_week, exercise)
    amount = values["start"] if new.amount is None else new.amount
    if not values["start"] <= amount <= values["target"]:
        raise ValidationError(
            {
                "amount": _("Between %(start)s and %(target)s, its ladder.")
                % {"start": values["start"], "target": values["target"]}
            }
        )
    harder, easier = own.versions_taken(draft, exercise)
    order = PlanExercise.objects.filter(plan=plan).aggregate(last=Max("order"))["last"] or 0
    item = PlanExercise.objects.create(
        plan=plan,
        prescription=None,
        exercise=exercise,
        order=order + 1,
        amount=amount,
        current_sets=values["sets"],
        level=0,
        dose_since=day,
        added_on=day,
        harder=harder,
        easier=easier,
        **values,
    )
    ladder = ladder_of(item)
    change = _record(
        item,
        DoseChange.Action.ADDED,
        day,
        why,
        therapist,
        f"{exercise.name} added: {course.dose_text(ladder, dose_of(item))}, "
        f"{FREQUENCY_LABELS[schedule.Frequency(item.frequency)].lower()}.",
        None,
    )
    change.save()
    days_due_changed(plan)
    decisions.update_projected_end(plan, today_of(plan, now), now)
    return change


@transaction.atomic
def remove_exercise(
    *,
    therapist: User,
    plan_id: int,
    plan_exercise_id: int,
    effective_on: date | None,
    reason: str,
    now: datetime,
) -> DoseChange:
    """An exercise is no longer due from a day on; its logs and dose history stay."""
    plan = locked_active(plan_id)
    day = effective_day(plan, effective_on, now)
    why = reason_of(reason)
    item = current_item(plan, plan_exercise_id, day)
    item.removed_on = day
    # Its weeks end with the last day it is due, so week-by-week readers (the plan's timeline,
    # the patient list's adherence) stop counting it too; never before its first week.
    last_day = schedule.week_of(plan.start_date, day - timedelta(days=1))
    item.last_week = max(item.first_week, min(item.last_week, last_day))
    item.save(update_fields=["removed_on", "last_week"])
    change = _record(
        item,
        DoseChange.Action.REMOVED,
        day,
        why,
        therapist,
        f"{item.exercise.name} removed: no longer due from {day:%d %B %Y}.",
        dose_of(item),
    )
    change.save()
    days_due_changed(plan)
    decisions.update_projected_end(plan, today_of(plan, now), now)
    return change


@transaction.atomic
def redose(
    *,
    therapist: User,
    plan_id: int,
    plan_exercise_id: int,
    amount: int,
    sets: int | None = None,
    level: int | None = None,
    hold_seconds: int | None = None,
    effective_on: date | None,
    reason: str,
    now: datetime,
) -> DoseChange:
    """A new dose for one exercise from a day on: reps or seconds, sets, version (`level`: 0 the
    exercise itself, 1, 2... its harder versions, -1 its easier one) and hold. Empty `sets`,
    `level` or `hold_seconds` keep today's; the engine steps on from the new dose."""
    plan = locked_active(plan_id)
    day = effective_day(plan, effective_on, now)
    why = reason_of(reason)
    item = current_item(plan, plan_exercise_id, day)
    ladder = ladder_of(item)
    old = dose_of(item)
    dose = progression.Dose(
        amount,
        old.sets if sets is None else sets,
        old.level if level is None else level,
    )
    hold = item.hold_seconds if hold_seconds is None else hold_seconds
    errors = dose_problems(item, ladder, dose, hold)
    if not errors and dose == old and hold == item.hold_seconds:
        errors["amount"] = _("That is the dose %(exercise)s is at: change something.") % {
            "exercise": item.exercise.name
        }
    if errors:
        raise ValidationError(errors)
    what = []
    if hold != item.hold_seconds:
        what.append(f"hold {hold} s (was {item.hold_seconds} s)")
        item.hold_seconds = hold
        item.save(update_fields=["hold_seconds"])
    change = decisions.change_dose(
        item, dose, day, DoseChange.Action.OVERRIDE, why, decided_by=therapist
    )
    if what:
        change.what_changed = ", ".join(what).capitalize() + "."
        change.save(update_fields=["what_changed"])
    decisions.update_projected_end(plan, today_of(plan, now), now)
    return change


def dose_problems(
    item: PlanExercise, ladder: progression.Ladder, dose: progression.Dose, hold: int
) -> dict[str, str]:
    """What is wrong with a dose for the exercise's ladder, by field; empty when nothing is."""
    name = item.exercise.name
    errors = {}
    if not item.start <= dose.amount <= item.target:
        errors["amount"] = _("Between %(start)d and %(target)d for %(exercise)s, its ladder.") % {
            "start": item.start,
            "target": item.target,
            "exercise": name,
        }
    if not ladder.sets <= dose.sets <= ladder.top_sets:
        errors["sets"] = decisions.sets_rule(ladder, name)
    if not ladder.lowest_level <= dose.level <= len(ladder.harder):
        errors["level"] = decisions.level_rule(ladder, name)
    if not 0 <= hold <= own.MAX_HOLD:
        errors["hold_seconds"] = _("Between 0 and %(most)d seconds.") % {"most": own.MAX_HOLD}
    return errors


@transaction.atomic
def change_frequency(
    *,
    therapist: User,
    plan_id: int,
    frequency: str,
    plan_exercise_id: int | None = None,
    effective_on: date | None,
    reason: str,
    now: datetime,
) -> list[DoseChange]:
    """How often one exercise (or, with no `plan_exercise_id`, every exercise still in the
    plan) is done, from a day on. The days before keep the frequency they had (the exercise's
    earlier frequencies); the engine counts the sessions due from then at the new frequency.
    Returns a change per exercise whose frequency changed."""
    plan = locked_active(plan_id)
    day = effective_day(plan, effective_on, now)
    why = reason_of(reason)
    try:
        new = schedule.Frequency(frequency)
    except ValueError:
        raise ValidationError(
            {
                "frequency": _("One of %(values)s.")
                % {"values": ", ".join(f.value for f in schedule.Frequency)}
            }
        ) from None
    if plan_exercise_id is not None:
        items = [current_item(plan, plan_exercise_id, day)]
    else:
        items = list(
            PlanExercise.objects.select_related("exercise")
            .filter(plan=plan)
            .exclude(removed_on__lte=day)
            .order_by("order", "pk")
        )
    changing = [(item, was) for item in items if (was := replaced(item, day, new)) is not None]
    if not changing:
        raise ValidationError(
            {
                "frequency": _("Already %(frequency)s.")
                % {"frequency": _(FREQUENCY_LABELS[new]).lower()}
            }
        )
    changes = []
    for item, was in changing:
        item.earlier_frequencies = stored_frequencies(
            schedule.frequency_changed(item.earlier, schedule.Frequency(item.frequency), day, new)
        )
        item.frequency = new.value
        # The engine reads the sessions due at the new frequency from this day on (or from a
        # dose set to start later, as the engine's own step up may be).
        item.dose_since = max(item.dose_since, day)
        changes.append(
            _record(
                item,
                DoseChange.Action.FREQUENCY,
                day,
                why,
                therapist,
                f"{item.exercise.name}: {FREQUENCY_LABELS[new].lower()} "
                f"(was {FREQUENCY_LABELS[was].lower()}).",
                dose_of(item),
            )
        )
    PlanExercise.objects.bulk_update(
        [item for item, _ in changing], ["frequency", "earlier_frequencies", "dose_since"]
    )
    DoseChange.objects.bulk_create(changes)
    days_due_changed(plan)
    decisions.update_projected_end(plan, today_of(plan, now), now)
    return changes


def replaced(item: PlanExercise, day: date, new: schedule.Frequency) -> schedule.Frequency | None:
    """The frequency a change to `new` from `day` replaces: the one in force that day, else one
    set earlier to follow it; None when every day from `day` on is at `new` already."""
    for frequency in (item.frequency_on(day), schedule.Frequency(item.frequency)):
        if frequency != new:
            return frequency
    return None
