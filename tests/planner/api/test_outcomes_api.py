"""GET and POST /api/v1/plans/<id>/questionnaires: the LEFS and the PSFS answered by the runner,
scored as published, and read with their change since the first by those who may see the plan."""

from __future__ import annotations

from typing import Any

import pytest

from audit.models import AccessRecord
from planner.models import QuestionnaireAnswer
from tests.personas import People

pytestmark = pytest.mark.django_db


def url(people: People) -> str:
    return f"/api/v1/plans/{people.rosa_plan.pk}/questionnaires"


def psfs(*scores: int, names: tuple[str, ...] = ("Running 5 km", "Stairs", "Squatting")) -> Any:
    return {
        "measure": "psfs",
        "activities": [{"name": n, "score": s} for n, s in zip(names, scores, strict=True)],
    }


def test_rosa_answers_the_lefs_and_reads_its_total(people: People) -> None:
    rosa = people.client("rosa")

    answered = rosa.post(url(people), {"measure": "lefs", "items": [3] * 20}, format="json")

    assert answered.status_code == 201, answered.content
    assert answered.json()["total"] == 60
    assert answered.json()["change"] is None
    later = rosa.post(url(people), {"measure": "lefs", "items": [3] * 11 + [4] * 9}, format="json")
    assert later.json()["change"]["total"] == 9
    assert later.json()["change"]["meaningful"] is True
    listed = rosa.get(url(people)).json()
    lefs = next(m for m in listed["measures"] if m["measure"] == "lefs")
    assert [a["total"] for a in lefs["answers"]] == [60, 69]
    assert lefs["meaningful_change"] == 9
    assert listed["lefs_items"][0] == "Any of your usual work, housework, or school activities."


def test_an_incomplete_lefs_is_a_400_naming_the_item_never_a_500(people: People) -> None:
    rosa = people.client("rosa")

    short = rosa.post(url(people), {"measure": "lefs", "items": [3] * 19}, format="json")
    too_high = rosa.post(url(people), {"measure": "lefs", "items": [3] * 19 + [5]}, format="json")

    assert short.status_code == 400
    assert "20 items" in str(short.json())
    assert too_high.status_code == 400
    assert "items[19]" in str(too_high.json())
    assert "from 0 to 4" in str(too_high.json())
    assert not QuestionnaireAnswer.objects.exists()


def test_later_psfs_answers_score_the_activities_named_first(people: People) -> None:
    rosa = people.client("rosa")
    first = rosa.post(url(people), psfs(2, 4, 6), format="json")
    assert first.json()["total"] == 4.0

    swapped = rosa.post(
        url(people), psfs(5, 5, 5, names=("Cycling", "Stairs", "Squatting")), format="json"
    )
    again = rosa.post(url(people), psfs(5, 4, 6), format="json")

    assert swapped.status_code == 400
    assert "Running 5 km" in str(swapped.json()["activities"])
    assert again.status_code == 201
    # One activity up by 3: meaningful though the mean moved 1.
    assert again.json()["change"]["meaningful"] is True
    assert again.json()["change"]["per_activity"] == [3, 0, 0]
    assert rosa.get(url(people)).json()["psfs_activities"] == [
        "Running 5 km",
        "Stairs",
        "Squatting",
    ]


def test_two_activities_are_refused_naming_the_rule(people: People) -> None:
    refused = people.client("rosa").post(
        url(people), psfs(2, 4, names=("Running", "Stairs")), format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["activities"] == ["Name 3 to 5 activities (2 given)."]


def test_her_therapist_reads_her_answers_and_the_look_is_recorded(people: People) -> None:
    people.client("rosa").post(url(people), {"measure": "lefs", "items": [2] * 20}, format="json")

    seen = people.client("theo").get(url(people))

    assert seen.status_code == 200
    assert seen.json()["measures"][0]["answers"][0]["total"] == 40
    record = AccessRecord.objects.get(viewer=people.theo)
    assert record.what == f"plan {people.rosa_plan.pk} questionnaires"


def test_nobody_answers_for_rosa(people: People) -> None:
    body = {"measure": "lefs", "items": [4] * 20}
    assert people.client("theo").post(url(people), body, format="json").status_code == 403
    assert people.client("oscar").post(url(people), body, format="json").status_code == 404
    assert people.client("oscar").get(url(people)).status_code == 404
    assert not QuestionnaireAnswer.objects.exists()


def test_the_measures_are_due_until_answered(people: People) -> None:
    rosa = people.client("rosa")
    assert rosa.get(url(people)).json()["due"] == ["lefs", "psfs"]

    rosa.post(url(people), {"measure": "lefs", "items": [2] * 20}, format="json")

    assert rosa.get(url(people)).json()["due"] == ["psfs"]
