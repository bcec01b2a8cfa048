"""End-to-end benchmark of reminders: due, dispatched and *sent*, against a floor (issue 21).

The question: with 1,000,000 plans in PostgreSQL and 100,000 reminders due in the same minute,
how long from that minute until the last email has reached a mail server and the last notice
is stored in the app, with real processes doing what production does (celery beat on its
crontab, Celery workers running the dispatcher and the send tasks, Redis as the broker, an
SMTP server on loopback), and how does that compare with the least the same deliveries need?

Run from the checkout (needs PostgreSQL and Redis; uses database `planner_delivery_bench`,
built on the first run and reused, and Redis db 13, emptied before each run):

    .venv/bin/python bench/delivery_bench.py     # --plans 1000000 --due 100000 --workers 1,2

What it does:

1. Data: bench/dispatch_bench.py's (1,000,000 plans over 20 zones, one reminder row each,
   100,000 of them due at one instant), plus what sending needs and the dispatcher's data does
   not have: the 100,000 due plans follow a real catalog program (bench/dispatch_bench.py's
   plans have no exercises), each with that program's exercises at the dose a new plan gets,
   and each owner has a confirmed email address. The rows not due are moved to the hours after
   this run, so only the 100,000 fall due.
2. A mail server: aiosmtpd (the tests' SMTP server) in a process of its own on loopback, which
   notes when each message arrived.
3. For each worker count (`--workers`): the 100,000 due rows are set due at the start of the
   next minute of the clock; `celery beat` (the settings' own schedule: the dispatcher at
   second 0 of every minute) and `celery worker -c N` (prefork, the settings' own options)
   start; the run ends when the mail server has every email and the app every notice.
   Reported: time from the due minute to the last email and to the last notice; lateness of
   the claim (a delivery's creation after its due time) and of the email (its arrival after
   the due time) as p50, p99 and max; throughput; the workers' CPU seconds (all their
   processes, read from /proc before they stop) and per delivery, and their peak memory
   (VmHWM of each process).
4. The floor, in the same run: the same emails (the bytes the mail server received in the
   first run, so rendered beforehand) sent through one SMTP connection (and 2 and 4
   connections, split evenly, for comparison), plus the same notices stored in one bulk
   insert (COPY). Floor time = sending + inserting.
5. The send path's own CPU: 10 chunks (5,000 deliveries) sent in this process with
   planner.delivery.notify.send_chunk to the same mail server, CPU time of this process only
   (time.process_time: the server's and PostgreSQL's work is theirs), per delivery, and a
   profile of one chunk.
6. Writes bench/results/delivery.json and bench/results/delivery.md.

Targets (issue 21): the end-to-end time within 2x of the floor (1 connection); the send path
at most 0.5 ms of worker CPU per delivery; a reminder claimed within 2 s of its due time at
the median. A Python mail server takes roughly 1,200 messages a second on one connection here,
so it bounds the wall time of both: CPU per delivery is the figure that carries to a machine
whose mail server runs elsewhere.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import resource
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
VAR = Path(tempfile.gettempdir()) / "planner_delivery_bench"


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--plans", type=int, default=1_000_000)
    ap.add_argument("--due", type=int, default=100_000)
    ap.add_argument("--workers", default="1,2", help="worker process counts, comma-separated")
    ap.add_argument("--floor-connections", default="1,2,4", help="SMTP connections of the floor")
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--db", default="planner_delivery_bench")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the data even if present")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds a run may take")
    ap.add_argument("--out", default=str(RESULTS / "delivery"), help="results path, no suffix")
    ap.add_argument(
        "--no-pipelining",
        action="store_true",
        help="the mail server offers no PIPELINING (RFC 2920): four round trips an email",
    )
    ap.add_argument(
        "--send-path-only",
        action="store_true",
        help="only the send path's CPU (step 5), on deliveries the dispatcher makes in-process; "
        "prints it, writes nothing (a minute on --plans 20000 --due 6000)",
    )
    return ap.parse_args()


from processes import free_port, stop_group  # noqa: E402

ARGS = parse_args() if __name__ == "__main__" else None
SMTP_PORT = free_port()
ENV = {
    "DATABASE_URL": f"{ARGS.pg if ARGS else 'postgres://postgres@127.0.0.1:5432'}/"
    f"{ARGS.db if ARGS else 'planner_delivery_bench'}",
    "CELERY_BROKER_URL": ARGS.redis if ARGS else "redis://127.0.0.1:6379/13",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": str(SMTP_PORT),
    # Production runs with DEBUG off; with it on Django keeps every SQL string it sends.
    "DEBUG": "false",
    "PLANNER_VAR_DIR": str(VAR),
    "SITE_URL": "https://planner.example",
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dispatch_bench as data  # noqa: E402  (sets Django up)
import psycopg  # noqa: E402
import redis  # noqa: E402
from django.core.management import call_command  # noqa: E402

from planner.delivery import notify  # noqa: E402

SENDING_VERSION = "1"
SENDER = "planner@localhost"
log = data.log


# --- The mail server ------------------------------------------------------------------------


def sink_main(port: int, commands: Connection, keep_to: str, pipelining: bool = True) -> None:
    """A mail server on loopback that notes each message's arrival (and, when asked, keeps the
    messages themselves in `keep_to`). Commands over the pipe: "reset", "keep", "stats"."""
    import logging

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Envelope, Session

    # aiosmtpd logs every command at INFO (Django's logging set up on import says INFO): a
    # line per command would cost the server more than the mail does.
    logging.getLogger("mail.log").setLevel(logging.WARNING)

    arrivals: list[float] = []
    keeping = {"on": False}
    kept: list[tuple[list[str], bytes]] = []

    class Handler:
        async def handle_EHLO(
            self,
            server: SMTP,
            session: Session,
            envelope: Envelope,
            hostname: str,
            responses: list[str],
        ) -> list[str]:
            # As Postfix and Exim offer it (aiosmtpd reads a command a line, pipelined or not).
            session.host_name = hostname
            if pipelining:
                responses.insert(-1, "250-PIPELINING")
            return responses

        async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
            arrivals.append(time.time())
            if keeping["on"]:
                raw = envelope.original_content or b""
                kept.append(([str(r) for r in envelope.rcpt_tos], raw))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    commands.send("ready")
    while True:
        command = commands.recv()
        if command == "reset":
            arrivals.clear()
            kept.clear()
            keeping["on"] = False
            commands.send("ok")
        elif command == "keep":
            keeping["on"] = True
            commands.send("ok")
        elif command == "count":
            commands.send(len(arrivals))
        elif command == "stats":
            if keeping["on"]:
                with open(keep_to, "wb") as out:
                    for rcpts, raw in kept:
                        line = json.dumps(rcpts).encode()
                        out.write(len(line).to_bytes(4, "big") + line)
                        out.write(len(raw).to_bytes(4, "big") + raw)
            commands.send(list(arrivals))
        elif command == "stop":
            controller.stop()
            commands.send("ok")
            return


class Sink:
    def __init__(self) -> None:
        self.keep_to = str(VAR / "kept-messages.bin")
        self.pipe, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=sink_main,
            args=(SMTP_PORT, child, self.keep_to, not (ARGS and ARGS.no_pipelining)),
            daemon=True,
        )
        self.process.start()
        assert self.pipe.recv() == "ready"

    def ask(self, command: str) -> Any:
        self.pipe.send(command)
        return self.pipe.recv()

    def kept(self) -> list[tuple[list[str], bytes]]:
        messages = []
        blob = Path(self.keep_to).read_bytes()
        at = 0
        while at < len(blob):
            size = int.from_bytes(blob[at : at + 4], "big")
            rcpts = json.loads(blob[at + 4 : at + 4 + size])
            at += 4 + size
            size = int.from_bytes(blob[at : at + 4], "big")
            messages.append((rcpts, blob[at + 4 : at + 4 + size]))
            at += 4 + size
        return messages


# --- Data -------------------------------------------------------------------------------------


def prepare_sending(conn: psycopg.Connection, plans: int, due: int) -> dict[str, Any]:
    """What sending needs on top of the dispatcher's data: a real program with its exercises
    for the due plans, and a confirmed address for their owners."""
    from django.contrib.auth.models import User

    from conditions.models import RedFlag
    from planner.models import Plan, Program, Screening
    from planner.plans import lifecycle, readiness

    # Beside bench_meta, which dispatch_bench.is_built reads whole.
    conn.execute("CREATE TABLE IF NOT EXISTS bench_sending (version text, meta text)")
    done = conn.execute("SELECT version, meta FROM bench_sending").fetchone()
    if done and done[0] == SENDING_VERSION:
        return dict(json.loads(done[1]))
    t0 = time.perf_counter()
    log("loading the catalog")
    call_command("load_catalog", verbosity=0)
    # A program of several exercises from the first week, not the walk-run (which asks for a
    # readiness check first), as most of the catalog's are.
    program = next(
        candidate
        for candidate in Program.objects.filter(owner__isnull=True).order_by("pk")
        if candidate.prescriptions.filter(first_week=1).count() >= 3
        and not readiness.is_walk_run(p.exercise for p in candidate.prescriptions.all())
    )
    start = data.NOW.date() - timedelta(days=10)
    began = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    User.objects.filter(username="bench-template").delete()  # from a run that stopped
    owner = User.objects.create_user(username="bench-template", email="template@example.test")
    Screening.objects.create(
        user=owner,
        answers=dict.fromkeys(RedFlag.objects.values_list("slug", flat=True), False),
        verdict=Screening.Verdict.CLEAR,
        answered_at=began - timedelta(hours=1),
    )
    template = lifecycle.start_plan(
        user=owner, program=program, start_date=start, time_zone="Europe/Berlin", now=began
    )
    Plan.objects.filter(pk=template.pk).update(status=Plan.Status.COMPLETED)
    conn.execute("DELETE FROM planner_reminder WHERE plan_id = %s", [template.pk])
    columns = [
        name
        for (name,) in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'planner_planexercise' AND column_name NOT IN ('id', 'plan_id') "
            "ORDER BY ordinal_position"
        ).fetchall()
    ]
    listed = ", ".join(f'"{name}"' for name in columns)
    copied = ", ".join(f't."{name}"' for name in columns)
    # The due plans are among the first `plans` (the template comes after them).
    due_plans = f"p.id <= {plans} AND (p.id * {data.PERMUTE}) %% {plans} < {due}"
    with conn.transaction():
        conn.execute(
            "UPDATE planner_plan AS p SET program_id = %s, start_date = %s, planned_end = %s, "
            f"projected_end = %s WHERE {due_plans}",
            [program.pk, start, template.planned_end, template.projected_end],
        )
        conn.execute(
            f"INSERT INTO planner_planexercise (plan_id, {listed}) "
            f"SELECT p.id, {copied} FROM planner_plan AS p, planner_planexercise AS t "
            f"WHERE t.plan_id = %s AND {due_plans}",
            [template.pk],
        )
        conn.execute(
            'INSERT INTO account_emailaddress (user_id, email, verified, "primary") '
            "SELECT DISTINCT p.user_id, 'bench' || p.user_id || '@example.test', true, true "
            f"FROM planner_plan AS p WHERE {due_plans} ON CONFLICT DO NOTHING",
            [],
        )
    conn.execute("VACUUM (ANALYZE) planner_plan, planner_planexercise, account_emailaddress")
    meta = {
        "program": program.name,
        "exercises_per_plan": template.exercises.count(),
        "prepared_s": round(time.perf_counter() - t0, 1),
    }
    conn.execute("DELETE FROM bench_sending")
    conn.execute("INSERT INTO bench_sending VALUES (%s, %s)", [SENDING_VERSION, json.dumps(meta)])
    return meta


def move_the_rest(conn: psycopg.Connection, plans: int, due: int, after: datetime) -> None:
    """The rows not due fall due over the 24 hours from an hour after `after` (as built, over
    the 24 hours after dispatch_bench's NOW), so none falls due during the runs."""
    shift = after.replace(second=0, microsecond=0) + timedelta(hours=1) - data.NOW
    # The plans' other messages (the evening nudge a migration gave every plan) are not this
    # bench's: none may fall due during a run.
    conn.execute(
        "UPDATE planner_reminder SET next_due_at = NULL, next_local_date = NULL "
        "WHERE kind <> 'reminder' AND next_due_at IS NOT NULL"
    )
    conn.execute(
        "UPDATE planner_reminder SET next_due_at = %s::timestamptz + %s "
        "+ (1 + (plan_id * 48271) %% 1439) * interval '1 minute' "
        f"WHERE next_due_at IS NOT NULL AND NOT ((plan_id * {data.PERMUTE}) %% {plans} < {due})",
        [data.NOW, shift],
    )


def reset(conn: psycopg.Connection, broker: redis.Redis, due_ids: list[int], at: datetime) -> None:
    """The due rows due at `at` (on their local date as built), no deliveries or notices, an
    empty broker."""
    conn.execute(
        "UPDATE planner_reminder AS r SET next_due_at = %s, "
        "next_local_date = (%s::timestamptz AT TIME ZONE p.time_zone)::date "
        "FROM planner_plan AS p WHERE p.id = r.plan_id AND r.id = ANY(%s)",
        [at, data.NOW, due_ids],
    )
    conn.execute("TRUNCATE planner_delivery, planner_notification RESTART IDENTITY")
    conn.execute("VACUUM (ANALYZE) planner_reminder, planner_delivery, planner_notification")
    conn.execute("CHECKPOINT")
    broker.flushdb()


# --- Processes --------------------------------------------------------------------------------


def start(args: Sequence[str], name: str) -> subprocess.Popen[bytes]:
    out = open(VAR / f"{name}.log", "ab")  # noqa: SIM115  (kept open for the process's life)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "planner", *args],
        cwd=ROOT,
        env={**os.environ, **ENV},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def family(pid: int) -> list[int]:
    """The process and its descendants (a prefork worker and its pool)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent in found:
            found.append(int(entry.name))
    return found


def usage(pids: Sequence[int]) -> tuple[float, int]:
    """CPU seconds (user + system) and the largest peak RSS (bytes) of these processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = 0.0
    peak = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / ticks
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) * 1024)
    return cpu, peak


