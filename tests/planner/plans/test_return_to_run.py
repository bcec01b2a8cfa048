"""Return to running through the services: the readiness check kept with its verdict and
refused naming the answer; the walk-run program only on a recent check that found the runner
ready (a therapist may assign it); a walk-run plan walked day by day as a runner logs it,
reaching continuous running with steady low pain and stepping back a phase with pain 4/10."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from planner.engine import return_to_run as rules
from planner.models import DoseChange, Plan, PlanExercise
from planner.plans import daily, lifecycle, readiness
from tests.factories import log_session, person, plan_for, screened

pytestmark = pytest.mark.usefixtures("catalog")

START = date(2026, 3, 2)  # a Monday
ZONE = "Europe/Berlin"
THE_DAY_BEFORE = datetime.combine(START, time(9), tzinfo=UTC) - timedelta(days=1)


def all_met() -> dict[str, object]:
    answers: dict[str, object] = {}
    for criterion in rules.CRITERIA:
        if criterion.answer is rules.Answer.YES_NO:
            answers[criterion.key] = True
        elif criterion.answer is rules.Answer.PAIN:
            answers[criterion.key] = 1
        else:
            answers[criterion.key] = criterion.threshold + 3
    return answers


def start_walk_run(runner: User, now: datetime = THE_DAY_BEFORE) -> Plan:
    screened(runner, now)
    program = readiness.walk_run_program()
    assert program is not None
    return lifecycle.start_plan(
        user=runner, program=program, start_date=START, time_zone=ZONE, now=now
    )


def ready_runner(username: str = "rosa") -> User:
    runner = person(username)
    readiness.take_check(runner, all_met(), THE_DAY_BEFORE, time_zone=ZONE)
    return runner


# --- The readiness check --------------------------------------------------------------------


def test_a_check_is_kept_with_its_verdict_and_its_local_date() -> None:
    runner = person("rosa")
    answers = all_met()
    short = next(c for c in rules.CRITERIA if c.answer is rules.Answer.COUNT)
    answers[short.key] = short.threshold - 5
    # 23:30 UTC is already the next day in Berlin.
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    taken = readiness.take_check(runner, answers, late, time_zone=ZONE)

    assert not taken.check.ready
    assert taken.check.taken_on == date(2026, 3, 2)
    assert [r.criterion.key for r in taken.readiness.unmet] == [short.key]
    assert readiness.readiness_of(taken.check) == taken.readiness
    assert readiness.ready_check(runner, late) is None


def test_a_bad_answer_is_refused_naming_it_and_nothing_is_kept() -> None:
    runner = person("rosa")
    answers = all_met()
    answers["calf_raises"] = -3
    with pytest.raises(ValidationError) as refused:
        readiness.take_check(runner, answers, THE_DAY_BEFORE, time_zone=ZONE)
    assert "calf_raises" in refused.value.message_dict
    assert readiness.checks_of(runner) == []


def test_an_unknown_time_zone_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as refused:
        readiness.take_check(person("rosa"), all_met(), THE_DAY_BEFORE, time_zone="Mars/Base")
    assert "time_zone" in refused.value.message_dict


def test_a_check_after_someone_elses_plan_is_refused_as_one_that_does_not_exist() -> None:
    theirs = plan_for(person("theo"), START)
    refusals = []
    for plan_id in (theirs.pk, 999_999):
        with pytest.raises(ValidationError) as refused:
            readiness.take_check(
                person(f"rosa{plan_id}"),
                all_met(),
                THE_DAY_BEFORE,
                time_zone=ZONE,
                after_plan_id=plan_id,
            )
        refusals.append(refused.value.message_dict)
    assert refusals[0] == refusals[1] == {"after_plan": ["No plan of yours has this id."]}


def test_a_check_after_the_runners_own_plan_takes_its_time_zone() -> None:
    rosa = person("rosa")
    mine = plan_for(rosa, START, time_zone="America/New_York")
    # 02:00 UTC is still the evening before in New York.
    taken = readiness.take_check(
        rosa,
        all_met(),
        datetime(2026, 3, 3, 2, 0, tzinfo=UTC),
        time_zone=ZONE,
        after_plan_id=mine.pk,
    )
    assert taken.check.after_plan == mine
    assert taken.check.taken_on == date(2026, 3, 2)


# --- Starting the walk-run program ----------------------------------------------------------


def test_the_program_needs_a_check_that_found_the_runner_ready() -> None:
    rosa = person("rosa")
    with pytest.raises(readiness.ReadinessRequired) as refused:
        start_walk_run(rosa)
    assert refused.value.missing == "readiness_check"
    assert "readiness check" in refused.value.message
    assert not Plan.objects.filter(user=rosa).exists()


def test_a_check_not_ready_does_not_start_it() -> None:
    rosa = person("rosa")
    answers = all_met()
    answers["hops"] = False
    readiness.take_check(rosa, answers, THE_DAY_BEFORE, time_zone=ZONE)
    with pytest.raises(readiness.ReadinessRequired):
        start_walk_run(rosa)


def test_a_check_older_than_two_weeks_does_not_start_it() -> None:
    rosa = person("rosa")
    readiness.take_check(rosa, all_met(), THE_DAY_BEFORE - timedelta(days=15), time_zone=ZONE)
    with pytest.raises(readiness.ReadinessRequired):
        start_walk_run(rosa)


def test_a_ready_runner_starts_it_at_the_first_phase_every_other_day() -> None:
    plan = start_walk_run(ready_runner())
    item = plan.exercises.select_related("exercise").get()
    assert item.exercise.slug == "walk-run"
    assert (item.amount, item.frequency, item.pain_rule) == (1, "every_other_day", "return_to_run")
    assert daily.plan_day(plan, START).exercises
    assert not daily.plan_day(plan, START + timedelta(days=1)).exercises


def test_a_therapist_assigning_it_has_judged_readiness_themselves() -> None:
    rosa = person("rosa")
    screened(rosa, THE_DAY_BEFORE)
    program = readiness.walk_run_program()
    assert program is not None
    plan = lifecycle.start_plan(
        user=rosa,
        program=program,
        start_date=START,
        time_zone=ZONE,
        now=THE_DAY_BEFORE,
        assigned_by=person("theo"),
    )
    assert plan.status == Plan.Status.ACTIVE


def test_other_programs_need_no_check() -> None:
    assert plan_for(person("rosa"), START).status == Plan.Status.ACTIVE


# --- A walk-run plan walked day by day --------------------------------------------------------


def walk(plan: Plan, days: int, pain_on: dict[int, int] | None = None) -> PlanExercise:
    """The runner logs every run day of the first `days` as done, over the phase's whole
    distance (as a GPS watch measures it, a little short), on the evening of the day: pain
    1/10, or the pain `pain_on` gives for that run (counted from 0)."""
    runs = 0
    for offset in range(days):
        day = START + timedelta(days=offset)
        due = daily.plan_day(plan, day).exercises
        if not due:
            continue
        item = due[0].plan_exercise
        phase = rules.phase_of(rules.phases_from(item.exercise.phases), due[0].dose.amount)
        log_session(
            plan=plan,
            plan_exercise=item,
            day=day,
            today=day,
            done=True,
            pain_during=(pain_on or {}).get(runs, 1),
            run_seconds=round(phase.miles * 11 * 60),
            distance_metres=round(phase.metres * 0.97),
        )
        runs += 1
    return plan.exercises.select_related("exercise").get()


def actions(item: PlanExercise) -> list[str]:
    return list(
        DoseChange.objects.filter(plan_exercise=item)
        .exclude(action=DoseChange.Action.START)
        .order_by("effective_on", "pk")
        .values_list("action", flat=True)
    )


def test_steady_low_pain_reaches_continuous_running() -> None:
    plan = start_walk_run(ready_runner())
    item = walk(plan, days=28)
    phases = rules.phases_from(item.exercise.phases)
    assert item.amount == len(phases)
    assert phases[-1].continuous
    assert actions(item) == ["progress"] * (len(phases) - 1)
    last = DoseChange.objects.filter(plan_exercise=item).order_by("-effective_on").first()
    assert last is not None
    assert "run 2 miles (3.2 km) without walking" in last.reason


def test_pain_four_during_a_run_steps_back_a_phase() -> None:
    plan = start_walk_run(ready_runner())
    # Runs 0 and 1 earn phase 2, runs 2 and 3 phase 3; run 4 (phase 3) hurts 4/10.
    item = walk(plan, days=9, pain_on={4: 4})
    assert actions(item) == ["progress", "progress", "step_back"]
    assert item.amount == 2
    back = DoseChange.objects.filter(plan_exercise=item, action="step_back").get()
    assert "above the 2/10 limit of the return-to-run rule" in back.reason


def test_a_run_cut_short_is_partial_and_earns_no_phase() -> None:
    plan = start_walk_run(ready_runner())
    item = plan.exercises.get()
    for day in (START, START + timedelta(days=2)):
        # Phase 1 is 1 mile (1,609 m): 1.2 km is stopping early.
        logged = log_session(
            plan=plan,
            plan_exercise=item,
            day=day,
            today=day,
            done=True,
            pain_during=0,
            run_seconds=9 * 60,
            distance_metres=1200,
        )
        assert logged.log.partial
    item.refresh_from_db()
    assert item.amount == 1


def test_a_run_needs_a_plausible_time_and_distance() -> None:
    plan = start_walk_run(ready_runner())
    item = plan.exercises.get()
    with pytest.raises(ValidationError) as refused:
        log_session(
            plan=plan,
            plan_exercise=item,
            day=START,
            today=START,
            done=True,
            run_seconds=25 * 3600,
            distance_metres=250_000,
        )
    assert set(refused.value.message_dict) == {"run_seconds", "distance_metres"}


def test_an_exercise_that_is_not_a_run_takes_no_run() -> None:
    plan = plan_for(person("rosa"), START)
    item = plan.exercises.order_by("order").first()
    assert item is not None
    with pytest.raises(ValidationError) as refused:
        log_session(
            plan=plan,
            plan_exercise=item,
            day=START,
            today=START,
            done=True,
            run_seconds=600,
        )
    assert "is not a run" in refused.value.message_dict["run_seconds"][0]
