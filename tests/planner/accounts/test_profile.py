"""Names people choose and a therapist's clinic: set on the account page or through the API,
shown to the people they share plans with, on the runner's plan page and on handouts.

People (tests/personas.py): Theo is Rosa's therapist; Uma is a therapist nobody linked to."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from planner.accounts import profile
from planner.care import linking
from planner.models import Clinic, Notification, Profile
from tests.personas import People

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_name_is_stripped_and_empty_goes_back_to_the_username(people: People) -> None:
    assert profile.set_name(people.rosa, "  Rosa Díaz ").display_name == "Rosa Díaz"
    assert profile.chosen_name(people.rosa) == "Rosa Díaz"
    profile.set_name(people.rosa, "   ")
    assert profile.chosen_name(people.rosa) == ""


@pytest.mark.parametrize(
    ("name", "rule"),
    [("R" * 81, "At most 80 characters (this has 81)."), ("Rosa\x07", "Use letters")],
)
def test_a_name_that_breaks_a_rule_is_refused_by_name(people: People, name: str, rule: str) -> None:
    profile.set_name(people.rosa, "Rosa")
    with pytest.raises(ValidationError) as refused:
        profile.set_name(people.rosa, name)
    assert rule in refused.value.message_dict["display_name"][0]
    assert profile.chosen_name(people.rosa) == "Rosa"  # what was saved is kept


def test_the_api_sets_and_shows_the_name_and_names_the_field_of_an_error(people: People) -> None:
    api = people.client("rosa")
    assert api.get("/api/v1/me").json()["display_name"] == ""
    assert Profile.objects.count() == 0  # reading makes no row

    answer = api.patch("/api/v1/me", {"display_name": "Rosa Díaz"}, format="json")
    assert answer.status_code == 200 and answer.json()["display_name"] == "Rosa Díaz"

    bad = api.patch("/api/v1/me", {"display_name": "x" * 200}, format="json")
    assert bad.status_code == 400 and "display_name" in bad.json()
    assert api.get("/api/v1/me").json()["display_name"] == "Rosa Díaz"


def test_a_therapist_keeps_their_clinics_details_and_a_runner_has_none(people: People) -> None:
    api = people.client("theo")
    assert api.get("/api/v1/me/clinic").status_code == 404
    details = {
        "name": "Riverside Physio",
        "phone": "+34 91 123 45 67",
        "email": "desk@riverside.example",
        "address": "Calle Mayor 1\nMadrid",
    }
    assert api.put("/api/v1/me/clinic", details, format="json").status_code == 200
    assert api.put("/api/v1/me/clinic", {**details, "phone": "call us"}, format="json").json() == {
        "phone": ["A phone number: digits, spaces, + ( ) - . / only."]
    }
    # One clinic, updated in place, and the bad phone number lost nothing.
    assert Clinic.objects.get().phone == "+34 91 123 45 67"

    refused = people.client("rosa").put("/api/v1/me/clinic", details, format="json")
    assert refused.status_code == 400 and "clinic" in refused.json()


def test_the_account_page_saves_a_name_and_shows_an_error_on_the_field(people: People) -> None:
    page = signed_in(people.rosa)
    assert page.post("/account/name/", {"display_name": "Rosa Díaz"}).status_code == 302
    shown = page.get("/account/").content.decode()
    assert "shown as <strong>Rosa Díaz</strong>" in shown

    bad = page.post("/account/name/", {"display_name": "Rosa\x07"})
    assert bad.status_code == 400
    assert "Use letters, digits and punctuation only." in bad.content.decode()
    # A runner has no clinic form, and the clinic route is not theirs.
    assert 'action="/account/clinic/' not in shown
    assert page.post("/account/clinic/", {"name": "Mine"}).status_code == 404


def test_the_runner_sees_their_therapist_by_name_with_the_clinic(people: People) -> None:
    profile.set_name(people.theo, "Theo Marsh")
    profile.set_clinic(
        people.theo, name="Riverside Physio", phone="555 0100", email="", address="1 River Rd"
    )
    page = signed_in(people.rosa).get(f"/plans/{people.rosa_plan.pk}/").content.decode()
    assert "Your therapist" in page and "Theo Marsh" in page
    assert "Riverside Physio" in page and 'href="tel:5550100"' in page

    # The handout Theo prints carries his clinic's details.
    handout = signed_in(people.theo).get(f"/plans/{people.rosa_plan.pk}/handout/")
    assert "Riverside Physio" in handout.content.decode()


def test_an_invitation_names_the_therapist_as_they_chose(people: People) -> None:
    profile.set_name(people.uma, "Dr Uma Rao")
    linking.invite(people.uma, "oscar", timezone.now())
    assert Notification.objects.filter(
        user=people.oscar, title="Dr Uma Rao would like to follow your plans"
    ).exists()
