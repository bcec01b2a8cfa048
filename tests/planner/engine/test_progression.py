"""The progression engine, on the ladders of the source articles and on random histories."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from planner.engine.progression import (
    EASIER,
    Action,
    Decision,
    Dose,
    Ladder,
    Rules,
    SessionRecord,
    decide,
    describe,
    expected_finish,
    projected_end,
    step_down,
    steps_remaining,
)
from planner.engine.schedule import Frequency, session_days

MONDAY = date(2024, 1, 1)  # a Monday: the plans below start on it
BAND = "With an exercise band"

CLAMSHELLS = Ladder(
    exercise="Clamshells",
    unit="reps",
    start=10,
    target=30,
    step=5,
    per_side=True,
    harder=(BAND,),
)
SIDE_LEG_LIFTS = Ladder(
    exercise="Side leg lifts", unit="reps", start=15, target=30, step=5, per_side=True
)
PIRIFORMIS = Ladder(
    exercise="Piriformis stretch", unit="seconds", start=10, target=30, step=10, per_side=True
)


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def done(n: int, pain: int | None = 2, morning: int | None = None) -> SessionRecord:
    return SessionRecord(day=day(n), done=True, pain_during=pain, pain_next_morning=morning)


def mon_wed_fri(since: int, until: int) -> list[date]:
    return session_days(MONDAY, day(since), day(until), Frequency.THREE_PER_WEEK)


def decide_on(
    ladder: Ladder,
    dose: Dose,
    history: list[SessionRecord],
    today: int,
    since: int = 0,
    expected: list[date] | None = None,
) -> Decision:
    due = mon_wed_fri(since, today) if expected is None else expected
    return decide(ladder, dose, day(since), history, due, day(today))


# A clean week at a dose: Monday, Wednesday, Friday done with little pain, decided next Monday.
CLEAN_WEEK = [done(0), done(2), done(4)]


def test_a_clean_week_progresses_one_step_with_the_reason_in_words() -> None:
    decision = decide_on(CLAMSHELLS, Dose(10), CLEAN_WEEK, today=7)
    assert decision == Decision(
        Action.PROGRESS,
        Dose(15),
        "Clamshells: 3 sessions over 7 days at 10 per side with pain no higher than 2/10: "
        "up to 15 per side.",
    )


def test_the_clamshell_ladder_is_climbed_then_restarted_with_the_band() -> None:
    """Three comfortable sessions a week, logged and decided the way the caller does it: each
    evening, with a new dose starting the next day."""
    dose, since = Dose(10), MONDAY
    history: list[SessionRecord] = []
    changes: list[tuple[date, Action, Dose]] = []
    today = MONDAY
    while today < MONDAY + timedelta(days=70) and dose.level == 0:
        if today.weekday() in (0, 2, 4):
            history.append(SessionRecord(today, done=True, pain_during=2, pain_next_morning=1))
        expected = session_days(MONDAY, since, today, Frequency.THREE_PER_WEEK)
        decision = decide(CLAMSHELLS, dose, since, history, expected, today)
        assert decision.action is not Action.STOP
        if decision.dose != dose:
            changes.append((today, decision.action, decision.dose))
            dose, since = decision.dose, today + timedelta(days=1)
        today += timedelta(days=1)

    assert [(action, dose) for _, action, dose in changes] == [
        (Action.PROGRESS, Dose(15)),
        (Action.PROGRESS, Dose(20)),
        (Action.PROGRESS, Dose(25)),
        (Action.PROGRESS, Dose(30)),
        (Action.ADD_VARIATION, Dose(10, level=1)),
    ]
    reached_target = changes[3][0]
    assert reached_target >= MONDAY + timedelta(weeks=4)
    gaps = [(b[0] - a[0]).days for a, b in itertools.pairwise(changes)]
    assert all(gap >= 7 for gap in gaps)
    assert describe(CLAMSHELLS, dose) == "10 per side (with an exercise band)"


def test_a_week_with_only_two_sessions_holds_and_says_how_many_were_missed() -> None:
    decision = decide_on(CLAMSHELLS, Dose(10), [done(0), done(4)], today=7)
    assert decision.action is Action.HOLD
    assert decision.dose == Dose(10)
    assert "1 of 3 sessions missed" in decision.reason
    assert "10 per side" in decision.reason


def test_three_sessions_in_five_days_is_not_yet_a_week() -> None:
    every_other_day = session_days(MONDAY, day(0), day(5), Frequency.EVERY_OTHER_DAY)
    history = [done(0), done(2), done(4)]
    decision = decide_on(CLAMSHELLS, Dose(20), history, today=5, expected=every_other_day)
    assert decision.action is Action.HOLD
    assert decision.dose == Dose(20)
    assert "2 more days" in decision.reason


def test_two_comfortable_sessions_over_a_week_are_not_enough() -> None:
    daily = session_days(MONDAY, day(0), day(7), Frequency.DAILY)
    history = [done(n, pain=4 if n < 5 else 1) for n in range(7)]
    history.append(done(6, pain=2))  # a second log of one day is still one session
    decision = decide_on(CLAMSHELLS, Dose(10), history, today=7, expected=daily)
    assert decision.action is Action.HOLD
    assert "2 of 3 comfortable sessions done at this dose" in decision.reason


def test_a_pain_spike_steps_back_one_step() -> None:
    history = [done(0), done(1, pain=7)]
    decision = decide_on(CLAMSHELLS, Dose(15), history, today=2)
    assert decision == Decision(
        Action.STEP_BACK,
        Dose(10),
        "Clamshells: pain 7/10 during Tuesday's session is above the 5/10 limit of the "
        "pain-monitoring model: back to 10 per side.",
    )


def test_a_pain_spike_at_the_lowest_dose_holds_and_sends_to_a_therapist() -> None:
    decision = decide_on(CLAMSHELLS, Dose(10), [done(0, pain=7)], today=1)
    assert decision.action is Action.HOLD
    assert decision.dose == Dose(10)
    assert "lowest dose" in decision.reason
    assert "therapist" in decision.reason


def test_a_pain_spike_at_the_start_of_the_band_drops_the_band() -> None:
    decision = decide_on(CLAMSHELLS, Dose(10, level=1), [done(0, pain=8)], today=1)
    assert decision.action is Action.STEP_BACK
    assert decision.dose == Dose(30)
    assert "30 per side" in decision.reason


def test_a_step_back_never_goes_below_the_start() -> None:
    ladder = Ladder("Bridges", "reps", start=8, target=20, step=5, per_side=False)
    decision = decide(ladder, Dose(11), MONDAY, [done(0, pain=9)], [MONDAY], day(1))
    assert decision.dose == Dose(8)


def test_next_morning_pain_rising_steps_back() -> None:
    # The earlier morning was at the previous dose: any dose counts for the comparison.
    history = [done(-3, morning=2), done(0), done(3, morning=4)]
    decision = decide_on(CLAMSHELLS, Dose(20), history, today=4, expected=[day(0), day(3)])
    assert decision == Decision(
        Action.STEP_BACK,
        Dose(15),
        "Clamshells: next-morning pain rose from 2/10 to 4/10 after Thursday's session: "
        "back to 15 per side.",
    )


def test_next_morning_pain_that_settles_or_stays_does_not_step_back() -> None:
    for later in (2, 1):
        history = [done(0, morning=2), done(2, morning=later), done(4, morning=later)]
        decision = decide_on(CLAMSHELLS, Dose(10), history, today=7)
        assert decision.action is Action.PROGRESS


def test_borderline_pain_holds() -> None:
    decision = decide_on(CLAMSHELLS, Dose(10), [done(0), done(2), done(4, pain=5)], today=7)
    assert decision.action is Action.HOLD
    assert decision.dose == Dose(10)
    assert "pain 5/10 during Friday's session" in decision.reason
    assert "5/10 limit" in decision.reason


def test_unrecorded_pain_counts_as_none() -> None:
    history = [done(0, pain=None), done(2, pain=None), done(4, pain=None)]
    assert decide_on(CLAMSHELLS, Dose(10), history, today=7).action is Action.PROGRESS


def test_a_missed_day_holds_even_with_enough_sessions_on_other_days() -> None:
    history = [done(0), done(1), done(2), done(3)]  # Friday, due, was skipped
    decision = decide_on(CLAMSHELLS, Dose(10), history, today=7)
    assert decision.action is Action.HOLD
    assert "1 of 3 sessions missed" in decision.reason


def test_today_is_not_missed_yet() -> None:
    decision = decide_on(CLAMSHELLS, Dose(10), CLEAN_WEEK, today=7, expected=mon_wed_fri(0, 7))
    assert decision.action is Action.PROGRESS


def test_a_red_flag_stops_whatever_else_was_logged() -> None:
    flag = SessionRecord(day(-5), done=False, red_flag="Calf swelling and warmth")
    history = [*CLEAN_WEEK, done(5, pain=9), flag]
    decision = decide_on(CLAMSHELLS, Dose(20), history, today=7)
    assert decision.action is Action.STOP
    assert decision.dose == Dose(20)
    assert "Calf swelling and warmth" in decision.reason
    assert "stop" in decision.reason
    assert "see a doctor" in decision.reason
    assert "20 per side" in decision.reason


def test_records_after_today_are_ignored() -> None:
    later = [SessionRecord(day(9), done=True, pain_during=9, red_flag="Chest pain")]
    assert decide_on(CLAMSHELLS, Dose(10), CLEAN_WEEK + later, today=7).action is Action.PROGRESS


def test_at_the_target_with_the_band_the_target_is_reached() -> None:
    decision = decide_on(CLAMSHELLS, Dose(30, level=1), CLEAN_WEEK, today=7)
    assert decision.action is Action.HOLD
    assert decision.dose == Dose(30, level=1)
    assert "target is reached" in decision.reason
    assert "30 per side (with an exercise band)" in decision.reason


def test_at_the_top_of_the_ladder_a_short_stay_says_so_and_promises_no_step() -> None:
    # Two comfortable days at the top of a stretch's ladder: not yet a week, but there is no
    # step to wait for, so the reason must not say "more days before the next step".
    decision = decide_on(PIRIFORMIS, Dose(30), [done(0), done(2)], today=2)
    assert decision.action is Action.HOLD and decision.dose == Dose(30)
    assert "target is reached" in decision.reason
    assert "before the next step" not in decision.reason


def test_side_leg_lifts_climb_from_15_to_30_per_side() -> None:
    dose = Dose(15)
    for _ in range(3):
        dose = decide_on(SIDE_LEG_LIFTS, dose, CLEAN_WEEK, today=7).dose
    assert dose == Dose(30)
    decision = decide_on(SIDE_LEG_LIFTS, dose, CLEAN_WEEK, today=7)
    assert decision.action is Action.HOLD  # no variation: nothing harder to add
    assert "target is reached" in decision.reason
    assert decision.reason.startswith("Side leg lifts: ")


def test_the_last_step_stops_at_the_target() -> None:
    ladder = Ladder("Side leg lifts", "reps", start=15, target=30, step=10, per_side=True)
    assert decide_on(ladder, Dose(25), CLEAN_WEEK, today=7).dose == Dose(30)


def test_piriformis_stretch_is_held_in_seconds() -> None:
    assert describe(PIRIFORMIS, Dose(10)) == "10 s per side"
    decision = decide_on(PIRIFORMIS, Dose(10), CLEAN_WEEK[:2], today=3)
    assert decision.action is Action.HOLD
    assert decision.reason.startswith("Piriformis stretch: ")
    assert "10 s per side" in decision.reason
    assert decide_on(PIRIFORMIS, Dose(10), CLEAN_WEEK, today=7).dose == Dose(20)


def test_steps_remaining_counts_the_climb_to_the_target() -> None:
    assert steps_remaining(CLAMSHELLS, Dose(10)) == 4
    assert steps_remaining(CLAMSHELLS, Dose(30)) == 0
    assert steps_remaining(CLAMSHELLS, Dose(10, level=1)) == 0
    assert steps_remaining(SIDE_LEG_LIFTS, Dose(20)) == 2
    ladder = Ladder("Bridges", "reps", start=10, target=30, step=15, per_side=False)
    assert steps_remaining(ladder, Dose(10)) == 2  # 10 -> 25 -> 30


def test_an_exercise_on_pace_finishes_a_step_per_progression_period_and_a_day() -> None:
    assert expected_finish(date(2024, 1, 1), date(2024, 1, 1), 4, 5) == date(2024, 1, 25)
    # The last step, earned today and in effect tomorrow: the target is reached, nothing waits.
    assert expected_finish(date(2024, 1, 1), date(2024, 1, 2), 0, 5) == date(2024, 1, 1)
    # Not started yet: it climbs from its own first day.
    assert expected_finish(date(2024, 1, 1), date(2024, 1, 15), 2, 6) == date(2024, 1, 29)


def test_projected_end_moves_later_only_when_progress_stalls() -> None:
    planned = date(2024, 3, 1)
    assert projected_end(planned, [date(2024, 2, 1), date(2024, 2, 20)]) == planned
    assert projected_end(planned, [date(2024, 3, 26)]) == date(2024, 3, 26)
    assert projected_end(planned, []) == planned


# Random ladders, doses on them, and histories around `today`.

TODAY = date(2024, 6, 12)


@st.composite
def ladders(draw: st.DrawFn) -> Ladder:
    start = draw(st.integers(1, 60))
    sets = draw(st.integers(1, 3))
    return Ladder(
        exercise=draw(st.sampled_from(["Clamshells", "Side leg lifts", "Calf raises"])),
        unit=draw(st.sampled_from(["reps", "seconds"])),
        start=start,
        target=draw(st.integers(start, start + 80)),
        step=draw(st.integers(1, 25)),
        per_side=draw(st.booleans()),
        sets=sets,
        sets_target=draw(st.integers(sets, 4)),
        harder=draw(st.sampled_from([(), (BAND,), (BAND, "With a heavier band")])),
        easier=draw(st.sampled_from(["", "Both legs"])),
    )


@st.composite
def doses(draw: st.DrawFn, ladder: Ladder) -> Dose:
    return Dose(
        amount=draw(st.integers(ladder.start, ladder.target)),
        sets=draw(st.integers(ladder.sets, ladder.top_sets)),
        level=draw(st.integers(ladder.lowest_level, len(ladder.harder))),
    )


pains = st.none() | st.integers(0, 10)
records = st.builds(
    SessionRecord,
    day=st.integers(-30, 3).map(lambda n: TODAY + timedelta(days=n)),
    done=st.booleans(),
    pain_during=pains,
    pain_next_morning=pains,
    red_flag=st.sampled_from(["", "", "", "", "Calf swelling and warmth"]),
)


@st.composite
def rules(draw: st.DrawFn) -> Rules:
    comfortable = draw(st.integers(0, 6))
    return Rules(
        pain_limit=draw(st.integers(comfortable, 10)),
        comfortable_pain=comfortable,
        sessions_to_progress=draw(st.integers(1, 5)),
        days_to_progress=draw(st.integers(0, 14)),
    )


@st.composite
def situations(
    draw: st.DrawFn,
) -> tuple[Ladder, Dose, date, list[SessionRecord], list[date], Rules]:
    ladder = draw(ladders())
    since = TODAY - timedelta(days=draw(st.integers(0, 21)))
    span = [since + timedelta(days=n) for n in range((TODAY - since).days + 1)]
    expected = draw(st.lists(st.sampled_from(span), unique=True)) if span else []
    history = draw(st.lists(records, max_size=15))
    return ladder, draw(doses(ladder)), since, history, sorted(expected), draw(rules())


def _pain(record: SessionRecord) -> int:
    return record.pain_during or 0


@given(situations())
def test_the_dose_stays_on_the_ladder_and_moves_at_most_one_step(situation: tuple) -> None:
    ladder, current, since, history, expected, rules_ = situation
    decision = decide(ladder, current, since, history, expected, TODAY, rules_)
    new = decision.dose
    assert ladder.start <= new.amount <= ladder.target
    assert ladder.sets <= new.sets <= ladder.top_sets
    assert ladder.lowest_level <= new.level <= len(ladder.harder)
    same_level = new.level == current.level
    more_reps = same_level and new.sets == current.sets and new.amount - current.amount > 0
    one_more_set = same_level and new.amount == current.amount and new.sets == current.sets + 1
    fewer_reps = same_level and new.sets == current.sets and current.amount - new.amount > 0
    one_set_fewer = same_level and new.amount == current.amount and new.sets == current.sets - 1
    if decision.action in (Action.HOLD, Action.STOP):
        assert new == current
    elif decision.action is Action.PROGRESS:
        from_easier = current.level == EASIER and new == ladder.bottom()
        assert (
            from_easier
            or (more_reps and new.amount - current.amount <= ladder.step)
            or (one_more_set and current.amount == ladder.target)
        )
    elif decision.action is Action.ADD_VARIATION:
        assert current.level < len(ladder.harder)
        assert current.amount == ladder.target and current.sets == ladder.top_sets
        assert new == ladder.bottom(current.level + 1)
    else:
        assert decision.action is Action.STEP_BACK
        at_bottom = current.amount == ladder.start and current.sets == ladder.sets
        dropped_version = at_bottom and current.level > 0 and new == ladder.top(current.level - 1)
        to_easier = at_bottom and current.level == 0 and new == ladder.bottom(EASIER)
        assert (
            dropped_version
            or to_easier
            or one_set_fewer
            or (fewer_reps and current.amount - new.amount <= ladder.step)
        )


@given(situations())
def test_it_stops_exactly_when_a_red_flag_was_reported(situation: tuple) -> None:
    ladder, current, since, history, expected, rules_ = situation
    decision = decide(ladder, current, since, history, expected, TODAY, rules_)
    flagged = any(r.red_flag and r.day <= TODAY for r in history)
    assert (decision.action is Action.STOP) == flagged


@given(situations())
def test_it_never_progresses_after_uncomfortable_pain_or_a_missed_day(situation: tuple) -> None:
    ladder, current, since, history, expected, rules_ = situation
    decision = decide(ladder, current, since, history, expected, TODAY, rules_)
    done_since = sorted(
        (r for r in history if r.done and since <= r.day <= TODAY), key=lambda r: r.day
    )
    done_days = {r.day for r in done_since}
    uncomfortable = bool(done_since) and _pain(done_since[-1]) > rules_.comfortable_pain
    window_start = max(since, TODAY - timedelta(days=rules_.days_to_progress))
    missed = any(window_start <= d < TODAY and d not in done_days for d in expected)
    if uncomfortable or missed:
        assert decision.action not in (Action.PROGRESS, Action.ADD_VARIATION)
    if bool(done_since) and _pain(done_since[-1]) > rules_.pain_limit:
        assert decision.action in (Action.STOP, Action.STEP_BACK) or (
            # Nothing lower to step to: the lowest rung (the easier version, when there is one).
            decision.action is Action.HOLD
            and step_down(ladder, ladder.clamp(current)) == ladder.clamp(current)
        )


@given(situations())
def test_the_reason_is_a_sentence_naming_the_exercise_and_the_new_dose(situation: tuple) -> None:
    ladder, current, since, history, expected, rules_ = situation
    decision = decide(ladder, current, since, history, expected, TODAY, rules_)
    assert decision.reason.startswith(f"{ladder.exercise}: ")
    assert decision.reason.endswith(".")
    assert describe(ladder, decision.dose) in decision.reason


@given(situations(), st.randoms(use_true_random=False))
def test_the_order_of_the_history_does_not_matter(situation: tuple, rng: object) -> None:
    ladder, current, since, history, expected, rules_ = situation
    one_per_day = list({r.day: r for r in history}.values())
    shuffled = list(one_per_day)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert decide(ladder, current, since, one_per_day, expected, TODAY, rules_) == decide(
        ladder, current, since, shuffled, expected, TODAY, rules_
    )


@given(
    ladders().flatmap(lambda ladder: st.tuples(st.just(ladder), doses(ladder))),
)
def test_progressing_uses_up_exactly_one_remaining_step(ladder_and_dose: tuple) -> None:
    ladder, dose = ladder_and_dose
    decision = decide(ladder, dose, TODAY - timedelta(days=7), [], [], TODAY, Rules(0, 0, 0, 0))
    if decision.action is Action.PROGRESS and dose.level <= 0:
        assert steps_remaining(ladder, decision.dose) == steps_remaining(ladder, dose) - 1
    elif decision.action is not Action.PROGRESS:
        assert steps_remaining(ladder, dose) == 0


@given(
    planned=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    finishes=st.lists(st.dates(date(2020, 1, 1), date(2030, 1, 1)), max_size=8),
)
def test_projected_end_is_never_before_the_plan_or_any_exercise(
    planned: date, finishes: list[date]
) -> None:
    end = projected_end(planned, finishes)
    assert end >= planned
    assert all(end >= finish for finish in finishes)


def test_an_old_miss_made_up_by_a_full_period_of_sessions_no_longer_holds() -> None:
    # Monday of week 1 missed, then three clean sessions a week for two weeks.
    history = [done(day) for day in (2, 4, 7, 9, 11, 14)]
    decision = decide_on(CLAMSHELLS, Dose(10), history, today=16, expected=mon_wed_fri(0, 16))
    assert decision.action is Action.PROGRESS
