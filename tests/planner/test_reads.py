"""The plain-SQL reads give what the querysets they replace give, value for value and type for
type, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Count, Max, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from exercises.models import Exercise
from planner import care, reads
from planner.models import CareLink, Plan, PlanExercise, Program, RedFlagReport, SessionLog
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def values_of(obj: Any, fields: Any) -> list[tuple[str, Any, type]]:
    return [(f.attname, getattr(obj, f.attname), type(getattr(obj, f.attname))) for f in fields]


def test_a_plans_exercises_are_the_querysets_field_by_field(people: People) -> None:
    plan = people.rosa_plan
    PlanExercise.objects.filter(plan=plan, exercise__slug="clamshells").update(
        amount=15, with_variation=True, variation_name="With an exercise band"
    )
    expected = list(plan.exercises.select_related("exercise").order_by("order", "pk"))

    got = reads.plan_exercises(plan)

    assert len(got) == len(expected) == 2
    catalog = [f for f in Exercise._meta.concrete_fields if f.attname in reads.EXERCISE_FIELDS]
    for mine, theirs in zip(got, expected, strict=True):
        fields = PlanExercise._meta.concrete_fields
        assert values_of(mine, fields) == values_of(theirs, fields)
        assert values_of(mine.exercise, catalog) == values_of(theirs.exercise, catalog)
        assert mine.plan is plan
    # The exercise's other fields are not made up: they load, as the ORM reads them, on use.
    shells = got[0].exercise
    assert shells.get_deferred_fields() >= {"summary", "equipment", "cautions"}
    assert (shells.summary, shells.equipment) == (
        expected[0].exercise.summary,
        expected[0].exercise.equipment,
    )


def test_a_plan_without_exercises_reads_none(people: People) -> None:
    PlanExercise.objects.filter(plan=people.oscar_plan).delete()

    assert reads.plan_exercises(people.oscar_plan) == []


def test_an_exercises_logs_since_a_day_are_the_querysets(people: People) -> None:
    plan: Plan = people.rosa_plan
    shells = plan.exercises.get(exercise__slug="clamshells")
    for offset, (done, during, morning) in enumerate(
        [(True, 2, None), (False, None, None), (True, 0, 3), (True, 10, 0)]
    ):
        SessionLog.objects.create(
            plan=plan,
            plan_exercise=shells,
            day=plan.start_date + timedelta(days=offset),
            done=done,
            pain_during=during,
            pain_next_morning=morning,
        )
    since = plan.start_date + timedelta(days=1)
    expected = list(
        shells.logs.filter(day__gte=since).values_list(
            "day", "done", "pain_during", "pain_next_morning"
        )
    )

    got = reads.logs_since(shells, since)

    assert sorted(got) == sorted(expected) and len(got) == 3
    assert {tuple(type(v) for v in row) for row in got} == {
        tuple(type(v) for v in row) for row in expected
    }


def test_the_owners_locked_plan_is_the_querysets_and_no_one_elses(people: People) -> None:
    expected = Plan.objects.select_for_update().get(pk=people.rosa_plan.pk)

    got = reads.own_plan_locked(people.rosa_plan.pk, people.rosa.pk)

    assert got is not None
    assert values_of(got, Plan._meta.concrete_fields) == values_of(
        expected, Plan._meta.concrete_fields
    )
    assert got.created_at.tzinfo is not None
    assert reads.own_plan_locked(people.rosa_plan.pk, people.oscar.pk) is None
    assert reads.own_plan_locked(people.oscar_plan.pk + 1000, people.rosa.pk) is None


def marks_by_queryset(therapist_id: int, flags_from: date) -> list[Any]:
    """What reads.runner_marks replaces, as the ORM writes it."""
    plan = "runner__plans__pk"
    open_flags = (
        RedFlagReport.objects.filter(plan_id=OuterRef(plan))
        .filter(care.still_open(timezone.now()))
        .order_by()
        .values("plan_id")
    )
    assert care.open_flags_from(timezone.now()) == flags_from
    logs_changed = (
        SessionLog.objects.filter(plan_id=OuterRef(plan))
        .order_by("-updated_at")
        .values(text=Cast("updated_at", TextField()))[:1]
    )
    return list(
        CareLink.objects.filter(therapist_id=therapist_id, status=CareLink.Status.ACTIVE)
        .order_by("runner__username", plan)
        .values_list(
            "runner_id",
            "runner__username",
            plan,
            Cast("runner__plans__updated_at", TextField()),
            Coalesce(Subquery(open_flags.annotate(n=Count("pk")).values("n")), 0),
            Subquery(logs_changed),
            Subquery(
                Program.objects.order_by()
                .annotate(one=Value(1))
                .values("one")
                .annotate(latest=Cast(Max("updated_at"), TextField()))
                .values("latest")
            ),
        )
    )


def test_the_patient_lists_marks_are_the_querysets(people: People) -> None:
    theo, today = people.theo, timezone.now().date()
    flags_from = care.open_flags_from(timezone.now())
    # Rosa: her plan, logged. Noor: no plan yet. Ian: two plans, one stopped by a warning sign
    # long ago (still open), one running with an old sign (closed) and a recent one (open).
    noor, ian = factories.person("noor"), factories.person("ian")
    for runner in (noor, ian):
        CareLink.objects.create(therapist=theo, runner=runner, status=CareLink.Status.ACTIVE)
    stopped = factories.plan_for(ian, today - timedelta(days=90))
    Plan.objects.filter(pk=stopped.pk).update(status=Plan.Status.STOPPED)
    running = factories.plan_for(ian, today - timedelta(days=40))
    sign = factories.calf_swelling()
    for plan, day in [(stopped, today - timedelta(days=80)), (running, today - timedelta(days=35))]:
        RedFlagReport.objects.create(plan=plan, red_flag=sign, day=day)
    RedFlagReport.objects.create(plan=running, red_flag=sign, day=today)
    shells = people.rosa_plan.exercises.get(exercise__slug="clamshells")
    SessionLog.objects.create(
        plan=people.rosa_plan, plan_exercise=shells, day=today, done=True, pain_during=2
    )
    # A link that ended, and another therapist's patient, do not count.
    CareLink.objects.create(therapist=theo, runner=people.oscar, status=CareLink.Status.ENDED)

    got = reads.runner_marks(theo.pk, flags_from)

    assert got == marks_by_queryset(theo.pk, flags_from)
    assert [(name, plan is None, flags) for _, name, plan, _, flags, _, _ in got] == [
        ("ian", False, 1),
        ("ian", False, 1),
        ("noor", True, 0),
        ("rosa", False, 0),
    ]
    assert got[-1][5] is not None and got[0][5] is None  # Rosa's logs changed; Ian has none
    assert all(isinstance(saved, str) for _, _, _, saved, *_ in got if saved is not None)
    assert {programs for *_, programs in got} == {
        Program.objects.order_by("-updated_at").values_list(
            Cast("updated_at", TextField()), flat=True
        )[0]
    }
