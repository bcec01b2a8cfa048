"""Five home programs contain the exercise content of the source each one cites (issue 14,
point 1): what a clinician reviewing the loaded catalog would check first.

- Ankle sprain: the eight-week home balance programme of Hupperets et al. 2009, after a week
  of RICE.
- Runner's knee: the quadriceps retraining, hip retraining and stretches of the physiotherapy of
  Collins et al. 2008, with hip strengthening.
- Hip flexor strain: an exercise that loads the hip flexors, step by step.
- Hip labral tear: the hip, trunk, thigh and stability work the article asks for, pain-free.
- Plantar fasciitis: the plantar-fascia-specific stretch of DiGiovanni et al. 2003 at its own
  dose, and the loaded heel raises of Rathleff et al. 2015.
"""

from __future__ import annotations

import pytest

from conditions.models import Source
from exercises.models import Exercise, Variation
from planner.models import Prescription, Program

pytestmark = pytest.mark.usefixtures("catalog")

PROGRAMS = {
    "ankle-sprain": "ankle-sprain-home-program",
    "patellofemoral-pain-syndrome": "patellofemoral-pain-syndrome-home-program",
    "hip-flexor-strain": "hip-flexor-strain-home-program",
    "hip-labral-tear": "hip-labral-tear-home-program",
    "plantar-fasciitis": "plantar-fasciitis-home-program",
}

# The exercises written for these programs.
NEW_EXERCISES = [
    "one-legged-stance",
    "one-legged-knee-bend",
    "toe-raises-on-a-step",
    "small-knee-bends",
    "step-downs",
    "plantar-fascia-stretch",
    "heel-raises-with-towel",
    "standing-knee-lift",
    "front-plank",
]


def program(condition: str) -> Program:
    return Program.objects.select_related("source", "weeks_source").get(
        slug=PROGRAMS[condition], condition__slug=condition
    )


def prescriptions(condition: str) -> dict[str, Prescription]:
    return {
        p.exercise.slug: p
        for p in program(condition)
        .prescriptions.select_related("exercise", "exercise__source")
        .order_by("order")
    }


def goals(condition: str) -> str:
    return " ".join(program(condition).phases.values_list("goal", flat=True)).lower()


def regions(prescription: Prescription) -> set[str]:
    return set(prescription.exercise.regions.values_list("slug", flat=True))


def kinds(exercise: Exercise) -> dict[str, str]:
    return dict(exercise.variations.values_list("name", "kind"))


# --- Every program: its load steps are real, and its length is not a recovery time ---------


@pytest.mark.parametrize("condition", PROGRAMS)
def test_harder_and_easier_name_variations_of_the_right_kind(condition: str) -> None:
    for slug, prescription in prescriptions(condition).items():
        known = kinds(prescription.exercise)
        for name in prescription.harder:
            assert known.get(name) == Variation.Kind.HARDER, (slug, name)
        if prescription.easier:
            easier = prescription.easier
            assert known.get(easier) == Variation.Kind.EASIER, (slug, easier)


@pytest.mark.parametrize("condition", PROGRAMS)
def test_the_length_says_where_it_comes_from_and_is_not_a_recovery_time(condition: str) -> None:
    chosen = program(condition)
    note = chosen.weeks_note.lower()
    assert note, chosen.slug
    assert "not a recovery time" in note or "not how long" in note or "not a healing" in note
    assert chosen.phases.order_by("order").last().last_week == chosen.weeks


@pytest.mark.parametrize("condition", PROGRAMS)
def test_only_the_plans_pain_rule_says_how_much_pain_is_fine(condition: str) -> None:
    # An exercise serves programs with different rules: its cautions name no pain level, so
    # they never contradict the rule the card, the handout and the engine apply.
    for slug, prescription in prescriptions(condition).items():
        cautions = " ".join(prescription.exercise.cautions)
        assert "/10" not in cautions, slug
        assert "settle by the next morning" not in cautions, slug


# --- Ankle sprain: Hupperets et al. 2009 ------------------------------------------------------


