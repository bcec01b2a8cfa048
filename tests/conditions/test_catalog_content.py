"""Spot checks: the loaded catalog says what the articles say, and cites them."""

from __future__ import annotations

import pytest

from conditions.models import Condition, RedFlag, Source
from exercises.models import Exercise
from planner.models import Prescription, Program

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


def test_every_condition_cites_an_article_and_every_warning_sign_an_article_or_citation() -> None:
    # The way back to running is no condition the articles describe: it cites the clinical
    # source of its program (conditions/data/conditions.yaml).
    after_one = Condition.objects.filter(care=Condition.Care.RETURN_TO_RUN)
    uncited = Condition.objects.exclude(source__kind=Source.Kind.ARTICLE).exclude(pk__in=after_one)
    assert not uncited.exists(), f"Condition not citing an article: {list(uncited)}"
    for entry in after_one.select_related("source"):
        assert entry.source.kind == Source.Kind.CLINICAL and entry.source.citation, entry.slug
    # Warning signs the articles do not give (issue 15) cite a published clinical source, by
    # its full citation (tests/conditions/test_warning_signs.py).
    for flag in RedFlag.objects.exclude(source__kind=Source.Kind.ARTICLE):
        assert flag.source.kind == Source.Kind.CLINICAL and flag.source.citation, flag.slug


def test_an_exercise_cites_an_article_or_the_clinical_programme_it_comes_from() -> None:
    # The exercises of the Silbernagel, Askling and LEAP programmes cite the clinical source
    # that describes them, recommend themselves with it, and take their doses from it.
    for exercise in Exercise.objects.exclude(source__kind=Source.Kind.ARTICLE):
        assert exercise.source.kind == Source.Kind.CLINICAL
        assert exercise.recommendation_set.filter(source=exercise.source).exists(), exercise
        assert exercise.dose_source == exercise.source, exercise
        assert exercise.dose_note, exercise


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
    ("slug", "start", "target", "sets", "hold", "unit"),
    [
        ("side-leg-lifts", 15, 30, (1, 1), 5, "reps"),
        # The article: 10 lifts, then "twice more" for 30 per side: 1, 2, then 3 sets of 10.
        ("one-legged-glute-bridge", 10, 10, (1, 3), 4, "reps"),
        ("piriformis-stretch", 10, 30, (1, 1), 0, "seconds"),
    ],
)
def test_the_hip_articles_doses_are_kept_exactly(
    slug: str, start: int, target: int, sets: tuple[int, int], hold: int, unit: str
) -> None:
    exercise = Exercise.objects.get(slug=slug)
    assert (exercise.start, exercise.target, exercise.hold_seconds, exercise.unit) == (
        start,
        target,
        hold,
        unit,
    )
    assert (exercise.sets, exercise.sets_target) == sets
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


def test_every_condition_fit_for_home_exercise_says_what_is_known_of_its_recovery() -> None:
    # The article's words, or that it gives no timeline. A range is kept only where the article
    # or a clinical source gives a time to recovery (issue 14): many conditions have none, and
    # a program's length is no recovery time (see test_article_facts.py).
    missing = Condition.objects.filter(care="home_exercise", recovery_text="")
    assert not missing.exists(), list(missing)
    numbers_without_words = Condition.objects.filter(recovery_max__isnull=False, recovery_text="")
    assert not numbers_without_words.exists(), list(numbers_without_words)


@pytest.mark.parametrize(("condition", "weeks"), [("it-band-syndrome", 6), ("hip-labral-tear", 12)])
def test_programs_run_over_the_recovery_timeline(condition: str, weeks: int) -> None:
    program = Program.objects.get(condition__slug=condition)
    assert program.weeks == weeks
    assert program.phases.order_by("order").last().last_week == weeks


def test_clamshells_in_a_program_add_the_band_at_the_target() -> None:
    prescription = Program.objects.get(condition__slug="it-band-syndrome").prescriptions.get(
        exercise__slug="clamshells"
    )
    assert (prescription.start, prescription.target, prescription.step) == (10, 30, 5)
    assert "band" in prescription.harder[0].lower()


# --- Programs that follow their clinical source ------------------------------------------
# Each of these programs cites a clinical trial; a clinician checks that it contains what the
# trial's patients did.


def prescriptions(program: Program) -> dict[str, Prescription]:
    return {
        p.exercise.slug: p
        for p in program.prescriptions.select_related("exercise").order_by("order")
    }


def goals(program: Program) -> str:
    return " ".join(program.phases.values_list("goal", flat=True)).lower()


@pytest.mark.parametrize("condition", ["achilles-tendonitis", "ankle-tendonitis"])
def test_tendon_programs_load_the_tendon_as_silbernagel_did(condition: str) -> None:
    program = Program.objects.get(condition__slug=condition)
    given = prescriptions(program)

    assert program.source.slug == "silbernagel-2007-achilles-pain-monitoring"
    assert program.weeks == 26
    # Heel-raise loading and slow (eccentric) lowering from the first week, on the floor...
    for slug in ("two-legged-heel-raises", "one-legged-heel-raises", "eccentric-heel-lowering"):
        assert given[slug].first_week == 1 and given[slug].frequency == "daily"
        assert "step" in given[slug].harder[0].lower()  # ...then on a step
    assert given["sitting-heel-raises"].first_week == 1
    # Faster, then loaded work in the later phases, kept up as maintenance to the end.
    assert given["quick-rebounding-heel-raises"].first_week > 1
    for slug in ("weighted-one-legged-heel-raises", "weighted-eccentric-heel-lowering"):
        assert given[slug].first_week > given["one-legged-heel-raises"].first_week
        assert given[slug].last_week == 26
    # The programme does not stretch the calf.
    assert "calf-stretch" not in given
    assert not any(p.exercise.kind == "stretch" for p in given.values())


