"""The peer, side by side: django-celery-beat with one entry per user against the dispatcher.

Run from the checkout (see bench/README.md); needs PostgreSQL, Redis and the `bench` extra
(`pip install -e '.[bench]'`, which brings django-celery-beat):

    .venv/bin/python bench/beat_peer.py [--users 10000,100000 --cap-seconds 900]

For each size in `--users` (a tenth of them due in the same minute):

1. Builds the data with raw SQL (generate_series) in the database `beat_peer` (created and
   migrated with bench/beat_peer_settings.py, the app's settings plus django_celery_beat):
   one user, one active plan and one reminder per user, in the 20 zones of
   bench/dispatch_bench.py. A tenth of the users (picked evenly) are due at the minute M,
   a whole minute at least `--lead-seconds` ahead, in 8 zones, each at the local time M shows
   there; the others at a minute within the next 24 hours, at the local time it shows.
   The same times as django-celery-beat rows: one CrontabSchedule per (zone, local time),
   one PeriodicTask per user (`crontab`, the user's local time in the user's zone, task
   `r`, args `[user id]`).
2. Beat: starts a real `celery -A planner beat` with django_celery_beat's DatabaseScheduler
   (loglevel INFO) on Redis db 10, and samples every 0.25 s the messages queued on the broker
   (LLEN of the `celery` list: no worker runs), beat's CPU time and RSS (/proc). It records
   when beat had read its schedule (the `beat_init` signal, written by the bench settings),
   the time from M until the last due message is queued, and stops beat once all are queued
   or `--cap-seconds` after M (reporting how many it had sent by then). Then it times, in
   this process, the scheduler's own load (DatabaseScheduler(...) on the same rows) and the
   first tick that builds its heap.
3. Dispatcher: rebuilds the same data with a new M, starts a child process (planner.settings,
   Redis db 11) that imports the app, waits for M and calls
   `planner.delivery.dispatch.dispatch_due(now, enqueue=planner.delivery.tasks.enqueue_send)`
   once, as the app's one beat entry does at the start of each minute; it records the same
   figures (time from M until the last message is queued, CPU, peak RSS), checks one delivery
   per due reminder, and that every due reminder moved to its next occurrence.
4. Writes bench/results/beat_peer.json and bench/results/beat_peer.md.
"""

from __future__ import annotations

import argparse
import ast
import base64
import json
import math
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BEAT_PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/beat_peer")
BEAT_BROKER = "redis://127.0.0.1:6379/10"
DISPATCH_BROKER = "redis://127.0.0.1:6379/11"
CHILD = "--dispatch-child" in sys.argv
os.environ["DATABASE_URL"] = DB_URL
os.environ["CELERY_BROKER_URL"] = DISPATCH_BROKER
# The orchestrator needs django_celery_beat's tables and scheduler; the dispatcher's child
# runs the app exactly as configured.
os.environ["DJANGO_SETTINGS_MODULE"] = "planner.settings" if CHILD else "bench.beat_peer_settings"
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import redis  # noqa: E402
from dispatch_bench import (  # noqa: E402
    DUE_ZONES,
    PERMUTE,
    ZONES,
    ensure_database,
    log,
    machine,
    raw,
    scalar,
)
from django.core.management import call_command  # noqa: E402

QUEUE = "celery"
TICK = os.sysconf("SC_CLK_TCK")
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