def test_the_ankle_sprain_program_is_a_week_of_rice_then_hupperets_balance_training() -> None:
    chosen = program("ankle-sprain")
    given = prescriptions("ankle-sprain")

    assert chosen.source.slug == "hupperets-2009-ankle-sprain-training"
    assert chosen.weeks_source.slug == "hupperets-2009-ankle-sprain-training"
    assert chosen.weeks == 1 + 8  # RICE, then the trial's eight weeks
    first = chosen.phases.order_by("order").first()
    assert (first.first_week, first.last_week) == (1, 1)
    for word in ("rest", "ice", "compression", "raised", "swelling"):
        assert word in first.goal.lower(), word
    # Balance training, three sessions a week from week 2, as in the trial.
    balance = [p for p in given.values() if p.exercise.kind == "balance"]
    assert {p.exercise.slug for p in balance} >= {"one-legged-stance", "one-legged-knee-bend"}
    for prescription in balance:
        assert (prescription.first_week, prescription.frequency) == (2, "three_per_week")
        assert prescription.exercise.source.slug == "hupperets-2009-ankle-sprain-training"
        # On the floor, then eyes closed, then on an unstable surface; holding on is easier.
        assert prescription.harder == ["Eyes closed", "On a cushion"]
        assert prescription.easier == "Holding on"
    # Ankle strengthening.
    toe_raises = given["toe-raises-on-a-step"]
    assert toe_raises.exercise.kind == "strengthen" and "ankle" in regions(toe_raises)
    assert toe_raises.frequency == "three_per_week"
    # The RICE week holds no exercise; the calf stretch of the article is kept.
    assert min(p.first_week for p in given.values()) == 2
    assert "calf-stretch" in given


def test_hupperets_doses_are_kept() -> None:
    # One minute on one leg, three times per leg; two sets of 15 knee bends and toe raises.
    stance = Exercise.objects.get(slug="one-legged-stance")
    assert (stance.unit, stance.sets, stance.target, stance.per_side) == ("seconds", 3, 60, True)
    bend = Exercise.objects.get(slug="one-legged-knee-bend")
    assert (bend.unit, bend.sets, bend.target, bend.per_side) == ("reps", 2, 15, True)
    assert "110 degrees" in " ".join(bend.steps.values_list("text", flat=True))
    toe_raises = Exercise.objects.get(slug="toe-raises-on-a-step")
    assert (toe_raises.sets, toe_raises.target) == (2, 15)
    assert toe_raises.variations.get(kind="harder").name == "Without holding on"


def test_the_ankle_sprain_program_is_pain_free_or_almost_as_its_source_advises() -> None:
    chosen = program("ankle-sprain")
    assert {p.pain_rule for p in chosen.prescriptions.all()} == {"near_pain_free"}
    assert "5/10" not in chosen.summary + goals("ankle-sprain")
    assert Source.objects.get(slug="racgp-handi-ankle-sprain-exercise").citation


# --- Runner's knee: Collins et al. 2008 -------------------------------------------------------


def test_the_runners_knee_program_strengthens_the_hip_and_the_thigh() -> None:
    chosen = program("patellofemoral-pain-syndrome")
    given = prescriptions("patellofemoral-pain-syndrome")

    assert chosen.source.slug == "collins-2008-patellofemoral-pain"
    assert chosen.weeks == 6
    assert chosen.weeks_source.slug == "collins-2008-patellofemoral-pain"
    # Hip strengthening: the external rotators (clamshells) and the abductors (side leg lifts).
    for slug in ("clamshells", "side-leg-lifts"):
        assert given[slug].exercise.kind == "strengthen" and "hip" in regions(given[slug])
        assert given[slug].harder == ["With an exercise band"]
    # Knee (quadriceps) strengthening, as in the trial's vasti retraining, and the article's.
    for slug in ("small-knee-bends", "step-downs", "quadriceps-strengthening"):
        assert given[slug].exercise.kind == "strengthen", slug
        assert "thigh-front" in regions(given[slug]), slug
    # The trial's doses: knee bends 3 x 10; step-downs 3 x 10, then a higher step, then speed.
    bends = given["small-knee-bends"]
    assert (bends.sets_target, bends.target) == (3, 10)
    assert bends.easier == "Thigh squeeze sitting"
    steps_down = given["step-downs"]
    assert (steps_down.sets_target, steps_down.target, steps_down.start) == (3, 10, 5)
    assert steps_down.first_week > 1
    assert steps_down.harder == ["From a higher step", "Changing speed"]
    # Hamstring and front-of-hip stretches, 3 x 20 seconds.
    for slug in ("hamstring-stretch", "hip-flexor-stretch"):
        stretch = given[slug]
        assert (stretch.sets, stretch.start, stretch.target) == (3, 20, 20), slug
    assert {p.pain_rule for p in given.values()} == {"pain_monitoring"}


