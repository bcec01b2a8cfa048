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
