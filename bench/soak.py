"""Soak: concurrent runners logging sessions over loopback HTTP while the dispatcher ticks and
a worker sends, bounded in count and time; then every count is checked.

The app runs as in production: gunicorn (sync workers), a Celery worker and `celery beat` (the
dispatcher and sweeper ticking every second instead of every minute) on PostgreSQL and Redis.
`--clients` threads work through a shuffled list of (runner, day) jobs: read the day's exercises
(`GET /plans/<id>/day?date=`), read `/me`, and log each exercise of the day
(`POST /plans/<id>/logs`); every tenth job posts its first log twice at the same instant from
two threads (a double tap), which must give one 201 and one 400. Meanwhile, every `--due-every`
seconds, every plan's daily reminder is made due for its next local date, as if the clock had
reached it (an UPDATE of `next_due_at`, only on rows not already waiting).

At the end, checked: no HTTP error or timeout; one log per (exercise, day), and as many logs as
201 answers; one delivery for every reminder made due, and no other; each sent once (one email
and one in-app notification per sent delivery, attempts = 1); nothing left pending.

Run from the checkout (needs the shared PostgreSQL and Redis; uses only database
`planner_soak`, which it drops and recreates, and the Celery keys of Redis db 13):

    .venv/bin/python bench/soak.py            # --runners 40 --clients 8 --duration 60

Results: bench/results/soak.json and bench/results/soak.md. Exit status 1 when a check fails.
tests/reliability/test_soak.py runs a short version on private servers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reliability.stack import (  # noqa: E402
    Postgres,
    Runner,
    Stack,
    Web,
    deliveries,
    make_due,
    runner_with_plan,
    unsettled,
    wait_for,
)

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
# Plans start this many days back, so that every day since can still be logged.
LOG_DAYS = 7
DOUBLE_TAP_EVERY = 10


@dataclass
class SoakConfig:
    runners: int = 40
    clients: int = 8
    duration: float = 60.0  # seconds of load at most
    max_requests: int = 20000  # requests at most
    due_every: float = 2.0
    max_due_rounds: int = 25  # days of reminders at most (plans run 6 weeks)
    # Rounds made due even when the load ends sooner: a fast machine can log every job in
    # half a second, before the dispatcher (one tick a second) has run twice.
    min_due_rounds: int = 1
    web_workers: int = 3
    drain_timeout: float = 120.0


@dataclass
class Tally:
    """Every request's kind, status and time, and every problem seen, from all threads."""

    samples: list[tuple[str, int, float]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    logs_created: int = 0
    double_taps: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.samples.append((kind, status, seconds))
            if kind == "log" and status == 201:
                self.logs_created += 1

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)

    def count(self) -> int:
        with self.lock:
            return len(self.samples)


def call(
    tally: Tally,
    web: Web,
    kind: str,
    method: str,
    path: str,
    token: str,
    body: Any = None,
    expect: tuple[int, ...] = (200,),
) -> Any:
    started = time.perf_counter()
    try:
        answer = web.request(method, path, body, token=token, timeout=30)
    except OSError as exc:
        tally.record(kind, 0, time.perf_counter() - started)
        tally.problem(f"{kind} {method} {path}: {type(exc).__name__} {exc}")
        return None
    tally.record(kind, answer.status, time.perf_counter() - started)
    if answer.status not in expect:
        tally.problem(f"{kind} {method} {path}: {answer.status} {str(answer.body)[:300]}")
        return None
    return answer.body


def double_tap(tally: Tally, web: Web, runner: Runner, body: dict[str, Any]) -> None:
    """The same log posted twice at the same instant: one is saved, the other refused."""
    statuses: list[int] = []
    start = threading.Barrier(2)

    def post() -> None:
        start.wait(timeout=30)
        began = time.perf_counter()
        try:
            answer = web.request(
                "POST", f"/api/v1/plans/{runner.plan_id}/logs", body, runner.token, timeout=30
            )
        except OSError as exc:
            tally.problem(f"double tap: {type(exc).__name__} {exc}")
            return
        tally.record("log", answer.status, time.perf_counter() - began)
        statuses.append(answer.status)

    taps = [threading.Thread(target=post) for _ in range(2)]
    for tap in taps:
        tap.start()
    for tap in taps:
        tap.join(timeout=60)
    with tally.lock:
        tally.double_taps += 1
    if sorted(statuses) != [201, 400]:
        tally.problem(f"double tap on plan {runner.plan_id} {body['day']}: {statuses}")


