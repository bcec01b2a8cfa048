"""A therapist's own programs over the API: built, copied, listed, changed, assigned and
refused deletion while a plan uses them; never listed with the catalog."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from planner.engine import schedule
from planner.models import Clinic, Plan, Profile, Program
from tests import factories

BODY: dict[str, Any] = {
    "name": "Theo's knee start",
    "condition": "it-band-syndrome",
    "weeks": 4,
    "phases": [{"name": "Build", "first_week": 1, "last_week": 4}],
    "exercises": [
        {
            "exercise": "clamshells",
            "frequency": "daily",
            "sets": 2,
            "start": 8,
            "target": 20,
            "step": 4,
            "note": "Slowly, knees together at the end.",
        }
    ],
}


@pytest.fixture(autouse=True)
def library(db: None) -> None:
    factories.clamshells()
    factories.condition()


def test_a_therapist_builds_a_program_of_their_own(people) -> None:
    response = people.client("theo").post("/api/v1/own-programs", BODY, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["is_own"], body["owner"], body["source"], body["shared_with_clinic"]) == (
        True,
        "theo",
        None,
        False,
    )
    (shells,) = body["prescriptions"]
    assert (shells["ladder"]["sets"], shells["ladder"]["start"], shells["note"]) == (
        2,
        8,
        "Slowly, knees together at the end.",
    )
    # Never listed with the catalog; read by its owner by slug, by no runner.
    catalog = people.client("theo").get("/api/v1/programs").json()["results"]
    assert body["slug"] not in [row["slug"] for row in catalog]
    assert people.client("theo").get(f"/api/v1/programs/{body['slug']}").status_code == 200
    assert people.client("rosa").get(f"/api/v1/programs/{body['slug']}").status_code == 404


def test_a_mistake_is_a_400_naming_the_field_and_rule(people) -> None:
    broken = {**BODY, "exercises": [{**BODY["exercises"][0], "start": 30, "target": 10}]}

    response = people.client("theo").post("/api/v1/own-programs", broken, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "exercises.0.target": ["At least the start (30): the dose climbs from start to target."]
    }
    assert not Program.objects.filter(is_own=True).exists()


def test_a_copy_starts_from_a_program_the_therapist_may_see(people) -> None:
    theo = people.client("theo")

    copied = theo.post("/api/v1/own-programs/copies", {"program": "it-band-6w"}, format="json")
    private = factories.own_program(people.uma, "Uma's private one")
    refused = theo.post("/api/v1/own-programs/copies", {"program": private.slug}, format="json")

    assert copied.status_code == 201
    assert (copied.json()["copied_from"], copied.json()["source"]) == ("it-band-6w", None)
    assert refused.status_code == 400
    assert refused.json() == {"program": ["No program of that name that you may see."]}


def test_the_clinic_reads_a_shared_program_and_only_its_owner_changes_it(people) -> None:
    clinic = Clinic.objects.create(name="Riverside Physio")
    for therapist in (people.theo, people.uma):
        Profile.objects.create(user=therapist, clinic=clinic)
    shared = factories.own_program(people.theo, shared=True)
    private = factories.own_program(people.theo, "Theo's private one")
    uma = people.client("uma")

    listed = uma.get("/api/v1/own-programs").json()
    changed = uma.put(f"/api/v1/own-programs/{shared.pk}", BODY, format="json")

    assert [row["name"] for row in listed] == ["Theo's hip start"]
    assert uma.get(f"/api/v1/own-programs/{shared.pk}").status_code == 200
    assert uma.get(f"/api/v1/own-programs/{private.pk}").status_code == 404
    assert changed.status_code == 403
    assert changed.json()["detail"] == "Only the therapist who built this program can change it."
    owner = people.client("theo").put(f"/api/v1/own-programs/{shared.pk}", BODY, format="json")
    assert owner.status_code == 200 and owner.json()["name"] == "Theo's knee start"
    # Saved without `shared_with_clinic`: private again.
    assert uma.get(f"/api/v1/own-programs/{shared.pk}").status_code == 404


def test_an_own_program_is_assigned_and_then_kept_by_its_plan(people) -> None:
    program = factories.own_program(people.theo)
    factories.screened(people.rosa)
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    body = {"program": program.slug, "start_date": str(today), "time_zone": "Europe/Berlin"}

    # Her catalog plan runs on beside it, as Theo says.
    assigned = people.client("theo").post(
        f"/api/v1/patients/{people.rosa.pk}/plans", {**body, "running": "keep"}
    )
    # Nobody else assigns it, nor does a runner start it on their own.
    by_uma = people.client("uma").post(f"/api/v1/patients/{people.rosa.pk}/plans", body)
    by_rosa = people.client("rosa").post("/api/v1/plans", body)
    deleted = people.client("theo").delete(f"/api/v1/own-programs/{program.pk}")

    assert assigned.status_code == 201, assigned.json()
    plan = Plan.objects.get(pk=assigned.json()["id"])
    assert plan.exercises.get().note == "Slowly."
    assert plan.planned_end == today + timedelta(weeks=4, days=-1)
    assert by_uma.status_code == 404  # Rosa is not Uma's patient
    assert by_rosa.status_code == 400
    assert by_rosa.json()["program"] == [f"Object with slug={program.slug} does not exist."]
    assert deleted.status_code == 409
    assert deleted.json()["missing"] == "no_plans"


def test_the_list_takes_the_same_queries_whatever_its_length(
    people, django_assert_num_queries: Any
) -> None:
    theo = people.client("theo")
    factories.own_program(people.theo, "One")
    # 1: the token  2: the role  3: the programs seen, with condition, sources, owner and origin
    # 4: their phases  5: their prescriptions with their exercises
    with django_assert_num_queries(5):
        assert len(theo.get("/api/v1/own-programs").json()) == 1
    for n in range(4):
        factories.own_program(people.theo, f"More {n}")
    with django_assert_num_queries(5):
        assert len(theo.get("/api/v1/own-programs").json()) == 5
