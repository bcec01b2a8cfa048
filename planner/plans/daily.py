"""A plan's day: which exercises are due on a local date, with the dose in effect that day,
and whether that day can still be logged."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from exercises.models import Exercise
from planner.engine import progression, schedule
from planner.models import DoseChange, Plan, PlanExercise, SessionLog
from planner.plans import statements
from planner.plans.ladders import Ladders, dose_of, reading_language

# How far back a person may log a missed day: a week covers a forgotten weekend and more,
# while an older "memory" of pain is too unreliable to steer doses by.
LOG_WINDOW_DAYS = 7


def today_of(plan: Plan, now: datetime) -> date:
    """The plan's local date at the instant `now`, in the person's own time zone."""
    return schedule.local_date(now, plan.time_zone)


def in_the_plan_on(item: PlanExercise, plan_start: date, day: date) -> bool:
    """Whether the exercise is part of the plan on `day`: within its weeks, and not before a
    therapist added it nor from the day they removed it (planner.plans.tailoring)."""
    week = schedule.week_of(plan_start, day)
    return (
        item.first_week <= week <= item.last_week
        and (item.added_on is None or item.added_on <= day)
        and (item.removed_on is None or day < item.removed_on)
    )


def is_due(item: PlanExercise, plan_start: date, day: date) -> bool:
    """Whether the exercise is due on `day`, at the frequency it had that day: a day lived
    before a therapist changed it stays as the runner was asked to do it."""
    return in_the_plan_on(item, plan_start, day) and schedule.is_session_day(
        plan_start, day, item.frequency_on(day)
    )


def outside_the_plan(plan: Plan, day: date) -> str:
    """Why `day` is not one of the plan's days, or "" when it is."""
    if plan.start_date <= day <= plan.projected_end:
        return ""
    return _("%(day)s is outside the plan (%(start)s to %(end)s).") % {
        "day": day,
        "start": plan.start_date,
        "end": plan.projected_end,
    }


@dataclass(frozen=True)
class Refusal:
    """Why nothing can be logged on a day: the field at fault, which rule, and in words."""

    field: str  # "plan" or "day"
    rule: str  # "not_active", "future", "too_old" or "outside"
    message: str


def not_loggable(plan: Plan, day: date, today: date) -> Refusal | None:
    """Why nothing can be logged on `day` of the plan, or None when it can. The services
    refuse with it; the day page shows it as the reason the day is read-only."""
    if plan.status != Plan.Status.ACTIVE:
        status = plan.get_status_display().lower()
        return Refusal(
            "plan",
            "not_active",
            _("The plan is %(status)s: nothing can be logged.") % {"status": status},
        )
    if day > today:
        return Refusal(
            "day",
            "future",
            _("%(day)s is in the future: log a session once it is done.") % {"day": day},
        )
    if day < today - timedelta(days=LOG_WINDOW_DAYS):
        return Refusal(
            "day",
            "too_old",
            _("%(day)s is more than %(days)d days ago: too late to log.")
            % {"day": day, "days": LOG_WINDOW_DAYS},
        )
    outside = outside_the_plan(plan, day)
    return Refusal("day", "outside", outside) if outside else None


@dataclass(frozen=True)
class DueExercise:
    """One card of a day's plan: the exercise and its exact dose that day."""

    plan_exercise: PlanExercise
    # The exercise's name in the active language, read once per distinct exercise and dose
    # ladder (a chunk of reminders shows the same few names hundreds of times).
    name: str
    dose: progression.Dose
    version: str  # the harder or easier version's name, "" for the exercise itself
    version_key: str  # the same version's name in the catalog (English): what it is found by
    dose_text: str  # "2 sets of 10 per side (with a band), hold 4 s"
    log: SessionLog | None

    @property
    def sets(self) -> int:
        return self.dose.sets

    @property
    def amount(self) -> int:
        return self.dose.amount


@dataclass(frozen=True)
class Day:
    plan: Plan
    day: date
    week: int
    exercises: list[DueExercise]


def stopped_by_then(plan: Plan, day: date) -> bool:
    """Whether the plan is stopped for a warning sign, and was by `day` (its local date)."""
    if plan.status != Plan.Status.STOPPED:
        return False
    return plan.stopped_at is None or day >= schedule.local_date(plan.stopped_at, plan.time_zone)


def plan_day(plan: Plan, day: date) -> Day:
    """The exercises due on a local date with the dose in effect that day.

    At most three queries whatever the plan's length: its exercises (with the exercise), their
    dose changes up to that day when the day is before a current dose took effect, and that
    day's logs.
    """
    outside = outside_the_plan(plan, day)
    if outside:
        raise ValidationError({"day": outside})
    if stopped_by_then(plan, day):
        # Nothing to do on a day of a plan stopped for a warning sign: the sign is.
        return Day(plan=plan, day=day, week=schedule.week_of(plan.start_date, day), exercises=[])
    items = [item for item in statements.plan_exercises(plan) if is_due(item, plan.start_date, day)]
    # An item's current dose is in effect from dose_since on; only an earlier day (or a dose
    # set to start later) needs the history.
    earlier = [item for item in items if item.dose_since > day]
    doses = dose_on(earlier, day) if earlier else {}
    # No ORDER BY: the default one joins the plan exercise and the plan just to sort a dict.
    logs = {
        log.plan_exercise_id: log
        for log in SessionLog.objects.filter(plan=plan, day=day).order_by()
    }
    return _day(plan, day, items, doses, logs)


