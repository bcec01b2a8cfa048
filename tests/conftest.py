"""Shared fixtures: the catalog loaded from the real data files, and the people who use it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from kit.datafiles import LoadReport
from kit.logs import request_id
from planner.programs.catalog import load_catalog
from tests.push_service import push_service  # noqa: F401  (a fixture for the push tests)
from tests.smtp_sink import smtp_sink  # noqa: F401  (a fixture for every test that mails)

# bin/test runs the tests in several processes (pytest-xdist): each has a test database of its
# own (pytest-django names them), and takes a Redis database of its own down from the one
# given, so one process emptying its broker never empties another's.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _base, _, _db = os.environ["REDIS_URL"].rpartition("/")
    os.environ["REDIS_URL"] = f"{_base}/{int(_db or 0) - int(_worker[2:])}"

# CI machines are shared and busy: a slow example is not a failing one.
hypothesis_settings.register_profile("shared-machine", deadline=None)
hypothesis_settings.load_profile("shared-machine")


@pytest.fixture
def catalog(db: None) -> LoadReport:
    """The catalog as `load_catalog` loads it from the repository's data files."""
    return load_catalog()


@pytest.fixture
def admin_user(db: None) -> AbstractUser:
    """Alice curates the catalog: staff, with every permission."""
    return get_user_model().objects.create_superuser(
        username="alice", email="alice@example.com", password="curating-is-fun-42"
    )


@pytest.fixture
def runner(db: None) -> AbstractUser:
    """Rosa runs three times a week and has a sore hip; she is not staff."""
    return get_user_model().objects.create_user(
        username="rosa", email="rosa@example.com", password="hills-and-miles-42"
    )


@pytest.fixture(autouse=True)
def the_projects_language_around_each_test() -> Iterator[None]:
    """Each test starts and ends in the project's language: a request through LocaleMiddleware
    leaves the language it chose active in the thread, and the next test would read in it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def no_request_id_around_each_test() -> Iterator[None]:
    """A request served without its response being closed (a handler called by hand) leaves
    its id in the context; the next test's log lines would carry it."""
    request_id.set(None)
    yield
    request_id.set(None)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Hashing a password properly takes a fifth of a second; tests create many people."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(media_root: Path) -> None:
    """No test writes an upload under var/ (see media_root)."""


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing cached: ids come back after a rollback, so a list cached
    in one test could match another's key."""
    cache.clear()


@pytest.fixture
def people(db: None) -> Any:
    """Rosa (runner) and Theo (her linked therapist), Oscar (another runner), Uma (an unlinked
    therapist) and Alice (admin); see tests/personas.py."""
    from tests import personas

    return personas.build()


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploaded photos and videos go to the test's own folder, never under var/.

    The storage names its folder in STORAGES (MEDIA_ROOT alone is not read again once the
    storage exists); changing STORAGES is what makes Django drop the storage it built."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": settings.MEDIA_URL},
        },
    }
    return root
