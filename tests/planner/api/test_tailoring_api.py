"""Tailoring a running plan over the API: the runner's therapist adds, re-doses and removes
exercises and changes how often, each change answered and kept in the dose history."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AccessRecord
from planner.engine import schedule
from planner.models import PlanExercise
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def running_plan(people) -> None:
    """Rosa's plan runs from today in Berlin: only days to come are tailored."""
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    people.rosa_plan = factories.plan_for(people.rosa, today)


def url(people, suffix: str) -> str:
    return f"/api/v1/plans/{people.rosa_plan.pk}{suffix}"


def shells(people) -> PlanExercise:
    return people.rosa_plan.exercises.get(exercise__slug="clamshells")


def test_the_runners_therapist_tailors_the_plan_and_the_history_says_so(people) -> None:
    theo = people.client("theo")
    item = shells(people)

    redosed = theo.post(
        url(people, f"/exercises/{item.pk}/dose"),
        {"amount": 15, "hold_seconds": 2, "reason": "Strong hips."},
        format="json",
    )
    timed = theo.post(
        url(people, "/frequency"),
        {"frequency": "every_other_day", "reason": "Rest days between."},
        format="json",
    )
    removed = theo.post(
        url(people, f"/exercises/{item.pk}/removal"),
        {"reason": "Settled: the stretch does the work now."},
        format="json",
    )

    assert redosed.status_code == 201, redosed.json()
    (change,) = redosed.json()
    assert (change["action"], change["new_amount"], change["decided_by"]) == (
        "override",
        15,
        "theo",
    )
    assert change["what_changed"] == "Hold 2 s (was 0 s)."
    assert timed.status_code == 201
    assert [c["exercise"] for c in timed.json()] == ["Clamshells"]  # the stretch was already
    assert removed.status_code == 201 and removed.json()[0]["action"] == "removed"
    # Rosa reads every change with who made it and why.
    history = people.client("rosa").get(url(people, "/history")).json()["results"]
    history.sort(key=lambda change: change["id"])
    assert [(c["action"], c["reason"]) for c in history if c["decided_by"] == "theo"] == [
        ("override", "Strong hips."),
        ("frequency", "Rest days between."),
        ("removed", "Settled: the stretch does the work now."),
    ]
    assert AccessRecord.objects.filter(viewer=people.theo, what__contains="tailoring").count() == 3


def test_an_exercise_in_the_plan_is_not_added_twice(people) -> None:
    response = people.client("theo").post(
        url(people, "/exercises"),
        {
            "exercise": "clamshells",
            "frequency": "daily",
            "reason": "Twice the work.",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "exercise": ["Clamshells is in the plan already: re-dose it instead."]
    }


def test_the_runner_and_an_admin_are_told_only_her_therapist_tailors(people) -> None:
    for who in ("rosa", "alice"):
        response = people.client(who).post(
            url(people, "/frequency"), {"frequency": "daily", "reason": "Mine."}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["detail"] == "Only the runner's therapist can tailor their plan."
