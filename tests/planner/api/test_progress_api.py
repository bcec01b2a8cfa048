"""GET /api/v1/plans/<id>/progress: adherence per week, dose over time, pain trend.

Rosa's plan (tests/personas.py) starts on Monday 2 March 2026 and is six weeks long, so by the
time these tests run every one of its days has passed: the numbers below do not move with the
clock. Clamshells are due every day; the piriformis stretch every other day from week 2.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from planner.models import Plan, PlanExercise, SessionLog
from planner.plans import decisions
from tests.personas import PLAN_START

pytestmark = pytest.mark.django_db


def day(n: int) -> date:
    return PLAN_START + timedelta(days=n)


def url(plan: Plan) -> str:
    return f"/api/v1/plans/{plan.pk}/progress"


def exercise(plan: Plan, slug: str) -> PlanExercise:
    return plan.exercises.get(exercise__slug=slug)


def log(item: PlanExercise, n: int, pain: int | None = 2, morning: int | None = None) -> None:
    SessionLog.objects.create(
        plan=item.plan,
        plan_exercise=item,
        day=day(n),
        done=True,
        pain_during=pain,
        pain_next_morning=morning,
    )


def two_weeks_of_history(people) -> None:
    """Clamshells every day of weeks 1 and 2 with pain climbing at the end; the stretch only
    once in week 2; a therapist's override of the clamshells from week 2."""
    plan = people.rosa_plan
    shells = exercise(plan, "clamshells")
    for n in range(11):
        log(shells, n, pain=2)
    log(shells, 11, pain=4)
    log(shells, 12, pain=5, morning=1)
    log(shells, 13, pain=6, morning=3)
    log(exercise(plan, "piriformis-stretch"), 8, pain=3)
    decisions.override_dose(
        now=timezone.now(),
        plan_exercise=shells,
        amount=15,
        therapist=people.theo,
        effective_on=day(7),
        reason="Easy so far: go up a step.",
    )


def test_runner_sees_adherence_per_week(people) -> None:
    two_weeks_of_history(people)

    body = people.client("rosa").get(url(people.rosa_plan)).json()

    assert body["planned_end"] == "2026-04-12"
    assert body["counted_through"] == "2026-04-12"  # the plan is over: no day after counts
    weeks = body["adherence"]["weeks"]
    assert weeks[0] == {"week": 1, "due": 7, "done": 7, "partial": 0, "ratio": 1.0}
    # Week 2: the stretch was due on three days and done on one, so two days are incomplete.
    assert weeks[1] == {"week": 2, "due": 7, "done": 5, "partial": 0, "ratio": 0.714}
    assert weeks[2:] == [
        {"week": w, "due": 7, "done": 0, "partial": 0, "ratio": 0.0} for w in range(3, 7)
    ]
    assert body["adherence"]["recent"] == {
        "first_day": "2026-03-30",
        "due": 14,
        "done": 0,
        "partial": 0,
        "missed": 14,
        "ratio": 0.0,
    }


def test_dose_over_time_per_exercise(people) -> None:
    two_weeks_of_history(people)

    body = people.client("rosa").get(url(people.rosa_plan)).json()

    shells, stretch = body["doses"]
    assert shells["name"] == "Clamshells"
    assert shells["points"] == [
        {
            "effective_on": "2026-03-02",
            "amount": 10,
            "sets": 1,
            "level": 0,
            "dose": "1 set of 10 per side",
        },
        {
            "effective_on": "2026-03-09",
            "amount": 15,
            "sets": 1,
            "level": 0,
            "dose": "1 set of 15 per side",
        },
    ]
    assert stretch["points"] == [
        {
            "effective_on": "2026-03-09",
            "amount": 10,
            "sets": 1,
            "level": 0,
            "dose": "1 set of 10 s per side",
        }
    ]
    assert body["dose_history_count"] == 3  # two starting doses and the override


def test_pain_trend_against_the_limit(people) -> None:
    two_weeks_of_history(people)

    pain = people.client("theo").get(url(people.rosa_plan)).json()["pain"]

    assert pain["limit"] == 5
    assert pain["rising"] is True
    assert len(pain["points"]) == 14
    # Day 8: clamshells at 2 and the stretch at 3; the day shows the worse.
    assert pain["points"][8] == {"day": "2026-03-10", "during": 3, "next_morning": None}
    assert pain["points"][-1] == {"day": "2026-03-15", "during": 6, "next_morning": 3}


def test_a_plan_without_logs_has_an_empty_trend(people) -> None:
    body = people.client("rosa").get(url(people.rosa_plan)).json()

    assert body["pain"] == {"limit": 5, "rising": False, "points": []}
    assert body["adherence"]["weeks"][0] == {
        "week": 1,
        "due": 7,
        "done": 0,
        "partial": 0,
        "ratio": 0.0,
    }


def test_a_stopped_plan_stops_counting_missed_sessions(people) -> None:
    plan = people.rosa_plan
    log(exercise(plan, "clamshells"), 0)
    # Stopped for a warning sign on day 9; the status change is the plan's last save.
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.STOPPED, updated_at=day(9).isoformat() + "T10:00:00Z"
    )

    body = people.client("rosa").get(url(plan)).json()

    assert body["status"] == "stopped"
    assert body["counted_through"] == "2026-03-11"
    assert [w["due"] for w in body["adherence"]["weeks"]] == [7, 3]


@pytest.mark.parametrize("who", ["rosa", "theo", "alice"])
def test_owner_linked_therapist_and_admin_may_read(people, who: str) -> None:
    assert people.client(who).get(url(people.rosa_plan)).status_code == 200


@pytest.mark.parametrize("who", ["oscar", "uma"])
def test_anyone_else_gets_404(people, who: str) -> None:
    assert people.client(who).get(url(people.rosa_plan)).status_code == 404


def test_anonymous_gets_401(people) -> None:
    assert people.client(None).get(url(people.rosa_plan)).status_code == 401


def test_query_count_does_not_grow_with_the_history(people, django_assert_num_queries) -> None:
    client = people.client("theo")
    # 1. the token and its user
    # 2. the plan with its program, if Theo may see it
    # 3. the plan's exercises with the exercise each is
    # 4. the dose changes
    # 5. the session logs
    # 6. the access record of Theo's look (audit), one INSERT
    with django_assert_num_queries(6):
        assert client.get(url(people.rosa_plan)).status_code == 200

    two_weeks_of_history(people)

    with django_assert_num_queries(6):
        body = client.get(url(people.rosa_plan)).json()
    assert body["dose_history_count"] == 3
