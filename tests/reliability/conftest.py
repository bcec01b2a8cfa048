"""Private PostgreSQL and Redis servers, and the app started on them (see stack.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.stack import PrivatePostgres, PrivateRedis, Stack

TEMPLATE = "planner_template"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def private_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivatePostgres]:
    """One throwaway cluster for the folder, with a template database migrated and holding
    the catalog; each test gets a fresh copy of it."""
    server = PrivatePostgres.create()
    try:
        server.create_database(TEMPLATE)
        setup = Stack(server.url(TEMPLATE), "memory://", tmp_path_factory.mktemp("template"))
        setup.manage("migrate", "--noinput")
        setup.manage("load_catalog")
        yield server
    finally:
        server.destroy()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis.create()
    yield server
    server.stop()


@pytest.fixture
def database(private_postgres: PrivatePostgres) -> str:
    name = f"planner_fault_{next(_databases)}"
    private_postgres.create_database(name, template=TEMPLATE)
    return name


@pytest.fixture
def stack(
    private_postgres: PrivatePostgres, private_redis: PrivateRedis, database: str, tmp_path: Path
) -> Iterator[Stack]:
    """The app's environment on the private servers; every process it starts is stopped."""
    app = Stack(private_postgres.url(database), private_redis.url(), tmp_path / "app")
    yield app
    app.stop_all()
