"""API benchmark: `today`, session logging, the therapist's patient list and patient page and
writing a message under concurrent load, next to a floor endpoint (GET /api/v1/me) measured in
the same run.

Run from the checkout (see bench/README.md); needs PostgreSQL (trust auth) and `wrk`:

    .venv/bin/python bench/api_bench.py [--runners 10000 --therapists 100 --days 90]

What it does:

1. (Re)creates the database `--db` (default planner_api_bench) when its data does not match the
   sizes or was built on another UTC day, migrates it, loads the catalog
   (`manage.py load_catalog`) and builds the data with raw SQL (generate_series):
   `--runners` runners and `--therapists` therapists (group "therapist"; one reused password
   hash), an API token for each (knox's: its hash stored, the key kept in bench_token for the
   load), every therapist actively linked (CareLink "active") to
   runners/therapists runners. Each runner has one active plan of the IT band program
   (`it-band-syndrome-home-program`: a daily stretch and three every-other-day exercises),
   started `--days` (+0/2/4/6) days ago in one of 8 time zones, with its four plan exercises
   copied from the prescriptions; the program is 6 weeks, so each plan is extended (as a
   therapist tailoring it would) to `days/7 + 3` weeks: `planned_end`, `projected_end` and every
   exercise's `last_week`. Dose history: a `start` row, a `progress` row every 14 days up the
   ladder and an `add_variation` row once the target is reached, the exercise's current dose
   matching the last one. Session logs: for every session day before today, 88% logged, 95%
   of those done, pain during 0-2, next-morning pain 1 or empty. Today (in each plan's zone)
   has no log. Two reminder rows per plan (07:30 local, next_due_at set). A conversation per
   care link with `--messages` messages, alternately the runner's and the therapist's, one a
   day up to yesterday, each side having read the other's.
2. Signs the therapists in, as for their pages, on every run: static files collected (the
   pages ask for their hashed names), an authenticator app (allauth's TOTP, as the setup page
   makes it) for each therapist who has none (EnrolmentMiddleware sends a therapist without a
   second factor to set one up), and a session each as allauth's sign-in leaves it: password
   and TOTP recorded as the steps taken, Django's login() with allauth's backend, allauth's
   user_logged_in sent (its user session row; no enrolment flag). The previous run's sessions
   are deleted first (bench_session keeps their keys; this run's SECRET_KEY would not read them).
   Records the SQL query count of one call of each endpoint (in-process, CaptureQueriesContext),
   checking that the patient page answers 200 with the patient's name.
3. Starts gunicorn (sync workers, `--workers`, 127.0.0.1 only) with PLANNER_MODE=production,
   a random 64-character SECRET_KEY, DEBUG=false, ALLOWED_HOSTS=127.0.0.1,
   SECURE_SSL_REDIRECT=false, the bench database, CACHE_URL on the local Redis.
4. Load with wrk (`--threads`, `--connections`, closed loop, `--duration` per run; apt-get
   installs it when missing and the script runs as root). bench/api_load.lua rotates tokens
   (or session cookies), paths and bodies from a request file:
   - floor: GET /api/v1/me, runners' tokens, shuffled;
   - today: GET /api/v1/plans/<id>/day, each runner's own plan, shuffled;
   - log: POST /api/v1/plans/<id>/logs {"plan_exercise", "day": the plan's local today,
     "done": true, "pain_during": 2}: every (plan, exercise) once, exercise-major so concurrent
     requests hit different plans; before each logging run today's logs and everything they
     caused (dose changes, doses, projected ends) are reset to the seed;
   - patients: GET /api/v1/patients, therapists' tokens, shuffled;
   - message: POST /api/v1/conversations/<id>/messages {"body"}: each runner writes to her
     therapist, shuffled (the first message of the hour in a conversation also writes its
     email's delivery, the rest find the hour's); before each run the messages, notices and
     deliveries written by earlier runs are deleted;
   - pagefloor: GET /account/, the therapist's own account page, with her session cookie:
     the page floor (session, middleware, base template and navigation, little else);
   - page: GET /patients/<runner id>/, the therapist's page of one patient (server-rendered
     HTML), with the therapist's session cookie instead of a token: each therapist on one of
     her own patients, therapists shuffled and taken in turn (each request another therapist),
     her patients shuffled. Reported against both floors.
   A warm-up run of each endpoint (`--warmup` s, not recorded), then `--rounds` rounds, each
   running every endpoint once, the order rotated by one per round. Non-2xx responses and
   socket errors are counted per run.
5. Any endpoint whose median is above 2x the floor's (or all with --profile) is profiled
   in-process: time per SQL query (execute_wrapper) and a cProfile of repeated calls, reads
   warm as the load finds them (each therapist's list already cached), through one test
   client, as a server process keeps one handler (a new one loads the middleware again).
6. Writes bench/results/api.json and bench/results/api.md (the table, whether each endpoint
   meets the target, each round, the profiles).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import platform
import pstats
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from processes import free_port, stop_group

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
LUA = BENCH / "api_load.lua"
DATA_VERSION = "3"
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
ENDPOINTS = ["floor", "today", "log", "patients", "message", "pagefloor", "page"]
LABELS = {
    "floor": "GET /api/v1/me (floor)",
    "today": "GET /api/v1/plans/<id>/day",
    "log": "POST /api/v1/plans/<id>/logs",
    "patients": "GET /api/v1/patients",
    "message": "POST /api/v1/conversations/<id>/messages",
    "pagefloor": "GET /account/ (page floor, session)",
    "page": "GET /patients/<id>/ (page, session)",
}
# Measured against the page floor too: any page pays for the session, the middleware and the
# navigation before its own content, which the API floor does not.
PAGES = {"page"}
FLOORS = {"floor", "pagefloor"}
# What each runner writes to her therapist in the message runs.
MESSAGE_BODY = "My hip aches after the hills: should I skip tomorrow's session?"
TARGET_RATIO = 2.0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runners", type=int, default=10_000)
    p.add_argument("--therapists", type=int, default=100)
    p.add_argument("--days", type=int, default=90, help="how long ago the plans started")
    p.add_argument("--messages", type=int, default=20, help="messages per conversation")
    p.add_argument("--db", default="planner_api_bench")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="CACHE_URL")
    p.add_argument("--port", type=int, default=0, help="0: a free port")
    p.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--connections", type=int, default=8, help="wrk connections (concurrency)")
    p.add_argument("--duration", type=int, default=12, help="seconds per measured run")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per endpoint")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--rebuild", action="store_true", help="rebuild the data even if it matches")
    p.add_argument("--profile", action="store_true", help="profile every endpoint")
    p.add_argument("--no-results", action="store_true", help="do not write bench/results/api.*")
    p.add_argument(
        "--pages-only",
        action="store_true",
        help="only the pages' server time (bench/page_times.py), written to results/pages.*",
    )
    p.add_argument("--page-calls", type=int, default=40, help="calls of each page")
    p.add_argument("--page-runners", type=int, default=20, help="runners the page calls rotate")
    return p.parse_args()


ARGS = parse_args()
DATABASE_URL = f"{ARGS.pg}/{ARGS.db}"
SECRET_KEY = secrets.token_urlsafe(64)
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "PLANNER_MODE": "production",
    "SECRET_KEY": SECRET_KEY,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "CACHE_URL": ARGS.redis,
    "LOG_LEVEL": "WARNING",
    "PLANNER_VAR_DIR": str(Path(tempfile.gettempdir()) / "planner_api_bench_var"),
}
# This process runs with the server's settings, so the in-process calls match it.
os.environ.update(SERVER_ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "planner.settings"
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


# --- Database ---------------------------------------------------------------------------------


def psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", f"{ARGS.pg}/{db}", "-v", "ON_ERROR_STOP=1", "-Atq", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def wanted_meta() -> dict[str, str]:
    return {
        "version": DATA_VERSION,
        "runners": str(ARGS.runners),
        "therapists": str(ARGS.therapists),
        "days": str(ARGS.days),
        "messages": str(ARGS.messages),
        "built_on": datetime.now(UTC).date().isoformat(),
    }


def current_meta() -> dict[str, str]:
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{ARGS.db}'") != "1":
        return {}
    try:
        rows = psql("SELECT key || '=' || value FROM bench_api_meta", ARGS.db)
    except subprocess.CalledProcessError:
        return {}
    return dict(line.split("=", 1) for line in rows.splitlines() if "=" in line)


def manage(*args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        check=True,
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        stdout=subprocess.DEVNULL,
    )


def seed_sql(password_hash: str) -> str:
    runners, therapists, days = ARGS.runners, ARGS.therapists, ARGS.days
    weeks = days // 7 + 3
    zones = "ARRAY[" + ",".join(f"'{z}'" for z in ZONES) + "]"
    pw = password_hash.replace("'", "''")
    return f"""
