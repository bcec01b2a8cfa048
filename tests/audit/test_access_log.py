"""Therapists' and admins' views of a runner's health data are recorded, and the runner can
read who saw what and when."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from audit import recording
from audit.models import AccessRecord
from tests.personas import People

pytestmark = pytest.mark.django_db

ROUTES = {
    "plan": "/api/v1/plans/{plan}",
    "plan {plan} logs": "/api/v1/plans/{plan}/logs",
    "plan {plan} progress": "/api/v1/plans/{plan}/progress",
    "plan {plan} dose history": "/api/v1/plans/{plan}/history",
    # When she exercises and where she lives (issue 17).
    "plan {plan} reminder": "/api/v1/plans/{plan}/reminder",
    "plan {plan} nudge": "/api/v1/plans/{plan}/nudge",
}


def what_was_seen(people: People) -> list[tuple[str | None, str, str]]:
    return list(
        AccessRecord.objects.filter(subject=people.rosa)
        .order_by("pk")
        .values_list("viewer__username", "viewer_role", "what")
    )


@pytest.mark.parametrize("what", sorted(ROUTES))
def test_the_therapist_reading_rosas_data_is_recorded(people: People, what: str) -> None:
    plan = people.rosa_plan.pk
    response = people.client("theo").get(ROUTES[what].format(plan=plan))

    assert response.status_code == 200
    expected = f"plan {plan}" if what == "plan" else what.format(plan=plan)
    assert what_was_seen(people) == [("theo", "therapist", expected)]


@pytest.mark.parametrize("what", sorted(ROUTES))
def test_rosa_reading_her_own_data_records_nothing(people: People, what: str) -> None:
    response = people.client("rosa").get(ROUTES[what].format(plan=people.rosa_plan.pk))

    assert response.status_code == 200
    assert not AccessRecord.objects.exists()


def test_an_admin_reading_is_recorded_as_admin(people: People) -> None:
    people.client("alice").get(f"/api/v1/plans/{people.rosa_plan.pk}/logs")

    assert what_was_seen(people) == [("alice", "admin", f"plan {people.rosa_plan.pk} logs")]


def test_the_patient_list_records_each_patient_in_one_insert(
    people: People, django_assert_num_queries: Any
) -> None:
    client = people.client("theo")
    client.get("/api/v1/patients")  # warm the token lookup's caches out of the count
    AccessRecord.objects.all().delete()

    # 1: the token, with its user; 2: the therapist role; 3: the links with their plans'
    # marks (the rows themselves were cached by the first call); 4: the access records, one
    # INSERT: a list from the cache is recorded as seen all the same.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/patients")

    assert response.status_code == 200
    assert what_was_seen(people) == [("theo", "therapist", "patient list")]


def test_rosa_reads_who_saw_what_newest_first(
    people: People, django_assert_num_queries: Any
) -> None:
    theo = people.client("theo")
    theo.get(f"/api/v1/plans/{people.rosa_plan.pk}/logs")
    theo.get(f"/api/v1/plans/{people.rosa_plan.pk}/progress")

    rosa = people.client("rosa")

    # 1: the token, with its user; 2: the count; 3: the page, with each viewer.
    with django_assert_num_queries(3):
        response = rosa.get("/api/v1/account/access-log")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(row["viewer"], row["viewer_role"], row["what"]) for row in body["results"]] == [
        ("theo", "therapist", f"plan {people.rosa_plan.pk} progress"),
        ("theo", "therapist", f"plan {people.rosa_plan.pk} logs"),
    ]
    assert body["results"][0]["at"] >= body["results"][1]["at"]


def test_another_runner_sees_only_their_own_record(people: People) -> None:
    people.client("theo").get(f"/api/v1/plans/{people.rosa_plan.pk}/logs")

    response = people.client("oscar").get("/api/v1/account/access-log")

    assert response.status_code == 200
    assert response.json()["results"] == []
    assert people.client(None).get("/api/v1/account/access-log").status_code == 401


def test_the_export_carries_the_access_log(people: People) -> None:
    people.client("theo").get(f"/api/v1/plans/{people.rosa_plan.pk}/history")

    exported = people.client("rosa").get("/api/v1/me/export").json()

    assert [(row["viewer"], row["what"]) for row in exported["access_log"]] == [
        ("theo", f"plan {people.rosa_plan.pk} dose history")
    ]


def test_deleting_the_subject_removes_their_records(people: People) -> None:
    people.client("theo").get(f"/api/v1/plans/{people.rosa_plan.pk}/logs")

    response = people.client("rosa").delete(
        "/api/v1/me", {"password": "rosa-pass-4242"}, format="json"
    )

    assert response.status_code == 204
    assert not AccessRecord.objects.exists()


def test_deleting_the_viewer_keeps_the_patients_record_without_the_name(people: People) -> None:
    people.client("theo").get(f"/api/v1/plans/{people.rosa_plan.pk}/logs")

    response = people.client("theo").delete(
        "/api/v1/me", {"password": "theo-pass-4242"}, format="json"
    )

    assert response.status_code == 204
    assert what_was_seen(people) == [(None, "therapist", f"plan {people.rosa_plan.pk} logs")]
    rows = people.client("rosa").get("/api/v1/account/access-log").json()["results"]
    assert rows[0]["viewer"] is None


def test_record_view_for_pages_writes_one_row(people: People) -> None:
    viewer: User = people.theo
    recording.record_view(viewer, people.rosa.pk, "progress page")
    recording.record_view(people.rosa, people.rosa.pk, "progress page")

    assert what_was_seen(people) == [("theo", "therapist", "progress page")]
