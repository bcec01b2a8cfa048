"""The dispatcher: one tick claims due reminders, writes their deliveries, advances them.

Run every minute by one beat entry (never one beat entry per person). Each batch is one
transaction: due rows are claimed with `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so
concurrent dispatchers take disjoint rows; SQLite has no row locks, but its IMMEDIATE
transactions (see settings) serialise dispatchers, and the second one sees the rows already
advanced. Either way the UNIQUE (plan, local_date, kind, channel) constraint on deliveries is
the last word: `INSERT ... ON CONFLICT DO NOTHING RETURNING id` hands back only deliveries that
are new, and only those are sent, after the transaction commits.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Q

from kit.sql import among, column, table
from planner.engine import outcomes, schedule
from planner.models import Delivery, Reminder

BATCH_SIZE = 2000
SEND_CHUNK = 500
# A delivery claimed by a worker that died is taken back after this long.
SENDING_LEASE = timedelta(minutes=10)
# A delivery still pending after this long lost its message: send it again.
PENDING_GRACE = timedelta(minutes=5)

# A row due within the last tick is on time; older ones are late.
ON_TIME = timedelta(minutes=1)

# Publishes send tasks, one per chunk of delivery ids, all chunks of a batch in one call.
Enqueue = Callable[[list[list[int]]], None]


def chunks(ids: Sequence[int], size: int = SEND_CHUNK) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


# (reminder id, kind, local time, due at, time zone, the plan's start date and projected
# end): what advancing a row needs (the start only for the questionnaires' reminder, whose due
# dates count from it). The filter on next_due_at guarantees the instant is set.
Claimed = tuple[int, str, time, datetime | None, str, date, date]


def _claim_due(now: datetime, batch_size: int) -> list[Claimed]:
    due = (
        Reminder.objects.filter(next_due_at__lte=now)
        .order_by("next_due_at")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list(
            "id",
            "kind",
            "local_time",
            "next_due_at",
            "plan__time_zone",
            "plan__start_date",
            "plan__projected_end",
        )
    )
    return list(due[:batch_size])


@functools.cache
def advance_postgres_sql() -> str:
    """Every claimed reminder moved to its own next occurrence in one statement: the three
    columns travel as arrays (unnest), not as thousands of placeholders."""
    return (
        f"UPDATE {table(Reminder)} AS reminder "
        f"SET {column(Reminder, 'next_due_at')} = batch.next_due_at, "
        f"{column(Reminder, 'next_local_date')} = batch.next_local_date "
        "FROM unnest(%s::bigint[], %s::timestamptz[], %s::date[]) "
        "AS batch(id, next_due_at, next_local_date) "
        f"WHERE reminder.{column(Reminder, 'id')} = batch.id"
    )


@functools.cache
def insert_deliveries_sql(which: str) -> str:
    """A pending delivery per claimed reminder (those whose id is `which`), built from the
    reminder rows inside the database; only the ids of the new ones come back.

    These are the emails (each with its notice in the app). A runner's push deliveries are
    written by the sender of her email (planner.delivery.notify), which reads her devices
    anyway: the dispatcher, the one part that cannot run in parallel, writes a row per
    reminder whatever channels the runner has (bench/dispatch_bench.py measures it)."""
    delivery = {name: column(Delivery, name) for name in DELIVERY_COLUMNS}
    reminder = {name: column(Reminder, name) for name in ("plan", "kind", "next_local_date")}
    return (
        f"INSERT INTO {table(Delivery)} ({', '.join(delivery.values())}) "
        f"SELECT {reminder['plan']}, {reminder['kind']}, {reminder['next_local_date']}, "
        f"{column(Reminder, 'next_due_at')}, %s, 0, %s, '', '{Delivery.Channel.EMAIL.value}' "
        f"FROM {table(Reminder)} WHERE {column(Reminder, 'id')} {which} "
        f"ON CONFLICT ({delivery['plan']}, {delivery['local_date']}, {delivery['kind']}, "
        f"{delivery['channel']}) "
        # The partial unique index of reminders' deliveries (alerts have their own).
        f"WHERE {column(Delivery, 'alert')} IS NULL "
        f"DO NOTHING RETURNING {column(Delivery, 'id')}"
    )


# The columns the dispatcher's INSERT fills, in the order insert_deliveries_sql gives them.
DELIVERY_COLUMNS = (
    "plan",
    "kind",
    "local_date",
    "due_at",
    "state",
    "attempts",
    "created_at",
    "last_error",
    "channel",
)


def _insert_deliveries(claimed: Sequence[Claimed], now: datetime) -> list[int]:
    """Write a pending delivery per claimed row; return the ids of those that are new.

    The rows are built from the claimed reminders inside the database: only ids travel. (A
    VALUES list of thousands of placeholders is re-parsed on every batch, and was half the
    dispatcher's time in bench/dispatch_bench.py.)
    """
    which, params = among([row[0] for row in claimed])
    with connection.cursor() as cursor:
        cursor.execute(
            insert_deliveries_sql(which),
            [Delivery.State.PENDING.value, connection.ops.adapt_datetimefield_value(now), *params],
        )
        return [row[0] for row in cursor.fetchall()]


def _next_occurrences(
    claimed: Sequence[Claimed], now: datetime
) -> list[tuple[int, datetime | None, date | None]]:
    """Each claimed row's next occurrence, computed once per (zone, time of day, due at);
    none after the plan's projected end, which takes the row out of the index.

    An occurrence fired on time moves to the one after it. One fired late (the dispatcher was
    down) moves to the first at or after this tick, so a long outage sends one late message,
    not one per missed day.

    The questionnaires' reminder moves to the occurrence on the next due date after that day
    (planner.engine.outcomes.next_asking), once per (zone, time of day, due at, plan start,
    plan end): its rows are few, and the daily rows' work is the same as before.
    """
    cache: dict[tuple[str, time, datetime], tuple[datetime, date]] = {}
    asking: dict[tuple[str, time, datetime, date, date], tuple[datetime, date] | None] = {}
    moves: list[tuple[int, datetime | None, date | None]] = []
    outcomes_kind = Reminder.Kind.OUTCOMES.value
    for reminder_id, kind, local_time, due_at, time_zone, plan_starts, plan_ends in claimed:
        assert due_at is not None  # claimed by next_due_at <= now
        if kind == outcomes_kind:
            asked = (time_zone, local_time, due_at, plan_starts, plan_ends)
            if asked not in asking:
                # Strictly after the occurrence that fired (or this tick, when late): its
                # local date is done, and the next due date is on a later day.
                asking[asked] = outcomes.next_asking(
                    local_time, time_zone, max(due_at, now - ON_TIME), None, plan_starts, plan_ends
                )
            found = asking[asked]
            moves.append((reminder_id, None, None) if found is None else (reminder_id, *found))
            continue
        key = (time_zone, local_time, due_at)
        if key not in cache:
            cache[key] = schedule.next_occurrence(local_time, time_zone, max(due_at, now - ON_TIME))
        next_at, local_day = cache[key]
        if local_day > plan_ends:
            moves.append((reminder_id, None, None))
        else:
            moves.append((reminder_id, next_at, local_day))
    return moves


def _advance(claimed: Sequence[Claimed], now: datetime) -> None:
    moves = _next_occurrences(claimed, now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                advance_postgres_sql(),
                [[m[0] for m in moves], [m[1] for m in moves], [m[2] for m in moves]],
            )
        return
    groups: dict[tuple[datetime | None, date | None], list[int]] = defaultdict(list)
    for reminder_id, next_at, local_day in moves:
        groups[(next_at, local_day)].append(reminder_id)
    for (next_at, local_day), ids in groups.items():
        Reminder.objects.filter(id__in=ids).update(next_due_at=next_at, next_local_date=local_day)


def dispatch_batch(now: datetime, enqueue: Enqueue, batch_size: int = BATCH_SIZE) -> int:
    """Claim one batch of due reminders; return how many rows were claimed."""
    with transaction.atomic():
        claimed = _claim_due(now, batch_size)
        if not claimed:
            return 0
        new_ids = _insert_deliveries(claimed, now)
        _advance(claimed, now)
        if new_ids:
            transaction.on_commit(lambda: enqueue(chunks(new_ids)))
    return len(claimed)


def dispatch_due(now: datetime, enqueue: Enqueue, batch_size: int = BATCH_SIZE) -> int:
    """Claim every reminder due at `now`, batch after batch; return how many were claimed."""
    total = 0
    while claimed := dispatch_batch(now, enqueue, batch_size):
        total += claimed
    return total


def _dispatch_written(now: datetime, enqueue: Enqueue, which: Q) -> int:
    """Enqueue the pending deliveries `which` a service wrote since the last tick: each one's
    `due_at` moves a grace period on as it is enqueued, so the next tick leaves it to its
    sender, and the sweeper sends it again if that sender is lost."""
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(which, state=Delivery.State.PENDING, due_at__lte=now)
            .order_by("due_at")
            .values_list("id", flat=True)[:BATCH_SIZE]
        )
        if ids:
            Delivery.objects.filter(id__in=ids).update(due_at=now + PENDING_GRACE)
            transaction.on_commit(lambda: enqueue(chunks(ids)))
    return len(ids)


def dispatch_alerts(now: datetime, enqueue: Enqueue) -> int:
    """Enqueue the alerts written since the last tick (planner.safety.alerts)."""
    return _dispatch_written(now, enqueue, Q(alert__isnull=False))


def dispatch_messages(now: datetime, enqueue: Enqueue) -> int:
    """Enqueue the emails of new messages written since the last tick (planner.care.messages):
    one per conversation, recipient and hour at most, as written."""
    return _dispatch_written(now, enqueue, Q(conversation__isnull=False))


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
        if ids:
            transaction.on_commit(lambda: enqueue(chunks(ids)))
    return len(ids)
