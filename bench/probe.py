"""An outside security probe of a running planner, repeatable: it starts the app itself, in two
modes, attacks it over HTTP only, and counts the holes each category of attack finds.

Modes:

- production: gunicorn (3 sync workers, loopback) with PLANNER_MODE=production on a fresh
  PostgreSQL database and a Redis cache, behind a small reverse proxy written here (stdlib) that
  behaves like nginx: it APPENDS the address it saw to X-Forwarded-For and SETS
  X-Forwarded-Proto: https. BEHIND_TLS_PROXY=1, TRUSTED_PROXY_COUNT=1. Requests go through the
  proxy; the header-spoofing category also talks to gunicorn directly.
- embedded: the development default (SQLite in a temporary folder, DEBUG on, in-process cache)
  under `manage.py runserver` on loopback, no proxy, TRUSTED_PROXY_COUNT=0.

Many clients: through the proxy a request names the address the proxy appends with a private
header (X-Probe-Peer, stripped by the proxy and believed only from loopback); without a proxy
the probe connects from another loopback address (127.x.y.z: all of 127/8 is this machine).

A failure is an answer that shows a hole: a 500 or no answer, a guess that got through
unthrottled, a spoofed address or scheme that was believed, an answer that tells whether an
email is registered, a secret in the server's log. A category whose endpoint is missing (404)
is "not applicable", with a note.

Run from the checkout (needs the shared PostgreSQL and Redis; uses only database
`planner_probe`, dropped and recreated, and Redis db 12, emptied before and after):

    .venv/bin/python bench/probe.py            # --modes production,embedded --burst 40

The two modes run at the same time (each prepares its database, then is probed category by
category: `CATEGORIES` below says what each tries and counts as a failure). Most of the time
is password hashing on the server: about 5 CPU-minutes in all, 4 to 5 minutes on 2 cores
shared with a test suite.

Results: bench/results/probe.json (every finding and note) and bench/results/probe.md (the
table). Exit status 1 when a failure was found, 2 when a mode could not be probed or the
probe itself broke in a category.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import difflib
import functools
import hmac
import html
import http.client
import http.server
import ipaddress
import itertools
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import string
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

# ================================================================================================
# ENDPOINTS AND FIELD NAMES: the one place to edit when sign-in and sign-up move.
# Page forms are found by GETting each candidate path in turn; the first that shows a POST form
# with a password input is used, and its field names are read from that form (the name field is
# its first text or email input), so `username` -> `login` needs no edit here.
# ================================================================================================
API_TOKEN_PATH = "/api/v1/auth/token"  # JSON {username, password} -> {token}
API_SIGNUP_PATH = "/api/v1/auth/signup"  # JSON {username, email, password}
API_USERNAME_FIELD = "username"
API_PASSWORD_FIELD = "password"
API_EMAIL_FIELD = "email"
API_TOKEN_KEYS = ("token", "key", "access")  # where a sign-in answer keeps its token
API_AUTH_SCHEME = "Token"  # Authorization: Token <key> (DRF and knox alike)
PAGE_SIGNIN_PATHS = ("/signin/", "/accounts/login/")
PAGE_SIGNUP_PATHS = ("/signup/", "/accounts/signup/")
PASSWORD_RESET_PATHS = ("/accounts/password/reset/", "/password-reset/", "/password_reset/")
ADMIN_LOGIN_PATH = "/admin/login/"
# django-allauth's API for apps (JSON): sign-in, sign-up, password reset. 404: not applicable.
HEADLESS_LOGIN_PATH = "/_allauth/app/v1/auth/login"  # {username | email, password}
HEADLESS_SIGNUP_PATH = "/_allauth/app/v1/auth/signup"  # {username, email, password}
HEADLESS_RESET_PATH = "/_allauth/app/v1/auth/password/request"  # {email}
SECOND_FACTOR_FIELDS = ("code",)  # the code input of the second-factor step after sign-in
INVITATION_API_PATH = "/api/v1/invitations"  # a therapist invites {runner: username or email}
INVITATION_FIELD = "runner"
PATIENTS_PAGE_PATH = "/patients/"  # the therapist's page with the invitation form
CALENDAR_FEED_API = "/api/v1/plans/{plan}/calendar-feed"  # POST -> {url}
ME_PATH = "/api/v1/me"  # 200 once signed in
PAGINATED_API_PATH = "/api/v1/exercises?limit=1"  # a list whose `next` link shows the scheme
CSRF_COOKIE = "csrftoken"
SESSION_COOKIE = "sessionid"
# How a refused sign-in says it was slowed (besides 429), and how long to wait.
THROTTLE_TEXT = re.compile(r"too many (failed )?(sign-ins|login attempts|attempts)", re.I)
WAIT_TEXT = re.compile(r"(\d+)\s*(seconds?|s\b)", re.I)
# ================================================================================================

PEER_HEADER = "X-Probe-Peer"  # the proxy appends this address instead of the connection's
APP_HOST = "planner.test"  # the production ALLOWED_HOSTS (and Host sent through the proxy)
FOREIGN_HOST = "evil.example"
PROGRAM = "it-band-syndrome-home-program"  # the runner's plan (any program if missing)
ZONE = "Europe/Berlin"
OWNER_MAX_WAIT = 65  # seconds: the owner may be kept out this long by others' failures
HUGE_IDS = ("9223372036854775808", "9223372036854775807", "18446744073709551616", "-1", "0")
EDGE_DATES = (
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "10000-01-01",
    "-0001-01-01",
)
NESTED_BODIES = {
    "[ x1000": "[" * 1000,
    '{"a": x1000': '{"a":' * 1000,
    "[ x100000": "[" * 100_000,
    "[]  1000 deep, closed": "[" * 1000 + "]" * 1000,
    '{"a": 1000 deep, closed': '{"a":' * 1000 + "1" + "}" * 1000,
}
BURST_SCENARIOS = ("one", "many", "random", "norm", "email", "xff", "xffd")
SIGNIN_KINDS = ("api", "headless", "page", "admin")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
# Settings the probe sets itself: anything of the caller's environment with these names goes.
PLANNER_VARIABLES = (
    "PLANNER_MODE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "BEHIND_TLS_PROXY",
    "SECURE_SSL_REDIRECT",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "SITE_URL",
    "PORT",
    "PLANNER_VAR_DIR",
    "MEDIA_ROOT",
    "MEDIA_S3_BUCKET",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "TRUSTED_PROXY_COUNT",
    "TRUSTED_PROXY_ADDRESSES",
)


# --- HTTP, from the outside ------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def data(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def redirect(self) -> str:
        return self.header("Location") if self.status in (301, 302, 303, 307, 308) else ""

    def brief(self) -> str:
        return f"{self.status} {self.text[:160]!r}"


REQUEST_IDS = itertools.count(1)


class Peers:
    """Addresses never used before in this run: loopback ones (to connect from) or ones the
    proxy is told to append."""

    def __init__(self, loopback: bool) -> None:
        self.loopback = loopback
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    def fresh(self) -> str:
        with self.lock:
            n = next(self.counter)
        a, b, c = n // (254 * 254) % 254 + 1, n // 254 % 254 + 1, n % 254 + 1
        return f"127.{a}.{b}.{c}" if self.loopback else f"10.{a}.{b}.{c}"


@dataclass
class Target:
    """Where requests go: the proxy, gunicorn directly, or runserver."""

    name: str
    port: int
    host_header: str
    scheme: str  # what the app should see: https behind the proxy
    via_proxy: bool
    extra_headers: dict[str, str] = field(default_factory=dict)
    peers: Peers = field(default_factory=lambda: Peers(loopback=True))

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host_header}"


def send(
    target: Target,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    peer: str | None = None,
    timeout: float = 60,
) -> Answer:
    """One request on its own connection; never raises for a network error (status 0)."""
    sent = {
        "Host": target.host_header,
        "X-Request-ID": f"probe-{next(REQUEST_IDS)}",  # echoed, and on the server's log lines
        **target.extra_headers,
        **(headers or {}),
    }
    source: tuple[str, int] | None = None
    if peer is not None and target.via_proxy:
        sent[PEER_HEADER] = peer
    elif peer is not None:
        source = (peer, 0)
    connection = http.client.HTTPConnection(
        "127.0.0.1", target.port, timeout=timeout, source_address=source
    )
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in sent.items():
            connection.putheader(name, value)
        if body is not None or method not in SAFE_METHODS:
            connection.putheader("Content-Length", str(len(body or b"")))
        connection.endheaders(body)
        response = connection.getresponse()
        return Answer(response.status, response.getheaders(), response.read())
    except (OSError, http.client.HTTPException) as exc:
        return Answer(0, [], f"{type(exc).__name__}: {exc}".encode())
    finally:
        connection.close()


class Client:
    """A browser of sorts: keeps cookies, sends the CSRF token and Origin on unsafe methods,
    and an API token when it has one. Each request may come from another address."""

    def __init__(self, target: Target, peer: str | None = None) -> None:
        self.target = target
        self.peer = peer if peer is not None else target.peers.fresh()
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.last_path = "/"  # of the last request: a form without an action posts there
        self.lock = threading.Lock()

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = "",
        headers: dict[str, str] | None = None,
        peer: str | None = None,
    ) -> Answer:
        sent: dict[str, str] = {"Accept": "text/html,application/json"}
        with self.lock:
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method not in SAFE_METHODS:
                sent["Origin"] = self.target.origin
                sent["Referer"] = self.target.origin + path
                if CSRF_COOKIE in self.cookies:
                    sent["X-CSRFToken"] = self.cookies[CSRF_COOKIE]
        if self.token:
            sent["Authorization"] = f"{API_AUTH_SCHEME} {self.token}"
        if content_type:
            sent["Content-Type"] = content_type
        sent.update(headers or {})
        answer = send(self.target, method, path, body, sent, peer or self.peer)
        self.keep_cookies(answer)
        self.last_path = path
        return answer

    def keep_cookies(self, answer: Answer) -> None:
        with self.lock:
            for line in answer.all("Set-Cookie"):
                name, _, rest = line.partition("=")
                value = rest.split(";", 1)[0]
                if value in ("", '""') or "max-age=0" in line.lower():
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def json(self, method: str, path: str, data: Any = None, raw: str | None = None) -> Answer:
        body = raw.encode() if raw is not None else json.dumps(data if data is not None else {})
        encoded = body if isinstance(body, bytes) else body.encode()
        return self.request(method, path, encoded, "application/json")

    def form(
        self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None
    ) -> Answer:
        with self.lock:
            token = self.cookies.get(CSRF_COOKIE, "")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        return self.request(
            "POST", path, body, "application/x-www-form-urlencoded", headers=headers
        )

    def follow(self, answer: Answer, hops: int = 2) -> Answer:
        """The page a redirect leads to on this site (at most `hops` redirects)."""
        for _ in range(hops):
            location = urllib.parse.urlsplit(answer.redirect)
            if not answer.redirect or location.netloc not in ("", self.target.host_header):
                return answer
            answer = self.get(location.path + (f"?{location.query}" if location.query else ""))
        return answer


# --- HTML forms -------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    inputs: list[tuple[str, str, str]] = field(default_factory=list)  # name, type, value

    def hidden(self) -> dict[str, str]:
        return {name: value for name, kind, value in self.inputs if kind == "hidden"}

    def names(self, *kinds: str) -> list[str]:
        return [name for name, kind, _ in self.inputs if kind in kinds]

    @property
    def text_fields(self) -> list[str]:
        return self.names("text", "email", "")

    @property
    def password_fields(self) -> list[str]:
        return self.names("password")

    def email_field(self) -> str:
        by_type = self.names("email")
        by_name = [name for name, _, _ in self.inputs if "email" in name.lower()]
        return (by_type or by_name or [""])[0]


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(Form(found.get("action", ""), found.get("method", "get").lower()))
        elif tag in ("input", "textarea", "select") and self.forms and found.get("name"):
            kind = found.get("type", "").lower() if tag == "input" else tag
            if kind in ("submit", "button", "checkbox", "radio", "file", "image"):
                return
            self.forms[-1].inputs.append((found["name"], kind, found.get("value", "")))


def post_forms(page: str) -> list[Form]:
    parser = FormParser()
    parser.feed(page)
    return [form for form in parser.forms if form.method == "post"]


def form_with(page: str, wanted: Callable[[Form], bool]) -> Form | None:
    return next((form for form in post_forms(page) if wanted(form)), None)


def action_path(form: Form, page_path: str) -> str:
    if not form.action:
        return page_path
    parts = urllib.parse.urlsplit(form.action)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- The reverse proxy ------------------------------------------------------------------------


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    """nginx's `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for` and
    `X-Forwarded-Proto https`: the client's own X-Forwarded-For is kept and the address seen is
    appended (X-Probe-Peer, from loopback only, chooses that address)."""

    upstream_port = 0
    server_version = "probe-proxy"

    def forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = self.client_address[0]
        chosen = self.headers.get(PEER_HEADER)
        if chosen and ipaddress.ip_address(seen).is_loopback:
            seen = chosen
        dropped = HOP_BY_HOP | {PEER_HEADER.lower(), "x-forwarded-for", "x-forwarded-proto"}
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in dropped]
        forwarded = [*(self.headers.get_all("X-Forwarded-For") or []), seen]
        headers += [("X-Forwarded-For", ", ".join(forwarded)), ("X-Forwarded-Proto", "https")]
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=120)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                upstream.putheader(name, value)
            upstream.putheader("Content-Length", str(len(body)))
            upstream.putheader("Connection", "close")
            upstream.endheaders(body)
            response = upstream.getresponse()
            status, reason, answer_headers = response.status, response.reason, response.getheaders()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            status, reason, answer_headers, data = 502, "Bad Gateway", [], str(exc).encode()
        finally:
            upstream.close()
        self.send_response_only(status, reason)
        for name, value in answer_headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = forward

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the app's own log is what is read."""


