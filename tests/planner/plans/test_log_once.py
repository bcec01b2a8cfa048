"""A log sent from the runner's device with the id it made (planner.plans.sessions.log_once):
a resend costs two queries and writes nothing; the same values logged elsewhere are that log;
other values are a LoggedElsewhere naming the stored log; the engine runs once, for the first."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from planner.models import DoseChange, Plan, PlanExercise, SessionLog
from planner.plans import sessions
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
NOON = datetime.combine(MONDAY, time(12), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def rosa_plan() -> Plan:
    return factories.plan_for(factories.person("rosa"), MONDAY)


def shells(plan: Plan) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug="clamshells")


def send(plan: Plan, client_id: uuid.UUID, **entry: Any) -> sessions.Sent:
    return sessions.log_once(
        runner=plan.user,
        plan_id=plan.pk,
        plan_exercise_id=shells(plan).pk,
        day=MONDAY,
        entry=sessions.Entry(**{"done": True, **entry}),
        now=NOON,
        client_id=client_id,
    )


def test_the_first_send_is_logged_with_its_id(rosa_plan: Plan) -> None:
    made = uuid.uuid4()

    sent = send(rosa_plan, made, pain_during=2)

    assert sent.created and not sent.replayed
    assert sent.logged is not None and sent.logged.decision is not None
    assert SessionLog.objects.get().client_id == made


def test_a_resend_reads_the_stored_log_and_writes_nothing(rosa_plan: Plan) -> None:
    made = uuid.uuid4()
    first = send(rosa_plan, made, pain_during=2)
    changes = DoseChange.objects.count()

    with CaptureQueriesContext(connection) as queries:
        again = send(rosa_plan, made, pain_during=2)

    assert (again.created, again.replayed, again.log.pk) == (False, True, first.log.pk)
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # 1. the exercise's id (this test's own shells(), not the service's)
    # 2. the runner's own plan, locked
    # 3. the log with that id among the runner's
    assert len(statements) == 3, statements
    assert (SessionLog.objects.count(), DoseChange.objects.count()) == (1, changes)


def test_the_same_values_logged_elsewhere_are_that_log(rosa_plan: Plan) -> None:
    elsewhere = factories.log_session(
        plan=rosa_plan, plan_exercise=shells(rosa_plan), day=MONDAY, today=MONDAY, done=True
    ).log

    sent = send(rosa_plan, uuid.uuid4())

    assert (sent.created, sent.replayed, sent.log.pk) == (False, False, elsewhere.pk)
    assert SessionLog.objects.count() == 1


def test_other_values_logged_elsewhere_are_a_conflict_naming_the_stored_log(
    rosa_plan: Plan,
) -> None:
    elsewhere = factories.log_session(
        plan=rosa_plan,
        plan_exercise=shells(rosa_plan),
        day=MONDAY,
        today=MONDAY,
        done=True,
        pain_during=1,
    ).log

    with pytest.raises(sessions.LoggedElsewhere) as refused:
        send(rosa_plan, uuid.uuid4(), pain_during=4)

    assert refused.value.stored.pk == elsewhere.pk
    assert refused.value.sent.pain_during == 4
    assert SessionLog.objects.get().pain_during == 1


def test_a_day_the_plan_cannot_log_is_refused_as_any_log_is(rosa_plan: Plan) -> None:
    with pytest.raises(ValidationError) as refused:
        sessions.log_once(
            runner=rosa_plan.user,
            plan_id=rosa_plan.pk,
            plan_exercise_id=shells(rosa_plan).pk,
            day=MONDAY + timedelta(days=5),  # in the future of NOON
            entry=sessions.Entry(done=True),
            now=NOON,
            client_id=uuid.uuid4(),
        )

    assert "day" in refused.value.message_dict
    assert not SessionLog.objects.exists()
