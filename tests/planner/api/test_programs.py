"""Program templates over the API: read by anyone signed in, with their phases and each
exercise's frequency, weeks, dose ladder and harder variation."""

from __future__ import annotations

from typing import Any

import pytest

from conditions.models import Condition, Source
from planner.models import Phase, Program

pytestmark = pytest.mark.usefixtures("catalog")

HIP_OA = "/api/v1/programs/hip-osteoarthritis-home-program"


def slugs(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["slug"] for row in response.json()["results"]]


@pytest.mark.parametrize("who", ["rosa", "theo", "alice"])
def test_everyone_signed_in_reads_programs(people, who: str) -> None:
    client = people.client(who)

    assert "hip-osteoarthritis-home-program" in slugs(client.get("/api/v1/programs"))
    assert client.get(HIP_OA).status_code == 200


def test_anonymous_callers_are_told_to_authenticate(people) -> None:
    assert people.client(None).get("/api/v1/programs").status_code == 401
    assert people.client(None).get(HIP_OA).status_code == 401


def test_a_program_shows_its_phases_and_prescriptions(people) -> None:
    body = people.client("rosa").get(HIP_OA).json()

    assert body["condition"]["slug"] == "hip-osteoarthritis"
    assert body["weeks"] == 6
    assert body["source"]["slug"] == "ease-the-stride-hip-pain"
    assert [(p["name"], p["first_week"], p["last_week"]) for p in body["phases"]] == [
        ("Settle and start", 1, 2),
        ("Build strength", 3, 4),
        ("Keep it going", 5, 6),
    ]
    exercises = [p["exercise"] for p in body["prescriptions"]]
    assert exercises == [
        "piriformis-stretch",
        "clamshells",
        "side-leg-lifts",
        "one-legged-glute-bridge",
    ]
    shells = body["prescriptions"][1]
    assert shells["name"] == "Clamshells"
    assert shells["frequency"] == "every_other_day"
    assert (shells["first_week"], shells["last_week"]) == (1, 6)
    ladder = shells["ladder"]
    assert (ladder["start"], ladder["target"], ladder["step"], ladder["unit"]) == (
        10,
        30,
        5,
        "reps",
    )
    assert ladder["per_side"] is True
    assert ladder["days_to_progress"] == 5
    assert shells["ladder"]["harder"] == ["With an exercise band"]
    assert body["prescriptions"][0]["ladder"]["harder"] == []


def test_programs_filter_by_condition(people) -> None:
    rosa = people.client("rosa")

    assert slugs(rosa.get("/api/v1/programs?condition=hip-osteoarthritis")) == [
        "hip-osteoarthritis-home-program"
    ]
    assert slugs(rosa.get("/api/v1/programs?condition=deep-vein-thrombosis")) == []
    unknown = rosa.get("/api/v1/programs?condition=broken-leg")
    assert unknown.status_code == 400
    assert "condition" in unknown.json()
    assert "conditon" in rosa.get("/api/v1/programs?conditon=x").json()


def test_an_unknown_program_is_404(people) -> None:
    assert people.client("rosa").get("/api/v1/programs/couch-to-marathon").status_code == 404


@pytest.mark.parametrize("who", ["rosa", "alice"])
def test_programs_are_not_written_over_the_api(people, who: str) -> None:
    client = people.client(who)

    assert client.post("/api/v1/programs", {"slug": "x"}, format="json").status_code == 405
    assert client.delete(HIP_OA).status_code == 405
    assert Program.objects.filter(slug="hip-osteoarthritis-home-program").exists()


@pytest.mark.parametrize("extra", [0, 4])
def test_the_list_takes_the_same_queries_whatever_its_length(
    people, extra: int, django_assert_num_queries: Any
) -> None:
    condition = Condition.objects.get(slug="hip-osteoarthritis")
    source = Source.objects.get(slug="ease-the-stride-hip-pain")
    for i in range(extra):
        program = Program.objects.create(
            slug=f"extra-{i}", name=f"Extra {i}", condition=condition, weeks=4, source=source
        )
        Phase.objects.create(program=program, order=1, name="All", first_week=1, last_week=4)
    rosa = people.client("rosa")

    # 1: the token and its user   2: the count   3: the page, with each condition
    with django_assert_num_queries(3):
        assert rosa.get("/api/v1/programs").status_code == 200
    # The same, after 2: the filter's condition
    with django_assert_num_queries(4):
        assert rosa.get("/api/v1/programs?condition=hip-osteoarthritis").status_code == 200


def test_a_program_takes_the_same_queries_whatever_its_length(
    people, django_assert_num_queries: Any
) -> None:
    rosa = people.client("rosa")

    # 1: the token   2: the program with its condition and source   3: the phases
    # 4: the prescriptions with their exercises and variations
    for slug in ("hip-osteoarthritis-home-program", "it-band-syndrome-home-program"):
        with django_assert_num_queries(4):
            assert rosa.get(f"/api/v1/programs/{slug}").status_code == 200
