"""Exercises over the API: steps, dose ladders, variations and the conditions they are
recommended for, read by anyone signed in and curated by admins."""

from __future__ import annotations

from typing import Any

import pytest

from conditions.models import BodyRegion, Source
from exercises.api.serializers import ladder_problems
from exercises.in_use import variation_problems
from exercises.models import Exercise
from planner.models import Prescription
from planner.programs.catalog import load_catalog

pytestmark = pytest.mark.usefixtures("catalog")


def slugs(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["slug"] for row in response.json()["results"]]


def new_exercise(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": "banded-side-steps",
        "name": "Banded side steps",
        "kind": "strengthen",
        "regions": ["hip"],
        "summary": "Step sideways with a band around the knees.",
        "equipment": ["exercise band"],
        "cautions": ["Keep the knees over the toes."],
        "steps": ["Put a band around both knees.", "Step sideways ten times.", "Come back."],
        "ladder": {
            "unit": "reps",
            "sets": 2,
            "start": 8,
            "target": 16,
            "step": 2,
            "per_side": True,
        },
        "variations": [{"name": "Band at the ankles", "description": "Harder: move the band."}],
        "recommended_for": [{"condition": "it-band-syndrome", "note": "Strong hips help."}],
        "source": "ease-the-stride-hip-pain",
    }
    body.update(changes)
    return body


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rosa", "theo", "alice"])
def test_everyone_signed_in_reads_exercises(people, who: str) -> None:
    client = people.client(who)

    assert "clamshells" in slugs(client.get("/api/v1/exercises"))
    assert client.get("/api/v1/exercises/clamshells").status_code == 200


def test_anonymous_callers_are_told_to_authenticate(people) -> None:
    anonymous = people.client(None)

    assert anonymous.get("/api/v1/exercises").status_code == 401
    assert anonymous.get("/api/v1/exercises/clamshells").status_code == 401


def test_clamshells_go_from_10_to_30_per_side_then_add_a_band(people) -> None:
    body = people.client("rosa").get("/api/v1/exercises/clamshells").json()

    ladder = body["ladder"]
    assert (ladder["unit"], ladder["start"], ladder["target"], ladder["step"]) == (
        "reps",
        10,
        30,
        5,
    )
    assert ladder["per_side"] is True
    assert ladder["display"] == "10 reps to 30 reps per side, step 5"
    # The step of 5 is not the article's, so the ladder cites where it comes from.
    assert ladder["dose_source"]["kind"] == "clinical"
    assert ladder["dose_note"]
    [band] = body["variations"]
    assert "band" in band["name"].lower()
    assert band["equipment"] == ["exercise band"]
    assert body["steps"][0].startswith("Lie on your right side")
    assert body["steps"][-1].startswith("Turn over")
    assert body["cautions"]
    assert body["source"]["slug"] == "ease-the-stride-hip-pain"
    assert "trochanteric-bursitis" in [r["condition"] for r in body["recommended_for"]]


