"""Health pages are no one else's to keep: a signed-in person's pages and API answers say
"private, no-store"; public pages and a response with its own caching keep theirs."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.personas import PLAN_START, People

pytestmark = pytest.mark.django_db


def test_a_runners_day_and_her_api_answer_are_not_to_be_kept(people: People) -> None:
    client = Client()
    client.force_login(people.rosa)

    page = client.get(f"/plans/{people.rosa_plan.pk}/day/{PLAN_START.isoformat()}/")
    answer = people.client("rosa").get(f"/api/v1/plans/{people.rosa_plan.pk}")

    for response in (page, answer):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_the_public_landing_page_is_left_as_it_is(client: Client, db: None) -> None:
    assert "no-store" not in client.get("/").get("Cache-Control", "")
