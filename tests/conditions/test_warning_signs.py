"""Issue 15, point 1: the warning signs the screening asks, in their two kinds, each cited.

Emergencies (get help now) and signs to see a clinician about first, as the issue lists them;
every sign cites its article or a published clinical source with a full citation; and the
questions are worded so that the runner the programs are for, with an overuse injury that comes
and goes with training, is not sent away for the ordinary course of that injury.
"""

from __future__ import annotations

import re

import pytest
from django.db.models import Q

from conditions.models import RedFlag, Source
from planner.engine.screening import Verdict, verdict

pytestmark = pytest.mark.usefixtures("catalog")

# The issue's emergencies: the articles' DVT signs; calf swelling with breathlessness or chest
# pain; loss of bladder or bowel control, or saddle numbness, with back or leg pain; a leg that
# cannot bear weight after an injury; fever with a hot swollen joint; and the hip article's
# "seek medical attention immediately".
EMERGENCIES = [
    "dvt-calf-pain-swelling-warmth",
    "leg-swelling-with-breathlessness-or-chest-pain",
    "loss-of-bladder-or-bowel-control",
    "saddle-numbness",
    "cannot-bear-weight-after-injury",
    "hot-swollen-joint-with-fever",
    "severe-hip-pain",
]
# The issue's signs to see a clinician about first: pain over a few days not improving,
# recurrent pain after activity, swelling or bruising after an injury, numbness or tingling, an
# old injury not healed, and the runner's signs: groin pain on weight-bearing, a sudden snap in
# the calf or heel, pain at night.
SEE_A_CLINICIAN = [
    "pain-lasting-more-than-a-few-days",
    "recurrent-pain-after-activity",
    "swelling-or-bruising",
    "numbness-or-tingling",
    "old-injury-not-healed",
    "groin-pain-on-weight-bearing",
    "sudden-snap-in-calf-or-heel",
    "pain-worse-at-night",
]
# Asked whatever hurts: a clot and the spinal nerves are not a matter of where the runner hurts.
ASKED_OF_EVERYONE = [
    "dvt-calf-pain-swelling-warmth",
    "leg-swelling-with-breathlessness-or-chest-pain",
    "loss-of-bladder-or-bowel-control",
    "saddle-numbness",
]
GET_HELP_NOW = re.compile(r"\b(now|immediately|straight away)\b")


def flag(slug: str) -> RedFlag:
    return RedFlag.objects.select_related("source").get(slug=slug)


def urgencies() -> dict[str, str]:
    return dict(RedFlag.objects.values_list("slug", "urgency"))


def asked_for(region: str) -> set[str]:
    """The signs asked of a runner who hurts in this region alone."""
    flags = RedFlag.objects.filter(Q(regions__slug=region) | Q(regions__isnull=True))
    return set(flags.values_list("slug", flat=True))


def region_slugs(found: RedFlag) -> set[str]:
    return set(found.regions.values_list("slug", flat=True))


# --- The two kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", EMERGENCIES)
def test_each_emergency_the_issue_lists_stops_the_screening_as_one(slug: str) -> None:
    assert flag(slug).urgency == RedFlag.Urgency.EMERGENCY
    assert verdict({slug: True}, urgencies()) is Verdict.EMERGENCY


@pytest.mark.parametrize("slug", SEE_A_CLINICIAN)
def test_each_sign_to_see_a_clinician_about_asks_for_a_clinician_first(slug: str) -> None:
    assert flag(slug).urgency in {
        RedFlag.Urgency.SEE_DOCTOR_SOON,
        RedFlag.Urgency.STOP_UNTIL_ASSESSED,
    }
    assert verdict({slug: True}, urgencies()) is Verdict.SEE_CLINICIAN


def test_the_kinds_are_the_only_urgencies_and_all_no_is_clear() -> None:
    every = urgencies()
    assert set(every.values()) <= {choice for choice, _ in RedFlag.Urgency.choices}
    assert verdict(dict.fromkeys(every, False), every) is Verdict.CLEAR


# --- Cited, and advice in the source's terms --------------------------------------------------


def test_every_sign_cites_an_article_or_a_clinical_source_with_a_full_citation() -> None:
    for found in RedFlag.objects.select_related("source"):
        source = found.source
        assert Source.objects.filter(pk=source.pk).exists(), found.slug
        assert source.title, found.slug
        if source.kind == Source.Kind.ARTICLE:
            assert source.publisher and source.url, found.slug
        else:
            assert source.kind == Source.Kind.CLINICAL, found.slug
            assert source.citation and source.url.startswith("https://"), found.slug


@pytest.mark.parametrize(
    ("slug", "source"),
    [
        ("dvt-calf-pain-swelling-warmth", "legs-hurt-after-walking"),
        ("leg-swelling-with-breathlessness-or-chest-pain", "gloshospitals-dvt-leaflet"),
        ("loss-of-bladder-or-bowel-control", "royal-free-cauda-equina-leaflet"),
        ("saddle-numbness", "royal-free-cauda-equina-leaflet"),
        ("cannot-bear-weight-after-injury", "ottawa-ankle-and-knee-rules"),
        ("hot-swollen-joint-with-fever", "nhs-septic-arthritis"),
        ("severe-hip-pain", "ease-the-stride-hip-pain"),
        ("swelling-or-bruising", "sore-ankle-after-walking"),
        ("recurrent-pain-after-activity", "sore-ankle-after-walking"),
        ("groin-pain-on-weight-bearing", "flinn-2017-femoral-neck-stress-fracture"),
        ("sudden-snap-in-calf-or-heel", "bupa-2022-achilles-tendinopathy"),
        ("pain-worse-at-night", "nhs-bone-cancer-symptoms"),
    ],
)
def test_each_sign_cites_the_source_that_says_it(slug: str, source: str) -> None:
    assert flag(slug).source.slug == source


