"""Loading program templates from `planner/data/programs.yaml`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from conditions.models import Condition, Source
from exercises.models import Exercise
from kit.datafiles import CatalogError, LoadReport, Snapshot, read_entries, resolve, sync_entry
from kit.translated import both, read_both, spanish_of, write_both
from planner.models import LADDER_FIELDS, Phase, PlanExercise, Prescription, Program
from planner.programs.schema import PhaseEs, PrescriptionEntry, ProgramEntry
from planner.programs.versions import version_problems

DATA_DIR = Path(__file__).resolve().parent / "data"

PROGRAM_FIELDS = ("weeks",)
PROGRAM_TRANSLATED = ("name", "summary", "weeks_note")
PHASE_TRANSLATED = ("name", "goal")
# A prescription is its program, exercise and order, and its dose ladder (with the versions
# it steps up and down to).
PRESCRIPTION_FIELDS = LADDER_FIELDS


class LadderDefaults(Protocol):
    """An exercise's own ladder: the Exercise row, or its entry's `ladder` in the data file."""

    sets: int

    @property
    def sets_target(self) -> int | None: ...  # None (in a data file): the same as `sets`

    start: int
    target: int
    step: int
    hold_seconds: int


def prescription_values(
    entry: ProgramEntry, item: PrescriptionEntry, exercise: LadderDefaults
) -> dict[str, Any]:
    """A prescription's weeks, frequency, dose ladder, progression and pain rule: what the
    data file says, and the exercise's own ladder for every number it leaves out."""
    sets = item.sets or exercise.sets
    return {
        "first_week": item.first_week,
        "last_week": item.last_week or entry.weeks,
        "frequency": item.frequency,
        "sets": sets,
        "sets_target": max(sets, item.sets_target or exercise.sets_target or 0),
        "start": item.start or exercise.start,
        "target": item.target or exercise.target,
        "step": item.step or exercise.step,
        "hold_seconds": exercise.hold_seconds,
        "times_per_day": item.times_per_day,
        "harder": list(item.harder),
        "easier": item.easier or "",
        "sessions_to_progress": item.sessions_to_progress,
        "days_to_progress": item.days_to_progress,
        "pain_rule": pain_rule_from(entry, item.first_week),
        "note": "",  # a therapist's note to a runner: the catalog's prescriptions have none
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
        variations = {v.key: v.kind for v in exercise.variations.all()}
        problems = version_problems(variations, item.harder, item.easier)
        if problems:
            raise CatalogError(f"{field}': {exercise.slug!r}: {'; '.join(problems)}")
        values = prescription_values(entry, item, exercise)
        if values["start"] > values["target"]:
            raise CatalogError(
                f"{field}': 'start' {values['start']} is above 'target' {values['target']}"
            )
        prescriptions.append({"order": order, "exercise": exercise.slug, **values})
    es_phases: list[PhaseEs | None] = (
        list(entry.es.phases) if entry.es else [None] * len(entry.phases)
    )
    return {
        **both(entry.name, spanish_of(entry.es, "name"), "name"),
        **both(entry.summary, spanish_of(entry.es, "summary"), "summary"),
        "weeks": entry.weeks,
        **both(entry.weeks_note, spanish_of(entry.es, "weeks_note"), "weeks_note"),
        "weeks_source": entry.weeks_source,
        "condition": entry.condition,
        "source": entry.source,
        "phases": [
            (
                order,
                p.first_week,
                p.last_week,
                p.name,
                spanish_of(es, "name"),
                p.goal,
                spanish_of(es, "goal"),
            )
            for order, (p, es) in enumerate(zip(entry.phases, es_phases, strict=True), start=1)
        ],
        "prescriptions": prescriptions,
    }


def _snapshot(row: Program) -> Snapshot:
    snapshot: Snapshot = {name: getattr(row, name) for name in PROGRAM_FIELDS}
    snapshot |= read_both(row, PROGRAM_TRANSLATED)
    snapshot["condition"] = row.condition.slug
    snapshot["source"] = row.source.slug if row.source else None  # a catalog row has one
    snapshot["weeks_source"] = row.weeks_source.slug if row.weeks_source else None
    snapshot["phases"] = [
        (p.order, p.first_week, p.last_week, *read_both(p, PHASE_TRANSLATED).values())
        for p in row.phases.all()
    ]
    snapshot["prescriptions"] = [
        {
            "order": p.order,
            "exercise": p.exercise.slug,
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
    # The catalog's programs only: a therapist's own are theirs, never loaded over (their slugs
    # have an underscore, which no entry's slug has).
    known = {
        row.slug: row
        for row in Program.objects.catalog()
        .select_related("condition", "source", "weeks_source")
        .prefetch_related("phases", "prescriptions__exercise")
    }
    for entry in entries:
        where = f"{path.name}: entry {entry.slug!r}"
        condition = resolve([entry.condition], conditions, f"{where}: field 'condition'")[0]
        if condition.care == Condition.Care.SEE_DOCTOR_FIRST:
            raise CatalogError(
                f"{where}: field 'condition': {condition.slug!r} must be seen by a doctor "
                "first, so it gets referral advice, not a program"
            )

        def apply(row: Program, desired: Snapshot, where: str = where) -> None:
            for name in PROGRAM_FIELDS:
                setattr(row, name, desired[name])
            write_both(row, desired, PROGRAM_TRANSLATED)
            row.condition = conditions[desired["condition"]]
            row.source = resolve([desired["source"]], sources, f"{where}: field 'source'")[0]
            weeks_source = desired["weeks_source"]
            row.weeks_source = (
                resolve([weeks_source], sources, f"{where}: field 'weeks_source'")[0]
                if weeks_source
                else None
            )
            row.save()
            row.phases.all().delete()
            phases = []
            for order, first_week, last_week, *words in desired["phases"]:
                phase = Phase(program=row, order=order, first_week=first_week, last_week=last_week)
                write_both(
                    phase,
                    dict(zip(("name", "name_es", "goal", "goal_es"), words, strict=True)),
                    PHASE_TRANSLATED,
                )
                phases.append(phase)
            Phase.objects.bulk_create(phases)
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
                prescription.save()
                if old_rule != prescription.pain_rule:
                    # A plan is its runner's copy, but a changed pain rule is about safety:
                    # plans that still follow the program's old rule take the new one.
                    PlanExercise.objects.filter(
                        prescription=prescription, pain_rule=old_rule
                    ).update(pain_rule=prescription.pain_rule)
            for stale in existing.values():
                # A plan keeps its exercise without the prescription, but a catalog program
                # keeps what people follow, so that the program says what their plans do.
                if PlanExercise.objects.filter(prescription=stale).exists():
                    raise CatalogError(
                        f"{where}: field 'prescriptions': {stale.exercise.slug!r} is in plans "
                        "people follow, so it stays in the program; keep it in the file"
                    )
                stale.delete()

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
