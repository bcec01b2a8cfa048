"""A chunk's notices written in one statement (planner.delivery.notices): the same rows the
ORM's bulk_create writes, each delivery's notice once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.delivery import notices
from planner.models import Delivery, Notification, Plan
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
FIELDS = ("user_id", "delivery_id", "title", "body", "link", "message_id", "invitation_id")


def reminders(count: int) -> list[tuple[Plan, Delivery]]:
    found = []
    for n in range(count):
        plan = factories.plan_for(factories.person(f"runner{n}"), MONDAY)
        found.append(
            (
                plan,
                Delivery.objects.create(plan=plan, kind="reminder", local_date=MONDAY, due_at=NOW),
            )
        )
    return found


def notice(plan: Plan, delivery: Delivery, n: int) -> notices.Notice:
    # Accents, quotes and a line break: written as they are, whatever the statement.
    return notices.Notice(
        plan.user_id, delivery.pk, f"Tus ejercicios de hoy {n}", f"«Almejas»: 10\n'{n}'", f"/p/{n}"
    )


def rows() -> list[tuple[Any, ...]]:
    return list(Notification.objects.order_by("delivery_id").values_list(*FIELDS))


def test_the_notices_are_the_rows_bulk_create_writes() -> None:
    wanted = [notice(plan, delivery, n) for n, (plan, delivery) in enumerate(reminders(3))]

    with CaptureQueriesContext(connection) as queries:
        notices.write(wanted)
    ours = rows()
    Notification.objects.all().delete()
    Notification.objects.bulk_create(
        Notification(
            user_id=n.user_id, delivery_id=n.delivery_id, title=n.title, body=n.body, link=n.link
        )
        for n in wanted
    )

    assert len(queries) == 1
    assert ours == rows()
    assert len(ours) == 3
    assert all(n.created_at is not None and n.read_at is None for n in Notification.objects.all())


def test_a_retried_delivery_keeps_the_notice_it_has() -> None:
    (first, second) = reminders(2)
    notices.write([notice(*first, 1)])

    notices.write([notice(*first, 2), notice(*second, 3)])

    assert [(title, body) for _, _, title, body, *_ in rows()] == [
        ("Tus ejercicios de hoy 1", "«Almejas»: 10\n'1'"),
        ("Tus ejercicios de hoy 3", "«Almejas»: 10\n'3'"),
    ]
