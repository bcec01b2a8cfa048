"""Outcome measures, scored as published: plain values in, plain values out.

- The Lower Extremity Functional Scale (LEFS): Binkley JM, Stratford PW, Lott SA, Riddle DL,
  North American Orthopaedic Rehabilitation Research Network. The Lower Extremity Functional
  Scale (LEFS): scale development, measurement properties, and clinical application. Physical
  Therapy 1999;79(4):371-383. Twenty activities, each 0 (extreme difficulty or unable to
  perform the activity) to 4 (no difficulty); the score is their sum, 0 to 80. The paper gives
  9 scale points as the minimal clinically important difference (the form prints it as the
  minimal detectable change at 90% confidence).
- The Patient-Specific Functional Scale (PSFS): Stratford P, Gill C, Westaway M, Binkley J.
  Assessing disability and change on individual patients: a report of a patient specific
  measure. Physiotherapy Canada 1995;47(4):258-263. The person names the activities they have
  difficulty with (3 to 5 here), each 0 (unable to perform the activity) to 10 (able to
  perform it at the same level as before the injury or problem); the score is their mean. A
  change of 2 points in the mean, or of 3 in a single activity, is meaningful.

Both are free to use for clinical and research purposes (docs/outcome-measures.md: the
sources, and what was found of their licenses).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from planner.engine import schedule
from planner.engine.phrases import _, gettext_noop


class Measure(enum.StrEnum):
    LEFS = "lefs"
    PSFS = "psfs"


# The published sources, as the FHIR Questionnaires cite them (the pages print the same).
LEFS_CITATION = (
    "Binkley JM, Stratford PW, Lott SA, Riddle DL. The Lower Extremity Functional Scale "
    "(LEFS): scale development, measurement properties, and clinical application. "
    "Physical Therapy 1999;79(4):371-383."
)
PSFS_CITATION = (
    "Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on individual "
    "patients: a report of a patient specific measure. Physiotherapy Canada "
    "1995;47(4):258-263."
)

# The LEFS form's question, items and answers, word for word. Marked for translation: the
# pages show them in the reader's language (gettext). The Spanish in locale/es is the project's
# own translation, NOT a validated Spanish version of the LEFS; a clinic that needs the
# validated wording should replace it. The same holds for the PSFS below.
# Translators: the LEFS's own words; the project's translation, not a validated version.
LEFS_INTRO = gettext_noop(
    "We are interested in knowing whether you are having any difficulty at all with the "
    "activities listed below because of your lower limb problem for which you are currently "
    "seeking attention. Please provide an answer for each activity."
)
LEFS_QUESTION = gettext_noop("Today, do you or would you have any difficulty at all with:")
LEFS_ITEMS: tuple[str, ...] = (
    gettext_noop("Any of your usual work, housework, or school activities."),
    gettext_noop("Your usual hobbies, recreational or sporting activities."),
    gettext_noop("Getting into or out of the bath."),
    gettext_noop("Walking between rooms."),
    gettext_noop("Putting on your shoes or socks."),
    gettext_noop("Squatting."),
    gettext_noop("Lifting an object, like a bag of groceries from the floor."),
    gettext_noop("Performing light activities around your home."),
    gettext_noop("Performing heavy activities around your home."),
    gettext_noop("Getting into or out of a car."),
    gettext_noop("Walking 2 blocks."),
    gettext_noop("Walking a mile."),
    gettext_noop("Going up or down 10 stairs (about 1 flight of stairs)."),
    gettext_noop("Standing for 1 hour."),
    gettext_noop("Sitting for 1 hour."),
    gettext_noop("Running on even ground."),
    gettext_noop("Running on uneven ground."),
    gettext_noop("Making sharp turns while running fast."),
    gettext_noop("Hopping."),
    gettext_noop("Rolling over in bed."),
)
LEFS_ANSWERS: tuple[tuple[int, str], ...] = (
    (0, gettext_noop("Extreme difficulty or unable to perform activity")),
    (1, gettext_noop("Quite a bit of difficulty")),
    (2, gettext_noop("Moderate difficulty")),
    (3, gettext_noop("A little bit of difficulty")),
    (4, gettext_noop("No difficulty")),
)
LEFS_ITEM_MAX = 4
LEFS_MAX = LEFS_ITEM_MAX * len(LEFS_ITEMS)  # 80
LEFS_MCID = 9

# Translators: the PSFS's own words; the project's translation, not a validated version.
PSFS_INTRO = gettext_noop(
    "Name up to five important activities that you are unable to do or have difficulty with "
    "as a result of your problem. Today, how able are you to do each one?"
)
PSFS_MIN_ACTIVITIES = 3
PSFS_MAX_ACTIVITIES = 5
PSFS_ITEM_MAX = 10
PSFS_SCALE_ENDS = (
    gettext_noop("0: unable to perform the activity"),
    gettext_noop(
        "10: able to perform the activity at the same level as before the injury or problem"
    ),
)
PSFS_MEAN_MCID = 2.0
PSFS_ACTIVITY_MCID = 3
PSFS_ACTIVITY_MAX_LENGTH = 120

# When the measures are asked: at the start, every two weeks while the plan runs, and at its
# end. Two weeks is the choice (LEFS was validated with weekly answers over 4 weeks,
# Binkley 1999; every two weeks halves the asking and still sees a 9-point change coming).
ASKED_EVERY = timedelta(days=14)


class AnswerError(ValueError):
    """An answer that breaks a rule: `field` names what is wrong, the message says the rule."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Scored:
    """A measure answered: its total (LEFS: the sum; PSFS: the mean) and what it was made of."""

    measure: Measure
    total: float
    items: tuple[int, ...]
    activities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """The change from the first answer to a later one, and whether it is meaningful."""

    total: float
    per_activity: tuple[int, ...]
    meaningful: bool
    reason: str