def test_exercises_filter_by_region_kind_and_condition(people) -> None:
    rosa = people.client("rosa")

    hip = slugs(rosa.get("/api/v1/exercises?region=hip"))
    stretches = slugs(rosa.get("/api/v1/exercises?kind=stretch"))
    for_bursitis = slugs(rosa.get("/api/v1/exercises?condition=trochanteric-bursitis"))

    assert "clamshells" in hip and "calf-stretch" not in hip
    assert "calf-stretch" in stretches and "clamshells" not in stretches
    assert "clamshells" in for_bursitis and "calf-stretch" not in for_bursitis
    assert set(slugs(rosa.get("/api/v1/exercises?region=hip&kind=stretch"))) == set(hip) & set(
        stretches
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [("kind=yoga", "kind"), ("condition=broken-leg", "condition"), ("sort=name", "sort")],
)
def test_a_bad_filter_is_a_400_naming_it(people, query: str, field: str) -> None:
    response = people.client("rosa").get(f"/api/v1/exercises?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_exercise_is_404(people) -> None:
    assert people.client("rosa").get("/api/v1/exercises/handstands").status_code == 404


@pytest.mark.parametrize("extra", [0, 5])
def test_the_list_takes_the_same_queries_whatever_its_length(
    people, extra: int, django_assert_num_queries: Any
) -> None:
    source = Source.objects.get(slug="ease-the-stride-hip-pain")
    hip = BodyRegion.objects.get(slug="hip")
    for i in range(extra):
        exercise = Exercise.objects.create(
            slug=f"extra-{i}", name=f"Extra {i}", kind="balance", per_side=False, unit="reps",
            start=5, target=10, step=1, source=source,
        )  # fmt: skip
        exercise.regions.add(hip)
    rosa = people.client("rosa")

    # 1: the token and its user   2: the count   3: the page   4: the regions
    with django_assert_num_queries(4):
        assert rosa.get("/api/v1/exercises").status_code == 200
    # The same, after 2: the filter's region and 3: the filter's condition
    with django_assert_num_queries(6):
        url = "/api/v1/exercises?region=hip&kind=strengthen&condition=it-band-syndrome"
        assert rosa.get(url).status_code == 200


# --- Admin writes -----------------------------------------------------------------------------


def test_an_admins_new_exercise_is_recommended_for_its_condition_and_survives_a_load(
    people,
) -> None:
    alice = people.client("alice")

    created = alice.post("/api/v1/exercises", new_exercise(), format="json")

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["steps"] == new_exercise()["steps"]
    assert body["ladder"]["display"] == "8 reps to 16 reps per side, step 2"
    assert body["ladder"]["sets"] == 2
    assert body["recommended_for"][0]["condition"] == "it-band-syndrome"
    # Left out, the recommendation cites the exercise's own source.
    assert body["recommended_for"][0]["source"]["slug"] == "ease-the-stride-hip-pain"
    assert body["admin_edited"] is True

    load_catalog()

    condition = alice.get("/api/v1/conditions/it-band-syndrome").json()
    assert "banded-side-steps" in [e["slug"] for e in condition["exercises"]]
    shown = people.client("rosa").get("/api/v1/exercises/banded-side-steps").json()
    assert shown["variations"][0]["name"] == "Band at the ankles"
    assert "banded-side-steps" in slugs(
        people.client("rosa").get("/api/v1/exercises?condition=it-band-syndrome")
    )


def test_an_admins_edit_of_clamshells_survives_a_load_and_programs_keep_the_band(
    people,
) -> None:
    alice = people.client("alice")
    band = Exercise.objects.get(slug="clamshells").variations.get()

    response = alice.patch(
        "/api/v1/exercises/clamshells",
        {
            "ladder": {"target": 25},
            "variations": [
                {"name": band.name, "description": "A stiff band just above the knees."},
                {"name": "Band and a pause", "description": "Hold the top for two seconds."},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()

    load_catalog()

    body = alice.get("/api/v1/exercises/clamshells").json()
    assert (body["ladder"]["start"], body["ladder"]["target"]) == (10, 25)
    assert [v["name"] for v in body["variations"]] == [band.name, "Band and a pause"]
    assert body["variations"][0]["description"] == "A stiff band just above the knees."
    assert len(body["steps"]) == 6  # not given, so kept
    # Written in place: the prescriptions that take the band still point at it.
    assert any(band.name in p.harder for p in Prescription.objects.filter(exercise=band.exercise))


@pytest.mark.parametrize(
    "variations",
    [[], [{"name": "With a stiff band", "description": "Renamed."}]],
    ids=["removed", "renamed"],
)
def test_a_variation_programs_take_is_neither_renamed_nor_removed(
    people, variations: list[dict[str, str]]
) -> None:
    response = people.client("alice").patch(
        "/api/v1/exercises/clamshells", {"variations": variations}, format="json"
    )

    assert response.status_code == 400
    assert "With an exercise band" in response.json()["variations"][0]
    assert Exercise.objects.get(slug="clamshells").variations.get().name == "With an exercise band"


def test_an_admin_deletes_an_unused_exercise_but_not_one_a_program_uses(people) -> None:
    alice = people.client("alice")
    alice.post("/api/v1/exercises", new_exercise(), format="json")

    assert alice.delete("/api/v1/exercises/banded-side-steps").status_code == 204
    assert alice.delete("/api/v1/exercises/clamshells").status_code == 409
    assert Exercise.objects.filter(slug="clamshells").exists()


@pytest.mark.parametrize("who", ["rosa", "theo"])
def test_only_admins_write_exercises(people, who: str) -> None:
    client = people.client(who)

    assert client.post("/api/v1/exercises", new_exercise(), format="json").status_code == 403
    patch = client.patch("/api/v1/exercises/clamshells", {"ladder": {"target": 12}}, format="json")
    assert patch.status_code == 403
    assert client.delete("/api/v1/exercises/clamshells").status_code == 403
    clamshells = Exercise.objects.get(slug="clamshells")
    assert (clamshells.target, clamshells.admin_edited) == (30, False)
    assert not Exercise.objects.filter(slug="banded-side-steps").exists()


# --- Bad input --------------------------------------------------------------------------------


def ladder(**changes: Any) -> dict[str, Any]:
    return {"unit": "reps", "start": 8, "target": 16, "step": 2, "per_side": True, **changes}


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"ladder": ladder(start=20, target=10)}, ("ladder", "target")),
        ({"ladder": ladder(step=0)}, ("ladder", "step")),
        ({"ladder": ladder(start=0)}, ("ladder", "start")),
        ({"ladder": ladder(unit="minutes")}, ("ladder", "unit")),
        ({"ladder": ladder(dose_source="a-blog")}, ("ladder", "dose_source")),
        ({"ladder": ladder(weight_kg=5)}, ("ladder", "weight_kg")),
        ({"regions": ["elbow"]}, ("regions",)),
        ({"source": "a-blog"}, ("source",)),
        ({"kind": "yoga"}, ("kind",)),
        ({"steps": []}, ("steps",)),
        ({"difficulty": 3}, ("difficulty",)),
        ({"recommended_for": [{"condition": "broken-leg"}]}, ("recommended_for", "0", "condition")),
        ({"variations": [{"name": "Harder"}]}, ("variations", "0", "description")),
        ({"variations": [{"name": "H", "description": "d", "colour": "red"}]},
         ("variations", "0", "colour")),
    ],
)  # fmt: skip
def test_a_bad_exercise_is_a_400_naming_the_field(
    people, changes: dict[str, Any], where: tuple[str | int, ...]
) -> None:
    response = people.client("alice").post(
        "/api/v1/exercises", new_exercise(**changes), format="json"
    )

    assert response.status_code == 400
    errors: Any = response.json()
    for key in where:
        errors = errors[key]
    assert errors
    assert not Exercise.objects.filter(slug="banded-side-steps").exists()