def work(
    tally: Tally, web: Web, jobs: queue.Queue[tuple[Runner, str, bool]], stop_at: float, cap: int
) -> None:
    pain = random.Random(threading.get_ident())
    while time.monotonic() < stop_at and tally.count() < cap:
        try:
            runner, day, tap = jobs.get_nowait()
        except queue.Empty:
            return
        plan = f"/api/v1/plans/{runner.plan_id}"
        today = call(tally, web, "day", "GET", f"{plan}/day?date={day}", runner.token)
        call(tally, web, "me", "GET", "/api/v1/me", runner.token)
        for n, card in enumerate(today["exercises"] if today else []):
            body = {
                "plan_exercise": card["plan_exercise"],
                "day": day,
                "done": True,
                "pain_during": pain.randint(0, 3),
            }
            if tap and n == 0:
                double_tap(tally, web, runner, body)
            else:
                call(tally, web, "log", "POST", f"{plan}/logs", runner.token, body, (201,))


def make_reminders_due(
    stack_db: tuple[Postgres, str],
    plan_ids: list[int],
    first_day: date,
    config: SoakConfig,
    stop: threading.Event,
    due: set[tuple[int, str]],
) -> None:
    pg, database = stack_db
    for n in range(config.max_due_rounds):
        due |= make_due(pg, database, plan_ids, first_day + timedelta(days=n))
        if stop.wait(config.due_every):
            if n + 1 >= config.min_due_rounds:
                return
            time.sleep(config.due_every)


def reminder_time_far_from_now(zone: str) -> str:
    """Twelve hours from now, local: no reminder falls due by itself during the soak, so
    every delivery is one the soak made due."""
    later = datetime.now(ZoneInfo(zone)) + timedelta(hours=12)
    return f"{later:%H:%M}"


def seed(web: Web, count: int) -> list[Runner]:
    runners = []
    for n in range(count):
        zone = ZONES[n % len(ZONES)]
        runner = runner_with_plan(
            web,
            f"soak{n}",
            time_zone=zone,
            days_ago=LOG_DAYS,
            reminder_time=reminder_time_far_from_now(zone),
        )
        runners.append(runner)
    return runners


def percentiles(seconds: list[float]) -> dict[str, float]:
    if len(seconds) < 2:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }


def check_database(
    pg: Postgres, database: str, due: set[tuple[int, str]], tally: Tally, stack: Stack
) -> dict[str, Any]:
    """Counts from the database and the mail folder, and a problem for each that is wrong."""
    found = deliveries(pg, database)
    keys = Counter((d["plan_id"], d["local_date"], d["kind"]) for d in found)
    reminders = {(plan, day) for plan, day, kind in keys if kind == "reminder"}
    states = Counter(d["state"] for d in found)
    if any(n > 1 for n in keys.values()):
        tally.problem("a delivery written twice")
    if reminders - due:
        tally.problem(f"{len(reminders - due)} deliveries nobody made due")
    if due - reminders:
        tally.problem(f"{len(due - reminders)} reminders made due were never delivered")
    if set(states) - {"sent", "skipped"}:
        tally.problem(f"deliveries not sent: {dict(states)}")
    if any(d["attempts"] != 1 for d in found if d["state"] == "sent"):
        tally.problem("a delivery sent with more than one attempt")

    emails = Counter(to for to, _ in stack.sent_emails())
    expected_emails = Counter(
        f"{username}@example.com"
        for (username,) in pg.query(
            database,
            "SELECT u.username FROM planner_delivery d JOIN planner_plan p ON p.id = d.plan_id "
            "JOIN auth_user u ON u.id = p.user_id WHERE d.state = 'sent'",
        )
    )
    if emails != expected_emails:
        tally.problem(
            f"emails differ from sent deliveries: {sum(emails.values())} emails for "
            f"{sum(expected_emails.values())} sent"
        )
    ((notifications,),) = pg.query(database, "SELECT count(*) FROM planner_notification")
    if notifications != states["sent"]:
        tally.problem(f"{notifications} notifications for {states['sent']} sent deliveries")

    ((logs,),) = pg.query(database, "SELECT count(*) FROM planner_sessionlog")
    doubled = pg.query(
        database,
        "SELECT plan_exercise_id, day FROM planner_sessionlog "
        "GROUP BY plan_exercise_id, day HAVING count(*) > 1",
    )
    if doubled:
        tally.problem(f"{len(doubled)} sessions logged twice")
    if logs != tally.logs_created:
        tally.problem(f"{logs} logs saved for {tally.logs_created} answered 201")
    return {
        "reminders_made_due": len(due),
        "deliveries": len(found),
        "deliveries_by_state": dict(states),
        "emails": sum(emails.values()),
        "notifications": notifications,
        "logs_saved": logs,
        "logs_doubled": len(doubled),
    }


