"""The verdict on the warning-sign answers, and whether a plan may start on them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.engine.screening import (
    VALID_FOR,
    Screened,
    Verdict,
    check_in_due,
    cited_sources,
    covered_by_clearance,
    may_start_plan,
    regions_asked,
    verdict,
)

URGENCIES = {
    "dvt-calf-pain-swelling-warmth": "emergency",
    "cannot-bear-weight-after-injury": "emergency",
    "pain-lasting-more-than-a-few-days": "stop_until_assessed",
    "recurrent-pain-after-activity": "stop_until_assessed",
    "numbness-or-tingling": "see_doctor_soon",
}
NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)


def test_no_answers_yet_is_unscreened_and_all_no_is_clear() -> None:
    assert verdict(None, URGENCIES) is Verdict.UNSCREENED
    assert verdict(dict.fromkeys(URGENCIES, False), URGENCIES) is Verdict.CLEAR
    assert verdict({}, URGENCIES) is Verdict.CLEAR


@pytest.mark.parametrize("slug", sorted(URGENCIES))
def test_each_sign_alone_gives_its_kind(slug: str) -> None:
    answers = {s: s == slug for s in URGENCIES}
    expected = Verdict.EMERGENCY if URGENCIES[slug] == "emergency" else Verdict.SEE_CLINICIAN
    assert verdict(answers, URGENCIES) is expected


def test_an_emergency_outranks_any_sign_to_see_a_clinician_about() -> None:
    answers = {"pain-lasting-more-than-a-few-days": True, "dvt-calf-pain-swelling-warmth": True}
    assert verdict(answers, URGENCIES) is Verdict.EMERGENCY


def test_a_sign_of_unknown_urgency_is_never_taken_lightly() -> None:
    assert verdict({"something-new": True}, URGENCIES) is Verdict.SEE_CLINICIAN


@given(st.dictionaries(st.sampled_from(sorted(URGENCIES)), st.booleans()))
def test_the_verdict_is_clear_exactly_when_every_answer_is_no(answers: dict[str, bool]) -> None:
    found = verdict(answers, URGENCIES)
    assert (found is Verdict.CLEAR) == (not any(answers.values()))
    emergency = any(answers.get(s) for s, u in URGENCIES.items() if u == "emergency")
    assert (found is Verdict.EMERGENCY) == emergency


def screened(
    kind: Verdict, days_ago: float = 0, cleared: bool = False, used: bool = False
) -> Screened:
    return Screened(kind, NOW - timedelta(days=days_ago), cleared, used)


def test_a_fresh_clear_screening_lets_one_plan_start() -> None:
    assert may_start_plan([screened(Verdict.CLEAR, 1)], NOW).allowed
    used = may_start_plan([screened(Verdict.CLEAR, 1, used=True)], NOW)
    assert (used.allowed, used.missing) == (False, "screening")


def test_no_screening_or_an_old_one_asks_for_the_questions() -> None:
    assert may_start_plan([], NOW).missing == "screening"
    old = may_start_plan([screened(Verdict.CLEAR, VALID_FOR.days + 0.01)], NOW)
    assert (old.allowed, old.missing) == (False, "screening")
    assert "last 7 days" in old.reason


def test_a_sign_to_see_a_clinician_about_needs_a_clearance_first() -> None:
    waiting = may_start_plan([screened(Verdict.SEE_CLINICIAN)], NOW)
    assert (waiting.allowed, waiting.missing) == (False, "clinician_clearance")
    assert may_start_plan([screened(Verdict.SEE_CLINICIAN, cleared=True)], NOW).allowed


def test_an_emergency_survives_a_later_screening_answered_no() -> None:
    history = [screened(Verdict.CLEAR, 0), screened(Verdict.EMERGENCY, 2)]
    blocked = may_start_plan(history, NOW)
    assert (blocked.allowed, blocked.missing) == (False, "emergency_assessment")
    assert "clinician has assessed you" in blocked.reason
    history[1] = screened(Verdict.EMERGENCY, 2, cleared=True)
    assert may_start_plan(history, NOW).allowed


def test_the_check_in_is_due_weekly_from_the_start_or_the_last_one() -> None:
    start = date(2026, 11, 2)
    assert not check_in_due(start, start + timedelta(days=6), None)
    assert check_in_due(start, start + timedelta(days=7), None)
    assert not check_in_due(start, date(2026, 11, 20), date(2026, 11, 15))
    assert check_in_due(start, date(2026, 11, 22), date(2026, 11, 15))


def test_a_cleared_emergency_is_answered_again_before_a_plan() -> None:
    cleared = may_start_plan([screened(Verdict.EMERGENCY, cleared=True)], NOW)
    assert (cleared.allowed, cleared.missing) == (False, "screening")


def test_a_plan_stopped_for_a_sign_blocks_another_until_it_resumes() -> None:
    fresh = [screened(Verdict.CLEAR)]
    assert may_start_plan(fresh, NOW, stopped_for=["emergency"]).missing == "emergency_assessment"
    waiting = may_start_plan(fresh, NOW, stopped_for=["see_clinician"])
    assert (waiting.allowed, waiting.missing) == (False, "clinician_clearance")
    assert "resume that plan" in waiting.reason


def test_the_programs_own_questions_must_have_been_asked() -> None:
    hip = frozenset({"severe-hip-pain", "hot-swollen-joint-with-fever"})
    thigh_only = Screened(Verdict.CLEAR, NOW, cleared=False, used=False, answered=frozenset())
    missing = may_start_plan([thigh_only], NOW, required=hip)
    assert (missing.allowed, missing.missing) == (False, "screening")
    assert "2 of them were not asked" in missing.reason
    asked = Screened(Verdict.CLEAR, NOW, cleared=False, used=False, answered=hip)
    assert may_start_plan([asked], NOW, required=hip).allowed


def test_a_clearance_covers_the_same_signs_not_new_ones() -> None:
    assert covered_by_clearance(frozenset({"a"}), frozenset({"a", "b"}))
    assert not covered_by_clearance(frozenset({"a", "c"}), frozenset({"a", "b"}))
    assert not covered_by_clearance(frozenset(), frozenset({"a"}))


def test_a_sign_cites_the_source_that_gives_it_for_each_region_that_hurts() -> None:
    by_region = {"knee": "leg-article", "calf": "leg-article"}

    assert cited_sources("ankle-article", by_region, ["knee"]) == ["leg-article"]
    assert cited_sources("ankle-article", by_region, ["knee", "calf"]) == ["leg-article"]
    assert cited_sources("ankle-article", by_region, ["ankle", "knee"]) == [
        "ankle-article",
        "leg-article",
    ]
    # No region known (a screening answered through the API): the sign's own source.
    assert cited_sources("ankle-article", by_region, []) == ["ankle-article"]


def test_the_regions_a_screening_was_for_are_read_from_the_questions_it_asked() -> None:
    signs_by_region = {
        "knee": ["injury-steps", "hot-joint", "severe-pain"],
        "shin": ["injury-steps", "severe-pain"],  # all asked of a knee too
        "ankle": ["injury-steps", "hot-joint", "severe-pain", "ankle-pain-returns"],
        "hip": [],  # asked nothing of its own: no sign of it
    }
    knee = ["injury-steps", "hot-joint", "severe-pain", "clot"]

    assert regions_asked(knee, signs_by_region) == ["knee"]
    assert regions_asked([*knee, "ankle-pain-returns"], signs_by_region) == ["ankle"]
    assert regions_asked(["clot"], signs_by_region) == []
