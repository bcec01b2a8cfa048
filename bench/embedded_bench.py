"""The embedded default, measured: `bin/run`'s stack (SQLite, Celery's filesystem transport,
Django's runserver, a Celery worker with beat) under a small clinic's load.

Run from the checkout (see bench/README.md); needs nothing but the dev extra (aiosmtpd):

    .venv/bin/python bench/embedded_bench.py [--runners 1000 --therapists 10 --days 365]

What it does:

1. Builds the clinic in its own var folder (`--var`, default /tmp/embedded_bench: the
   SQLite file, the filesystem broker's folders, the secret key), with the project's own
   services where they exist: `migrate`, `load_catalog`, `--therapists` therapists and
   `--runners` runners (each with a confirmed address, a clear warning-sign screening and an
   API token), every runner linked to a therapist (CareLink "active") and started by her on
   the IT band program through `planner.plans.lifecycle.start_plan`, `--days` days ago in one
   of 8 zones, the plan stretched to cover them (as a therapist tailoring it would). A year of
   session logs (bulk_create, as api_bench.py seeds them: every session day before today, 88%
   logged, 95% of those done, pain 0-2). Doses stay at the first step (no dose history beyond
   the start). The data is reused while the sizes and the UTC day match.
2. Web: starts `manage.py runserver --nostatic --noreload` as bin/run does (its environment:
   SQLite, DEBUG as in development, LOG_FORMAT=plain), and drives it over HTTP from this
   process with `--clients` concurrent clients (threads, each a closed loop, one connection
   per request) on: GET /api/v1/plans/<id>/day (today), POST /api/v1/plans/<id>/logs (logging
   one exercise done, each runner once per exercise: concurrent writes on the one SQLite
   file) and GET /api/v1/patients (the therapist's patient list). Latency percentiles (p50,
   p90, p99, max), requests per second and non-2xx counts per endpoint and concurrency.
3. Reminders: stops the server, makes every runner's daily reminder due at the next whole
   minute M (the other kinds a day later), starts an SMTP sink on loopback (aiosmtpd, counting
   what it receives) and the worker exactly as bin/run does (`celery -A planner worker --beat
   --concurrency 2`, filesystem broker, the app's crontab entry that dispatches at each
   minute's start), with Django's SMTP backend pointed at the sink. Records when each email
   arrives, the time from M to the last, reminders per second, and the deliveries marked sent.
4. Writes bench/results/embedded.json and bench/results/embedded.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from processes import free_port, stop_group

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(ROOT))

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
ap.add_argument("--runners", type=int, default=1000)
ap.add_argument("--therapists", type=int, default=10)
ap.add_argument("--days", type=int, default=365, help="days of session logs")
ap.add_argument("--clients", default="1,4", help="comma-separated concurrent HTTP clients")
ap.add_argument("--requests", type=int, default=1000, help="requests per run (today, log)")
ap.add_argument("--var", default="/tmp/embedded_bench", help="the clinic's var folder")
ap.add_argument("--rebuild", action="store_true")
ap.add_argument("--build-only", action="store_true", help="build the clinic, measure nothing")
ap.add_argument("--reminder-cap", type=float, default=600, help="seconds after M at most")
ap.add_argument("--out", default=str(RESULTS / "embedded"), help="results path, no suffix")
ARGS = ap.parse_args()
VAR = Path(ARGS.var)
# bin/run's environment: no DATABASE_URL or CELERY_BROKER_URL (SQLite and the filesystem
# transport under the var folder), development mode, plain log lines.
for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "PLANNER_MODE", "DEBUG"):
    os.environ.pop(name, None)
os.environ["PLANNER_VAR_DIR"] = str(VAR)
os.environ["LOG_FORMAT"] = "plain"
os.environ["DJANGO_SETTINGS_MODULE"] = "planner.settings"

import django  # noqa: E402

VAR.mkdir(parents=True, exist_ok=True)
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

PROGRAM = "it-band-syndrome-home-program"
ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
]
PASSWORD = "bench-password-4242"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- The clinic ---------------------------------------------------------------------------------


def meta_wanted() -> dict[str, Any]:
    return {
        "runners": ARGS.runners,
        "therapists": ARGS.therapists,
        "days": ARGS.days,
        "utc_day": datetime.now(UTC).date().isoformat(),
        "version": 1,
    }


def build() -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.db import transaction
    from knox.models import AuthToken

    from conditions.models import RedFlag
    from planner.access import THERAPIST_GROUP
    from planner.models import CareLink, PlanExercise, Program, Screening, SessionLog
    from planner.plans import lifecycle

    t0 = time.perf_counter()
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    # The broker's folders are made at settings import: make them again after the wipe.
    for sub in ("queue", "processed", "control"):
        (VAR / "celery" / "broker" / sub).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("load_catalog", verbosity=0)
    program = Program.objects.get(slug=PROGRAM)
    group, _ = Group.objects.get_or_create(name=THERAPIST_GROUP)
    pw = make_password(PASSWORD)
    people: dict[str, Any] = {"therapists": [], "runners": []}
    weeks = ARGS.days // 7 + 3
    no_flags = dict.fromkeys(RedFlag.objects.values_list("slug", flat=True), False)
    with transaction.atomic():
        therapists = []
        for i in range(ARGS.therapists):
            t = User.objects.create(username=f"therapist{i}", email=f"therapist{i}@example.org")
            t.password = pw
            t.save(update_fields=["password"])
            t.groups.add(group)
            EmailAddress.objects.create(user=t, email=t.email, primary=True, verified=True)
            therapists.append(t)
            people["therapists"].append({"user_id": t.pk, "token": AuthToken.objects.create(t)[1]})
        for i in range(ARGS.runners):
            zone = ZONES[i % len(ZONES)]
            therapist = therapists[i % len(therapists)]
            u = User.objects.create(username=f"runner{i}", email=f"runner{i}@example.org")
            u.password = pw
            u.save(update_fields=["password"])
            EmailAddress.objects.create(user=u, email=u.email, primary=True, verified=True)
            start = datetime.now(ZoneInfo(zone)).date() - timedelta(days=ARGS.days)
            then = datetime.combine(start, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
            Screening.objects.create(
                user=u, answers=no_flags, verdict=Screening.Verdict.CLEAR, answered_at=then
            )
            CareLink.objects.create(therapist=therapist, runner=u, status=CareLink.Status.ACTIVE)
            plan = lifecycle.start_plan(
                user=u,
                program=program,
                start_date=start,
                time_zone=zone,
                now=then,
                assigned_by=therapist,
            )
            end = start + timedelta(weeks=weeks, days=-1)
            type(plan).objects.filter(pk=plan.pk).update(planned_end=end, projected_end=end)
            PlanExercise.objects.filter(plan=plan).update(last_week=weeks)
            people["runners"].append(
                {
                    "user_id": u.pk,
                    "plan_id": plan.pk,
                    "zone": zone,
                    "token": AuthToken.objects.create(u)[1],
                    "exercises": list(
                        PlanExercise.objects.filter(plan=plan)
                        .order_by("order")
                        .values_list("pk", flat=True)
                    ),
                }
            )
    t1 = time.perf_counter()
    log(f"people and plans in {t1 - t0:.0f} s; logs next")
    rng = random.Random(42)
    items = list(
        PlanExercise.objects.select_related("plan").values_list(
            "pk", "plan_id", "plan__start_date", "plan__time_zone", "frequency", "amount"
        )
    )
    batch: list[SessionLog] = []
    logs = 0
    with transaction.atomic():
        for pe, plan_id, start, zone, frequency, amount in items:
            today = datetime.now(ZoneInfo(zone)).date()
            day = start
            while day < today:
                if (frequency == "daily" or (day - start).days % 2 == 0) and rng.random() < 0.88:
                    done = rng.random() < 0.95
                    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
                        hours=19
                    )
                    batch.append(
                        SessionLog(
                            plan_id=plan_id,
                            plan_exercise_id=pe,
                            day=day,
                            done=done,
                            amount_done=amount if done else None,
                            pain_during=rng.randint(0, 2) if done else None,
                            pain_next_morning=1 if done and rng.random() < 0.5 else None,
                            difficulty=rng.randint(2, 4) if done else None,
                            created_at=at,
                            updated_at=at,
                        )
                    )
                day += timedelta(days=1)
            if len(batch) >= 20_000:
                SessionLog.objects.bulk_create(batch, batch_size=2000)
                logs += len(batch)
                batch = []
        SessionLog.objects.bulk_create(batch, batch_size=2000)
        logs += len(batch)
    # created_at is auto_now_add: put the seeded history back at the evening of each day.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE planner_sessionlog SET created_at = day || ' 19:00:00', "
            "updated_at = day || ' 19:00:00'"
        )
        cursor.execute("ANALYZE")
    (VAR / "people.json").write_text(json.dumps(people))
    (VAR / "meta.json").write_text(json.dumps(meta_wanted()))
    return {
        "people_and_plans_s": round(t1 - t0, 1),
        "logs_s": round(time.perf_counter() - t1, 1),
        "session_logs": logs,
    }


def counts() -> dict[str, float]:
    from django.db import connection

    out: dict[str, float] = {}
    with connection.cursor() as cursor:
        for name, table in (
            ("users", "auth_user"),
            ("care_links", "planner_carelink"),
            ("plans", "planner_plan"),
            ("plan_exercises", "planner_planexercise"),
            ("session_logs", "planner_sessionlog"),
            ("reminders", "planner_reminder"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            out[name] = int(cursor.fetchone()[0])
    out["sqlite_mb"] = round((VAR / "planner.sqlite3").stat().st_size / 2**20, 1)
    return out


# --- Web ----------------------------------------------------------------------------------------


def start_server(port: int, token: str) -> subprocess.Popen[bytes]:
    out = (VAR / "runserver.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "runserver",
            "--nostatic",
            "--noreload",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env={**os.environ, "PORT": str(port)},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = call(port, "GET", "/api/v1/me", token)
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_group(server)
    sys.exit("runserver did not answer within 60 s")


def call(port: int, method: str, path: str, token: str, body: bytes | None = None) -> Any:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=body,
        method=method,
        headers={
            "Authorization": f"Token {token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


Request = tuple[str, str, str, bytes | None]  # method, path, token, body


def requests_for(endpoint: str, people: dict[str, Any], n: int) -> list[Request]:
    rng = random.Random(7)
    runners = list(people["runners"])
    rng.shuffle(runners)
    if endpoint == "today":
        # Each runner's own day, runners in turn (as many rounds as n asks).
        today: list[Request] = [
            ("GET", f"/api/v1/plans/{r['plan_id']}/day", r["token"], None) for r in runners
        ]
        return (today * (n // len(today) + 1))[:n]
    if endpoint == "patients":
        ts = people["therapists"]
        return [("GET", "/api/v1/patients", ts[k % len(ts)]["token"], None) for k in range(n)]
    out: list[Request] = []
    # Exercise-major: concurrent requests write to different plans, as api_bench does.
    for k in range(max(len(r["exercises"]) for r in runners)):
        for r in runners:
            if k < len(r["exercises"]) and len(out) < n:
                body = {
                    "plan_exercise": r["exercises"][k],
                    "day": datetime.now(ZoneInfo(r["zone"])).date().isoformat(),
                    "done": True,
                    "pain_during": 2,
                }
                out.append(
                    (
                        "POST",
                        f"/api/v1/plans/{r['plan_id']}/logs",
                        r["token"],
                        json.dumps(body).encode(),
                    )
                )
    return out


def reset_logging(day_logs_before: int) -> None:
    """Today's logs written by a logging run gone, with the dose changes they caused."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM planner_sessionlog WHERE id > %s", [day_logs_before])
        cursor.execute(
            "DELETE FROM planner_dosechange WHERE action <> 'start'",
        )
        cursor.execute("UPDATE planner_planexercise SET level = 0")


def percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    k = min(len(sorted_ms) - 1, max(0, round(q * (len(sorted_ms) - 1))))
    return round(sorted_ms[k], 1)


def run_load(port: int, reqs: list[Request], clients: int) -> dict[str, Any]:
    lat: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    queue = iter(reqs)

    def worker() -> None:
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            method, path, token, body = item
            t = time.perf_counter()
            try:
                status, _ = call(port, method, path, token, body)
            except OSError as exc:
                status = type(exc).__name__
            ms = (time.perf_counter() - t) * 1000
            with lock:
                lat.append(ms)
                statuses[str(status)] = statuses.get(str(status), 0) + 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(worker)
    wall = time.perf_counter() - t0
    lat.sort()
    return {
        "clients": clients,
        "requests": len(lat),
        "wall_s": round(wall, 2),
        "rps": round(len(lat) / wall, 1),
        "p50_ms": percentile(lat, 0.50),
        "p90_ms": percentile(lat, 0.90),
        "p99_ms": percentile(lat, 0.99),
        "max_ms": round(lat[-1], 1),
        "statuses": statuses,
    }


def web(people: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    port = free_port()
    server = start_server(port, people["runners"][0]["token"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM planner_sessionlog")
        before = int(cursor.fetchone()[0])
    results: dict[str, Any] = {}
    try:
        # Warm-up (not recorded): the server's first requests load its handler and templates.
        for endpoint in ("today", "patients"):
            run_load(port, requests_for(endpoint, people, 20), 2)
        for clients in [int(c) for c in ARGS.clients.split(",")]:
            for endpoint in ("today", "log", "patients"):
                if endpoint == "log":
                    reset_logging(before)
                n = ARGS.requests if endpoint != "patients" else max(100, ARGS.requests // 5)
                res = run_load(port, requests_for(endpoint, people, n), clients)
                results.setdefault(endpoint, []).append(res)
                log(f"web {endpoint} x{clients}: {res}")
        reset_logging(before)
    finally:
        stop_group(server)
    return results


# --- Reminders ----------------------------------------------------------------------------------


class Sink:
    """Counts the messages an SMTP server on loopback receives, with when each arrived."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.arrivals.append(time.time())
        return "250 OK"


def reminders() -> dict[str, Any]:
    from aiosmtpd.controller import Controller
    from django.db import connection

    from planner.engine import schedule
    from planner.models import Delivery, Reminder

    # aiosmtpd logs every SMTP command at INFO: a thousand sessions would bury the report.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    # The whole minute ahead, so the worker and beat are up before it.
    due_at = (datetime.now(UTC) + timedelta(seconds=45)).replace(
        second=0, microsecond=0
    ) + timedelta(minutes=1)
    Delivery.objects.all().delete()
    rows = list(Reminder.objects.select_related("plan"))
    for r in rows:
        local = due_at.astimezone(ZoneInfo(r.plan.time_zone))
        r.local_time = local.time().replace(second=0, microsecond=0)
        when = due_at if r.kind == Reminder.Kind.REMINDER else due_at + timedelta(days=1)
        r.next_due_at = when
        r.next_local_date = schedule.local_date(when, r.plan.time_zone)
        r.state = Reminder.State.ON
    Reminder.objects.bulk_update(rows, ["local_time", "next_due_at", "next_local_date", "state"])
    due = sum(1 for r in rows if r.kind == Reminder.Kind.REMINDER)
    connection.close()
    for sub in ("queue", "processed"):
        for f in (VAR / "celery" / "broker" / sub).iterdir():
            f.unlink()
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }
    out = (VAR / "celery.log").open("w")
    celery = str(Path(sys.executable).parent / "celery")
    worker = subprocess.Popen(
        [
            celery,
            "-A",
            "planner",
            "worker",
            "--beat",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
            "--schedule",
            str(VAR / "celerybeat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log(f"reminders: {due} due at {due_at:%H:%M:%S}, worker {worker.pid}, sink port {port}")
    m = due_at.timestamp()
    try:
        while time.time() < m + ARGS.reminder_cap:
            with sink.lock:
                got = len(sink.arrivals)
            if got >= due:
                break
            if worker.poll() is not None:
                break
            time.sleep(0.5)
        time.sleep(2)  # anything more than the due ones would show here
    finally:
        stop_group(worker)
        controller.stop()
    arrivals = sorted(sink.arrivals)
    sent = Delivery.objects.filter(state="sent").count()
    res: dict[str, Any] = {
        "due": due,
        "due_at": due_at.isoformat(),
        "emails_received": len(arrivals),
        "deliveries_sent": sent,
        "deliveries": Delivery.objects.count(),
    }
    if arrivals:
        first, last = arrivals[0] - m, arrivals[-1] - m
        res.update(
            {
                "first_email_after_m_s": round(first, 2),
                "last_email_after_m_s": round(last, 2),
                "per_second_from_m": round(len(arrivals) / last, 1) if last > 0 else None,
                "per_second_first_to_last": (
                    round((len(arrivals) - 1) / (last - first), 1) if last > first else None
                ),
            }
        )
    log(f"reminders: {res}")
    return res


# --- Report -------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import celery
    import kombu

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    import sqlite3

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "load_avg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "django": django.get_version(),
        "celery": celery.__version__,
        "kombu": kombu.__version__,
        "debug": settings.DEBUG,
        "database": settings.DATABASES["default"]["ENGINE"],
        "broker": settings.CELERY_BROKER_URL,
    }


def revision() -> str:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    dirty = " (dirty)" if git("status", "--porcelain") else ""
    return git("rev-parse", "--short", "HEAD") + dirty


LABELS = {
    "today": "GET /api/v1/plans/<id>/day (today)",
    "log": "POST /api/v1/plans/<id>/logs (log a session)",
    "patients": "GET /api/v1/patients (patient list)",
}


def write_markdown(res: dict[str, Any], path: Path) -> None:
    m = res["machine"]
    d = res["data"]
    rem = res["reminders"]
    lines = [
        "# The embedded default, measured (bin/run: SQLite, filesystem broker)",
        "",
        f"- command: `{res['command']}`",
        f"- date: {m['date']}; revision: {res['revision']}; nproc: {m['nproc']} ({m['cpu']}); "
        f"load at start: {', '.join(f'{x:.2f}' for x in m['load_avg_at_start'])} "
        "(two cores shared with other jobs: figures are noisy)",
        f"- SQLite {m['sqlite']} (WAL, IMMEDIATE transactions), Django {m['django']}, Celery "
        f"{m['celery']}, Python {m['python']}; DEBUG={m['debug']} (development mode, as bin/run)",
        f"- clinic: {ARGS.therapists} therapists, {d['plans']:,} runners with a plan each, "
        f"{d['session_logs']:,} session logs over {ARGS.days} days, "
        f"{d['sqlite_mb']:,} MB of SQLite",
        "- web: `manage.py runserver --nostatic --noreload` (bin/run's server, threaded), "
        "driven over HTTP on loopback by N concurrent closed-loop clients (threads in the "
        "bench process, on the same 2 cores; API tokens)",
        "",
        "| endpoint | clients | requests | p50 ms | p90 ms | p99 ms | max ms | req/s | statuses |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for endpoint, runs in res["web"].items():
        for r in runs:
            lines.append(
                f"| {LABELS[endpoint]} | {r['clients']} | {r['requests']:,} | {r['p50_ms']} | "
                f"{r['p90_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['rps']} | "
                f"{', '.join(f'{k}: {v}' for k, v in sorted(r['statuses'].items()))} |"
            )
    lines += [
        "",
        "Reminders: every runner's daily reminder due in the same minute M; `celery worker "
        "--beat --concurrency 2` as bin/run starts it (the app's crontab entry dispatches at "
        "the minute's start; the filesystem transport carries the send tasks), Django's SMTP "
        "backend to an aiosmtpd sink on loopback.",
        "",
        "| due | emails received | deliveries sent | first email after M s | last email "
        "after M s | reminders/s (from M) | reminders/s (first to last) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| {rem['due']:,} | {rem['emails_received']:,} | {rem['deliveries_sent']:,} | "
        f"{rem.get('first_email_after_m_s', '-')} | {rem.get('last_email_after_m_s', '-')} | "
        f"{rem.get('per_second_from_m', '-')} | {rem.get('per_second_first_to_last', '-')} |",
        "",
    ]
    path.write_text("\n".join(lines))


def main() -> None:
    started = time.time()
    meta = VAR / "meta.json"
    built: dict[str, Any] | None = None
    if (
        ARGS.rebuild
        or not meta.exists()
        or json.loads(meta.read_text()) != meta_wanted()
        or not (VAR / "people.json").exists()
    ):
        log(f"building the clinic in {VAR}")
        built = build()
        (VAR / "build.json").write_text(json.dumps(built))
        log(f"built: {built}")
    else:
        log("reusing the clinic already built")
    if ARGS.build_only:
        return
    people = json.loads((VAR / "people.json").read_text())
    res: dict[str, Any] = {
        "command": "bench/embedded_bench.py " + " ".join(sys.argv[1:]),
        "revision": revision(),
        "machine": machine(),
        "params": vars(ARGS),
        "build": built or json.loads((VAR / "build.json").read_text()),
        "data": counts(),
    }
    log(f"data: {res['data']}")
    res["web"] = web(people)
    res["reminders"] = reminders()
    res["total_s"] = round(time.time() - started, 1)
    out = Path(ARGS.out)
    out.with_suffix(".json").write_text(json.dumps(res, indent=2, default=str) + "\n")
    write_markdown(res, out.with_suffix(".md"))
    log(f"wrote {out}.json and .md")


if __name__ == "__main__":
    main()
