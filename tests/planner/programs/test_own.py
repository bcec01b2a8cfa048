"""A therapist's own programs: built, copied, changed and deleted by their owner; seen by
their clinic when shared; never the catalog's, never loaded over."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from exercises.models import Exercise
from kit.conflict import Conflict
from planner import access
from planner.models import Clinic, Plan, PlanExercise, Profile, Program
from planner.plans import lifecycle
from planner.programs import own
from planner.programs.catalog import load_catalog
from tests import factories
from tests.personas import therapist

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


def draft(**changes: Any) -> own.ProgramDraft:
    """Clamshells daily and the piriformis stretch every other day, over four weeks."""
    factories.clamshells()
    factories.piriformis_stretch()
    factories.condition()
    base = own.ProgramDraft(
        name="Theo's hip start",
        condition="it-band-syndrome",
        weeks=4,
        summary="Two exercises to start with.",
        phases=(own.PhaseDraft("Settle", 1, 2, "Calm it down."), own.PhaseDraft("Build", 3, 4)),
        exercises=(
            own.ExerciseDraft(
                exercise="clamshells", sets=2, start=8, target=20, step=4, note="Slowly."
            ),
            own.ExerciseDraft(
                exercise="piriformis-stretch",
                frequency="every_other_day",
                first_week=2,
                pain_rule="near_pain_free",
            ),
        ),
    )
    return replace(base, **changes)


def start(runner: User, program: Program) -> Plan:
    """The runner's plan of `program` from MONDAY, started the evening before."""
    now = factories.evening_of_zone("Europe/Berlin", date(2026, 3, 1))
    factories.screened(runner, now)
    return lifecycle.start_plan(
        user=runner, program=program, start_date=MONDAY, time_zone="Europe/Berlin", now=now
    )


def in_clinic(user: User, clinic: Clinic) -> User:
    Profile.objects.update_or_create(user=user, defaults={"clinic": clinic})
    return user


def test_a_built_program_is_the_therapists_own_and_cites_nothing() -> None:
    theo = therapist("theo")

    program = own.create(theo, draft())

    assert (program.is_own, program.owner, program.source, program.shared_with_clinic) == (
        True,
        theo,
        None,
        False,
    )
    assert program.slug == f"theos-hip-start_{program.pk}"
    shells, stretch = program.prescriptions.order_by("order")
    assert (shells.sets, shells.start, shells.target, shells.step, shells.note) == (
        2,
        8,
        20,
        4,
        "Slowly.",
    )
    assert shells.harder == ["With an exercise band"]  # its harder version, taken
    # Left empty: the exercise's own ladder, to the program's last week.
    assert (stretch.start, stretch.target, stretch.step, stretch.first_week) == (10, 30, 10, 2)
    assert (stretch.last_week, stretch.frequency, stretch.pain_rule) == (
        4,
        "every_other_day",
        "near_pain_free",
    )
    assert list(program.phases.values_list("name", "first_week", "last_week")) == [
        ("Settle", 1, 2),
        ("Build", 3, 4),
    ]


def test_every_mistake_is_named_by_field_and_nothing_is_written() -> None:
    theo = therapist("theo")
    broken = draft(
        name=" ",
        weeks=4,
        phases=(own.PhaseDraft("Late", 3, 2),),
        exercises=(
            own.ExerciseDraft(exercise="clamshells", start=30, target=10),
            own.ExerciseDraft(exercise="clamshells"),
            own.ExerciseDraft(exercise="made-up", last_week=9, pain_rule="none"),
        ),
    )

    with pytest.raises(ValidationError) as error:
        own.create(theo, broken)

    assert error.value.message_dict == {
        "name": ["Give the program a name."],
        "phases.0.last_week": ["Not before its first week (3): a phase runs forwards."],
        "exercises.0.target": ["At least the start (30): the dose climbs from start to target."],
        "exercises.1.exercise": ["Clamshells is in the program already: each exercise once."],
        "exercises.2.exercise": ["Choose an exercise from the library."],
        "exercises.2.pain_rule": ["One of pain_monitoring, near_pain_free, return_to_run."],
        "exercises.2.last_week": ["Between 1 and 4, not 9."],
    }
    assert not Program.objects.filter(is_own=True).exists()


def test_sharing_needs_a_clinic() -> None:
    with pytest.raises(ValidationError) as error:
        own.create(therapist("theo"), draft(shared_with_clinic=True))

    assert "shared_with_clinic" in error.value.message_dict


def test_a_copy_keeps_the_content_and_its_origin_but_cites_nothing(catalog: object) -> None:
    theo = therapist("theo")
    original = Program.objects.catalog().get(slug="piriformis-syndrome-home-program")

    copied = own.copy(theo, original.slug)

    assert copied.copied_from == original
    assert (copied.is_own, copied.source, copied.weeks_note) == (True, None, "")
    assert copied.name == "Piriformis syndrome: home program (my copy)"
    assert own.draft_of(copied).exercises == own.draft_of(original).exercises
    assert own.draft_of(copied).phases == own.draft_of(original).phases


