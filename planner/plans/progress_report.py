"""A plan's progress report: what the progress API and the progress page both show.

Moved out of planner.api.progress so the page and the API present what one place computed.
`load` runs three queries whatever the history's length; `progress_of` is plain arithmetic on
what was loaded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from planner.engine import course, progression, schedule, trends
from planner.models import DoseChange, Plan, PlanExercise
from planner.plans import daily, ladders

# The columns of a session log that progress reads, in this order.
LOG_COLUMNS = ("plan_exercise_id", "day", "done", "pain_during", "pain_next_morning", "partial")
ProgressLog = tuple[int, date, bool, int | None, int | None, bool]


def counted_through(plan: Plan, today: date) -> date:
    """The last local day whose sessions count as due: today while the plan runs, never past
    its projected end. A paused, stopped or completed plan stops asking for sessions when its
    status changed, which is the last time it was saved (no later save happens to such a plan
    except a time zone change)."""
    last = min(today, plan.projected_end)
    if plan.status != Plan.Status.ACTIVE:
        last = min(last, schedule.local_date(plan.updated_at, plan.time_zone))
    return last


def due_by_day(
    plan: Plan, items: Iterable[PlanExercise], first: date, last: date
) -> dict[date, set[int]]:
    """The plan exercises (ids) due on each day from `first` to `last`, each at the frequency it
    had that day (as daily.is_due), found the way the engine finds them
    (planner.plans.decisions.expected_days)."""
    due: dict[date, set[int]] = defaultdict(set)
    for item in items:
        frequency = schedule.Frequency(item.frequency)
        for day in schedule.session_days(plan.start_date, first, last, frequency, item.earlier):
            if daily.in_the_plan_on(item, plan.start_date, day):
                due[day].add(item.pk)
    return due


def done_pairs(rows: Iterable[ProgressLog]) -> set[tuple[int, date]]:
    """(exercise, day) of the sessions done in full."""
    return {(item_id, day) for item_id, day, done, _, _, partial in rows if done and not partial}


def partial_pairs(rows: Iterable[ProgressLog]) -> set[tuple[int, date]]:
    """(exercise, day) of the sessions done only in part."""
    return {(item_id, day) for item_id, day, done, _, _, partial in rows if done and partial}


def pain_records(rows: Iterable[ProgressLog]) -> list[progression.SessionRecord]:
    return [
        progression.SessionRecord(
            day=day, done=done, pain_during=during, pain_next_morning=morning, partial=partial
        )
        for _, day, done, during, morning, partial in rows
    ]


@dataclass(frozen=True)
class DoseOut:
    effective_on: date
    amount: int
    sets: int
    level: int  # the version: see progression.Dose
    dose: str  # in words, as the day's card shows it


@dataclass(frozen=True)
class ExerciseDoses:
    item: PlanExercise
    points: list[DoseOut]


@dataclass(frozen=True)
class AdherenceSummary:
    weeks: list[trends.WeekAdherence]
    recent: trends.Adherence


@dataclass(frozen=True)
class PainTrend:
    points: list[trends.PainPoint]
    rising: bool
    limit: int = trends.PAIN_LIMIT


@dataclass(frozen=True)
class Progress:
    plan: Plan
    counted_through: date
    adherence: AdherenceSummary
    doses: list[ExerciseDoses]
    pain: PainTrend
    dose_history_count: int
    due: dict[date, set[int]]  # exercises due each day up to counted_through
    completed: set[date]  # days every exercise due was logged done in full
    partial: set[date] = field(default_factory=set)  # every one done, some only in part


def progress_of(
    plan: Plan,
    items: list[PlanExercise],
    changes: list[trends.DoseRecord],
    logs: list[ProgressLog],
    today: date,
) -> Progress:
    last = counted_through(plan, today)
    due = due_by_day(plan, items, plan.start_date, last)
    full = done_pairs(logs)
    complete = trends.completed_days(due, full)
    partial = trends.partial_days(due, full, partial_pairs(logs))
    series = trends.dose_series(changes)
    trend = trends.pain_trend(pain_records(logs))
    doses = [
        ExerciseDoses(
            item,
            [
                DoseOut(
                    p.effective_on,
                    p.amount,
                    p.sets,
                    p.level,
                    course.dose_text(
                        ladders.ladder_of(item), progression.Dose(p.amount, p.sets, p.level)
                    ),
                )
                for p in series.get(item.pk, [])
            ],
        )
        for item in items
    ]
    return Progress(
        plan=plan,
        counted_through=last,
        adherence=AdherenceSummary(
            weeks=trends.weekly_adherence(
                plan.start_date, sorted(due), complete, last, partial, ongoing=today
            ),
            recent=trends.adherence(
                due.keys(), complete, last, trends.RECENT_DAYS, partial, ongoing=today
            ),
        ),
        doses=doses,
        pain=PainTrend(
            points=trend,
            rising=trends.pain_rising(trend),
            # The line the charts draw: the strictest rule among the plan's exercises.
            limit=min(
                (rule.limit for rule in ladders.pain_rules_of(items)), default=trends.PAIN_LIMIT
            ),
        ),
        dose_history_count=len(changes),
        due=due,
        completed=complete,
        partial=partial,
    )


@dataclass(frozen=True)
class Loaded:
    items: list[PlanExercise]
    changes: list[DoseChange]  # in the order decided, with exercise and decider loaded
    logs: list[ProgressLog]

    @property
    def dose_records(self) -> list[trends.DoseRecord]:
        return [
            trends.DoseRecord(
                c.plan_exercise_id, c.effective_on, c.new_amount, c.new_sets, c.new_level
            )
            for c in self.changes
        ]


def load(plan: Plan) -> Loaded:
    """Three queries whatever the history's length:
    1. the plan's exercises with the exercise each is;
    2. every dose change in the order decided, with its exercise and who decided it;
    3. every session log, only the columns progress reads."""
    items = list(plan.exercises.select_related("exercise").order_by("order", "pk"))
    changes = list(
        DoseChange.objects.filter(plan_exercise__plan=plan)
        .select_related("plan_exercise__exercise", "decided_by")
        .order_by("created_at", "pk")
    )
    logs: list[ProgressLog] = list(plan.logs.order_by("day", "pk").values_list(*LOG_COLUMNS))
    return Loaded(items, changes, logs)
