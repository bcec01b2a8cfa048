"""Lists page with `limit` and `offset`; a malformed one is a 400 naming it, not ignored."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ("limit=abc", "limit", "A whole number is required."),
        ("limit=0", "limit", "Must be from 1 to 500."),
        ("limit=501", "limit", "Must be from 1 to 500."),
        ("offset=-1", "offset", "Must be at least 0."),
        ("offset=1&offset=2", "offset", "Give it once."),
    ],
)
def test_malformed_paging_is_refused_by_name(
    people: Any, query: str, field: str, rule: str
) -> None:
    response = people.client("rosa").get(f"/api/v1/plans?{query}")

    assert response.status_code == 400
    assert response.json() == {field: [rule]}


def test_paging_within_bounds_still_pages(people: Any) -> None:
    response = people.client("alice").get("/api/v1/plans?limit=1&offset=1")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
