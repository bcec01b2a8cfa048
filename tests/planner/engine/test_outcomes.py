"""The outcome measures scored as Binkley 1999 (LEFS) and Stratford 1995 (PSFS) publish them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.engine import outcomes
from planner.engine.outcomes import AnswerError, Measure


def lefs(*scores: int) -> outcomes.Scored:
    return outcomes.score_lefs(list(scores))


def psfs(*scores: int) -> outcomes.Scored:
    names = ["Running 5 km", "Stairs", "Squatting", "Hopping", "Kneeling"]
    return outcomes.score_psfs(list(zip(names, scores, strict=False)))


def test_the_lefs_has_the_published_twenty_items_scored_0_to_80() -> None:
    assert len(outcomes.LEFS_ITEMS) == 20
    assert outcomes.LEFS_ITEMS[17] == "Making sharp turns while running fast."
    assert lefs(*[4] * 20).total == 80
    assert lefs(*[0] * 20).total == 0


def test_the_lefs_total_is_the_sum_of_its_items() -> None:
    # The published case report's pre-class answers (Table 1 of a BMJ case report): 50.
    answers = [1, 2, 4, 4, 4, 1, 2, 3, 1, 4, 4, 1, 4, 3, 3, 3, 0, 3, 1, 2]
    assert lefs(*answers).total == 50


@pytest.mark.parametrize(
    ("items", "field", "words"),
    [
        ([4] * 19, "items", "The LEFS has 20 items: answer each one (19 given)."),
        ([4] * 21, "items", "The LEFS has 20 items: answer each one (21 given)."),
        ([4] * 19 + [5], "items[19]", "Each answer is from 0 to 4; 5 is not."),
        ([-1] + [4] * 19, "items[0]", "Each answer is from 0 to 4; -1 is not."),
        ([None] + [4] * 19, "items[0]", "Each answer is a whole number from 0 to 4."),
        ([True] + [4] * 19, "items[0]", "Each answer is a whole number from 0 to 4."),
        (["3"] + [4] * 19, "items[0]", "Each answer is a whole number from 0 to 4."),
    ],
)
def test_an_incomplete_or_out_of_range_lefs_is_refused_naming_the_item(
    items: list[object], field: str, words: str
) -> None:
    with pytest.raises(AnswerError) as refused:
        outcomes.score_lefs(items)
    assert refused.value.field == field
    assert refused.value.message == words


@pytest.mark.parametrize(("gain", "meaningful"), [(8, False), (9, True), (-8, False), (-9, True)])
def test_the_lefs_change_is_meaningful_from_9_points_either_way(
    gain: int, meaningful: bool
) -> None:
    first = lefs(*[2] * 20)  # 40
    later_items = [2] * 20
    step = 1 if gain > 0 else -1
    for index in range(abs(gain)):
        later_items[index] += step
    change = outcomes.change_since_first(first, lefs(*later_items))
    assert change.total == gain
    assert change.meaningful is meaningful


def test_the_psfs_score_is_the_mean_of_its_activities() -> None:
    scored = psfs(2, 5, 8)
    assert scored.measure == Measure.PSFS
    assert scored.total == 5.0
    assert scored.activities == ("Running 5 km", "Stairs", "Squatting")
    assert psfs(3, 4, 4, 4).total == 3.75


@pytest.mark.parametrize(
    ("activities", "field", "words"),
    [
        ([("Running", 3), ("Stairs", 4)], "activities", "Name 3 to 5 activities (2 given)."),
        (
            [("A", 1)] * 0 + [(str(n), 1) for n in range(6)],
            "activities",
            "Name 3 to 5 activities (6 given).",
        ),
        (
            [("Running", 3), ("  ", 4), ("Hop", 1)],
            "activities[1].name",
            "Each activity needs a name.",
        ),
        (
            [("Running", 3), ("running", 4), ("Hop", 1)],
            "activities[1].name",
            "'running' is named twice.",
        ),
        (
            [("Running", 11), ("Stairs", 4), ("Hop", 1)],
            "activities[0].score",
            "Each answer is from 0 to 10; 11 is not.",
        ),
        (
            [("Running", 3), ("Stairs", None), ("Hop", 1)],
            "activities[1].score",
            "Each answer is a whole number from 0 to 10.",
        ),
    ],
)
def test_a_psfs_answer_breaking_a_rule_is_refused_naming_it(
    activities: list[tuple[str, object]], field: str, words: str
) -> None:
    with pytest.raises(AnswerError) as refused:
        outcomes.score_psfs(activities)
    assert refused.value.field == field
    assert refused.value.message == words


def test_the_psfs_change_is_meaningful_at_2_in_the_mean() -> None:
    change = outcomes.change_since_first(psfs(2, 2, 2), psfs(4, 4, 4))
    assert change.total == 2.0
    assert change.meaningful
    assert "mean" in change.reason


def test_the_psfs_change_is_meaningful_at_3_in_one_activity_even_when_the_mean_moves_less() -> None:
    change = outcomes.change_since_first(psfs(2, 2, 2), psfs(5, 2, 2))
    assert change.total == 1.0
    assert change.per_activity == (3, 0, 0)
    assert change.meaningful
    assert "Running 5 km" in change.reason


def test_the_psfs_change_below_both_thresholds_is_not_meaningful() -> None:
    # Mean +1.67, no activity by 3: just short on both counts.
    change = outcomes.change_since_first(psfs(2, 2, 2), psfs(4, 4, 3))
    assert change.per_activity == (2, 2, 1)
    assert not change.meaningful


def test_later_psfs_answers_score_the_same_activities() -> None:
    outcomes.check_same_activities(["Running", "Stairs", "Hop"], ["running", "Stairs", "Hop"])
    with pytest.raises(AnswerError) as refused:
        outcomes.check_same_activities(["Running", "Stairs", "Hop"], ["Cycling", "Stairs", "Hop"])
    assert refused.value.field == "activities"
    assert "Running; Stairs; Hop" in refused.value.message


START = date(2026, 3, 2)


def test_the_measures_are_due_at_the_start_every_two_weeks_and_at_the_end() -> None:
    end = START + timedelta(weeks=6)
    assert outcomes.due_dates(START, end) == [
        START,
        START + timedelta(days=14),
        START + timedelta(days=28),
        end,
    ]


def test_an_end_a_few_days_after_a_two_weekly_date_replaces_it() -> None:
    end = START + timedelta(days=31)
    assert outcomes.due_dates(START, end) == [START, START + timedelta(days=14), end]
    assert outcomes.due_dates(START, START) == [START]


def test_each_due_date_is_answered_once() -> None:
    end = START + timedelta(weeks=6)
    assert outcomes.due_on(START, end, START - timedelta(days=1), []) is None
    assert outcomes.due_on(START, end, START, []) == START
    assert outcomes.due_on(START, end, START + timedelta(days=3), [START]) is None
    # Two weeks in: due again, until answered on or after that day.
    day_14 = START + timedelta(days=14)
    assert outcomes.due_on(START, end, day_14 + timedelta(days=2), [START]) == day_14
    assert outcomes.due_on(START, end, day_14 + timedelta(days=2), [START, day_14]) is None
    # A missed due date is not asked again once the next one comes.
    assert outcomes.due_on(START, end, START + timedelta(days=29), []) == START + timedelta(days=28)
    assert outcomes.due_on(START, end, end + timedelta(days=10), []) == end
