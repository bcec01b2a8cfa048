"""A walk-run session's run: its time and distance, typed in or read from a GPX or TCX file
(kit.run_files), checked against the exercise it is logged for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from exercises.models import Exercise
from kit import run_files
from planner.models import PlanExercise

# The longest run anyone logs by mistake-free typing: a whole day is a slip.
LONGEST_RUN_SECONDS = 24 * 60 * 60
# 100 km covers an ultra; more in one walk-run session is a slip (or metres typed as cm).
FARTHEST_RUN_METRES = 100_000
RUN_FIELDS = ("run_seconds", "distance_metres", "track")


def is_walk_run(item: PlanExercise) -> bool:
    return bool(item.exercise.unit == Exercise.Unit.PHASES)


def run_errors(item: PlanExercise, values: Mapping[str, Any]) -> dict[str, str]:
    """The run fields' errors, each naming its rule: only a walk-run session has a run; its
    time from 1 second to a day, its distance up to 100 km, a run only for a session done."""
    given = {name: values.get(name) for name in RUN_FIELDS if values.get(name) not in (None, "")}
    if not given:
        return {}
    if not is_walk_run(item):
        not_a_run = _("%(exercise)s is not a run: no time or distance.") % {
            "exercise": item.exercise.name
        }
        return {name: not_a_run for name in given}
    errors = {}
    seconds = given.get("run_seconds")
    if seconds is not None and not 0 < seconds <= LONGEST_RUN_SECONDS:
        errors["run_seconds"] = _("The run's time is from 1 second to 24 hours.")
    metres = given.get("distance_metres")
    if metres is not None and not 0 <= metres <= FARTHEST_RUN_METRES:
        errors["distance_metres"] = _("The distance is from 0 to %(most)d metres.") % {
            "most": FARTHEST_RUN_METRES
        }
    track = given.get("track")
    if track is not None and track not in ("gpx", "tcx"):
        errors["track"] = _("A track is gpx or tcx.")
    if values.get("done") is False and ("run_seconds" in given or "distance_metres" in given):
        errors["run_seconds"] = _("A run with a time is a session done: log it as done.")
    return errors


def from_track(data: bytes, filename: str = "") -> dict[str, Any]:
    """The run fields read from an uploaded GPX or TCX file (refused with a ValidationError
    naming `track_file` and the rule when it cannot be read)."""
    run = run_files.read_run(data, filename)
    return {
        "run_seconds": run.duration_seconds,
        "distance_metres": run.distance_metres,
        "track": run.kind,
    }
