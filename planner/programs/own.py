"""A therapist's own programs: built from the exercise library, or copied from a program they
may see to start from; changed and deleted by their owner alone.

An own program is the therapist's choice of exercises, doses, phases and pain rules: it cites no
source (`Program.source` is empty) and says so wherever it is shown; `copied_from` keeps where
it started, which is not a citation (a copy's doses are the therapist's once saved). It is
private to its owner unless shared with their clinic (Profile.clinic); who sees what is
planner.access.programs_visible_to. The catalog's loader never touches it (its slug,
`<name>_<id>`, has an underscore no catalog slug has).

Every function checks the whole draft before writing anything and raises one ValidationError
naming each field at fault ("exercises.2.target") and its rule, so nothing saved is lost and a
mistake is never a 500. The API and the pages both call these.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conditions.models import Condition
from exercises.models import Exercise, Variation
from kit.conflict import Conflict
from planner import access
from planner.engine.pain import PAIN_MONITORING, PAIN_RULES
from planner.engine.schedule import Frequency
from planner.models import Phase, Prescription, Profile, Program
from planner.programs.versions import version_problems

# Bounds a typing slip would cross and no prescription needs; the data file's schema keeps the
# catalog to the same (planner.programs.schema).
MAX_WEEKS = 52
MAX_SETS = 10
MAX_AMOUNT = 600  # repetitions per set, or seconds held
MAX_HOLD = 120  # seconds each repetition is held
MAX_EXERCISES = 30
MAX_PHASES = 12
NOTE_LENGTH = 500
NAME_LENGTH = 150


@dataclass(frozen=True)
class PhaseDraft:
    name: str
    first_week: int
    last_week: int
    goal: str = ""


@dataclass(frozen=True)
class ExerciseDraft:
    """One exercise of the program. A dose number left empty (None) is the exercise's own
    ladder's, as in the catalog's data file."""

    exercise: str  # the library exercise's slug
    frequency: str = Frequency.DAILY.value
    first_week: int = 1
    last_week: int | None = None  # None: to the program's last week
    sets: int | None = None
    sets_target: int | None = None
    start: int | None = None
    target: int | None = None
    step: int | None = None
    hold_seconds: int | None = None
    times_per_day: int = 1
    sessions_to_progress: int = 3
    days_to_progress: int = 7
    pain_rule: str = PAIN_MONITORING.key
    # Step up to the exercise's harder versions at the top of the ladder and down to its easier
    # one at the bottom: those named here (a copy keeps its original's), else those the
    # program had for it, else all it has.
    versions: bool = True
    harder: tuple[str, ...] | None = None
    easier: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ProgramDraft:
    name: str
    condition: str  # the condition's slug
    weeks: int
    summary: str = ""
    weeks_note: str = ""
    shared_with_clinic: bool = False
    phases: tuple[PhaseDraft, ...] = ()
    exercises: tuple[ExerciseDraft, ...] = field(default_factory=tuple)


# --- Reading --------------------------------------------------------------------------------


def programs_of(therapist: User) -> list[Program]:
    """The therapist's own programs and those their clinic's therapists share, by name, each
    with its owner and condition (one query; the caller holds the therapist role)."""
    return list(
        access.own_programs_seen_by(therapist)
        .select_related("owner", "condition", "copied_from")
        .order_by("name", "pk")
    )


def draft_of(program: Program) -> ProgramDraft:
    """A program as the builder edits it: every number written out (two queries)."""
    return ProgramDraft(
        name=program.name,
        condition=program.condition.slug,
        weeks=program.weeks,
        summary=program.summary,
        weeks_note=program.weeks_note if program.is_own else "",
        shared_with_clinic=program.shared_with_clinic,
        phases=tuple(
            PhaseDraft(p.name, p.first_week, p.last_week, p.goal)
            for p in program.phases.order_by("order")
        ),
        exercises=tuple(
            ExerciseDraft(
                exercise=p.exercise.slug,
                frequency=p.frequency,
                first_week=p.first_week,
                last_week=p.last_week,
                sets=p.sets,
                sets_target=p.sets_target,
                start=p.start,
                target=p.target,
                step=p.step,
                hold_seconds=p.hold_seconds,
                times_per_day=p.times_per_day,
                sessions_to_progress=p.sessions_to_progress,
                days_to_progress=p.days_to_progress,
                pain_rule=p.pain_rule,
                versions=bool(p.harder or p.easier),
                harder=tuple(p.harder),
                easier=p.easier,
                note=p.note,
            )
            for p in program.prescriptions.select_related("exercise").order_by("order")
        ),
    )


# --- Checking -------------------------------------------------------------------------------


def _between(errors: dict[str, str], name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        errors[name] = _("Between %(low)d and %(high)d, not %(value)d.") % {
            "low": low,
            "high": high,
            "value": value,
        }


def draft_problems(
    draft: ProgramDraft, conditions: set[str], exercises: dict[str, Exercise]
) -> dict[str, str]:
    """What is wrong with a draft, by field ("exercises.1.target"), given the conditions'
    slugs and the library's exercises by slug; empty when nothing is. Plain values."""
    errors: dict[str, str] = {}
    if not draft.name.strip():
        errors["name"] = _("Give the program a name.")
    elif len(draft.name.strip()) > NAME_LENGTH:
        errors["name"] = _("At most %(most)d characters.") % {"most": NAME_LENGTH}
    if draft.condition not in conditions:
        errors["condition"] = _("Choose the condition the program is for.")
    _between(errors, "weeks", draft.weeks, 1, MAX_WEEKS)
    weeks = draft.weeks if "weeks" not in errors else MAX_WEEKS
    if not draft.phases:
        errors["phases"] = _("At least one phase: its name and weeks.")
    elif len(draft.phases) > MAX_PHASES:
        errors["phases"] = _("At most %(most)d phases.") % {"most": MAX_PHASES}
    for n, phase in enumerate(draft.phases):
        where = f"phases.{n}"
        if not phase.name.strip():
            errors[f"{where}.name"] = _("Name the phase.")
        _between(errors, f"{where}.first_week", phase.first_week, 1, weeks)
        _between(errors, f"{where}.last_week", phase.last_week, 1, weeks)
        if phase.last_week < phase.first_week:
            errors[f"{where}.last_week"] = _(
                "Not before its first week (%(week)d): a phase runs forwards."
            ) % {"week": phase.first_week}
    if not draft.exercises:
        errors["exercises"] = _("At least one exercise from the library.")
    elif len(draft.exercises) > MAX_EXERCISES:
        errors["exercises"] = _("At most %(most)d exercises.") % {"most": MAX_EXERCISES}
    seen: set[str] = set()
    for n, item in enumerate(draft.exercises):
        errors.update(_exercise_problems(item, f"exercises.{n}", weeks, exercises, seen))
        seen.add(item.exercise)
    return errors


