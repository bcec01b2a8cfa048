"""Benchmark of the reminder dispatcher (planner.delivery.dispatch.dispatch_due) against a
floor.

Run from the checkout (see bench/README.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/planner_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/14 \
    .venv/bin/python bench/dispatch_bench.py [--plans 1000000 --due 100000 --rounds 3]

What it does:

1. Creates the database if missing, migrates it, and builds the data with raw SQL
   (generate_series): one user per 10 plans, one condition/source/program, `--plans` active
   plans spread over 20 IANA zones, one `reminder` row per plan. Exactly `--due` reminders are
   due at the benchmark's fixed `now` (in a handful of zones, each at the one local time that
   maps to that UTC minute); 1% of the others are off/paused (next_due_at NULL) and the rest
   fall due over the next 24 hours. The data is reused by later runs with the same sizes.
2. Records EXPLAIN (ANALYZE, BUFFERS) of the claim query exactly as Django sends it.
3. Runs a warm-up dispatch (not timed) that checks the result and captures the Celery
   messages the dispatcher published on Redis.
4. For each round: floor, then dispatch at each batch size (order rotated per round), each
   preceded by the same reset (due rows back to `now`, deliveries truncated, VACUUM ANALYZE,
   CHECKPOINT, broker queue emptied).
   - dispatch = wall time of dispatch_due(now, enqueue=planner.delivery.tasks.enqueue_send,
     batch_size)
     with a real Celery producer on Redis (no worker: the messages just queue up); enqueue
     takes all the chunks (SEND_CHUNK ids each) of a batch at once.
   - floor = COPY of the same delivery rows + the UPDATE of the same reminder rows to the
     same next occurrence (one UPDATE ... WHERE id = ANY(...) per (zone, local time)), in
     one transaction, + one redis pipeline LPUSH of the exact message bytes the dispatcher
     published in this run's warm-up (the same number of messages as every dispatch).
5. One instrumented dispatch (per-phase timings per batch, EXPLAIN half-way through) and,
   when the median ratio is above the target or with --profile, one cProfile'd dispatch.
6. Writes bench/results/dispatch.json and bench/results/dispatch.md.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import json
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planner.settings")
# Production runs with DEBUG off; with it on Django keeps every SQL string it sends.
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from planner.delivery import dispatch  # noqa: E402
from planner.delivery.tasks import enqueue_send  # noqa: E402
from planner.engine import schedule  # noqa: E402

# A fixed instant, so runs are comparable and the data can be reused; no zone below changes
# its offset between it and a day later.
NOW = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
DATA_VERSION = "1"
ZONES = [
    "Asia/Kolkata",
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "Europe/Madrid",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Pacific/Auckland",
]
# The zones of the rows due at NOW: 14:30 UTC is a plausible reminder time there.
DUE_ZONES = [
    "Asia/Kolkata",  # 20:00
    "America/New_York",  # 09:30
    "Europe/Berlin",  # 15:30
    "Europe/London",  # 14:30
    "America/Chicago",  # 08:30
    "America/Sao_Paulo",  # 11:30
    "Africa/Johannesburg",  # 16:30
    "Asia/Dubai",  # 18:30
]
PERMUTE = 7919  # prime, coprime with any --plans made of 2s and 5s: picks due rows evenly
TARGET_RATIO = 2.0
QUEUE = "celery"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- Connections ---------------------------------------------------------------------------------


def pg_params(dbname: str | None = None) -> dict[str, Any]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("DATABASE_URL must point at PostgreSQL (postgres://...)")
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"] or "postgres",
        "dbname": dbname or db["NAME"],
    }
    if db["PASSWORD"]:
        params["password"] = db["PASSWORD"]
    return params


def ensure_database() -> None:
    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect(**pg_params("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def raw() -> psycopg.Connection:
    """A plain autocommit connection for building, resetting and the floor; it never sits idle
    in a transaction, which would keep the dispatcher's dead index entries from being killed."""
    return psycopg.connect(**pg_params(), autocommit=True)


def scalar(conn: psycopg.Connection, sql: str, params: Sequence[Any] | None = None) -> Any:
    """The single value of a query that returns exactly one row."""
    row = conn.execute(sql, params).fetchone()
    assert row is not None, sql
    return row[0]


def broker() -> redis.Redis:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        sys.exit("CELERY_BROKER_URL must point at Redis (redis://...)")
    return redis.Redis.from_url(url)


# --- Data ------------------------------------------------------------------------------------


def is_built(conn: psycopg.Connection, plans: int, due: int) -> bool:
    conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
    meta: dict[str, str] = dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())
    return meta == {
        "plans": str(plans),
        "due": str(due),
        "now": NOW.isoformat(),
        "version": DATA_VERSION,
    }


