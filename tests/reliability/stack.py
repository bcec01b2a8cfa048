"""The app as it runs in production, on private servers a test may break.

Other engineers and CI use the shared PostgreSQL and Redis on this machine at the same time, so
nothing here ever stops those. Each fault test gets its own throwaway PostgreSQL cluster
(`initdb` into a temporary folder, on a free port) and its own Redis (`redis-server` on a free
port, no persistence), and runs the real processes against them: gunicorn serving the site,
`celery worker`, `celery beat`, `manage.py`. Tests drive them over loopback HTTP and look at
the private database with plain SQL.

Used by the tests in this folder and by `bench/soak.py`.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
# Every wait in these tests ends: nothing may hang CI.
WAIT = 60.0
PROGRAM = "it-band-syndrome-home-program"


def wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bindir() -> Path:
    """Debian's PostgreSQL binaries (the newest installed), or a failure saying what to do."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    if initdb := shutil.which("initdb"):
        return Path(initdb).parent
    raise RuntimeError(
        "The fault tests start a private PostgreSQL and need its server binaries (initdb, "
        "pg_ctl): install them with 'apt-get install postgresql' (.ci/run does)."
    )


def redis_server_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "The fault tests start a private Redis and need redis-server: install it with "
            "'apt-get install redis-server' (.ci/run does)."
        )
    return binary


class Postgres:
    """A PostgreSQL server, reached as user `postgres` over loopback; plain SQL on it."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url.rstrip("/")

    def url(self, database: str) -> str:
        return f"{self.server_url}/{database}"

    @contextmanager
    def connect(self, database: str) -> Iterator[psycopg.Connection[Any]]:
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=10) as conn:
            yield conn

    def query(self, database: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect(database) as conn, conn.cursor() as cursor:
            cursor.execute(sql, params or None)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str, template: str | None = None) -> None:
        with self.connect("postgres") as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            conn.execute(f"CREATE DATABASE {name}{suffix}")

    def drop_database(self, name: str) -> None:
        with self.connect("postgres") as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class PrivatePostgres(Postgres):
    """A throwaway PostgreSQL cluster on a free loopback port, trust auth, user `postgres`."""

    def __init__(self, home: Path, port: int, bindir: Path) -> None:
        super().__init__(f"postgres://postgres@127.0.0.1:{port}")
        self.home, self.port, self.bindir = home, port, bindir

    @classmethod
    def create(cls) -> PrivatePostgres:
        bindir = postgres_bindir()
        home = Path(tempfile.mkdtemp(prefix="planner-private-pg-"))
        if os.geteuid() == 0:
            # initdb refuses to run as root: the cluster belongs to the postgres user.
            shutil.chown(home, "postgres", "postgres")
        server = cls(home, free_port(), bindir)
        server._run("initdb", "-D", str(server.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        server.start()
        return server

    @property
    def data(self) -> Path:
        return self.home / "data"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=WAIT)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stdout}\n{done.stderr}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 "
            # A throwaway cluster: durability buys nothing and costs the shared disk.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.home / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as when the server restarts."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped
            self.stop()
        shutil.rmtree(self.home, ignore_errors=True)


@dataclass
class PrivateRedis:
    """A Redis of its own on a free loopback port, nothing saved: stopping it loses every
    queued message, the worst a broker outage can do."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def create(cls) -> PrivateRedis:
        server = cls(free_port())
        server.start()
        return server

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.is_up, "the private Redis to start")

    def is_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=WAIT)
        self.process = None