# --- Hip flexor strain ------------------------------------------------------------------------


def test_the_hip_flexor_program_loads_the_hip_flexors_step_by_step() -> None:
    given = prescriptions("hip-flexor-strain")

    lift = given["standing-knee-lift"]
    assert lift.exercise.kind == "strengthen"
    assert {"hip", "thigh-front"} <= regions(lift)
    # A static press first (easier), the lift, then against a band and a heavier band.
    assert lift.easier == "Seated press"
    assert lift.harder == ["With an exercise band", "With a heavier band"]
    assert lift.sets_target > lift.sets and lift.start < lift.target
    assert lift.first_week == 1
    # What it had that still fits is kept.
    assert {"hip-flexor-stretch", "clamshells", "side-leg-lifts", "one-legged-glute-bridge"} <= set(
        given
    )
    assert {p.pain_rule for p in given.values()} == {"near_pain_free"}
    assert "5/10" not in program("hip-flexor-strain").summary


# --- Hip labral tear --------------------------------------------------------------------------


def test_the_labral_tear_program_has_hip_trunk_thigh_and_stability_work() -> None:
    chosen = program("hip-labral-tear")
    given = prescriptions("hip-labral-tear")

    assert chosen.weeks == 12  # the article's 10 to 12 weeks
    # Hip.
    assert {"clamshells", "side-leg-lifts", "one-legged-glute-bridge"} <= set(given)
    # Trunk (core): the front plank.
    plank = given["front-plank"]
    assert plank.exercise.kind == "strengthen" and "lower-back-buttock" in regions(plank)
    assert plank.easier and plank.harder
    # Stability: balance on one leg; thigh with stability: one-leg knee bends.
    assert given["one-legged-stance"].exercise.kind == "balance"
    assert "thigh-front" in regions(given["one-legged-knee-bend"])
    # Pain-free range, no deep hip bending, no pinching.
    assert {p.pain_rule for p in given.values()} == {"near_pain_free"}
    text = chosen.summary.lower() + goals("hip-labral-tear")
    assert "pinch" in text and "deep" in text and "5/10" not in text
    for slug in ("front-plank", "one-legged-stance", "one-legged-knee-bend"):
        assert "pinch" in " ".join(given[slug].exercise.cautions).lower(), slug


# --- Plantar fasciitis: DiGiovanni et al. 2003, Rathleff et al. 2015 ------------------------


def test_the_plantar_fascia_stretch_is_10_holds_of_10_seconds_three_times_a_day() -> None:
    stretch = prescriptions("plantar-fasciitis")["plantar-fascia-stretch"]
    exercise = stretch.exercise

    assert exercise.source.slug == "digiovanni-2003-plantar-fascia-stretching"
    assert exercise.kind == "stretch"
    assert exercise.unit == "reps"
    assert (stretch.sets, stretch.start, stretch.target, stretch.hold_seconds) == (1, 10, 10, 10)
    assert (stretch.frequency, stretch.times_per_day, stretch.first_week) == ("daily", 3, 1)
    steps = " ".join(exercise.steps.values_list("text", flat=True)).lower()
    assert "toes" in steps and "arch" in steps and "first steps in the morning" in steps


def test_the_plantar_program_loads_the_heel_as_rathleff_did() -> None:
    raises = prescriptions("plantar-fasciitis")["heel-raises-with-towel"]
    exercise = raises.exercise

    assert exercise.source.slug == "rathleff-2015-plantar-fasciitis-strength"
    assert "towel" in " ".join(exercise.steps.values_list("text", flat=True)).lower()
    # Every second day, three sets of 12, a 2-second hold at the top, then a backpack of books.
    assert raises.frequency == "every_other_day"
    assert (raises.sets, raises.target, raises.hold_seconds) == (3, 12, 2)
    assert raises.harder == ["With a backpack of books", "With a heavier backpack"]
    assert raises.easier