class Proxy:
    def __init__(self, upstream_port: int) -> None:
        handler = type("Handler", (ProxyHandler,), {"upstream_port": upstream_port})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Proxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- Starting the app -------------------------------------------------------------------------

# Run by `manage.py shell -c` in each mode: the accounts the probe attacks and uses, a runner
# with a plan a week in, her therapist (an active link), a staff member; their ids as JSON.
ACCOUNTS_SCRIPT = r"""
import json, os
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.utils import timezone
from conditions.models import RedFlag
from planner.access import THERAPIST_GROUP
from planner.engine import schedule
from planner.models import CareLink, Notification, Program, Screening
from planner.plans import lifecycle, reminders

spec = json.loads(os.environ["PROBE_ACCOUNTS"])
hashes = {}
users = {}
for name, entry in spec["users"].items():
    password = entry["password"]
    hashes.setdefault(password, make_password(password))
    user, _ = User.objects.get_or_create(username=name)
    user.email = entry["email"]
    user.password = hashes[password]
    user.is_staff = user.is_superuser = entry.get("staff", False)
    user.save()
    if apps.is_installed("allauth.account"):
        from allauth.account.models import EmailAddress
        EmailAddress.objects.update_or_create(
            user=user, email=entry["email"], defaults={"verified": True, "primary": True}
        )
    if entry.get("totp") and apps.is_installed("allauth.mfa"):
        from allauth.mfa.totp.internal.auth import TOTP
        TOTP.activate(user, entry["totp"])
    users[name] = user

runner, therapist = users[spec["runner"]], users[spec["therapists"][0]]
for name in spec["therapists"]:
    users[name].groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])
CareLink.objects.create(therapist=therapist, runner=runner, status=CareLink.Status.ACTIVE)
program = Program.objects.filter(slug=spec["program"]).first() or Program.objects.first()
zone = spec["zone"]
today = schedule.local_date(timezone.now(), zone)
start = today - timedelta(days=7)
assigned = datetime.combine(start - timedelta(days=1), time(20), tzinfo=ZoneInfo(zone))
screening = Screening.objects.create(
    user=runner,
    answers=dict.fromkeys(RedFlag.objects.values_list("slug", flat=True), False),
    verdict=Screening.Verdict.CLEAR,
    answered_at=assigned,
)
plan = lifecycle.start_plan(
    user=runner, program=program, start_date=start, time_zone=zone, now=assigned,
    assigned_by=therapist,
)
reminders.reschedule(plan, timezone.now())
notification = Notification.objects.create(user=runner, title="Probe", body="A notification.")
print("PROBE-FACTS " + json.dumps({
    "ids": {name: user.pk for name, user in users.items()},
    "plan": plan.pk,
    "plan_exercise": plan.exercises.order_by("pk").first().pk,
    "condition": program.condition.slug,
    "program": program.slug,
    "today": today.isoformat(),
    "notification": notification.pk,
    "screening": screening.pk,
}))
"""


def strong_password() -> str:
    return "Pw-" + secrets.token_urlsafe(15)


