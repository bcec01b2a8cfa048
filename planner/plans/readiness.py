"""The return-to-run readiness check, one use case for the API and the pages: the runner takes
it (logged like a session, kept with its verdict), and the walk-run program starts only on a
recent one that found them ready (`require_ready`, called when a runner starts a plan)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from exercises.models import Exercise
from kit.conflict import Conflict
from planner.engine import return_to_run as rules
from planner.engine import schedule
from planner.engine.outcomes import AnswerError
from planner.models import Plan, Program, ReadinessCheck

# A check that found the runner ready starts the program for this long: two weeks, the
# project's own choice (long enough to plan the first run, short enough that the tests still
# say how the leg is now).
READY_FOR = timedelta(days=14)

Runner = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Taken:
    check: ReadinessCheck
    readiness: rules.Readiness


def readiness_of(check: ReadinessCheck) -> rules.Readiness:
    """The verdict of a stored check, worked out again from its answers."""
    return rules.assess(check.answers)


@transaction.atomic
def take_check(
    runner: Runner,
    answers: dict[str, object],
    now: datetime,
    *,
    time_zone: str,
    after_plan_id: int | None = None,
) -> Taken:
    """Store the runner's answers with the engine's verdict. Refused (a ValidationError naming
    the field and the rule) when an answer is missing or out of range. `after_plan_id`, the
    plan it follows, must be the runner's own (the same refusal for anyone else's and for one
    that does not exist); its time zone then dates it."""
    after: Plan | None = None
    if after_plan_id is not None:
        after = Plan.objects.filter(pk=after_plan_id, user_id=runner.pk or 0).first()
        if after is None:
            raise ValidationError({"after_plan": "No plan of yours has this id."})
        time_zone = after.time_zone
    try:
        schedule.validate_time_zone(time_zone)
    except ValueError as exc:
        raise ValidationError({"time_zone": str(exc)}) from exc
    try:
        readiness = rules.assess(answers)
    except AnswerError as error:
        raise ValidationError({error.field: error.message}) from error
    kept = {result.criterion.key: answers[result.criterion.key] for result in readiness.results}
    check = ReadinessCheck.objects.create(
        user_id=runner.pk,
        after_plan=after,
        taken_at=now,
        taken_on=schedule.local_date(now, time_zone),
        answers=kept,
        ready=readiness.ready,
    )
    return Taken(check, readiness)


def checks_of(runner: Runner) -> list[ReadinessCheck]:
    """The runner's checks, newest first."""
    return list(ReadinessCheck.objects.filter(user_id=runner.pk or 0).order_by("-taken_at", "-pk"))


def newest_check(runner_id: int) -> ReadinessCheck | None:
    return ReadinessCheck.objects.filter(user_id=runner_id).order_by("-taken_at", "-pk").first()


def latest_taken(runner_id: int) -> Taken | None:
    """The runner's newest check with its verdict (what her therapist's page shows)."""
    newest = newest_check(runner_id)
    return Taken(newest, readiness_of(newest)) if newest is not None else None


def still_ready(newest: ReadinessCheck | None, now: datetime) -> ReadinessCheck | None:
    """The runner's newest check, when it found them ready and is recent enough to start on
    (for a caller that has loaded it already)."""
    if newest is None or not newest.ready or newest.taken_at < now - READY_FOR:
        return None
    return newest


def ready_check(runner: Runner, now: datetime) -> ReadinessCheck | None:
    """The newest check, when it found the runner ready and is recent enough to start on."""
    return still_ready(newest_check(runner.pk or 0), now)


# The catalog's walk-run program (planner/programs/data/programs.yaml).
WALK_RUN_PROGRAM = "return-to-running-walk-run"


def walk_run_program() -> Program | None:
    return Program.objects.catalog().filter(slug=WALK_RUN_PROGRAM).first()


def running_walk_run(runner: Runner) -> Plan | None:
    """The runner's walk-run plan running now (active or paused), if any."""
    return (
        Plan.objects.filter(
            user_id=runner.pk or 0,
            program__slug=WALK_RUN_PROGRAM,
            status__in=(Plan.Status.ACTIVE, Plan.Status.PAUSED),
        )
        .order_by("-pk")
        .first()
    )


def is_walk_run(exercises: Iterable[Exercise]) -> bool:
    """A program (its exercises) with a walk-run exercise, its ladder counted in phases."""
    return any(exercise.unit == Exercise.Unit.PHASES for exercise in exercises)


class ReadinessRequired(Conflict):
    """The walk-run program cannot start: no recent readiness check found the runner ready."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "readiness_check", readiness_checks="/api/v1/readiness-checks")


def require_ready(user: Runner, now: datetime) -> None:
    """A runner starting the walk-run program on their own needs a recent check that found
    them ready (a therapist who assigns it has judged that themselves)."""
    if ready_check(user, now) is not None:
        return
    raise ReadinessRequired(
        _(
            "Take the return-to-run readiness check first: the walk-run program starts once "
            "every test is met, within %(days)s days of the check."
        )
        % {"days": READY_FOR.days}
    )
