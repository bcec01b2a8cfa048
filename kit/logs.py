"""Structured logs: one JSON object per line, each carrying the id of the request it
belongs to.

The request id lives in a context variable set by kit.request_id.RequestIdMiddleware, so
every record written while a request is served (by Django, DRF, the app) carries it without
being passed around. Health data never goes into a log: messages carry ids, kinds and
states, never pain, notes or conditions (tests/planner/test_logs.py checks it).
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.core.signals import request_finished
from django.dispatch import receiver

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# The calendar feed's token is a secret that gives a plan's sessions away: never logged, with
# or without its ".ics" (a truncated address still carries it), nor as a raw request line
# writes it (runserver's: ".ics" may come percent-encoded there).
FEED_TOKEN = re.compile(r"(/calendar/)[^/\s?#\"]+?((?:\.|%2[eE])ics)?(?=[/\s?#\"]|$)")


# An invitation's sign-up link binds an account to a therapist's invitation until it is used.
INVITATION_TOKEN = re.compile(r"(/invitations/join/)[^/\s?#\"]+")


def without_secrets(text: str) -> str:
    return INVITATION_TOKEN.sub(r"\1[token]", FEED_TOKEN.sub(r"\1[token]\2", text))


@receiver(request_finished)
def forget_request_id(**_: Any) -> None:
    """Django logs a failed response (django.request) after the middleware returns, so the id
    is kept until the response is finished, then dropped."""
    request_id.set(None)


# Extra fields of the access line (kit.request_id), copied when a record has them.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (or None outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RedactSecretsFilter(logging.Filter):
    """Takes calendar feed tokens out of any record's message (django.request logs paths)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_secrets(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class PlainFormatter(logging.Formatter):
    """One readable line for a person at a terminal (LOG_FORMAT=plain):

        2025-01-31 07:15:02 INFO planner.access GET /plans/ 200 12.4 ms [<request id>]

    The access line shows its duration, and a line written while a request is served ends
    with the request's id; lines outside a request (the worker, commands) carry none."""

    def __init__(self) -> None:
        super().__init__(
            fmt="%(asctime)s %(levelname)s %(name)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S"
        )

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        duration_ms = getattr(record, "duration_ms", None)
        if duration_ms is not None:
            line += f" {duration_ms} ms"
        current = getattr(record, "request_id", None) or request_id.get()
        if current:
            line += f" [{current}]"
        return line
