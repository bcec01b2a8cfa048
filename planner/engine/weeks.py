"""A program or plan laid out week by week: which phase, which exercises and their doses.

Plain values in, plain values out: the pages load the rows and pass them here.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.engine.phrases import _


@dataclass(frozen=True)
class Span:
    """Something that runs from one week of a program to another (a phase, an exercise)."""

    first_week: int
    last_week: int

    def covers(self, week: int) -> bool:
        return self.first_week <= week <= self.last_week


@dataclass(frozen=True)
class PhaseSpan(Span):
    name: str
    goal: str = ""


@dataclass(frozen=True)
class ItemSpan(Span):
    name: str
    frequency: str
    dose: str  # what to show for the item in a week: "1 set of 15 per side"
    # The dose expected at the start of each week (week, words), when it changes by week.
    by_week: tuple[tuple[int, str], ...] = ()

    def in_week(self, week: int) -> ItemSpan:
        """The item as a given week shows it."""
        dose = dict(self.by_week).get(week, self.dose)
        return ItemSpan(self.first_week, self.last_week, self.name, self.frequency, dose)


@dataclass(frozen=True)
class Week:
    number: int
    phases: list[PhaseSpan]
    items: list[ItemSpan]
    current: bool = False
    past: bool = False


def by_week(
    weeks: int, phases: list[PhaseSpan], items: list[ItemSpan], current_week: int | None = None
) -> list[Week]:
    """Each week from 1 to `weeks` with the phases and the items that run in it; with
    `current_week`, the weeks before it are past and that one is current."""
    return [
        Week(
            number=week,
            phases=[phase for phase in phases if phase.covers(week)],
            items=[item.in_week(week) for item in items if item.covers(week)],
            current=week == current_week,
            past=current_week is not None and week < current_week,
        )
        for week in range(1, weeks + 1)
    ]


def ladder_text(start: str, target: str) -> str:
    """A ladder in words: start dose to target dose, or one dose when they are the same."""
    return start if start == target else f"{start} → {target}"


@dataclass(frozen=True)
class PlanItem(Span):
    """One exercise of a plan: its dose history in words (effective week, dose) in the order
    decided, its dose now, and its target (the amount alone: "30 per side")."""

    name: str
    frequency: str
    history: list[tuple[int, str]]
    now: str
    target: str
    at_target: bool = False
    # The dose expected at the start of each week ahead if every step goes well.
    expected: tuple[tuple[int, str], ...] = ()
    # How often, in words, in each week it differs from `frequency` in: a therapist changed it.
    frequency_by_week: tuple[tuple[int, str], ...] = ()


def dose_in_week(item: PlanItem, week: int, current_week: int) -> str:
    """The dose in effect by the end of a past week, now in this week, planned ahead."""
    if week < current_week:
        text = item.history[0][1] if item.history else item.now
        for effective_week, dose in item.history:
            if effective_week <= week:
                text = dose
        return text
    if week == current_week or item.at_target:
        return item.now
    ahead = dict(item.expected)
    return ahead.get(
        week, _("%(now)s now, up to %(target)s") % {"now": item.now, "target": item.target}
    )


def plan_by_week(
    weeks: int, phases: list[PhaseSpan], items: list[PlanItem], current_week: int
) -> list[Week]:
    """A plan's timeline: each week's phases and exercises with the dose of that week."""
    spans = [
        [
            ItemSpan(
                item.first_week,
                item.last_week,
                name=item.name,
                frequency=dict(item.frequency_by_week).get(week, item.frequency),
                dose=dose_in_week(item, week, current_week),
            )
            for item in items
            if item.covers(week)
        ]
        for week in range(1, weeks + 1)
    ]
    return [
        Week(
            number=week,
            phases=[phase for phase in phases if phase.covers(week)],
            items=spans[week - 1],
            current=week == current_week,
            past=week < current_week,
        )
        for week in range(1, weeks + 1)
    ]
