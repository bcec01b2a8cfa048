"""Loading sources, body regions, conditions and red flags from `conditions/data/`."""

from __future__ import annotations

from pathlib import Path

from conditions.models import BodyRegion, Condition, RedFlag, RedFlagRegionSource, Source
from conditions.schema import ConditionEntry, RedFlagEntry, RegionEntry, SourceEntry
from kit.datafiles import LoadReport, Snapshot, read_entries, resolve, slugs_of, sync_entry
from kit.translated import both, read_both, spanish_of, write_both

DATA_DIR = Path(__file__).resolve().parent / "data"


def _source_snapshot(row: Source) -> Snapshot:
    return {f: getattr(row, f) for f in ("title", "kind", "publisher", "citation", "url")}


def _set_fields(row: Source, values: Snapshot) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def load_sources(data_dir: Path, overwrite: bool, report: LoadReport) -> dict[str, Source]:
    entries = read_entries(data_dir / "sources.yaml", SourceEntry)
    known = {row.slug: row for row in Source.objects.all()}
    for entry in entries:
        known[entry.slug] = sync_entry(
            label="sources",
            slug=entry.slug,
            existing=known.get(entry.slug),
            new=lambda slug=entry.slug: Source(slug=slug),  # type: ignore[misc]
            desired=entry.model_dump(exclude={"slug"}),
            snapshot=_source_snapshot,
            apply=_set_fields,
            overwrite=overwrite,
            report=report,
        )
    return known


REGION_TRANSLATED = ("name", "description")


def _region_snapshot(row: BodyRegion) -> Snapshot:
    return {"order": row.order, **read_both(row, REGION_TRANSLATED)}


def _region_desired(entry: RegionEntry) -> Snapshot:
    return {"order": entry.order} | {
        key: value
        for name in REGION_TRANSLATED
        for key, value in both(getattr(entry, name), spanish_of(entry.es, name), name).items()
    }


def _set_region(row: BodyRegion, values: Snapshot) -> None:
    row.order = values["order"]
    write_both(row, values, REGION_TRANSLATED)
    row.save()


def load_regions(data_dir: Path, overwrite: bool, report: LoadReport) -> dict[str, BodyRegion]:
    entries = read_entries(data_dir / "regions.yaml", RegionEntry)
    known = {row.slug: row for row in BodyRegion.objects.all()}
    for entry in entries:
        known[entry.slug] = sync_entry(
            label="body regions",
            slug=entry.slug,
            existing=known.get(entry.slug),
            new=lambda slug=entry.slug: BodyRegion(slug=slug),  # type: ignore[misc]
            desired=_region_desired(entry),
            snapshot=_region_snapshot,
            apply=_set_region,
            overwrite=overwrite,
            report=report,
        )
    return known


CONDITION_FIELDS = ("recovery_min", "recovery_max", "recovery_unit", "care", "signs")
CONDITION_TRANSLATED = (
    "name",
    "summary",
    "symptoms",
    "causes",
    "treatment",
    "recovery_text",
    "care_note",
)


def _condition_desired(entry: ConditionEntry) -> Snapshot:
    recovery = entry.recovery
    es = entry.es
    es_recovery = es.recovery if es else None
    return {
        **both(entry.name, spanish_of(es, "name"), "name"),
        **both(entry.summary, spanish_of(es, "summary"), "summary"),
        **both(list(entry.symptoms), spanish_of(es, "symptoms"), "symptoms"),
        **both(list(entry.causes), spanish_of(es, "causes"), "causes"),
        **both(list(entry.treatment), spanish_of(es, "treatment"), "treatment"),
        "recovery_min": recovery.min if recovery else None,
        "recovery_max": recovery.max if recovery else None,
        "recovery_unit": recovery.unit if recovery else Condition.RecoveryUnit.WEEKS,
        **both(
            recovery.text if recovery else "",
            es_recovery.text if es_recovery else None,
            "recovery_text",
        ),
        "care": entry.care,
        **both(entry.care_note, spanish_of(es, "care_note"), "care_note"),
        "signs": [sign.model_dump() for sign in entry.signs],
        "source": entry.source,
        "recovery_source": recovery.source if recovery else None,
        "regions": sorted(entry.regions),
    }


def _condition_snapshot(row: Condition) -> Snapshot:
    snapshot = {name: getattr(row, name) for name in CONDITION_FIELDS}
    snapshot |= read_both(row, CONDITION_TRANSLATED)
    snapshot["source"] = row.source.slug
    snapshot["recovery_source"] = row.recovery_source.slug if row.recovery_source else None
    snapshot["regions"] = slugs_of(row.regions.all())
    return snapshot


