"""What a log tells the runner's therapist at once: a warning sign, as urgent as the sign, and
pain during above the exercise's pain rule, once."""

from __future__ import annotations

from datetime import date

import pytest

from planner.models import Alert, CareLink, Delivery, Plan, PlanExercise
from tests import factories
from tests.personas import therapist

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture
def plan() -> Plan:
    rosa = factories.person("rosa")
    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=rosa, status=CareLink.Status.ACTIVE)
    return factories.plan_for(rosa, MONDAY)


def shells(plan: Plan) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug="clamshells")


def test_a_warning_sign_in_a_log_stops_the_plan_as_an_emergency_and_alerts(plan: Plan) -> None:
    flag = factories.calf_swelling()
    logged = factories.log_session(
        plan=plan, plan_exercise=shells(plan), day=MONDAY, today=MONDAY, done=False, red_flag=flag
    )
    plan.refresh_from_db()
    assert (plan.status, plan.stop_urgency, plan.stop_advice) == (
        "stopped",
        "emergency",
        "This may be a blood clot (DVT): seek emergency care.",
    )
    alert = Alert.objects.get(plan=plan)
    assert (alert.kind, alert.urgency, alert.session_log) == (
        "warning_sign",
        "emergency",
        logged.log,
    )
    assert "calf pain with swelling and warmth" in alert.text
    assert list(
        Delivery.objects.filter(alert=alert).values_list("recipient__username", flat=True)
    ) == ["theo"]


def test_pain_above_the_rule_alerts_once_not_at_every_correction(plan: Plan) -> None:
    item = shells(plan)
    calm = factories.log_session(
        plan=plan, plan_exercise=item, day=MONDAY, today=MONDAY, done=True, pain_during=4
    ).log
    assert not Alert.objects.exists()  # 4/10 is within the pain-monitoring model's 5/10
    factories.correct(calm, MONDAY, pain_during=7)
    alert = Alert.objects.get()
    assert alert.kind == "pain_above_rule" and alert.urgency == ""
    assert "pain 7/10 during Clamshells" in alert.text and "5/10 limit" in alert.text
    assert "steps the dose back" in alert.advice
    factories.correct(calm, MONDAY, pain_during=8, note="Still sore")
    factories.correct(calm, MONDAY, note="Better by the evening")
    assert Alert.objects.count() == 1


def test_a_runner_without_a_therapist_logs_without_an_alert_to_send(plan: Plan) -> None:
    CareLink.objects.update(status=CareLink.Status.ENDED)
    factories.log_session(
        plan=plan, plan_exercise=shells(plan), day=MONDAY, today=MONDAY, done=True, pain_during=9
    )
    alert = Alert.objects.get()
    assert not Delivery.objects.filter(alert=alert).exists()