def test_the_ottawa_rules_are_cited_by_their_authors_and_journal() -> None:
    ottawa = Source.objects.get(slug="ottawa-ankle-and-knee-rules")
    assert "Stiell IG" in ottawa.citation and "Ann Emerg Med" in ottawa.citation
    assert "1992" in ottawa.citation and "1995" in ottawa.citation


@pytest.mark.parametrize("slug", EMERGENCIES)
def test_emergency_advice_says_to_get_help_now(slug: str) -> None:
    advice = flag(slug).advice.lower()
    assert GET_HELP_NOW.search(advice), advice
    assert "do not exercise" in advice


def test_advice_to_see_a_clinician_says_whom_to_see_and_never_calls_it_an_emergency() -> None:
    whom = ("doctor", "healthcare professional", "health care provider", "medical")
    for found in RedFlag.objects.exclude(urgency=RedFlag.Urgency.EMERGENCY):
        advice = found.advice.lower()
        assert any(word in advice for word in whom), found.slug
        assert "emergency" not in advice, found.slug


def test_a_clinical_sources_advice_says_may_and_does_not_diagnose() -> None:
    for found in RedFlag.objects.filter(source__kind=Source.Kind.CLINICAL):
        assert re.search(r"\bmay\b", found.advice), found.slug


# --- Asked of the right runners ---------------------------------------------------------------


@pytest.mark.parametrize("slug", ASKED_OF_EVERYONE)
def test_the_clot_and_spinal_nerve_signs_are_asked_whatever_hurts(slug: str) -> None:
    assert not flag(slug).regions.exists()


def test_a_runner_with_knee_pain_is_not_asked_about_the_hip_or_the_heel() -> None:
    knee = asked_for("knee")
    for slug in (
        "severe-hip-pain",
        "groin-pain-on-weight-bearing",
        "hip-pain-that-does-not-go-away",
        "sudden-snap-in-calf-or-heel",
        "recurrent-pain-after-activity",
    ):
        assert slug not in knee, slug
    assert {"cannot-bear-weight-after-injury", "hot-swollen-joint-with-fever"} <= knee
    assert set(ASKED_OF_EVERYONE) <= knee


def test_the_runners_signs_are_asked_where_they_are_felt() -> None:
    assert region_slugs(flag("groin-pain-on-weight-bearing")) == {"hip", "thigh-front"}
    assert region_slugs(flag("sudden-snap-in-calf-or-heel")) == {"calf", "heel-achilles"}
    assert "hip" not in region_slugs(flag("cannot-bear-weight-after-injury"))  # its own sign
    assert "severe-hip-pain-after-fall-or-injury" in asked_for("hip")


# --- Worded for the runner the programs are for -----------------------------------------------


def test_every_question_asks_one_yes_or_no_question() -> None:
    for found in RedFlag.objects.all():
        assert found.question.endswith("?") and found.question.count("?") == 1, found.slug
        assert len(found.question) <= 300, found.slug


def test_swelling_or_bruising_is_asked_about_after_an_injury() -> None:
    found = flag("swelling-or-bruising")
    assert "injury" in found.question.lower() and "injury" in found.sign.lower()
    # Not the gout and inflammation the ankle article also names: those are other signs.
    assert "gout" not in found.conditions.values_list("slug", flat=True)


def test_a_leg_that_cannot_bear_weight_is_an_emergency_only_after_an_injury() -> None:
    after = flag("cannot-bear-weight-after-injury").question.lower()
    assert "injury" in after and "four steps" in after and "limp" in after
    # The ankle article's own sign stays, for any cause, as one to see a clinician about.
    article = flag("cannot-bear-weight")
    assert article.urgency == RedFlag.Urgency.SEE_DOCTOR_SOON
    assert article.source.slug == "sore-ankle-after-walking"


def test_recurrent_pain_after_runs_asks_whether_a_clinician_has_checked_it() -> None:
    question = flag("recurrent-pain-after-activity").question
    assert "every time after you walk, run or exercise" not in question  # the old wording
    assert "checked" in question and "physiotherapist" in question


def test_pain_over_a_few_days_is_pain_that_does_not_improve_even_with_rest() -> None:
    question = flag("pain-lasting-more-than-a-few-days").question.lower()
    assert "even when you rest" in question and "a few days" in question


def test_hip_pain_that_goes_on_asks_whether_a_clinician_has_checked_it() -> None:
    assert "checked" in flag("hip-pain-that-does-not-go-away").question


def test_breathlessness_from_running_is_not_taken_for_a_clot() -> None:
    question = flag("leg-swelling-with-breathlessness-or-chest-pain").question.lower()
    assert "no clear reason" in question and "chest pain" in question


def test_the_runners_signs_ask_what_sets_them_apart_from_an_overuse_ache() -> None:
    assert "walk" in flag("groin-pain-on-weight-bearing").question  # weight-bearing, not only runs
    assert "suddenly" in flag("sudden-snap-in-calf-or-heel").question  # not a gradual ache
    night = flag("pain-worse-at-night").question
    assert "night" in night and "off the painful side" in night  # not lying on a sore hip


def test_the_spinal_nerve_signs_are_asked_one_at_a_time_and_since_the_pain_began() -> None:
    bladder = flag("loss-of-bladder-or-bowel-control").question.lower()
    saddle = flag("saddle-numbness").question.lower()
    assert "bladder" in bladder and "numb" not in bladder
    assert "numb" in saddle and "bladder" not in saddle
    assert bladder.startswith("since your back or leg pain began")
    assert saddle.startswith("since your back or leg pain began")
