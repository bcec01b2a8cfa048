"""The dispatcher: one tick claims due reminders, writes their deliveries, advances them.

Run every minute by one beat entry (never one beat entry per person). Each batch is one
transaction: due rows are claimed with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so
concurrent dispatchers take disjoint rows; SQLite has no row locks, but its IMMEDIATE
transactions (see settings) serialise dispatchers, and the second one sees the rows already
advanced. Either way the UNIQUE (plan, local_date, kind) constraint on deliveries is the last
word: `INSERT ... ON CONFLICT DO NOTHING RETURNING id` hands back only deliveries that are new,
and only those are sent, after the transaction commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction

from planner import schedule
from planner.models import Delivery, Reminder

BATCH_SIZE = 2000
SEND_CHUNK = 200
# A delivery claimed by a worker that died is taken back after this long.
SENDING_LEASE = timedelta(minutes=10)
# A delivery still pending after this long lost its message: send it again.
PENDING_GRACE = timedelta(minutes=5)

# A row due within the last tick is on time; older ones are late.
ON_TIME = timedelta(minutes=1)

Enqueue = Callable[[list[int]], None]


def chunks(ids: Sequence[int], size: int = SEND_CHUNK) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


# (reminder id, plan id, kind, local time, local date, due at, time zone); the filter on
# next_due_at guarantees the date and instant are set.
Claimed = tuple[int, int, str, time, date | None, datetime | None, str]


def _claim_due(now: datetime, batch_size: int) -> list[Claimed]:
    due = (
        Reminder.objects.filter(next_due_at__lte=now)
        .order_by("next_due_at")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list(
            "id",
            "plan_id",
            "kind",
            "local_time",
            "next_local_date",
            "next_due_at",
            "plan__time_zone",
        )
    )
    return list(due[:batch_size])


def _insert_deliveries(claimed: Sequence[Claimed], now: datetime) -> list[int]:
    """Write a pending delivery per claimed row; return the ids of those that are new."""
    table = Delivery._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s, %s, 'pending', 0, %s, '')"] * len(claimed))
    ops = connection.ops
    created_at = ops.adapt_datetimefield_value(now)
    params: list[Any] = []
    for _id, plan_id, kind, _time, local_date, due_at, _zone in claimed:
        params += [
            plan_id,
            kind,
            ops.adapt_datefield_value(local_date),
            ops.adapt_datetimefield_value(due_at),
            created_at,
        ]
    sql = (
        f"INSERT INTO {table} (plan_id, kind, local_date, due_at, state, attempts, created_at, "
        f"last_error) VALUES {placeholders} "
        "ON CONFLICT (plan_id, local_date, kind) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _advance(claimed: Sequence[Claimed], now: datetime) -> None:
    """Move each claimed row to its next occurrence: one UPDATE per (zone, time, due at).

    An occurrence fired on time moves to the one after it. One fired late (the dispatcher was
    down) moves to the first at or after this tick, so a long outage sends one late message,
    not one per missed day.
    """
    groups: dict[tuple[str, time, datetime], list[int]] = defaultdict(list)
    for reminder_id, _plan, _kind, local_time, _date, due_at, time_zone in claimed:
        assert due_at is not None  # claimed by next_due_at <= now
        groups[(time_zone, local_time, due_at)].append(reminder_id)
    for (time_zone, local_time, due_at), ids in groups.items():
        after = max(due_at, now - ON_TIME)
        next_at, local_day = schedule.next_occurrence(local_time, time_zone, after)
        Reminder.objects.filter(id__in=ids).update(next_due_at=next_at, next_local_date=local_day)


def dispatch_batch(now: datetime, enqueue: Enqueue, batch_size: int = BATCH_SIZE) -> int:
    """Claim one batch of due reminders; return how many rows were claimed."""
    with transaction.atomic():
        claimed = _claim_due(now, batch_size)
        if not claimed:
            return 0
        new_ids = _insert_deliveries(claimed, now)
        _advance(claimed, now)
        for chunk in chunks(new_ids):
            transaction.on_commit(lambda chunk=chunk: enqueue(chunk))  # type: ignore[misc]
    return len(claimed)


def dispatch_due(now: datetime, enqueue: Enqueue, batch_size: int = BATCH_SIZE) -> int:
    """Claim every reminder due at `now`, batch after batch; return how many were claimed."""
    total = 0
    while claimed := dispatch_batch(now, enqueue, batch_size):
        total += claimed
    return total


def sweep(now: datetime, enqueue: Enqueue) -> int:
    """Send again what a lost message or a dead worker left unsent; return how many."""
    stale_sending = Delivery.objects.filter(
        state=Delivery.State.SENDING, claimed_at__lt=now - SENDING_LEASE
    )
    with transaction.atomic():
        stale_sending.update(state=Delivery.State.PENDING)
        ids = list(
            Delivery.objects.filter(
                state=Delivery.State.PENDING, created_at__lt=now - PENDING_GRACE
            )
            .order_by("created_at")
            .values_list("id", flat=True)
        )
        for chunk in chunks(ids):
            transaction.on_commit(lambda chunk=chunk: enqueue(chunk))  # type: ignore[misc]
    return len(ids)
