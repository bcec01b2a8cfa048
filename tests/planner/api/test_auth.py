"""Signing up, in and out; password rules; repeated failed sign-ins slowed down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from planner.accounts import signin_guard
from tests.personas import People

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters() -> None:
    cache.clear()


def test_a_new_runner_signs_up_and_is_a_runner() -> None:
    client = APIClient()

    response = client.post(
        "/api/v1/auth/signup",
        {"username": "nina", "email": "nina@example.com", "password": "long-run-sunday-42"},
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    assert response.status_code == 201
    assert client.get("/api/v1/me").json()["role"] == "runner"


@pytest.mark.parametrize(
    ("password", "rule"),
    [("short", "too short"), ("password123", "too common"), ("84736251904", "entirely numeric")],
)
def test_passwords_follow_djangos_rules(password: str, rule: str) -> None:
    response = APIClient().post(
        "/api/v1/auth/signup",
        {"username": "nina", "email": "nina@example.com", "password": password},
    )

    assert response.status_code == 400
    assert rule in " ".join(response.json()["password"])


def test_a_taken_username_is_refused(people: People) -> None:
    response = APIClient().post(
        "/api/v1/auth/signup",
        {"username": "Rosa", "email": "x@example.com", "password": "long-run-sunday-42"},
    )
    assert response.status_code == 400 and "taken" in response.json()["username"][0]


def test_sign_in_by_token_and_by_session_and_sign_out(people: People) -> None:
    client = APIClient()

    token = client.post(
        "/api/v1/auth/token", {"username": "rosa", "password": "rosa-pass-4242"}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me").json()["username"] == "rosa"
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me").status_code == 401

    session = APIClient(enforce_csrf_checks=True)
    signed_in = session.post(
        "/api/v1/auth/login", {"username": "rosa", "password": "rosa-pass-4242"}
    )
    assert signed_in.status_code == 200
    assert session.get("/api/v1/me").json()["role"] == "runner"


def test_roles_are_runner_therapist_and_admin(people: People) -> None:
    roles = {
        who: people.client(who).get("/api/v1/me").json()["role"]
        for who in ("rosa", "theo", "alice")
    }
    assert roles == {"rosa": "runner", "theo": "therapist", "alice": "admin"}


def test_repeated_failed_sign_ins_are_slowed_down(people: People) -> None:
    client = APIClient()
    wrong = {"username": "rosa", "password": "guess"}

    answers = [client.post("/api/v1/auth/token", wrong).status_code for _ in range(6)]
    right = client.post("/api/v1/auth/token", {"username": "rosa", "password": "rosa-pass-4242"})

    assert answers[:5] == [400] * 5
    assert answers[5] == 429
    assert right.status_code == 429  # even the right password waits its turn
    assert int(right["Retry-After"]) > 0


def test_the_lockout_doubles_and_is_capped() -> None:
    waits = [signin_guard.lockout_seconds(n) for n in range(4, 12)]
    assert waits[:4] == [0, 15, 30, 60]
    assert max(signin_guard.lockout_seconds(n) for n in range(40)) == 15 * 60


def test_the_lockout_passes_with_time() -> None:
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    for _ in range(5):
        signin_guard.record_failure("rosa", "127.0.0.1", now)

    assert signin_guard.retry_after("rosa", "127.0.0.1", now) == 15
    assert signin_guard.retry_after("rosa", "127.0.0.1", now + timedelta(seconds=16)) == 0