@dataclass
class Account:
    username: str
    password: str
    email: str
    staff: bool = False
    totp: str = ""  # a second factor's secret (base32), for those who must have one


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238: the authenticator app's code now (SHA-1, 30 s, 6 digits)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def accounts_wanted() -> dict[str, Account]:
    """Every account by its role: one per (sign-in, scenario), so no scenario's counters spill
    into another's, and the runner, therapist and staff member the other categories use."""
    shared = strong_password()
    wanted = {
        role: Account(f"probe-{role}", strong_password(), f"{role}@probe.test", role == "staff")
        for role in ("runner", "therapist", "inviter-a", "inviter-b", "staff")
    }
    # Therapists and staff must have a second factor: theirs is an authenticator app.
    for role in ("therapist", "inviter-a", "inviter-b", "staff"):
        wanted[role].totp = base64.b32encode(secrets.token_bytes(20)).decode()
    for kind in SIGNIN_KINDS:
        for scenario in BURST_SCENARIOS:
            name = f"probe-{kind}-{scenario}"
            wanted[f"{kind}-{scenario}"] = Account(
                name, shared, f"{name}@probe.test", kind == "admin"
            )
    for role in ("enum-a", "enum-b", "enum-c", "enum-d", "enum-signin"):
        wanted[role] = Account(f"probe-{role}", shared, f"probe-{role}@probe.test")
    return wanted


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def base_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PLANNER_VARIABLES}
    env.update(
        PLANNER_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str, extra: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env={**env, **(extra or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def create_accounts(env: dict[str, str], accounts: dict[str, Account]) -> dict[str, Any]:
    spec = {
        "users": {
            a.username: {"password": a.password, "email": a.email, "staff": a.staff, "totp": a.totp}
            for a in accounts.values()
        },
        "runner": accounts["runner"].username,
        "therapists": [accounts[role].username for role in ("therapist", "inviter-a", "inviter-b")],
        "program": PROGRAM,
        "zone": ZONE,
    }
    out = manage(env, "shell", "-c", ACCOUNTS_SCRIPT, extra={"PROBE_ACCOUNTS": json.dumps(spec)})
    line = next(line for line in out.splitlines() if line.startswith("PROBE-FACTS "))
    facts: dict[str, Any] = json.loads(line.removeprefix("PROBE-FACTS "))
    return facts


STARTED: set[subprocess.Popen[bytes]] = set()  # servers running, for an interrupted run


def start_process(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    STARTED.add(process)
    return process


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """The process and its children (its own session, started above), by its id."""
    STARTED.discard(process)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def wait_until_up(target: Target, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-3000:]}")
        if send(target, "GET", "/health", timeout=5).status:
            return
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer in 90 s:\n{log.read_text()[-3000:]}")


def redis_flush(url: str) -> None:
    subprocess.run(["redis-cli", "-u", url, "flushdb"], check=True, capture_output=True)


def recreate_database(server: str, name: str, drop_only: bool = False) -> None:
    def psql(sql: str) -> None:
        subprocess.run(
            ["psql", f"{server}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
            check=True,
            capture_output=True,
        )

    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if not drop_only:
        psql(f'CREATE DATABASE "{name}"')


@dataclass
class Prepared:
    """A mode's database, accounts and environment, ready to serve."""

    mode: str
    env: dict[str, str]
    var_dir: Path
    accounts: dict[str, Account]
    facts: dict[str, Any]
    secret_key: str = ""


def prepare_production(work: Path, options: argparse.Namespace) -> Prepared:
    var_dir = work / "production"
    secret_key = secrets.token_urlsafe(64)
    env = base_env(var_dir) | {
        "PLANNER_MODE": "production",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": APP_HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{APP_HOST}",
        "SITE_URL": f"https://{APP_HOST}",
        "DATABASE_URL": f"{options.pg}/{options.db}",
        "CACHE_URL": options.redis,
        "BEHIND_TLS_PROXY": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_FORMAT": "json",
        "TRUSTED_PROXY_ADDRESSES": "127.0.0.1",  # where the proxy connects from
    }
    recreate_database(options.pg, options.db)
    redis_flush(options.redis)
    manage(env, "migrate", "--no-input")
    manage(env, "load_catalog")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    accounts = accounts_wanted()
    return Prepared(
        "production", env, var_dir, accounts, create_accounts(env, accounts), secret_key
    )


def prepare_embedded(work: Path, options: argparse.Namespace) -> Prepared:
    var_dir = work / "embedded"
    # As bin/run: the embedded default, with plain log lines for a terminal.
    env = base_env(var_dir) | {"LOG_FORMAT": "plain"}
    manage(env, "migrate", "--no-input")
    manage(env, "load_catalog")
    accounts = accounts_wanted()
    return Prepared("embedded", env, var_dir, accounts, create_accounts(env, accounts))


# --- Signing in, as each endpoint wants it ----------------------------------------------------


@dataclass
class Outcome:
    kind: str  # ok, refused, throttled, redirected (to HTTPS), error, missing
    answer: Answer
    wait: int | None = None


def stated_wait(answer: Answer) -> int | None:
    """Seconds a refused sign-in asks to wait: Retry-After, or a number of seconds near the
    throttle message."""
    header = answer.header("Retry-After")
    if header.isdigit():
        return int(header)
    found = THROTTLE_TEXT.search(answer.text)
    start = found.start() if found else 0
    seconds = WAIT_TEXT.search(answer.text, start, start + 400)
    return int(seconds.group(1)) if seconds else None


def common_outcome(answer: Answer) -> Outcome | None:
    if answer.status == 0 or answer.status >= 500:
        return Outcome("error", answer)
    if answer.status in (404, 405):
        return Outcome("missing", answer)
    if answer.redirect.startswith("https://"):
        return Outcome("redirected", answer)  # plain HTTP sent on to HTTPS: never checked
    if answer.status == 429 or THROTTLE_TEXT.search(answer.text):
        return Outcome("throttled", answer, stated_wait(answer))
    return None


def api_outcome(answer: Answer) -> Outcome:
    data = answer.data()
    if found := common_outcome(answer):
        return found
    has_token = isinstance(data, dict) and any(data.get(key) for key in API_TOKEN_KEYS)
    if answer.status in (200, 201) and has_token:
        return Outcome("ok", answer)
    return Outcome("refused", answer)


def form_outcome(answer: Answer, path: str) -> Outcome:
    if found := common_outcome(answer):
        return found
    went = urllib.parse.urlsplit(answer.redirect)
    if answer.redirect and went.path != path and "login" not in went.path:
        return Outcome("ok", answer)
    return Outcome("refused", answer)


class SignIn:
    """One way in: a name and password tried from an address; `on` the same way in, reached
    at another target (gunicorn directly), or None and why when it is not there."""

    kind = ""
    label = ""
    target: Target

    def attempt(
        self, username: str, password: str, peer: str, headers: dict[str, str] | None = None
    ) -> Outcome:
        raise NotImplementedError

    def on(self, target: Target) -> tuple[SignIn | None, str]:
        raise NotImplementedError


class JsonSignIn(SignIn):
    """A sign-in that takes JSON: the planner's API, or allauth's API for apps."""

    path = ""

    def __init__(self, target: Target) -> None:
        self.target = target

    def body(self, username: str, password: str) -> dict[str, str]:
        raise NotImplementedError

    def judge(self, answer: Answer) -> Outcome:
        raise NotImplementedError

    def attempt(
        self, username: str, password: str, peer: str, headers: dict[str, str] | None = None
    ) -> Outcome:
        body = json.dumps(self.body(username, password)).encode()
        client = Client(self.target, peer)
        return self.judge(client.request("POST", self.path, body, "application/json", headers))

    def on(self, target: Target) -> tuple[SignIn | None, str]:
        return discover_json(type(self), target)


class ApiSignIn(JsonSignIn):
    kind, label, path = "api", f"API {API_TOKEN_PATH}", API_TOKEN_PATH

    def body(self, username: str, password: str) -> dict[str, str]:
        return {API_USERNAME_FIELD: username, API_PASSWORD_FIELD: password}

    def judge(self, answer: Answer) -> Outcome:
        return api_outcome(answer)


class HeadlessSignIn(JsonSignIn):
    kind, label, path = "headless", f"allauth API {HEADLESS_LOGIN_PATH}", HEADLESS_LOGIN_PATH

    def body(self, username: str, password: str) -> dict[str, str]:
        return {"email" if "@" in username else "username": username, "password": password}

    def judge(self, answer: Answer) -> Outcome:
        """200 signed in; 401 with a pending step (the second factor): the password was right."""
        if found := common_outcome(answer):
            return found
        data = answer.data()
        flows = data.get("data", {}).get("flows", []) if isinstance(data, dict) else []
        pending = any(isinstance(f, dict) and f.get("is_pending") for f in flows)
        if answer.status == 200 or (answer.status == 401 and pending):
            return Outcome("ok", answer)
        return Outcome("refused", answer)


class FormSignIn(SignIn):
    def __init__(
        self, kind: str, target: Target, path: str, form: Form, cookies: dict[str, str]
    ) -> None:
        self.kind, self.target, self.path, self.form = kind, target, path, form
        self.cookies = cookies
        self.user_field = form.text_fields[0]
        self.password_field = form.password_fields[0]
        self.label = f"{'admin' if kind == 'admin' else 'page'} {path}"

    def attempt(
        self, username: str, password: str, peer: str, headers: dict[str, str] | None = None
    ) -> Outcome:
        client = Client(self.target, peer)
        client.cookies = dict(self.cookies)
        fields = {**self.form.hidden(), self.user_field: username, self.password_field: password}
        answer = client.form(action_path(self.form, self.path), fields, headers)
        return form_outcome(answer, self.path)

    def on(self, target: Target) -> tuple[SignIn | None, str]:
        return discover_form(self.kind, target, (self.path,))


def discover_json(kind: type[JsonSignIn], target: Target) -> tuple[SignIn | None, str]:
    headers = {"Content-Type": "application/json"}
    answer = send(target, "POST", kind.path, b"{}", headers, target.peers.fresh())
    if answer.status in (404, 405):
        return None, f"POST {kind.path} answered {answer.status}"
    return kind(target), ""


def discover_form(kind: str, target: Target, paths: Iterable[str]) -> tuple[SignIn | None, str]:
    seen = []
    for path in paths:
        client = Client(target)
        answer = client.get(path)
        form = form_with(answer.text, lambda f: bool(f.password_fields and f.text_fields))
        if answer.status == 200 and form is not None:
            return FormSignIn(kind, target, path, form, dict(client.cookies)), ""
        seen.append(
            f"GET {path}: {answer.status}" + (f" -> {answer.redirect}" * bool(answer.redirect))
        )
    return None, "; ".join(seen) + " (no sign-in form)"


# --- A mode, running ----------------------------------------------------------------------------


@dataclass
class Stack:
    mode: str
    public: Target  # the proxy, or runserver
    direct: Target | None  # gunicorn itself, behind the proxy
    accounts: dict[str, Account]
    facts: dict[str, Any]
    logs: list[Path]
    mail_dir: Path
    secrets: dict[str, str] = field(default_factory=dict)  # secret -> what it is
    signins: dict[str, SignIn | None] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # why a sign-in is not there
    sessions: dict[str, Client] = field(default_factory=dict)
    server: subprocess.Popen[bytes] | None = None  # gunicorn's master, or runserver
    lock: threading.Lock = field(default_factory=threading.Lock)

    def down(self) -> str:
        """Why the server is gone (its exit status and last words), or "" while it runs."""
        code = self.server.poll() if self.server is not None else None
        if code is None:
            return ""
        tail = "".join(path.read_text(errors="replace")[-1500:] for path in self.logs)
        return f"the server exited with status {code}; its log ends: {tail}"

    def keep_secret(self, value: str, what: str) -> str:
        if value:
            with self.lock:
                self.secrets.setdefault(value, what)
        return value

    def wrong_password(self) -> str:
        return self.keep_secret(f"Wrong-{secrets.token_urlsafe(9)}", "a wrong password tried")

    def ids(self) -> dict[str, str]:
        """What route templates fill in: {plan}, {pe}, {runner}, {today}, {condition}..."""
        f = self.facts
        return {
            "plan": str(f["plan"]),
            "pe": str(f["plan_exercise"]),
            "runner": str(f["ids"][self.accounts["runner"].username]),
            "today": f["today"],
            "condition": f["condition"],
            "program": f["program"],
            "zone": ZONE,
        }


def find_signins(stack: Stack) -> None:
    found: list[tuple[str, tuple[SignIn | None, str]]] = [
        ("api", discover_json(ApiSignIn, stack.public)),
        ("headless", discover_json(HeadlessSignIn, stack.public)),
        ("page", discover_form("page", stack.public, PAGE_SIGNIN_PATHS)),
        ("admin", discover_form("admin", stack.public, (ADMIN_LOGIN_PATH,))),
    ]
    for kind, (signin, why) in found:
        stack.signins[kind] = signin
        if signin is None:
            stack.missing[kind] = why


def signed_in(stack: Stack, role: str) -> Client:
    """A session for the runner, therapist or staff member, through the page sign-in form (or
    the admin's), with its CSRF cookie."""
    account = stack.accounts[role]
    signin = stack.signins.get("page") or stack.signins.get("admin")
    if not isinstance(signin, FormSignIn):
        raise RuntimeError(f"no sign-in form to sign {role} in: {stack.missing}")
    client = Client(stack.public)
    client.cookies = dict(signin.cookies)
    fields = {
        **signin.form.hidden(),
        signin.user_field: account.username,
        signin.password_field: account.password,
    }
    answer = client.form(action_path(signin.form, signin.path), fields)
    if form_outcome(answer, signin.path).kind != "ok":
        raise RuntimeError(f"{role} could not sign in: {answer.brief()}")
    page = client.follow(answer)
    step = form_with(page.text, lambda f: bool(set(SECOND_FACTOR_FIELDS) & set(f.text_fields)))
    if step is not None and account.totp:
        name = next(n for n in step.text_fields if n in SECOND_FACTOR_FIELDS)
        stack.keep_secret(account.totp, f"{role}'s second-factor secret")
        fields = {**step.hidden(), name: totp_code(account.totp)}
        client.follow(client.form(action_path(step, client.last_path), fields))
    me = client.get(ME_PATH)
    if me.status != 200:
        raise RuntimeError(f"{role} signed in, but {ME_PATH} answers {me.brief()}")
    stack.keep_secret(client.cookies.get(SESSION_COOKIE, ""), f"{role}'s session id")
    return client


def open_sessions(stack: Stack) -> None:
    find_signins(stack)
    for role in ("runner", "therapist", "inviter-a", "inviter-b", "staff"):
        stack.sessions[role] = signed_in(stack, role)
    for account in stack.accounts.values():
        stack.keep_secret(account.password, "an account's password")
    runner = stack.accounts["runner"]
    api = stack.signins.get("api")
    if api is not None:
        got = api.attempt(runner.username, runner.password, stack.public.peers.fresh())
        data = got.answer.data()
        if got.kind == "ok" and isinstance(data, dict):
            for key in API_TOKEN_KEYS:
                stack.keep_secret(str(data.get(key) or ""), "the runner's API token")
    feed = stack.sessions["runner"].json("POST", CALENDAR_FEED_API.format(**stack.ids()))
    keep_feed_token(stack, feed)


def keep_feed_token(stack: Stack, answer: Answer) -> None:
    data = answer.data()
    url = str(data.get("url", "")) if isinstance(data, dict) else ""
    token = re.search(r"/calendar/([^/]+)\.ics", url)
    if token:
        stack.keep_secret(token.group(1), "a calendar feed token")


@contextlib.contextmanager
def serving(prepared: Prepared) -> Iterator[Stack]:
    """The app of a prepared mode, served until the block ends; every server stopped after."""
    port = free_port()
    log = prepared.var_dir / f"{prepared.mode}-server.log"
    if prepared.mode == "production":
        command = [str(GUNICORN), "planner.wsgi", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "3", "--timeout", "60"]
        process = start_process(command, prepared.env, log)
    else:
        env = {**prepared.env, "PORT": str(port)}
        command = [str(PYTHON), "manage.py", "runserver", "--noreload", "--nostatic"]
        process = start_process([*command, f"127.0.0.1:{port}"], env, log)
    try:
        if prepared.mode == "production":
            direct = Target("gunicorn", port, APP_HOST, "http", via_proxy=False)
            wait_until_up(direct, process, log)
            with Proxy(port) as proxy:
                public = Target("proxy", proxy.port, APP_HOST, "https", True, peers=Peers(False))
                stack = Stack(
                    "production",
                    public,
                    direct,
                    prepared.accounts,
                    prepared.facts,
                    [log],
                    prepared.var_dir / "mail",
                    server=process,
                )
                stack.keep_secret(prepared.secret_key, "SECRET_KEY")
                yield stack
        else:
            public = Target("runserver", port, f"127.0.0.1:{port}", "http", via_proxy=False)
            wait_until_up(public, process, log)
            yield Stack(
                "embedded",
                public,
                None,
                prepared.accounts,
                prepared.facts,
                [log],
                prepared.var_dir / "mail",
                server=process,
            )
    finally:
        stop_process(process)


# --- Counting -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """One category in one mode: what was tried, the holes found, and what else was seen."""

    tried: int = 0
    failures: int = 0
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applicable: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, answer: Answer, what: str) -> Answer:
        """Every request counts as tried; no answer, or a 5xx, is a failure wherever it is
        (named by its request id, for the server's log to say why)."""
        with self.lock:
            self.tried += 1
        if answer.status == 0:
            self.fail(f"{what}: no answer ({answer.text[:120]})")
        elif answer.status >= 500:
            self.fail(f"{what}: {answer.status} [request {answer.header('X-Request-ID')}]")
        return answer

    def outcome(self, outcome: Outcome, what: str) -> Outcome:
        self.saw(outcome.answer, what)
        return outcome

    def fail(self, text: str) -> None:
        with self.lock:
            self.failures += 1
            self.findings.append(text)

    def note(self, text: str) -> None:
        with self.lock:
            self.notes.append(text)

    def summary(self) -> dict[str, Any]:
        return {
            "applicable": self.applicable,
            "tried": self.tried,
            "failures": self.failures,
            "findings": sorted(self.findings),
            "notes": sorted(self.notes),
        }


def parallel(jobs: Iterable[Callable[[], Any]], workers: int = 4) -> list[Any]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda job: job(), jobs))


def random_name() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=12))