def test_a_changed_program_keeps_the_prescriptions_plans_copied() -> None:
    theo = therapist("theo")
    program = own.create(theo, draft())
    shells = program.prescriptions.get(exercise__slug="clamshells")
    plan = start(factories.person("rosa"), program)
    first = draft().exercises[0]

    own.update(theo, program.pk, draft(exercises=(replace(first, target=24, note="Slower."),)))

    shells.refresh_from_db()
    assert (shells.target, shells.note) == (24, "Slower.")
    # The plan is its runner's copy: unchanged, and it keeps the exercise the program dropped.
    kept = plan.exercises.order_by("order")
    assert [(item.exercise.slug, item.target) for item in kept] == [
        ("clamshells", 20),
        ("piriformis-stretch", 30),
    ]
    assert kept[1].prescription is None
    assert kept[0].note == "Slowly."


def test_only_the_owner_changes_or_deletes_it_and_a_plan_keeps_it() -> None:
    clinic = Clinic.objects.create(name="Riverside Physio")
    theo = in_clinic(therapist("theo"), clinic)
    uma = in_clinic(therapist("uma"), clinic)
    program = own.create(theo, draft())

    with pytest.raises(Http404):
        own.update(uma, program.pk, draft())  # private: Uma does not know it exists
    own.update(theo, program.pk, draft(shared_with_clinic=True))
    with pytest.raises(PermissionDenied):
        own.delete(uma, program.pk)  # shared: she reads it, but it is Theo's

    start(factories.person("rosa"), program)
    with pytest.raises(Conflict) as refused:
        own.delete(theo, program.pk)
    assert refused.value.message == (
        "Theo's hip start cannot be deleted: 1 plan uses it, and a plan keeps the program it "
        "was started from."
    )

    Plan.objects.all().delete()
    assert own.delete(theo, program.pk) == "Theo's hip start"
    assert not Program.objects.filter(pk=program.pk).exists()


def test_who_sees_an_own_program() -> None:
    clinic = Clinic.objects.create(name="Riverside Physio")
    elsewhere = Clinic.objects.create(name="Hillside Sports")
    theo = in_clinic(therapist("theo"), clinic)
    uma = in_clinic(therapist("uma"), clinic)
    vic = in_clinic(therapist("vic"), elsewhere)
    rosa = factories.person("rosa")
    private = own.create(theo, draft(name="Private one"))
    own.create(theo, draft(name="Shared one", shared_with_clinic=True))
    catalog = factories.program()

    def names(user: User) -> set[str]:
        return set(access.programs_visible_to(user).values_list("name", flat=True))

    assert names(theo) == {"Private one", "Shared one", catalog.name}
    assert names(uma) == {"Shared one", catalog.name}
    assert names(vic) == {catalog.name}
    assert names(rosa) == {catalog.name}
    assert set(Program.objects.catalog()) == {catalog}
    assert [p.name for p in own.programs_of(uma)] == ["Shared one"]
    assert private.pk not in access.programs_visible_to(uma).values_list("pk", flat=True)


def test_the_catalog_loader_leaves_own_programs_alone(catalog: object) -> None:
    theo = therapist("theo")
    copied = own.copy(theo, "piriformis-syndrome-home-program")
    own.update(theo, copied.pk, replace(own.draft_of(copied), name="Mine now", weeks=5))

    report = load_catalog(overwrite=True)

    copied.refresh_from_db()
    assert (copied.name, copied.weeks, copied.is_own) == ("Mine now", 5, True)
    assert "programs" not in report.created
    # Nor does a runner starting on their own find it for the condition.
    start = lifecycle.starting_point(copied.condition)
    assert isinstance(start, Program)
    assert not start.is_own


@pytest.mark.parametrize("count", [1, 6])
def test_saving_takes_the_same_queries_whatever_the_number_of_exercises(
    count: int, catalog: object
) -> None:
    theo = therapist("theo")
    slugs = list(Exercise.objects.order_by("slug").values_list("slug", flat=True)[:count])
    exercises = tuple(own.ExerciseDraft(exercise=slug) for slug in slugs)
    new = draft(exercises=exercises)
    program = own.create(theo, new)
    changed = draft(exercises=tuple(replace(item, note="Slowly.") for item in exercises))

    with CaptureQueriesContext(connection) as created:
        own.create(theo, new)
    with CaptureQueriesContext(connection) as updated:
        own.update(theo, program.pk, changed)

    # Create: the condition, the exercises and their variations, the program's INSERT and its
    # slug's UPDATE, the phases' DELETE (none yet) and INSERT, the prescriptions' INSERT, and
    # the savepoint's two.
    assert len(created) == 10, "\n".join(q["sql"][:90] for q in created.captured_queries)
    # Update: the owner's program and the role, the row locked, the condition, the exercises
    # and their variations, the program's UPDATE, the prescriptions read, the phases' DELETE
    # and INSERT, the prescriptions' UPDATE (one statement), and the savepoint's two.
    assert len(updated) == 13, "\n".join(q["sql"][:90] for q in updated.captured_queries)
    assert PlanExercise.objects.count() == 0