# --- Figures ----------------------------------------------------------------------------------


def percentiles(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}
    return {
        "p50": round(statistics.median(ordered), 3),
        "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 3),
        "max": round(ordered[-1], 3),
    }


def next_minute(after: float) -> datetime:
    moment = datetime.fromtimestamp(after, UTC).replace(second=0, microsecond=0)
    return moment + timedelta(minutes=1)


def run_end_to_end(
    conn: psycopg.Connection,
    broker: redis.Redis,
    sink: Sink,
    due_ids: list[int],
    workers: int,
    keep: bool,
    timeout: float,
) -> dict[str, Any]:
    due = len(due_ids)
    # At least 20 s ahead: beat and the workers start and connect before the minute turns.
    at = next_minute(time.time() + 20)
    reset(conn, broker, due_ids, at)
    if time.time() > at.timestamp() - 10:
        at += timedelta(minutes=1)
        reset(conn, broker, due_ids, at)
    sink.ask("reset")
    if keep:
        sink.ask("keep")
    schedule = VAR / f"beat-{workers}.schedule"
    schedule.unlink(missing_ok=True)
    worker = start(
        [
            "worker",
            "-c",
            str(workers),
            "-P",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        f"worker-{workers}",
    )
    beat = start(["beat", "-s", str(schedule), "-l", "INFO"], f"beat-{workers}")
    log(f"{workers} worker process(es): {due:,} due at {at:%H:%M:%S}")
    deadline = at.timestamp() + timeout
    notices = 0
    while time.time() < deadline:
        time.sleep(1.0)
        received = sink.ask("count")
        notices = data.scalar(conn, "SELECT count(*) FROM planner_notification")
        if received >= due and notices >= due:
            break
    pids = family(worker.pid)
    cpu, peak = usage(pids)
    stop_group(beat)
    stop_group(worker)
    arrivals = sink.ask("stats")
    due_at = at.timestamp()
    claims = [
        row[0]
        for row in conn.execute(
            "SELECT extract(epoch FROM created_at - due_at) FROM planner_delivery"
        ).fetchall()
    ]
    last_notice = data.scalar(
        conn, "SELECT extract(epoch FROM max(created_at)) FROM planner_notification"
    )
    states: dict[str, int] = dict(
        conn.execute("SELECT state, count(*) FROM planner_delivery GROUP BY state").fetchall()
    )
    late = [arrival - due_at for arrival in arrivals]
    last_email = max(late) if late else None
    span = (max(arrivals) - min(arrivals)) if len(arrivals) > 1 else None
    to_last_notice = float(last_notice) - due_at if last_notice else None
    result: dict[str, Any] = {
        "workers": workers,
        "due_at": at.isoformat(),
        "emails_received": len(arrivals),
        "notices_stored": notices,
        "delivery_states": states,
        "to_last_email_s": round(last_email, 2) if last_email is not None else None,
        "to_last_notice_s": round(float(last_notice) - due_at, 2) if last_notice else None,
        "claim_lateness_s": percentiles([float(c) for c in claims]),
        "email_lateness_s": percentiles(late),
        "emails_per_s": round(len(arrivals) / span, 1) if span else None,
        "worker_processes": len(pids),
        "worker_cpu_s": round(cpu, 2),
        "worker_cpu_ms_per_delivery": round(cpu * 1000 / max(1, len(arrivals)), 3),
        "worker_peak_rss_mb": round(peak / 2**20, 1),
    }
    result["to_last_delivery_s"] = round(max(last_email or 0.0, to_last_notice or 0.0), 2)
    log(f"  {json.dumps(result)}")
    return result


def send_share(messages: Sequence[tuple[list[str], bytes]]) -> None:
    """Handed over as the app hands an email over (mime.hand_over: its envelope pipelined when
    the server offers it), so that the floor differs from the app only by what the app does
    besides: reading, composing, marking."""
    from planner.delivery import mime

    with smtplib.SMTP("127.0.0.1", SMTP_PORT) as smtp:
        for rcpts, raw in messages:
            (recipient,) = rcpts
            mime.hand_over(smtp, SENDER, recipient, raw)


def run_floor(
    conn: psycopg.Connection,
    sink: Sink,
    messages: list[tuple[list[str], bytes]],
    notices: list[tuple[Any, ...]],
    connections: int,
) -> dict[str, Any]:
    """The same emails through `connections` SMTP connections, then the same notices in one
    COPY."""
    sink.ask("reset")
    conn.execute("TRUNCATE planner_notification RESTART IDENTITY")
    t0 = time.perf_counter()
    shares = [messages[i::connections] for i in range(connections)]
    threads = [threading.Thread(target=send_share, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = time.perf_counter()
    with (
        conn.cursor() as cursor,
        cursor.copy(
            "COPY planner_notification (user_id, delivery_id, title, body, link, created_at) "
            "FROM STDIN"
        ) as copy,
    ):
        for row in notices:
            copy.write_row(row)
    stored = time.perf_counter()
    received = sink.ask("count")
    result = {
        "connections": connections,
        "emails": received,
        "send_s": round(sent - t0, 2),
        "notices_s": round(stored - sent, 2),
        "floor_s": round(stored - t0, 2),
        "emails_per_s": round(received / (sent - t0), 1),
    }
    log(f"  floor: {json.dumps(result)}")
    return result


def send_path_cpu(conn: psycopg.Connection, sink: Sink, chunks: int = 10) -> dict[str, Any]:
    """notify.send_chunk in this process on deliveries set back to pending: CPU per delivery."""
    from planner.delivery.dispatch import SEND_CHUNK

    ids = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM planner_delivery ORDER BY id LIMIT %s", [chunks * SEND_CHUNK]
        ).fetchall()
    ]
    conn.execute(
        "UPDATE planner_delivery SET state = 'pending', attempts = 0, claimed_at = NULL, "
        "sent_at = NULL WHERE id = ANY(%s)",
        [ids],
    )
    conn.execute("DELETE FROM planner_notification WHERE delivery_id = ANY(%s)", [ids])
    sink.ask("reset")
    now = datetime.now(UTC)
    groups = [ids[i : i + SEND_CHUNK] for i in range(0, len(ids), SEND_CHUNK)]
    notify.send_chunk(groups[0], now)  # warm: templates compiled, connections open
    usage0, cpu0, wall0 = (
        resource.getrusage(resource.RUSAGE_SELF),
        time.process_time(),
        time.perf_counter(),
    )
    for group in groups[1:]:
        notify.send_chunk(group, now)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    sent = sum(len(group) for group in groups[1:])
    # Timed in CPU, as the figure is: waiting for the mail server or PostgreSQL is not the
    # sender's cost.
    profile = cProfile.Profile(time.process_time)
    conn.execute("UPDATE planner_delivery SET state = 'pending' WHERE id = ANY(%s)", [groups[1]])
    profile.enable()
    notify.send_chunk(groups[1], now)
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
        int(os.environ.get("TOP", "25"))
    )
    result = {
        "deliveries": sent,
        "cpu_ms_per_delivery": round(cpu * 1000 / sent, 3),
        # In user space (Python) and in the kernel (mostly the sockets' system calls to the
        # mail server and PostgreSQL, dear in this sandbox's virtual machine).
        "user_cpu_ms_per_delivery": round((usage1.ru_utime - usage0.ru_utime) * 1000 / sent, 3),
        "kernel_cpu_ms_per_delivery": round((usage1.ru_stime - usage0.ru_stime) * 1000 / sent, 3),
        "wall_ms_per_delivery": round(wall * 1000 / sent, 3),
        "emails_received": sink.ask("count"),
    }
    log(f"  send path in-process: {json.dumps(result)}")
    result["profile"] = text.getvalue()
    return result


