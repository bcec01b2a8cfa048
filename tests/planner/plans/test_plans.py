"""Plans as a person lives them: what is due each day, logging, and doses that follow pain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from planner.engine import progression
from planner.models import DoseChange, Plan, PlanExercise, SessionLog
from planner.plans import daily, decisions, ladders, lifecycle
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture
def rosa_plan() -> Plan:
    """Rosa, a runner with IT band syndrome, starts a six-week plan on a Monday in Berlin."""
    return factories.plan_for(factories.person("rosa"), MONDAY)


def item(plan: Plan, slug: str) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug=slug)


def log(plan: Plan, slug: str, day: date, today: date | None = None, **fields: object) -> None:
    fields.setdefault("done", True)
    fields.setdefault("pain_during", 2)
    factories.log_session(
        plan=plan, plan_exercise=item(plan, slug), day=day, today=today or day, **fields
    )


def test_a_new_plan_starts_every_exercise_at_the_first_dose_with_the_reason(
    rosa_plan: Plan,
) -> None:
    shells = item(rosa_plan, "clamshells")
    history = list(shells.dose_changes.values_list("action", "new_amount", "reason"))

    assert rosa_plan.planned_end == MONDAY + timedelta(weeks=6, days=-1)
    assert rosa_plan.projected_end == rosa_plan.planned_end
    assert shells.amount == 10
    assert history == [
        ("start", 10, "Clamshells: start at 10 per side, the first dose of the ladder.")
    ]


def test_a_day_lists_what_is_due_with_the_exact_dose(rosa_plan: Plan) -> None:
    week_one = daily.plan_day(rosa_plan, MONDAY)
    # Every other day counts from the plan's first day: days 8, 10, 12... in week two.
    week_two_off = daily.plan_day(rosa_plan, MONDAY + timedelta(days=7))
    week_two_on = daily.plan_day(rosa_plan, MONDAY + timedelta(days=8))

    assert [(c.plan_exercise.exercise.name, c.dose_text) for c in week_one.exercises] == [
        ("Clamshells", "1 set of 10 per side")
    ]
    assert [c.dose_text for c in week_two_on.exercises] == [
        "1 set of 10 per side",
        "1 set of 10 s per side",
    ]
    assert [c.dose_text for c in week_two_off.exercises] == ["1 set of 10 per side"]
    assert week_two_on.week == 2


def test_today_follows_the_persons_time_zone_not_the_servers() -> None:
    plan = factories.plan_for(factories.person("arjun"), MONDAY, time_zone="Asia/Kolkata")
    # 19:00 UTC on Monday is 00:30 on Tuesday in Kolkata (UTC+5:30).
    evening_utc = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)

    assert daily.today_of(plan, evening_utc) == MONDAY + timedelta(days=1)
    assert daily.today_of(plan, evening_utc - timedelta(hours=1)) == MONDAY


def test_a_day_outside_the_plan_is_refused(rosa_plan: Plan) -> None:
    with pytest.raises(ValidationError) as error:
        daily.plan_day(rosa_plan, MONDAY - timedelta(days=1))
    assert "outside the plan" in error.value.message_dict["day"][0]


def test_steady_pain_free_weeks_take_clamshells_to_30_and_then_the_band(rosa_plan: Plan) -> None:
    day = MONDAY
    while day <= rosa_plan.projected_end:
        for card in daily.plan_day(rosa_plan, day).exercises:
            log(rosa_plan, card.plan_exercise.exercise.slug, day, pain_during=1)
        rosa_plan.refresh_from_db()
        day += timedelta(days=1)

    history = list(
        item(rosa_plan, "clamshells").dose_changes.values_list("new_amount", "new_level")
    )
    reasons = list(item(rosa_plan, "clamshells").dose_changes.values_list("reason", flat=True))

    assert history[:6] == [
        (10, 0),
        (15, 0),
        (20, 0),
        (25, 0),
        (30, 0),
        (10, 1),
    ]
    assert "up to 15 per side" in reasons[1]
    assert "with an exercise band" in reasons[5]
    first_30 = item(rosa_plan, "clamshells").dose_changes.get(new_amount=30, new_level=0)
    assert first_30.effective_on >= MONDAY + timedelta(weeks=4)
    # Progress never stalled: the plan ends when it was planned to, even though a step earned
    # on its last day takes effect the day after.
    assert rosa_plan.projected_end == rosa_plan.planned_end


def test_a_last_step_earned_on_the_last_day_does_not_move_the_end(rosa_plan: Plan) -> None:
    # Clamshells one step from their target for the plan's last week, piriformis already at
    # its top: a comfortable week earns the last step on the last day, in effect the day after.
    last = rosa_plan.planned_end
    PlanExercise.objects.filter(plan=rosa_plan, exercise__slug="clamshells").update(
        amount=25, dose_since=last - timedelta(days=7)
    )
    PlanExercise.objects.filter(plan=rosa_plan, exercise__slug="piriformis-stretch").update(
        amount=30
    )
    for day in (last - timedelta(days=n) for n in range(7, -1, -1)):
        log(rosa_plan, "clamshells", day, pain_during=1)

    step = item(rosa_plan, "clamshells").dose_changes.order_by("pk").last()
    assert (step.new_amount, step.effective_on) == (30, last + timedelta(days=1))
    rosa_plan.refresh_from_db()
    assert rosa_plan.projected_end == rosa_plan.planned_end


def test_a_pain_spike_steps_back_and_says_why(rosa_plan: Plan) -> None:
    for offset in range(8):
        log(rosa_plan, "clamshells", MONDAY + timedelta(days=offset), pain_during=1)
    assert item(rosa_plan, "clamshells").amount == 15

    log(rosa_plan, "clamshells", MONDAY + timedelta(days=8), pain_during=7)

    shells = item(rosa_plan, "clamshells")
    last = shells.dose_changes.order_by("pk").last()
    assert shells.amount == 10
    assert last.action == DoseChange.Action.STEP_BACK
    assert "pain 7/10" in last.reason and "above the 5/10 limit" in last.reason
    assert (last.old_amount, last.new_amount) == (15, 10)


def test_worse_next_morning_pain_steps_back(rosa_plan: Plan) -> None:
    for offset in range(8):
        log(rosa_plan, "clamshells", MONDAY + timedelta(days=offset), pain_next_morning=1)
    logged = SessionLog.objects.get(plan=rosa_plan, day=MONDAY + timedelta(days=8 - 1))
    factories.correct(logged, logged.day, pain_next_morning=1)
    log(rosa_plan, "clamshells", MONDAY + timedelta(days=8))
    tuesday = SessionLog.objects.get(plan=rosa_plan, day=MONDAY + timedelta(days=8))

    factories.correct(tuesday, tuesday.day + timedelta(1), pain_next_morning=4)

    last = item(rosa_plan, "clamshells").dose_changes.order_by("pk").last()
    assert last.action == DoseChange.Action.STEP_BACK
    assert "next-morning pain rose from 1/10 to 4/10" in last.reason


def test_a_red_flag_in_a_log_stops_the_plan_with_the_advice(rosa_plan: Plan) -> None:
    log(rosa_plan, "clamshells", MONDAY, red_flag=factories.calf_swelling())

    rosa_plan.refresh_from_db()
    assert rosa_plan.status == Plan.Status.STOPPED
    assert "Calf pain with swelling and warmth" in rosa_plan.stop_reason
    assert "see a doctor" in rosa_plan.stop_reason
    with pytest.raises(ValidationError, match="stopped"):
        log(rosa_plan, "clamshells", MONDAY + timedelta(days=1))


def test_a_therapists_override_wins_and_is_kept_with_who_made_it(rosa_plan: Plan) -> None:
    therapist = factories.person("theo")
    shells = item(rosa_plan, "clamshells")

    decisions.override_dose(
        now=timezone.now(),
        plan_exercise=shells,
        amount=20,
        therapist=therapist,
        effective_on=MONDAY + timedelta(days=2),
        reason="Strong hips already: start higher.",
    )

    change = shells.dose_changes.order_by("pk").last()
    assert (change.action, change.old_amount, change.new_amount) == ("override", 10, 20)
    assert change.decided_by == therapist
    assert daily.plan_day(rosa_plan, MONDAY + timedelta(days=2)).exercises[0].amount == 20
    assert daily.plan_day(rosa_plan, MONDAY + timedelta(days=1)).exercises[0].amount == 10


def test_an_override_outside_the_ladder_is_refused(rosa_plan: Plan) -> None:
    with pytest.raises(ValidationError) as error:
        decisions.override_dose(
            now=timezone.now(),
            plan_exercise=item(rosa_plan, "clamshells"),
            amount=45,
            therapist=factories.person("theo"),
            effective_on=MONDAY,
            reason="More!",
        )
    assert error.value.message_dict == {"amount": ["Between 10 and 30 for Clamshells."]}


def test_a_stalled_plan_moves_its_projected_end(rosa_plan: Plan) -> None:
    # Pain at the limit every day holds every dose: the end slips later.
    for offset in range(14):
        log(rosa_plan, "clamshells", MONDAY + timedelta(days=offset), pain_during=5)
    rosa_plan.refresh_from_db()

    assert rosa_plan.projected_end > rosa_plan.planned_end


@pytest.mark.parametrize(
    ("day_offset", "today_offset", "fields", "field", "rule"),
    [
        (3, 2, {}, "day", "in the future"),
        (100, 100, {}, "day", "outside the plan"),
        (0, 9, {}, "day", "more than 7 days ago"),
        (0, 0, {"pain_during": 11}, "pain_during", "from 0 to 10"),
        (0, 0, {"pain_during": -1}, "pain_during", "from 0 to 10"),
        (0, 0, {"pain_next_morning": 11}, "pain_next_morning", "from 0 to 10"),
        (0, 0, {"difficulty": 9}, "difficulty", "from 1 (very easy) to 5"),
        (0, 0, {"amount_done": 500}, "amount_done", "Between 0 and 60"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    rosa_plan: Plan, day_offset: int, today_offset: int, fields: dict, field: str, rule: str
) -> None:
    start = MONDAY + timedelta(days=14)
    # An earlier, valid log that must survive.
    log(rosa_plan, "clamshells", start - timedelta(days=1))
    before = (SessionLog.objects.count(), DoseChange.objects.count())

    with pytest.raises(ValidationError) as error:
        day = start + timedelta(days=day_offset)
        log(rosa_plan, "clamshells", day, today=start + timedelta(days=today_offset), **fields)

    assert rule in " ".join(error.value.message_dict[field])
    assert (SessionLog.objects.count(), DoseChange.objects.count()) == before


def test_a_second_log_for_the_same_exercise_and_day_is_refused(rosa_plan: Plan) -> None:
    log(rosa_plan, "clamshells", MONDAY, pain_during=2)

    with pytest.raises(ValidationError) as error:
        log(rosa_plan, "clamshells", MONDAY, pain_during=3)

    assert "already logged" in error.value.message_dict["day"][0]
    assert SessionLog.objects.get().pain_during == 2


def test_a_second_log_is_refused_by_name_whatever_the_caller_loaded(rosa_plan: Plan) -> None:
    # An exercise read without its catalog row: the refusal still names it (on PostgreSQL the
    # refused INSERT has ended the transaction, so the name is read before it).
    bare = rosa_plan.exercises.get(exercise__slug="clamshells")
    factories.log_session(plan=rosa_plan, plan_exercise=bare, day=MONDAY, today=MONDAY, done=True)
    again = rosa_plan.exercises.get(exercise__slug="clamshells")

    with pytest.raises(ValidationError) as error:
        factories.log_session(
            plan=rosa_plan, plan_exercise=again, day=MONDAY, today=MONDAY, done=False
        )

    assert error.value.message_dict["day"][0].startswith("Clamshells is already logged")


def test_an_exercise_not_in_that_week_cannot_be_logged(rosa_plan: Plan) -> None:
    with pytest.raises(ValidationError) as error:
        log(rosa_plan, "piriformis-stretch", MONDAY)
    assert "not part of week 1" in error.value.message_dict["plan_exercise"][0]


def add_history(plan: Plan, days: int) -> None:
    for offset in range(days):
        log(plan, "clamshells", MONDAY + timedelta(days=offset), pain_during=4)


@pytest.mark.parametrize("history_days", [1, 20])
def test_a_days_plan_takes_two_queries_whatever_its_history(
    rosa_plan: Plan, history_days: int, django_assert_num_queries: object
) -> None:
    add_history(rosa_plan, history_days)
    day = MONDAY + timedelta(days=history_days)

    # 1: the plan's exercises with their catalog exercise   2: that day's logs
    # (every dose shown is the current one, so no dose history is read)
    with django_assert_num_queries(2):  # type: ignore[operator]
        daily.plan_day(rosa_plan, day)


@pytest.mark.parametrize("history_days", [8, 20])
def test_an_earlier_day_reads_its_doses_from_the_history_in_one_query(
    rosa_plan: Plan, history_days: int, django_assert_num_queries: object
) -> None:
    for offset in range(history_days):
        log(rosa_plan, "clamshells", MONDAY + timedelta(days=offset), pain_during=1)

    # 1: the plan's exercises   2: the dose changes in effect on Monday   3: Monday's logs
    with django_assert_num_queries(3):  # type: ignore[operator]
        monday = daily.plan_day(rosa_plan, MONDAY)
    assert monday.exercises[0].amount == 10
    assert item(rosa_plan, "clamshells").amount > 10


# Pain at 4/10 every day holds every dose, so each log also pushes the projected end back:
# the same statements run at 10 days of history and at 30.
@pytest.mark.parametrize("history_days", [10, 30])
def test_logging_a_session_takes_the_same_queries_whatever_the_history(
    rosa_plan: Plan, history_days: int, django_assert_num_queries: object
) -> None:
    add_history(rosa_plan, history_days)
    shells = item(rosa_plan, "clamshells")
    day = MONDAY + timedelta(days=history_days)

    # 1: SAVEPOINT of the transaction   2: the runner's plan, locked   3: the plan's exercises
    # with their doses, read under the lock (the engine and the projected end use them)
    # 4: INSERT of the log, with this exercise's recent logs as they were before it (one
    # statement on PostgreSQL, two on SQLite)   5: the plan's later projected end (a held dose
    # pushes it back a day)   6: RELEASE SAVEPOINT
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 7):  # type: ignore[operator]
        factories.log_session(
            plan=rosa_plan, plan_exercise=shells, day=day, today=day, done=True, pain_during=4
        )


def test_a_condition_that_needs_a_doctor_gets_referral_advice_not_a_program() -> None:
    dvt = factories.condition("deep-vein-thrombosis")
    dvt.care = "see_doctor_first"
    dvt.care_note = "Possible blood clot: seek emergency care."
    dvt.save()
    factories.calf_swelling().conditions.add(dvt)

    start = lifecycle.starting_point(dvt)

    assert isinstance(start, lifecycle.Referral)
    assert start.advice == "Possible blood clot: seek emergency care."
    assert [flag.slug for flag in start.warning_signs] == ["calf-swelling-warmth"]


def test_a_condition_fit_for_home_exercise_starts_its_program() -> None:
    program = factories.program()

    assert lifecycle.starting_point(program.condition) == program


def test_worse_next_morning_pain_after_a_step_up_still_steps_back(rosa_plan: Plan) -> None:
    # Eight comfortable days earn 15 per side, from the ninth.
    for offset in range(8):
        log(rosa_plan, "clamshells", MONDAY + timedelta(days=offset), pain_next_morning=1)
    assert item(rosa_plan, "clamshells").amount == 15
    earning = SessionLog.objects.get(plan=rosa_plan, day=MONDAY + timedelta(days=7))

    # The next morning the session that earned the step hurts more than the mornings before.
    factories.correct(earning, earning.day + timedelta(1), pain_next_morning=5)

    shells = item(rosa_plan, "clamshells")
    assert shells.amount == 10
    assert "next-morning pain rose from 1/10 to 5/10" in shells.dose_changes.last().reason


def test_a_log_decided_after_an_override_keeps_the_override(rosa_plan: Plan) -> None:
    stale = item(rosa_plan, "clamshells")
    decisions.override_dose(
        now=timezone.now(),
        plan_exercise=item(rosa_plan, "clamshells"),
        amount=25,
        therapist=factories.person("theo"),
        effective_on=MONDAY,
        reason="Strong already.",
    )

    # The runner's log was read before the override; it is decided after it.
    factories.log_session(
        plan=rosa_plan, plan_exercise=stale, day=MONDAY, today=MONDAY, done=True, pain_during=1
    )

    assert item(rosa_plan, "clamshells").amount == 25


@pytest.mark.parametrize("effective_on", [date(1, 1, 1), date(9999, 12, 31)])
def test_an_override_outside_the_plans_days_is_refused(rosa_plan: Plan, effective_on: date) -> None:
    with pytest.raises(ValidationError) as error:
        decisions.override_dose(
            now=timezone.now(),
            plan_exercise=item(rosa_plan, "clamshells"),
            amount=20,
            therapist=factories.person("theo"),
            effective_on=effective_on,
            reason="Typo in the date.",
        )
    assert "effective_on" in error.value.message_dict


def test_a_stopped_plans_doses_cannot_be_overridden(rosa_plan: Plan) -> None:
    log(rosa_plan, "clamshells", MONDAY, red_flag=factories.calf_swelling())

    with pytest.raises(ValidationError, match="stopped"):
        decisions.override_dose(
            now=timezone.now(),
            plan_exercise=item(rosa_plan, "clamshells"),
            amount=20,
            therapist=factories.person("theo"),
            effective_on=MONDAY,
            reason="Carry on.",
        )


def decided_the_slow_way(
    plan: Plan, shells: PlanExercise, day: date, sign: str = "", **fields: object
) -> progression.Decision:
    """What the engine decides with this log saved and every log read back from the database,
    then rolled back: logging must decide the same from the history it read before its
    INSERT, with the new log added."""
    with transaction.atomic():
        SessionLog.objects.create(plan=plan, plan_exercise=shells, day=day, **fields)
        decision = decisions.engine_decision(plan, shells, day, new_red_flag=(day, sign))
        transaction.set_rollback(True)
    return decision


def what_logging_stored(plan: Plan, shells: PlanExercise, changes_before: int) -> tuple[str, str]:
    """The action and reason logging stored: a stop, a dose change, or nothing."""
    plan.refresh_from_db()
    if plan.status == Plan.Status.STOPPED:
        return progression.Action.STOP.value, plan.stop_reason
    new = list(shells.dose_changes.order_by("pk"))[changes_before:]
    assert len(new) <= 1
    return (new[0].action, new[0].reason) if new else ("", "")


def stored_form_of(decision: progression.Decision, before: progression.Dose) -> tuple[str, str]:
    if decision.action is not progression.Action.STOP and decision.dose == before:
        return ("", "")
    return decision.action.value, decision.reason


@pytest.mark.parametrize(
    ("history_days", "history", "fields", "flagged"),
    [
        (7, {"pain_during": 1}, {"pain_during": 1}, False),  # a step up
        (7, {"pain_during": 1}, {"pain_during": 4}, False),  # borderline pain: hold
        (8, {"pain_during": 1}, {"pain_during": 7}, False),  # above the limit: a step back
        (7, {"pain_during": 1}, {"done": False}, False),  # a missed session: hold
        (8, {"pain_next_morning": 1}, {"pain_next_morning": 4}, False),  # mornings worse
        (7, {"pain_during": 1}, {"pain_during": 2}, True),  # a red flag: stop
    ],
)
def test_logging_decides_as_the_engine_does_from_the_logs_after_the_insert(
    rosa_plan: Plan,
    history_days: int,
    history: dict[str, object],
    fields: dict[str, object],
    flagged: bool,
) -> None:
    for offset in range(history_days):
        log(rosa_plan, "clamshells", MONDAY + timedelta(days=offset), **history)
    day = MONDAY + timedelta(days=history_days)
    shells = item(rosa_plan, "clamshells")
    flag = factories.calf_swelling() if flagged else None
    values: dict[str, Any] = {"done": True, **fields}
    expected = decided_the_slow_way(rosa_plan, shells, day, flag.sign if flag else "", **values)
    before, changes_before = ladders.dose_of(shells), shells.dose_changes.count()

    factories.log_session(
        plan=rosa_plan, plan_exercise=shells, day=day, today=day, red_flag=flag, **values
    )

    assert what_logging_stored(rosa_plan, shells, changes_before) == stored_form_of(
        expected, before
    )


def test_a_day_before_the_engines_window_is_checked_for_a_log_all_the_same(
    rosa_plan: Plan,
) -> None:
    today = MONDAY + timedelta(days=14)
    # A dose set to start ten days ahead moves the engine's window past the logging window.
    decisions.override_dose(
        now=timezone.now(),
        plan_exercise=item(rosa_plan, "clamshells"),
        amount=20,
        therapist=factories.person("theo"),
        effective_on=today + timedelta(days=10),
        reason="From the week after next.",
    )
    shells = item(rosa_plan, "clamshells")
    day = today - timedelta(days=6)
    assert day < decisions.history_start(shells)
    log(rosa_plan, "clamshells", day, today=today, pain_during=2)

    with pytest.raises(ValidationError, match="already logged"):
        log(rosa_plan, "clamshells", day, today=today, pain_during=5)

    assert SessionLog.objects.get(plan_exercise=shells, day=day).pain_during == 2
    # A red flag logged there still stops the plan, for the reason the engine gives.
    flag = factories.calf_swelling()
    earlier = day - timedelta(days=1)
    expected = decided_the_slow_way(rosa_plan, shells, earlier, flag.sign, done=True)
    log(rosa_plan, "clamshells", earlier, today=today, red_flag=flag)
    assert what_logging_stored(rosa_plan, shells, 0) == ("stop", expected.reason)


def test_a_time_zone_change_read_before_a_warning_sign_cannot_restart_the_plan(
    rosa_plan: Plan,
) -> None:
    from planner.plans import lifecycle

    seen_by_the_page = Plan.objects.get(pk=rosa_plan.pk)  # read before the sign was logged
    lifecycle.stop(rosa_plan, "Calf swelling and warmth reported.", timezone.now())

    with pytest.raises(ValidationError) as error:
        lifecycle.change_plan(seen_by_the_page, timezone.now(), time_zone="Asia/Tokyo")

    assert "stopped" in error.value.message_dict["status"][0]
    rosa_plan.refresh_from_db()
    assert rosa_plan.status == Plan.Status.STOPPED and rosa_plan.time_zone == "Europe/Berlin"
    assert not rosa_plan.reminders.filter(next_due_at__isnull=False).exists()


def test_an_end_moved_later_on_the_last_day_brings_the_reminders_back(rosa_plan: Plan) -> None:
    last = rosa_plan.planned_end
    # The dispatcher took the plan's messages out on its last day.
    rosa_plan.reminders.update(next_due_at=None, next_local_date=None)

    # Pain 4 holds every dose, which pushes the projected end back.
    log(rosa_plan, "clamshells", last, pain_during=4)

    rosa_plan.refresh_from_db()
    assert rosa_plan.projected_end > last
    # All four: the daily reminder, the progression step, the questionnaires' reminder (the
    # new end is a due date of theirs) and the evening nudge.
    assert rosa_plan.reminders.filter(next_due_at__isnull=False).count() == 4
