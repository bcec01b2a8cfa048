"""The patient list's marks, written by hand, are what the queryset gives, on SQLite and on
PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Count, Max, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from planner.care import attention, statements
from planner.models import Alert, CareLink, Plan, Program, RedFlagReport, SessionLog
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def marks_by_queryset(therapist_id: int, flags_from: date) -> list[Any]:
    """What statements.runner_marks replaces, as the ORM writes it."""
    plan = "runner__plans__pk"
    open_flags = (
        RedFlagReport.objects.filter(plan_id=OuterRef(plan))
        .filter(attention.still_open(timezone.now()))
        .order_by()
        .values("plan_id")
    )
    assert attention.open_flags_from(timezone.now()) == flags_from
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
            Coalesce(
                Subquery(
                    Alert.objects.filter(
                        runner_id=OuterRef("runner_id"), acknowledged_at__isnull=True
                    )
                    .order_by()
                    .values("runner_id")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            Coalesce("runner__profile__display_name", Value("")),
        )
    )


def test_the_patient_lists_marks_are_the_querysets(people: People) -> None:
    theo, today = people.theo, timezone.now().date()
    flags_from = attention.open_flags_from(timezone.now())
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
    # Two alerts about Ian, one acknowledged; one about Oscar, who is not Theo's patient.
    for runner, acknowledged in [(ian, None), (ian, timezone.now()), (people.oscar, None)]:
        Alert.objects.create(
            runner=runner,
            kind=Alert.Kind.WARNING_SIGN,
            text="sign",
            created_at=timezone.now(),
            acknowledged_at=acknowledged,
        )

    got = statements.runner_marks(theo.pk, flags_from)

    assert got == marks_by_queryset(theo.pk, flags_from)
    assert [
        (name, plan is None, flags, alerts) for _, name, plan, _, flags, _, _, alerts, _ in got
    ] == [
        ("ian", False, 1, 1),
        ("ian", False, 1, 1),
        ("noor", True, 0, 0),
        ("rosa", False, 0, 0),
    ]
    assert got[-1][5] is not None and got[0][5] is None  # Rosa's logs changed; Ian has none
    # One runner's (the patient page's): her rows of the list, and nobody's but a patient's.
    for runner in (ian, noor, people.rosa):
        assert statements.runner_marks(theo.pk, flags_from, runner.pk) == [
            row for row in got if row[0] == runner.pk
        ]
    assert statements.runner_marks(theo.pk, flags_from, people.oscar.pk) == []
    assert all(isinstance(saved, str) for _, _, _, saved, *_ in got if saved is not None)
    assert {programs for *_, programs, _, _ in got} == {
        Program.objects.order_by("-updated_at").values_list(
            Cast("updated_at", TextField()), flat=True
        )[0]
    }
