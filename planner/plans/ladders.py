"""A plan exercise (or the prescription it copies) as the engine's plain values: its dose
ladder, its dose now and its rules for stepping up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from planner.engine import course, progression, return_to_run, schedule
from planner.engine.pain import PAIN_RULES, PainRule
from planner.models import PlanExercise, Prescription


def ladder_of(item: PlanExercise | Prescription) -> progression.Ladder:
    """The dose ladder of a plan exercise, or of the program's prescription it copies."""
    return progression.Ladder(
        exercise=item.exercise.name,
        unit=item.exercise.unit,
        start=item.start,
        target=item.target,
        step=item.step,
        per_side=item.exercise.per_side,
        sets=item.sets,
        sets_target=item.sets_target,
        harder=tuple(item.harder),
        easier=item.easier,
        hold_seconds=item.hold_seconds,
        times_per_day=item.times_per_day,
        phases=return_to_run.phases_from(item.exercise.phases),
    )


def dose_of(item: PlanExercise) -> progression.Dose:
    return progression.Dose(item.amount, item.current_sets, item.level)


def rules_of(item: PlanExercise) -> progression.Rules:
    return progression.Rules.under(
        pain_rule_of(item), item.sessions_to_progress, item.days_to_progress
    )


def pain_rule_of(item: PlanExercise | Prescription) -> PainRule:
    return PAIN_RULES[item.pain_rule]


def pain_rules_of(items: Iterable[PlanExercise | Prescription]) -> list[PainRule]:
    """The pain rules a program or plan asks its runner to keep, each once, strictest first."""
    return sorted({pain_rule_of(item) for item in items}, key=lambda rule: rule.limit)


def expected_course(
    item: PlanExercise | Prescription,
    ladder: progression.Ladder,
    dose: progression.Dose,
    from_week: int,
    start: date | None = None,
) -> list[course.WeekDose]:
    """The dose at the start of each week from `from_week` (at `dose`) to the item's last week
    if every step goes well, at the item's frequency in a plan started on `start` (None: a
    program not started yet): what the preview, the plan's timeline and the handouts show."""
    return course.expected_doses(
        ladder,
        dose,
        from_week=max(from_week, item.first_week),
        last_week=item.last_week,
        days_to_progress=item.days_to_progress,
        sessions_to_progress=item.sessions_to_progress,
        frequency=schedule.Frequency(item.frequency),
        start=start,
    )