def test_the_plantar_program_length_is_not_digiovannis_reassessment_called_a_recovery() -> None:
    chosen = program("plantar-fasciitis")
    assert chosen.source.slug == "digiovanni-2003-plantar-fascia-stretching"
    assert "check point" in chosen.weeks_note.lower()
    assert {"plantar-fascia-stretch", "heel-raises-with-towel", "calf-stretch"} <= set(
        prescriptions("plantar-fasciitis")
    )


# --- The new exercises ------------------------------------------------------------------------


@pytest.mark.parametrize("slug", NEW_EXERCISES)
def test_a_new_exercise_has_an_easier_and_a_harder_version_and_its_sources(slug: str) -> None:
    exercise = Exercise.objects.select_related("source", "dose_source").get(slug=slug)

    variation_kinds = set(exercise.variations.values_list("kind", flat=True))
    assert {Variation.Kind.EASIER, Variation.Kind.HARDER} <= variation_kinds
    assert exercise.source is not None
    assert exercise.dose_note
    assert exercise.recommendation_set.exists()
    for recommendation in exercise.recommendation_set.select_related("source"):
        assert recommendation.note and recommendation.source is not None
    if exercise.source.kind == Source.Kind.CLINICAL:
        assert exercise.source.citation
        assert exercise.dose_source == exercise.source
    assert exercise.steps.exists() and exercise.cautions


# --- Every program: where its length comes from (issue 14, point 2) -------------------------

# The only programs whose length follows an article's own timeline, quoted in their note.
ARTICLE_TIMELINE = {
    "it-band-syndrome-home-program": "it-band-syndrome",
    "hip-labral-tear-home-program": "hip-labral-tear",
}
NOT_A_RECOVERY_TIME = ("not a recovery time", "not how long", "not a healing time")


def all_programs() -> list[Program]:
    return list(Program.objects.select_related("condition", "weeks_source").order_by("slug"))


def test_every_program_says_where_its_length_comes_from() -> None:
    programs = all_programs()
    assert len(programs) >= 16
    for chosen in programs:
        note = chosen.weeks_note.strip()
        assert note, chosen.slug
        assert len(note) < 600, chosen.slug  # one or two sentences, not an essay


def test_only_the_two_article_timeline_programs_take_their_length_from_a_recovery_time() -> None:
    for chosen in all_programs():
        note = chosen.weeks_note.lower()
        if chosen.slug in ARTICLE_TIMELINE:
            # The article's own words, quoted; no clinical source; the end of its range.
            assert chosen.condition.slug == ARTICLE_TIMELINE[chosen.slug]
            assert chosen.condition.recovery_text in chosen.weeks_note, chosen.slug
            assert "article's own recovery time" in note, chosen.slug
            assert chosen.weeks_source is None, chosen.slug
            assert chosen.weeks == chosen.condition.recovery_max, chosen.slug
            continue
        assert any(words in note for words in NOT_A_RECOVERY_TIME), chosen.slug
        assert "own recovery time" not in note and "article's own" not in note, chosen.slug
        if chosen.weeks_source is None:
            assert "the project's own choice" in note, chosen.slug
        else:
            # The note names the programme it measures: the source's first author.
            first_author = chosen.weeks_source.citation.split()[0].rstrip(",")
            assert first_author in chosen.weeks_note, (chosen.slug, first_author)


@pytest.mark.parametrize(
    ("slug", "weeks", "weeks_source"),
    [
        ("knee-osteoarthritis-home-program", 6, "skou-roos-2017-glad"),
        ("hip-osteoarthritis-home-program", 6, "skou-roos-2017-glad"),
        ("trochanteric-bursitis-home-program", 8, "mellor-2018-gluteal-tendinopathy"),
        ("iliopsoas-tendinitis-home-program", 8, "mellor-2018-gluteal-tendinopathy"),
        ("achilles-tendonitis-home-program", 26, "silbernagel-2007-achilles-pain-monitoring"),
        ("ankle-tendonitis-home-program", 26, "silbernagel-2007-achilles-pain-monitoring"),
        ("piriformis-syndrome-home-program", 4, None),
        ("muscle-imbalances-home-program", 4, None),
        ("hamstring-strain-home-program", 8, None),
        ("ankle-osteoarthritis-home-program", 6, None),
    ],
)
def test_a_length_cites_the_programme_that_lasted_that_long(
    slug: str, weeks: int, weeks_source: str | None
) -> None:
    chosen = Program.objects.select_related("weeks_source").get(slug=slug)
    assert chosen.weeks == weeks
    assert (chosen.weeks_source.slug if chosen.weeks_source else None) == weeks_source


