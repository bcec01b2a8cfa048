"""The outcome measures scored as Binkley 1999 (LEFS) and Stratford 1995 (PSFS) publish them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

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


# --- When the questionnaires' reminder fires --------------------------------------------------


def test_the_next_due_date_is_the_first_day_then_every_two_weeks_then_the_end() -> None:
    end = START + timedelta(weeks=6)
    day_14, day_28 = START + timedelta(days=14), START + timedelta(days=28)

    assert outcomes.next_due_date(START, end, START - timedelta(days=5)) == START
    assert outcomes.next_due_date(START, end, START) == START
    assert outcomes.next_due_date(START, end, START + timedelta(days=1)) == day_14
    assert outcomes.next_due_date(START, end, day_14) == day_14
    assert outcomes.next_due_date(START, end, day_14 + timedelta(days=1)) == day_28
    assert outcomes.next_due_date(START, end, day_28 + timedelta(days=1)) == end
    assert outcomes.next_due_date(START, end, end) == end


def test_no_due_date_is_left_after_the_end() -> None:
    end = START + timedelta(weeks=6)
    assert outcomes.next_due_date(START, end, end + timedelta(days=1)) is None
    assert outcomes.next_due_date(START, START, START + timedelta(days=1)) is None
    # An end close after a two-weekly date replaced it: the day between asks nothing.
    short = START + timedelta(days=31)
    assert outcomes.next_due_date(START, short, START + timedelta(days=29)) == short


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_questionnaires_reminder_fires_at_the_reminder_time_on_due_dates_only() -> None:
    start, end = date(2026, 6, 1), date(2026, 7, 13)
    at = time(7, 0)  # 05:00 UTC in Berlin's summer

    # Before its time on the first day: that day; after it: two weeks on.
    assert outcomes.next_asking(at, "Europe/Berlin", utc(2026, 5, 31, 0, 0), start, start, end) == (
        utc(2026, 6, 1, 5, 0),
        start,
    )
    assert outcomes.next_asking(at, "Europe/Berlin", utc(2026, 6, 1, 5, 0), start, start, end) == (
        utc(2026, 6, 15, 5, 0),
        date(2026, 6, 15),
    )
    # A day already delivered is not asked again, whatever the clock says (flying west).
    assert outcomes.next_asking(
        at, "America/New_York", utc(2026, 6, 1, 6, 0), date(2026, 6, 2), start, end
    ) == (utc(2026, 6, 15, 11, 0), date(2026, 6, 15))
    # The end, then nothing.
    assert outcomes.next_asking(at, "Europe/Berlin", utc(2026, 6, 29, 6, 0), None, start, end) == (
        utc(2026, 7, 13, 5, 0),
        end,
    )
    assert (
        outcomes.next_asking(at, "Europe/Berlin", utc(2026, 7, 13, 5, 0), None, start, end) is None
    )


def test_a_due_date_on_a_dst_change_fires_once_by_rfc_5545() -> None:
    # London springs forward on 29 March 2026: 01:30 does not exist, and fires at 02:30 BST
    # (01:30 UTC), the offset before the gap.
    start, end = date(2026, 3, 15), date(2026, 4, 26)
    at = time(1, 30)
    assert outcomes.next_asking(at, "Europe/London", utc(2026, 3, 15, 2, 0), None, start, end) == (
        utc(2026, 3, 29, 1, 30),
        date(2026, 3, 29),
    )
    # New York falls back on 1 November 2026: 01:30 happens twice, and fires at the first (EDT).
    start, end = date(2026, 10, 18), date(2026, 11, 29)
    assert outcomes.next_asking(
        at, "America/New_York", utc(2026, 10, 18, 6, 0), None, start, end
    ) == (utc(2026, 11, 1, 5, 30), date(2026, 11, 1))
    # ...and once: the repeat of 01:30 (EST, 06:30 UTC) is not another occurrence that day.
    assert outcomes.next_asking(
        at, "America/New_York", utc(2026, 11, 1, 5, 30), None, start, end
    ) == (utc(2026, 11, 15, 6, 30), date(2026, 11, 15))
