"""A person's own time zone (issue 20): a therapist has no plan to take her clock from."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from planner.accounts import clock, profile
from planner.models import Profile
from tests import factories
from tests.personas import People


def test_a_zone_is_an_iana_name_and_empty_goes_back_to_the_plans(people: People) -> None:
    assert profile.set_time_zone(people.theo, " Europe/Madrid ").time_zone == "Europe/Madrid"
    with pytest.raises(ValidationError) as refused:
        profile.set_time_zone(people.theo, "Mars/Olympus_Mons")
    assert list(refused.value.message_dict) == ["time_zone"]
    assert Profile.objects.get(user=people.theo).time_zone == "Europe/Madrid"

    assert profile.set_time_zone(people.theo, "").time_zone == ""


def test_the_clock_prefers_the_chosen_zone_to_the_latest_plans(people: People) -> None:
    factories.plan_for(people.oscar, date(2026, 3, 2), time_zone="Europe/Berlin")
    assert clock.zone_of(people.oscar.pk) == "Europe/Berlin"

    profile.set_time_zone(people.oscar, "America/New_York")
    assert clock.zone_of(people.oscar.pk) == "America/New_York"

    profile.set_time_zone(people.oscar, "")
    assert clock.zone_of(people.oscar.pk) == "Europe/Berlin"


def test_the_api_sets_and_shows_the_zone_and_names_the_field_of_an_error(people: People) -> None:
    api = people.client("theo")
    assert api.get("/api/v1/me").json()["time_zone"] == ""

    answer = api.patch("/api/v1/me", {"time_zone": "Europe/Madrid"}, format="json")
    assert answer.status_code == 200 and answer.json()["time_zone"] == "Europe/Madrid"

    bad = api.patch(
        "/api/v1/me", {"display_name": "Theo B", "time_zone": "Nowhere/Land"}, format="json"
    )
    assert bad.status_code == 400 and "time_zone" in bad.json()
    # Nothing of a refused change is kept.
    me = api.get("/api/v1/me").json()
    assert (me["display_name"], me["time_zone"]) == ("", "Europe/Madrid")