def _exercise_problems(
    item: ExerciseDraft, where: str, weeks: int, exercises: dict[str, Exercise], seen: set[str]
) -> dict[str, str]:
    return exercise_problems(item, weeks, exercises, seen, prefix=f"{where}.")


def exercise_problems(
    item: ExerciseDraft,
    weeks: int,
    exercises: dict[str, Exercise],
    seen: Collection[str] = (),
    prefix: str = "",
) -> dict[str, str]:
    """What is wrong with one exercise of a program (or one added to a running plan, which
    planner.plans.tailoring checks the same way), by field, each name after `prefix`."""
    errors: dict[str, str] = {}
    exercise = exercises.get(item.exercise)
    if exercise is None:
        errors[f"{prefix}exercise"] = _("Choose an exercise from the library.")
    elif item.exercise in seen:
        errors[f"{prefix}exercise"] = _(
            "%(exercise)s is in the program already: each exercise once."
        ) % {"exercise": exercise.name}
    if item.frequency not in {f.value for f in Frequency}:
        errors[f"{prefix}frequency"] = _("One of %(values)s.") % {
            "values": ", ".join(f.value for f in Frequency)
        }
    if item.pain_rule not in PAIN_RULES:
        errors[f"{prefix}pain_rule"] = _("One of %(values)s.") % {"values": ", ".join(PAIN_RULES)}
    _between(errors, f"{prefix}first_week", item.first_week, 1, weeks)
    _between(errors, f"{prefix}last_week", item.last_week, 1, weeks)
    if item.last_week is not None and item.last_week < item.first_week:
        errors[f"{prefix}last_week"] = _("Not before its first week (%(week)d).") % {
            "week": item.first_week
        }
    _between(errors, f"{prefix}sets", item.sets, 1, MAX_SETS)
    _between(errors, f"{prefix}sets_target", item.sets_target, 1, MAX_SETS)
    _between(errors, f"{prefix}start", item.start, 1, MAX_AMOUNT)
    _between(errors, f"{prefix}target", item.target, 1, MAX_AMOUNT)
    _between(errors, f"{prefix}step", item.step, 1, MAX_AMOUNT)
    _between(errors, f"{prefix}hold_seconds", item.hold_seconds, 0, MAX_HOLD)
    _between(errors, f"{prefix}times_per_day", item.times_per_day, 1, 3)
    _between(errors, f"{prefix}sessions_to_progress", item.sessions_to_progress, 1, 30)
    _between(errors, f"{prefix}days_to_progress", item.days_to_progress, 1, 60)
    if len(item.note) > NOTE_LENGTH:
        errors[f"{prefix}note"] = _("At most %(most)d characters.") % {"most": NOTE_LENGTH}
    if exercise is not None and item.versions and item.harder is not None:
        variations = {v.key: v.kind for v in exercise.variations.all()}
        problems = version_problems(variations, list(item.harder), item.easier)
        if problems:
            errors[f"{prefix}versions"] = "; ".join(problems)
    if exercise is not None and not errors:
        values = ladder_values(item, weeks, exercise)
        if values["start"] > values["target"]:
            errors[f"{prefix}target"] = _(
                "At least the start (%(start)d): the dose climbs from start to target."
            ) % {"start": values["start"]}
        if values["sets_target"] < values["sets"]:
            errors[f"{prefix}sets_target"] = _(
                "At least the sets at the start (%(sets)d): sets climb, never drop."
            ) % {"sets": values["sets"]}
    return errors