SET synchronous_commit = off;
SELECT setseed(0.42);
CREATE TABLE bench_api_meta (key text PRIMARY KEY, value text NOT NULL);

INSERT INTO auth_group (name) VALUES ('therapist') ON CONFLICT (name) DO NOTHING;

INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
SELECT '{pw}', false, 'bench-runner-' || lpad(i::text, 6, '0'), '', '',
       'bench-runner-' || i || '@example.org', false, true, now() - interval '200 days'
FROM generate_series(1, {runners}) i;
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
SELECT '{pw}', false, 'bench-therapist-' || lpad(i::text, 4, '0'), '', '',
       'bench-therapist-' || i || '@example.org', false, true, now() - interval '400 days'
FROM generate_series(1, {therapists}) i;

CREATE TABLE bench_therapist AS
SELECT substring(username FROM 17)::int AS i, id AS user_id
FROM auth_user WHERE username LIKE 'bench-therapist-%';
INSERT INTO auth_user_groups (user_id, group_id)
SELECT t.user_id, g.id FROM bench_therapist t, auth_group g WHERE g.name = 'therapist';

-- One row per runner: zone, therapist, local today and start date of the plan.
CREATE TABLE bench_runner AS
SELECT i, user_id, zone, therapist_i, local_today,
       local_today - ({days} + 2 * ((i / 8) % 4)) AS start_date
FROM (
  SELECT substring(username FROM 14)::int AS i, id AS user_id,
         ({zones})[1 + substring(username FROM 14)::int % {len(ZONES)}] AS zone,
         1 + (substring(username FROM 14)::int - 1) % {therapists} AS therapist_i
  FROM auth_user WHERE username LIKE 'bench-runner-%'
) r, LATERAL (SELECT (now() AT TIME ZONE r.zone)::date AS local_today) d;
ALTER TABLE bench_runner ADD PRIMARY KEY (i);

-- knox's tokens: 64 hex characters, stored as their SHA-512 and their first 15 characters;
-- the keys themselves are kept here for the load.
CREATE TABLE bench_token AS
SELECT id AS user_id, md5(random()::text) || md5(random()::text) AS key
FROM auth_user WHERE username LIKE 'bench-%';
INSERT INTO knox_authtoken (digest, token_key, created, user_id, expiry)
SELECT encode(sha512(convert_to(key, 'UTF8')), 'hex'), substr(key, 1, 15), now(), user_id,
       now() + interval '30 days'
FROM bench_token;

INSERT INTO planner_carelink (status, created_at, responded_at, ended_at, runner_id,
                              therapist_id, invited_as)
SELECT 'active', now() - interval '100 days', now() - interval '99 days', NULL, r.user_id,
       t.user_id, ''
FROM bench_runner r JOIN bench_therapist t ON t.i = r.therapist_i;

INSERT INTO planner_plan (start_date, time_zone, status, planned_end, projected_end,
                          stop_reason, stop_advice, stop_urgency, created_at, updated_at,
                          assigned_by_id, user_id, program_id)
SELECT r.start_date, r.zone, 'active', r.start_date + {weeks * 7 - 1},
       r.start_date + {weeks * 7 - 1}, '', '', '', r.start_date::timestamptz, now(), t.user_id,
       r.user_id, p.id
FROM bench_runner r JOIN bench_therapist t ON t.i = r.therapist_i,
     planner_program p WHERE p.slug = '{PROGRAM}'
ORDER BY r.i;
-- A conversation per link, with its history: one message a day up to yesterday, alternately
-- the runner's and the therapist's, each side having read the other's.
INSERT INTO planner_conversation (link_id, runner_read_at, therapist_read_at, last_message_at,
                                  created_at)
SELECT l.id, now() - interval '1 day', now() - interval '1 day', now() - interval '1 day',
       now() - interval '99 days'
FROM planner_carelink l;
ALTER TABLE bench_runner ADD COLUMN conversation_id bigint;
UPDATE bench_runner r SET conversation_id = c.id
FROM planner_carelink l JOIN planner_conversation c ON c.link_id = l.id
WHERE l.runner_id = r.user_id;
INSERT INTO planner_message (conversation_id, author_id, body, created_at)
SELECT r.conversation_id, CASE WHEN k % 2 = 0 THEN r.user_id ELSE t.user_id END,
       'Message ' || k || ' of the conversation, about the week''s sessions.',
       now() - make_interval(days => {ARGS.messages} - k + 1)