def run(
    pg: Postgres, database: str, broker_url: str, home: Path, config: SoakConfig
) -> dict[str, Any]:
    """Start the app on `database` (migrated, with the catalog), soak it, check it."""
    stack = Stack(pg.url(database), broker_url, home)
    tally = Tally()
    due: set[tuple[int, str]] = set()
    try:
        web = stack.web(workers=config.web_workers)
        stack.worker(concurrency=2)
        stack.beat(every=1.0)
        runners = seed(web, config.runners)
        shuffle = random.Random(42)
        work_list = [
            (runner, (date.fromisoformat(runner.local_today()) - timedelta(days=back)).isoformat())
            for runner in runners
            for back in range(LOG_DAYS + 1)
        ]
        shuffle.shuffle(work_list)
        jobs: queue.Queue[tuple[Runner, str, bool]] = queue.Queue()
        for n, (runner, day) in enumerate(work_list):
            jobs.put((runner, day, n % DOUBLE_TAP_EVERY == 0))

        stop = threading.Event()
        first_day = date.fromisoformat(runners[0].local_today()) + timedelta(days=1)
        driver = threading.Thread(
            target=make_reminders_due,
            args=((pg, database), [r.plan_id for r in runners], first_day, config, stop, due),
        )
        started = time.monotonic()
        stop_at = started + config.duration
        clients = [
            threading.Thread(target=work, args=(tally, web, jobs, stop_at, config.max_requests))
            for _ in range(config.clients)
        ]
        driver.start()
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=config.duration + 120)
        load_seconds = time.monotonic() - started
        stop.set()
        driver.join(timeout=60)

        def drained() -> bool:
            waiting = pg.query(
                database, "SELECT 1 FROM planner_reminder WHERE next_due_at <= now()"
            )
            return not waiting and unsettled(pg, database) == 0

        wait_for(drained, "every due reminder to be delivered", timeout=config.drain_timeout)
        drain_seconds = time.monotonic() - started - load_seconds
        ticks = stack.tasks_succeeded("dispatch_due_reminders")
        counts = check_database(pg, database, due, tally, stack)
    finally:
        stack.stop_all()

    by_kind: dict[str, Any] = {}
    for kind in sorted({k for k, _, _ in tally.samples}):
        times = [s for k, _, s in tally.samples if k == kind]
        by_kind[kind] = {"requests": len(times), **percentiles(times)}
    statuses = Counter(status for _, status, _ in tally.samples)
    return {
        "config": asdict(config),
        "load_seconds": round(load_seconds, 1),
        "drain_seconds": round(drain_seconds, 1),
        "requests": len(tally.samples),
        "requests_per_second": round(len(tally.samples) / load_seconds, 1),
        "latency": {"all": percentiles([s for _, _, s in tally.samples]), **by_kind},
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "double_taps": tally.double_taps,
        "dispatcher_ticks": ticks,
        "jobs_left": jobs.qsize(),
        **counts,
        "problems": tally.problems,
    }


# --- the script, on the shared servers ---------------------------------------------------------


def parse_args() -> argparse.Namespace:
    defaults = SoakConfig()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    p.add_argument("--db", default="planner_soak", help="dropped and recreated")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="broker URL")
    p.add_argument("--runners", type=int, default=defaults.runners)
    p.add_argument("--clients", type=int, default=defaults.clients)
    p.add_argument("--duration", type=float, default=defaults.duration)
    p.add_argument("--max-requests", type=int, default=defaults.max_requests)
    p.add_argument("--due-every", type=float, default=defaults.due_every)
    p.add_argument("--web-workers", type=int, default=defaults.web_workers)
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "soak"))
    return p.parse_args()