# --- Report -----------------------------------------------------------------------------------


def write_markdown(res: dict[str, Any], path: Path) -> None:
    m = res["machine"]
    lines = [
        "# Reminders end to end (`bench/delivery_bench.py`)",
        "",
        f"- date: {m['date']}; nproc: {m['nproc']}; load at start: "
        f"{', '.join(f'{x:.2f}' for x in m['load_avg_at_start'])}; {m['cpu']}",
        f"- code: {res['code']}",
        f"- data: {res['data']['plans']:,} plans, {res['data']['due']:,} due in one minute "
        f"(program: {res['sending']['program']}, {res['sending']['exercises_per_plan']} "
        "exercises a plan); PostgreSQL "
        f"{m['postgresql']}, Redis {m['redis']}, Celery {m['celery']}, DEBUG {m['debug']}",
        f"- run: `{res['command']}`",
        "",
        "## End to end: due minute to last delivery",
        "",
        "Real `celery beat` (the dispatcher at second 0 of each minute) and `celery worker -c N`"
        " (prefork); emails to aiosmtpd on loopback (its own process); a delivery is done when"
        " the mail server has its email and the app its notice.",
        "",
        "| worker processes | to last email s | to last notice s | tick after the minute s"
        " | email late p50 / p99 / max s | emails/s | worker CPU s | CPU ms per delivery |"
        " peak RSS MB | ratio to floor (1 conn) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    floor_one = next((f["floor_s"] for f in res["floor"] if f["connections"] == 1), None)
    for r in res["runs"]:
        c, e = r["claim_lateness_s"], r["email_lateness_s"]
        ratio = (
            f"{r['to_last_delivery_s'] / floor_one:.2f}x"
            if floor_one and r["to_last_delivery_s"]
            else "-"
        )
        lines.append(
            f"| {r['workers']} | {r['to_last_email_s']} | {r['to_last_notice_s']} | "
            f"{c.get('max')} | "
            f"{e.get('p50')} / {e.get('p99')} / {e.get('max')} | {r['emails_per_s']} | "
            f"{r['worker_cpu_s']} | {r['worker_cpu_ms_per_delivery']} | "
            f"{r['worker_peak_rss_mb']} | {ratio} |"
        )
    lines += [
        "",
        "Worker CPU counts every process of the worker (the dispatcher's task included) from"
        " start to the last delivery, divided by the emails received. The tick is when the"
        " dispatcher's crontab entry claimed the minute (a delivery's `created_at` is its"
        " tick's instant: p50, p99 and max of the 100,000 are that one instant); its batches"
        " follow within seconds.",
        "",
        "## The floor, measured in the same run",
        "",
        "The same emails (the bytes the mail server received in the first run) handed over as"
        " the app hands them (smtplib, with the envelope pipelined when the mail server"
        " offers PIPELINING, "
        f"{'which it does not here' if ARGS and ARGS.no_pipelining else 'as it does here'}),"
        " split over N connections, then the same notices in one COPY.",
        "",
        "| SMTP connections | send s | notices COPY s | floor s | emails/s |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in res["floor"]:
        lines.append(
            f"| {f['connections']} | {f['send_s']} | {f['notices_s']} | {f['floor_s']} |"
            f" {f['emails_per_s']} |"
        )
    s = res["send_path"]
    lines += [
        "",
        "## The send path's own CPU",
        "",
        f"`notify.send_chunk` in one process on {s['deliveries']:,} deliveries (chunks of 500)"
        f" to the same mail server: **{s['cpu_ms_per_delivery']} ms of CPU per delivery**"
        f" (target 0.5), {s['wall_ms_per_delivery']} ms of wall time"
        + (
            f"; {s['user_cpu_ms_per_delivery']} ms of it in user space (Python),"
            f" {s['kernel_cpu_ms_per_delivery']} ms in the kernel (the sockets' system calls)."
            if "user_cpu_ms_per_delivery" in s
            else "."
        ),
        "",
        "<details><summary>Profile of one chunk</summary>",
        "",
        "```",
        s["profile"].strip(),
        "```",
        "",
        "</details>",
        "",
    ]
    path.write_text("\n".join(lines))


def main() -> None:
    assert ARGS is not None
    VAR.mkdir(parents=True, exist_ok=True)
    data.ensure_database()
    log("migrating")
    call_command("migrate", verbosity=0)
    conn = data.raw()
    broker = redis.Redis.from_url(ENV["CELERY_BROKER_URL"])
    broker.ping()
    if ARGS.rebuild or not data.is_built(conn, ARGS.plans, ARGS.due):
        log(f"building {ARGS.plans:,} plans, {ARGS.due:,} due")
        conn.execute("DROP TABLE IF EXISTS bench_sending")
        data.build(conn, ARGS.plans, ARGS.due)
    sending = prepare_sending(conn, ARGS.plans, ARGS.due)
    log(f"sending data: {sending}")
    due_ids = [
        rid
        for (rid,) in conn.execute(
            "SELECT id FROM planner_reminder WHERE kind = 'reminder' AND (plan_id * %s) %% %s < %s",
            [data.PERMUTE, ARGS.plans, ARGS.due],
        ).fetchall()
    ]
    move_the_rest(conn, ARGS.plans, ARGS.due, datetime.now(UTC))
    machine = data.machine(conn, broker)
    sink = Sink()
    if ARGS.send_path_only:
        try:
            at = datetime.now(UTC).replace(microsecond=0)
            reset(conn, broker, due_ids, at)
            from planner.delivery.dispatch import dispatch_due

            dispatch_due(at, enqueue=lambda chunks: None)
            result = send_path_cpu(conn, sink)
            print(result.pop("profile"))
            print(json.dumps(result))
        finally:
            sink.ask("stop")
        return
    runs = []
    floor = []
    send_path: dict[str, Any] = {}
    try:
        for index, workers in enumerate(int(w) for w in ARGS.workers.split(",")):
            runs.append(
                run_end_to_end(conn, broker, sink, due_ids, workers, index == 0, ARGS.timeout)
            )
            if index == 0:
                messages = sink.kept()
                notices = conn.execute(
                    "SELECT user_id, delivery_id, title, body, link, created_at "
                    "FROM planner_notification ORDER BY id"
                ).fetchall()
                for connections in (int(c) for c in ARGS.floor_connections.split(",")):
                    floor.append(run_floor(conn, sink, messages, notices, connections))
                send_path = send_path_cpu(conn, sink)
                del messages, notices
    finally:
        sink.ask("stop")
    code = subprocess.run(
        ["git", "rev-parse", "--short=10", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    res = {
        "machine": machine,
        "code": code + (" + uncommitted changes" if dirty else ""),
        "command": "python bench/delivery_bench.py " + " ".join(sys.argv[1:]),
        "data": {"plans": ARGS.plans, "due": ARGS.due},
        "sending": sending,
        "runs": runs,
        "floor": floor,
        "send_path": send_path,
    }
    out = Path(ARGS.out)
    out.with_suffix(".json").write_text(json.dumps(res, indent=2, default=str))
    write_markdown(res, out.with_suffix(".md"))
    log(f"wrote {out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
