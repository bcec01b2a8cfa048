"""Edge inputs an outside probe sent (issue "Accounts people can trust"), each answered as
what it is instead of a 500: the first and the last date a calendar has, a JSON body nested a
thousand deep, an id past the database's integer."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.personas import People

pytestmark = pytest.mark.django_db

BIG_ID = 2**63


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("page", ["", "along/"])
def test_the_first_and_last_calendar_days_are_no_page(people: People, day: str, page: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(people.rosa)

    response = client.get(f"/plans/{people.rosa_plan.pk}/day/{day}/{page}")

    assert response.status_code == 404


def test_a_body_nested_a_thousand_deep_is_a_bad_request(people: People) -> None:
    response = people.client("rosa").post(
        f"/api/v1/plans/{people.rosa_plan.pk}/logs",
        data="[" * 1000,
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize(
    "path", [f"/plans/{BIG_ID}/", f"/plans/{BIG_ID}/today/", f"/media/{BIG_ID}/file/"]
)
def test_an_id_past_the_databases_integer_is_not_found(people: People, path: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(people.rosa)

    assert client.get(path).status_code == 404
