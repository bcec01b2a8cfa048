"""The versions of an exercise a program steps to: its harder and easier variations, by name."""

from __future__ import annotations

from exercises.models import Exercise, Variation
from planner.models import Prescription


def variations_programs_take(exercise: Exercise) -> dict[str, str]:
    """The exercise's variations that programs name: name -> the kind they take it as."""
    taken: dict[str, str] = {}
    for harder, easier in Prescription.objects.filter(exercise=exercise).values_list(
        "harder", "easier"
    ):
        taken.update(dict.fromkeys(harder, Variation.Kind.HARDER.value))
        if easier:
            taken[easier] = Variation.Kind.EASIER.value
    return taken


def version_problems(
    variations: dict[str, str], harder: list[str], easier: str | None
) -> list[str]:
    """What is wrong with the versions a prescription names, given the exercise's variations
    (name -> kind); empty when nothing is."""
    problems = []
    for name in harder:
        if variations.get(name) != Variation.Kind.HARDER:
            problems.append(f"'harder': {name!r} is not one of its harder variations")
    if len(set(harder)) != len(harder):
        problems.append("'harder': each variation once")
    if easier and variations.get(easier) != Variation.Kind.EASIER:
        problems.append(f"'easier': {easier!r} is not one of its easier variations")
    if problems:
        listed = ", ".join(f"{name} ({kind})" for name, kind in variations.items()) or "none"
        problems[-1] += f" (it has: {listed})"
    return problems