def build(conn: psycopg.Connection, plans: int, due: int) -> dict[str, float]:
    from conditions.models import Condition, Source
    from planner.models import Program

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    conn.execute("DELETE FROM bench_meta")
    conn.execute(
        "TRUNCATE auth_user, conditions_source, planner_plan, planner_reminder, "
        "planner_delivery RESTART IDENTITY CASCADE"
    )
    source = Source.objects.create(slug="bench", title="Bench", kind=Source.Kind.ARTICLE)
    condition = Condition.objects.create(
        slug="bench", source=source, name="Bench condition", summary="-", care="home_exercise"
    )
    program = Program.objects.create(
        slug="bench", name="Bench program", condition=condition, weeks=6, source=source
    )
    users = (plans + 9) // 10
    p = {
        "now": NOW,
        "plans": plans,
        "due": due,
        "users": users,
        "program": program.id,
        "zones": ZONES,
        "due_zones": DUE_ZONES,
        "n_zones": len(ZONES),
        "n_due_zones": len(DUE_ZONES),
        "start": NOW.date() - timedelta(days=10),
        "perm": PERMUTE,
    }
    with conn.transaction():
        # Like pg_restore: the rows are consistent by construction, so skip the per-row FK
        # triggers while loading.
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(
            """
            INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name,
                last_name, email, is_staff, is_active, date_joined)
            SELECT u, '!', NULL, false, 'bench' || u, '', '', 'bench' || u || '@example.test',
                false, true, %(now)s
            FROM generate_series(1, %(users)s) AS u
            """,
            p,
        )
        t1 = time.perf_counter()
        timings["users_s"] = t1 - t0
        conn.execute(
            """
            INSERT INTO planner_plan (id, user_id, program_id, assigned_by_id, start_date,
                time_zone, status, planned_end, projected_end, stop_reason, stop_urgency,
                stop_advice, created_at, updated_at)
            SELECT i, (i - 1) / 10 + 1, %(program)s, NULL, %(start)s,
                CASE WHEN (i * %(perm)s) %% %(plans)s < %(due)s
                     THEN (%(due_zones)s::text[])[1 + (i * 13) %% %(n_due_zones)s]
                     ELSE (%(zones)s::text[])[1 + (i * 31) %% %(n_zones)s]
                END,
                'active', %(start)s + 42, %(start)s + 42, '', '', '', %(now)s, %(now)s
            FROM generate_series(1::bigint, %(plans)s) AS i
            """,
            p,
        )
        t2 = time.perf_counter()
        timings["plans_s"] = t2 - t1
        # Due rows: next_due_at = NOW, at the local time NOW shows in their zone. 1% of the
        # others are off or paused (NULL, outside the partial index); the rest fall due at a
        # minute within the next 24 hours, at the local time that instant shows.
        conn.execute(
            """
            INSERT INTO planner_reminder (id, plan_id, kind, local_time, state, next_due_at,
                next_local_date, updated_at)
            SELECT p.id, p.id, 'reminder', (s.at AT TIME ZONE p.time_zone)::time,
                CASE WHEN s.off THEN (CASE WHEN p.id %% 2 = 0 THEN 'off' ELSE 'paused' END)
                     ELSE 'on' END,
                CASE WHEN s.off THEN NULL ELSE s.at END,
                CASE WHEN s.off THEN NULL ELSE (s.at AT TIME ZONE p.time_zone)::date END,
                %(now)s
            FROM planner_plan AS p,
            LATERAL (
                SELECT
                    CASE WHEN (p.id * %(perm)s) %% %(plans)s < %(due)s THEN %(now)s::timestamptz
                         ELSE %(now)s::timestamptz
                              + (1 + (p.id * 48271) %% 1439) * interval '1 minute'
                    END AS at,
                    (p.id * %(perm)s) %% %(plans)s >= %(due)s AND (p.id * 104729) %% 100 = 0 AS off
            ) AS s
            """,
            p,
        )
        t3 = time.perf_counter()
        timings["reminders_s"] = t3 - t2
        for table in ("auth_user", "planner_plan", "planner_reminder"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    t4 = time.perf_counter()
    conn.execute("VACUUM (ANALYZE) auth_user, planner_plan, planner_reminder, planner_delivery")
    conn.execute("CHECKPOINT")
    timings["vacuum_analyze_s"] = time.perf_counter() - t4
    conn.execute(
        "INSERT INTO bench_meta VALUES ('plans', %s), ('due', %s), ('now', %s), ('version', %s)",
        [str(plans), str(due), NOW.isoformat(), DATA_VERSION],
    )
    timings["total_s"] = time.perf_counter() - t0
    return timings


def describe_data(conn: psycopg.Connection) -> dict[str, Any]:
    return {
        "users": scalar(conn, "SELECT count(*) FROM auth_user"),
        "plans": scalar(conn, "SELECT count(*) FROM planner_plan"),
        "reminders": scalar(conn, "SELECT count(*) FROM planner_reminder"),
        "reminders_due_now": scalar(
            conn, "SELECT count(*) FROM planner_reminder WHERE next_due_at <= %s", [NOW]
        ),
        "reminders_due_later_24h": scalar(
            conn,
            "SELECT count(*) FROM planner_reminder WHERE next_due_at > %s AND next_due_at <= %s",
            [NOW, NOW + timedelta(days=1)],
        ),
        "reminders_null_next_due_at": scalar(
            conn, "SELECT count(*) FROM planner_reminder WHERE next_due_at IS NULL"
        ),
        "zones": scalar(conn, "SELECT count(DISTINCT time_zone) FROM planner_plan"),
        "due_groups": [
            {"zone": z, "local_time": str(t), "rows": n}
            for z, t, n in conn.execute(
                "SELECT p.time_zone, r.local_time, count(*) FROM planner_reminder r "
                "JOIN planner_plan p ON p.id = r.plan_id WHERE r.next_due_at <= %s "
                "GROUP BY 1, 2 ORDER BY 1",
                [NOW],
            ).fetchall()
        ],
        "reminder_table_mb": round(
            scalar(conn, "SELECT pg_total_relation_size('planner_reminder')") / 2**20, 1
        ),
        "plan_table_mb": round(
            scalar(conn, "SELECT pg_total_relation_size('planner_plan')") / 2**20, 1
        ),
    }


def due_rows(conn: psycopg.Connection) -> list[tuple[int, int, dtime, date, datetime, str]]:
    """(reminder id, plan id, local time, local date, due at, zone) of the rows due at NOW."""
    return conn.execute(
        "SELECT r.id, r.plan_id, r.local_time, r.next_local_date, r.next_due_at, p.time_zone "
        "FROM planner_reminder r JOIN planner_plan p ON p.id = r.plan_id "
        "WHERE r.next_due_at <= %s ORDER BY r.id",
        [NOW],
    ).fetchall()


def reset(conn: psycopg.Connection, r: redis.Redis, due_ids: list[int]) -> None:
    """Put the due rows back at NOW, empty the deliveries and the queue, vacuum, checkpoint."""
    conn.execute(
        "UPDATE planner_reminder AS r SET next_due_at = %s, "
        "next_local_date = (%s::timestamptz AT TIME ZONE p.time_zone)::date "
        "FROM planner_plan AS p WHERE p.id = r.plan_id AND r.id = ANY(%s)",
        [NOW, NOW, due_ids],
    )
    conn.execute("TRUNCATE planner_delivery, planner_notification RESTART IDENTITY")
    conn.execute("VACUUM (ANALYZE) planner_reminder, planner_delivery")
    conn.execute("CHECKPOINT")
    for key in r.scan_iter(match=f"{QUEUE}*"):
        r.delete(key)
    left = scalar(conn, "SELECT count(*) FROM planner_reminder WHERE next_due_at <= %s", [NOW])
    assert left == len(due_ids), (left, len(due_ids))


# --- Claim query plan ---------------------------------------------------------------------------


def claim_sql(batch_size: int) -> str:
    """The claim query exactly as Django sends it (str(qs.query) lacks FOR UPDATE)."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            dispatch._claim_due(NOW, batch_size)
        transaction.set_rollback(True)
    sqls = [q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(sqls) == 1, ctx.captured_queries
    return sqls[0]


def explain(sql: str) -> dict[str, Any]:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)  # EXPLAIN ANALYZE really took the row locks
    text = "\n".join(lines)
    patterns = {
        "Index Scan": r"(?<!Bitmap )Index Scan using reminder_due\b",
        "Index Only Scan": r"Index Only Scan using reminder_due\b",
        "Bitmap Index Scan": r"Bitmap Index Scan on reminder_due\b",
    }
    nodes = [node for node, pattern in patterns.items() if re.search(pattern, text)]
    return {
        "plan": text,
        "uses_reminder_due_index": bool(nodes),
        "reminder_due_scan_nodes": nodes,
        "seq_scan_on_reminder": "Seq Scan on planner_reminder" in text,
    }


# --- Measurements -----------------------------------------------------------------------------


# Issue 20, point 6: with every runner's device on push, the dispatcher writes a push delivery
# beside each email's; its time may grow to at most this much of the same run's without.
PUSH_TARGET_RATIO = 1.5


def every_runner_on_push(conn: psycopg.Connection, on: bool) -> int:
    """Give every user one push device (an FCM address, never called: no worker runs here),
    or take them all away; how many there are now."""
    conn.execute("TRUNCATE planner_pushsubscription RESTART IDENTITY")
    if on:
        conn.execute(
            "INSERT INTO planner_pushsubscription (user_id, endpoint, p256dh, auth, label, "
            "created_at) SELECT id, 'https://fcm.googleapis.com/fcm/send/bench-' || id, "
            "repeat('B', 87), repeat('A', 22), '', now() FROM auth_user"
        )
    conn.execute("VACUUM (ANALYZE) planner_pushsubscription")
    return int(scalar(conn, "SELECT count(*) FROM planner_pushsubscription"))


def run_dispatch(batch_size: int, enqueue: Any = enqueue_send) -> tuple[float, int]:
    connection.ensure_connection()
    t0 = time.perf_counter()
    claimed = dispatch.dispatch_due(NOW, enqueue=enqueue, batch_size=batch_size)
    return time.perf_counter() - t0, claimed


def check_dispatch(conn: psycopg.Connection, r: redis.Redis, due: int) -> dict[str, Any]:
    """Every due row claimed and advanced, one delivery each, and every delivery id in
    exactly one queued message (checked after the timer stops)."""
    deliveries = scalar(conn, "SELECT count(*) FROM planner_delivery")
    left = scalar(conn, "SELECT count(*) FROM planner_reminder WHERE next_due_at <= %s", [NOW])
    raw_messages = r.lrange(QUEUE, 0, -1)
    ids = message_ids(raw_messages)
    db_ids = [i for (i,) in conn.execute("SELECT id FROM planner_delivery").fetchall()]
    ids_match = len(ids) == len(set(ids)) and sorted(ids) == sorted(db_ids)
    ok = deliveries == due and left == 0 and ids_match
    return {
        "deliveries": deliveries,
        "still_due": left,
        "messages": len(raw_messages),
        "message_ids_match_deliveries": ids_match,
        "ok": ok,
    }


def message_ids(raw_messages: list[Any]) -> list[int]:
    ids: list[int] = []
    for m in raw_messages:
        envelope = json.loads(m)
        body = envelope["body"]
        if envelope["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args, _kwargs, _embed = json.loads(body)
        ids += args[0]
    return ids


def floor_inputs(
    rows: list[tuple[int, int, dtime, date, datetime, str]],
) -> tuple[list[tuple[Any, ...]], list[tuple[datetime, date, list[int]]]]:
    """The delivery rows to COPY, and the reminder UPDATEs: the same values the dispatcher
    writes (schedule.next_occurrence per (zone, local time)), computed outside the timer."""
    copy_rows = [
        (plan_id, "reminder", local_day, due_at, "pending", 0, NOW, "")
        for _id, plan_id, _t, local_day, due_at, _z in rows
    ]
    groups: dict[tuple[str, dtime], list[int]] = defaultdict(list)
    for rid, _plan, local_time, _d, _due, zone in rows:
        groups[(zone, local_time)].append(rid)
    updates = []
    for (zone, local_time), ids in groups.items():
        next_at, next_day = schedule.next_occurrence(local_time, zone, NOW)
        updates.append((next_at, next_day, ids))
    return copy_rows, updates


def run_floor(
    conn: psycopg.Connection,
    r: redis.Redis,
    copy_rows: list[tuple[Any, ...]],
    updates: list[tuple[datetime, date, list[int]]],
    messages: list[Any],
) -> dict[str, float]:
    t0 = time.perf_counter()
    with conn.transaction(), conn.cursor() as cur:
        with cur.copy(
            "COPY planner_delivery (plan_id, kind, local_date, due_at, state, attempts, "
            "created_at, last_error) FROM STDIN"
        ) as copy:
            for row in copy_rows:
                copy.write_row(row)
        t1 = time.perf_counter()
        for next_at, next_day, ids in updates:
            cur.execute(
                "UPDATE planner_reminder SET next_due_at = %s, next_local_date = %s "
                "WHERE id = ANY(%s)",
                [next_at, next_day, ids],
            )
    t2 = time.perf_counter()  # committed
    pipe = r.pipeline(transaction=False)
    for m in messages:
        pipe.lpush(QUEUE, m)
    pipe.execute()
    t3 = time.perf_counter()
    return {
        "copy_s": t1 - t0,
        "update_commit_s": t2 - t1,
        "push_s": t3 - t2,
        "floor_s": t3 - t0,
    }


def run_read(conn: psycopg.Connection) -> float:
    """Not part of the floor: one plain SELECT of the due rows (with the zone), for context."""
    t0 = time.perf_counter()
    due_rows(conn)
    return time.perf_counter() - t0


def instrumented_dispatch(batch_size: int, explain_at: int) -> dict[str, Any]:
    """dispatch_due's loop, with each phase timed (wrapping the module's functions in this
    process only) and EXPLAIN of the claim query before batch `explain_at`."""
    phases: dict[str, float] = defaultdict(float)
    # _advance calls _next_occurrences (Python) and then runs the UPDATE: both are timed.
    originals = {
        n: getattr(dispatch, n)
        for n in ("_claim_due", "_insert_deliveries", "_advance", "_next_occurrences")
    }

    def timed(name: str) -> Any:
        fn = originals[name]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] += time.perf_counter() - t

        return wrapper

    def enqueue(chunks: list[list[int]]) -> None:
        t = time.perf_counter()
        enqueue_send(chunks)
        phases["enqueue"] += time.perf_counter() - t
        phases["messages"] += len(chunks)

    per_batch = []
    mid_plan = None
    for name in originals:
        setattr(dispatch, name, timed(name))
    try:
        n = 0
        while True:
            if n == explain_at:
                mid_plan = explain(claim_sql(batch_size))
            before = dict(phases)
            t = time.perf_counter()
            claimed = dispatch.dispatch_batch(NOW, enqueue, batch_size)
            total = time.perf_counter() - t
            if not claimed:
                break
            d = {k: phases[k] - before.get(k, 0.0) for k in phases}
            per_batch.append(
                {
                    "batch": n,
                    "claimed": claimed,
                    "total_s": total,
                    "claim_s": d.get("_claim_due", 0.0),
                    "insert_s": d.get("_insert_deliveries", 0.0),
                    "advance_s": d.get("_advance", 0.0),
                    "next_occurrences_s": d.get("_next_occurrences", 0.0),
                    "enqueue_s": d.get("enqueue", 0.0),
                    "messages": int(d.get("messages", 0)),
                }
            )
            n += 1
    finally:
        for name, fn in originals.items():
            setattr(dispatch, name, fn)
    for b in per_batch:
        b["commit_and_rest_s"] = (
            b["total_s"] - b["claim_s"] - b["insert_s"] - b["advance_s"] - b["enqueue_s"]
        )
    for b in per_batch:
        b["advance_update_s"] = b["advance_s"] - b["next_occurrences_s"]
    keys = [
        "total_s",
        "claim_s",
        "insert_s",
        "advance_s",
        "next_occurrences_s",
        "advance_update_s",
        "enqueue_s",
        "commit_and_rest_s",
        "messages",
    ]
    totals = {k: sum(b[k] for b in per_batch) for k in keys}
    third = max(1, len(per_batch) // 3)
    return {
        "batch_size": batch_size,
        "batches": len(per_batch),
        "totals": totals,
        "claim_s_first_third_mean": statistics.mean(b["claim_s"] for b in per_batch[:third]),
        "claim_s_last_third_mean": statistics.mean(b["claim_s"] for b in per_batch[-third:]),
        "per_batch": per_batch,
        "mid_run_explain": mid_plan,
    }


def profiled_dispatch(batch_size: int) -> dict[str, Any]:
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    dispatch.dispatch_due(NOW, enqueue=enqueue_send, batch_size=batch_size)
    prof.disable()
    wall = time.perf_counter() - t0
    out = {}
    for key in ("cumulative", "tottime"):
        s = io.StringIO()
        pstats.Stats(prof, stream=s).strip_dirs().sort_stats(key).print_stats(30)
        out[key] = s.getvalue()
    return {"batch_size": batch_size, "wall_s_under_profiler": wall, "top": out}


# --- What-if (opt-in): NOT the application as written or configured -----------------------------


def _run_server_side_binding(batch_size: int) -> tuple[float, int]:
    """The same dispatch_due on a connection opened with OPTIONS server_side_binding=True."""
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("server_side_binding", None)
    connection.close()
    options["server_side_binding"] = True
    try:
        return run_dispatch(batch_size)
    finally:
        connection.close()
        if saved is None:
            options.pop("server_side_binding", None)
        else:
            options["server_side_binding"] = saved


WHAT_IF: dict[str, tuple[str, Callable[[int], tuple[float, int]]]] = {
    "server_side_binding": (
        "Django connection OPTIONS server_side_binding=True (psycopg sends parameters "
        "separately; it still dumps each list element by element in Python)",
        _run_server_side_binding,
    ),
}


# --- Report ------------------------------------------------------------------------------------


def machine(conn: psycopg.Connection, r: redis.Redis) -> dict[str, Any]:
    import celery
    import kombu

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()),
        "cpu": cpu,
        "load_avg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "postgresql": scalar(conn, "SHOW server_version"),
        "redis": r.info("server")["redis_version"],
        "django": django.get_version(),
        "celery": celery.__version__,
        "kombu": kombu.__version__,
        "psycopg": psycopg.__version__,
        "redis_py": redis.__version__,
        "debug": settings.DEBUG,
        "pg_settings": dict(
            conn.execute(
                "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name IN "
                "('shared_buffers', 'synchronous_commit', 'fsync', 'work_mem', 'max_wal_size', "
                "'autovacuum', 'jit')"
            ).fetchall()
        ),
    }


def med(values: list[float]) -> float:
    return statistics.median(values)


def write_markdown(res: dict[str, Any], path: Path) -> None:
    m = res["machine"]
    p = res["params"]
    default = dispatch.BATCH_SIZE
    lines = [
        "# Dispatch benchmark",
        "",
        f"- date: {m['date']}; nproc: {m['nproc']} ({m['cpu']}); load at start: "
        f"{', '.join(f'{x:.2f}' for x in m['load_avg_at_start'])}",
        f"- PostgreSQL {m['postgresql']}, Redis {m['redis']}, Python {m['python']}, "
        f"Django {m['django']}, Celery {m['celery']}, psycopg {m['psycopg']}; DEBUG={m['debug']}",
        f"- data: {p['plans']:,} plans/reminders, {p['due']:,} due at {p['now']} in "
        f"{len(res['data']['due_groups'])} (zone, local time) groups; "
        f"{res['data']['reminders_null_next_due_at']:,} off/paused (NULL next_due_at)",
        f"- {p['rounds']} rounds; each measurement after the same reset (VACUUM ANALYZE, "
        "CHECKPOINT, empty queue)",
        "",
        "Floor = COPY of the delivery rows + UPDATE of the reminder rows (one statement per "
        "(zone, local time), one transaction) + one Redis pipeline LPUSH of the same "
        f"{res['rounds'][0]['floor']['messages']} Celery messages.",
        "",
        "| round | floor s (copy / update+commit / push) | "
        + " | ".join(f"dispatch b={b} s (ratio)" for b in p["batch_sizes"])
        + " |",
        "| --- | --- | " + " | ".join("---" for _ in p["batch_sizes"]) + " |",
    ]
    for rd in res["rounds"]:
        f = rd["floor"]
        cells = [
            f"{rd['dispatch'][str(b)]['seconds']:.2f} ({rd['dispatch'][str(b)]['ratio']:.2f}x)"
            for b in p["batch_sizes"]
        ]
        lines.append(
            f"| {rd['round']} | {f['floor_s']:.2f} ({f['copy_s']:.2f} / "
            f"{f['update_commit_s']:.2f} / {f['push_s']:.3f}) | " + " | ".join(cells) + " |"
        )
    s = res["summary"]
    cells = [
        f"{s['dispatch'][str(b)]['median_s']:.2f} ({s['dispatch'][str(b)]['median_ratio']:.2f}x)"
        for b in p["batch_sizes"]
    ]
    lines.append(f"| **median** | {s['floor_median_s']:.2f} | " + " | ".join(cells) + " |")
    d = s["dispatch"][str(default)]
    lines += [
        "",
        f"Target: dispatch (default BATCH_SIZE={default}) within {TARGET_RATIO:g}x of the floor: "
        f"median ratio **{d['median_ratio']:.2f}x** -> "
        f"**{'met' if d['median_ratio'] <= TARGET_RATIO else 'NOT met'}**. "
        f"Median throughput {p['due'] / d['median_s']:,.0f} reminders/s. "
        f"(A plain SELECT of the due rows, not in the floor: median {s['read_median_s']:.2f} s.)",
        "",
        "With push (issue 20, point 6): every user given one push device "
        f"({res['rounds'][0]['push']['devices']:,}, so every plan's runner has push on). The "
        "dispatcher still writes one delivery a reminder (the email's; "
        f"{res['rounds'][0]['push']['push_deliveries']:,} push rows after it): each email's "
        "sender writes its push beside it (planner.delivery.notify._write_pushes), in the "
        f"worker processes, which run in parallel. b={default}: "
        f"{', '.join(f'{x:.2f}' for x in s['push']['each_s'])} s, "
        f"{', '.join(f'{x:.2f}x' for x in s['push']['each_ratio_to_without'])} of the same "
        f"round's dispatch without push; median **{s['push']['median_ratio_to_without']:.2f}x** "
        f"against a target of {s['push']['target_ratio']:g}x -> "
        f"**{'met' if s['push']['target_met'] else 'NOT met'}**; all checks ok: "
        f"{s['push']['all_ok']}.",
        "",
        f"Claim query uses `reminder_due`: **{res['explain']['uses_reminder_due_index']}** "
        f"({', '.join(res['explain']['reminder_due_scan_nodes']) or 'no scan of it'}; "
        f"plan before the run, batch of {default}):",
        "",
        "```",
        res["explain"]["plan"],
        "```",
        "",
        "Claim query as Django sends it:",
        "",
        "```sql",
        res["explain"]["sql"],
        "```",
    ]
    for name, w in s.get("what_if", {}).items():
        lines += [
            "",
            f"What-if `{name}` (NOT the application as written: {w['what']}; in the bench "
            f"process only, b={w['batch_size']}, same rounds, resets and checks): "
            f"{', '.join(f'{x:.2f}' for x in w['each_s'])} s "
            f"({', '.join(f'{x:.2f}x' for x in w['each_ratio'])}); median {w['median_s']:.2f} s, "
            f"**{w['median_ratio']:.2f}x**; all checks ok: {w['all_ok']}.",
        ]
    inst = res.get("instrumented")
    if inst:
        t = inst["totals"]
        lines += [
            "",
            f"Where the dispatcher's time goes (one instrumented run, b={inst['batch_size']}, "
            f"{inst['batches']} batches, total {t['total_s']:.2f} s): claim {t['claim_s']:.2f} s, "
            f"insert deliveries {t['insert_s']:.2f} s, advance {t['advance_s']:.2f} s "
            f"(next occurrences in Python {t['next_occurrences_s']:.2f} s, UPDATE "
            f"{t['advance_update_s']:.2f} s), enqueue {t['enqueue_s']:.2f} s "
            f"({t['messages']:.0f} messages), commit and the rest "
            f"{t['commit_and_rest_s']:.2f} s. "
            f"Claim per batch: {inst['claim_s_first_third_mean'] * 1000:.1f} ms in the first "
            f"third, {inst['claim_s_last_third_mean'] * 1000:.1f} ms in the last third.",
        ]
        if inst.get("mid_run_explain"):
            lines += [
                "",
                "Claim query plan half-way through the run "
                f"(uses `reminder_due`: {inst['mid_run_explain']['uses_reminder_due_index']}, "
                f"{', '.join(inst['mid_run_explain']['reminder_due_scan_nodes'])}):",
                "",
                "```",
                inst["mid_run_explain"]["plan"],
                "```",
            ]
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--plans", type=int, default=1_000_000)
    ap.add_argument("--due", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--batch-sizes",
        default=f"{dispatch.BATCH_SIZE},500,10000",
        help="comma-separated; the first should be the default BATCH_SIZE",
    )
    ap.add_argument("--rebuild", action="store_true", help="rebuild the data even if present")
    ap.add_argument("--profile", action="store_true", help="cProfile one dispatch in any case")
    ap.add_argument(
        "--what-if",
        action="store_true",
        help="also time candidate changes (server-side binding; arrays as literals), "
        "patched into this process only",
    )
    ap.add_argument("--out", default=str(RESULTS / "dispatch"), help="results path, no suffix")
    args = ap.parse_args()
    if args.due > args.plans:
        sys.exit("--due must not exceed --plans")
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]

    ensure_database()
    log("migrating")
    call_command("migrate", verbosity=0)
    conn = raw()
    r = broker()
    r.ping()

    build_timings = None
    if args.rebuild or not is_built(conn, args.plans, args.due):
        log(f"building {args.plans:,} plans, {args.due:,} due")
        build_timings = build(conn, args.plans, args.due)
        log(f"built in {build_timings['total_s']:.1f} s: {build_timings}")
    else:
        log("reusing the data already built")
    rows = due_rows(conn)
    due_ids = [row[0] for row in rows]
    if len(due_ids) != args.due:  # a previous run stopped half-way: put the due rows back
        due_ids = [
            rid
            for (rid,) in conn.execute(
                "SELECT id FROM planner_reminder WHERE (plan_id * %s) %% %s < %s",
                [PERMUTE, args.plans, args.due],
            ).fetchall()
        ]
    reset(conn, r, due_ids)
    data = describe_data(conn)
    log(f"data: {json.dumps({k: v for k, v in data.items() if k != 'due_groups'})}")
    rows = due_rows(conn)
    copy_rows, updates = floor_inputs(rows)

    # The plan of the claim query, before any dispatch, exactly as Django sends it.
    sql = claim_sql(dispatch.BATCH_SIZE)
    plan = explain(sql)
    plan["sql"] = sql
    log("claim query plan:\n" + plan["plan"])
    log(f"uses reminder_due: {plan['uses_reminder_due_index']}")
    reset(conn, r, due_ids)  # EXPLAIN ANALYZE touched the rows; start clean

    # Warm-up: not timed; checks the result and captures the messages for the floor.
    log("warm-up dispatch")
    secs, claimed = run_dispatch(dispatch.BATCH_SIZE)
    check = check_dispatch(conn, r, args.due)
    raw_messages = list(reversed(r.lrange(QUEUE, 0, -1)))  # LPUSH: newest first
    check["claimed"] = claimed
    check["seconds"] = secs
    advanced_ok = scalar(
        conn,
        "SELECT count(*) FROM planner_reminder r JOIN planner_plan p ON p.id = r.plan_id "
        "WHERE r.id = ANY(%s) AND r.next_due_at > %s AND r.next_due_at <= %s "
        "AND (r.next_due_at AT TIME ZONE p.time_zone)::time = r.local_time",
        [due_ids, NOW, NOW + timedelta(days=1)],
    )
    check["advanced_to_next_local_occurrence"] = advanced_ok
    log(f"warm-up: {check}")
    if not (check["ok"] and advanced_ok == args.due):
        sys.exit(f"the dispatcher's result is wrong: {check}")

    rounds = []
    variants: list[Any] = ["floor", *batch_sizes, "push"]
    if args.what_if:
        variants += [f"whatif:{name}" for name in WHAT_IF]
    for i in range(args.rounds):
        order = variants[i % len(variants) :] + variants[: i % len(variants)]
        rd: dict[str, Any] = {
            "round": i + 1,
            "order": [str(v) for v in order],
            "dispatch": {},
            "what_if": {},
        }
        for v in order:
            reset(conn, r, due_ids)
            if v == "floor":
                f = run_floor(conn, r, copy_rows, updates, raw_messages)
                f["messages"] = r.llen(QUEUE)
                assert f["messages"] == len(raw_messages), (f["messages"], len(raw_messages))
                f["deliveries"] = scalar(conn, "SELECT count(*) FROM planner_delivery")
                rd["floor"] = f
                log(f"round {i + 1} floor: {f}")
            elif v == "push":
                devices = every_runner_on_push(conn, True)
                reset(conn, r, due_ids)
                secs, claimed = run_dispatch(dispatch.BATCH_SIZE)
                # The dispatcher writes the emails; each email's sender writes its push.
                c = check_dispatch(conn, r, args.due)
                pushes = scalar(
                    conn, "SELECT count(*) FROM planner_delivery WHERE channel = 'push'"
                )
                every_runner_on_push(conn, False)
                rd["push"] = {
                    "seconds": secs,
                    "claimed": claimed,
                    "devices": devices,
                    "push_deliveries": pushes,
                    **c,
                }
                log(f"round {i + 1} dispatch with push b={dispatch.BATCH_SIZE}: {secs:.3f} s {c}")
            elif isinstance(v, str) and v.startswith("whatif:"):
                name = v.split(":", 1)[1]
                secs, claimed = WHAT_IF[name][1](dispatch.BATCH_SIZE)
                c = check_dispatch(conn, r, args.due)
                rd["what_if"][name] = {"seconds": secs, "claimed": claimed, **c}
                log(f"round {i + 1} what-if {name} b={dispatch.BATCH_SIZE}: {secs:.3f} s {c}")
            else:
                secs, claimed = run_dispatch(v)
                c = check_dispatch(conn, r, args.due)
                rd["dispatch"][str(v)] = {"seconds": secs, "claimed": claimed, **c}
                log(f"round {i + 1} dispatch b={v}: {secs:.3f} s {c}")
        reset(conn, r, due_ids)
        rd["read_s"] = run_read(conn)
        for v in batch_sizes:
            rd["dispatch"][str(v)]["ratio"] = (
                rd["dispatch"][str(v)]["seconds"] / rd["floor"]["floor_s"]
            )
        for w in rd["what_if"].values():
            w["ratio"] = w["seconds"] / rd["floor"]["floor_s"]
        rd["push"]["ratio_to_without"] = (
            rd["push"]["seconds"] / rd["dispatch"][str(dispatch.BATCH_SIZE)]["seconds"]
        )
        rounds.append(rd)

    summary: dict[str, Any] = {
        "floor_median_s": med([rd["floor"]["floor_s"] for rd in rounds]),
        "floor_parts_median_s": {
            k: med([rd["floor"][k] for rd in rounds])
            for k in ("copy_s", "update_commit_s", "push_s")
        },
        "read_median_s": med([rd["read_s"] for rd in rounds]),
        "dispatch": {},
    }
    for v in batch_sizes:
        secs_list = [rd["dispatch"][str(v)]["seconds"] for rd in rounds]
        ratios = [rd["dispatch"][str(v)]["ratio"] for rd in rounds]
        summary["dispatch"][str(v)] = {
            "median_s": med(secs_list),
            "each_s": secs_list,
            "median_ratio": med(ratios),
            "each_ratio": ratios,
            "ratio_of_medians": med(secs_list) / summary["floor_median_s"],
            "all_ok": all(rd["dispatch"][str(v)]["ok"] for rd in rounds),
        }
    if args.what_if:
        summary["what_if"] = {
            name: {
                "what": what,
                "batch_size": dispatch.BATCH_SIZE,
                "median_s": med([rd["what_if"][name]["seconds"] for rd in rounds]),
                "each_s": [rd["what_if"][name]["seconds"] for rd in rounds],
                "median_ratio": med([rd["what_if"][name]["ratio"] for rd in rounds]),
                "each_ratio": [rd["what_if"][name]["ratio"] for rd in rounds],
                "all_ok": all(rd["what_if"][name]["ok"] for rd in rounds),
            }
            for name, (what, _run) in WHAT_IF.items()
        }
    default_ratio = (
        summary["dispatch"][str(dispatch.BATCH_SIZE)]["median_ratio"]
        if str(dispatch.BATCH_SIZE) in summary["dispatch"]
        else summary["dispatch"][str(batch_sizes[0])]["median_ratio"]
    )
    push_ratios = [rd["push"]["ratio_to_without"] for rd in rounds]
    summary["push"] = {
        "median_s": med([rd["push"]["seconds"] for rd in rounds]),
        "each_s": [rd["push"]["seconds"] for rd in rounds],
        "median_ratio_to_without": med(push_ratios),
        "each_ratio_to_without": push_ratios,
        "target_ratio": PUSH_TARGET_RATIO,
        "target_met": med(push_ratios) <= PUSH_TARGET_RATIO,
        "all_ok": all(rd["push"]["ok"] and rd["push"]["push_deliveries"] == 0 for rd in rounds),
    }
    summary["target_ratio"] = TARGET_RATIO
    summary["target_met"] = default_ratio <= TARGET_RATIO
    summary["claim_uses_reminder_due"] = plan["uses_reminder_due_index"]

    log("instrumented dispatch (per phase, EXPLAIN half-way)")
    reset(conn, r, due_ids)
    inst = instrumented_dispatch(
        dispatch.BATCH_SIZE, explain_at=(args.due // dispatch.BATCH_SIZE) // 2
    )
    log(f"instrumented: {inst['totals']}")

    prof = None
    if args.profile or default_ratio > TARGET_RATIO:
        log("cProfile'd dispatch")
        reset(conn, r, due_ids)
        prof = profiled_dispatch(dispatch.BATCH_SIZE)
        log(prof["top"]["tottime"])
    reset(conn, r, due_ids)

    res = {
        "machine": machine(conn, r),
        "params": {
            "plans": args.plans,
            "due": args.due,
            "now": NOW.isoformat(),
            "rounds": args.rounds,
            "batch_sizes": batch_sizes,
            "default_batch_size": dispatch.BATCH_SIZE,
            "send_chunk": dispatch.SEND_CHUNK,
            "zones": ZONES,
            "due_zones": DUE_ZONES,
        },
        "build": build_timings,
        "data": data,
        "warmup_check": check,
        "explain": plan,
        "rounds": rounds,
        "summary": summary,
        "instrumented": inst,
        "profile": prof,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(res, indent=2, default=str) + "\n")
    write_markdown(res, out.with_suffix(".md"))
    log(f"wrote {out.with_suffix('.json')} and {out.with_suffix('.md')}")
    print(out.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
