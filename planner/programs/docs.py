"""The catalog's documents for the clinicians who review it, written from the data files
themselves (never from a database): `docs/sources.md`, every source and what cites it,
`docs/programs.md`, every program with its phases, doses, pain rule and progression, and
`docs/signs.md`, the signs of each condition the condition finder asks about.

`manage.py catalog_docs` writes them; `manage.py catalog_docs --check` (run by the tests)
fails when a document no longer says what the data files say.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conditions import loader as conditions_loader
from conditions import signs as finder_signs
from conditions.schema import ConditionEntry, RedFlagEntry, SourceEntry
from exercises import loader as exercises_loader
from exercises.schema import ExerciseEntry
from kit.datafiles import read_entries
from planner.engine import course, progression, return_to_run, schedule
from planner.engine.pain import PAIN_RULES
from planner.engine.words import in_sentence
from planner.programs import loader as programs_loader
from planner.programs.loader import prescription_values
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
        for source in dict.fromkeys(s.source for s in condition.signs):
            if source != condition.source:
                cited[source].append(f"signs for the finder: {condition.name}")
    for flag in catalog.red_flags:
        cited[flag.source].append(f"warning sign: {flag.sign}")
        for source, regions in flag.sources_by_region.items():
            cited[source].append(f"warning sign: {flag.sign} (for {', '.join(regions)})")
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
        if program.weeks_source:
            cited[program.weeks_source].append(f"program length: {program.name}")
        if program.pain_rule_source:
            cited[program.pain_rule_source].append(f"pain rule: {program.name}")
    return cited


def sources_md(catalog: Catalog) -> str:
    cited = citations(catalog)
    lines = [
        "# Sources",
        "",
        "<!-- Written by `python manage.py catalog_docs` from conditions/data/sources.yaml and",
        "the entries that cite each source; edit the data files, not this page. -->",
        "",
        "The catalog (conditions, warning signs, exercises, programs) starts from five articles",
        "for runners and walkers. They are web copy, not clinical guidelines: the catalog keeps",
        "their facts and numbers exactly, not their sentences. Where a program follows a",
        "published programme (its exercises, doses or pain rule), or needs a number no article",
        "gives, it cites that clinical source, and the entry says what comes from it.",
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


FREQUENCIES = {
    "daily": "every day",
    "every_other_day": "every other day",
    "three_per_week": "Monday, Wednesday and Friday",
}


def ladder_of(exercise: ExerciseEntry, values: dict[str, Any]) -> progression.Ladder:
    return progression.Ladder(
        exercise=exercise.name,
        unit=exercise.ladder.unit,
        start=values["start"],
        target=values["target"],
        step=values["step"],
        per_side=exercise.per_side,
        sets=values["sets"],
        sets_target=values["sets_target"],
        harder=tuple(values["harder"]),
        easier=values["easier"],
        hold_seconds=values["hold_seconds"],
        times_per_day=values["times_per_day"],
        phases=return_to_run.phases_from([phase.model_dump() for phase in exercise.ladder.phases]),
    )


def steps_words(ladder: progression.Ladder, step: int) -> str:
    return " one phase at a time" if ladder.phases else f" in steps of {step}"


def expected_course(ladder: progression.Ladder, values: dict[str, Any]) -> str:
    """The dose at the start of each week if every step goes well (planner.engine.course)."""
    weeks = course.expected_doses(
        ladder,
        ladder.bottom(),
        from_week=values["first_week"],
        last_week=values["last_week"],
        days_to_progress=values["days_to_progress"],
        sessions_to_progress=values["sessions_to_progress"],
        frequency=schedule.Frequency(values["frequency"]),
    )
    return "; ".join(f"week {week.week}: {week.text}" for week in weeks)


def versions_words(ladder: progression.Ladder) -> str:
    harder = "".join(f"; then {in_sentence(name)}" for name in ladder.harder)
    easier = (
        f"; if it hurts too much at the bottom, {in_sentence(ladder.easier)}"
        if ladder.easier
        else ""
    )
    return f"{harder}{easier}"


def length_words(program: ProgramEntry, titles: dict[str, str]) -> str:
    """Where a program's length comes from: its source's programme, or the project's choice."""
    source = f"as in {titles.get(program.weeks_source, '')}" if program.weeks_source else ""
    return "; ".join(part for part in (source, program.weeks_note) if part) or "not said"


