"""Logs: one JSON object per line with the request's id, and never any health data."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from kit.logs import JsonFormatter, RedactSecretsFilter, RequestIdFilter
from planner.engine import schedule
from planner.models import Plan
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db

NOTE = "Zebra-crossing twinge behind the left kneecap"
CONDITION_NAME = "IT band syndrome"


class Lines(logging.Handler):
    """Every record any logger writes, formatted as the app's console handler writes it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        # The formatter and filters of the console handler settings.LOGGING configured.
        console = next(h for h in logging.getLogger().handlers if h.name == "console")
        assert isinstance(console.formatter, JsonFormatter)
        assert {type(f) for f in console.filters} == {RequestIdFilter, RedactSecretsFilter}
        self.setFormatter(console.formatter)
        for found in console.filters:
            self.addFilter(found)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def captured() -> Iterator[Lines]:
    handler = Lines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # Also every SQL statement with its parameters, were any logger to let them through.
    connection.force_debug_cursor = True
    yield handler
    connection.force_debug_cursor = False
    root.removeHandler(handler)
    root.setLevel(level)


def today_plan(people: People) -> Plan:
    factories.program()
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    # The warning-sign answers are health data too: they go through the same logs.
    flag = factories.calf_swelling()
    screened = people.client("rosa").post(
        "/api/v1/screenings", {"answers": {flag.slug: False}}, format="json"
    )
    assert screened.status_code == 201
    response = people.client("rosa").post(
        "/api/v1/plans",
        {
            "program": "it-band-6w",
            "start_date": str(today - timedelta(days=3)),
            "time_zone": "Europe/Berlin",
            "reminder_time": "07:15",
        },
    )
    assert response.status_code == 201
    return Plan.objects.get(pk=response.json()["id"])


def test_access_line_is_json_with_the_callers_request_id(captured: Lines) -> None:
    response = Client().get("/health", HTTP_X_REQUEST_ID="probe-42.a_b")

    assert response["X-Request-ID"] == "probe-42.a_b"
    access = [e for e in captured.entries() if e["logger"] == "planner.access"]
    assert access == [
        {
            "time": access[0]["time"],
            "level": "INFO",
            "logger": "planner.access",
            "message": "GET /health 200",
            "request_id": "probe-42.a_b",
            "method": "GET",
            "path": "/health",
            "status": 200,
            "duration_ms": access[0]["duration_ms"],
        }
    ]
    assert access[0]["duration_ms"] >= 0


@pytest.mark.parametrize("offered", ["evil\nline", "x" * 65, "a b", "", "<script>"])
def test_an_unfit_request_id_is_replaced(captured: Lines, offered: str) -> None:
    response = Client().get("/health", HTTP_X_REQUEST_ID=offered)

    made = response["X-Request-ID"]
    assert made != offered and re.fullmatch(r"[0-9a-f]{32}", made)
    assert all(
        e["request_id"] == made for e in captured.entries() if e["logger"] == "planner.access"
    )


def test_every_record_of_a_request_carries_its_id(captured: Lines, people: People) -> None:
    people.client("rosa").get("/api/v1/plans/999999", HTTP_X_REQUEST_ID="req-1")

    by_request = [e for e in captured.entries() if e["request_id"] == "req-1"]
    assert {e["logger"] for e in by_request} >= {"django.request", "planner.access"}


def test_the_calendar_feeds_secret_token_is_not_logged(captured: Lines) -> None:
    Client().get("/api/v1/calendar/s3cr3t-feed-token.ics")

    assert not any("s3cr3t-feed-token" in line for line in captured.lines)
    assert any(e.get("path") == "/api/v1/calendar/[token].ics" for e in captured.entries())


@pytest.mark.parametrize(
    "request_line",
    [
        "GET /api/v1/calendar/s3cr3t-feed-token.ics HTTP/1.1",
        "GET /api/v1/calendar/s3cr3t-feed-token%2Eics HTTP/1.1",  # as a client may encode it
        "GET /api/v1/calendar/s3cr3t-feed-token HTTP/1.1",  # the address cut short
    ],
)
def test_the_development_servers_own_line_carries_no_feed_token(request_line: str) -> None:
    # runserver's line for a failed request, as django.core.servers.basehttp logs it.
    server = logging.getLogger("django.server")
    record = server.makeRecord(
        server.name, logging.ERROR, __file__, 0, '"%s" %s %s', (request_line, "500", "0"), None
    )

    assert server.filter(record)  # the logger's own filters: whichever handler writes it

    assert "s3cr3t" not in record.getMessage()
    assert record.getMessage().startswith('"GET /api/v1/calendar/[token]')


def test_no_health_data_in_any_log_line(captured: Lines, people: People) -> None:
    plan = today_plan(people)
    item = plan.exercises.get(exercise__slug="clamshells").pk
    today = str(schedule.local_date(timezone.now(), "Europe/Berlin"))
    rosa, theo = people.client("rosa"), people.client("theo")

    logged = rosa.post(
        f"/api/v1/plans/{plan.pk}/logs",
        {
            "plan_exercise": item,
            "day": today,
            "done": True,
            "pain_during": 7,
            "pain_next_morning": 9,
            "difficulty": 4,
            "note": NOTE,
        },
    )
    refused = rosa.post(
        f"/api/v1/plans/{plan.pk}/logs",
        {"plan_exercise": item, "day": today, "done": True, "pain_during": 11, "note": NOTE},
    )
    for path in ("logs", "progress", "history", ""):
        assert theo.get(f"/api/v1/plans/{plan.pk}/{path}".rstrip("/")).status_code == 200
    assert theo.get("/api/v1/patients").status_code == 200

    assert logged.status_code == 201 and refused.status_code == 400
    text = "\n".join(captured.lines)
    assert len(captured.lines) >= 8  # the access lines at least: the capture works
    assert NOTE not in text and "Zebra" not in text
    assert CONDITION_NAME not in text and "it-band" not in text
    assert not re.search(r"pain\w*\W{1,4}\d", text)