def clear_broker(url: str) -> None:
    """Only the Celery keys: the soak's db may hold another bench's cache."""
    import redis

    client = redis.Redis.from_url(url)
    for pattern in ("celery*", "_kombu*", "unacked*"):
        for key in client.scan_iter(pattern):
            client.delete(key)


def versions() -> dict[str, str]:
    from importlib.metadata import version

    def server(command: list[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout
        except OSError:
            return "?"

    return {
        "python": platform.python_version(),
        "django": version("django"),
        "celery": version("celery"),
        "gunicorn": version("gunicorn"),
        "postgresql": server(["psql", "--version"]).strip(),
        "redis": server(["redis-server", "--version"]).split(" sha")[0].strip(),
        "commit": server(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).strip(),
        "nproc": str(os.cpu_count()),
    }


def write_results(report: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    cfg, v = report["config"], report["versions"]
    lines = [
        "# Soak: runners logging sessions while reminders are dispatched and sent",
        "",
        f"{report['date']}, {v['nproc']} cores, commit {v['commit']}; {v['postgresql']}, "
        f"{v['redis']}, Python {v['python']}, Django {v['django']}, Celery {v['celery']}, "
        f"gunicorn {v['gunicorn']} ({cfg['web_workers']} sync workers), 1 Celery worker "
        "(2 processes), beat ticking every second. Load average (1 min) "
        f"{report['load_average']['before']:.1f} before, {report['load_average']['after']:.1f} "
        "after: the machine is shared.",
        "",
        f"{cfg['runners']} runners, {cfg['clients']} concurrent clients, at most "
        f"{cfg['duration']:.0f} s or {cfg['max_requests']} requests; every plan's reminder made "
        f"due for its next day every {cfg['due_every']} s.",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| requests | {report['requests']} in {report['load_seconds']} s "
        f"({report['jobs_left']} jobs left at the time limit) |",
        f"| requests/s | {report['requests_per_second']} |",
        f"| statuses | {report['statuses']} |",
        f"| double taps (one 201, one 400 expected) | {report['double_taps']} |",
        f"| logs saved / doubled | {report['logs_saved']} / {report['logs_doubled']} |",
        f"| reminders made due / deliveries | {report['reminders_made_due']} / "
        f"{report['deliveries']} |",
        f"| deliveries by state | {report['deliveries_by_state']} |",
        f"| emails / notifications | {report['emails']} / {report['notifications']} |",
        f"| dispatcher ticks | {report['dispatcher_ticks']} |",
        f"| drained after the load | {report['drain_seconds']} s |",
        f"| problems | {len(report['problems'])} |",
        "",
        "| requests | count | p50 ms | p95 ms | p99 ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind, figures in report["latency"].items():
        count = report["requests"] if kind == "all" else figures["requests"]
        lines.append(
            f"| {kind} | {count} | {figures['p50_ms']} | {figures['p95_ms']} | "
            f"{figures['p99_ms']} |"
        )
    if report["problems"]:
        lines += ["", "Problems:", "", *[f"- {p}" for p in report["problems"][:50]]]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")


def main() -> int:
    args = parse_args()
    config = SoakConfig(
        runners=args.runners,
        clients=args.clients,
        duration=args.duration,
        max_requests=args.max_requests,
        due_every=args.due_every,
        web_workers=args.web_workers,
    )
    pg = Postgres(args.pg)
    pg.drop_database(args.db)
    pg.create_database(args.db)
    with tempfile.TemporaryDirectory(prefix="planner-soak-") as home:
        setup = Stack(pg.url(args.db), args.redis, Path(home))
        setup.manage("migrate", "--noinput", timeout=300)
        setup.manage("load_catalog", timeout=300)
        clear_broker(args.redis)
        load_before = os.getloadavg()[0]
        report = run(pg, args.db, args.redis, Path(home), config)
        clear_broker(args.redis)
    report = {
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "versions": versions(),
        # The machine is shared: how busy it was says how far to trust the latencies.
        "load_average": {"before": load_before, "after": os.getloadavg()[0]},
        **report,
    }
    write_results(report, Path(args.out))
    print(Path(args.out).with_suffix(".md").read_text())
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
