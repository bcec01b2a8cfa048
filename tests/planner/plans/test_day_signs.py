"""A warning sign reported once for a day's session (planner.plans.day_signs): the plan stops
as it does for a sign reported with a log, with the same reason, urgency and advice, the report
is kept with the day, and the runner's therapists are alerted; a day that cannot be logged, or
someone else's plan, is refused and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from planner.models import Alert, CareLink, Delivery, Plan, RedFlagReport
from planner.plans import day_signs
from tests import factories
from tests.personas import therapist

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture
def rosa_plan() -> Plan:
    return factories.plan_for(factories.person("rosa"), MONDAY)


def test_a_sign_for_the_day_stops_the_plan_as_one_with_a_log_does(rosa_plan: Plan) -> None:
    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=rosa_plan.user, status=CareLink.Status.ACTIVE)
    flag = factories.calf_swelling()

    day_signs.report(
        runner=rosa_plan.user,
        plan_id=rosa_plan.pk,
        day=MONDAY,
        flag=flag,
        now=factories.evening_of(rosa_plan, MONDAY),
    )

    rosa_plan.refresh_from_db()
    assert (rosa_plan.status, rosa_plan.stop_urgency) == (Plan.Status.STOPPED, "emergency")
    # The engine's words for a sign with a log, and the catalog's advice.
    assert rosa_plan.stop_reason == (
        "Calf pain with swelling and warmth reported on Monday: stop the exercises and see a "
        "doctor before going on"
    )
    assert rosa_plan.stop_advice == flag.advice
    report = RedFlagReport.objects.get()
    assert (report.plan, report.red_flag, report.day) == (rosa_plan, flag, MONDAY)
    alert = Alert.objects.get()
    assert (alert.kind, alert.urgency, alert.plan) == (
        Alert.Kind.WARNING_SIGN,
        "emergency",
        rosa_plan,
    )
    assert "rosa reported calf pain with swelling and warmth on Monday 02 March" in alert.text
    assert Delivery.objects.get(alert=alert).recipient == theo


def test_a_day_that_cannot_be_logged_is_refused_and_nothing_changes(rosa_plan: Plan) -> None:
    flag = factories.calf_swelling()
    for day, now in (
        (MONDAY + timedelta(days=1), factories.evening_of(rosa_plan, MONDAY)),  # ahead
        (MONDAY - timedelta(days=1), factories.evening_of(rosa_plan, MONDAY)),  # before it
    ):
        with pytest.raises(ValidationError):
            day_signs.report(
                runner=rosa_plan.user, plan_id=rosa_plan.pk, day=day, flag=flag, now=now
            )
    rosa_plan.refresh_from_db()
    assert rosa_plan.status == Plan.Status.ACTIVE
    assert not RedFlagReport.objects.exists() and not Alert.objects.exists()


def test_a_stopped_plan_takes_no_second_sign(rosa_plan: Plan) -> None:
    flag = factories.calf_swelling()
    now = factories.evening_of(rosa_plan, MONDAY)
    day_signs.report(runner=rosa_plan.user, plan_id=rosa_plan.pk, day=MONDAY, flag=flag, now=now)
    with pytest.raises(ValidationError):
        day_signs.report(
            runner=rosa_plan.user, plan_id=rosa_plan.pk, day=MONDAY, flag=flag, now=now
        )
    assert RedFlagReport.objects.count() == 1 and Alert.objects.count() == 1


def test_only_the_runner_reports_a_sign_on_their_plan(rosa_plan: Plan) -> None:
    flag = factories.calf_swelling()
    with pytest.raises(Http404):
        day_signs.report(
            runner=factories.person("oscar"),
            plan_id=rosa_plan.pk,
            day=MONDAY,
            flag=flag,
            now=factories.evening_of(rosa_plan, MONDAY),
        )
    rosa_plan.refresh_from_db()
    assert rosa_plan.status == Plan.Status.ACTIVE