def random_ip() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


def available(stack: Stack, tally: Tally, kinds: Iterable[str] = SIGNIN_KINDS) -> list[SignIn]:
    found = []
    for kind in kinds:
        signin = stack.signins.get(kind)
        if signin is None:
            tally.note(f"{kind} sign-in: not applicable ({stack.missing.get(kind, 'not found')})")
        else:
            found.append(signin)
    tally.applicable = bool(found)
    return found


def each_signin(stack: Stack, tally: Tally, check: Callable[[SignIn], None]) -> None:
    """A check run on every way in at once (each has its own accounts and addresses)."""
    parallel([functools.partial(check, signin) for signin in available(stack, tally)])


def judge_owner(tally: Tally, signin: SignIn, owner: Outcome, after: str) -> None:
    """The owner, from an address that never failed, with the right password: let in, or
    asked to wait a minute at most."""
    if owner.kind == "ok":
        tally.note(f"{signin.label}: the owner got in at once {after}")
    elif owner.kind == "throttled" and owner.wait is None:
        tally.note(f"{signin.label}: the owner was asked to wait, no time stated, {after}")
    elif owner.kind == "throttled" and owner.wait is not None and owner.wait <= OWNER_MAX_WAIT:
        tally.note(f"{signin.label}: the owner was asked to wait {owner.wait} s {after}")
    else:
        tally.fail(
            f"{signin.label}: the owner, from her own address, was kept out {after}: "
            f"{owner.kind}, wait {owner.wait} s ({owner.answer.status})"
        )


# --- 1. Sign-in bursts --------------------------------------------------------------------------


def one_address(stack: Stack, tally: Tally, signin: SignIn, account: Account, burst: int) -> None:
    peer = signin.target.peers.fresh()
    kinds = [
        tally.outcome(
            signin.attempt(account.username, stack.wrong_password(), peer), signin.label
        ).kind
        for _ in range(burst)
    ]
    first = kinds.index("throttled") + 1 if "throttled" in kinds else "never"
    tally.note(f"{signin.label}, one address: {burst} wrong passwords, slowed from try {first}")
    right = tally.outcome(signin.attempt(account.username, account.password, peer), signin.label)
    if right.kind == "ok":
        tally.fail(
            f"{signin.label}: the right password was accepted at once after {burst} wrong ones "
            "from the same address"
        )
    owner = signin.attempt(account.username, account.password, signin.target.peers.fresh())
    tally.outcome(owner, signin.label)
    judge_owner(tally, signin, owner, f"after {burst} failures from one other address")


def many_addresses(
    stack: Stack, tally: Tally, signin: SignIn, account: Account, burst: int
) -> None:
    def guess() -> Outcome:
        peer = signin.target.peers.fresh()
        return tally.outcome(
            signin.attempt(account.username, stack.wrong_password(), peer), signin.label
        )

    slowed = sum(o.kind == "throttled" for o in parallel([guess] * burst))
    tally.note(f"{signin.label}, {burst} addresses: {slowed} of {burst} wrong passwords slowed")
    right = signin.attempt(account.username, account.password, signin.target.peers.fresh())
    tally.outcome(right, signin.label)
    if right.kind == "ok":
        tally.fail(
            f"{signin.label}: the right password was accepted at once from a new address after "
            f"{burst} wrong ones from {burst} addresses (spread-out guessing is not slowed)"
        )
    else:
        judge_owner(tally, signin, right, f"after {burst} failures from {burst} other addresses")


def random_names(stack: Stack, tally: Tally, signin: SignIn, owner: Account, burst: int) -> None:
    def guess() -> Outcome:
        peer = signin.target.peers.fresh()
        return tally.outcome(
            signin.attempt(random_name(), stack.wrong_password(), peer), signin.label
        )

    parallel([guess] * burst)
    right = signin.attempt(owner.username, owner.password, signin.target.peers.fresh())
    tally.outcome(right, signin.label)
    if right.kind != "ok":
        tally.fail(
            f"{signin.label}: a real account's owner was refused ({right.kind}, wait "
            f"{right.wait} s) after {burst} failures with random names from {burst} addresses"
        )


def check_signin_bursts(stack: Stack, tally: Tally, burst: int) -> None:
    scenarios = (("one", one_address), ("many", many_addresses), ("random", random_names))

    def bursts(signin: SignIn) -> None:
        for scenario, run in scenarios:
            began = time.monotonic()
            # Random names only have to show that nobody else is kept out: half as many.
            size = burst // 2 if scenario == "random" else burst
            run(stack, tally, signin, stack.accounts[f"{signin.kind}-{scenario}"], size)
            tally.note(f"{signin.label}, {scenario}: {time.monotonic() - began:.1f} s")

    each_signin(stack, tally, bursts)


# --- 2. Normalised names ------------------------------------------------------------------------


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def spellings(name: str) -> list[str]:
    """Other spellings Django reads as the same account (NFKC) or that differ only in case."""
    return [name.upper(), fullwidth(name), fullwidth(name.upper()), name.capitalize()]


def email_signs_in(tally: Tally, signin: SignIn, account: Account) -> bool:
    """Whether this way in takes an email for the name (then its spellings count too)."""
    got = signin.attempt(account.email, account.password, signin.target.peers.fresh())
    tally.outcome(got, signin.label)
    return got.kind == "ok"


def check_normalised_names(stack: Stack, tally: Tally) -> None:
    each_signin(stack, tally, functools.partial(normalised_names, stack, tally))
    taken_spellings(stack, tally)


def taken_spellings(stack: Stack, tally: Tally) -> None:
    """Sign up under another spelling of a taken name (its letters in fullwidth capitals) at
    each way to sign up: failure if that makes a second account, seen as the spelling signing
    in with the password it was given (the API's token, which reads no email). Each way spells
    a name of its own, so one way's new account does not make another's refusal."""

    def api(name: str, email: str, password: str) -> list[Answer]:
        body = {API_USERNAME_FIELD: name, API_EMAIL_FIELD: email, API_PASSWORD_FIELD: password}
        return [Client(stack.public).json("POST", API_SIGNUP_PATH, body)]

    def headless(name: str, email: str, password: str) -> list[Answer]:
        body = {"username": name, "email": email, "password": password}
        return [Client(stack.public).json("POST", HEADLESS_SIGNUP_PATH, body)]

    def page(name: str, email: str, password: str) -> list[Answer]:
        values = {"username": name, "email": email, "password": password}
        flow = page_form_flow(
            stack, PAGE_SIGNUP_PATHS, lambda f: bool(f.password_fields and f.email_field()), values
        )
        return flow[0] if flow is not None else []

    ways: list[tuple[str, str, Callable[[str, str, str], list[Answer]]]] = [
        (f"API {API_SIGNUP_PATH}", "runner", api),
        (f"allauth API {HEADLESS_SIGNUP_PATH}", "therapist", headless),
        ("page sign-up", "staff", page),
    ]
    signin = ApiSignIn(stack.public)
    for label, role, sign_up in ways:
        taken = stack.accounts[role].username
        # Letters only: a fullwidth hyphen is no username character at all, refused as such.
        spelling = "".join(fullwidth(c) if c.isalnum() else c for c in taken.upper())
        password = stack.keep_secret(strong_password(), "a sign-up password")
        answers = sign_up(spelling, f"{random_name()}@probe.test", password)
        for answer in answers:
            tally.saw(answer, f"{label} as {spelling!r}")
            keep_tokens(stack, answer)
        if not answers:
            tally.note(f"{label}: not applicable (no sign-up form)")
            continue
        got = tally.outcome(signin.attempt(spelling, password, stack.public.peers.fresh()), label)
        if got.kind == "ok":
            tally.fail(
                f"{label}: {spelling!r} was taken as a new account beside {taken!r} (the same "
                "name once normalised)"
            )
        else:
            tally.note(f"{label}: {spelling!r} refused as the taken name it spells")