def _day(
    plan: Plan,
    day: date,
    items: Iterable[PlanExercise],
    doses: Mapping[int, progression.Dose],
    logs: Mapping[int, SessionLog],
    ladders: Ladders | None = None,
) -> Day:
    """The day's cards from its due items, the doses of those on an earlier dose, and its logs
    (`ladders`: the ladders and doses already worded for other days read with these)."""
    ladders = ladders or Ladders()
    language = reading_language()
    cards = []
    for item in items:
        ladder = ladders.of(item, language)
        dose = doses.get(item.pk) or dose_of(item)
        cards.append(
            DueExercise(
                plan_exercise=item,
                name=ladder.exercise,
                dose=dose,
                version=ladder.version(dose.level),
                version_key=ladder.version_key(dose.level),
                dose_text=ladders.dose_text(ladder, dose, language),
                log=logs.get(item.pk),
            )
        )
    return Day(plan=plan, day=day, week=schedule.week_of(plan.start_date, day), exercises=cards)


def plan_days(wanted: Iterable[tuple[Plan, date]]) -> dict[tuple[int, date], Day]:
    """plan_day of many plans and days, keyed by (plan id, day), in at most four queries
    whatever their number (the exercises, their catalog entries, earlier doses, logs): what a
    reminder sender reads for a chunk of deliveries (a day outside its plan is left out, as
    plan_day refuses it).

    The same days as plan_day gives one at a time (tests/planner/delivery/test_chunk.py).
    """
    asked = {(plan.pk, day): plan for plan, day in wanted if not outside_the_plan(plan, day)}
    if not asked:
        return {}
    live = {key for key, plan in asked.items() if not stopped_by_then(plan, key[1])}
    days_of: dict[int, list[date]] = defaultdict(list)
    for plan_id, day in live:
        days_of[plan_id].append(day)
    items = statements.plans_exercises(list(days_of))
    # A chunk's plans share a handful of catalog exercises: each is read and built once, not
    # once per plan (building them was half the cost of reading a chunk, bench/delivery_bench).
    catalog = Exercise.objects.only(*statements.EXERCISE_FIELDS).in_bulk(
        {item.exercise_id for item in items}
    )
    items_of: dict[tuple[int, date], list[PlanExercise]] = defaultdict(list)
    # Cached as select_related caches a related row: the descriptors' assignment checks cost
    # as much as building the items.
    exercise_of, plan_of = (PlanExercise.exercise.field, PlanExercise.plan.field)
    for item in items:
        exercise_of.set_cached_value(item, catalog[item.exercise_id])
        plan_of.set_cached_value(item, asked[(item.plan_id, days_of[item.plan_id][0])])
        for day in days_of[item.plan_id]:
            if is_due(item, item.plan.start_date, day):
                items_of[(item.plan_id, day)].append(item)
    # As in plan_day, only an item on an earlier dose that day needs the history.
    earlier = [
        (item, day)
        for (_, day), items in items_of.items()
        for item in items
        if item.dose_since > day
    ]
    doses = doses_on(earlier) if earlier else {}
    logs: dict[tuple[int, date], dict[int, SessionLog]] = defaultdict(dict)
    if live:
        for log in SessionLog.objects.filter(
            plan_id__in=list(days_of), day__in={day for _, day in live}
        ).order_by():
            logs[(log.plan_id, log.day)][log.plan_exercise_id] = log
    # The chunk's plans copy a handful of prescriptions: each ladder and dose worded once.
    ladders = Ladders()
    return {
        (pk, day): _day(
            plan,
            day,
            items_of[(pk, day)],
            {
                item.pk: doses[(item.pk, day)]
                for item in items_of[(pk, day)]
                if (item.pk, day) in doses
            },
            logs[(pk, day)],
            ladders,
        )
        for (pk, day), plan in asked.items()
    }


def doses_on(
    wanted: Sequence[tuple[PlanExercise, date]],
) -> dict[tuple[int, date], progression.Dose]:
    """The dose each item had on its day, by (item id, day), from its latest change in effect
    then (one query)."""
    days_of: dict[int, list[date]] = defaultdict(list)
    for item, day in wanted:
        days_of[item.pk].append(day)
    latest: dict[tuple[int, date], progression.Dose] = {}
    changes = (
        DoseChange.objects.filter(
            plan_exercise_id__in=list(days_of), effective_on__lte=max(day for _, day in wanted)
        )
        .order_by("plan_exercise_id", "effective_on", "created_at", "pk")
        .values_list("plan_exercise_id", "effective_on", "new_amount", "new_sets", "new_level")
    )
    for item_id, effective_on, amount, sets, level in changes:
        for day in days_of[item_id]:
            if effective_on <= day:
                latest[(item_id, day)] = progression.Dose(amount, sets, level)
    return latest


def dose_on(items: Iterable[PlanExercise], day: date) -> dict[int, progression.Dose]:
    """The dose each item had on `day`, from its latest change in effect then (one query)."""
    doses = doses_on([(item, day) for item in items])
    return {item_id: dose for (item_id, _), dose in doses.items()}