FROM bench_runner r JOIN bench_therapist t ON t.i = r.therapist_i,
     generate_series(1, {ARGS.messages}) k
ORDER BY k, r.i;

ALTER TABLE bench_runner ADD COLUMN plan_id bigint;
UPDATE bench_runner r SET plan_id = p.id FROM planner_plan p WHERE p.user_id = r.user_id;

-- Plan exercises with the dose reached: a step every 14 days, then the variation.
CREATE TABLE bench_pe AS
SELECT r.i, r.plan_id, r.start_date, r.local_today, pr.id AS prescription_id, pr.exercise_id,
       pr."order", pr.frequency, pr.first_week, pr.sets, pr.start, pr.target, pr.step,
       pr.hold_seconds, pr.sessions_to_progress, pr.days_to_progress, pr.pain_rule,
       pr.sets_target, pr.times_per_day, pr.harder, pr.easier,
       coalesce(pr.harder->>0, '') AS variation_name,
       (pr.target - pr.start) / pr.step AS nsteps,
       (r.local_today - r.start_date) / 14 AS kmax
FROM bench_runner r
JOIN planner_program p ON p.slug = '{PROGRAM}'
JOIN planner_prescription pr ON pr.program_id = p.id;

INSERT INTO planner_planexercise (frequency, first_week, last_week, sets, start, target, step,
    hold_seconds, sessions_to_progress, days_to_progress, pain_rule, "order", sets_target,
    times_per_day, harder, easier, note, earlier_frequencies, amount, current_sets, level,
    dose_since, exercise_id, plan_id, prescription_id)
SELECT frequency, first_week, {weeks}, sets, start, target, step, hold_seconds,
       sessions_to_progress, days_to_progress, pain_rule, "order", sets_target, times_per_day,
       harder, easier, '', '[]', start + step * least(kmax, nsteps), sets,
       CASE WHEN variation_name <> '' AND kmax > nsteps THEN 1 ELSE 0 END,
       start_date + 14 * (least(kmax, nsteps)
                          + CASE WHEN variation_name <> '' AND kmax > nsteps THEN 1 ELSE 0 END),
       exercise_id, plan_id, prescription_id
FROM bench_pe ORDER BY plan_id, "order";
ALTER TABLE bench_pe ADD COLUMN pe_id bigint;
UPDATE bench_pe b SET pe_id = pe.id FROM planner_planexercise pe
WHERE pe.plan_id = b.plan_id AND pe.prescription_id = b.prescription_id;

INSERT INTO planner_dosechange (effective_on, action, old_amount, old_sets, old_level,
    new_amount, new_sets, new_level, reason, what_changed, created_at, decided_by_id,
    plan_exercise_id)
SELECT b.start_date + 14 * k, CASE WHEN k = 0 THEN 'start' ELSE 'progress' END,
       CASE WHEN k = 0 THEN NULL ELSE b.start + b.step * (k - 1) END,
       CASE WHEN k = 0 THEN NULL ELSE b.sets END, 0,
       b.start + b.step * k, b.sets, 0,
       CASE WHEN k = 0 THEN 'Start at the first dose of the ladder.'
            ELSE 'Three sessions without pain above 3/10: one step up.' END, '',
       (b.start_date + 14 * k - 1)::timestamptz + interval '20 hours', NULL, b.pe_id
FROM bench_pe b, generate_series(0, least(b.kmax, b.nsteps)) k;
INSERT INTO planner_dosechange (effective_on, action, old_amount, old_sets, old_level,
    new_amount, new_sets, new_level, reason, what_changed, created_at, decided_by_id,
    plan_exercise_id)
SELECT b.start_date + 14 * (b.nsteps + 1), 'add_variation', b.target, b.sets, 0, b.target,
       b.sets, 1,
       'Target reached: add the harder variation.', '',
       (b.start_date + 14 * (b.nsteps + 1) - 1)::timestamptz + interval '20 hours', NULL, b.pe_id
FROM bench_pe b WHERE b.variation_name <> '' AND b.kmax > b.nsteps;

INSERT INTO planner_sessionlog (day, done, amount_done, pain_during, pain_next_morning,
    difficulty, note, partial, track, created_at, updated_at, plan_id, plan_exercise_id)
SELECT s.day, s.done, CASE WHEN s.done THEN b.start + b.step * least((s.day - b.start_date) / 14,
       b.nsteps) END,
       CASE WHEN s.done THEN floor(random() * 3)::int END,
       CASE WHEN s.done AND random() < 0.5 THEN 1 END,
       CASE WHEN s.done THEN 2 + floor(random() * 3)::int END,
       '', false, '', s.day + time '19:00', s.day + time '19:00', b.plan_id, b.pe_id
FROM bench_pe b,
     LATERAL (SELECT d::date AS day, random() < 0.95 AS done
              FROM generate_series(b.start_date, b.local_today - 1, interval '1 day') d
              WHERE (b.frequency = 'daily' OR (d::date - b.start_date) % 2 = 0)
                AND random() < 0.88) s;

INSERT INTO planner_reminder (kind, local_time, state, next_due_at, next_local_date,
                              updated_at, plan_id)
SELECT k.kind, time '07:30', 'on', (n.next_day + time '07:30') AT TIME ZONE r.zone, n.next_day,
       now(), r.plan_id
FROM bench_runner r,
     (VALUES ('reminder'), ('progression')) k(kind),
     LATERAL (SELECT CASE WHEN (now() AT TIME ZONE r.zone)::time < time '07:30'
                          THEN r.local_today ELSE r.local_today + 1 END AS next_day) n;

ANALYZE;
"""


def build_data() -> None:
    log(f"(re)creating database {ARGS.db}")
    psql(f"DROP DATABASE IF EXISTS {ARGS.db}")
    psql(f"CREATE DATABASE {ARGS.db}")
    manage("migrate", "-v", "0")
    manage("load_catalog")
    from django.contrib.auth.hashers import make_password

    password_hash = make_password("bench-password-4242")
    log(
        f"building data: {ARGS.runners:,} runners, {ARGS.therapists} therapists, "
        f"{ARGS.days} days of logs"
    )
    started = time.monotonic()
    sql = seed_sql(password_hash)
    subprocess.run(
        ["psql", DATABASE_URL, "-v", "ON_ERROR_STOP=1", "-q"],
        input=sql,
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    values = ", ".join(f"('{k}', '{v}')" for k, v in wanted_meta().items())
    psql(f"INSERT INTO bench_api_meta (key, value) VALUES {values}", ARGS.db)
    psql("VACUUM ANALYZE", ARGS.db)
    log(f"data built in {time.monotonic() - started:.0f} s")


def snapshot_seed() -> None:
    """What the logging runs change, kept to reset it before each run."""
    psql(
        """
