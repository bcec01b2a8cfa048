"""A plan exercise (or the prescription it copies) as the engine's plain values: its dose
ladder, its dose now and its rules for stepping up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.translation import get_language

from exercises.models import Exercise
from planner.engine import course, progression, return_to_run, schedule
from planner.engine.pain import PAIN_RULES, PainRule
from planner.models import PlanExercise, Prescription


def ladder_of(item: PlanExercise | Prescription) -> progression.Ladder:
    """The dose ladder of a plan exercise, or of the program's prescription it copies."""
    return _ladder(item.exercise, _own_rungs(item), reading_language())


# What of an item's own fields its ladder is made of (the rest comes from its exercise).
Rungs = tuple[int, int, int, int, int, tuple[str, ...], str, int, int]


def _own_rungs(item: PlanExercise | Prescription) -> Rungs:
    return (
        item.start,
        item.target,
        item.step,
        item.sets,
        item.sets_target,
        tuple(item.harder),
        item.easier,
        item.hold_seconds,
        item.times_per_day,
    )


def _ladder(exercise: Exercise, rungs: Rungs, language: str) -> progression.Ladder:
    start, target, step, sets, sets_target, harder, easier, hold_seconds, times_per_day = rungs
    # The versions' names in `language` (the active one's code), kept on the exercise (no
    # query here).
    shown = (exercise.version_names or {}).get(language, {})
    return progression.Ladder(
        exercise=exercise.name,
        unit=exercise.unit,
        start=start,
        target=target,
        step=step,
        per_side=exercise.per_side,
        sets=sets,
        sets_target=sets_target,
        harder=harder,
        easier=easier,
        hold_seconds=hold_seconds,
        times_per_day=times_per_day,
        phases=return_to_run.phases_from(exercise.phases),
        names=tuple((key, shown[key]) for key in (*harder, easier) if key in shown),
    )


def reading_language() -> str:
    """The active language's code without its region ("es" for "es-es")."""
    return (get_language() or "en").split("-")[0]


class Ladders:
    """ladder_of and course.dose_text for many items at once (a send task's chunk: hundreds of
    plans copied from a handful of prescriptions), each distinct ladder and dose worded once.
    Only for items whose exercises do not change while it is in use."""

    def __init__(self) -> None:
        # Keyed by language too: a ladder names its exercise and versions in the reader's.
        self._ladders: dict[tuple[str, int, Rungs], progression.Ladder] = {}
        # Worded in the active language: a chunk may hold runners of either language.
        self._words: dict[tuple[str, progression.Ladder, progression.Dose], str] = {}

    # `language`: the active one's code (reading_language), when the caller knows it already:
    # asking Django costs more than the rest of a cached look-up, item after item.
    def of(self, item: PlanExercise | Prescription, language: str = "") -> progression.Ladder:
        key = (language or reading_language(), item.exercise_id, _own_rungs(item))
        ladder = self._ladders.get(key)
        if ladder is None:
            ladder = self._ladders[key] = _ladder(item.exercise, key[2], key[0])
        return ladder

    def dose_text(
        self, ladder: progression.Ladder, dose: progression.Dose, language: str = ""
    ) -> str:
        key = (language or reading_language(), ladder, dose)
        words = self._words.get(key)
        if words is None:
            words = self._words[key] = course.dose_text(ladder, dose)
        return words


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
