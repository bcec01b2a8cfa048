"""Deleting an account leaves nothing of the person in the cache: their therapist's patient
list, cached row by row, drops their row at once (issue 17)."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.personas import People

pytestmark = pytest.mark.django_db


def cached_patient_entries() -> list[str]:
    """What the cache holds of patient lists and rows, as text. The test cache is Django's
    local-memory one, whose entries can be listed (a shared cache's cannot, portably)."""
    store: dict[str, bytes] = cache._cache  # type: ignore[attr-defined]
    return [repr(pickle.loads(value)) for key, value in store.items() if ":patient" in key]


def usernames_on_the_list(therapist: Client, api: Any) -> tuple[bool, list[str]]:
    page = therapist.get("/patients/")
    assert page.status_code == 200
    listed = api.get("/api/v1/patients")
    assert listed.status_code == 200
    return "rosa" in page.content.decode(), [row["username"] for row in listed.json()["results"]]


def test_a_deleted_runner_leaves_her_therapists_list_and_the_cache_at_once(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    theo_pages = Client()
    theo_pages.force_login(people.theo)
    theo_api = people.client("theo")
    assert usernames_on_the_list(theo_pages, theo_api) == (True, ["rosa"])
    assert any("rosa" in entry for entry in cached_patient_entries())  # her row is cached

    with django_capture_on_commit_callbacks(execute=True):
        deleted = people.client("rosa").delete("/api/v1/me", {"password": "rosa-pass-4242"})

    assert deleted.status_code == 204
    assert not any("rosa" in entry for entry in cached_patient_entries())
    assert usernames_on_the_list(theo_pages, theo_api) == (False, [])