def normalised_names(stack: Stack, tally: Tally, signin: SignIn) -> None:
    account = stack.accounts[f"{signin.kind}-norm"]
    names = spellings(account.username)
    if email_signs_in(tally, signin, stack.accounts[f"{signin.kind}-email"]):
        names += [account.email, account.email.upper()]
    # Each spelling fewer times than the free failures (5), all of them more than that.
    rounds = 4 if len(names) <= 4 else 3
    peer = signin.target.peers.fresh()
    started = time.monotonic()
    wrong = [
        tally.outcome(signin.attempt(name, stack.wrong_password(), peer), signin.label)
        for _ in range(rounds)
        for name in names
    ]
    right = signin.attempt(account.username, account.password, peer)
    tally.outcome(right, signin.label)
    shown = ", ".join(repr(n) for n in names)
    # Counted apart (by case alone, say), no spelling reaches 5 failures in the first two
    # rounds (two spellings of each kind a round): one slowed then shows them counted together.
    # On a loaded machine the tries can outlast the lockout (15 s from the fifth failure), and
    # the right password then gets in after it, as it should.
    slowed = sum(outcome.kind == "throttled" for outcome in wrong[: 2 * len(names)])
    if right.kind == "ok" and not slowed:
        tally.fail(
            f"{signin.label}: {len(names) * rounds} failures under {len(names)} spellings "
            f"of one account ({shown}) from one address were not counted together: none "
            "was slowed in the first two rounds and the right password was accepted at once"
        )
    elif right.kind == "ok":
        tally.note(
            f"{signin.label}: spellings counted as one account ({shown}): {slowed} of the "
            f"first {2 * len(names)} slowed; the right password got in after the lockout "
            f"had passed ({time.monotonic() - started:.0f} s of tries)"
        )
    else:
        tally.note(f"{signin.label}: spellings counted as one account ({shown})")


# --- 3. Nested JSON -----------------------------------------------------------------------------


def json_endpoints(stack: Stack) -> list[tuple[str, str, str]]:
    """(who, method, path) of every JSON endpoint probed."""
    ids = stack.ids()
    plan = f"/api/v1/plans/{ids['plan']}"
    return [
        ("anonymous", "POST", API_SIGNUP_PATH),
        ("anonymous", "POST", API_TOKEN_PATH),
        ("anonymous", "POST", "/api/v1/auth/login"),
        ("anonymous", "POST", HEADLESS_LOGIN_PATH),
        ("anonymous", "POST", HEADLESS_SIGNUP_PATH),
        ("anonymous", "POST", HEADLESS_RESET_PATH),
        ("runner", "POST", "/api/v1/plans"),
        ("runner", "PATCH", plan),
        ("runner", "POST", f"{plan}/logs"),
        ("runner", "POST", f"{plan}/sessions"),
        ("runner", "PATCH", f"{plan}/reminder"),
        ("runner", "POST", f"{plan}/check-ins"),
        ("runner", "POST", f"{plan}/resume"),
        ("runner", "POST", "/api/v1/screenings"),
        ("therapist", "POST", INVITATION_API_PATH),
        ("therapist", "POST", f"/api/v1/patients/{ids['runner']}/plans"),
        ("therapist", "POST", f"{plan}/exercises/{ids['pe']}/override"),
    ]


def client_for(stack: Stack, who: str) -> Client:
    return stack.sessions[who] if who in stack.sessions else Client(stack.public)


def check_nested_json(stack: Stack, tally: Tally) -> None:
    for who, method, path in json_endpoints(stack):
        client = client_for(stack, who)
        statuses = []
        for label, body in NESTED_BODIES.items():
            answer = client.request(method, path, body.encode(), "application/json")
            tally.saw(answer, f"{method} {path} ({who}) with {label}")
            statuses.append(answer.status)
        if set(statuses) == {404}:
            tally.note(f"{method} {path}: not applicable (404)")
        else:
            tally.note(f"{method} {path} ({who}): {sorted(set(statuses))}")


# --- 4. Edge dates ------------------------------------------------------------------------------

# (method, path, body kind, body): {d} is the date tried; {plan}, {pe}... the runner's own.
DATE_ROUTES: list[tuple[str, str, str, str]] = [
    ("GET", "/plans/{plan}/day/{d}/", "", ""),
    ("GET", "/plans/{plan}/day/{d}/along/", "", ""),
    ("POST", "/plans/{plan}/day/{d}/morning/", "form", "morning-pain=1"),
    ("POST", "/plans/{plan}/day/{d}/exercises/{pe}/", "form", "done=on&pain_during=1"),
    (
        "POST",
        "/start/program/{condition}/begin/",
        "form",
        "start_date={d}&reminder_time=07:00&time_zone={zone}",
    ),
    ("GET", "/api/v1/plans/{plan}/day?date={d}", "", ""),
    (
        "POST",
        "/api/v1/plans/{plan}/logs",
        "json",
        '{"plan_exercise": {pe}, "day": "{d}", "done": true, "pain_during": 1}',
    ),
    (
        "POST",
        "/api/v1/plans/{plan}/sessions",
        "json",
        '{"day": "{d}", "entries": [{"plan_exercise": {pe}, "done": true, "pain_during": 1}]}',
    ),
    (
        "POST",
        "/api/v1/plans",
        "json",
        '{"program": "{program}", "start_date": "{d}", "time_zone": "{zone}"}',
    ),
]


def fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def ask(client: Client, method: str, path: str, kind: str, body: str) -> Answer:
    if kind == "json":
        return client.request(method, path, body.encode(), "application/json")
    if kind == "form":
        fields = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        return client.form(path, fields)
    return client.request(method, path)


def check_edge_dates(stack: Stack, tally: Tally) -> None:
    runner = stack.sessions["runner"]
    jobs = []
    for method, template, kind, body in DATE_ROUTES:
        for day in EDGE_DATES:
            values = {**stack.ids(), "d": day}
            path, filled = fill(template, values), fill(body, values)

            def job(m: str = method, p: str = path, k: str = kind, b: str = filled) -> None:
                tally.saw(ask(runner, m, p, k, b), f"{m} {p}")

            jobs.append(job)
    parallel(jobs, workers=3)
    tally.note(f"{len(DATE_ROUTES)} routes x {len(EDGE_DATES)} dates: {', '.join(EDGE_DATES)}")


# --- 5. Huge ids --------------------------------------------------------------------------------

# (who, method, path, body kind, body): {X} is the id tried; the rest are the runner's own.
ID_ROUTES: list[tuple[str, str, str, str, str]] = [
    ("runner", "GET", "/api/v1/plans/{X}", "", ""),
    ("runner", "PATCH", "/api/v1/plans/{X}", "json", "{}"),
    ("runner", "GET", "/api/v1/plans/{X}/day", "", ""),
    ("runner", "GET", "/api/v1/plans/{X}/reminder", "", ""),
    ("runner", "GET", "/api/v1/plans/{X}/logs", "", ""),
    (
        "runner",
        "POST",
        "/api/v1/plans/{X}/logs",
        "json",
        '{"plan_exercise": {pe}, "day": "{today}", "done": true, "pain_during": 1}',
    ),
    (
        "runner",
        "POST",
        "/api/v1/plans/{plan}/logs",
        "json",
        '{"plan_exercise": {X}, "day": "{today}", "done": true, "pain_during": 1}',
    ),
    (
        "runner",
        "POST",
        "/api/v1/plans/{plan}/sessions",
        "json",
        '{"day": "{today}", "entries": [{"plan_exercise": {X}, "done": true, "pain_during": 1}]}',
    ),
    ("runner", "PATCH", "/api/v1/plans/{plan}/logs/{X}", "json", "{}"),
    ("runner", "GET", "/api/v1/plans/{X}/history", "", ""),
    ("runner", "GET", "/api/v1/plans/{X}/progress", "", ""),
    ("runner", "POST", "/api/v1/plans/{X}/calendar-feed", "", ""),
    ("runner", "POST", "/api/v1/plans/{X}/check-ins", "json", '{"answers": {}}'),
    ("runner", "POST", "/api/v1/plans/{X}/resume", "json", "{}"),
    ("runner", "POST", "/api/v1/notifications/{X}/read", "", ""),
    ("runner", "POST", "/api/v1/invitations/{X}/accept", "", ""),
    ("runner", "POST", "/api/v1/invitations/{X}/decline", "", ""),
    ("runner", "GET", "/api/v1/care-links/{X}", "", ""),
    ("runner", "DELETE", "/api/v1/care-links/{X}", "", ""),
    ("runner", "GET", "/api/v1/plans?offset={X}", "", ""),
    ("runner", "GET", "/api/v1/plans?limit={X}", "", ""),
    ("runner", "GET", "/api/v1/notifications?offset={X}", "", ""),
    ("therapist", "POST", "/api/v1/plans/{plan}/exercises/{X}/override", "json", '{"amount": 5}'),
    ("therapist", "POST", "/api/v1/plans/{X}/exercises/{pe}/override", "json", '{"amount": 5}'),
    ("therapist", "POST", "/api/v1/patients/{X}/plans", "json", "{}"),
    ("therapist", "POST", "/api/v1/screenings/{X}/clearance", "json", "{}"),
    ("therapist", "POST", "/api/v1/alerts/{X}/acknowledge", "json", "{}"),
    ("therapist", "GET", "/api/v1/patients?offset={X}", "", ""),
    ("runner", "GET", "/plans/{X}/", "", ""),
    ("runner", "GET", "/plans/{X}/today/", "", ""),
    ("runner", "GET", "/plans/{X}/day/{today}/", "", ""),
    ("runner", "GET", "/plans/{X}/day/{today}/along/", "", ""),
    ("runner", "GET", "/plans/{X}/progress/", "", ""),
    ("runner", "GET", "/plans/{X}/charts/pain.svg", "", ""),
    ("runner", "GET", "/plans/{X}/handout/", "", ""),
    ("runner", "GET", "/plans/{X}/check-in/", "", ""),
    ("runner", "POST", "/plans/{X}/status/", "form", "status=paused"),
    ("runner", "POST", "/plans/{X}/reminder/", "form", "local_time=07:00&state=on"),
    ("runner", "POST", "/plans/{X}/time-zone/", "form", "time_zone={zone}"),
    ("runner", "POST", "/plans/{X}/calendar-feed/", "form", ""),
    ("runner", "POST", "/plans/{X}/resume/", "form", "note=x&confirm=on"),
    ("runner", "POST", "/plans/{plan}/day/{today}/exercises/{X}/", "form", "done=on"),
    ("runner", "POST", "/plans/{X}/day/{today}/morning/", "form", ""),
    ("runner", "GET", "/media/{X}/file/", "", ""),
    ("runner", "POST", "/notifications/{X}/read/", "form", ""),
    ("runner", "POST", "/care/{X}/answer/", "form", "accept=1"),
    ("runner", "POST", "/care/{X}/end/", "form", ""),
    ("therapist", "GET", "/patients/{X}/", "", ""),
    ("therapist", "POST", "/patients/{X}/assign/", "form", "program={program}"),
    ("therapist", "POST", "/patients/{X}/tailor/", "form", "amount=5"),
    ("therapist", "POST", "/patients/invitations/{X}/withdraw/", "form", ""),
    ("therapist", "POST", "/therapist/media/{X}/remove/", "form", ""),
    ("therapist", "POST", "/alerts/{X}/acknowledge/", "form", ""),
    ("therapist", "POST", "/screenings/{X}/clearance/", "form", "note=x&confirm=on"),
    ("runner", "GET", "/accounts/2fa/webauthn/keys/{X}/edit/", "", ""),
    ("runner", "POST", "/accounts/2fa/webauthn/keys/{X}/remove/", "form", ""),
    ("staff", "GET", "/admin/auth/user/{X}/change/", "", ""),
    ("staff", "GET", "/admin/planner/plan/{X}/change/", "", ""),
    ("staff", "GET", "/admin/auth/user/{X}/delete/", "", ""),
]