def ladder_values(item: ExerciseDraft, weeks: int, exercise: Exercise) -> dict[str, Any]:
    """A prescription's weeks, frequency and dose ladder: the draft's numbers, and the
    exercise's own ladder for each one left empty (as the catalog's loader does)."""
    sets = item.sets or exercise.sets
    return {
        "frequency": item.frequency,
        "first_week": item.first_week,
        "last_week": item.last_week or weeks,
        "sets": sets,
        "sets_target": item.sets_target or max(sets, exercise.sets_target),
        "start": item.start or exercise.start,
        "target": item.target or exercise.target,
        "step": item.step or exercise.step,
        "hold_seconds": exercise.hold_seconds if item.hold_seconds is None else item.hold_seconds,
        "times_per_day": item.times_per_day,
        "sessions_to_progress": item.sessions_to_progress,
        "days_to_progress": item.days_to_progress,
        "pain_rule": item.pain_rule,
        "note": item.note.strip(),
    }


def versions_of(exercise: Exercise) -> tuple[list[str], str]:
    """All the exercise's harder versions in their order, and its first easier one ("" when
    none): what a program takes unless it chose otherwise (the variations are prefetched)."""
    variations = sorted(exercise.variations.all(), key=lambda v: v.order)
    harder = [v.key for v in variations if v.kind == Variation.Kind.HARDER]
    easier = next((v.key for v in variations if v.kind == Variation.Kind.EASIER), "")
    return harder, easier


def versions_taken(
    item: ExerciseDraft, exercise: Exercise, kept: Prescription | None = None
) -> tuple[list[str], str]:
    """The harder versions and the easier one an exercise steps to: none unless the draft
    takes versions; then those it names, else those the program had for it, else all."""
    if not item.versions:
        return [], ""
    if item.harder is not None:
        return list(item.harder), item.easier or ""
    if kept is not None and (kept.harder or kept.easier):
        return list(kept.harder), kept.easier
    return versions_of(exercise)


def library(slugs: Iterable[str]) -> dict[str, Exercise]:
    """The library's exercises by slug, with their variations (two queries)."""
    return {
        exercise.slug: exercise
        for exercise in Exercise.objects.filter(slug__in=set(slugs)).prefetch_related("variations")
    }


def check(therapist: User, draft: ProgramDraft) -> tuple[Condition | None, dict[str, Exercise]]:
    """The draft's condition and exercises, or the ValidationError naming every problem."""
    condition = Condition.objects.filter(slug=draft.condition).first()
    exercises = library(item.exercise for item in draft.exercises)
    errors = draft_problems(draft, {condition.slug} if condition else set(), exercises)
    if draft.shared_with_clinic and clinic_of(therapist) is None:
        errors["shared_with_clinic"] = _(
            "You belong to no clinic yet, so there is no one to share it with: keep it private."
        )
    if errors:
        raise ValidationError(errors)
    return condition, exercises


def clinic_of(therapist: User) -> int | None:
    return Profile.objects.filter(user_id=therapist.pk).values_list("clinic_id", flat=True).first()


# --- Writing --------------------------------------------------------------------------------


def own_slug(name: str, pk: int) -> str:
    """`<name>_<id>`: unique by its id, and never a catalog slug (they have no underscore)."""
    return f"{slugify(name)[:36].strip('-') or 'program'}_{pk}"


@transaction.atomic
def create(therapist: User, draft: ProgramDraft, *, copied_from: Program | None = None) -> Program:
    """A new program of the therapist's own, private unless the draft shares it."""
    condition, exercises = check(therapist, draft)
    assert condition is not None
    program = Program.objects.create(
        # Unique for the moment it takes to learn the id the slug is made of.
        slug=f"new_{uuid.uuid4().hex}",
        is_own=True,
        owner=therapist,
        copied_from=copied_from,
        condition=condition,
        source=None,
        **_program_fields(draft),
    )
    program.slug = own_slug(program.name, program.pk)
    program.save(update_fields=["slug"])
    _write_content(program, draft, exercises, existing={})
    return program


