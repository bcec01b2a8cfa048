"""The catalog over the API: body regions, sources, conditions and red flags.

Anyone signed in reads the catalog the data files load; only admins write it, and an admin's
write survives the next `load_catalog`.
"""

from __future__ import annotations

from typing import Any

import pytest

from conditions.api.writes import recovery_problems
from conditions.models import BodyRegion, Condition, RedFlag, Source
from planner.programs.catalog import load_catalog
from tests import factories

pytestmark = pytest.mark.usefixtures("catalog")

READ_PATHS = (
    "/api/v1/regions",
    "/api/v1/sources",
    "/api/v1/conditions",
    "/api/v1/conditions/it-band-syndrome",
    "/api/v1/red-flags",
    "/api/v1/red-flags/cannot-bear-weight",
)


def slugs(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["slug"] for row in response.json()["results"]]


def new_condition(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": "runners-heel-ache",
        "name": "Runner's heel ache",
        "summary": "An ache at the back of the heel after long runs.",
        "regions": ["heel-achilles"],
        "care": "home_exercise",
        "symptoms": ["Ache after long runs"],
        "recovery": {"min": 2, "max": 4, "unit": "weeks", "text": "two to four weeks"},
        "source": "sore-ankle-after-walking",
    }
    body.update(changes)
    return body


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rosa", "theo", "alice"])
@pytest.mark.parametrize("url", READ_PATHS)
def test_everyone_signed_in_reads_the_catalog(people, who: str, url: str) -> None:
    assert people.client(who).get(url).status_code == 200