def _score(value: object, field: str, maximum: int) -> int:
    # bool is an int in Python: True is not an answer.
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(field, f"Each answer is a whole number from 0 to {maximum}.")
    if not 0 <= value <= maximum:
        raise AnswerError(field, f"Each answer is from 0 to {maximum}; {value} is not.")
    return value


def score_lefs(items: Sequence[object]) -> Scored:
    """The LEFS total: every one of the 20 items answered 0 to 4, summed (0 to 80). A form
    with an item left out is not scored: the published score is the sum of all 20."""
    if len(items) != len(LEFS_ITEMS):
        raise AnswerError(
            "items", f"The LEFS has {len(LEFS_ITEMS)} items: answer each one ({len(items)} given)."
        )
    scores = tuple(
        _score(value, f"items[{index}]", LEFS_ITEM_MAX) for index, value in enumerate(items)
    )
    return Scored(Measure.LEFS, float(sum(scores)), scores)


def score_psfs(activities: Sequence[tuple[str, object]]) -> Scored:
    """The PSFS score: 3 to 5 named activities, each 0 to 10; the score is their mean."""
    if not PSFS_MIN_ACTIVITIES <= len(activities) <= PSFS_MAX_ACTIVITIES:
        raise AnswerError(
            "activities",
            f"Name {PSFS_MIN_ACTIVITIES} to {PSFS_MAX_ACTIVITIES} activities "
            f"({len(activities)} given).",
        )
    names: list[str] = []
    scores: list[int] = []
    for index, (name, value) in enumerate(activities):
        cleaned = " ".join(str(name).split())
        if not cleaned:
            raise AnswerError(f"activities[{index}].name", "Each activity needs a name.")
        if len(cleaned) > PSFS_ACTIVITY_MAX_LENGTH:
            raise AnswerError(
                f"activities[{index}].name",
                f"An activity's name is at most {PSFS_ACTIVITY_MAX_LENGTH} characters.",
            )
        if cleaned.casefold() in (seen.casefold() for seen in names):
            raise AnswerError(f"activities[{index}].name", f"{cleaned!r} is named twice.")
        names.append(cleaned)
        scores.append(_score(value, f"activities[{index}].score", PSFS_ITEM_MAX))
    return Scored(Measure.PSFS, sum(scores) / len(scores), tuple(scores), tuple(names))


def check_same_activities(first: Sequence[str], named: Sequence[str]) -> None:
    """The activities named at the first answer are the ones asked again: the PSFS measures
    change in the same activities, so a later answer may not swap them."""
    if [name.casefold() for name in first] != [name.casefold() for name in named]:
        raise AnswerError(
            "activities",
            "Score the same activities as at your first answer: " + "; ".join(first) + ".",
        )