@transaction.atomic
def update(therapist: User, program_id: int, draft: ProgramDraft) -> Program:
    """The owner changes their program. Plans already started keep their own copies (a plan is
    its runner's: tailor it from the patient's page); new plans follow the program as saved."""
    program = access.own_program(therapist, program_id, act="change it")
    program = Program.objects.select_for_update().get(pk=program.pk)
    condition, exercises = check(therapist, draft)
    assert condition is not None
    for name, value in _program_fields(draft).items():
        setattr(program, name, value)
    program.condition = condition
    program.save()
    existing = {p.exercise.slug: p for p in program.prescriptions.select_related("exercise")}
    _write_content(program, draft, exercises, existing)
    return program


def _program_fields(draft: ProgramDraft) -> dict[str, Any]:
    return {
        "name": draft.name.strip(),
        "summary": draft.summary.strip(),
        "weeks": draft.weeks,
        "weeks_note": draft.weeks_note.strip(),
        "shared_with_clinic": draft.shared_with_clinic,
    }


def _write_content(
    program: Program,
    draft: ProgramDraft,
    exercises: dict[str, Exercise],
    existing: dict[str, Prescription],
) -> None:
    """The phases written anew, the prescriptions updated in place by exercise (a plan's
    exercise keeps its link to the prescription it copied), created or deleted: a fixed number
    of statements whatever the number of exercises."""
    Phase.objects.filter(program=program).delete()
    Phase.objects.bulk_create(
        Phase(
            program=program,
            order=order,
            name=p.name.strip(),
            first_week=p.first_week,
            last_week=p.last_week,
            goal=p.goal.strip(),
        )
        for order, p in enumerate(draft.phases, start=1)
    )
    stale = dict(existing)
    changed: list[Prescription] = []
    new: list[Prescription] = []
    for order, item in enumerate(draft.exercises, start=1):
        exercise = exercises[item.exercise]
        values = ladder_values(item, program.weeks, exercise)
        kept = stale.pop(item.exercise, None)
        harder, easier = versions_taken(item, exercise, kept)
        values.update(harder=harder, easier=easier, order=order)
        row = kept or Prescription(program=program, exercise=exercise)
        for name, value in values.items():
            setattr(row, name, value)
        (changed if kept else new).append(row)
    if stale:
        # Plans that copied these keep their exercises (PlanExercise.prescription empties).
        Prescription.objects.filter(pk__in=[p.pk for p in stale.values()]).delete()
    if changed:
        Prescription.objects.bulk_update(
            changed, [*PRESCRIPTION_WRITTEN, "harder", "easier", "order"]
        )
    Prescription.objects.bulk_create(new)


PRESCRIPTION_WRITTEN = (
    "frequency",
    "first_week",
    "last_week",
    "sets",
    "sets_target",
    "start",
    "target",
    "step",
    "hold_seconds",
    "times_per_day",
    "sessions_to_progress",
    "days_to_progress",
    "pain_rule",
    "note",
)


@transaction.atomic
def copy(therapist: User, program_slug: str) -> Program:
    """A private copy of a program the therapist may see, to start from: its phases, exercises
    and doses, under the therapist's name. It cites nothing: `copied_from` says where it
    started, and the doses are the therapist's once they save them."""
    original = (
        access.programs_visible_to(therapist)
        .select_related("condition")
        .filter(slug=program_slug)
        .first()
    )
    if original is None:
        raise ValidationError({"program": _("No program of that name that you may see.")})
    draft = replace(
        draft_of(original),
        name=copy_name(original.name),
        shared_with_clinic=False,
        weeks_note="",
    )
    return create(therapist, draft, copied_from=original)


def copy_name(name: str) -> str:
    return f"{name} (my copy)"[:NAME_LENGTH]


@transaction.atomic
def delete(therapist: User, program_id: int) -> str:
    """The owner deletes their program, unless plans use it: a plan keeps its program for its
    runner (their plan page, handout and history name it). Returns the deleted program's name."""
    program = access.own_program(therapist, program_id, act="delete it")
    in_plans = program.plans.count()
    if in_plans:
        raise Conflict(
            ngettext(
                "%(program)s cannot be deleted: %(count)d plan uses it, and a plan keeps the "
                "program it was started from.",
                "%(program)s cannot be deleted: %(count)d plans use it, and a plan keeps the "
                "program it was started from.",
                in_plans,
            )
            % {"program": program.name, "count": in_plans},
            missing="no_plans",
        )
    name = program.name
    program.delete()
    return name