@pytest.mark.parametrize("url", READ_PATHS)
def test_anonymous_callers_are_told_to_authenticate(people, url: str) -> None:
    response = people.client(None).get(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_condition_shows_its_timeline_care_source_and_exercises(people) -> None:
    body = people.client("rosa").get("/api/v1/conditions/it-band-syndrome").json()

    assert body["recovery"]["min"] == body["recovery"]["max"] == 6
    assert body["recovery"]["unit"] == "weeks"
    assert body["recovery"]["display"] == "about 6 weeks"
    assert "about six weeks" in body["recovery"]["text"]
    assert body["care"] == "home_exercise"
    assert [r["slug"] for r in body["regions"]] == ["hip", "knee"]
    assert body["source"]["kind"] == "article"
    assert body["source"]["publisher"] and body["source"]["url"].startswith("https://")
    assert body["program"] == "it-band-syndrome-home-program"
    assert body["symptoms"] and body["causes"] and body["treatment"]
    assert {"slug", "name"} <= set(body["exercises"][0])


def test_the_hip_labral_tear_takes_10_to_12_weeks(people) -> None:
    body = people.client("rosa").get("/api/v1/conditions/hip-labral-tear").json()

    assert body["recovery"]["display"] == "10 to 12 weeks"


def test_a_condition_a_doctor_must_see_first_lists_its_warning_signs_and_no_program(
    people,
) -> None:
    body = people.client("rosa").get("/api/v1/conditions/deep-vein-thrombosis").json()

    assert body["care"] == "see_doctor_first"
    assert body["care_note"]
    assert body["program"] is None
    assert "dvt-calf-pain-swelling-warmth" in [flag["slug"] for flag in body["red_flags"]]


def test_an_unknown_condition_is_404(people) -> None:
    assert people.client("rosa").get("/api/v1/conditions/broken-everything").status_code == 404


def test_conditions_filter_by_region_care_and_words(people) -> None:
    rosa = people.client("rosa")

    in_the_hip = slugs(rosa.get("/api/v1/conditions?region=hip"))
    doctor_first = slugs(rosa.get("/api/v1/conditions?care=see_doctor_first"))
    bursitis = slugs(rosa.get("/api/v1/conditions?q=BURSA"))

    assert set(in_the_hip) == set(
        Condition.objects.filter(regions__slug="hip").values_list("slug", flat=True)
    )
    assert "it-band-syndrome" in in_the_hip and "plantar-fasciitis" not in in_the_hip
    assert "deep-vein-thrombosis" in doctor_first and "it-band-syndrome" not in doctor_first
    assert "trochanteric-bursitis" in bursitis and "it-band-syndrome" not in bursitis


@pytest.mark.parametrize(
    ("query", "field"),
    [("region=elbow", "region"), ("care=rest", "care"), ("regoin=hip", "regoin")],
)
def test_a_bad_filter_is_a_400_naming_it(people, query: str, field: str) -> None:
    response = people.client("rosa").get(f"/api/v1/conditions?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_red_flags_of_a_region_include_those_asked_whatever_hurts(people) -> None:
    hip = slugs(people.client("rosa").get("/api/v1/red-flags?region=hip&limit=100"))

    assert "hip-pain-that-does-not-go-away" in hip  # asked for the hip
    assert "cannot-bear-weight" in hip  # asked whatever hurts
    assert "recurrent-pain-after-activity" not in hip  # ankle and foot only


def test_a_red_flag_shows_its_advice_conditions_and_source(people) -> None:
    body = people.client("rosa").get("/api/v1/red-flags/severe-hip-pain-after-fall-or-injury")

    flag = body.json()
    assert flag["advice"] and flag["question"] and flag["urgency"]
    assert [r["slug"] for r in flag["regions"]] == ["hip"]
    assert {"hip-fracture", "femoral-head-fracture"} <= {c["slug"] for c in flag["conditions"]}
    assert flag["source"]["title"]


def test_sources_cite_articles_by_publisher_and_clinical_sources_by_citation(people) -> None:
    sources = people.client("rosa").get("/api/v1/sources").json()["results"]

    for source in sources:
        assert source["publisher"] if source["kind"] == "article" else source["citation"]


# --- Query counts -----------------------------------------------------------------------------


def more_catalog_rows(n: int) -> None:
    source = Source.objects.get(slug="ease-the-stride-hip-pain")
    for i in range(n):
        region = BodyRegion.objects.create(slug=f"extra-region-{i}", name=f"Extra {i}")
        Source.objects.create(slug=f"extra-source-{i}", title=f"Extra {i}", kind="clinical")
        condition = Condition.objects.create(
            slug=f"extra-condition-{i}", name=f"Extra {i}", summary="x", care="home_exercise",
            source=source, recovery_source=source,
        )  # fmt: skip
        condition.regions.add(region)
        flag = RedFlag.objects.create(
            slug=f"extra-flag-{i}", sign="x", question="x?", urgency="emergency", advice="x",
            source=source,
        )  # fmt: skip
        flag.regions.add(region)
        flag.conditions.add(condition)


@pytest.mark.parametrize("extra", [0, 4])
def test_lists_take_the_same_queries_whatever_their_length(
    people, extra: int, django_assert_num_queries: Any
) -> None:
    more_catalog_rows(extra)
    rosa = people.client("rosa")

    # 1: the token and its user   2: the count   3: the page
    for url in ("/api/v1/regions", "/api/v1/sources"):
        with django_assert_num_queries(3):
            assert rosa.get(url).status_code == 200
    # 1: the token   2: the count   3: the page, with each recovery source   4: the regions
    with django_assert_num_queries(4):
        assert rosa.get("/api/v1/conditions").status_code == 200
    # 1: the token   2: the filter's region   3: the count   4: the page   5: the regions
    with django_assert_num_queries(5):
        assert rosa.get("/api/v1/conditions?region=hip&care=home_exercise").status_code == 200
    # 1: the token   2: the count   3: the page   4: the regions   5: the conditions
    with django_assert_num_queries(5):
        assert rosa.get("/api/v1/red-flags").status_code == 200
    # The same, after 2: the filter's region
    with django_assert_num_queries(6):
        assert rosa.get("/api/v1/red-flags?region=hip").status_code == 200


# --- Admin writes -----------------------------------------------------------------------------


def test_an_admin_adds_a_condition(people) -> None:
    response = people.client("alice").post("/api/v1/conditions", new_condition(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "runners-heel-ache"
    assert body["recovery"]["display"] == "2 to 4 weeks"
    assert body["source"]["slug"] == "sore-ankle-after-walking"
    assert body["admin_edited"] is True
    shown = people.client("rosa").get("/api/v1/conditions/runners-heel-ache").json()
    assert [region["slug"] for region in shown["regions"]] == ["heel-achilles"]
    assert shown["symptoms"] == ["Ache after long runs"]


def test_an_admins_edit_of_a_condition_survives_the_next_catalog_load(people) -> None:
    alice = people.client("alice")
    response = alice.patch(
        "/api/v1/conditions/it-band-syndrome",
        {"care_note": "Ease off hills for a week.", "regions": ["knee"]},
        format="json",
    )
    assert response.status_code == 200, response.json()

    load_catalog()

    body = alice.get("/api/v1/conditions/it-band-syndrome").json()
    assert body["care_note"] == "Ease off hills for a week."
    assert [r["slug"] for r in body["regions"]] == ["knee"]
    assert body["recovery"]["display"] == "about 6 weeks"  # untouched by the PATCH
    assert body["admin_edited"] is True


def test_a_patch_of_the_recovery_keeps_what_it_leaves_out(people) -> None:
    response = people.client("alice").patch(
        "/api/v1/conditions/it-band-syndrome", {"recovery": {"max": 8}}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["recovery"]["display"] == "6 to 8 weeks"


def test_an_admin_adds_and_edits_a_red_flag(people) -> None:
    alice = people.client("alice")
    created = alice.post(
        "/api/v1/red-flags",
        {
            "slug": "heel-pain-at-night",
            "sign": "Heel pain that wakes you at night",
            "question": "Does heel pain wake you at night?",
            "urgency": "see_doctor_soon",
            "advice": "See a doctor before exercising on it.",
            "regions": ["heel-achilles"],
            "conditions": ["plantar-fasciitis"],
            "source": "sore-ankle-after-walking",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()

    changed = alice.patch(
        "/api/v1/red-flags/heel-pain-at-night", {"urgency": "emergency"}, format="json"
    )

    assert changed.status_code == 200
    assert changed.json()["urgency"] == "emergency"
    assert [c["slug"] for c in changed.json()["conditions"]] == ["plantar-fasciitis"]
    plantar = people.client("rosa").get("/api/v1/conditions/plantar-fasciitis").json()
    assert "heel-pain-at-night" in [flag["slug"] for flag in plantar["red_flags"]]


def test_an_admin_deletes_an_unused_condition_but_not_one_a_program_uses(people) -> None:
    alice = people.client("alice")
    alice.post("/api/v1/conditions", new_condition(), format="json")

    assert alice.delete("/api/v1/conditions/runners-heel-ache").status_code == 204
    assert alice.get("/api/v1/conditions/runners-heel-ache").status_code == 404
    in_use = alice.delete("/api/v1/conditions/it-band-syndrome")
    assert in_use.status_code == 409
    assert Condition.objects.filter(slug="it-band-syndrome").exists()


@pytest.mark.parametrize("who", ["rosa", "theo", "uma"])
def test_only_admins_write_the_catalog(people, who: str) -> None:
    client = people.client(who)
    flag = factories.calf_swelling()

    assert client.post("/api/v1/conditions", new_condition(), format="json").status_code == 403
    assert (
        client.patch("/api/v1/conditions/it-band-syndrome", {"name": "x"}, format="json")
    ).status_code == 403
    assert client.delete("/api/v1/conditions/it-band-syndrome").status_code == 403
    assert client.delete(f"/api/v1/red-flags/{flag.slug}").status_code == 403
    assert Condition.objects.get(slug="it-band-syndrome").admin_edited is False
    assert not Condition.objects.filter(slug="runners-heel-ache").exists()


def test_anonymous_writes_are_401(people) -> None:
    response = people.client(None).post("/api/v1/conditions", new_condition(), format="json")

    assert response.status_code == 401


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"regions": ["elbow"]}, "regions"),
        ({"regions": []}, "regions"),
        ({"source": "a-blog-post"}, "source"),
        ({"care": "rest"}, "care"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "it-band-syndrome"}, "slug"),
        ({"severity": "high"}, "severity"),
    ],
)
def test_a_bad_condition_is_a_400_naming_the_field(
    people, changes: dict[str, Any], field: str
) -> None:
    response = people.client("alice").post(
        "/api/v1/conditions", new_condition(**changes), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Condition.objects.filter(slug="runners-heel-ache").exists()


@pytest.mark.parametrize(
    ("recovery", "field"),
    [
        ({"min": 6, "max": 2, "text": "x"}, "max"),
        ({"min": 6, "text": "x"}, "max"),
        ({"min": 6, "max": 8, "text": ""}, "text"),
        ({"min": 2, "max": 4, "text": "x", "source": "nobody"}, "source"),
        ({"min": 2, "max": 4, "text": "x", "weeks": 3}, "weeks"),
    ],
)
def test_a_bad_recovery_timeline_names_the_field_within_it(
    people, recovery: dict[str, Any], field: str
) -> None:
    response = people.client("alice").post(
        "/api/v1/conditions", new_condition(recovery=recovery), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["recovery"]


def test_a_slug_cannot_change(people) -> None:
    response = people.client("alice").patch(
        "/api/v1/conditions/it-band-syndrome", {"slug": "itbs"}, format="json"
    )

    assert response.status_code == 400
    assert "slug" in response.json()


def test_a_red_flag_naming_an_unknown_condition_is_refused_by_field(people) -> None:
    response = people.client("alice").patch(
        "/api/v1/red-flags/cannot-bear-weight", {"conditions": ["broken-leg"]}, format="json"
    )

    assert response.status_code == 400
    assert "conditions" in response.json()
    assert RedFlag.objects.get(slug="cannot-bear-weight").admin_edited is False


def test_recovery_rules() -> None:
    assert recovery_problems(10, 12, "10 to 12 weeks") == {}
    assert recovery_problems(None, None, "") == {}
    assert recovery_problems(12, 10, "x") == {"max": ["Must not be below min (12)."]}
    assert "min" in recovery_problems(None, 4, "x")
    assert "text" in recovery_problems(2, 4, " ")
