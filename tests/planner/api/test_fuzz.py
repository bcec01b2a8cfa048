"""The API fuzzed against its own OpenAPI schema, in process, by schemathesis.

Every operation is called with data that fits the schema and with data that breaks it, as an
anonymous caller and as Rosa (a runner with a plan), with these checks: no server error, the
response matches its schema and one of its documented status codes, and input that breaks
the schema is refused with a 4xx. Bounded for CI: a few examples per operation, a fixed seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from planner.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], deterministic=True
)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    negative_data_rejection,
]
# Each operation is tried with up to this many examples per mode (fitting, breaking the schema).
FUZZ_SETTINGS = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture(autouse=True)
def keep_test_connection() -> Iterator[None]:
    """The app is called through WSGI, whose request_finished signal closes the database
    connection, and with it the test's transaction; Django's test client unhooks it too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def rosa_headers(people: Any) -> dict[str, str]:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=people.rosa)
    return {"Authorization": f"Token {token.key}"}


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
@seed(20260302)
def test_anonymous_caller(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
@seed(20260302)
def test_signed_in_runner(case: schemathesis.Case, rosa_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=rosa_headers, checks=CHECKS)