def programs_md(catalog: Catalog) -> str:
    titles = {source.slug: source.title for source in catalog.sources}
    exercises = {exercise.slug: exercise for exercise in catalog.exercises}
    conditions = {condition.slug: condition for condition in catalog.conditions}
    lines = [
        "# Programs",
        "",
        "<!-- Written by `python manage.py catalog_docs` from planner/programs/data/programs.yaml",
        "and exercises/data/exercises.yaml; edit the data files, not this page. -->",
        "",
        "Each program as a runner gets it: its length (a program's length, not a recovery",
        "time), the pain rule the engine decides by, its phases, and each exercise with its dose",
        "ladder, when it steps up, and the dose expected at the start of each week if every step",
        "goes well. A dose steps up after `sessions` comfortable sessions over at least `days`",
        "days at it; pain above the rule's limit steps it back. Sources are named by title.",
        "",
    ]
    for program in catalog.programs:
        condition = conditions.get(program.condition)
        recovery = condition.recovery.text if condition and condition.recovery else ""
        lines += [
            f"## {program.name}",
            "",
            f"- Condition: {condition.name if condition else program.condition}"
            + (f' (the article: "{recovery}")' if recovery else ""),
            f"- Program length: {program.weeks} weeks ({length_words(program, titles)})",
            f"- Pain rule: {PAIN_RULES[program.pain_rule].name}"
            f" (limit {PAIN_RULES[program.pain_rule].limit}/10; "
            + (
                f"as in {titles.get(program.pain_rule_source, program.pain_rule_source)})"
                if program.pain_rule_source
                else "the project's own choice for this condition)"
            ),
            f"- Source: {titles.get(program.source, program.source)}",
            "",
        ]
        if program.summary:
            lines += [program.summary, ""]
        lines += ["Phases:", ""]
        for phase in program.phases:
            rule = f" Pain rule: {PAIN_RULES[phase.pain_rule].name}." if phase.pain_rule else ""
            lines.append(
                f"- {phase.name} (weeks {phase.first_week}-{phase.last_week}): {phase.goal}{rule}"
            )
        lines += ["", "Exercises:", ""]
        for item in program.prescriptions:
            exercise = exercises[item.exercise]
            values = prescription_values(program, item, exercise.ladder)
            ladder = ladder_of(exercise, values)
            lines += [
                f"- **{exercise.name}** (weeks {values['first_week']}-{values['last_week']},"
                f" {FREQUENCIES[values['frequency']]}, {PAIN_RULES[values['pain_rule']].name}):"
                f" from {course.dose_text(ladder, ladder.bottom())}"
                f" to {course.dose_text(ladder, ladder.top())}"
                f"{steps_words(ladder, values['step'])}{versions_words(ladder)}; steps up after"
                f" {values['sessions_to_progress']} sessions over {values['days_to_progress']}"
                f" days. Source: {titles.get(exercise.source, exercise.source)}"
                + (
                    f"; dose: {titles.get(exercise.ladder.dose_source, '')}"
                    if exercise.ladder.dose_source
                    else ""
                )
                + ".",
                f"  - Expected: {expected_course(ladder, values)}.",
            ]
            lines += [f"  - Caution: {caution}" for caution in exercise.cautions]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def signs_md(catalog: Catalog) -> str:
    """Each condition's signs, as the finder asks them, with the article and its fact."""
    titles = {s.slug: s.title for s in catalog.sources}
    lines = [
        "# Signs for the condition finder",
        "",
        "<!-- Written by `python manage.py catalog_docs` from conditions/data/conditions.yaml",
        "(`signs`) and conditions/signs.py; edit those, not this page. -->",
        "",
        "After where it hurts and the warning signs, the onboarding asks a few questions and",
        "ranks the conditions of those places by the signs their articles give",
        "(planner/engine/finder.py). It suggests; it never diagnoses. Each sign below is an",
        "answer to one of the finder's questions, with the article that gives it and that",
        "article's fact. A condition whose article gives no sign beyond pain has none: the",
        "finder cannot match it, and says so.",
        "",
    ]
    for condition in catalog.conditions:
        if condition.care == "return_to_run":
            continue
        doctor = " (see a doctor first)" if condition.care == "see_doctor_first" else ""
        lines += [f"## {condition.name}{doctor}", ""]
        if not condition.signs:
            lines += ["No sign beyond pain in its article: the finder cannot match it.", ""]
            continue
        for sign in condition.signs:
            question = finder_signs.BY_SLUG[sign.question]
            answer = question.answer(sign.answer)
            label = answer.label if answer else sign.answer
            note = f": {sign.note}" if sign.note else ""
            lines.append(
                f"- {question.text} {label}. ({titles.get(sign.source, sign.source)}{note})"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def documents(catalog: Catalog) -> dict[str, str]:
    """Each document's file name in docs/ and its text."""
    return {
        "sources.md": sources_md(catalog),
        "programs.md": programs_md(catalog),
        "signs.md": signs_md(catalog),
    }


def stale(docs_dir: Path, catalog: Catalog) -> list[str]:
    """The documents whose file does not say what the data files say."""
    return [
        name
        for name, text in documents(catalog).items()
        if not (docs_dir / name).exists() or (docs_dir / name).read_text() != text
    ]
