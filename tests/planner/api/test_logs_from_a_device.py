"""A log made on the runner's device (offline) and sent with the id the device made for it
(planner.plans.sessions.log_once, through POST /api/v1/plans/<id>/logs with `client_id`): sent
twice, stored once; the day logged elsewhere meanwhile with other values is a conflict the
device is shown (409 with the stored log), never a log lost or stored twice."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from planner.engine import schedule
from planner.models import Plan, SessionLog
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


@pytest.fixture
def current_plan(people: People) -> Plan:
    return factories.plan_for(people.rosa, berlin_today() - timedelta(days=3))


def body(plan: Plan, **fields: Any) -> dict[str, Any]:
    shells = plan.exercises.get(exercise__slug="clamshells").pk
    return {"plan_exercise": shells, "day": str(berlin_today()), "done": True, **fields}


def send(client: APIClient, plan: Plan, **fields: Any) -> Any:
    return client.post(f"/api/v1/plans/{plan.pk}/logs", body(plan, **fields), format="json")


def test_a_log_sent_twice_is_stored_once(people: People, current_plan: Plan) -> None:
    client = people.client("rosa")
    made_on_the_phone = str(uuid.uuid4())

    first = send(client, current_plan, client_id=made_on_the_phone, pain_during=2)
    again = send(client, current_plan, client_id=made_on_the_phone, pain_during=2)

    assert first.status_code == 201, first.json()
    # The resend is answered with the log stored the first time, not a second one.
    assert again.status_code == 200, again.json()
    assert again.json() == first.json()
    assert first.json()["client_id"] == made_on_the_phone
    stored = SessionLog.objects.get()
    assert (stored.pk, str(stored.client_id), stored.pain_during) == (
        first.json()["id"],
        made_on_the_phone,
        2,
    )


def test_a_resend_with_other_values_is_still_the_log_stored(
    people: People, current_plan: Plan
) -> None:
    """The id names the log: a device that resends it (edited while it waited, say) is told
    what is stored; the correction is a PATCH of that log, never a second log."""
    client = people.client("rosa")
    made_on_the_phone = str(uuid.uuid4())
    first = send(client, current_plan, client_id=made_on_the_phone, pain_during=2)

    again = send(client, current_plan, client_id=made_on_the_phone, pain_during=5)

    assert again.status_code == 200
    assert again.json()["pain_during"] == 2 == first.json()["pain_during"]
    assert SessionLog.objects.count() == 1


def test_the_same_id_for_another_day_is_refused_by_name(people: People, current_plan: Plan) -> None:
    client = people.client("rosa")
    made_on_the_phone = str(uuid.uuid4())
    send(client, current_plan, client_id=made_on_the_phone)

    other_day = send(
        client,
        current_plan,
        client_id=made_on_the_phone,
        day=str(berlin_today() - timedelta(days=1)),
    )

    assert other_day.status_code == 400
    assert "client_id" in other_day.json()
    assert SessionLog.objects.count() == 1


def test_the_day_logged_elsewhere_with_other_values_is_a_conflict_showing_both(
    people: People, current_plan: Plan
) -> None:
    client = people.client("rosa")
    # Logged on the laptop (no device id) while the phone was offline.
    on_the_laptop = send(client, current_plan, pain_during=1)

    from_the_phone = send(client, current_plan, client_id=str(uuid.uuid4()), pain_during=4)

    assert from_the_phone.status_code == 409, from_the_phone.json()
    answer = from_the_phone.json()
    assert answer["missing"] == "same_values"
    assert "logged for" in answer["detail"] and "elsewhere" in answer["detail"]
    assert answer["stored"] == on_the_laptop.json()
    stored = SessionLog.objects.get()
    assert (stored.pain_during, stored.client_id) == (1, None)


def test_the_day_logged_elsewhere_with_the_same_values_is_that_log(
    people: People, current_plan: Plan
) -> None:
    client = people.client("rosa")
    on_the_laptop = send(client, current_plan, pain_during=1, amount_done=10)

    from_the_phone = send(
        client, current_plan, client_id=str(uuid.uuid4()), pain_during=1, amount_done=10
    )

    assert from_the_phone.status_code == 200
    assert from_the_phone.json() == on_the_laptop.json()
    assert SessionLog.objects.count() == 1


def test_another_runners_id_is_not_theirs(people: People, current_plan: Plan) -> None:
    """The id is unique per runner: the same UUID from someone else's device stores their log,
    and tells them nothing of Rosa's."""
    shared = str(uuid.uuid4())
    send(people.client("rosa"), current_plan, client_id=shared)
    other = factories.person("sam")
    their_plan = factories.plan_for(other, berlin_today() - timedelta(days=3))
    client = APIClient()
    client.force_authenticate(other)

    theirs = send(client, their_plan, client_id=shared)

    assert theirs.status_code == 201, theirs.json()
    assert SessionLog.objects.filter(client_id=shared).count() == 2


def test_someone_elses_plan_is_still_a_404(people: People, current_plan: Plan) -> None:
    other = factories.person("sam")
    client = APIClient()
    client.force_authenticate(other)

    answer = send(client, current_plan, client_id=str(uuid.uuid4()))

    assert answer.status_code == 404
    assert SessionLog.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_log_sent_from_two_connections_at_once_is_stored_once() -> None:
    """The network came back and two tabs sent the queue at the same instant: the plan's lock
    lets one in, the other finds its log."""
    rosa = factories.person("rosa")
    plan = factories.plan_for(rosa, berlin_today() - timedelta(days=3))
    sent = body(plan, client_id=str(uuid.uuid4()), pain_during=2)
    start = threading.Barrier(2)
    answers: list[Any] = []

    def tap() -> None:
        client = APIClient()
        client.force_authenticate(rosa)
        try:
            start.wait(timeout=30)
            answers.append(client.post(f"/api/v1/plans/{plan.pk}/logs", sent, format="json"))
        finally:
            connection.close()

    taps = [threading.Thread(target=tap) for _ in range(2)]
    for thread in taps:
        thread.start()
    for thread in taps:
        thread.join(timeout=60)

    assert sorted(answer.status_code for answer in answers) == [200, 201]
    assert SessionLog.objects.filter(plan=plan).count() == 1
