"""The catalog's documents for the clinicians who review it, written from the data files
themselves (never from a database): `docs/sources.md`, every source and what cites it.

`manage.py catalog_docs` writes them; `manage.py catalog_docs --check` (run by the tests)
fails when a document no longer says what the data files say.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from conditions import loader as conditions_loader
from conditions.schema import ConditionEntry, RedFlagEntry, SourceEntry
from exercises import loader as exercises_loader
from exercises.schema import ExerciseEntry
from kit.datafiles import read_entries
from planner.programs import loader as programs_loader
from planner.programs.schema import ProgramEntry

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"


@dataclass(frozen=True)
class Catalog:
    sources: list[SourceEntry]
    conditions: list[ConditionEntry]
    red_flags: list[RedFlagEntry]
    exercises: list[ExerciseEntry]
    programs: list[ProgramEntry]


def read_catalog(
    conditions_dir: Path = conditions_loader.DATA_DIR,
    exercises_dir: Path = exercises_loader.DATA_DIR,
    programs_dir: Path = programs_loader.DATA_DIR,
) -> Catalog:
    return Catalog(
        sources=read_entries(conditions_dir / "sources.yaml", SourceEntry),
        conditions=read_entries(conditions_dir / "conditions.yaml", ConditionEntry),
        red_flags=read_entries(conditions_dir / "red_flags.yaml", RedFlagEntry),
        exercises=read_entries(exercises_dir / "exercises.yaml", ExerciseEntry),
        programs=read_entries(programs_dir / "programs.yaml", ProgramEntry),
    )


def citations(catalog: Catalog) -> dict[str, list[str]]:
    """What cites each source, by source slug: "condition: IT band syndrome" and so on."""
    cited: dict[str, list[str]] = defaultdict(list)
    for condition in catalog.conditions:
        cited[condition.source].append(f"condition: {condition.name}")
        if condition.recovery is not None and condition.recovery.source:
            cited[condition.recovery.source].append(f"recovery timeline: {condition.name}")
    for flag in catalog.red_flags:
        cited[flag.source].append(f"warning sign: {flag.sign}")
    for exercise in catalog.exercises:
        cited[exercise.source].append(f"exercise: {exercise.name}")
        if exercise.ladder.dose_source:
            cited[exercise.ladder.dose_source].append(f"dose ladder: {exercise.name}")
        for recommendation in exercise.recommended_for:
            if recommendation.source != exercise.source:
                cited[recommendation.source].append(
                    f"recommendation: {exercise.name} for {recommendation.condition}"
                )
    for program in catalog.programs:
        cited[program.source].append(f"program: {program.name}")
    return cited


def sources_md(catalog: Catalog) -> str:
    cited = citations(catalog)
    lines = [
        "# Sources",
        "",
        "<!-- Written by `python manage.py catalog_docs` from conditions/data/sources.yaml and",
        "the entries that cite each source; edit the data files, not this page. -->",
        "",
        "The catalog (conditions, warning signs, exercises, programs) is taken from five",
        "articles for runners and walkers. They are web copy, not clinical guidelines: the",
        "catalog keeps their facts and numbers exactly, not their sentences. Where a program",
        "needs a number no article gives, it cites a published clinical source instead, and the",
        "entry says which numbers come from it.",
        "",
        "## The five articles",
        "",
    ]
    for source in (s for s in catalog.sources if s.kind == "article"):
        link = f" <{source.url}>" if source.url else ""
        lines += [f"### {source.title}", "", f"{source.publisher}.{link}", ""]
        lines += [f"- {what}" for what in cited.get(source.slug, [])] or ["- (cited by nothing)"]
        lines.append("")
    lines += ["## Clinical sources", ""]
    for source in (s for s in catalog.sources if s.kind == "clinical"):
        lines += [f"### {source.title}", "", source.citation, ""]
        lines += [f"- {what}" for what in cited.get(source.slug, [])] or ["- (cited by nothing)"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def documents(catalog: Catalog) -> dict[str, str]:
    """Each document's file name in docs/ and its text."""
    return {"sources.md": sources_md(catalog)}


def stale(docs_dir: Path, catalog: Catalog) -> list[str]:
    """The documents whose file does not say what the data files say."""
    return [
        name
        for name, text in documents(catalog).items()
        if not (docs_dir / name).exists() or (docs_dir / name).read_text() != text
    ]
