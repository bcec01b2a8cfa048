"""`manage.py deliveries_report`: what an operator (or cron) sees, and its exit status."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from planner.models import Delivery, Plan, Reminder
from tests import factories
from tests.personas import PLAN_START

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan() -> Plan:
    plan = factories.plan_for(factories.person("rosa"), PLAN_START)
    Reminder.objects.filter(plan=plan).update(next_due_at=None, next_local_date=None)
    return plan


def delivery(plan: Plan, day: int, state: str, age: timedelta, **fields: object) -> Delivery:
    row = Delivery.objects.create(
        plan=plan,
        kind=Reminder.Kind.REMINDER,
        local_date=date(2026, 3, day),
        due_at=timezone.now() - age,
        state=state,
        **fields,
    )
    Delivery.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    return row


def report() -> tuple[str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("deliveries_report", stdout=out, stderr=err)
    except SystemExit as exit:
        return out.getvalue() + err.getvalue(), int(exit.code or 0)
    return out.getvalue() + err.getvalue(), 0


def test_all_sent_is_quiet_and_exits_zero(plan: Plan) -> None:
    delivery(plan, 3, Delivery.State.SENT, timedelta(hours=2))
    delivery(plan, 4, Delivery.State.PENDING, timedelta(minutes=1))  # just written: not stuck

    text, code = report()

    assert code == 0
    assert "Deliveries by state: pending 1, sending 0, sent 1, skipped 0, failed 0" in text
    assert "Stuck: 0" in text


def test_stuck_pending_and_claimed_rows_are_listed_and_exit_one(plan: Plan) -> None:
    pending = delivery(plan, 3, Delivery.State.PENDING, timedelta(minutes=30))
    sending = delivery(
        plan,
        4,
        Delivery.State.SENDING,
        timedelta(hours=1),
        claimed_at=timezone.now() - timedelta(minutes=45),
        attempts=1,
    )

    text, code = report()

    assert code == 1
    assert "Stuck: 2" in text
    assert f"delivery {pending.pk} plan {plan.pk} reminder 2026-03-03: pending for 30 min" in text
    assert f"delivery {sending.pk} plan {plan.pk} reminder 2026-03-04: sending for 45 min" in text
    assert "Oldest pending delivery: 30 min" in text
    assert "2 deliveries are stuck." in text


def test_failed_rows_show_their_reason(plan: Plan) -> None:
    failed = delivery(
        plan,
        3,
        Delivery.State.FAILED,
        timedelta(days=1),
        last_error="550 mailbox unavailable",
    )

    text, code = report()

    assert code == 0
    assert "Failed: 1" in text
    assert (
        f"delivery {failed.pk} plan {plan.pk} reminder 2026-03-03: 550 mailbox unavailable" in text
    )


def test_dispatcher_lag_is_reported(plan: Plan) -> None:
    Reminder.objects.filter(plan=plan, kind=Reminder.Kind.REMINDER).update(
        next_due_at=timezone.now() - timedelta(minutes=12), next_local_date=PLAN_START
    )

    text, _ = report()

    assert "Dispatcher lag: 12 min" in text