@pytest.mark.parametrize("condition", ["achilles-tendonitis", "ankle-tendonitis"])
def test_tendon_programs_warn_about_pain_at_the_heel_bone(condition: str) -> None:
    program = Program.objects.get(condition__slug=condition)
    given = prescriptions(program)

    for slug in ("two-legged-heel-raises", "one-legged-heel-raises", "eccentric-heel-lowering"):
        cautions = " ".join(given[slug].exercise.cautions).lower()
        assert "heel bone" in cautions and "below" in cautions, slug
    assert "heel bone" in goals(program) and "stretch" in goals(program)


def test_silbernagels_doses_are_kept() -> None:
    # Three sets of 15 on the edge of a step; quick-rebounding heel raises three sets of 20.
    for slug in ("two-legged-heel-raises", "one-legged-heel-raises", "eccentric-heel-lowering"):
        exercise = Exercise.objects.get(slug=slug)
        assert (exercise.sets, exercise.target, exercise.unit) == (3, 15, "reps"), slug
    quick = Exercise.objects.get(slug="quick-rebounding-heel-raises")
    assert (quick.sets, quick.target) == (3, 20)


def test_the_calf_stretch_warns_about_pain_at_the_heel_bone() -> None:
    cautions = " ".join(Exercise.objects.get(slug="calf-stretch").cautions).lower()
    assert "heel bone" in cautions and "worse" in cautions


def test_the_hamstring_program_is_the_l_protocol() -> None:
    program = Program.objects.get(condition__slug="hamstring-strain")
    given = prescriptions(program)

    assert program.source.slug == "askling-2013-hamstring-rehab"
    assert list(given) == ["the-extender", "the-diver", "the-glider"]
    # Askling et al. 2013: the Extender 3 x 12 twice every day, the Diver 3 x 6 every other
    # day, the Glider 3 x 4 every third day (three times a week is the nearest schedule).
    doses = {slug: (p.sets, p.target, p.frequency) for slug, p in given.items()}
    assert doses == {
        "the-extender": (3, 12, "daily"),
        "the-diver": (3, 6, "every_other_day"),
        "the-glider": (3, 4, "three_per_week"),
    }
    assert given["the-extender"].first_week == 1
    # Twice a day: said by the dose itself, wherever it is shown.
    assert given["the-extender"].times_per_day == 2
    for prescription in given.values():
        exercise = prescription.exercise
        assert exercise.source.slug == "askling-2013-hamstring-rehab"
        assert "pain" in " ".join(exercise.cautions).lower()
    assert "pain-free" in goals(program)


def test_the_trochanteric_program_follows_leap_without_compressing_the_outer_hip() -> None:
    program = Program.objects.get(condition__slug="trochanteric-bursitis")
    given = prescriptions(program)

    assert program.source.slug == "mellor-2018-gluteal-tendinopathy"
    # No piriformis stretch, no crossed-leg stretch, no stretch of any kind.
    assert "piriformis-stretch" not in given
    assert not any(p.exercise.kind == "stretch" for p in given.values())
    for prescription in given.values():
        steps = " ".join(prescription.exercise.steps.values_list("text", flat=True)).lower()
        assert "cross your" not in steps and "cross one" not in steps, prescription.exercise
    # It starts with a static (isometric) abduction hold, held in seconds, in week 1...
    first = next(iter(given.values()))
    assert first.exercise.slug == "isometric-hip-abduction"
    assert (first.exercise.unit, first.first_week) == ("seconds", 1)
    # ...then functional loading that shifts more load onto the sore side.
    for slug in ("bridge", "sit-to-stand"):
        assert given[slug].harder == ["Offset"]
    # The LEAP load advice, from the first phase on.
    first_goal = program.phases.order_by("order")[0].goal.lower()
    for advice in ("cross your legs", "painful side", "pillow between your knees", "stretch"):
        assert advice in first_goal, advice
    assert "cross your legs" in " ".join(first.exercise.cautions).lower()


def test_the_piriformis_stretch_is_not_recommended_for_outer_hip_pain() -> None:
    stretch = Exercise.objects.get(slug="piriformis-stretch")
    assert "trochanteric-bursitis" not in stretch.conditions.values_list("slug", flat=True)
    assert "outside of the hip" in " ".join(stretch.cautions).lower()


@pytest.mark.parametrize("slug", ["clamshells", "side-leg-lifts"])
def test_side_lying_exercises_say_not_to_lie_on_the_painful_hip(slug: str) -> None:
    cautions = " ".join(Exercise.objects.get(slug=slug).cautions).lower()
    assert "never lie on that hip" in cautions


def test_no_program_allows_more_pain_in_words_than_its_rule() -> None:
    # A program run near pain-free must not tell the runner, in its summary or a phase goal,
    # that 5/10 is fine where that rule applies (the piriformis summary once did).
    from planner.programs.docs import read_catalog

    for program in read_catalog().programs:
        if program.pain_rule == "near_pain_free":
            assert "5/10" not in program.summary, program.slug
        for phase in program.phases:
            if (phase.pain_rule or program.pain_rule) == "near_pain_free":
                assert "5/10" not in phase.goal, (program.slug, phase.name)
