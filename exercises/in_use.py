"""Which of an exercise's variations programs take, by name.

Programs name the variations they step up and down to (planner.models.DoseLadder.harder and
.easier). The catalog must import nothing of the planner, so the planner registers the
question here when it starts (planner.apps) and the catalog asks it before an admin renames
or removes a variation.
"""

from __future__ import annotations

from collections.abc import Callable

from exercises.models import Exercise

TakenNames = Callable[[Exercise], dict[str, str]]  # variation name -> the kind programs take

_finders: list[TakenNames] = []


def register(finder: TakenNames) -> None:
    if finder not in _finders:
        _finders.append(finder)


def taken_variations(exercise: Exercise) -> dict[str, str]:
    """The exercise's variations programs take: name -> "harder" or "easier"."""
    taken: dict[str, str] = {}
    for finder in _finders:
        taken.update(finder(exercise))
    return taken


def variation_problems(taken: dict[str, str], variations: list[tuple[str, str]]) -> list[str]:
    """What a new list of variations (name, kind) breaks, given the names programs take and
    the kind they take each as: a program steps to a variation by its name, so one that
    programs take must keep its name and kind."""
    kinds = dict(variations)
    return [
        f"Programs take {name!r} as the {kind} version: keep it, by that name and kind."
        for name, kind in sorted(taken.items())
        if kinds.get(name) != kind
    ]
