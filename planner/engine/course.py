"""What a printed handout shows for each exercise: the dose week by week if all goes well.

The engine decides each real step from the logs (pain, sessions done), so a sheet of paper
can only show the expected course: one step up after each `days_to_progress` days at a dose
(a step takes effect the day after it is earned, as in progression.expected_finish): more
reps or seconds, then more sets, then the next harder version from the bottom of the ladder.
Plain values in, plain values out.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.engine import progression


@dataclass(frozen=True)
class WeekDose:
    week: int
    sets: int
    dose: progression.Dose
    text: str  # "2 sets of 15 per side, hold 5 s"
    version: str  # the harder or easier version's name, "" for the exercise itself


TIMES_PER_DAY = {1: "", 2: ", twice a day", 3: ", 3 times a day"}


def dose_text(ladder: progression.Ladder, dose: progression.Dose) -> str:
    """A dose as every page, handout and message words it: "2 sets of 15 per side, hold 5 s",
    "3 sets of 6 (with a band), twice a day"; a walk-run phase as the phase in words."""
    if ladder.phases:
        return progression.amount_words(ladder, dose)
    hold = (
        f", hold {ladder.hold_seconds} s"
        if ladder.hold_seconds and ladder.unit != "seconds"
        else ""
    )
    times = TIMES_PER_DAY.get(ladder.times_per_day, f", {ladder.times_per_day} times a day")
    count = progression.sets_words(dose.sets)
    return f"{count} of {progression.amount_words(ladder, dose)}{hold}{times}"


def expected_doses(
    ladder: progression.Ladder,
    dose: progression.Dose,
    *,
    from_week: int,
    last_week: int,
    days_to_progress: int,
) -> list[WeekDose]:
    """The dose at the start of each week from `from_week` (at `dose`) to `last_week`."""
    days_per_step = days_to_progress + 1
    weeks = []
    current, steps_taken = dose, 0
    for week in range(from_week, last_week + 1):
        steps_due = (week - from_week) * 7 // days_per_step
        while steps_taken < steps_due:
            _, current = progression.next_dose(ladder, current)
            steps_taken += 1
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
