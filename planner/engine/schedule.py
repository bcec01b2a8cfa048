"""Scheduling arithmetic: which days a session is due, and what day it is where the user lives.

Plain values in, plain values out: no ORM, no clock. The caller passes `now` or the dates.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Monday, Wednesday, Friday: a day's rest between sessions, and the weekend off.
_THREE_PER_WEEK_DAYS = frozenset({0, 2, 4})

# IANA names are slash-separated words; anything else (dots, absolute paths, spaces) could make
# zoneinfo read a file that is not part of the time zone database.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")


class Frequency(enum.StrEnum):
    DAILY = "daily"
    EVERY_OTHER_DAY = "every_other_day"
    THREE_PER_WEEK = "three_per_week"  # Monday, Wednesday, Friday


def is_session_day(plan_start: date, day: date, frequency: Frequency) -> bool:
    """Whether a session is due on `day`; every other day counts from `plan_start`."""
    if day < plan_start:
        return False
    if frequency is Frequency.DAILY:
        return True
    if frequency is Frequency.EVERY_OTHER_DAY:
        return (day - plan_start).days % 2 == 0
    if frequency is Frequency.THREE_PER_WEEK:
        return day.weekday() in _THREE_PER_WEEK_DAYS
    raise ValueError(f"unknown frequency {frequency!r}")


# The frequencies an exercise had before its current one, oldest first: each (until,
# frequency) was in force before `until` (and from the `until` before it, if any). A therapist
# changes how often an exercise is done from a day on, and the days already lived keep the
# frequency they were lived at: the runner was asked for those sessions, and no others.
EarlierFrequencies = Sequence[tuple[date, Frequency]]


class FrequencySpan(NamedTuple):
    """Days, both included, on which one frequency was in force."""

    first: date
    last: date
    frequency: Frequency


def frequency_on(day: date, frequency: Frequency, earlier: EarlierFrequencies = ()) -> Frequency:
    """The frequency in force on `day`: `frequency`, the exercise's current one, unless one of
    the `earlier` ones still was."""
    for until, was in earlier:
        if day < until:
            return was
    return frequency


def frequency_spans(
    first: date, last: date, frequency: Frequency, earlier: EarlierFrequencies = ()
) -> list[FrequencySpan]:
    """The days from `first` to `last` cut where the frequency changed, oldest first; empty when
    `last` < `first`."""
    spans = []
    day = first
    for until, was in earlier:
        if day > last:
            break
        if day < until:
            spans.append(FrequencySpan(day, min(last, until - timedelta(days=1)), was))
            day = until
    if day <= last:
        spans.append(FrequencySpan(day, last, frequency))
    return spans


def frequency_changed(
    earlier: EarlierFrequencies, frequency: Frequency, day: date, new: Frequency
) -> list[tuple[date, Frequency]]:
    """The earlier frequencies once the current `frequency` gives way to `new` from `day` on.
    The days before `day` keep the frequency they had. A change made before to take effect from
    `day` or later is replaced: a second change on one day leaves no span of no days, and a
    change back to the frequency in force the day before leaves no change at all."""
    kept = [(until, was) for until, was in earlier if until <= day]
    if not kept or kept[-1][0] < day:
        kept.append((day, frequency_on(day - timedelta(days=1), frequency, earlier)))
    if kept[-1][1] == new:
        kept.pop()
    return kept


def session_days(
    plan_start: date,
    first: date,
    last: date,
    frequency: Frequency,
    earlier: EarlierFrequencies = (),
) -> list[date]:
    """The session days from `first` to `last`, both included, each at the frequency in force
    that day; empty when `last` < `first`."""
    return [
        day
        for span in frequency_spans(max(first, plan_start), last, frequency, earlier)
        for day in _days(span.first, span.last)
        if is_session_day(plan_start, day, span.frequency)
    ]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def local_date(now: datetime, time_zone: str) -> date:
    """The calendar date at the instant `now` in the IANA zone `time_zone`."""
    if now.tzinfo is None or now.utcoffset() is None:
        # A naive time would be read in the server's zone, which is the bug this prevents.
        raise ValueError(f"{now.isoformat()} has no time zone; pass a timezone-aware datetime")
    return now.astimezone(ZoneInfo(validate_time_zone(time_zone))).date()


def validate_time_zone(name: str) -> str:
    """`name` itself when it is an IANA time zone name; ValueError otherwise."""
    if _ZONE_NAME.fullmatch(name) and (name in _known_zones() or _loads(name)):
        return name
    raise ValueError(f"{name!r} is not an IANA time zone name, e.g. Europe/Berlin")


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # Scanning the database is slow, and it does not change while the process runs.
    return frozenset(available_timezones())


def _loads(name: str) -> bool:
    # available_timezones() leaves out a few names that zoneinfo still loads (legacy aliases on
    # some systems); accept those rather than reject a zone the user's device reports.
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def week_of(plan_start: date, day: date) -> int:
    """The plan week `day` falls in: 1 for the first seven days; 0 or less before the start."""
    return (day - plan_start).days // 7 + 1


def next_occurrence(
    local_time: time, time_zone: str, after: datetime, not_before: date | None = None
) -> tuple[datetime, date]:
    """The first instant strictly after `after` when the clock in `time_zone` reads
    `local_time`, on `not_before` or later, as (UTC instant, local date).

    DST follows RFC 5545: a local time that does not exist that day (spring forward) fires at
    the same offset after the gap (02:30 becomes 03:30); an ambiguous one (fall back) fires once,
    at its first occurrence. Python's `fold=0` gives exactly that: the offset in force before
    the transition.
    """
    if after.tzinfo is None:
        raise ValueError("'after' must be timezone-aware")
    zone = ZoneInfo(time_zone)
    day = after.astimezone(zone).date()
    if not_before is not None and day < not_before:
        day = not_before
    while True:
        instant = datetime.combine(day, local_time.replace(tzinfo=None, fold=0), tzinfo=zone)
        instant_utc = instant.astimezone(UTC)
        if instant_utc > after:
            return instant_utc, day
        day += timedelta(days=1)


# The session days of each frequency repeat with this period (in days).
_PERIOD = {Frequency.DAILY: 1, Frequency.EVERY_OTHER_DAY: 2, Frequency.THREE_PER_WEEK: 7}


def session_day_mask(
    plan_start: date,
    first: date,
    last: date,
    frequency: Frequency,
    origin: date,
    earlier: EarlierFrequencies = (),
) -> int:
    """The session days from `first` to `last` (both included), each at the frequency in force
    that day, as a bit set: bit k stands for the day `origin` + k. Computed from each
    frequency's period, not day by day; `origin` must not be after the first day counted (max
    of `first` and `plan_start`)."""
    low = max(first, plan_start)
    if last < low:
        return 0
    if low < origin:
        raise ValueError(f"origin {origin} is after {low}")
    mask = 0
    for span in frequency_spans(low, last, frequency, earlier):
        mask |= _span_mask(plan_start, span, origin)
    return mask


def _span_mask(plan_start: date, span: FrequencySpan, origin: date) -> int:
    low, last, frequency = span
    period = _PERIOD[frequency]
    # One period of the pattern from `low`, then repeated (doubling) to cover the range.
    pattern = sum(
        1 << k
        for k in range(period)
        if is_session_day(plan_start, low + timedelta(days=k), frequency)
    )
    length = (last - low).days + 1
    width = period
    while width < length:
        pattern |= pattern << width
        width *= 2
    return (pattern & ((1 << length) - 1)) << (low - origin).days