@dataclass
class AppProcess:
    """One process of the app (web server, worker, beat), its output in a log file."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM the process group, then SIGKILL what is left: never leave one running."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=WAIT)


@dataclass
class Stack:
    """The app's environment on given servers, and the processes started from it."""

    database_url: str
    broker_url: str
    home: Path
    email_backend: str = "django.core.mail.backends.filebased.EmailBackend"
    processes: list[AppProcess] = field(default_factory=list)

    @property
    def var_dir(self) -> Path:
        return self.home / "var"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            # Nothing of the test run's own servers leaks into the app under test.
            if key not in {"REDIS_URL", "CACHE_URL", "DATABASE_URL", "CELERY_BROKER_URL"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="planner.settings",
            PLANNER_MODE="development",
            DEBUG="false",
            SECRET_KEY="reliability-tests-" + "k" * 60,
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.broker_url,
            PLANNER_VAR_DIR=str(self.var_dir),
            EMAIL_BACKEND=self.email_backend,
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    def manage(self, *args: str, timeout: float = WAIT) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def python(self, code: str, timeout: float = WAIT) -> subprocess.CompletedProcess[str]:
        """Run Python in a process of the app (Django set up), as a worker would."""
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", code],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def spawn(
        self, name: str, *command: str, extra_env: dict[str, str] | None = None
    ) -> AppProcess:
        self.home.mkdir(parents=True, exist_ok=True)
        log = self.home / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                list(command),
                cwd=ROOT,
                env={**self.env(), **(extra_env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        app = AppProcess(name, process, log)
        self.processes.append(app)
        return app

    def web(self, workers: int = 2) -> Web:
        port = free_port()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        process = self.spawn(
            f"web-{port}",
            gunicorn,
            "planner.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        )
        web = Web(port, process, self.var_dir / "mail")
        wait_for(lambda: web.ready(), "the web server to answer")
        return web

    def worker(self, name: str = "worker", concurrency: int = 2) -> AppProcess:
        worker = self.spawn(
            name,
            sys.executable,
            "-m",
            "celery",
            "-A",
            "planner",
            "worker",
            "--hostname",
            f"{name}@%h",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        )
        wait_for(lambda: " ready." in worker.output(), f"{name} to start")
        return worker

    def beat(self, name: str = "beat", every: float = 1.0) -> AppProcess:
        """`celery beat` with the dispatcher and sweeper ticking every `every` seconds."""
        self.home.mkdir(parents=True, exist_ok=True)
        beat = self.spawn(
            name,
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.reliability.fast_beat",
            "beat",
            "--schedule",
            str(self.home / f"{name}-schedule"),
            "--loglevel",
            "INFO",
            extra_env={"FAST_BEAT_EVERY": str(every)},
        )
        wait_for(lambda: "beat: Starting" in beat.output(), f"{name} to start")
        return beat

    def tasks_succeeded(self, task: str) -> int:
        """How many times the workers ran `task` (e.g. "sweep_deliveries") to the end."""
        return sum(
            task in line and " succeeded in " in line
            for process in self.processes
            for line in process.output().splitlines()
        )

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()

    def sent_emails(self) -> list[tuple[str, str]]:
        """(recipient, subject) of every email the filebased backend wrote."""
        mail_dir = self.var_dir / "mail"
        if not mail_dir.exists():
            return []
        sent = []
        for path in sorted(mail_dir.iterdir()):
            to = subject = ""
            # Account mail (the confirmation link at sign-up) is not a reminder.
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("To: "):
                    to = line.removeprefix("To: ").strip()
                elif line.startswith("Subject: "):
                    subject = line.removeprefix("Subject: ").strip()
                elif line.startswith("-" * 79) and to:
                    if not subject.startswith(ACCOUNT_MAIL):
                        sent.append((to, subject))
                    to = subject = ""
        return sent


@dataclass
class Response:
    status: int
    body: Any


@dataclass
class Web:
    port: int
    process: AppProcess
    # Where the app's filebased backend writes mail (a runner reads their confirmation there).
    mail_dir: Path

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        timeout: float = 15.0,
    ) -> Response:
        """One request over loopback; a hang fails as a timeout, never waits forever."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        content_type = response.getheader("Content-Type", "")
        parsed: Any = raw.decode(errors="replace")
        if "json" in content_type and raw:
            parsed = json.loads(raw)
        return Response(response.status, parsed)

    def ready(self) -> bool:
        if not self.process.running():
            raise AssertionError(f"the web server exited:\n{self.process.output()}")
        try:
            return self.request("GET", "/", timeout=5).status == 200
        except OSError:
            return False


@dataclass
class Runner:
    username: str
    token: str
    plan_id: int
    exercise_ids: list[int]
    time_zone: str

    def local_today(self) -> str:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(self.time_zone)).date().isoformat()


ACCOUNT_MAIL = "Rehab planner: "  # settings.ACCOUNT_EMAIL_SUBJECT_PREFIX


def confirm_address(web: Web, email: str) -> None:
    """Follow the confirmation link mailed at sign-up, through allauth's app API, as the
    runner would (reminders go to confirmed addresses only)."""
    keys: list[str] = []
    for path in sorted(web.mail_dir.iterdir()) if web.mail_dir.exists() else []:
        text = path.read_text(errors="replace")
        for message in text.split("-" * 79):
            if f"To: {email}" in message:
                keys += re.findall(r"/accounts/confirm-email/([^/\s]+)/", message)
    assert keys, f"no confirmation mail for {email}"
    verified = web.request("POST", "/_allauth/app/v1/auth/email/verify", {"key": keys[-1]})
    assert verified.status in (200, 401), verified.body


def runner_with_plan(
    web: Web,
    username: str,
    email: str | None = None,
    time_zone: str = "Europe/Berlin",
    days_ago: int = 0,
    reminder_time: str = "07:30",
    confirm: bool = True,
) -> Runner:
    """A runner signed up through the API (and, unless `confirm` is False, who followed the
    confirmation link), on the IT band program started `days_ago`."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    signed_up = web.request(
        "POST",
        "/api/v1/auth/signup",
        {
            "username": username,
            "email": email or f"{username}@example.com",
            "password": f"{username}-pass-4242",
        },
    )
    assert signed_up.status == 201, signed_up.body
    token = signed_up.body["token"]
    if confirm:
        confirm_address(web, email or f"{username}@example.com")
        me = web.request("GET", "/api/v1/me", token=token)
        assert me.body["email_confirmed"], me.body
    # Every plan starts on a warning-sign screening: "no" to every question, as a new user would.
    questions = web.request("GET", "/api/v1/screening-questions", token=token)
    assert questions.status == 200, questions.body
    screened = web.request(
        "POST",
        "/api/v1/screenings",
        {"answers": {question["slug"]: False for question in questions.body}},
        token=token,
    )
    assert screened.status == 201, screened.body
    start = datetime.now(ZoneInfo(time_zone)).date() - timedelta(days=days_ago)
    started = web.request(
        "POST",
        "/api/v1/plans",
        {
            "program": PROGRAM,
            "start_date": start.isoformat(),
            "time_zone": time_zone,
            "reminder_time": reminder_time,
        },
        token=token,
    )
    assert started.status == 201, started.body
    plan = started.body
    return Runner(username, token, plan["id"], [e["id"] for e in plan["exercises"]], time_zone)


# Makes the daily reminders of the given plans due a moment ago, as if the clock had reached
# them: for the local date each row was computed for, or for `day`. Rows already due and not
# yet dispatched are left alone. Returns what must be delivered. (The dispatcher then advances
# each row to its next real occurrence.)
MAKE_DUE = """
    UPDATE planner_reminder
    SET next_due_at = now() - interval '5 seconds',
        next_local_date = COALESCE(%s::date, next_local_date)
    WHERE kind = 'reminder' AND plan_id = ANY(%s) AND next_due_at > now()
    RETURNING plan_id, next_local_date
"""


def make_due(
    pg: Postgres, database: str, plan_ids: list[int], day: date | None = None
) -> set[tuple[int, str]]:
    rows = pg.query(database, MAKE_DUE, day, plan_ids)
    return {(plan_id, local_date.isoformat()) for plan_id, local_date in rows}


def deliveries(pg: Postgres, database: str) -> list[dict[str, Any]]:
    rows = pg.query(
        database,
        "SELECT plan_id, local_date, kind, state, attempts, last_error FROM planner_delivery "
        "ORDER BY id",
    )
    keys = ["plan_id", "local_date", "kind", "state", "attempts", "last_error"]
    found = [dict(zip(keys, row, strict=True)) for row in rows]
    for row in found:
        row["local_date"] = row["local_date"].isoformat()
    return found


def unsettled(pg: Postgres, database: str) -> int:
    """Deliveries still pending or being sent."""
    ((count,),) = pg.query(
        database,
        "SELECT count(*) FROM planner_delivery WHERE state IN ('pending', 'sending')",
    )
    return int(count)