def load_conditions(
    data_dir: Path,
    sources: dict[str, Source],
    regions: dict[str, BodyRegion],
    overwrite: bool,
    report: LoadReport,
) -> dict[str, Condition]:
    path = data_dir / "conditions.yaml"
    entries = read_entries(path, ConditionEntry)
    known = {
        row.slug: row
        for row in Condition.objects.select_related("source", "recovery_source").prefetch_related(
            "regions"
        )
    }
    for entry in entries:
        where = f"{path.name}: entry {entry.slug!r}"

        def apply(row: Condition, desired: Snapshot, where: str = where) -> None:
            for name in CONDITION_FIELDS:
                setattr(row, name, desired[name])
            write_both(row, desired, CONDITION_TRANSLATED)
            row.source = resolve([desired["source"]], sources, f"{where}: field 'source'")[0]
            resolve(
                [sign["source"] for sign in desired["signs"]],
                sources,
                f"{where}: field 'signs.source'",
            )
            recovery_source = desired["recovery_source"]
            row.recovery_source = (
                resolve([recovery_source], sources, f"{where}: field 'recovery.source'")[0]
                if recovery_source
                else None
            )
            row.save()
            row.regions.set(resolve(desired["regions"], regions, f"{where}: field 'regions'"))

        known[entry.slug] = sync_entry(
            label="conditions",
            slug=entry.slug,
            existing=known.get(entry.slug),
            new=lambda slug=entry.slug: Condition(slug=slug),  # type: ignore[misc]
            desired=_condition_desired(entry),
            snapshot=_condition_snapshot,
            apply=apply,
            overwrite=overwrite,
            report=report,
        )
    return known


RED_FLAG_FIELDS = ("urgency",)
RED_FLAG_TRANSLATED = ("sign", "question", "advice")


def _red_flag_snapshot(row: RedFlag) -> Snapshot:
    snapshot = {name: getattr(row, name) for name in RED_FLAG_FIELDS}
    snapshot |= read_both(row, RED_FLAG_TRANSLATED)
    snapshot["source"] = row.source.slug
    snapshot["regions"] = slugs_of(row.regions.all())
    snapshot["conditions"] = slugs_of(row.conditions.all())
    by_source: dict[str, list[str]] = {}
    for cited in row.region_sources.all():
        by_source.setdefault(cited.source.slug, []).append(cited.region.slug)
    snapshot["sources_by_region"] = {slug: sorted(names) for slug, names in by_source.items()}
    return snapshot


def load_red_flags(
    data_dir: Path,
    sources: dict[str, Source],
    regions: dict[str, BodyRegion],
    conditions: dict[str, Condition],
    overwrite: bool,
    report: LoadReport,
) -> None:
    path = data_dir / "red_flags.yaml"
    entries = read_entries(path, RedFlagEntry)
    known = {
        row.slug: row
        for row in RedFlag.objects.select_related("source").prefetch_related(
            "regions", "conditions", "region_sources__source", "region_sources__region"
        )
    }
    for entry in entries:
        where = f"{path.name}: entry {entry.slug!r}"

        def apply(row: RedFlag, desired: Snapshot, where: str = where) -> None:
            for name in RED_FLAG_FIELDS:
                setattr(row, name, desired[name])
            write_both(row, desired, RED_FLAG_TRANSLATED)
            row.source = resolve([desired["source"]], sources, f"{where}: field 'source'")[0]
            row.save()
            row.regions.set(resolve(desired["regions"], regions, f"{where}: field 'regions'"))
            row.conditions.set(
                resolve(desired["conditions"], conditions, f"{where}: field 'conditions'")
            )
            row.region_sources.all().delete()
            cited_where = f"{where}: field 'sources_by_region'"
            RedFlagRegionSource.objects.bulk_create(
                RedFlagRegionSource(red_flag=row, region=region, source=source)
                for slug, names in desired["sources_by_region"].items()
                for source in resolve([slug], sources, cited_where)
                for region in resolve(names, regions, cited_where)
            )

        desired = entry.model_dump(exclude={"slug", "es"})
        for name in RED_FLAG_TRANSLATED:
            desired[f"{name}_es"] = spanish_of(entry.es, name)
        desired["regions"] = sorted(entry.regions)
        desired["conditions"] = sorted(entry.conditions)
        desired["sources_by_region"] = {
            slug: sorted(names) for slug, names in entry.sources_by_region.items()
        }
        sync_entry(
            label="red flags",
            slug=entry.slug,
            existing=known.get(entry.slug),
            new=lambda slug=entry.slug: RedFlag(slug=slug),  # type: ignore[misc]
            desired=desired,
            snapshot=_red_flag_snapshot,
            apply=apply,
            overwrite=overwrite,
            report=report,
        )
