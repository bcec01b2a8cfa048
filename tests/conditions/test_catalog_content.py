"""Spot checks: the loaded catalog says what the articles say, and cites them."""

from __future__ import annotations

import pytest

from conditions.models import Condition, RedFlag, Source
from exercises.models import Exercise
from planner.models import Program

pytestmark = pytest.mark.usefixtures("catalog")

# The five source articles: slug -> (title, publisher).
ARTICLES = {
    "leg-joints-hurt-after-running": ("Leg Joints Hurt After Running", "SportsRec"),
    "legs-hurt-after-walking": ("Why Do My Legs Hurt After Walking?", "Florida Pain Medicine"),
    "ease-the-stride-hip-pain": (
        "Ease the Stride: Proven Ways to Treat Hip Pain from Walking and Running",
        "laximedical.com",
    ),
    "sore-ankle-after-walking": (
        "Sore Ankle After Walking? What\u2019s Causing It And How To Address It",
        "Regenexx",
    ),
    "back-of-leg-hurts-walking": ("Why Does the Back of My Leg Hurt When I Walk?", "dossia.org"),
}


def test_the_five_articles_are_the_sources_with_their_titles_and_publishers() -> None:
    articles = {
        slug: (title, publisher)
        for slug, title, publisher in Source.objects.filter(kind="article").values_list(
            "slug", "title", "publisher"
        )
    }
    assert articles == ARTICLES
    for url in Source.objects.filter(kind="article").values_list("url", flat=True):
        assert url.startswith("https://")


def test_every_entry_cites_an_article() -> None:
    for model in (Condition, RedFlag, Exercise):
        uncited = model.objects.exclude(source__kind=Source.Kind.ARTICLE)
        assert not uncited.exists(), f"{model.__name__} not citing an article: {list(uncited)}"


def test_clamshells_go_from_10_to_30_per_side_then_add_a_band() -> None:
    clamshells = Exercise.objects.get(slug="clamshells")

    assert (clamshells.start, clamshells.target, clamshells.unit) == (10, 30, "reps")
    assert clamshells.per_side
    assert "band" in clamshells.variations.get().name.lower()
    assert clamshells.source.slug == "ease-the-stride-hip-pain"


def test_a_step_not_given_by_the_article_cites_its_clinical_source() -> None:
    clamshells = Exercise.objects.get(slug="clamshells")

    assert clamshells.step == 5
    assert clamshells.dose_source is not None
    assert clamshells.dose_source.kind == Source.Kind.CLINICAL
    assert "not" in clamshells.dose_note.lower() or "planner" in clamshells.dose_note.lower()


@pytest.mark.parametrize(
    ("slug", "start", "target", "hold", "unit"),
    [
        ("side-leg-lifts", 15, 30, 5, "reps"),
        ("one-legged-glute-bridge", 10, 30, 4, "reps"),
        ("piriformis-stretch", 10, 30, 0, "seconds"),
    ],
)
def test_the_hip_articles_doses_are_kept_exactly(
    slug: str, start: int, target: int, hold: int, unit: str
) -> None:
    exercise = Exercise.objects.get(slug=slug)
    assert (exercise.start, exercise.target, exercise.hold_seconds, exercise.unit) == (
        start,
        target,
        hold,
        unit,
    )
    assert exercise.per_side


@pytest.mark.parametrize(
    ("slug", "low", "high", "unit"),
    [("it-band-syndrome", 6, 6, "weeks"), ("hip-labral-tear", 10, 12, "weeks")],
)
def test_recovery_timelines_are_the_articles_numbers(
    slug: str, low: int, high: int, unit: str
) -> None:
    condition = Condition.objects.get(slug=slug)
    assert (condition.recovery_min, condition.recovery_max, condition.recovery_unit) == (
        low,
        high,
        unit,
    )
    assert condition.recovery_source is None  # from the article itself
    assert condition.recovery_text


def test_doms_comes_12_to_24_hours_after_walking() -> None:
    doms = Condition.objects.get(slug="delayed-onset-muscle-soreness")
    assert "12-24 hours" in doms.summary + " ".join(doms.symptoms)


def test_dvt_signs_are_an_emergency_and_dvt_needs_a_doctor_first() -> None:
    flag = RedFlag.objects.get(slug="dvt-calf-pain-swelling-warmth")

    assert flag.urgency == RedFlag.Urgency.EMERGENCY
    assert "swelling" in flag.sign.lower() and "warm" in flag.sign.lower()
    assert Condition.objects.get(slug="deep-vein-thrombosis").care == "see_doctor_first"
    assert flag.source.slug == "legs-hurt-after-walking"


def test_pain_that_starts_walking_and_eases_at_rest_points_to_the_arteries() -> None:
    flag = RedFlag.objects.get(slug="pain-starts-walking-eases-at-rest")

    assert flag.urgency != RedFlag.Urgency.STOP_UNTIL_ASSESSED or flag.advice
    assert "peripheral-artery-disease" in flag.conditions.values_list("slug", flat=True)


@pytest.mark.parametrize(
    "slug", ["deep-vein-thrombosis", "peripheral-artery-disease", "stress-fracture"]
)
def test_conditions_that_need_a_doctor_get_no_program(slug: str) -> None:
    condition = Condition.objects.get(slug=slug)
    assert condition.care == Condition.Care.SEE_DOCTOR_FIRST
    assert condition.care_note
    assert not Program.objects.filter(condition=condition).exists()


def test_every_condition_fit_for_home_exercise_has_a_recovery_range() -> None:
    missing = Condition.objects.filter(care="home_exercise", recovery_max__isnull=True)
    assert not missing.exists(), list(missing)


@pytest.mark.parametrize(("condition", "weeks"), [("it-band-syndrome", 6), ("hip-labral-tear", 12)])
def test_programs_run_over_the_recovery_timeline(condition: str, weeks: int) -> None:
    program = Program.objects.get(condition__slug=condition)
    assert program.weeks == weeks
    assert program.phases.order_by("order").last().last_week == weeks


def test_clamshells_in_a_program_add_the_band_at_the_target() -> None:
    prescription = (
        Program.objects.get(condition__slug="it-band-syndrome")
        .prescriptions.select_related("variation")
        .get(exercise__slug="clamshells")
    )
    assert (prescription.start, prescription.target, prescription.step) == (10, 30, 5)
    assert "band" in prescription.variation.name.lower()
