"""The dispatcher's two statements written by hand (the INSERT of deliveries and, on
PostgreSQL, the UPDATE of the claimed reminders) write what the ORM would, on SQLite and on
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import transaction

from planner.delivery import dispatch
from planner.models import Delivery, Reminder
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)


def claimed_reminders(count: int) -> list[dispatch.Claimed]:
    for n in range(count):
        factories.plan_for(factories.person(f"runner{n}"), date(2026, 6, 1))
    Reminder.objects.update(next_due_at=NOW - timedelta(minutes=1))
    with transaction.atomic():
        return dispatch._claim_due(NOW, 100)


def test_the_deliveries_inserted_are_those_the_orm_would_create() -> None:
    claimed = claimed_reminders(3)
    expected = [
        (r.plan_id, r.kind, r.next_local_date, r.next_due_at)
        for r in Reminder.objects.filter(pk__in=[row[0] for row in claimed]).order_by("pk")
    ]

    with transaction.atomic():
        new_ids = dispatch._insert_deliveries(claimed, NOW)
        again = dispatch._insert_deliveries(claimed, NOW)

    assert again == []  # UNIQUE (plan, local_date, kind): each is written once
    rows = Delivery.objects.filter(pk__in=new_ids).order_by("plan_id", "kind")
    assert sorted((d.plan_id, d.kind, d.local_date, d.due_at) for d in rows) == sorted(expected)
    for delivery in rows:
        orm = Delivery(plan_id=delivery.plan_id, kind=delivery.kind)  # the model's defaults
        assert (delivery.state, delivery.attempts, delivery.last_error) == (
            orm.state,
            orm.attempts,
            orm.last_error,
        )
        assert delivery.created_at == NOW


def test_the_claimed_reminders_move_as_the_orm_would_move_them() -> None:
    claimed = claimed_reminders(4)
    moves = dispatch._next_occurrences(claimed, NOW)

    with transaction.atomic():
        dispatch._advance(claimed, NOW)

    got = {
        pk: (due, day)
        for pk, due, day in Reminder.objects.values_list("pk", "next_due_at", "next_local_date")
    }
    assert got == {pk: (due, day) for pk, due, day in moves}
    assert all(due is not None and due > NOW for due, _ in got.values())
    assert all(day == date(2026, 6, 2) or time(0) for _, day in got.values())
