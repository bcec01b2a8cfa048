"""What a printed handout shows for each exercise: the dose week by week if all goes well.

The engine decides each real step from the logs (pain, sessions done), so a sheet of paper
can only show the expected course: every due session done in comfort, a step earned at the
session that completes both `sessions_to_progress` sessions and `days_to_progress` days at a
dose, taking effect the next day (progression.decide, run as each session is logged): more
reps or seconds, then more sets, then the next harder version from the bottom of the ladder.
The sessions fall on the days the exercise's frequency makes due, so a program done every
other day climbs more slowly than one done daily with the same rules. Plain values in, plain
values out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from planner.engine import progression, schedule
from planner.engine.phrases import _

# Where a course is forecast before a plan has a start (a program's preview, the catalog's
# docs), the week is counted from a Monday: only three sessions a week depend on the weekday,
# and from a Monday they fall on days 0, 2 and 4 of each week. The project's choice.
A_MONDAY = date(2024, 1, 1)


@dataclass(frozen=True)
class WeekDose:
    week: int
    sets: int
    dose: progression.Dose
    text: str  # "2 sets of 15 per side, hold 5 s"
    version: str  # the harder or easier version's name, "" for the exercise itself


def dose_text(ladder: progression.Ladder, dose: progression.Dose) -> str:
    """A dose as every page, handout and message words it: "2 sets of 15 per side, hold 5 s",
    "3 sets of 6 (with a band), twice a day"; a walk-run phase as the phase in words."""
    if ladder.phases:
        return progression.amount_words(ladder, dose)
    text = _("%(sets)s of %(amount)s") % {
        "sets": progression.sets_words(dose.sets),
        "amount": progression.amount_words(ladder, dose),
    }
    if ladder.hold_seconds and ladder.unit != "seconds":
        text = _("%(dose)s, hold %(seconds)s s") % {"dose": text, "seconds": ladder.hold_seconds}
    if ladder.times_per_day == 2:
        text = _("%(dose)s, twice a day") % {"dose": text}
    elif ladder.times_per_day != 1:
        text = _("%(dose)s, %(times)s times a day") % {"dose": text, "times": ladder.times_per_day}
    return text


def expected_doses(
    ladder: progression.Ladder,
    dose: progression.Dose,
    *,
    from_week: int,
    last_week: int,
    days_to_progress: int,
    sessions_to_progress: int = 1,
    frequency: schedule.Frequency = schedule.Frequency.DAILY,
    start: date | None = None,
) -> list[WeekDose]:
    """The dose at the start of each week from `from_week` (at `dose`) to `last_week`, the
    plan starting on `start` (None: not started yet, counted from A_MONDAY)."""
    plan_start = start or A_MONDAY
    first = plan_start + timedelta(weeks=from_week - 1)
    steps = step_days(plan_start, first, frequency, sessions_to_progress, days_to_progress)
    weeks = []
    current, next_step = dose, next(steps)
    for week in range(from_week, last_week + 1):
        week_start = plan_start + timedelta(weeks=week - 1)
        while next_step <= week_start:
            _, current = progression.next_dose(ladder, current)
            next_step = next(steps)
        weeks.append(
            WeekDose(
                week,
                current.sets,
                current,
                dose_text(ladder, current),
                ladder.version(current.level),
            )
        )
    return weeks


def step_days(
    plan_start: date,
    dose_since: date,
    frequency: schedule.Frequency,
    sessions_to_progress: int,
    days_to_progress: int,
) -> Iterator[date]:
    """The days on which each step from `dose_since` on takes effect, one after another, if
    every session due is done in comfort: the day after the session at which at least
    `sessions_to_progress` sessions were done at the dose over at least `days_to_progress`
    days."""
    since, day, done = dose_since, dose_since, 0
    while True:
        if schedule.is_session_day(plan_start, day, frequency):
            done += 1
            if done >= sessions_to_progress and (day - since).days >= days_to_progress:
                since, done = day + timedelta(days=1), 0
                yield since
        day += timedelta(days=1)
