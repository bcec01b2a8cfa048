"""Logging tells the truth over the API (planner.api.sessions): the log's answer says whether
the session was partial, and a correction can add a warning sign, which stops the plan."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from planner.api.sessions import SessionLogSerializer
from planner.engine import schedule
from planner.models import Plan, RedFlagReport, SessionLog
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


@pytest.fixture
def current_plan(people: People) -> Plan:
    return factories.plan_for(people.rosa, berlin_today() - timedelta(days=3))


def log(client: APIClient, plan: Plan, **fields: Any) -> Any:
    shells = plan.exercises.get(exercise__slug="clamshells").pk
    body = {"plan_exercise": shells, "day": str(berlin_today()), "done": True}
    return client.post(f"/api/v1/plans/{plan.pk}/logs", {**body, **fields}, format="json")


def log_url(plan: Plan, log_id: int) -> str:
    return f"/api/v1/plans/{plan.pk}/logs/{log_id}"


@pytest.mark.parametrize(("amount_done", "partial"), [(6, True), (10, False), (None, False)])
def test_the_logs_answer_says_whether_it_was_partial(
    people: People, current_plan: Plan, amount_done: int | None, partial: bool
) -> None:
    client = people.client("rosa")

    created = log(client, current_plan, amount_done=amount_done)

    assert created.status_code == 201, created.json()
    assert created.json()["partial"] is partial
    saved = SessionLog.objects.get()
    # The answer just saved and the serializer's, field by field, partial among them.
    assert created.json() == SessionLogSerializer(saved).data
    assert client.get(log_url(current_plan, saved.pk)).json()["partial"] is partial


def test_partial_is_the_planners_to_set_not_the_callers(people: People, current_plan: Plan) -> None:
    client = people.client("rosa")

    sent = log(client, current_plan, partial=True)
    created = log(client, current_plan)
    corrected = client.patch(
        log_url(current_plan, created.json()["id"]), {"partial": True}, format="json"
    )

    assert sent.status_code == 400 and "partial" in sent.json()
    assert corrected.status_code == 400 and "partial" in corrected.json()
    assert SessionLog.objects.get().partial is False


def test_a_corrected_amount_is_partial_in_the_answer(people: People, current_plan: Plan) -> None:
    client = people.client("rosa")
    created = log(client, current_plan)

    corrected = client.patch(
        log_url(current_plan, created.json()["id"]), {"amount_done": 7}, format="json"
    )

    assert corrected.status_code == 200
    assert (corrected.json()["amount_done"], corrected.json()["partial"]) == (7, True)


def test_an_amount_that_contradicts_done_is_a_400_naming_it(
    people: People, current_plan: Plan
) -> None:
    response = log(people.client("rosa"), current_plan, done=False, amount_done=6)

    assert response.status_code == 400
    assert "log it as done" in response.json()["amount_done"][0]
    assert not SessionLog.objects.exists()


def test_a_correction_can_add_a_warning_sign_which_stops_the_plan(
    people: People, current_plan: Plan
) -> None:
    client = people.client("rosa")
    flag = factories.calf_swelling()
    created = log(client, current_plan, pain_during=2)

    corrected = client.patch(
        log_url(current_plan, created.json()["id"]), {"red_flag": flag.slug}, format="json"
    )

    assert corrected.status_code == 200, corrected.json()
    plan = client.get(f"/api/v1/plans/{current_plan.pk}").json()
    assert plan["status"] == "stopped"
    assert "Calf pain with swelling and warmth reported on" in plan["stop_reason"]
    assert RedFlagReport.objects.get().red_flag == flag


@pytest.mark.parametrize(
    ("value", "rule"), [(None, "may not be null"), ("no-such-sign", "does not exist")]
)
def test_a_warning_sign_cannot_be_taken_back_or_made_up(
    people: People, current_plan: Plan, value: str | None, rule: str
) -> None:
    client = people.client("rosa")
    created = log(client, current_plan)

    corrected = client.patch(
        log_url(current_plan, created.json()["id"]), {"red_flag": value}, format="json"
    )

    assert corrected.status_code == 400
    assert rule in corrected.json()["red_flag"][0]
    current_plan.refresh_from_db()
    assert current_plan.status == Plan.Status.ACTIVE


def whole_session(client: APIClient, plan: Plan, entries: list[dict[str, Any]]) -> Any:
    body = {"day": str(berlin_today()), "entries": entries}
    return client.post(f"/api/v1/plans/{plan.pk}/sessions", body, format="json")


def test_a_whole_session_is_logged_at_once(people: People, current_plan: Plan) -> None:
    shells = current_plan.exercises.get(exercise__slug="clamshells").pk

    created = whole_session(
        people.client("rosa"),
        current_plan,
        [{"plan_exercise": shells, "done": True, "amount_done": 6, "pain_during": 2}],
    )

    assert created.status_code == 201, created.json()
    [answer] = created.json()
    saved = SessionLog.objects.get()
    assert answer == SessionLogSerializer(saved).data
    assert (saved.done, saved.amount_done, saved.partial, saved.pain_during) == (True, 6, True, 2)


def test_one_refused_entry_saves_none_and_names_the_exercise(
    people: People, current_plan: Plan
) -> None:
    shells = current_plan.exercises.get(exercise__slug="clamshells").pk

    refused = whole_session(
        people.client("rosa"),
        current_plan,
        [
            {"plan_exercise": shells, "done": True},
            {"plan_exercise": 999_999, "done": True},
        ],
    )

    assert refused.status_code == 400
    assert refused.json() == {"entries.999999.plan_exercise": ["No such exercise in this plan."]}
    assert not SessionLog.objects.exists()


def test_an_exercise_twice_in_one_session_is_refused(people: People, current_plan: Plan) -> None:
    shells = current_plan.exercises.get(exercise__slug="clamshells").pk
    entry = {"plan_exercise": shells, "done": True}

    refused = whole_session(people.client("rosa"), current_plan, [entry, entry])

    assert refused.status_code == 400
    assert "Each exercise once" in str(refused.json()["entries"])
    assert not SessionLog.objects.exists()