def test_a_condition_recommended_twice_is_refused(people) -> None:
    twice = [{"condition": "it-band-syndrome"}, {"condition": "it-band-syndrome"}]

    response = people.client("alice").post(
        "/api/v1/exercises", new_exercise(recommended_for=twice), format="json"
    )

    assert response.status_code == 400
    assert "recommended_for" in response.json()


def test_a_patch_cannot_bring_the_target_below_the_stored_start(people) -> None:
    response = people.client("alice").patch(
        "/api/v1/exercises/clamshells", {"ladder": {"target": 5}}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["ladder"]["target"] == ["Must not be below start (10)."]
    assert Exercise.objects.get(slug="clamshells").admin_edited is False


def test_a_patch_still_needs_whole_variations(people) -> None:
    response = people.client("alice").patch(
        "/api/v1/exercises/clamshells", {"variations": [{"name": "Harder"}]}, format="json"
    )

    assert response.status_code == 400
    assert "description" in response.json()["variations"]["0"]


def test_ladder_rules() -> None:
    assert ladder_problems(10, 30, 5) == {}
    assert ladder_problems(30, 30, 1) == {}
    assert ladder_problems(31, 30, 5) == {"target": ["Must not be below start (31)."]}
    assert set(ladder_problems(0, 30, 0)) == {"start", "step"}


def test_variation_rules() -> None:
    taken = {"With an exercise band": "harder", "Both feet down": "easier"}
    kept = [("Both feet down", "easier"), ("With an exercise band", "harder")]

    # Programs take variations by name and kind: their order may change, more may come.
    assert variation_problems(taken, [*reversed(kept), ("Harder still", "harder")]) == []
    assert variation_problems({}, []) == []
    assert variation_problems(taken, [("Both feet down", "harder"), kept[1]])  # kind changed
    assert variation_problems(taken, [kept[0]])  # removed
    assert ladder_problems(10, 10, 5, sets=3, sets_target=2) == {
        "sets_target": ["Must not be below sets (3)."]
    }
