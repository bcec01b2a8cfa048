"""Loading exercises, their steps, variations and recommendations from `exercises/data/`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conditions.models import BodyRegion, Condition, Source
from exercises.models import Exercise, InstructionStep, Recommendation, Variation
from exercises.pictures.stored import stored_picture
from exercises.schema import ExerciseEntry, VariationEs
from kit.datafiles import LoadReport, Snapshot, read_entries, resolve, slugs_of, sync_entry
from kit.translated import both, read_both, spanish_of, write_both

DATA_DIR = Path(__file__).resolve().parent / "data"

EXERCISE_FIELDS = ("kind", "per_side", "picture")
EXERCISE_TRANSLATED = ("name", "summary", "equipment", "cautions")
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
    es = entry.es
    for name in EXERCISE_TRANSLATED:
        english = getattr(entry, name)
        desired |= both(
            list(english) if isinstance(english, list) else english, spanish_of(es, name), name
        )
    desired["picture"] = stored_picture(entry.picture)
    desired.update({name: getattr(entry.ladder, name) for name in LADDER_FIELDS})
    desired["sets_target"] = entry.ladder.sets_target or entry.ladder.sets
    desired["phases"] = [phase.model_dump() for phase in entry.ladder.phases]
    desired["source"] = entry.source
    desired["dose_source"] = entry.ladder.dose_source
    desired["regions"] = sorted(entry.regions)
    es_steps: list[str | None] = list(es.steps) if es else [None] * len(entry.steps)
    desired["steps"] = list(zip(entry.steps, es_steps, strict=True))
    es_variations: list[VariationEs | None] = (
        list(es.variations) if es else [None] * len(entry.variations)
    )
    desired["variations"] = [
        (
            v.name,
            v.kind,
            v.description,
            list(v.equipment),
            spanish_of(v_es, "name"),
            spanish_of(v_es, "description"),
            spanish_of(v_es, "equipment"),
        )
        for v, v_es in zip(entry.variations, es_variations, strict=True)
    ]
    desired["recommendations"] = sorted(
        (r.condition, r.note, r.source) for r in entry.recommended_for
    )
    return desired


VARIATION_TRANSLATED = ("name", "description", "equipment")


def _variation_snapshot(row: Variation) -> tuple[Any, ...]:
    """A variation as `_desired` lists it: its English, its kind, then its Spanish."""
    words = read_both(row, VARIATION_TRANSLATED)
    return (
        *(words["name"], row.kind, words["description"], words["equipment"]),
        *(words[f"{name}_es"] for name in VARIATION_TRANSLATED),
    )


def _snapshot(row: Exercise) -> Snapshot:
    snapshot: Snapshot = {name: getattr(row, name) for name in EXERCISE_FIELDS + LADDER_FIELDS}
    snapshot |= read_both(row, EXERCISE_TRANSLATED)
    snapshot["phases"] = row.phases
    snapshot["source"] = row.source.slug
    snapshot["dose_source"] = row.dose_source.slug if row.dose_source else None
    snapshot["regions"] = slugs_of(row.regions.all())
    snapshot["steps"] = [tuple(read_both(step, ("text",)).values()) for step in row.steps.all()]
    snapshot["variations"] = [_variation_snapshot(v) for v in row.variations.all()]
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
            write_both(row, desired, EXERCISE_TRANSLATED)
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
                InstructionStep(exercise=row, order=order, text=en, text_en=en, text_es=es)
                for order, (en, es) in enumerate(desired["steps"], start=1)
            )
            # Updated in place, so an admin's edits elsewhere on a variation row survive.
            kept = {v.order: v for v in row.variations.all()}
            for order, (name, kind, text, equipment, *spanish) in enumerate(
                desired["variations"], start=1
            ):
                variation = kept.pop(order, None) or Variation(exercise=row, order=order)
                variation.kind = kind
                write_both(
                    variation,
                    {"name": name, "description": text, "equipment": equipment}
                    | dict(
                        zip(("name_es", "description_es", "equipment_es"), spanish, strict=True)
                    ),
                    ("name", "description", "equipment"),
                )
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