def check_huge_ids(stack: Stack, tally: Tally) -> None:
    jobs = []
    for who, method, template, kind, body in ID_ROUTES:
        for huge in HUGE_IDS:
            values = {**stack.ids(), "X": huge}
            path, filled = fill(template, values), fill(body, values)

            def job(
                w: str = who, m: str = method, p: str = path, k: str = kind, b: str = filled
            ) -> None:
                tally.saw(ask(stack.sessions[w], m, p, k, b), f"{m} {p} ({w})")

            jobs.append(job)
    parallel(jobs, workers=3)
    tally.note(f"{len(ID_ROUTES)} routes x ids {', '.join(HUGE_IDS)}")


# --- 6. Header spoofing -------------------------------------------------------------------------


def rotating_forwarded_for(
    stack: Stack, tally: Tally, signin: SignIn, account: Account, where: str, tries: int = 8
) -> None:
    """From one address, a new X-Forwarded-For written by the client on every try: counted as
    one address, the pair is slowed after 5; believed, nothing is (8 < the account's 20)."""
    peer = signin.target.peers.fresh()
    for _ in range(tries):
        spoof = {"X-Forwarded-For": random_ip()}
        tally.outcome(signin.attempt(account.username, stack.wrong_password(), peer, spoof), where)
    right = signin.attempt(
        account.username, account.password, peer, {"X-Forwarded-For": random_ip()}
    )
    tally.outcome(right, where)
    if right.kind == "redirected":
        tally.note(
            f"{signin.label} {where}: not applicable, plain HTTP is sent on to HTTPS there "
            f"(X-Forwarded-Proto not believed either): {right.answer.redirect}"
        )
    elif right.kind == "ok":
        tally.fail(
            f"{signin.label} {where}: a client writing a new X-Forwarded-For on each try was "
            f"not slowed: the right password was accepted at once after {tries} wrong ones"
        )
    else:
        tally.note(f"{signin.label} {where}: X-Forwarded-For written by the client not believed")


def spoofed_addresses(stack: Stack, tally: Tally) -> None:
    each_signin(stack, tally, functools.partial(spoofed_address, stack, tally))
    if stack.direct is None:
        tally.note("embedded: no proxy, so nothing to bypass; TRUSTED_PROXY_COUNT=0")


def spoofed_address(stack: Stack, tally: Tally, signin: SignIn) -> None:
    through = "through the proxy" if stack.direct else "to the server"
    rotating_forwarded_for(stack, tally, signin, stack.accounts[f"{signin.kind}-xff"], through)
    if stack.direct is None:
        return
    # Straight to gunicorn, as anyone who can reach its port could (with the scheme header
    # too, or the HTTPS redirect answers first).
    direct = Target(
        "gunicorn",
        stack.direct.port,
        APP_HOST,
        "https",
        via_proxy=False,
        extra_headers={"X-Forwarded-Proto": "https"},
    )
    there, why = signin.on(direct)
    if there is None:
        tally.note(f"{signin.label} straight to gunicorn: not applicable ({why})")
        return
    account = stack.accounts[f"{signin.kind}-xffd"]
    rotating_forwarded_for(stack, tally, there, account, "straight to gunicorn")


def treated_as_secure(answer: Answer, redirects_to_https: bool) -> bool:
    """Whether the app took a request as HTTPS: it skipped its HTTPS redirect (production), or
    its links say https (the list's `next`)."""
    if answer.redirect.startswith("https://"):
        return False
    data = answer.data()
    following = data.get("next") if isinstance(data, dict) else None
    if isinstance(following, str):
        return following.startswith("https://")
    return redirects_to_https and answer.status != 0


def spoofed_scheme(stack: Stack, tally: Tally) -> None:
    target = stack.direct or stack.public
    client = Client(target)
    client.cookies = dict(stack.sessions["runner"].cookies)
    redirects = stack.mode == "production"
    plain = tally.saw(client.get(PAGINATED_API_PATH), f"GET {PAGINATED_API_PATH}")
    spoofed = client.get(PAGINATED_API_PATH, {"X-Forwarded-Proto": "https"})
    tally.saw(spoofed, f"GET {PAGINATED_API_PATH} with X-Forwarded-Proto: https")
    if treated_as_secure(plain, redirects):
        tally.note(f"{target.name}: a plain request was already taken as HTTPS ({plain.brief()})")
    elif treated_as_secure(spoofed, redirects):
        tally.fail(
            f"{target.name}: X-Forwarded-Proto: https sent by the client directly made the app "
            f"take plain HTTP as HTTPS (without it: {plain.status} "
            f"{plain.redirect or ''}; with it: {spoofed.status})"
        )
    else:
        tally.note(f"{target.name}: X-Forwarded-Proto from the client not believed")


def reflects_foreign_host(answer: Answer) -> bool:
    """The foreign host in a link: the redirect, a link's attribute or a URL in JSON (a debug
    page quoting the refused header in its text is not a link)."""
    host = re.escape(FOREIGN_HOST)
    link = re.compile(rf"""((href|src|action|content)=["'][^"']*|"https?://){host}""")
    return FOREIGN_HOST in answer.redirect or bool(link.search(answer.text))


def spoofed_hosts(stack: Stack, tally: Tally) -> None:
    signin_path = getattr(stack.signins.get("page"), "path", PAGE_SIGNIN_PATHS[0])
    hosts = (FOREIGN_HOST, f"{APP_HOST}.{FOREIGN_HOST}", f"{FOREIGN_HOST}:443")
    for target in [stack.public, *([stack.direct] if stack.direct else [])]:
        for host in hosts:
            for path in ("/", signin_path, ME_PATH):
                answer = send(
                    target, "GET", path, headers={"Host": host}, peer=target.peers.fresh()
                )
                tally.saw(answer, f"{target.name} GET {path} Host: {host}")
                if answer.status != 400 or reflects_foreign_host(answer):
                    tally.fail(f"{target.name} GET {path} with Host: {host}: {answer.brief()}")
    forwarded = {"X-Forwarded-Host": FOREIGN_HOST}
    runner = stack.sessions["runner"]
    anonymous = Client(stack.public)
    asks = [
        (anonymous, "GET", "/plans/"),
        (anonymous, "GET", "/favicon.ico"),
        (runner, "GET", PAGINATED_API_PATH),
        (runner, "POST", CALENDAR_FEED_API.format(**stack.ids())),
    ]
    for client, method, path in asks:
        answer = tally.saw(client.request(method, path, headers=forwarded), f"{method} {path}")
        keep_feed_token(stack, answer)
        if reflects_foreign_host(answer):
            tally.fail(f"{method} {path} with X-Forwarded-Host: the foreign host is in a link")
    reset_link_host(stack, tally)


def reset_form(stack: Stack) -> tuple[str, Form, Client] | None:
    for path in PASSWORD_RESET_PATHS:
        client = Client(stack.public)
        answer = client.get(path)
        form = form_with(answer.text, lambda f: bool(f.email_field()) and not f.password_fields)
        if answer.status == 200 and form is not None:
            return path, form, client
    return None


def reset_link_host(stack: Stack, tally: Tally) -> None:
    """The classic: a password-reset email whose link names the host the request claimed."""
    found = reset_form(stack)
    if found is None:
        tally.note(f"password reset: not applicable (none of {', '.join(PASSWORD_RESET_PATHS)})")
        return
    path, form, client = found
    fields = {**form.hidden(), form.email_field(): stack.accounts["runner"].email}
    answer = client.form(action_path(form, path), fields, {"X-Forwarded-Host": FOREIGN_HOST})
    tally.saw(answer, f"POST {path} with X-Forwarded-Host")
    time.sleep(1)
    mails = list(stack.mail_dir.glob("*")) if stack.mail_dir.exists() else []
    if any(FOREIGN_HOST in mail.read_text(errors="replace") for mail in mails):
        tally.fail(f"POST {path} with X-Forwarded-Host: the reset email links to {FOREIGN_HOST}")
    else:
        tally.note(f"password reset: {len(mails)} emails written, none naming {FOREIGN_HOST}")