DROP TABLE IF EXISTS bench_snap_pe, bench_snap_plan, bench_snap_max;
CREATE TABLE bench_snap_pe AS SELECT id, amount, current_sets, level, dose_since
    FROM planner_planexercise;
CREATE TABLE bench_snap_plan AS SELECT id, status, projected_end, stop_reason, updated_at
    FROM planner_plan;
CREATE TABLE bench_snap_max AS SELECT
    (SELECT coalesce(max(id), 0) FROM planner_sessionlog) AS log_id,
    (SELECT coalesce(max(id), 0) FROM planner_dosechange) AS change_id,
    (SELECT coalesce(max(id), 0) FROM planner_redflagreport) AS report_id,
    (SELECT coalesce(max(id), 0) FROM planner_message) AS message_id;
""",
        ARGS.db,
    )


def reset_logging() -> None:
    """Back to the seed: today's logs gone, with the dose changes and doses they caused."""
    psql(
        """
BEGIN;
DELETE FROM planner_sessionlog WHERE id > (SELECT log_id FROM bench_snap_max);
DELETE FROM planner_dosechange WHERE id > (SELECT change_id FROM bench_snap_max);
DELETE FROM planner_redflagreport WHERE id > (SELECT report_id FROM bench_snap_max);
UPDATE planner_planexercise pe SET amount = s.amount, current_sets = s.current_sets,
    level = s.level, dose_since = s.dose_since
FROM bench_snap_pe s WHERE s.id = pe.id
    AND (pe.amount, pe.current_sets, pe.level, pe.dose_since)
    IS DISTINCT FROM (s.amount, s.current_sets, s.level, s.dose_since);
UPDATE planner_plan p SET status = s.status, projected_end = s.projected_end,
    stop_reason = s.stop_reason, updated_at = s.updated_at
FROM bench_snap_plan s WHERE s.id = p.id AND (p.status, p.projected_end, p.stop_reason)
    IS DISTINCT FROM (s.status, s.projected_end, s.stop_reason);
COMMIT;
""",
        ARGS.db,
    )


def reset_messages() -> None:
    """Back to the seed: the messages written by earlier runs gone, with their notices and
    their emails' deliveries, and each conversation's newest instant as seeded."""
    psql(
        """
BEGIN;
DELETE FROM planner_notification WHERE message_id > (SELECT message_id FROM bench_snap_max);
DELETE FROM planner_delivery WHERE conversation_id IS NOT NULL;
DELETE FROM planner_message WHERE id > (SELECT message_id FROM bench_snap_max);
UPDATE planner_conversation SET last_message_at = runner_read_at
WHERE last_message_at IS DISTINCT FROM runner_read_at;
COMMIT;
""",
        ARGS.db,
    )


def data_counts() -> dict[str, int]:
    tables = {
        "users": "auth_user",
        "tokens": "knox_authtoken",
        "care_links": "planner_carelink",
        "plans": "planner_plan",
        "plan_exercises": "planner_planexercise",
        "dose_changes": "planner_dosechange",
        "session_logs": "planner_sessionlog",
        "reminders": "planner_reminder",
        "conversations": "planner_conversation",
        "messages": "planner_message",
    }
    return {name: int(psql(f"SELECT count(*) FROM {t}", ARGS.db)) for name, t in tables.items()}


# --- Requests ---------------------------------------------------------------------------------


def load_people() -> dict[str, list[dict[str, Any]]]:
    runners = psql(
        "SELECT r.user_id, t.key, r.plan_id, r.zone, r.conversation_id, b.user_id, u.username "
        "FROM bench_runner r JOIN bench_token t ON t.user_id = r.user_id "
        "JOIN bench_therapist b ON b.i = r.therapist_i JOIN auth_user u ON u.id = r.user_id "
        "ORDER BY r.i",
        ARGS.db,
    )
    therapists = psql(
        "SELECT b.user_id, t.key FROM bench_therapist b "
        "JOIN bench_token t ON t.user_id = b.user_id ORDER BY b.i",
        ARGS.db,
    )
    exercises = psql('SELECT plan_id, pe_id, "order" FROM bench_pe ORDER BY plan_id', ARGS.db)
    by_plan: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for line in exercises.splitlines():
        plan_no, pe_id, order = (int(x) for x in line.split("|"))
        by_plan[plan_no].append((order, pe_id))
    people: dict[str, list[dict[str, Any]]] = {"runners": [], "therapists": []}
    patients: dict[int, list[int]] = defaultdict(list)
    for line in runners.splitlines():
        user_id, key, plan_id, zone, conversation_id, therapist_id, username = line.split("|")
        people["runners"].append(
            {
                "user_id": int(user_id),
                "username": username,
                "token": key,
                "plan_id": int(plan_id),
                "zone": zone,
                "conversation_id": int(conversation_id),
                "exercises": [pe for _, pe in sorted(by_plan[int(plan_id)])],
            }
        )
        patients[int(therapist_id)].append(len(people["runners"]) - 1)
    for line in therapists.splitlines():
        user_id, key = line.split("|")
        people["therapists"].append(
            {"user_id": int(user_id), "token": key, "patients": patients[int(user_id)]}
        )
    return people


def sign_in_therapists(people: dict[str, list[dict[str, Any]]]) -> None:
    """Each therapist with an authenticator app, signed in as allauth's sign-in leaves the
    session (password, then the app's code); her session cookie kept in people."""

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth.models import User

    from planner.accounts.two_factors import ENROL_FLAG

    psql(
        """
CREATE TABLE IF NOT EXISTS bench_session (user_id bigint NOT NULL, session_key text NOT NULL);
DELETE FROM usersessions_usersession WHERE session_key IN (SELECT session_key FROM bench_session);
DELETE FROM django_session WHERE session_key IN (SELECT session_key FROM bench_session);
TRUNCATE bench_session;
""",
        ARGS.db,
    )
    users = User.objects.in_bulk([t["user_id"] for t in people["therapists"]])
    apps = {
        a.user_id: a
        for a in Authenticator.objects.filter(user_id__in=users, type=Authenticator.Type.TOTP)
    }
    created = 0
    rows = []
    for therapist in people["therapists"]:
        user = users[therapist["user_id"]]
        app = apps.get(user.pk)
        if app is None:
            app = TOTP.activate(user, generate_totp_secret()).instance
            created += 1
        session = signed_in_session(user, app)
        if session.get(ENROL_FLAG):
            sys.exit(f"{user.username} would be sent to set up a second factor")
        session.save()
        therapist["cookie"] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        rows.append(f"({user.pk}, '{session.session_key}')")
    psql(f"INSERT INTO bench_session (user_id, session_key) VALUES {', '.join(rows)}", ARGS.db)
    log(f"signed in {len(rows)} therapists ({created} authenticator apps set up)")


