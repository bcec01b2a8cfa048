"""Progress at a glance: adherence, pain trend, dose over time, and who needs attention first.

Plain values in, plain values out: no ORM, no clock. The caller passes `today` (the person's
local date) and the days, logs and dose changes it loaded.

A session is one local day's exercises. It counts as done when every exercise due that day was
logged done in full: a day with half the exercises skipped is a missed session for the therapist
too. A day with every exercise logged done but some of them only in part (fewer reps or seconds
than the dose) is a partial session: not done, and not missed either; it is counted on its own.

Today is not over: today's session counts once it is complete (done, in full or in part), and
until then it is still due, neither counted nor missed. Otherwise every morning would show a
missed session, and a plan assigned today would read 0%.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from planner.engine.progression import Rules, SessionRecord
from planner.engine.schedule import EarlierFrequencies, Frequency, session_day_mask, week_of

# The pain-monitoring model's limit for pain during exercise (Silbernagel et al., 2007): shown
# next to the trend so the runner and the therapist read it against the same line.
PAIN_LIMIT = Rules().pain_limit

# Pain "rises" when the mean of the latest logged days is this much above the days before.
RISING_BY = 1.0
RISING_SPAN = 3  # logged days in each of the two compared stretches

# The recent window of the patient list: two weeks shows a habit, not one bad day.
RECENT_DAYS = 14


@dataclass(frozen=True)
class WeekAdherence:
    week: int  # plan week: 1 for the first seven days
    due: int  # sessions due that week, up to today
    done: int  # done in full
    ratio: float | None  # done / due; None when nothing was due
    partial: int = 0  # every exercise done, some only in part: neither done nor missed

    @property
    def missed(self) -> int:
        return self.due - self.done - self.partial


@dataclass(frozen=True)
class Adherence:
    first_day: date  # the window's first day
    due: int
    done: int  # done in full
    ratio: float | None  # done / due; None when nothing was due
    partial: int = 0  # every exercise done, some only in part: neither done nor missed

    @property
    def missed(self) -> int:
        return self.due - self.done - self.partial


@dataclass(frozen=True)
class PainPoint:
    """One logged day: the highest pain during any exercise, and the next-morning pain."""

    day: date
    during: int | None
    next_morning: int | None


@dataclass(frozen=True)
class DoseRecord:
    """One stored dose change of a plan exercise."""

    exercise: int  # the plan exercise's id
    effective_on: date
    amount: int
    sets: int
    level: int  # the version: see progression.Dose


@dataclass(frozen=True)
class DosePoint:
    effective_on: date
    amount: int
    sets: int
    level: int


def ratio(done: int, due: int) -> float | None:
    return round(done / due, 3) if due else None


def counts(
    day: date, ongoing: date | None, done: Collection[date], partial: Collection[date]
) -> bool:
    """Whether a day due counts towards adherence: every day but the one not over yet
    (`ongoing`, the person's today) does; that one only once its session is complete (done in
    full, or every exercise done and some in part)."""
    return day != ongoing or day in done or day in partial


def completed_days(
    due: Mapping[date, Collection[int]], done: Collection[tuple[int, date]]
) -> set[date]:
    """The days on which every exercise due (by id) was logged done, as (id, day) pairs: pass
    the sessions done in full for the days done, and every session done (in full or in part)
    for the days done at least in part."""
    return {day for day, items in due.items() if items and all((i, day) in done for i in items)}


def partial_days(
    due: Mapping[date, Collection[int]],
    done_in_full: Collection[tuple[int, date]],
    done_in_part: Collection[tuple[int, date]],
) -> set[date]:
    """The days on which every exercise due was logged done, but not every one in full:
    partial sessions. `done_in_part` holds the (id, day) pairs done only in part."""
    return completed_days(due, {*done_in_full, *done_in_part}) - completed_days(due, done_in_full)


def weekly_adherence(
    plan_start: date,
    expected_days: Sequence[date],
    done_days: Collection[date],
    today: date,
    partial_days: Collection[date] = (),
    ongoing: date | None = None,
) -> list[WeekAdherence]:
    """Sessions due, done in full and partial per plan week, from week 1 to the last week with
    a day due up to `today`; a week with nothing due is listed with a ratio of None. Later days
    do not count: a session not yet due is not missed. `ongoing` is the day not over yet
    (default `today`; a plan that ended before today has none): see `counts`."""
    ongoing = today if ongoing is None else ongoing
    due: dict[int, int] = defaultdict(int)
    done: dict[int, int] = defaultdict(int)
    partial: dict[int, int] = defaultdict(int)
    for day in set(expected_days):
        if plan_start <= day <= today and counts(day, ongoing, done_days, partial_days):
            week = week_of(plan_start, day)
            due[week] += 1
            done[week] += day in done_days
            partial[week] += day in partial_days and day not in done_days
    weeks = range(1, max(due, default=0) + 1)
    return [WeekAdherence(w, due[w], done[w], ratio(done[w], due[w]), partial[w]) for w in weeks]


def adherence(
    expected: Iterable[date],
    done: Collection[date],
    today: date,
    window_days: int,
    partial: Collection[date] = (),
    ongoing: date | None = None,
) -> Adherence:
    """Sessions due, done in full and partial over the `window_days` days ending with
    `today`; `ongoing` as in weekly_adherence."""
    ongoing = today if ongoing is None else ongoing
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    first_day = today - timedelta(days=window_days - 1)
    due_days = {
        day for day in expected if first_day <= day <= today and counts(day, ongoing, done, partial)
    }
    done_count = sum(1 for day in due_days if day in done)
    partial_count = sum(1 for day in due_days if day in partial and day not in done)
    return Adherence(
        first_day, len(due_days), done_count, ratio(done_count, len(due_days)), partial_count
    )


@dataclass(frozen=True)
class DueWindow:
    """One plan exercise as the recent adherence reads it: when it is due, the last day its
    plan counts (see planner.plans.progress_report.counted_through), the days it was logged done
    in full and the days it was logged done only in part, as bit sets (bit k: the day
    `origin` + k, the origin passed with it)."""

    plan_start: date
    frequency: Frequency
    first_week: int
    last_week: int
    counted_through: date
    done: int
    partial: int = 0
    # A therapist's tailoring: the exercise is due from the day it was added and before the
    # day it was removed (planner.plans.daily.in_the_plan_on); None when it always was.
    added_on: date | None = None
    removed_on: date | None = None
    # And the frequencies it had before `frequency`, each up to the day it changed
    # (schedule.EarlierFrequencies); empty when it never changed.
    earlier: EarlierFrequencies = ()


def recent_adherence(
    items: Iterable[DueWindow], origin: date, today: date, window_days: int = RECENT_DAYS
) -> Adherence:
    """Sessions due, done and partial over the `window_days` days ending with `today`, across
    the plan exercises `items` (of one person's active plans): a day is due when any exercise
    is, done when every exercise due that day was logged done in full, and partial when every
    one was logged done but some only in part. The same answer as adherence() over
    completed_days() and partial_days() of the day-by-day due sets, from bit sets instead of
    day-by-day loops. `origin` must not be after the window's first day."""
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    first_day = today - timedelta(days=window_days - 1)
    due_days = 0
    incomplete = 0  # some exercise due not done in full
    unfinished = 0  # some exercise due not done at all
    for item in items:
        # Plan week w runs from start + 7(w - 1) to start + 7w - 1.
        low = max(
            first_day,
            item.plan_start + timedelta(weeks=item.first_week - 1),
            item.added_on or first_day,
        )
        high = min(
            today,
            item.counted_through,
            item.plan_start + timedelta(weeks=item.last_week, days=-1),
            item.removed_on - timedelta(days=1) if item.removed_on else today,
        )
        due = session_day_mask(item.plan_start, low, high, item.frequency, origin, item.earlier)
        due_days |= due
        incomplete |= due & ~item.done
        unfinished |= due & ~(item.done | item.partial)
    # Today, not yet complete, is still due: neither counted nor missed (see `counts`).
    today_bit = 1 << (today - origin).days
    if unfinished & today_bit:
        due_days &= ~today_bit
    due_count = due_days.bit_count()
    done_count = (due_days & ~incomplete).bit_count()
    partial_count = (due_days & incomplete & ~unfinished).bit_count()
    return Adherence(first_day, due_count, done_count, ratio(done_count, due_count), partial_count)


def pain_trend(records: Iterable[SessionRecord]) -> list[PainPoint]:
    """Per logged day, oldest first: the worst pain during any exercise and the worst
    next-morning pain. Days with no pain rated are left out, as they say nothing of pain."""
    during: dict[date, int] = {}
    morning: dict[date, int] = {}
    for record in records:
        if record.pain_during is not None:
            during[record.day] = max(record.pain_during, during.get(record.day, 0))
        if record.pain_next_morning is not None:
            morning[record.day] = max(record.pain_next_morning, morning.get(record.day, 0))
    return [
        PainPoint(day, during.get(day), morning.get(day)) for day in sorted({*during, *morning})
    ]


def pain_rising(trend: Sequence[PainPoint]) -> bool:
    """Whether pain is getting worse: the mean pain during of the last three logged days is at
    least a point above the three before, or the latest next-morning pain is above the one
    before it (the model's sign that the load is too much)."""
    during = [p.during for p in sorted(trend, key=lambda p: p.day) if p.during is not None]
    if len(during) >= 2 * RISING_SPAN:
        latest = fmean(during[-RISING_SPAN:])
        before = fmean(during[-2 * RISING_SPAN : -RISING_SPAN])
        if latest - before >= RISING_BY:
            return True
    mornings = [
        p.next_morning for p in sorted(trend, key=lambda p: p.day) if p.next_morning is not None
    ]
    return len(mornings) >= 2 and mornings[-1] > mornings[-2]


def last_pain_during(trend: Sequence[PainPoint]) -> PainPoint | None:
    rated = [p for p in trend if p.during is not None]
    return max(rated, key=lambda p: p.day) if rated else None


def dose_series(changes: Iterable[DoseRecord]) -> dict[int, list[DosePoint]]:
    """Each exercise's dose over time, one point per day a dose took effect, oldest first.

    `changes` come in the order they were decided; of two taking effect the same day, the one
    decided later is the dose that day (as in planner.plans.dose_on).
    """
    by_day: dict[int, dict[date, DosePoint]] = defaultdict(dict)
    for change in changes:
        by_day[change.exercise][change.effective_on] = DosePoint(
            change.effective_on, change.amount, change.sets, change.level
        )
    return {
        exercise: [points[day] for day in sorted(points)] for exercise, points in by_day.items()
    }


def attention_rank(
    open_red_flags: int, pain_rising: bool, missed_recent: int, open_alerts: int = 0
) -> tuple[int, ...]:
    """A sort key, smallest first: alerts not yet acknowledged first (more before fewer), then
    open red flags, then rising pain, then the most sessions missed recently."""
    return (-open_alerts, -open_red_flags, 0 if pain_rising else 1, -missed_recent)