def check_header_spoofing(stack: Stack, tally: Tally) -> None:
    spoofed_addresses(stack, tally)
    tally.applicable = True
    spoofed_scheme(stack, tally)
    spoofed_hosts(stack, tally)


# --- 7. Account enumeration ---------------------------------------------------------------------


Flow = tuple[list[Answer], list[str]]  # the answers in turn, and the values sent


def normalise(text: str, values: Iterable[str]) -> str:
    """An answer without what differs anyway: the values sent, tokens, numbers, spacing."""
    for value in sorted(filter(None, values), key=len, reverse=True):
        for form in {value, html.escape(value), urllib.parse.quote(value), value.lower()}:
            text = text.replace(form, "<value>")
    # Other emails too: an earlier step's (a therapist's list shows every invitation she sent).
    text = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "<email>", text)
    text = re.sub(r"[A-Za-z0-9_\-:]{20,}", "<token>", text)
    text = re.sub(r"\d+", "<n>", text)
    return re.sub(r"\s+", " ", text)


def signature(answers: list[Answer], values: Iterable[str]) -> list[str]:
    seen = list(values)
    return [
        f"{a.status} {normalise(a.redirect, seen)} | {normalise(a.text, seen)}" for a in answers
    ]


def difference(first: list[str], second: list[str]) -> str:
    for step, (a, b) in enumerate(zip(first, second, strict=False)):
        if a == b:
            continue
        if a.split(" ", 1)[0] != b.split(" ", 1)[0]:
            return f"step {step + 1}: status {a.split(' ', 1)[0]} vs {b.split(' ', 1)[0]}"
        ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        _, i1, i2, j1, j2 = next(op for op in ops if op[0] != "equal")
        shown_a, shown_b = a[max(0, i1 - 50) : i2 + 50], b[max(0, j1 - 50) : j2 + 50]
        return f"step {step + 1}: ...{shown_a!r} vs {shown_b!r}"
    return f"{len(first)} vs {len(second)} steps"


def compare(
    tally: Tally,
    what: str,
    registered: Flow,
    unknown: Flow,
) -> None:
    for answer in [*registered[0], *unknown[0]]:
        tally.saw(answer, what)
    first, second = signature(*registered), signature(*unknown)
    if {a.status for a in registered[0][:1]} == {404}:
        tally.note(f"{what}: not applicable (404)")
    elif first != second:
        tally.fail(
            f"{what}: a registered email is told apart from an unknown one: "
            f"{difference(first, second)}"
        )
    else:
        tally.note(f"{what}: the same answer ({registered[0][0].status})")


def keep_tokens(stack: Stack, answer: Answer) -> None:
    """Any token a JSON answer holds (the API's, or allauth's under meta), kept as a secret."""
    data = answer.data()
    for part in (data, data.get("meta") if isinstance(data, dict) else None):
        for key in (*API_TOKEN_KEYS, "access_token", "session_token"):
            if isinstance(part, dict) and part.get(key):
                stack.keep_secret(str(part[key]), "an API token from a sign-up")


def json_signup(stack: Stack, path: str, email: str) -> Flow:
    username, password = f"probe-{random_name()}", strong_password()
    stack.keep_secret(password, "a sign-up password")
    names = (API_USERNAME_FIELD, API_EMAIL_FIELD, API_PASSWORD_FIELD)
    if path == HEADLESS_SIGNUP_PATH:
        names = ("username", "email", "password")
    body = dict(zip(names, (username, email, password), strict=True))
    answer = Client(stack.public).json("POST", path, body)
    keep_tokens(stack, answer)
    return [answer], [username, email]


def json_reset(stack: Stack, email: str) -> Flow:
    return [Client(stack.public).json("POST", HEADLESS_RESET_PATH, {"email": email})], [email]


def page_form_flow(
    stack: Stack, paths: Iterable[str], wanted: Callable[[Form], bool], fill_in: dict[str, str]
) -> Flow | None:
    """GET the first of `paths` with a matching form, fill it (by field kind), POST it, follow
    where it leads."""
    for path in paths:
        client = Client(stack.public)
        page = client.get(path)
        form = form_with(page.text, wanted)
        if page.status != 200 or form is None:
            continue
        fields = form.hidden()
        for name, kind, _ in form.inputs:
            if kind == "password":
                fields[name] = fill_in["password"]
            elif kind == "email" or "email" in name.lower():
                fields[name] = fill_in["email"]
            elif kind in ("text", "") and name not in fields:
                fields[name] = fill_in["username"]
        answer = client.form(action_path(form, path), fields)
        return [answer, client.follow(answer)], list(fill_in.values())
    return None


def page_signup(stack: Stack, email: str) -> Flow | None:
    password = stack.keep_secret(strong_password(), "a sign-up password")
    values = {"username": f"probe-{random_name()}", "email": email, "password": password}
    return page_form_flow(
        stack, PAGE_SIGNUP_PATHS, lambda f: bool(f.password_fields and f.email_field()), values
    )


def password_reset(stack: Stack, email: str) -> Flow | None:
    values = {"username": email, "email": email, "password": ""}
    return page_form_flow(
        stack,
        PASSWORD_RESET_PATHS,
        lambda f: bool(f.email_field()) and not f.password_fields,
        values,
    )


def signin_with_email(stack: Stack, signin: SignIn, email: str, side: str) -> Flow:
    password = stack.wrong_password()
    got = signin.attempt(email, password, signin.target.peers.fresh())
    return [got.answer], [email, password]


# A therapist's invitations are listed on her page: the registered and the unknown email are
# each sent by a therapist of their own (alike: no patients, nothing sent before), so neither
# answer shows the other's invitation.
INVITERS = {"registered": "inviter-a", "unknown": "inviter-b"}


def invite_api(stack: Stack, email: str, side: str) -> Flow:
    client = stack.sessions[INVITERS[side]]
    answer = client.json("POST", INVITATION_API_PATH, {INVITATION_FIELD: email})
    return [answer], [email]


def invite_page(stack: Stack, email: str, side: str) -> Flow:
    client = stack.sessions[INVITERS[side]]
    page = client.get(PATIENTS_PAGE_PATH)
    form = form_with(page.text, lambda f: INVITATION_FIELD in f.names("text", "email", ""))
    if form is None:
        return [page], [email]
    fields = {**form.hidden(), INVITATION_FIELD: email}
    answer = client.form(action_path(form, PATIENTS_PAGE_PATH), fields)
    return [answer, client.follow(answer)], [email]


def unknown_email() -> str:
    return f"nobody-{random_name()}@probe.test"


def check_enumeration(stack: Stack, tally: Tally) -> None:
    """Each flow is run for a registered email, then for an unknown one (`side`)."""
    flows: list[tuple[str, str, Callable[[str, str], Flow | None]]] = [
        (
            f"sign-up {API_SIGNUP_PATH}",
            "enum-a",
            lambda e, _: json_signup(stack, API_SIGNUP_PATH, e),
        ),
        (
            f"sign-up {HEADLESS_SIGNUP_PATH}",
            "enum-a",
            lambda e, _: json_signup(stack, HEADLESS_SIGNUP_PATH, e),
        ),
        ("page sign-up", "enum-b", lambda e, _: page_signup(stack, e)),
        ("page password reset", "enum-b", lambda e, _: password_reset(stack, e)),
        (f"password reset {HEADLESS_RESET_PATH}", "enum-b", lambda e, _: json_reset(stack, e)),
        (
            f"therapist's invitation {INVITATION_API_PATH}",
            "enum-c",
            lambda e, side: invite_api(stack, e, side),
        ),
        (
            f"therapist's invitation on {PATIENTS_PAGE_PATH}",
            "enum-d",
            lambda e, side: invite_page(stack, e, side),
        ),
    ]
    for signin in [s for s in stack.signins.values() if s is not None and s.kind != "admin"]:
        flows.append(
            (
                f"{signin.label} with an email and a wrong password",
                "enum-signin",
                functools.partial(signin_with_email, stack, signin),
            )
        )
    for what, role, flow in flows:
        registered = flow(stack.accounts[role].email, "registered")
        unknown = flow(unknown_email(), "unknown")
        if registered is None or unknown is None:
            tally.note(f"{what}: not applicable (no form found)")
        else:
            compare(tally, what, registered, unknown)


# --- 8. Secrets in logs -------------------------------------------------------------------------


def provoke_logs(stack: Stack) -> int:
    """Requests that tempt a server to log a secret: a password typed into the name field, a
    feed read by its token and by a made-up one, a token sent to a page that is not there."""
    runner = stack.accounts["runner"]
    asked = 0
    for signin in stack.signins.values():
        if signin is not None:
            signin.attempt(runner.password, stack.wrong_password(), signin.target.peers.fresh())
            asked += 1
    feeds = [s for s, what in stack.secrets.items() if what == "a calendar feed token"]
    made_up = stack.keep_secret(secrets.token_urlsafe(24), "a calendar feed token (made up)")
    for token in [*feeds[-1:], made_up]:
        send(stack.public, "GET", f"/api/v1/calendar/{token}.ics", peer=stack.public.peers.fresh())
        asked += 1
    tokens = [s for s, what in stack.secrets.items() if "API token" in what]
    for token in tokens[:1]:
        headers = {"Authorization": f"{API_AUTH_SCHEME} {token}"}
        send(
            stack.public, "GET", "/api/v1/nowhere", headers=headers, peer=stack.public.peers.fresh()
        )
        asked += 1
    return asked


def check_secrets_in_logs(stack: Stack, tally: Tally) -> None:
    asked = provoke_logs(stack)
    time.sleep(1)
    logs = {path.name: path.read_text(errors="replace") for path in stack.logs if path.exists()}
    for secret, what in sorted(stack.secrets.items(), key=lambda item: item[1]):
        tally.tried += 1
        for name, text in logs.items():
            if secret in text:
                tally.fail(f"{what} ({secret[:4]}...) is in {name}")
    kinds = sorted({what for what in stack.secrets.values()})
    size = sum(len(text) for text in logs.values())
    tally.note(
        f"{len(stack.secrets)} secrets ({'; '.join(kinds)}) searched in {', '.join(logs)} "
        f"({size:,} characters), after {asked} extra requests meant to tempt a log"
    )


# --- The run ------------------------------------------------------------------------------------


@dataclass
class Category:
    key: str
    title: str
    checks: str  # one line: what it checks, and what counts as a failure
    run: Callable[[Stack, Tally, argparse.Namespace], None]


