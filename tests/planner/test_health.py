"""GET /health: what a load balancer and a monitor see, with real servers where they exist."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from planner.models import Reminder
from tests import factories
from tests.personas import PLAN_START

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["configured", "redis"])
def live_broker(request: Any, settings: Any) -> str:
    """The broker the tests run with (the filesystem one by default), and Redis when the
    machine has it (REDIS_URL, as CI sets it)."""
    if request.param == "redis":
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            pytest.skip("REDIS_URL is not set: the Redis broker is checked in CI")
        settings.CELERY_BROKER_URL = redis_url
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    return str(settings.CELERY_BROKER_URL)


def test_healthy_app_answers_200_with_each_check(live_broker: str) -> None:
    response = Client().get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": {"status": "ok"}, "broker": {"status": "ok"}}
    assert body["lag"] == {"dispatcher_seconds": None, "oldest_pending_delivery_seconds": None}
    assert response["Cache-Control"].startswith("max-age=0")


def test_unreachable_broker_answers_503_naming_the_broker(settings: Any) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = Client().get("/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"] == {"status": "failing", "error": "the broker does not answer"}


def test_missing_queue_folder_of_the_filesystem_broker_is_a_failure(
    settings: Any, tmp_path: Any
) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone")}

    response = Client().get("/health")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "failing"


def test_overdue_reminder_shows_as_the_dispatchers_lag() -> None:
    plan = factories.plan_for(factories.person("rosa"), PLAN_START)
    Reminder.objects.filter(plan=plan).update(next_due_at=None, next_local_date=None)
    Reminder.objects.filter(plan=plan, kind=Reminder.Kind.REMINDER).update(
        next_due_at=timezone.now() - timedelta(minutes=7), next_local_date=PLAN_START
    )

    lag = Client().get("/health").json()["lag"]

    assert 7 * 60 <= lag["dispatcher_seconds"] < 7 * 60 + 30


def test_health_needs_no_sign_in_and_shows_no_one() -> None:
    factories.plan_for(factories.person("rosa"), PLAN_START)

    response = Client().get("/health")

    assert response.status_code == 200
    assert b"rosa" not in response.content