def sign_in_runners(runners: list[dict[str, Any]]) -> None:
    """Each runner signed in with her password, as allauth's sign-in leaves the session; her
    session cookie kept in her dict (the pages' bench opens pages as her)."""
    from django.conf import settings
    from django.contrib.auth.models import User

    users = User.objects.in_bulk([r["user_id"] for r in runners])
    rows = []
    for runner in runners:
        session = signed_in_session(users[runner["user_id"]])
        session.save()
        runner["cookie"] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        rows.append(f"({runner['user_id']}, '{session.session_key}')")
    psql(f"INSERT INTO bench_session (user_id, session_key) VALUES {', '.join(rows)}", ARGS.db)
    log(f"signed in {len(rows)} runners")


def signed_in_session(user: Any, second_factor: Any = None) -> Any:
    """The session allauth's sign-in leaves for `user` (her password, then the authenticator
    app `second_factor` if given), not yet saved."""
    from importlib import import_module

    from allauth.account.adapter import get_adapter
    from allauth.account.internal.flows.login import record_authentication
    from allauth.account.signals import user_logged_in
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser, User
    from django.test import RequestFactory

    request = RequestFactory().post("/signin/", HTTP_HOST="127.0.0.1")
    request.user = AnonymousUser()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    record_authentication(request, user, "password", username=user.username)
    if second_factor is not None:
        record_authentication(request, user, "mfa", id=second_factor.pk, type=second_factor.type)
    get_adapter(request).login(request, user)
    user_logged_in.send(sender=User, request=request, response=None, user=user)
    return request.session