# --- Process figures ----------------------------------------------------------------------------


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a live process (fields 14 and 15 of /proc/pid/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def proc_rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) in MB from /proc/pid/status."""
    now = peak = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return now, peak


def self_rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE_MB


# --- Data ---------------------------------------------------------------------------------------


def next_minute(lead_s: float) -> datetime:
    """The first whole UTC minute at least lead_s from now."""
    t = datetime.now(UTC) + timedelta(seconds=lead_s)
    return t.replace(second=0, microsecond=0) + timedelta(minutes=1)


def build(conn: psycopg.Connection, users: int, due_at: datetime, gap: int) -> dict[str, Any]:
    """Users, plans, reminders and the beat rows for them; a tenth due at due_at, none of
    the others within `gap` minutes after it (so every message beat sends before its cap is
    one of the minute's) nor between now and due_at (a daily crontab an hour before due_at
    would fire today, while beat waits for M)."""
    from conditions.models import Condition, Source
    from planner.models import Program

    t0 = time.perf_counter()
    due = users // 10
    conn.execute(
        "TRUNCATE auth_user, conditions_source, planner_plan, planner_reminder, "
        "planner_delivery, django_celery_beat_periodictask, django_celery_beat_crontabschedule, "
        "django_celery_beat_periodictasks RESTART IDENTITY CASCADE"
    )
    source = Source.objects.create(slug="bench", title="Bench", kind=Source.Kind.ARTICLE)
    condition = Condition.objects.create(
        slug="bench", source=source, name="Bench condition", summary="-", care="home_exercise"
    )
    program = Program.objects.create(
        slug="bench", name="Bench program", condition=condition, weeks=6, source=source
    )
    built_at = datetime.now(UTC)
    p = {
        "users": users,
        "due": due,
        "at": due_at,
        "built_at": built_at,
        "program": program.id,
        "zones": ZONES,
        "due_zones": DUE_ZONES,
        "n_zones": len(ZONES),
        "n_due_zones": len(DUE_ZONES),
        "start": due_at.date() - timedelta(days=10),
        "perm": PERMUTE,
        "gap": gap,
        "before": math.ceil((due_at - built_at).total_seconds() / 60) + 1,
    }
    with conn.transaction():
        # As in dispatch_bench: consistent by construction, so no per-row FK triggers.
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(
            """
            CREATE TEMP TABLE bench_when ON COMMIT DROP AS
            SELECT u,
                CASE WHEN (u * %(perm)s) %% %(users)s < %(due)s
                     THEN (%(due_zones)s::text[])[1 + (u * 13) %% %(n_due_zones)s]
                     ELSE (%(zones)s::text[])[1 + (u * 31) %% %(n_zones)s] END AS zone,
                CASE WHEN (u * %(perm)s) %% %(users)s < %(due)s THEN %(at)s::timestamptz
                     ELSE %(at)s::timestamptz
                          + (%(gap)s + (u * 48271) %% (1440 - %(gap)s - %(before)s))
                            * interval '1 minute'
                END AS at
            FROM generate_series(1::bigint, %(users)s) AS u
            """,
            p,
        )
        conn.execute(
            """
            INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name,
                last_name, email, is_staff, is_active, date_joined)
            SELECT u, '!', NULL, false, 'peer' || u, '', '', 'peer' || u || '@example.test',
                false, true, %(built_at)s
            FROM bench_when
            """,
            p,
        )
        conn.execute(
            """
            INSERT INTO planner_plan (id, user_id, program_id, assigned_by_id, start_date,
                time_zone, status, planned_end, projected_end, stop_reason, stop_urgency,
                stop_advice, created_at, updated_at)
            SELECT u, u, %(program)s, NULL, %(start)s, zone, 'active', %(start)s + 42,
                %(start)s + 42, '', '', '', %(built_at)s, %(built_at)s
            FROM bench_when
            """,
            p,
        )
        conn.execute(
            """
            INSERT INTO planner_reminder (id, plan_id, kind, local_time, state, next_due_at,
                next_local_date, updated_at)
            SELECT u, u, 'reminder', (at AT TIME ZONE zone)::time, 'on', at,
                (at AT TIME ZONE zone)::date, %(built_at)s
            FROM bench_when
            """,
            p,
        )
        # One crontab per (zone, local time), shared by the users it fits, as
        # CrontabSchedule.objects.get_or_create would leave them.
        conn.execute(
            """
            INSERT INTO django_celery_beat_crontabschedule (minute, hour, day_of_week,
                day_of_month, month_of_year, timezone)
            SELECT DISTINCT extract(minute FROM at AT TIME ZONE zone)::int::text,
                extract(hour FROM at AT TIME ZONE zone)::int::text, '*', '*', '*', zone
            FROM bench_when
            """
        )
        # date_changed before M: a new entry's last run counts from it, so the first run
        # is at the next occurrence of its crontab, M for the due ones.
        conn.execute(
            """
            INSERT INTO django_celery_beat_periodictask (name, task, args, kwargs, queue,
                exchange, routing_key, expires, enabled, last_run_at, total_run_count,
                date_changed, description, crontab_id, interval_id, solar_id, one_off,
                start_time, priority, headers, clocked_id, expire_seconds)
            SELECT 'reminder-' || w.u, 'r', '[' || w.u || ']', '{}', NULL, NULL, NULL, NULL,
                true, NULL, 0, %(built_at)s, '', c.id, NULL, NULL, false, NULL, NULL, '{}',
                NULL, NULL
            FROM bench_when AS w
            JOIN django_celery_beat_crontabschedule AS c
              ON c.timezone = w.zone
             AND c.minute = extract(minute FROM w.at AT TIME ZONE w.zone)::int::text
             AND c.hour = extract(hour FROM w.at AT TIME ZONE w.zone)::int::text
            ORDER BY w.u
            """,
            p,
        )
        conn.execute(
            "INSERT INTO django_celery_beat_periodictasks (ident, last_update) "
            "VALUES (1, %(built_at)s)",
            p,
        )
        for table in ("auth_user", "planner_plan", "planner_reminder"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    conn.execute(
        "VACUUM (ANALYZE) auth_user, planner_plan, planner_reminder, planner_delivery, "
        "django_celery_beat_periodictask, django_celery_beat_crontabschedule"
    )
    conn.execute("CHECKPOINT")
    data = {
        "users": scalar(conn, "SELECT count(*) FROM auth_user"),
        "reminders": scalar(conn, "SELECT count(*) FROM planner_reminder"),
        "reminders_due_at_m": scalar(
            conn, "SELECT count(*) FROM planner_reminder WHERE next_due_at = %s", [due_at]
        ),
        "periodic_tasks": scalar(conn, "SELECT count(*) FROM django_celery_beat_periodictask"),
        "crontab_schedules": scalar(
            conn, "SELECT count(*) FROM django_celery_beat_crontabschedule"
        ),
        "build_s": round(time.perf_counter() - t0, 2),
    }
    assert data["reminders_due_at_m"] == due, data
    assert data["periodic_tasks"] == users, data
    return data


# --- Beat ---------------------------------------------------------------------------------------


def watch(
    pid: int,
    r: redis.Redis,
    due_at: datetime,
    expected: int,
    cap_s: float,
    started: float,
    mark: Path | None = None,
    done: Any = None,
) -> dict[str, Any]:
    """Sample the queue length, CPU and RSS of pid until `expected` messages are queued, the
    cap after due_at passes, or `done()` says the process finished."""
    m = due_at.timestamp()
    samples: list[tuple[float, int, float, float]] = []
    first_at: float | None = None
    last_at: float | None = None
    last_count = 0
    cpu_at_m: float | None = None
    loaded: dict[str, Any] | None = None
    peak = 0.0
    cpu = 0.0
    before_m = 0
    while True:
        now = time.time()
        try:
            cpu = proc_cpu_s(pid)
            rss, peak = proc_rss_mb(pid)
        except (FileNotFoundError, ProcessLookupError):
            break
        count = int(r.llen(QUEUE))
        # Whatever was queued before M is not the minute's (the data leaves nothing due
        # then; this keeps the count honest if something was).
        if now < m:
            before_m = count
        count -= before_m
        if count and first_at is None:
            first_at = now
        if count > last_count:
            last_at, last_count = now, count
        if cpu_at_m is None and now >= m:
            cpu_at_m = cpu
        if loaded is None and mark is not None and mark.exists() and mark.stat().st_size:
            loaded = json.loads(mark.read_text())
            loaded["cpu_s"] = cpu
            loaded["rss_mb"] = rss
        samples.append((round(now - m, 2), count, round(cpu, 2), round(rss, 1)))
        if count >= expected or now >= m + cap_s or (done is not None and done()):
            break
        time.sleep(0.25)
    return {
        "messages": last_count,
        "messages_before_m": before_m,
        "expected": expected,
        "all_queued": last_count >= expected,
        "first_message_after_m_s": None if first_at is None else round(first_at - m, 3),
        "last_message_after_m_s": None if last_at is None else round(last_at - m, 3),
        "stopped_after_m_s": round(time.time() - m, 2),
        "cpu_s_total": round(cpu, 2),
        "cpu_s_before_m": None if cpu_at_m is None else round(cpu_at_m, 2),
        "cpu_s_from_m": None if cpu_at_m is None else round(cpu - cpu_at_m, 2),
        "peak_rss_mb": round(peak, 1),
        "loaded": loaded,
        "load_s": None if loaded is None else round(loaded["loaded_at"] - started, 2),
        "loaded_before_m": None if loaded is None else loaded["loaded_at"] < m,
        "sent_by": sent_by(samples),
        "samples_every_10s": samples[::40],
    }


def sent_by(samples: list[tuple[float, int, float, float]]) -> dict[str, int]:
    """Messages queued by 10 s, 1, 5, 10 and 15 minutes after M."""
    out = {}
    for label, secs in (("10s", 10), ("1min", 60), ("5min", 300), ("10min", 600), ("15min", 900)):
        within = [c for t, c, _, _ in samples if t <= secs]
        if within and samples[-1][0] >= secs:
            out[label] = max(within)
    return out


def run_beat(
    users: int, lead_s: float, cap_s: float, conn: psycopg.Connection, in_process: bool
) -> dict[str, Any]:
    r = redis.Redis.from_url(BEAT_BROKER)
    r.delete(QUEUE)
    due_at = next_minute(lead_s)
    data = build(conn, users, due_at, gap_minutes(cap_s))
    log(f"beat: built {data}; due at {due_at:%H:%M:%S}")
    due_users = {
        u
        for (u,) in conn.execute(
            "SELECT plan_id FROM planner_reminder WHERE next_due_at = %s", [due_at]
        ).fetchall()
    }
    mark = Path(f"/tmp/beat_peer_{os.getpid()}.json")
    mark.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.beat_peer_settings",
        "CELERY_BROKER_URL": BEAT_BROKER,
        "BEAT_PEER_MARK": str(mark),
        "PYTHONPATH": str(ROOT),
        "LOG_FORMAT": "plain",
    }
    beat_log = Path(f"/tmp/beat_peer_{os.getpid()}.log")
    started = time.time()
    with beat_log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "planner",
                "beat",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        res = watch(proc.pid, r, due_at, users // 10, cap_s, started, mark)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    res["data"] = data
    res["due_at"] = due_at.isoformat()
    res["queued_check"] = check_beat_messages(r, due_users)
    res["log_tail"] = beat_log.read_text().splitlines()[-5:]
    mark.unlink(missing_ok=True)
    r.delete(QUEUE)
    log(f"beat: {json.dumps({k: v for k, v in res.items() if k != 'samples_every_10s'})}")
    # Only when beat itself got through its load: the same read in this process would take
    # as long again.
    res["in_process"] = scheduler_load() if in_process and res["loaded"] is not None else None
    log(f"beat scheduler in-process: {res['in_process']}")
    return res


def gap_minutes(cap_s: float) -> int:
    return math.ceil(cap_s / 60) + 2


def check_beat_messages(r: redis.Redis, due_users: set[int]) -> dict[str, Any]:
    """After beat stopped (not timed): which users the queued messages are for."""
    users = []
    for raw_message in r.lrange(QUEUE, 0, -1):
        message = json.loads(raw_message)
        args = json.loads(base64.b64decode(message["body"]))[0]
        users.append(int(args[0]))
    return {
        "messages": len(users),
        "distinct_users": len(set(users)),
        "all_for_due_users": set(users) <= due_users,
    }


def scheduler_load() -> dict[str, Any]:
    """DatabaseScheduler's own load on the same rows, timed in this process: construction
    (reads the enabled entries and builds one entry object each) and the first tick (builds
    the heap: is_due of every entry). Nothing is due now, so the tick sends nothing."""
    from django_celery_beat.schedulers import DatabaseScheduler

    from planner.celery import app

    app.conf.broker_url = BEAT_BROKER
    rss0 = self_rss_mb()
    c0, t0 = time.process_time(), time.perf_counter()
    scheduler = DatabaseScheduler(app=app)
    load_s, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    entries = len(scheduler._schedule or {})
    rss1 = self_rss_mb()
    t1 = time.perf_counter()
    scheduler.tick()
    tick_s = time.perf_counter() - t1
    return {
        "entries": entries,
        "load_s": round(load_s, 3),
        "load_cpu_s": round(load_cpu, 3),
        "rss_growth_mb": round(rss1 - rss0, 1),
        "first_tick_s": round(tick_s, 3),
    }


# --- Dispatcher ---------------------------------------------------------------------------------


def dispatch_child(at: float) -> None:
    """In the child: the app imported and connected, then one dispatch at the due minute."""
    from django.db import connection
    from django.utils import timezone

    from planner.delivery import dispatch
    from planner.delivery.tasks import enqueue_send

    # A worker has its connection open and its broker pool ready when the beat tick arrives.
    connection.ensure_connection()
    from celery import current_app

    with current_app.producer_or_acquire():
        pass
    # And it ran the previous minute's tick: the same call, with nothing due yet.
    assert dispatch.dispatch_due(timezone.now(), enqueue=enqueue_send) == 0
    time.sleep(max(0.0, at - time.time()))
    c0, t0 = time.process_time(), time.time()
    claimed = dispatch.dispatch_due(timezone.now(), enqueue=enqueue_send)
    t1 = time.time()
    print(
        json.dumps({"claimed": claimed, "start": t0, "end": t1, "cpu_s": time.process_time() - c0}),
        flush=True,
    )


def run_dispatcher(users: int, conn: psycopg.Connection) -> dict[str, Any]:
    from planner.delivery.dispatch import SEND_CHUNK

    r = redis.Redis.from_url(DISPATCH_BROKER)
    r.delete(QUEUE)
    due = users // 10
    due_at = next_minute(20 + users / 5000)
    data = build(conn, users, due_at, gap_minutes(120))
    log(f"dispatcher: built {data}; due at {due_at:%H:%M:%S}")
    expected = math.ceil(due / SEND_CHUNK)
    started = time.time()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--dispatch-child", str(due_at.timestamp())],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    res = watch(proc.pid, r, due_at, expected, 120, started, done=lambda: proc.poll() is not None)
    # CPU of the whole child from the kernel once it exits.
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.stdout is not None
    child = json.loads(proc.stdout.read().strip().splitlines()[-1])
    m = due_at.timestamp()
    res.update(
        {
            "due_at": due_at.isoformat(),
            "data": data,
            "claimed": child["claimed"],
            "dispatch_started_after_m_s": round(child["start"] - m, 3),
            "dispatch_wall_s": round(child["end"] - child["start"], 3),
            "dispatch_cpu_s": round(child["cpu_s"], 3),
            "enqueued_after_m_s": round(child["end"] - m, 3),
            "messages": int(r.llen(QUEUE)),
            "cpu_s_total": round(usage.ru_utime + usage.ru_stime, 2),
            # The peak RSS stays VmHWM as sampled while the child ran (reset at exec):
            # ru_maxrss can carry the size of the process it was forked from.
            "ru_maxrss_mb": round(usage.ru_maxrss / 1024, 1),
            "deliveries": scalar(conn, "SELECT count(*) FROM planner_delivery"),
            "still_due": scalar(
                conn, "SELECT count(*) FROM planner_reminder WHERE next_due_at <= %s", [due_at]
            ),
            "advanced_one_day": scalar(
                conn,
                "SELECT count(*) FROM planner_reminder WHERE next_due_at = %s",
                [due_at + timedelta(days=1)],
            ),
        }
    )
    res["ok"] = (
        res["claimed"] == due
        and res["deliveries"] == due
        and res["still_due"] == 0
        and res["messages"] == expected
    )
    r.delete(QUEUE)
    log(f"dispatcher: {json.dumps({k: v for k, v in res.items() if k != 'samples_every_10s'})}")
    return res


# --- Report -------------------------------------------------------------------------------------


def fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.2f}{unit}"
    return f"{v:,}{unit}"


def write_markdown(res: dict[str, Any], path: Path) -> None:
    m = res["machine"]
    lines = [
        f"# The peer, side by side: django-celery-beat {res['django_celery_beat']} vs the "
        "dispatcher",
        "",
        f"- command: `{res['command']}`",
        f"- date: {m['date']}; revision: {res['revision']}; nproc: {m['nproc']} ({m['cpu']}); "
        f"load at start: {', '.join(f'{x:.2f}' for x in m['load_avg_at_start'])} "
        "(two cores shared with other jobs: figures are noisy)",
        f"- PostgreSQL {m['postgresql']}, Redis {m['redis']}, Python {m['python']}, "
        f"Django {m['django']}, Celery {m['celery']}, django-celery-beat "
        f"{res['django_celery_beat']}; DEBUG={m['debug']}",
        "- data: one user, plan and reminder per user in 20 zones; a tenth due in the minute M "
        "(8 zones, each at its local time for M), the rest at a minute in the next 24 h. "
        "Beat: one PeriodicTask per user (its crontab at the user's local time and zone, task "
        "`r`), DatabaseScheduler, loglevel INFO, Redis. Dispatcher: one `dispatch_due` call "
        "at M with the real `enqueue_send` (500 deliveries per message), as the app's "
        "one crontab beat entry makes at each minute's start.",
        "- no other user is due within the cap after M, so every message beat queues before "
        "it stops is one of the minute's (checked after the run: `queued_check`).",
        "- 'to enqueue the minute' = from M until the last due message is on the broker "
        "(LLEN sampled every 0.25 s); beat is stopped once all are queued or at the cap.",
        "",
        "| users | due | who | load s | entries loaded | enqueue the minute s | "
        "sent / due | peak RSS MB | CPU s (total / from M) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size in res["sizes"]:
        b, d = size["beat"], size["dispatcher"]
        n, due = size["users"], size["users"] // 10
        enq = b["last_message_after_m_s"] if b["all_queued"] else None
        beat_enq = (
            fmt(enq) if enq is not None else f"not done after {b['stopped_after_m_s']:,.0f} s (cap)"
        )
        lines.append(
            f"| {n:,} | {due:,} | beat | {fmt(b['load_s'])} | "
            f"{fmt((b['loaded'] or {}).get('entries'))} | {beat_enq} | "
            f"{b['messages']:,} / {due:,} | {fmt(b['peak_rss_mb'])} | "
            f"{fmt(b['cpu_s_total'])} / {fmt(b['cpu_s_from_m'])} |"
        )
        lines.append(
            f"| {n:,} | {due:,} | dispatcher | - (reads what is due) | - | "
            f"{fmt(d['enqueued_after_m_s'])} (dispatch {fmt(d['dispatch_wall_s'])}) | "
            f"{d['claimed']:,} / {due:,} in {d['messages']} messages | "
            f"{fmt(d['peak_rss_mb'])} | {fmt(d['cpu_s_total'])} / {fmt(d['dispatch_cpu_s'])} |"
        )
    lines += [
        "",
        "Beat's load = from starting the process until its scheduler had read the schedule "
        "(imports included); the DatabaseScheduler alone, timed in the bench process on the "
        "same rows:",
        "",
        "| users | entries | construct s (CPU s) | first tick (heap) s | RSS growth MB |",
        "| --- | --- | --- | --- | --- |",
    ]
    for size in res["sizes"]:
        ip = size["beat"]["in_process"]
        if ip is None:
            lines.append(
                f"| {size['users']:,} | not measured (see `--in-process-max-users`) | | | |"
            )
            continue
        lines.append(
            f"| {size['users']:,} | {ip['entries']:,} | {ip['load_s']:.2f} "
            f"({ip['load_cpu_s']:.2f}) | {ip['first_tick_s']:.2f} | {ip['rss_growth_mb']:.1f} |"
        )
    lines += ["", "Beat's messages queued after M:", ""]
    for size in res["sizes"]:
        b = size["beat"]
        by = ", ".join(f"{k}: {v:,}" for k, v in b["sent_by"].items())
        lines.append(
            f"- {size['users']:,} users: first at {fmt(b['first_message_after_m_s'])} s, "
            f"last at {fmt(b['last_message_after_m_s'])} s; {by or '-'}; "
            f"loaded before M: {b['loaded_before_m']}"
        )
    lines += ["", "Each size's run:", ""]
    for size in res["sizes"]:
        run = size.get("run", {})
        lines.append(
            f"- {size['users']:,} users: `{run.get('command', res['command'])}` at "
            f"{run.get('revision', res['revision'])}, {run.get('date', m['date'])}, load "
            f"{', '.join(f'{x:.2f}' for x in run.get('load_avg_at_start', m['load_avg_at_start']))}"
        )
    size_notes = [
        f"{size['users']:,} users: {n}"
        for size in res["sizes"]
        for n in size.get("run", {}).get("notes", [])
    ]
    lines += ["", "Notes:", ""] + [f"- {n}" for n in res["notes"] + size_notes] + [""]
    path.write_text("\n".join(lines))


def without_notes(argv: list[str]) -> list[str]:
    return [a for i, a in enumerate(argv) if a != "--note" and (i == 0 or argv[i - 1] != "--note")]


def from_log_in_process(lines: list[str]) -> dict[str, Any] | None:
    """The in-process load an earlier run logged (a dict's repr), if it got that far."""
    found = [ln for ln in lines if "] beat scheduler in-process: {" in ln]
    if not found:
        return None
    value = ast.literal_eval(found[-1].split("in-process: ", 1)[1])
    return value if isinstance(value, dict) else None


def window_note(version: str) -> str:
    release = tuple(int(x) for x in version.split(".")[:3])
    if release == (2, 8, 0):
        return (
            "django-celery-beat 2.8.0 reads only the crontab entries whose hour is within one "
            "of the current hour of the server, taking the hour as the server's whatever the "
            "entry's zone: an entry at 08:44 in New York is never read at 13:44 UTC, and its "
            "reminder is never sent."
        )
    if release > (2, 8, 0):
        return (
            f"django-celery-beat {version} reads only the crontab entries whose hour falls "
            "within 2 hours of the current one ('entries loaded' is that subset). The query "
            "that picks them carries one CASE branch per CrontabSchedule row (its 'distinct' "
            "list of zones is not: the model's default ordering enters the DISTINCT), and the "
            "CASE is evaluated for every CrontabSchedule row: the load grows with the square "
            "of the number of (zone, local time) schedules."
        )
    return (
        f"django-celery-beat {version} reads every enabled entry at start, again whenever a "
        "PeriodicTask is saved (beat saves each entry it ran, at its next sync), and "
        "compares its whole schedule on every tick."
    )


def revision() -> str:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (
        " (dirty)" if git("status", "--porcelain") else ""
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--users", default="10000,100000", help="comma-separated sizes")
    ap.add_argument(
        "--cap-seconds", type=float, default=900, help="stop beat this long after M at the latest"
    )
    ap.add_argument(
        "--lead-seconds",
        type=float,
        default=None,
        help="M is the first whole minute this long after the data is built "
        "(default 60 s + 2 s per 1,000 users, time for beat to read its schedule)",
    )
    ap.add_argument(
        "--in-process-max-users",
        type=int,
        default=20_000,
        help="time the scheduler's load in this process too, up to this many users",
    )
    ap.add_argument(
        "--merge",
        action="store_true",
        help="keep the other sizes already in the results file (each size records its own "
        "command, revision and machine)",
    )
    ap.add_argument(
        "--beat-from-log",
        default=None,
        help="take beat's figures from the 'beat: {...}' line of an earlier run's log (one "
        "size) and run only the dispatcher; for a run whose dispatcher part was cut short",
    )
    ap.add_argument("--note", action="append", default=[], help="a note for the results")
    ap.add_argument(
        "--any-release",
        action="store_true",
        help="run with django-celery-beat 2.8.1 or later all the same (see bench/README.md)",
    )
    ap.add_argument("--out", default=str(RESULTS / "beat_peer"), help="results path, no suffix")
    args = ap.parse_args()
    sizes = [int(s) for s in args.users.split(",")]

    import django_celery_beat

    release = tuple(int(x) for x in django_celery_beat.__version__.split(".")[:3])
    if release >= (2, 8, 1) and not args.any_release:
        # Its first read of the schedule runs for tens of minutes in PostgreSQL at 10,000
        # users, ignores cancellation and blocks DROP DATABASE server-wide (bench/README.md).
        sys.exit(
            f"django-celery-beat {django_celery_beat.__version__}: its schedule query grows with "
            "the square of the schedules; install 2.7.0 (pip install --no-deps "
            "django-celery-beat==2.7.0) or pass --any-release"
        )
    ensure_database()
    log("migrating")
    call_command("migrate", verbosity=0)
    conn = raw()
    r = redis.Redis.from_url(BEAT_BROKER)
    res: dict[str, Any] = {
        # The notes are recorded on their own.
        "command": "bench/beat_peer.py " + " ".join(without_notes(sys.argv[1:])),
        "revision": revision(),
        "machine": machine(conn, r),
        "django_celery_beat": django_celery_beat.__version__,
        "params": {"users": sizes, "cap_seconds": args.cap_seconds},
        "sizes": [],
        "notes": [
            window_note(django_celery_beat.__version__),
            "Beat's RSS and CPU are its whole process (Django, Celery and the schedule); the "
            "dispatcher's are its whole child process (Django and the app imported, one "
            "dispatch). In the app the dispatch runs in a worker already up.",
            "The dispatcher's figure starts at M because its beat entry is a crontab at each "
            "minute's start; the hop from beat to a worker is not included.",
        ],
    }
    out_json = Path(args.out).with_suffix(".json")
    if args.merge and out_json.exists():
        old = json.loads(out_json.read_text())
        res["sizes"] = [s for s in old["sizes"] if s["users"] not in sizes]
        for size in res["sizes"]:
            # Sizes kept from a file written before each size recorded its own run.
            size.setdefault(
                "run",
                {
                    "command": old["command"],
                    "revision": old["revision"],
                    "date": old["machine"]["date"],
                    "load_avg_at_start": old["machine"]["load_avg_at_start"],
                },
            )
    for users in sizes:
        lead = args.lead_seconds if args.lead_seconds is not None else 60 + users / 500
        log(f"=== {users:,} users: beat")
        at_start = {
            "command": res["command"],
            "revision": res["revision"],
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "load_avg_at_start": os.getloadavg(),
        }
        if args.beat_from_log:
            lines = Path(args.beat_from_log).read_text().splitlines()
            beat = json.loads([ln for ln in lines if "] beat: {" in ln][-1].split("beat: ", 1)[1])
            beat["in_process"] = from_log_in_process(lines)
            beat["from_log"] = args.beat_from_log
        else:
            beat = run_beat(
                users, lead, args.cap_seconds, conn, in_process=users <= args.in_process_max_users
            )
        log(f"=== {users:,} users: dispatcher")
        disp = run_dispatcher(users, conn)
        res["sizes"] = [s for s in res["sizes"] if s["users"] != users]
        at_start["notes"] = args.note
        res["sizes"].append({"users": users, "run": at_start, "beat": beat, "dispatcher": disp})
        res["sizes"].sort(key=lambda s: s["users"])
        out = Path(args.out)
        out.with_suffix(".json").write_text(json.dumps(res, indent=2, default=str) + "\n")
        write_markdown(res, out.with_suffix(".md"))
    log(f"wrote {args.out}.json and .md")


if __name__ == "__main__":
    if CHILD:
        dispatch_child(float(sys.argv[sys.argv.index("--dispatch-child") + 1]))
    else:
        main()
