"""Configuration from the environment: the embedded default, and a production mode that is
safe or refuses to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "Zq8vT2mLx9Rw4Pn7Yc1Hs6Bd0Fg5Jk3Ue" * 2
# Production counts sign-in failures in a shared cache; it is only connected to when used.
CACHE = "redis://127.0.0.1:6379/15"


def manage(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a clean environment, as an operator would."""
    base = {
        "PATH": os.environ["PATH"],
        "PLANNER_VAR_DIR": str(tmp_path / "var"),
        "HOME": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_nothing_set_the_app_uses_sqlite_and_the_filesystem_broker_under_var(
    tmp_path: Path,
) -> None:
    result = manage(
        [
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_BROKER_URL)",
        ],
        {},
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"]
    assert (tmp_path / "var" / "celery" / "broker" / "queue").is_dir()
    assert (tmp_path / "var" / "secret_key").exists()


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = manage(
        ["check"],
        {"PLANNER_MODE": "production", "ALLOWED_HOSTS": "rehab.example", "CACHE_URL": CACHE},
        tmp_path,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set when PLANNER_MODE=production" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache(tmp_path: Path) -> None:
    result = manage(
        ["check"],
        {"PLANNER_MODE": "production", "ALLOWED_HOSTS": "rehab.example", "SECRET_KEY": STRONG_KEY},
        tmp_path,
    )

    assert result.returncode != 0
    assert "CACHE_URL must be set when PLANNER_MODE=production" in result.stderr


def test_production_refuses_a_weak_secret_key(tmp_path: Path) -> None:
    result = manage(
        ["check"],
        {
            "PLANNER_MODE": "production",
            "ALLOWED_HOSTS": "rehab.example",
            "SECRET_KEY": "secret",
            "CACHE_URL": CACHE,
        },
        tmp_path,
    )

    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_passes_the_deployment_checklist_without_a_warning(tmp_path: Path) -> None:
    result = manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "PLANNER_MODE": "production",
            "ALLOWED_HOSTS": "rehab.example",
            "SECRET_KEY": STRONG_KEY,
            "CACHE_URL": CACHE,
        },
        tmp_path,
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_names_the_variable(tmp_path: Path, value: str) -> None:
    result = manage(["check"], {"DEBUG": value}, tmp_path)

    assert result.returncode != 0
    assert f"DEBUG must be true or false, not '{value}'" in result.stderr


PAGE_HEADERS = """
from django.test import Client
from django.urls import reverse
response = Client().get(reverse("account_login"), secure=True, HTTP_HOST="rehab.example")
print(response.status_code)
for name in ("Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options"):
    print(name + "=" + response.get(name, ""))
plain = Client().get(reverse("account_login"), HTTP_HOST="rehab.example")
print("plain=%s %s" % (plain.status_code, plain.get("Location", "")))
from django.conf import settings as s
print("cookies=%s %s" % (s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE))
print("cookie-flags=" + str(response.cookies["csrftoken"]["secure"]))
"""


def test_production_pages_carry_hsts_a_csp_and_secure_cookies(tmp_path: Path) -> None:
    env = {
        "PLANNER_MODE": "production",
        "ALLOWED_HOSTS": "rehab.example",
        "SECRET_KEY": STRONG_KEY,
        "CACHE_URL": CACHE,
    }
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        prepared = manage(step, env, tmp_path)
        assert prepared.returncode == 0, prepared.stderr

    result = manage(["shell", "--no-imports", "-c", PAGE_HEADERS], env, tmp_path)

    assert result.returncode == 0, result.stderr
    status, *rest = result.stdout.splitlines()
    lines = dict(line.split("=", 1) for line in rest)
    assert status == "200"
    assert lines["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in lines["Content-Security-Policy"]
    assert "script-src 'self'" in lines["Content-Security-Policy"]
    assert lines["X-Content-Type-Options"] == "nosniff"
    assert lines["plain"].startswith("301 https://rehab.example/")
    assert lines["cookies"] == "True True"
    assert lines["cookie-flags"] == "True"


SITE_URL = "from django.conf import settings as s; print(s.SITE_URL)"


def test_reminder_links_follow_the_port_when_no_site_url_is_set(tmp_path: Path) -> None:
    result = manage(["shell", "--no-imports", "-c", SITE_URL], {"PORT": "9000"}, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:9000"


def test_without_a_port_reminder_links_point_at_8000(tmp_path: Path) -> None:
    result = manage(["shell", "--no-imports", "-c", SITE_URL], {}, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_the_port(tmp_path: Path) -> None:
    result = manage(
        ["shell", "--no-imports", "-c", SITE_URL],
        {"PORT": "9000", "SITE_URL": "https://rehab.example/"},
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://rehab.example"


@pytest.mark.parametrize("value", ["http", "0", "65536", "-1", "80.5"])
def test_a_bad_port_is_refused_naming_port(tmp_path: Path, value: str) -> None:
    result = manage(["check"], {"PORT": value}, tmp_path)

    assert result.returncode != 0
    assert f"PORT must be a port number from 1 to 65535, not '{value}'" in result.stderr


PROXY_HEADER = (
    "from django.conf import settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)
PRODUCTION = {
    "PLANNER_MODE": "production",
    "ALLOWED_HOSTS": "rehab.example",
    "SECRET_KEY": STRONG_KEY,
    "CACHE_URL": CACHE,
}


def test_x_forwarded_proto_is_not_trusted_without_proxies_of_our_own(tmp_path: Path) -> None:
    # Anyone reaching the app itself could write the header and pass for HTTPS (issue 17).
    result = manage(
        ["shell", "--no-imports", "-c", PROXY_HEADER],
        {**PRODUCTION, "BEHIND_TLS_PROXY": "true"},
        tmp_path,
    )

    assert result.returncode != 0
    assert "BEHIND_TLS_PROXY needs TRUSTED_PROXY_COUNT of 1 or more" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"BEHIND_TLS_PROXY": "true", "TRUSTED_PROXY_COUNT": "1"},
            "('HTTP_X_FORWARDED_PROTO', 'https')",
        ),
        ({"TRUSTED_PROXY_COUNT": "1"}, "None"),
        ({}, "None"),
    ],
)
def test_x_forwarded_proto_is_read_only_behind_a_tls_proxy_of_our_own(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = manage(["shell", "--no-imports", "-c", PROXY_HEADER], {**PRODUCTION, **env}, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("started", ["07:29:00.4", "07:29:31", "07:29:59.9"])
def test_the_dispatcher_ticks_at_the_start_of_each_minute_whenever_beat_started(
    started: str,
) -> None:
    """A reminder due at 07:30:00 is claimed at 07:30:00, not up to a minute later as with an
    interval counted from when beat started."""
    import copy
    from datetime import UTC, datetime, timedelta

    from celery.schedules import crontab
    from django.conf import settings

    from planner.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-due-reminders"]
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    last_run = datetime.fromisoformat(f"2026-12-07T{started}+00:00")
    # Beat's clock stands at the last run (the app's zone, UTC).
    ticking = copy.copy(schedule)
    ticking.app, ticking.nowfun = app, lambda: last_run
    assert not ticking.is_due(last_run).is_due
    next_tick = last_run + ticking.remaining_estimate(last_run)
    assert next_tick.replace(microsecond=0) == datetime(2026, 12, 7, 7, 30, tzinfo=UTC)
    assert next_tick - last_run < timedelta(seconds=60)
    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-unsent-deliveries"]["schedule"]
    assert isinstance(sweep, crontab) and sweep.minute == set(range(0, 60, 5))
