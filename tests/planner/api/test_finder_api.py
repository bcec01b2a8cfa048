"""The condition finder over the API: the questions for the places that hurt, and after the
warning-sign screening of those places, the conditions ranked by the answers, with reasons."""

from __future__ import annotations

from typing import Any

import pytest

from conditions.models import RedFlag
from planner.models import Screening
from tests.personas import People

pytestmark = pytest.mark.usefixtures("catalog")

URL = "/api/v1/condition-finder"


def screen(people: People, who: str, regions: list[str]) -> None:
    flags = RedFlag.objects.filter(regions__slug__in=regions) | RedFlag.objects.filter(
        regions__isnull=True
    )
    answers = dict.fromkeys((f.slug for f in flags.distinct()), False)
    done = people.client(who).post(
        "/api/v1/screenings", {"regions": regions, "answers": answers}, format="json"
    )
    assert done.status_code == 201 and done.json()["verdict"] == "clear", done.content


def find(people: People, who: str, regions: list[str], **answers: list[str]) -> Any:
    return people.client(who).post(URL, {"regions": regions, "answers": answers}, format="json")


def test_the_questions_for_a_place_offer_only_its_answers(people: People) -> None:
    questions = people.client("oscar").get(URL, {"regions": "hip"}).json()
    where = next(q for q in questions if q["slug"] == "where")
    assert where["choose"] == "one"
    assert {"slug": "outside-of-hip", "label": "On the outside of the hip"} in where["choices"]
    assert "ball-of-foot" not in [c["slug"] for c in where["choices"]]


@pytest.mark.parametrize("query", [{"regions": "elbow"}, {}])
def test_questions_need_known_places(people: People, query: dict[str, str]) -> None:
    answer = people.client("oscar").get(URL, query)
    assert answer.status_code == 400 and "regions" in answer.json()


def test_the_ranking_waits_for_the_warning_signs_of_those_places(people: People) -> None:
    Screening.objects.filter(user=people.oscar).delete()
    refused = find(people, "oscar", ["hip"], where=["outside-of-hip"])
    assert refused.status_code == 409
    assert refused.json()["missing"] == "screening"


def test_answers_rank_the_conditions_with_reasons_and_the_program(people: People) -> None:
    screen(people, "oscar", ["hip"])
    body = find(
        people,
        "oscar",
        ["hip"],
        where=["outside-of-hip"],
        when=["during-activity"],
        noticed=["clicking"],
    ).json()
    assert body["outcome"] == "ranked"
    assert "not a diagnosis" in body["not_a_diagnosis"]
    best = body["ranking"][0]
    assert best["condition"] == "it-band-syndrome" and best["level"] == "fits"
    assert best["summary"] == (
        "Outside of the hip, worse while running or walking, clicking: IT band syndrome fits"
    )
    assert best["reasons"][0]["source"].startswith("Ease the Stride")
    assert best["program"] and best["see_doctor_first"] is False and best["advice"] is None
    assert "femoral-head-fracture" in body["cannot_match"]


def test_a_doctor_first_condition_comes_with_what_to_do_and_no_program(people: People) -> None:
    screen(people, "oscar", ["ankle"])
    body = find(
        people,
        "oscar",
        ["ankle"],
        where=["outside-of-ankle"],
        **{"brought-on": ["injury"]},
        noticed=["bruising"],
    ).json()
    tear = body["ranking"][0]
    assert tear["condition"] == "ankle-ligament-tear"
    assert tear["see_doctor_first"] is True and tear["program"] is None
    assert "doctor" in tear["advice"]


def test_when_nothing_fits_the_answer_says_to_see_a_clinician(people: People) -> None:
    screen(people, "oscar", ["hip"])
    body = find(
        people,
        "oscar",
        ["hip"],
        where=["outside-of-leg"],
        when=["after-activity"],
        onset=["gradually"],
    ).json()
    assert body["outcome"] == "none_fits" and body["ranking"] == []
    assert "See a doctor or a physical therapist" in body["advice"]
    assert body["advice_source"] == "Why Does the Back of My Leg Hurt When I Walk?"


def test_every_answer_not_sure_is_not_answered(people: People) -> None:
    screen(people, "oscar", ["knee"])
    body = find(people, "oscar", ["knee"], where=[]).json()
    assert body["outcome"] == "not_answered" and body["advice"] is None


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"where": ["outside-of-the-elbow"]}, "where"),
        ({"where": ["outside-of-hip", "groin"]}, "where"),
        ({"why": ["because"]}, "why"),
    ],
)
def test_a_bad_answer_is_a_400_naming_the_question(
    people: People, answers: dict[str, list[str]], field: str
) -> None:
    screen(people, "oscar", ["hip"])
    refused = find(people, "oscar", ["hip"], **answers)
    assert refused.status_code == 400
    assert list(refused.json()["answers"]) == [field]


def test_a_body_without_places_or_with_a_typo_is_refused(people: People) -> None:
    client = people.client("oscar")
    assert "regions" in client.post(URL, {"answers": {}}, format="json").json()
    typo = client.post(URL, {"regions": ["hip"], "answer": {}}, format="json")
    assert typo.status_code == 400 and "answer" in typo.json()
