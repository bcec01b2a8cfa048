"""`GET /health`: is this web process able to do its work? For load balancers and monitors.

No sign-in and no personal data: the status of the database and the broker, and how far
behind the scheduler is (planner.delivery.lag). 200 when the database and the broker answer,
503 when either does not, naming which; the lag is reported, not judged (`manage.py
deliveries_report` is what alerts on stuck deliveries).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.connection import Connection

from planner.delivery import lag

logger = logging.getLogger(__name__)

# A probe must answer quickly even when a server is gone.
BROKER_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    ok: bool
    error: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "failing",
            **({"error": self.error} if self.error else {}),
        }


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("health: database check failed: %s", type(exc).__name__)
        return Check(False, "the database does not answer")
    return Check(True)


def check_broker(url: str, transport_options: dict[str, Any], timeout: float) -> Check:
    """Open (and close) a connection to the broker, giving up after `timeout` seconds.

    The filesystem transport of the embedded default "connects" without looking at its
    folders, so for it the queue folder is checked too.
    """
    try:
        with Connection(
            url, connect_timeout=timeout, transport_options=transport_options
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=timeout)
            if broker.transport_cls == "filesystem":
                folder = transport_options.get("data_folder_in")
                if folder and not folder_usable(str(folder)):
                    return Check(False, "the broker's queue folder is missing or read-only")
    except Exception as exc:  # any failure to connect means the same thing to a probe
        # The type only: the message may carry the broker's address and password.
        logger.warning("health: broker check failed: %s", type(exc).__name__)
        return Check(False, "the broker does not answer")
    return Check(True)


def folder_usable(folder: str) -> bool:
    return os.path.isdir(folder) and os.access(folder, os.W_OK)


def status_code(database: Check, broker: Check) -> int:
    return 200 if database.ok and broker.ok else 503


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    database = check_database()
    broker = check_broker(
        settings.CELERY_BROKER_URL,
        dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS),
        BROKER_TIMEOUT_SECONDS,
    )
    measured = lag.measure(now) if database.ok else None
    body = {
        "status": "ok" if status_code(database, broker) == 200 else "failing",
        "checks": {"database": database.as_json(), "broker": broker.as_json()},
        "lag": {
            "dispatcher_seconds": measured.dispatcher_seconds if measured else None,
            "oldest_pending_delivery_seconds": (
                measured.oldest_pending_delivery_seconds if measured else None
            ),
        },
        "checked_at": now.isoformat(),
    }
    return JsonResponse(body, status=status_code(database, broker))
