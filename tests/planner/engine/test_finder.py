"""The condition finder's decisions: which questions tell conditions apart, and how the
answers rank them, on made-up conditions and on every condition of the catalog."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from conditions.loader import DATA_DIR
from conditions.schema import ConditionEntry
from conditions.signs import QUESTIONS
from kit.datafiles import read_entries
from planner.engine.finder import (
    Answers,
    Candidate,
    Choice,
    Finding,
    Question,
    Sign,
    answer_errors,
    questions_to_ask,
    rank,
)

WHERE = Question(
    "where",
    "Where exactly?",
    "one",
    (
        Choice("outside-of-hip", "Outside of the hip", "outside of the hip"),
        Choice("groin", "In the groin", "in the groin"),
        Choice("heel", "In the heel", "in the heel"),
    ),
)
NOTICED = Question(
    "noticed",
    "Any of these?",
    "any",
    (
        Choice("clicking", "Clicking", "clicking"),
        Choice("swelling", "Swelling", "swelling"),
        Choice("numbness", "Numbness", "numbness or tingling"),
    ),
)
ONSET = Question(
    "onset",
    "How did it start?",
    "one",
    (Choice("gradually", "Gradually", "came on gradually"), Choice("suddenly", "Suddenly", "x")),
)


def candidate(slug: str, *signs: tuple[str, str], doctor_first: bool = False) -> Candidate:
    return Candidate(
        slug,
        slug.replace("-", " ").capitalize(),
        doctor_first,
        tuple(Sign(q, a, "An article") for q, a in signs),
    )


ITB = candidate("it-band", ("where", "outside-of-hip"), ("noticed", "clicking"))
BURSITIS = candidate("bursitis", ("where", "outside-of-hip"))
TENDINITIS = candidate("tendinitis", ("where", "groin"), ("noticed", "swelling"))
FRACTURE = candidate("fracture", doctor_first=True)


def answers(**given: list[str]) -> Answers:
    return {slug: frozenset(chosen) for slug, chosen in given.items()}


def test_only_questions_that_tell_the_conditions_apart_are_asked() -> None:
    asked = questions_to_ask([WHERE, NOTICED, ONSET], [ITB, BURSITIS, TENDINITIS])
    # Nobody's article says how it started: asking would tell nothing.
    assert [q.slug for q in asked] == ["where", "noticed"]
    # Only answers some article gives are offered: no heel, no numbness at the hip.
    assert [c.slug for c in asked[0].choices] == ["outside-of-hip", "groin"]
    assert [c.slug for c in asked[1].choices] == ["clicking", "swelling"]


def test_a_one_answer_question_with_one_named_answer_offers_the_others_too() -> None:
    slow = candidate("slow", ("onset", "gradually"))
    asked = questions_to_ask([ONSET], [slow, BURSITIS])
    assert [c.slug for c in asked[0].choices] == ["gradually", "suddenly"]
    # A sudden start is then against what the article says.
    found = rank(asked, [slow, BURSITIS], answers(onset=["suddenly"]))
    assert found.fits == () and [c.slug for c in found.unmatched] == ["slow", "bursitis"]


def test_a_question_every_condition_answers_alike_is_not_asked() -> None:
    same = [candidate("a", ("where", "groin")), candidate("b", ("where", "groin"))]
    assert questions_to_ask([WHERE], same) == []


def test_answers_rank_the_conditions_with_their_reasons_in_words() -> None:
    found = rank(
        [WHERE, NOTICED],
        [BURSITIS, ITB, TENDINITIS, FRACTURE],
        answers(where=["outside-of-hip"], noticed=["clicking"]),
    )
    assert [f.candidate.slug for f in found.fits] == ["it-band", "bursitis"]
    assert found.fits[0].summary == "Outside of the hip, clicking: It band fits"
    assert found.fits[0].reasons[0].source == "An article"
    assert not found.none_fits
    # The groin's tendinitis is described otherwise; the fracture is not described at all.
    assert [c.slug for c in found.unmatched] == ["tendinitis"]
    assert [c.slug for c in found.undescribed] == ["fracture"]


def test_an_article_silent_on_a_sign_counts_neither_for_nor_against() -> None:
    found = rank(
        [WHERE, NOTICED], [BURSITIS], answers(where=["outside-of-hip"], noticed=["swelling"])
    )
    assert found.fits[0].level == "fits" and found.fits[0].against == ()


def test_a_place_the_article_puts_elsewhere_counts_against() -> None:
    found = rank(
        [WHERE, NOTICED], [TENDINITIS], answers(where=["outside-of-hip"], noticed=["swelling"])
    )
    # One for, one against: not a fit.
    assert found.fits == () and found.none_fits


def test_more_for_than_against_fits_in_part_and_says_what_does_not_match() -> None:
    found = rank(
        [WHERE, NOTICED],
        [TENDINITIS],
        answers(where=["heel"], noticed=["swelling", "clicking"]),
    )
    assert found.fits == ()  # one for (swelling), one against (heel)
    strong = candidate(
        "strong", ("where", "groin"), ("noticed", "swelling"), ("noticed", "clicking")
    )
    found = rank(
        [WHERE, NOTICED], [strong], answers(where=["heel"], noticed=["swelling", "clicking"])
    )
    fit = found.fits[0]
    assert fit.level == "partly" and fit.against == ("in the heel",)
    assert fit.summary == "Clicking, swelling: Strong fits in part"
    assert found.none_fits  # nothing fits without something against it


def test_every_answer_not_sure_narrows_nothing_and_is_not_none_fits() -> None:
    found = rank([WHERE, NOTICED], [ITB, BURSITIS], answers(where=[], noticed=[]))
    assert not found.answered and not found.none_fits and found.fits == ()


def test_a_doctor_first_condition_keeps_its_mark_when_it_fits() -> None:
    clot = candidate("clot", ("where", "heel"), doctor_first=True)
    found = rank([WHERE], [clot, BURSITIS], answers(where=["heel"]))
    assert found.fits[0].candidate.doctor_first


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        ({"why": ["x"]}, "why", "Not a question asked here"),
        ({"where": ["knee"]}, "where", "'knee' is not an answer to this question"),
        ({"where": ["groin", "heel"]}, "where", "Give one answer"),
    ],
)
def test_bad_answers_are_named_by_question(
    given: Mapping[str, list[str]], field: str, words: str
) -> None:
    errors = answer_errors([WHERE, NOTICED], given)
    assert list(errors) == [field] and words in errors[field]


def test_several_ticks_to_an_any_question_are_fine() -> None:
    assert answer_errors([WHERE, NOTICED], {"noticed": ["clicking", "swelling"], "where": []}) == {}


# --- Every condition of the catalog: its typical answers find it -----------------------------

CATALOG = read_entries(DATA_DIR / "conditions.yaml", ConditionEntry)
ASKED = [
    Question(q.slug, q.text, q.choose, tuple(Choice(a.slug, a.label, a.reason) for a in q.answers))
    for q in QUESTIONS
]

# condition, the place chosen, answers typical of it (from its article's signs)
TYPICAL: list[tuple[str, str, dict[str, list[str]]]] = [
    ("piriformis-syndrome", "lower-back-buttock", {"where": ["buttock"]}),
    ("patellofemoral-pain-syndrome", "knee", {"where": ["around-kneecap"]}),
    ("knee-osteoarthritis", "knee", {"noticed": ["stiffness"]}),
    ("posterior-tibial-tendinitis", "ankle", {"where": ["inside-of-ankle"]}),
    ("peroneal-tendinitis", "foot", {"where": ["outside-of-ankle"]}),
    (
        "ankle-sprain",
        "ankle",
        {"where": ["outside-of-ankle"], "onset": ["suddenly"], "noticed": ["clicking", "swelling"]},
    ),
    (
        "stress-fracture",
        "shin",
        {"when": ["during-activity"], "brought-on": ["more-than-usual", "weight-bearing"]},
    ),
    ("metatarsalgia", "foot", {"where": ["ball-of-foot"], "onset": ["gradually"]}),
    (
        "delayed-onset-muscle-soreness",
        "thigh-front",
        {"when": ["next-day"], "brought-on": ["downhill", "speed"]},
    ),
    (
        "deep-vein-thrombosis",
        "calf",
        {"where": ["calf"], "brought-on": ["sitting"], "noticed": ["swelling", "redness-warmth"]},
    ),
    ("varicose-veins", "shin", {"when": ["any-time"], "noticed": ["cramping"]}),
    (
        "hip-osteoarthritis",
        "hip",
        {"where": ["groin"], "when": ["after-activity"], "noticed": ["stiffness", "swelling"]},
    ),
    ("hip-fracture", "hip", {"brought-on": ["injury"]}),
    ("trochanteric-bursitis", "hip", {"where": ["outside-of-hip"]}),
    (
        "hip-flexor-strain",
        "thigh-front",
        {"where": ["groin"]},
    ),
    (
        "it-band-syndrome",
        "hip",
        {"where": ["outside-of-hip"], "when": ["during-activity"], "noticed": ["clicking"]},
    ),
    (
        "iliopsoas-tendinitis",
        "hip",
        {"where": ["groin"], "brought-on": ["lifting-leg"], "noticed": ["spreads"]},
    ),
    (
        "hip-labral-tear",
        "hip",
        {"where": ["groin"], "onset": ["gradually"], "noticed": ["gives-way"]},
    ),
    (
        "ankle-tendonitis",
        "ankle",
        {"when": ["during-activity"], "noticed": ["swelling", "redness-warmth"]},
    ),
    ("ankle-bursitis", "heel-achilles", {"noticed": ["swelling"]}),
    ("ankle-synovitis", "ankle", {"noticed": ["swelling", "stiffness"]}),
    ("gout", "foot", {"onset": ["suddenly"], "noticed": ["redness-warmth", "swelling"]}),
    ("rheumatoid-arthritis", "ankle", {"noticed": ["swelling", "stiffness"]}),
    (
        "ankle-instability",
        "ankle",
        {"when": ["after-activity"], "brought-on": ["uneven-ground", "old-sprain"]},
    ),
    (
        "ankle-ligament-tear",
        "ankle",
        {"where": ["outside-of-ankle"], "brought-on": ["injury"], "noticed": ["bruising"]},
    ),
    ("ankle-tendon-tear", "ankle", {"brought-on": ["injury"], "noticed": ["weakness"]}),
    (
        "ankle-osteoarthritis",
        "ankle",
        {"brought-on": ["weight-bearing", "old-sprain"], "noticed": ["stiffness"]},
    ),
    (
        "plantar-fasciitis",
        "foot",
        {"where": ["heel"], "when": ["morning"], "brought-on": ["weight-bearing"]},
    ),
    ("peripheral-neuropathy", "foot", {"noticed": ["numbness"]}),
    (
        "hamstring-strain",
        "thigh-back",
        {"where": ["back-of-leg"], "brought-on": ["sudden-movement"]},
    ),
    (
        "sciatica",
        "lower-back-buttock",
        {"where": ["back-of-leg"], "noticed": ["spreads", "numbness"]},
    ),
    ("peripheral-artery-disease", "calf", {"when": ["eases-with-rest"], "noticed": ["cramping"]}),
    (
        "achilles-tendonitis",
        "heel-achilles",
        {"where": ["back-of-ankle"], "brought-on": ["shoes"], "noticed": ["stiffness"]},
    ),
    ("muscle-imbalances", "thigh-back", {"where": ["back-of-leg"], "when": ["during-activity"]}),
]

# Their articles give no sign beyond pain or soreness: answers cannot find them.
UNDESCRIBED = {
    "femoral-head-fracture",
    "si-joint-dysfunction",
    "knee-cartilage-tear",
    "knee-ligament-strain",
    "tenosynovitis",
    "pelvic-issues",
}


def place(region: str) -> list[Candidate]:
    return [
        Candidate(
            e.slug,
            e.name,
            e.care == "see_doctor_first",
            tuple(Sign(s.question, s.answer, s.source) for s in e.signs),
        )
        for e in CATALOG
        if region in e.regions and e.care != "return_to_run"
    ]


def test_every_condition_of_the_catalog_has_a_case_or_no_signs() -> None:
    painful = {e.slug for e in CATALOG if e.care != "return_to_run"}
    assert {slug for slug, _, _ in TYPICAL} | UNDESCRIBED == painful
    assert {e.slug for e in CATALOG if not e.signs and e.slug in painful} == UNDESCRIBED


@pytest.mark.parametrize(("slug", "region", "given"), TYPICAL, ids=[t[0] for t in TYPICAL])
def test_typical_answers_rank_the_condition_among_the_top_with_its_reasons(
    slug: str, region: str, given: dict[str, list[str]]
) -> None:
    candidates = place(region)
    asked = questions_to_ask(ASKED, candidates)
    assert answer_errors(asked, given) == {}, "the case asks only what this place is asked"
    found: Finding = rank(asked, candidates, answers(**given))
    ranked = [f.candidate.slug for f in found.fits]
    assert slug in ranked, ranked
    fit = found.fits[ranked.index(slug)]
    assert fit.level == "fits"
    # First, or tied with the first: as many answers for it, none against.
    best = found.fits[0]
    assert len(fit.reasons) - len(fit.against) == len(best.reasons) - len(best.against), ranked
    assert ranked.index(slug) < 3, ranked
    # Every typical answer its article gives is a reason, in words, citing the article.
    own = {(s.question, s.answer) for s in fit.candidate.signs}
    reasons = {r.words for r in fit.reasons}
    for question in asked:
        for answer in given.get(question.slug, []):
            if (question.slug, answer) in own:
                choice = question.choice(answer)
                assert choice is not None and choice.reason in reasons
    assert fit.summary.endswith(f"{fit.candidate.name} fits")


@pytest.mark.parametrize("slug", sorted(UNDESCRIBED))
def test_a_condition_without_signs_is_said_to_be_unmatchable(slug: str) -> None:
    region = next(e.regions[0] for e in CATALOG if e.slug == slug)
    candidates = place(region)
    found = rank(questions_to_ask(ASKED, candidates), candidates, answers())
    assert slug in {c.slug for c in found.undescribed}