def page_times(people: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Every main page's server time against the account page (bench/page_times.py), written
    to results/pages.json and pages.md unless --no-results."""
    import page_times as pages

    # Every therapist's first patient, one therapist after another.
    runners = [
        people["runners"][t["patients"][0]] for t in people["therapists"][: ARGS.page_runners]
    ]
    sign_in_runners(runners)
    therapists = {i: t for t in people["therapists"] for i in t["patients"]}
    index = {r["user_id"]: i for i, r in enumerate(people["runners"])}
    log(f"pages: {len(pages.PAGES)} pages x {ARGS.page_calls} calls (in-process)")
    result = pages.measure(runners, lambda r: therapists[index[r["user_id"]]], ARGS.page_calls)
    for name, row in result["pages"].items():
        log(
            f"  {name:24s} {row['median_ms']:7.1f} ms  {row['ratio']:5.2f}x  "
            f"queries {row['queries']}  status {row['statuses']}"
        )
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "git": git_state(),
        **result,
    }
    if not ARGS.no_results:
        (RESULTS / "pages.json").write_text(json.dumps(report, indent=2) + "\n")
        head = [
            "# Pages benchmark (server time)",
            "",
            f"- date: {report['date']}; nproc: {report['nproc']}; load: "
            + ", ".join(f"{x:.2f}" for x in report["loadavg"]),
            f"- code: {report['git']['head'][:10]} + {report['git']['dirty_files']} uncommitted "
            "files",
            "- data: bench/api_bench.py's (10,000 runners with about 90 days of logs, 100 "
            "therapists with 100 patients each); `DEBUG=false`, production mode, Redis cache",
            "- run: `.venv/bin/python bench/api_bench.py --pages-only` (also at the end of a "
            "full run)",
            "",
        ]
        (RESULTS / "pages.md").write_text("\n".join(head + pages.markdown(result)))
        log(f"wrote {RESULTS / 'pages.json'} and {RESULTS / 'pages.md'}")
    return report


def local_today(zone: str) -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(zone)).date()


def request_lines(endpoint: str, people: dict[str, list[dict[str, Any]]]) -> list[str]:
    rng = random.Random(7)
    runners = list(people["runners"])
    rng.shuffle(runners)
    if endpoint == "floor":
        return [f"GET\t/api/v1/me\t{r['token']}\t" for r in runners]
    if endpoint == "today":
        return [f"GET\t/api/v1/plans/{r['plan_id']}/day\t{r['token']}\t" for r in runners]
    if endpoint == "patients":
        therapists = list(people["therapists"])
        rng.shuffle(therapists)
        return [f"GET\t/api/v1/patients\t{t['token']}\t" for t in therapists]
    if endpoint == "message":
        body = json.dumps({"body": MESSAGE_BODY}, separators=(",", ":"))
        return [
            f"POST\t/api/v1/conversations/{r['conversation_id']}/messages\t{r['token']}\t{body}"
            for r in runners
        ]
    if endpoint == "pagefloor":
        therapists = list(people["therapists"])
        rng.shuffle(therapists)
        return [f"GET\t/account/\t{t['cookie']}\t" for t in therapists]
    if endpoint == "page":
        # Therapists in turn (each request another therapist), each on her own patients.
        therapists = list(people["therapists"])
        rng.shuffle(therapists)
        own = {t["user_id"]: rng.sample(t["patients"], len(t["patients"])) for t in therapists}
        lines = []
        for k in range(max(len(p) for p in own.values())):
            for t in therapists:
                if k < len(own[t["user_id"]]):
                    runner = people["runners"][own[t["user_id"]][k]]
                    lines.append(f"GET\t/patients/{runner['user_id']}/\t{t['cookie']}\t")
        return lines
    assert endpoint == "log"
    lines = []
    width = max(len(r["exercises"]) for r in runners)
    for k in range(width):  # exercise-major: concurrent requests hit different plans
        for r in runners:
            if k < len(r["exercises"]):
                body = json.dumps(
                    {
                        "plan_exercise": r["exercises"][k],
                        "day": local_today(r["zone"]).isoformat(),
                        "done": True,
                        "pain_during": 2,
                    },
                    separators=(",", ":"),
                )
                lines.append(f"POST\t/api/v1/plans/{r['plan_id']}/logs\t{r['token']}\t{body}")
    return lines


# --- Query counts and profiles (in-process) ----------------------------------------------------


CLIENTS: list[Any] = []


def client_call(endpoint: str, people: dict[str, list[dict[str, Any]]], n: int = 0) -> Any:
    # One client for every call, as a server process keeps one handler: a new client loads the
    # middleware again, and WhiteNoise's then lists every collected static file (0.1 s).
    if not CLIENTS:
        from django.test import Client

        CLIENTS.append(Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT="application/json"))
    client = CLIENTS[0]
    client.cookies.clear()  # nothing carried from one call to the next
    runner = people["runners"][n % len(people["runners"])]
    therapist = people["therapists"][n % len(people["therapists"])]
    if endpoint == "floor":
        return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {runner['token']}")
    if endpoint == "today":
        return client.get(
            f"/api/v1/plans/{runner['plan_id']}/day", HTTP_AUTHORIZATION=f"Token {runner['token']}"
        )
    if endpoint == "patients":
        return client.get("/api/v1/patients", HTTP_AUTHORIZATION=f"Token {therapist['token']}")
    if endpoint == "message":
        return client.post(
            f"/api/v1/conversations/{runner['conversation_id']}/messages",
            data=json.dumps({"body": MESSAGE_BODY}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {runner['token']}",
        )
    if endpoint == "pagefloor":
        return client.get("/account/", HTTP_ACCEPT="text/html", HTTP_COOKIE=therapist["cookie"])
    if endpoint == "page":
        return client.get(
            f"/patients/{page_patient(people, n)['user_id']}/",
            HTTP_ACCEPT="text/html",
            HTTP_COOKIE=therapist["cookie"],
        )
    k = (n // len(people["runners"])) % len(runner["exercises"])
    body = {
        "plan_exercise": runner["exercises"][k],
        "day": local_today(runner["zone"]).isoformat(),
        "done": True,
        "pain_during": 2,
    }
    return client.post(
        f"/api/v1/plans/{runner['plan_id']}/logs",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {runner['token']}",
    )


def page_patient(people: dict[str, list[dict[str, Any]]], n: int) -> dict[str, Any]:
    """The patient whose page the n-th in-process call opens: one of the therapist's own."""
    therapist = people["therapists"][n % len(people["therapists"])]
    own = therapist["patients"]
    patient: dict[str, Any] = people["runners"][own[(n // len(people["therapists"])) % len(own)]]
    return patient


def query_counts(people: dict[str, list[dict[str, Any]]], endpoints: list[str]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out: dict[str, Any] = {}
    for endpoint in endpoints:
        client_call(endpoint, people, 1)  # warm caches (URL resolver, zone data)
        if endpoint == "log":
            reset_logging()
        if endpoint == "message":
            reset_messages()
        with CaptureQueriesContext(connection) as ctx:
            response = client_call(endpoint, people, 1)
        if endpoint == "page" and page_patient(people, 1)["username"].encode() not in (
            response.content
        ):
            sys.exit(f"the patient page answered {response.status_code} without the patient")
        out[endpoint] = {
            "queries": len(ctx.captured_queries),
            "status": response.status_code,
            "response_bytes": len(response.content),
            "sql": [q["sql"] for q in ctx.captured_queries],
        }
    reset_logging()
    reset_messages()
    return out


def profile(endpoint: str, people: dict[str, list[dict[str, Any]]], calls: int) -> dict[str, Any]:
    """Where one endpoint's time goes, in-process: SQL (per statement) against the rest, and
    the top functions of a cProfile over `calls` calls."""
    from django.db import connection

    sql_time: dict[str, list[float]] = defaultdict(list)

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = re.sub(r'"s\d+_x\d+"', '"s..."', sql.split(" WHERE ")[0][:160])
            sql_time[key].append(time.perf_counter() - started)

    timed = [2000 + n for n in range(calls)]
    # Reads are profiled warm, as the load finds them after its warm-up (every therapist's
    # list cached); each log is a new one, and a second log of the same day would be refused.
    warm = timed if endpoint != "log" else [1000 + n for n in range(5)]
    for n in warm:
        client_call(endpoint, people, n)
    wall = []
    with connection.execute_wrapper(timer):
        for n in timed:
            started = time.perf_counter()
            client_call(endpoint, people, n)
            wall.append(time.perf_counter() - started)
    sql_total = sum(sum(v) for v in sql_time.values())
    per_statement: list[dict[str, Any]] = sorted(
        (
            {"sql": sql, "calls": len(v), "ms_per_request": 1000 * sum(v) / calls}
            for sql, v in sql_time.items()
        ),
        key=lambda row: -float(row["ms_per_request"]),
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for n in timed if endpoint != "log" else [3000 + n for n in range(calls)]:
        client_call(endpoint, people, n)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(30)
    stream.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(20)
    if endpoint == "log":
        reset_logging()
    if endpoint == "message":
        reset_messages()
    text = stream.getvalue()
    text = text.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "")
    return {
        "calls": calls,
        "wall_ms_median": 1000 * statistics.median(wall),
        "sql_ms_per_request": 1000 * sql_total / calls,
        "python_ms_per_request": 1000 * (sum(wall) - sql_total) / calls,
        "statements": per_statement[:12],
        "cprofile": text,
    }


# --- Server and load --------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it (apt-get install -y wrk) and run again")
    log("installing wrk (apt-get install -y wrk)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk could not be installed")
    return found


def start_server(port: int, token: str) -> subprocess.Popen[bytes]:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [
            gunicorn,
            "planner.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(ARGS.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited at start")
        try:
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Token {token}"}
            )
            with urllib.request.urlopen(req, timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop_group(server)
    sys.exit("gunicorn did not answer within 60 s")


def run_wrk(wrk: str, port: int, request_file: Path, seconds: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            wrk,
            "-t",
            str(ARGS.threads),
            "-c",
            str(ARGS.connections),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}",
            "--",
            str(request_file),
            str(ARGS.threads),
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")
    result: dict[str, Any] = json.loads(line[len("WRK_JSON ") :])
    seconds_run = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / seconds_run if seconds_run else 0.0
    result["non_2xx"] = result["status"]["3xx"] + result["status"]["4xx"] + result["status"]["5xx"]
    result["socket_errors"] = sum(
        result["errors"][k] for k in ("connect", "read", "write", "timeout")
    )
    return result


# --- Report -----------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    from importlib.metadata import version

    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    return {
        "python": platform.python_version(),
        "django": version("django"),
        "djangorestframework": version("djangorestframework"),
        "gunicorn": version("gunicorn"),
        "psycopg": version("psycopg"),
        "postgresql": psql("SHOW server_version", ARGS.db),
        "wrk": (wrk_version.splitlines() or ["?"])[0].split(" [")[0].removeprefix("wrk "),
    }


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    care = ROOT / "planner" / "api" / "care.py"
    return {
        "head": git("rev-parse", "HEAD"),
        "dirty_files": len(git("status", "--porcelain").splitlines()),
        "care_py_sha256": hashlib.sha256(care.read_bytes()).hexdigest()[:16],
    }


def summarize(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    def med(endpoint: str, key: str) -> float:
        return float(statistics.median(r["latency_us"][key] / 1000 for r in runs[endpoint]))

    floor_p50 = med("floor", "p50")
    page_floor_p50 = med("pagefloor", "p50") if "pagefloor" in runs else None
    summary = {}
    for endpoint, rows in runs.items():
        p50 = med(endpoint, "p50")
        summary[endpoint] = {
            "ratio_to_page_floor": (
                p50 / page_floor_p50 if endpoint in PAGES and page_floor_p50 else None
            ),
            "p50_ms": p50,
            "p90_ms": med(endpoint, "p90"),
            "p99_ms": med(endpoint, "p99"),
            "rps": statistics.median(r["rps"] for r in rows),
            "requests": sum(r["requests"] for r in rows),
            "non_2xx": sum(r["non_2xx"] for r in rows),
            "socket_errors": sum(r["socket_errors"] for r in rows),
            "ratio_p50": p50 / floor_p50,
            "round_ratios": [
                (r["latency_us"]["p50"] / f["latency_us"]["p50"])
                for r, f in zip(rows, runs["floor"], strict=True)
            ],
            "meets_target": endpoint in FLOORS or p50 / floor_p50 <= TARGET_RATIO,
        }
    return summary


def write_results(report: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    s, cfg = report["summary"], report["config"]
    lines = [
        "# API benchmark",
        "",
        f"- date: {report['date']}; nproc: {report['nproc']}; load at start: "
        + ", ".join(f"{x:.2f}" for x in report["loadavg_start"]),
        "- " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()),
        f"- code: {report['git']['head'][:10]} + {report['git']['dirty_files']} uncommitted "
        f"files (care.py sha256 {report['git']['care_py_sha256']})",
        f"- data: {cfg['runners']:,} runners, {cfg['therapists']} therapists "
        f"({cfg['runners'] // cfg['therapists']} active patients each), plans started "
        f"{cfg['days']}-{cfg['days'] + 6} days ago; rows: "
        + ", ".join(f"{k} {v:,}" for k, v in report["data"].items()),
        f"- server: gunicorn {cfg['workers']} sync workers on 127.0.0.1, PLANNER_MODE=production, "
        f"DEBUG=false, token auth (the page: a session cookie); load: wrk {cfg['threads']} "
        f"threads, {cfg['connections']} connections (closed loop), {cfg['rounds']} rounds x "
        f"{cfg['duration']} s per endpoint, order rotated each round, after a {cfg['warmup']} s "
        "warm-up of each",
        "",
        "Medians over the rounds of each run's p50 / p90 / p99 and requests/s; ratio = the "
        "endpoint's median p50 / the floor's median p50 (target: at most 2x).",
        "",
        "| endpoint | queries | p50 ms | p90 ms | p99 ms | req/s | ratio to floor (per round) "
        "| non-2xx / socket errors | within 2x |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for endpoint in report["endpoints"]:
        row = s[endpoint]
        q = report["queries"].get(endpoint, {}).get("queries", "?")
        rounds = ", ".join(f"{x:.2f}" for x in row["round_ratios"])
        verdict = "-" if endpoint in FLOORS else ("yes" if row["meets_target"] else "**no**")
        lines.append(
            f"| {LABELS[endpoint]} | {q} | {row['p50_ms']:.1f} | {row['p90_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['rps']:.0f} | {row['ratio_p50']:.2f}x ({rounds}) | "
            f"{row['non_2xx']} / {row['socket_errors']} of {row['requests']:,} | {verdict} |"
        )
    lines += [
        "",
        "Targets (within 2x of the floor at the median): "
        + "; ".join(
            f"{LABELS[e]} {'met' if met else '**missed**'} ({s[e]['ratio_p50']:.2f}x)"
            for e, met in report["targets"].items()
        )
        + ".",
    ]
    if "pagefloor" in s:
        lines += [
            "",
            "Pages against the page floor (the therapist's own account page: the same session, "
            "middleware and navigation, little content of its own): "
            + "; ".join(
                f"{LABELS[e]} {s[e]['ratio_to_page_floor']:.2f}x "
                f"({'within' if s[e]['ratio_to_page_floor'] <= TARGET_RATIO else '**above**'} 2x)"
                for e in report["endpoints"]
                if e in PAGES
            )
            + ".",
        ]
    lines += ["", "## Per round", "", "| round | " + " | ".join(report["endpoints"]) + " |"]
    lines.append("| --- |" + " --- |" * len(report["endpoints"]))
    for i in range(cfg["rounds"]):
        cells = []
        for endpoint in report["endpoints"]:
            r = report["runs"][endpoint][i]
            cells.append(
                f"{r['latency_us']['p50'] / 1000:.1f} / {r['latency_us']['p90'] / 1000:.1f} / "
                f"{r['latency_us']['p99'] / 1000:.1f} ms, {r['rps']:.0f}/s"
            )
        lines.append(f"| {i + 1} ({' > '.join(report['orders'][i])}) | " + " | ".join(cells) + " |")
    lines += ["", "(p50 / p90 / p99, requests/s)", ""]
    if report["missing"]:
        lines += [f"Not measured: {', '.join(report['missing'])} (endpoint not available).", ""]
    if report["profiles"]:
        lines += ["## Profiles (in-process, one request at a time)", ""]
        for endpoint, prof in report["profiles"].items():
            lines += [
                f"### {LABELS[endpoint]}",
                "",
                f"{prof['calls']} calls: median {prof['wall_ms_median']:.1f} ms per request, of "
                f"which SQL statements {prof['sql_ms_per_request']:.1f} ms and the rest (Python, "
                f"incl. COMMIT) {prof['python_ms_per_request']:.1f} ms.",
                "",
                "| statement (up to WHERE) | executions per request | SQL ms per request |",
                "| --- | --- | --- |",
            ]
            for st in prof["statements"]:
                sql = st["sql"].replace("|", "\\|")
                lines.append(
                    f"| `{sql}` | {st['calls'] / prof['calls']:.1f} | {st['ms_per_request']:.2f} |"
                )
            lines += ["", "```", prof["cprofile"].strip()[:9000], "```", ""]
    for endpoint, ex in report.get("explains", {}).items():
        lines += [
            f"### Slowest query of {LABELS[endpoint]}",
            "",
            "```sql",
            ex["sql"][:3000],
            "```",
            "",
            "```",
            ex["plan"],
            "```",
            "",
        ]
    if report.get("notes"):
        lines += ["## Notes", "", *report["notes"], ""]
    (RESULTS / "api.md").write_text("\n".join(lines) + "\n")


# --- Main -------------------------------------------------------------------------------------


def main() -> None:
    started = time.monotonic()
    loadavg = os.getloadavg()
    wrk = ensure_wrk()
    import django

    django.setup()
    if ARGS.rebuild or current_meta() != wanted_meta():
        build_data()
    else:
        log(f"reusing the data in {ARGS.db}")
        # The code may have moved on since the data were built: its migrations first.
        manage("migrate", "-v", "0")

    snapshot_seed()
    reset_logging()
    reset_messages()
    people = load_people()
    runners = people["runners"]
    # The pages name their static files by the hashes of the collected manifest.
    manage("collectstatic", "--no-input", "-v", "0")
    sign_in_therapists(people)
    if ARGS.pages_only:
        page_times(people)
        log(f"done in {time.monotonic() - started:.0f} s")
        return

    endpoints = list(ENDPOINTS)
    missing = []
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("api-patients")
    except NoReverseMatch:
        endpoints.remove("patients")
        missing.append("patients")
        log("GET /api/v1/patients is not there yet: left out")
    try:
        reverse("api-conversation-messages", args=[1])
    except NoReverseMatch:
        endpoints.remove("message")
        missing.append("message")
        log("POST /api/v1/conversations/<id>/messages is not there yet: left out")
    try:
        reverse("patient", args=[1])
    except NoReverseMatch:
        endpoints.remove("page")
        missing.append("page")
        log("GET /patients/<id>/ is not there yet: left out")

    log("query counts (in-process)")
    queries = query_counts(people, endpoints)
    for endpoint, q in queries.items():
        log(f"  {endpoint}: {q['queries']} queries, status {q['status']}")
        if q["status"] >= 300:
            sys.exit(f"{endpoint} answered {q['status']} in-process: fix the data first")

    workdir = Path(tempfile.mkdtemp(prefix="api_bench_"))
    files = {}
    for endpoint in endpoints:
        files[endpoint] = workdir / f"{endpoint}.tsv"
        files[endpoint].write_text("\n".join(request_lines(endpoint, people)) + "\n")

    port = ARGS.port or free_port()
    log(f"starting gunicorn ({ARGS.workers} sync workers) on 127.0.0.1:{port}")
    server = start_server(port, runners[0]["token"])
    runs: dict[str, list[dict[str, Any]]] = {e: [] for e in endpoints}
    orders = []
    try:
        for endpoint in endpoints:
            if endpoint == "log":
                reset_logging()
            if endpoint == "message":
                reset_messages()
            warm = run_wrk(wrk, port, files[endpoint], ARGS.warmup)
            log(f"warm-up {endpoint}: {warm['requests']} requests, {warm['non_2xx']} non-2xx")
        for i in range(ARGS.rounds):
            shift = i % len(endpoints)
            order = endpoints[shift:] + endpoints[:shift]
            orders.append(order)
            for endpoint in order:
                if endpoint == "log":
                    reset_logging()
                if endpoint == "message":
                    reset_messages()
                result = run_wrk(wrk, port, files[endpoint], ARGS.duration)
                if endpoint == "log" and result["requests"] > len(runners) * 4:
                    log("  more POSTs than unique (plan exercise, day) pairs: expect 400s")
                runs[endpoint].append(result)
                lat = result["latency_us"]
                log(
                    f"round {i + 1} {endpoint:8s} p50 {lat['p50'] / 1000:7.1f} ms  p90 "
                    f"{lat['p90'] / 1000:7.1f}  p99 {lat['p99'] / 1000:7.1f}  "
                    f"{result['rps']:7.0f} req/s  non-2xx {result['non_2xx']}"
                    + (f" (first: {result['first_bad_status']})" if result["non_2xx"] else "")
                )
    finally:
        stop_group(server)
        reset_logging()
        reset_messages()
        shutil.rmtree(workdir, ignore_errors=True)

    summary = summarize(runs)
    profiles = {}
    for endpoint in endpoints:
        if endpoint not in FLOORS and (ARGS.profile or not summary[endpoint]["meets_target"]):
            log(f"profiling {endpoint}")
            profiles[endpoint] = profile(endpoint, people, 200)
    if profiles:  # the floors' own profiles, to compare with
        if PAGES & set(profiles) and "pagefloor" in endpoints:
            log("profiling pagefloor")
            profiles = {"pagefloor": profile("pagefloor", people, 200), **profiles}
        log("profiling floor")
        profiles = {"floor": profile("floor", people, 200), **profiles}
    explains = {}
    for endpoint in profiles:
        if endpoint in ("floor", "pagefloor", "log", "message"):
            continue
        # The slowest SELECT of the endpoint, as captured, with its plan.
        from django.db import connection

        sqls = [q for q in queries[endpoint]["sql"] if q.startswith("SELECT")]
        slowest, best = None, -1.0
        with connection.cursor() as cursor:
            for sql in sqls:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                found = re.search(r"Execution Time: ([\d.]+)", plan)
                took = float(found.group(1)) if found else 0.0
                if took > best:
                    slowest, best = (sql, plan), took
        if slowest:
            explains[endpoint] = {"sql": slowest[0], "plan": slowest[1]}

    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "loadavg_start": loadavg,
        "versions": versions(),
        "git": git_state(),
        "config": {
            k: getattr(ARGS, k)
            for k in (
                "runners",
                "therapists",
                "days",
                "messages",
                "workers",
                "threads",
                "connections",
                "duration",
                "warmup",
                "rounds",
            )
        },
        "data": data_counts(),
        "endpoints": endpoints,
        "missing": missing,
        "queries": queries,
        "orders": orders,
        "runs": runs,
        "summary": summary,
        "targets": {e: summary[e]["meets_target"] for e in endpoints if e not in FLOORS},
        "profiles": profiles,
        "explains": explains,
        "elapsed_s": round(time.monotonic() - started),
    }
    for endpoint in endpoints:
        row = summary[endpoint]
        log(
            f"{LABELS[endpoint]:32s} p50 {row['p50_ms']:6.1f} p90 {row['p90_ms']:6.1f} "
            f"p99 {row['p99_ms']:6.1f} ms  {row['rps']:6.0f} req/s  {row['ratio_p50']:5.2f}x "
            f"non-2xx {row['non_2xx']}"
        )
    if not ARGS.no_results:
        write_results(report)
        log(f"wrote {RESULTS / 'api.json'} and {RESULTS / 'api.md'}")
    page_times(people)
    log(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
