"""The statements written by hand for a day and a logged session give what the ORM gives,
value for value and type for type, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from exercises.models import Exercise
from planner.engine.progression import SessionRecord
from planner.models import Plan, PlanExercise, SessionLog
from planner.plans import statements
from tests.personas import People

pytestmark = pytest.mark.django_db


def values_of(obj: Any, fields: Any) -> list[tuple[str, Any, type]]:
    return [(f.attname, getattr(obj, f.attname), type(getattr(obj, f.attname))) for f in fields]


def test_a_plans_exercises_are_the_querysets_field_by_field(people: People) -> None:
    plan = people.rosa_plan
    PlanExercise.objects.filter(plan=plan, exercise__slug="clamshells").update(
        amount=15, level=1, harder=["With an exercise band"]
    )
    Exercise.objects.filter(slug="clamshells").update(cautions=["Keep your hips stacked."])
    expected = list(plan.exercises.select_related("exercise").order_by("order", "pk"))

    got = statements.plan_exercises(plan)

    assert len(got) == len(expected) == 2
    catalog = [f for f in Exercise._meta.concrete_fields if f.attname in statements.EXERCISE_FIELDS]
    for mine, theirs in zip(got, expected, strict=True):
        fields = PlanExercise._meta.concrete_fields
        assert values_of(mine, fields) == values_of(theirs, fields)
        assert values_of(mine.exercise, catalog) == values_of(theirs.exercise, catalog)
        assert mine.plan is plan
    # Its cautions come with it (a day's answer carries them), as the ORM reads the JSON; the
    # exercise's other fields are not made up: they load, as the ORM reads them, on use.
    shells = got[0].exercise
    assert shells.cautions == ["Keep your hips stacked."]
    assert "cautions" not in shells.get_deferred_fields()
    assert shells.get_deferred_fields() >= {"summary", "equipment"}
    assert (shells.summary, shells.equipment) == (
        expected[0].exercise.summary,
        expected[0].exercise.equipment,
    )


def test_many_plans_exercises_are_the_querysets_field_by_field(people: People) -> None:
    plans = [people.rosa_plan, people.oscar_plan]
    PlanExercise.objects.filter(plan=people.rosa_plan, exercise__slug="clamshells").update(
        amount=15, level=1, harder=["With an exercise band"], earlier_frequencies=[]
    )
    expected = list(PlanExercise.objects.filter(plan__in=plans).order_by("plan_id", "order", "pk"))

    got = statements.plans_exercises([plan.pk for plan in plans])

    assert len(got) == len(expected) == 4
    fields = PlanExercise._meta.concrete_fields
    for mine, theirs in zip(got, expected, strict=True):
        assert values_of(mine, fields) == values_of(theirs, fields)
        assert (mine._state.adding, mine._state.db) == (theirs._state.adding, theirs._state.db)
        assert mine.get_deferred_fields() == set()
        assert mine == theirs  # the same row to the ORM (its pk, its model)
    # A row built so can still be saved through the ORM as usual.
    got[0].note = "Saved"
    got[0].save(update_fields=["note"])
    assert PlanExercise.objects.get(pk=got[0].pk).note == "Saved"


def test_no_one_listens_to_a_plan_exercise_being_built() -> None:
    """statements.plans_exercises builds rows without Model.__init__, so without its pre_init
    and post_init signals: should anything come to listen, the rows must go through it."""
    from django.db.models.signals import post_init, pre_init

    assert not pre_init.has_listeners(PlanExercise)
    assert not post_init.has_listeners(PlanExercise)


def test_a_plan_without_exercises_reads_none(people: People) -> None:
    PlanExercise.objects.filter(plan=people.oscar_plan).delete()

    assert statements.plan_exercises(people.oscar_plan) == []


def test_a_log_is_stored_as_the_orm_reads_it_with_the_history_before_it(
    people: People,
) -> None:
    plan = people.rosa_plan
    shells = plan.exercises.get(exercise__slug="clamshells")
    first = plan.start_date
    for offset, pain in enumerate([2, 4]):
        SessionLog.objects.create(
            plan=plan,
            plan_exercise=shells,
            day=first + timedelta(days=offset * 2),
            done=True,
            pain_during=pain,
            partial=pain == 4,  # the second one short of the dose
        )
    before = [
        SessionRecord(day, done, during, morning, partial=partial)
        for day, done, during, morning, partial in shells.logs.filter(day__gte=first).values_list(
            "day", "done", "pain_during", "pain_next_morning", "partial"
        )
    ]

    log = SessionLog(
        plan=plan,
        plan_exercise=shells,
        day=first + timedelta(days=5),
        done=False,
        amount_done=12,
        pain_next_morning=3,
        difficulty=SessionLog.Difficulty.HARD,
        note="Windy",
    )
    with transaction.atomic():
        saved, history = statements.insert_log(log, history_from=first)

    assert sorted(history, key=lambda r: r.day) == sorted(before, key=lambda r: r.day)
    assert len(history) == 2
    assert [r.partial for r in sorted(history, key=lambda r: r.day)] == [False, True]
    stored = SessionLog.objects.get(pk=saved.pk)
    fields = [f.attname for f in SessionLog._meta.concrete_fields]
    assert [getattr(saved, name) for name in fields] == [getattr(stored, name) for name in fields]
    assert (stored.day, stored.done, stored.amount_done, stored.note) == (
        first + timedelta(days=5),
        False,
        12,
        "Windy",
    )
    assert not saved._state.adding


def test_a_second_log_of_the_day_is_already_logged_and_changes_nothing(people: People) -> None:
    plan = people.rosa_plan
    shells = plan.exercises.get(exercise__slug="clamshells")
    SessionLog.objects.create(
        plan=plan, plan_exercise=shells, day=plan.start_date, done=True, pain_during=2
    )

    again = SessionLog(
        plan=plan, plan_exercise=shells, day=plan.start_date, done=False, pain_during=9
    )
    with pytest.raises(statements.AlreadyLogged), transaction.atomic():
        statements.insert_log(again, history_from=plan.start_date)

    assert list(SessionLog.objects.values_list("pain_during", flat=True)) == [2]


def test_the_owners_locked_plan_is_the_querysets_and_no_one_elses(people: People) -> None:
    expected = Plan.objects.select_for_update().get(pk=people.rosa_plan.pk)

    with transaction.atomic():
        got = statements.own_plan_locked(people.rosa_plan.pk, people.rosa.pk)

    assert got is not None
    assert values_of(got, Plan._meta.concrete_fields) == values_of(
        expected, Plan._meta.concrete_fields
    )
    assert got.created_at.tzinfo is not None
    assert statements.own_plan_locked(people.rosa_plan.pk, people.oscar.pk) is None
    assert statements.own_plan_locked(people.oscar_plan.pk + 1000, people.rosa.pk) is None