def change_since_first(first: Scored, latest: Scored) -> Change:
    """The change from the first answer to `latest`: meaningful for the LEFS at 9 points or
    more either way; for the PSFS at 2 points or more in the mean, or 3 or more in any one
    activity (Stratford 1995)."""
    if first.measure != latest.measure:
        raise ValueError("Compare answers of the same measure.")
    total = latest.total - first.total
    if latest.measure == Measure.LEFS:
        meaningful = abs(total) >= LEFS_MCID
        parts = {"total": f"{total:+.0f}", "mcid": LEFS_MCID}
        reason = (
            _("%(total)s points: a change of %(mcid)s or more is meaningful") % parts
            if meaningful
            else _("%(total)s points: less than the %(mcid)s that are meaningful") % parts
        )
        return Change(total, (), meaningful, reason)
    per_activity = tuple(
        after - before for before, after in zip(first.items, latest.items, strict=True)
    )
    by_mean = abs(total) >= PSFS_MEAN_MCID
    by_activity = [
        name
        for name, delta in zip(latest.activities, per_activity, strict=True)
        if abs(delta) >= PSFS_ACTIVITY_MCID
    ]
    if by_mean:
        reason = _("the mean moved %(total)s: %(mcid)s or more is meaningful") % {
            "total": f"{total:+.1f}",
            "mcid": f"{PSFS_MEAN_MCID:.0f}",
        }
    elif by_activity:
        reason = _("%(mcid)s points or more in one activity: %(activities)s") % {
            "mcid": PSFS_ACTIVITY_MCID,
            "activities": ", ".join(by_activity),
        }
    else:
        reason = _(
            "the mean moved %(total)s and no activity %(mcid)s points: not yet meaningful"
        ) % {"total": f"{total:+.1f}", "mcid": PSFS_ACTIVITY_MCID}
    return Change(total, per_activity, by_mean or bool(by_activity), reason)


def due_dates(start: date, end: date) -> list[date]:
    """The days the measures are asked: the plan's first day, every two weeks after it, and
    its (projected) end; an end within a week of the last two-weekly date replaces it rather
    than asking twice in a few days."""
    days: list[date] = []
    day = start
    while day < end:
        days.append(day)
        day += ASKED_EVERY
    if days and (end - days[-1]) < ASKED_EVERY / 2 and len(days) > 1:
        days.pop()
    days.append(end)
    return days


def due_on(start: date, end: date, today: date, answered: Sequence[date]) -> date | None:
    """The due date still to answer on `today`: the latest due date on or before today, if
    nothing was answered on or after it (once per due date: an answer covers the due date it
    follows, and a missed earlier one is not asked again). None when nothing is due."""
    passed = [day for day in due_dates(start, end) if day <= today]
    if not passed:
        return None
    latest = passed[-1]
    return None if any(day >= latest for day in answered) else latest


def next_due_date(start: date, end: date, on_or_after: date) -> date | None:
    """The first due date (`due_dates`) on or after `on_or_after`; None when none is left (the
    day is after the plan's projected end)."""
    if on_or_after > end:
        return None
    for day in due_dates(start, end):
        if day >= on_or_after:
            return day
    return None


def next_asking(
    local_time: time,
    time_zone: str,
    after: datetime,
    not_before: date | None,
    start: date,
    end: date,
) -> tuple[datetime, date] | None:
    """When the questionnaires' reminder fires next: the first instant strictly after `after`
    at which the clock in `time_zone` reads `local_time` on a due date on or after
    `not_before`, as (UTC instant, local date); None when no due date is left.

    The day-to-instant step is `schedule.next_occurrence` (RFC 5545 across DST, as the daily
    reminder): the first occurrence finds the earliest local day still possible, the due date
    is the first one on or after it, and the occurrence on that day is the answer."""
    at, day = schedule.next_occurrence(local_time, time_zone, after, not_before)
    due = next_due_date(start, end, day)
    if due is None:
        return None
    if due != day:
        at, day = schedule.next_occurrence(local_time, time_zone, after, due)
    return at, day


def items_of(answers: Mapping[str, object]) -> list[object]:
    """The LEFS items from a form's fields named item_1 ... item_20 (a missing one is None,
    refused by score_lefs naming it)."""
    return [answers.get(f"item_{number}") for number in range(1, len(LEFS_ITEMS) + 1)]