def test_borrowed_lengths_say_they_are_borrowed() -> None:
    # The LEAP trial treated gluteal tendinopathy; GLA:D is for the knee and hip.
    iliopsoas = Program.objects.get(slug="iliopsoas-tendinitis-home-program").weeks_note
    assert "extrapolation" in iliopsoas and "gluteal tendinopathy" in iliopsoas
    ankle = Program.objects.get(slug="ankle-osteoarthritis-home-program").weeks_note
    assert "not the ankle" in ankle
    hamstring = Program.objects.get(slug="hamstring-strain-home-program").weeks_note
    assert "28" in hamstring and "51" in hamstring  # the trial's return times, named as such


# --- Knee osteoarthritis: GLA:D (Skou & Roos 2017) ---------------------------------------------


def test_the_knee_osteoarthritis_program_is_glad_education_and_neuromuscular_exercise() -> None:
    chosen = Program.objects.select_related("source", "weeks_source").get(
        slug="knee-osteoarthritis-home-program", condition__slug="knee-osteoarthritis"
    )
    given = {
        p.exercise.slug: p
        for p in chosen.prescriptions.select_related("exercise").order_by("order")
    }
    text = (chosen.summary + " " + " ".join(chosen.phases.values_list("goal", flat=True))).lower()

    assert chosen.source.slug == "skou-roos-2017-glad"
    assert chosen.weeks_source.slug == "skou-roos-2017-glad"
    assert chosen.weeks == 6
    # Core stability: the bridge, for the trunk and buttock muscles.
    bridge = given["bridge"]
    assert bridge.exercise.kind == "strengthen" and "lower-back-buttock" in regions(bridge)
    # Balance on one leg with the knee over the foot: step-downs on the sore leg, once five can
    # be done without pain (from week 3).
    steps_down = given["step-downs"]
    steps = " ".join(steps_down.exercise.steps.values_list("text", flat=True)).lower()
    assert "the other foot in the air" in steps and "in line with the middle of its foot" in steps
    assert steps_down.first_week == 3 and steps_down.start == 5
    assert "balance" in text
    # Lower-extremity strength and functional exercise.
    for slug in ("quadriceps-strengthening", "small-knee-bends", "sit-to-stand"):
        assert given[slug].exercise.kind == "strengthen", slug
        assert "thigh-front" in regions(given[slug]), slug
    # Every exercise is recommended for knee osteoarthritis on GLA:D's authority.
    for slug, prescription in given.items():
        recommendation = prescription.exercise.recommendation_set.select_related("source").get(
            condition__slug="knee-osteoarthritis"
        )
        assert recommendation.source.slug == "skou-roos-2017-glad", slug
        assert recommendation.note, slug
    # Unsupervised at home: three times a week, the planner's nearest to GLA:D's twice.
    assert {p.frequency for p in given.values()} == {"three_per_week"}
    # The pain-monitoring model, and no exercise worded for the stricter rule.
    assert {p.pain_rule for p in given.values()} == {"pain_monitoring"}
    for slug, prescription in given.items():
        assert "2/10" not in " ".join(prescription.exercise.cautions), slug
    # Honest goals: osteoarthritis is not cured; less pain and better function.
    assert "not cured" in text and "less pain" in text and "better" in text


# --- Done more than once a day ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("program_slug", "exercise", "times"),
    [
        ("hamstring-strain-home-program", "the-extender", 2),  # Askling et al. 2013
        ("trochanteric-bursitis-home-program", "isometric-hip-abduction", 2),  # LEAP
        ("plantar-fasciitis-home-program", "plantar-fascia-stretch", 3),  # DiGiovanni et al.
    ],
)
def test_a_dose_the_source_repeats_each_day_says_how_often(
    program_slug: str, exercise: str, times: int
) -> None:
    prescription = Prescription.objects.get(program__slug=program_slug, exercise__slug=exercise)
    assert prescription.times_per_day == times
    assert prescription.frequency == "daily"


def test_every_other_dose_is_once_a_day() -> None:
    repeated = {"the-extender", "isometric-hip-abduction", "plantar-fascia-stretch"}
    others = Prescription.objects.exclude(exercise__slug__in=repeated)
    assert set(others.values_list("times_per_day", flat=True)) == {1}