CATEGORIES = [
    Category(
        "signin_bursts",
        "1. sign-in bursts",
        "wrong passwords (`--burst`, 40) for one real account at each way in (the API's token, "
        "allauth's app API, the page form, the admin's form), from one address and from as "
        "many addresses, and (half as many) with random names from as many: failure if the "
        f"right password then gets in at once, if the owner is kept out over {OWNER_MAX_WAIT} "
        "s, or if random names lock a real owner out",
        lambda stack, tally, options: check_signin_bursts(stack, tally, options.burst),
    ),
    Category(
        "normalised_names",
        "2. normalised names",
        "wrong passwords under other spellings of one name (upper case, fullwidth, "
        "capitalised; the email and its upper case where an email signs in), each fewer than "
        "5 times, together 16 or 18, from one address: failure if they are not counted as the "
        "one account (the right password gets in at once); and sign-up under the fullwidth "
        "capital letters of a taken name at each way to sign up (API, allauth's API, the page): "
        "failure if it makes a second account",
        lambda stack, tally, options: check_normalised_names(stack, tally),
    ),
    Category(
        "nested_json",
        "3. nested JSON",
        "bodies nested 1,000 and 100,000 deep (open and closed) to the JSON endpoints of "
        "sign-up, sign-in and password reset (the planner's API and allauth's) and of the "
        "runner's and the therapist's writes: failure = 5xx or no answer",
        lambda stack, tally, options: check_nested_json(stack, tally),
    ),
    Category(
        "edge_dates",
        "4. edge dates",
        "day pages, exercise-along, logs, whole sessions and plan starts (pages and API) with "
        "0001-01-01, 9999-12-31, 0000-00-00, 2026-02-30, 2026-13-01, 10000-01-01, "
        "-0001-01-01: failure = 5xx",
        lambda stack, tally, options: check_edge_dates(stack, tally),
    ),
    Category(
        "huge_ids",
        "5. huge ids",
        "2**63, 2**63-1, 2**64, -1, 0 as every id of every route (path, JSON body, offset and "
        "limit) of planner/pages and planner/api, and the admin, as runner, therapist, staff: "
        "failure = 5xx",
        lambda stack, tally, options: check_huge_ids(stack, tally),
    ),
    Category(
        "header_spoofing",
        "6. header spoofing",
        "X-Forwarded-For written by the client (through the proxy; and straight to gunicorn) "
        "must not change the address sign-in counts; X-Forwarded-Proto: https sent straight "
        "to the app must not make plain HTTP secure; a foreign Host must get 400, and "
        "X-Forwarded-Host must not reach a link or a reset email",
        lambda stack, tally, options: check_header_spoofing(stack, tally),
    ),
    Category(
        "enumeration",
        "7. account enumeration",
        "sign-up (API, page), password reset, sign-in with a wrong password and a therapist's "
        "invitation (API, page), each with a registered and with an unknown email: failure "
        "if the answers differ (status, redirect, text; the values sent, emails, tokens and "
        "numbers blanked)",
        lambda stack, tally, options: check_enumeration(stack, tally),
    ),
    Category(
        "secrets_in_logs",
        "8. secrets in logs",
        "the server's whole output searched for every password (right and wrong), session id, "
        "API token, calendar feed token and the SECRET_KEY the run used (tried = secrets "
        "searched): failure = one found",
        lambda stack, tally, options: check_secrets_in_logs(stack, tally),
    ),
]


def exception_of(log: str, request_id: str) -> str:
    """The last line of the traceback the server logged for a request (JSON or plain lines)."""
    lines = log.splitlines()
    for n, line in enumerate(lines):
        if request_id not in line or "ERROR" not in line:
            continue
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                trace = str(json.loads(line).get("exception") or "").strip()
                if trace:
                    return trace.splitlines()[-1]
            continue
        block = itertools.takewhile(lambda x: not re.match(r"\d{4}-\d\d-\d\d ", x), lines[n + 1 :])
        written = [x for x in block if x.strip()]
        if written:
            return written[-1].strip()
    return ""


def explain_errors(stack: Stack, results: dict[str, Any]) -> None:
    log = "\n".join(path.read_text(errors="replace") for path in stack.logs if path.exists())
    for entry in results.values():
        if not isinstance(entry, dict):
            continue
        for n, finding in enumerate(entry["findings"]):
            found = re.search(r"\[request (probe-\d+)\]", finding)
            cause = exception_of(log, found.group(1)) if found else ""
            if cause:
                entry["findings"][n] = f"{finding}: {cause[:300]}"


def probe_mode(prepared: Prepared, options: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with serving(prepared) as stack:
        open_sessions(stack)
        for category in CATEGORIES:
            if options.only and category.key not in options.only:
                continue
            tally, began = Tally(), time.monotonic()
            try:
                category.run(stack, tally, options)
            except Exception as exc:  # a probe that breaks is reported, not a crash
                tally.note(f"the probe itself failed here: {type(exc).__name__}: {exc}")
                results.setdefault("_probe_errors", []).append(f"{category.key}: {exc}")
            if gone := stack.down():
                # Requests after the end found nobody: one failure, the end itself.
                tally.findings = [f for f in tally.findings if ": no answer (" not in f]
                tally.findings.append(f"during this category {gone}")
                tally.failures = len(tally.findings)
                results.setdefault("_probe_errors", []).append(
                    f"{category.key}: {gone[:200]}; the later categories were not run"
                )
            results[category.key] = {
                **tally.summary(),
                "seconds": round(time.monotonic() - began, 1),
            }
            print(
                f"  {prepared.mode:10} {category.title:24} tried {tally.tried:4}  "
                f"failures {tally.failures:3}  ({time.monotonic() - began:.0f} s)",
                flush=True,
            )
            if stack.down():
                break
        time.sleep(0.5)
        explain_errors(stack, results)
    return results


PREPARE = {"production": prepare_production, "embedded": prepare_embedded}


def run_mode(work: Path, options: argparse.Namespace, mode: str) -> dict[str, Any] | str:
    """One mode from its fresh database to its figures, or why it could not be probed."""
    try:
        return probe_mode(PREPARE[mode](work, options), options)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def run_modes(work: Path, options: argparse.Namespace) -> dict[str, dict[str, Any] | str]:
    """The modes at once: they share nothing, and each leaves a core idle while it waits.
    Interrupted, the servers are stopped at once (the threads then run out quickly)."""
    pool = ThreadPoolExecutor(len(options.modes))
    running = {mode: pool.submit(run_mode, work, options, mode) for mode in options.modes}
    try:
        return {mode: future.result() for mode, future in running.items()}
    except KeyboardInterrupt:
        for process in list(STARTED):
            stop_process(process)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for package in (
        "django",
        "djangorestframework",
        "gunicorn",
        "django-allauth",
        "django-rest-knox",
    ):
        with contextlib.suppress(PackageNotFoundError):
            found[package] = version(package)
    return found


def write_results(out: Path, report: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    out.with_suffix(".md").write_text(markdown(report))


def cell(mode: dict[str, Any] | None, key: str) -> tuple[str, str]:
    if mode is None or key not in mode:
        return "-", "-"
    entry = mode[key]
    if not entry["applicable"]:
        return "n/a", "n/a"
    return f"{entry['tried']:,}", f"**{entry['failures']}**" if entry["failures"] else "0"


def markdown(report: dict[str, Any]) -> str:
    modes = report["modes"]
    lines = [
        "# Security probe (`bench/probe.py`)",
        "",
        f"{report['started']} UTC, {report['seconds']:.0f} s, {report['cores']} cores; "
        + ", ".join(f"{k} {v}" for k, v in report["versions"].items())
        + ".",
        "",
        "| category | what it checks | production tried | production failures "
        "| embedded tried | embedded failures |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for category in CATEGORIES:
        production = cell(modes.get("production"), category.key)
        embedded = cell(modes.get("embedded"), category.key)
        lines.append(
            f"| {category.title} | {category.checks} | {production[0]} | {production[1]} "
            f"| {embedded[0]} | {embedded[1]} |"
        )
    for mode, error in report["errors"].items():
        lines += ["", f"**{mode} could not be probed**: {error[:2000]}"]
    for mode, categories in modes.items():
        for problem in categories.get("_probe_errors", []):
            lines += ["", f"**{mode}, probe stopped short**: {problem}"]
    for heading, key in (("Findings", "findings"), ("Notes", "notes")):
        lines += ["", f"## {heading}"]
        for mode, categories in modes.items():
            for category in CATEGORIES:
                items = categories.get(category.key, {}).get(key, [])
                if items:
                    lines += ["", f"### {mode}: {category.title}", ""]
                    lines += [f"- {item}" for item in items]
    return "\n".join(lines) + "\n"


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--modes", default="production,embedded", help="comma-separated")
    p.add_argument("--only", default="", help="comma-separated category keys (default: all)")
    p.add_argument("--burst", type=int, default=40, help="wrong passwords per burst")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server")
    p.add_argument("--db", default="planner_probe", help="database (dropped and recreated)")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="CACHE_URL (emptied)")
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "probe"), help="no suffix")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder and database")
    options = p.parse_args(argv)
    options.modes = [m for m in options.modes.split(",") if m]
    options.only = {c for c in options.only.split(",") if c}
    unknown = set(options.modes) - set(PREPARE)
    if unknown:
        p.error(f"unknown modes: {', '.join(sorted(unknown))}")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    started, began = datetime.now(UTC), time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="planner-probe-"))
    modes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    try:
        print(f"probing {', '.join(options.modes)} at once, in {work}", flush=True)
        for mode, outcome in run_modes(work, options).items():
            if isinstance(outcome, str):
                errors[mode] = outcome
            else:
                modes[mode] = outcome
    finally:
        if "production" in options.modes and not options.keep:
            with contextlib.suppress(subprocess.CalledProcessError):
                recreate_database(options.pg, options.db, drop_only=True)
                redis_flush(options.redis)
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "started": started.strftime("%Y-%m-%d %H:%M"),
        "seconds": round(time.monotonic() - began, 1),
        "cores": os.cpu_count(),
        "versions": versions(),
        "burst": options.burst,
        "checks": {c.key: {"title": c.title, "checks": c.checks} for c in CATEGORIES},
        "modes": modes,
        "errors": errors,
    }
    write_results(Path(options.out), report)
    failures = sum(
        e.get("failures", 0) for m in modes.values() for e in m.values() if isinstance(e, dict)
    )
    print(
        f"{failures} failures in {report['seconds']:.0f} s; {Path(options.out).with_suffix('.md')}"
    )
    for mode, error in errors.items():
        print(f"{mode}: {error[:3000]}", file=sys.stderr)
    if errors or any("_probe_errors" in m for m in modes.values()):
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
