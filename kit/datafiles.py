"""Reading versioned catalog data files and validating every entry.

A data file is a YAML list of entries. Each entry is validated against a pydantic schema, so a
malformed file is reported with the file, the entry and the field at fault before anything is
written to the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

if TYPE_CHECKING:
    from kit.curation import AdminCurated

Entry = TypeVar("Entry", bound=BaseModel)


class CatalogError(Exception):
    """A data file that cannot be loaded; the message names the file, entry and field."""


class StrictEntry(BaseModel):
    """Base of every data-file schema: unknown keys are typos, and typos must not pass."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def _entry_label(raw: object, index: int) -> str:
    slug = raw.get("slug") if isinstance(raw, dict) else None
    return f"entry #{index + 1}" + (f" ({slug!r})" if slug else "")


def _field_path(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "(entry)"


def read_entries(path: Path, schema: type[Entry]) -> list[Entry]:
    """Parse and validate one data file; raise CatalogError naming file, entry and field."""
    try:
        raw_entries: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: cannot be read as YAML: {exc}") from exc
    if not isinstance(raw_entries, list):
        raise CatalogError(f"{path.name}: must be a YAML list of entries")

    entries: list[Entry] = []
    seen_slugs: set[str] = set()
    for index, raw in enumerate(raw_entries):
        label = _entry_label(raw, index)
        try:
            entry = schema.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"field '{_field_path(error['loc'])}': {error['msg']}" for error in exc.errors()
            )
            raise CatalogError(f"{path.name}: {label}: {problems}") from exc
        slug = getattr(entry, "slug", None)
        if slug is not None:
            if slug in seen_slugs:
                raise CatalogError(f"{path.name}: {label}: field 'slug': duplicate slug {slug!r}")
            seen_slugs.add(slug)
        entries.append(entry)
    return entries


Snapshot = dict[str, Any]


@dataclass
class LoadReport:
    """What one load did, per kind of entry, for the command to print."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    kept: dict[str, list[str]] = field(default_factory=dict)

    def count(self, bucket: dict[str, int], label: str) -> None:
        bucket[label] = bucket.get(label, 0) + 1

    def lines(self) -> list[str]:
        labels = sorted({*self.created, *self.updated, *self.unchanged, *self.kept})
        return [
            f"{label}: {self.created.get(label, 0)} created, {self.updated.get(label, 0)} "
            f"updated, {self.unchanged.get(label, 0)} unchanged, "
            f"{len(self.kept.get(label, []))} kept as edited by an admin"
            + (f" ({', '.join(self.kept[label])})" if self.kept.get(label) else "")
            for label in labels
        ]


Curated = TypeVar("Curated", bound="AdminCurated")


def sync_entry(
    *,
    label: str,
    slug: str,
    existing: Curated | None,
    new: Callable[[], Curated],
    desired: Snapshot,
    snapshot: Callable[[Curated], Snapshot],
    apply: Callable[[Curated, Snapshot], None],
    overwrite: bool,
    report: LoadReport,
) -> Curated:
    """Create, update or keep one catalog row so that it says what the data file says.

    A row an admin has edited is kept unless `overwrite`; a row that already matches is not
    written at all, so loading twice changes nothing.
    """
    if existing is None:
        row = new()
        apply(row, desired)
        report.count(report.created, label)
        return row
    if existing.admin_edited and not overwrite:
        report.kept.setdefault(label, []).append(slug)
        return existing
    if snapshot(existing) == desired and not existing.admin_edited:
        report.count(report.unchanged, label)
        return existing
    existing.admin_edited = False
    apply(existing, desired)
    report.count(report.updated, label)
    return existing


def slugs_of(rows: Iterable[Any]) -> list[str]:
    return sorted(row.slug for row in rows)


def resolve(slugs: Iterable[str], known: dict[str, Curated], where: str) -> list[Curated]:
    """Look up referenced slugs, naming the field at fault when one is unknown."""
    found = []
    for slug in slugs:
        if slug not in known:
            raise CatalogError(f"{where}: unknown slug {slug!r}")
        found.append(known[slug])
    return found
