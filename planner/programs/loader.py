"""Loading program templates from `planner/data/programs.yaml`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from django.db.models import ProtectedError

from conditions.models import Condition, Source
from exercises.models import Exercise
from kit.datafiles import CatalogError, LoadReport, Snapshot, read_entries, resolve, sync_entry
from planner.models import LADDER_FIELDS, Phase, PlanExercise, Prescription, Program
from planner.programs.schema import PrescriptionEntry, ProgramEntry

DATA_DIR = Path(__file__).resolve().parent / "data"

PROGRAM_FIELDS = ("name", "summary", "weeks")
# A prescription is its program, exercise, order and variation, and its dose ladder.
PRESCRIPTION_FIELDS = LADDER_FIELDS


class LadderDefaults(Protocol):
    """An exercise's own ladder: the Exercise row, or its entry's `ladder` in the data file."""

    sets: int
    start: int
    target: int
    step: int
    hold_seconds: int


def prescription_values(
    entry: ProgramEntry, item: PrescriptionEntry, exercise: LadderDefaults
) -> dict[str, Any]:
    """A prescription's weeks, frequency, dose ladder, progression and pain rule: what the
    data file says, and the exercise's own ladder for every number it leaves out."""
    return {
        "first_week": item.first_week,
        "last_week": item.last_week or entry.weeks,
        "frequency": item.frequency,
        "sets": item.sets or exercise.sets,
        "start": item.start or exercise.start,
        "target": item.target or exercise.target,
        "step": item.step or exercise.step,
        "hold_seconds": exercise.hold_seconds,
        "sessions_to_progress": item.sessions_to_progress,
        "days_to_progress": item.days_to_progress,
        "pain_rule": pain_rule_from(entry, item.first_week),
    }


def pain_rule_from(entry: ProgramEntry, first_week: int) -> str:
    """A prescription's pain rule: that of the phase it starts in when the phase names one,
    else the program's. (A prescription keeps one rule over its weeks: an exercise that needs
    a gentler rule at first is prescribed in that phase only.)"""
    for phase in entry.phases:
        if phase.first_week <= first_week <= phase.last_week and phase.pain_rule:
            return phase.pain_rule
    return entry.pain_rule


def _desired(entry: ProgramEntry, exercises: dict[str, Exercise], where: str) -> Snapshot:
    prescriptions = []
    for order, item in enumerate(entry.prescriptions, start=1):
        field = f"{where}: field 'prescriptions.{order - 1}"
        exercise = resolve([item.exercise], exercises, f"{field}.exercise'")[0]
        variations = {v.name: v for v in exercise.variations.all()}
        if item.variation is not None and item.variation not in variations:
            raise CatalogError(
                f"{field}.variation': {exercise.slug!r} has no variation {item.variation!r} "
                f"(it has: {', '.join(variations) or 'none'})"
            )
        values = prescription_values(entry, item, exercise)
        if values["start"] > values["target"]:
            raise CatalogError(
                f"{field}': 'start' {values['start']} is above 'target' {values['target']}"
            )
        prescriptions.append(
            {"order": order, "exercise": exercise.slug, "variation": item.variation, **values}
        )
    return {
        "name": entry.name,
        "summary": entry.summary,
        "weeks": entry.weeks,
        "condition": entry.condition,
        "source": entry.source,
        "phases": [
            (order, p.name, p.first_week, p.last_week, p.goal)
            for order, p in enumerate(entry.phases, start=1)
        ],
        "prescriptions": prescriptions,
    }


def _snapshot(row: Program) -> Snapshot:
    snapshot: Snapshot = {name: getattr(row, name) for name in PROGRAM_FIELDS}
    snapshot["condition"] = row.condition.slug
    snapshot["source"] = row.source.slug
    snapshot["phases"] = [
        (p.order, p.name, p.first_week, p.last_week, p.goal) for p in row.phases.all()
    ]
    snapshot["prescriptions"] = [
        {
            "order": p.order,
            "exercise": p.exercise.slug,
            "variation": p.variation.name if p.variation else None,
            **{name: getattr(p, name) for name in PRESCRIPTION_FIELDS},
        }
        for p in row.prescriptions.all()
    ]
    return snapshot


def load_programs(
    data_dir: Path,
    sources: dict[str, Source],
    conditions: dict[str, Condition],
    exercises: dict[str, Exercise],
    overwrite: bool,
    report: LoadReport,
) -> None:
    path = data_dir / "programs.yaml"
    entries = read_entries(path, ProgramEntry)
    known = {
        row.slug: row
        for row in Program.objects.select_related("condition", "source").prefetch_related(
            "phases", "prescriptions__exercise", "prescriptions__variation"
        )
    }
    for entry in entries:
        where = f"{path.name}: entry {entry.slug!r}"
        condition = resolve([entry.condition], conditions, f"{where}: field 'condition'")[0]
        if condition.care != Condition.Care.HOME_EXERCISE:
            raise CatalogError(
                f"{where}: field 'condition': {condition.slug!r} must be seen by a doctor "
                "first, so it gets referral advice, not a program"
            )

        def apply(row: Program, desired: Snapshot, where: str = where) -> None:
            for name in PROGRAM_FIELDS:
                setattr(row, name, desired[name])
            row.condition = conditions[desired["condition"]]
            row.source = resolve([desired["source"]], sources, f"{where}: field 'source'")[0]
            row.save()
            row.phases.all().delete()
            Phase.objects.bulk_create(
                Phase(program=row, order=o, name=n, first_week=f, last_week=la, goal=g)
                for o, n, f, la, g in desired["phases"]
            )
            # Plans keep a protected link to their prescriptions, so update in place.
            existing = {p.exercise.slug: p for p in row.prescriptions.all()}
            for item in desired["prescriptions"]:
                exercise = exercises[item["exercise"]]
                prescription = existing.pop(item["exercise"], None) or Prescription(
                    program=row, exercise=exercise
                )
                old_rule = prescription.pain_rule if prescription.pk else item["pain_rule"]
                for name in (*PRESCRIPTION_FIELDS, "order"):
                    setattr(prescription, name, item[name])
                prescription.variation = next(
                    (v for v in exercise.variations.all() if v.name == item["variation"]), None
                )
                prescription.save()
                if old_rule != prescription.pain_rule:
                    # A plan is its runner's copy, but a changed pain rule is about safety:
                    # plans that still follow the program's old rule take the new one.
                    PlanExercise.objects.filter(
                        prescription=prescription, pain_rule=old_rule
                    ).update(pain_rule=prescription.pain_rule)
            for stale in existing.values():
                try:
                    stale.delete()
                except ProtectedError as exc:
                    raise CatalogError(
                        f"{where}: field 'prescriptions': {stale.exercise.slug!r} is in plans "
                        "people follow, so it stays in the program; keep it in the file"
                    ) from exc

        sync_entry(
            label="programs",
            slug=entry.slug,
            existing=known.get(entry.slug),
            new=lambda slug=entry.slug: Program(slug=slug),  # type: ignore[misc]
            desired=_desired(entry, exercises, where),
            snapshot=_snapshot,
            apply=apply,
            overwrite=overwrite,
            report=report,
        )
