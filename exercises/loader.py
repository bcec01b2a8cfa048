"""Loading exercises, their steps, variations and recommendations from `exercises/data/`."""

from __future__ import annotations

from pathlib import Path

from conditions.models import BodyRegion, Condition, Source
from exercises.models import Exercise, InstructionStep, Recommendation, Variation
from exercises.pictures.stored import stored_picture
from exercises.schema import ExerciseEntry
from kit.datafiles import LoadReport, Snapshot, read_entries, resolve, slugs_of, sync_entry

DATA_DIR = Path(__file__).resolve().parent / "data"

EXERCISE_FIELDS = ("name", "kind", "summary", "equipment", "per_side", "cautions", "picture")
LADDER_FIELDS = (
    "unit",
    "sets",
    "sets_target",
    "start",
    "target",
    "step",
    "hold_seconds",
    "dose_note",
)


def _desired(entry: ExerciseEntry) -> Snapshot:
    desired: Snapshot = {name: getattr(entry, name) for name in EXERCISE_FIELDS}
    desired["equipment"] = list(entry.equipment)
    desired["cautions"] = list(entry.cautions)
    desired["picture"] = stored_picture(entry.picture)
    desired.update({name: getattr(entry.ladder, name) for name in LADDER_FIELDS})
    desired["sets_target"] = entry.ladder.sets_target or entry.ladder.sets
    desired["phases"] = [phase.model_dump() for phase in entry.ladder.phases]
    desired["source"] = entry.source
    desired["dose_source"] = entry.ladder.dose_source
    desired["regions"] = sorted(entry.regions)
    desired["steps"] = list(entry.steps)
    desired["variations"] = [
        (v.name, v.kind, v.description, list(v.equipment)) for v in entry.variations
    ]
    desired["recommendations"] = sorted(
        (r.condition, r.note, r.source) for r in entry.recommended_for
    )
    return desired


def _snapshot(row: Exercise) -> Snapshot:
    snapshot: Snapshot = {name: getattr(row, name) for name in EXERCISE_FIELDS + LADDER_FIELDS}
    snapshot["phases"] = row.phases
    snapshot["source"] = row.source.slug
    snapshot["dose_source"] = row.dose_source.slug if row.dose_source else None
    snapshot["regions"] = slugs_of(row.regions.all())
    snapshot["steps"] = [step.text for step in row.steps.all()]
    snapshot["variations"] = [
        (v.name, v.kind, v.description, v.equipment) for v in row.variations.all()
    ]
    snapshot["recommendations"] = sorted(
        (r.condition.slug, r.note, r.source.slug) for r in row.recommendation_set.all()
    )
    return snapshot


def load_exercises(
    data_dir: Path,
    sources: dict[str, Source],
    regions: dict[str, BodyRegion],
    conditions: dict[str, Condition],
    overwrite: bool,
    report: LoadReport,
) -> dict[str, Exercise]:
    path = data_dir / "exercises.yaml"
    entries = read_entries(path, ExerciseEntry)
    known = {
        row.slug: row
        for row in Exercise.objects.select_related("source", "dose_source").prefetch_related(
            "regions",
            "steps",
            "variations",
            "recommendation_set__condition",
            "recommendation_set__source",
        )
    }
    for entry in entries:
        where = f"{path.name}: entry {entry.slug!r}"

        def apply(row: Exercise, desired: Snapshot, where: str = where) -> None:
            for name in EXERCISE_FIELDS + LADDER_FIELDS:
                setattr(row, name, desired[name])
            row.phases = desired["phases"]
            row.source = resolve([desired["source"]], sources, f"{where}: field 'source'")[0]
            dose_source = desired["dose_source"]
            row.dose_source = (
                resolve([dose_source], sources, f"{where}: field 'ladder.dose_source'")[0]
                if dose_source
                else None
            )
            row.save()
            row.regions.set(resolve(desired["regions"], regions, f"{where}: field 'regions'"))
            row.steps.all().delete()
            InstructionStep.objects.bulk_create(
                InstructionStep(exercise=row, order=order, text=text)
                for order, text in enumerate(desired["steps"], start=1)
            )
            # Updated in place, so an admin's edits elsewhere on a variation row survive.
            kept = {v.order: v for v in row.variations.all()}
            for order, (name, kind, text, equipment) in enumerate(desired["variations"], start=1):
                variation = kept.pop(order, None) or Variation(exercise=row, order=order)
                variation.name, variation.kind, variation.description = name, kind, text
                variation.equipment = equipment
                variation.save()
            for stale in kept.values():
                stale.delete()
            row.recommendation_set.all().delete()
            Recommendation.objects.bulk_create(
                Recommendation(
                    exercise=row,
                    condition=resolve(
                        [condition], conditions, f"{where}: field 'recommended_for.condition'"
                    )[0],
                    note=note,
                    source=resolve([source], sources, f"{where}: field 'recommended_for.source'")[
                        0
                    ],
                )
                for condition, note, source in desired["recommendations"]
            )

        known[entry.slug] = sync_entry(
            label="exercises",
            slug=entry.slug,
            existing=known.get(entry.slug),
            new=lambda slug=entry.slug: Exercise(slug=slug),  # type: ignore[misc]
            desired=_desired(entry),
            snapshot=_snapshot,
            apply=apply,
            overwrite=overwrite,
            report=report,
        )
    return known
