"""Logging tells the truth (planner.plans.sessions): a session done short of the day's dose is
stored as partial, an amount that contradicts "done" is refused by name, and a warning sign
reported on a day already logged stops the plan as one reported with the first save does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from planner.engine.progression import Dose
from planner.models import DoseChange, Plan, PlanExercise, RedFlagReport, SessionLog
from planner.plans import decisions
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture
def rosa_plan() -> Plan:
    return factories.plan_for(factories.person("rosa"), MONDAY)


def shells(plan: Plan) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug="clamshells")


def log(plan: Plan, day: date, **entry: object) -> SessionLog:
    entry.setdefault("done", True)
    entry.setdefault("pain_during", 2)
    return factories.log_session(
        plan=plan, plan_exercise=shells(plan), day=day, today=day, **entry
    ).log


@pytest.mark.parametrize(
    ("amount_done", "partial"), [(6, True), (9, True), (10, False), (14, False), (None, False)]
)
def test_a_session_done_short_of_the_dose_is_stored_as_partial(
    rosa_plan: Plan, amount_done: int | None, partial: bool
) -> None:
    saved = log(rosa_plan, MONDAY, amount_done=amount_done)  # the dose: 10 per side

    assert SessionLog.objects.get(pk=saved.pk).partial is partial
    assert saved.partial is partial


def test_partial_is_decided_against_the_dose_of_the_day_logged_not_todays(
    rosa_plan: Plan,
) -> None:
    # Up to 15 from Thursday; Wednesday (still at 10) is logged late, on Friday, with 12.
    decisions.change_dose(
        shells(rosa_plan), Dose(15), MONDAY + timedelta(days=3), "progress", "Up."
    )
    friday = MONDAY + timedelta(days=4)
    wednesday = factories.log_session(
        plan=rosa_plan,
        plan_exercise=shells(rosa_plan),
        day=MONDAY + timedelta(days=2),
        today=friday,
        done=True,
        amount_done=12,
    ).log
    today = factories.log_session(
        plan=rosa_plan,
        plan_exercise=shells(rosa_plan),
        day=friday,
        today=friday,
        done=True,
        amount_done=12,
    ).log

    assert (wednesday.partial, today.partial) == (False, True)


def test_a_correction_of_the_amount_decides_partial_again(rosa_plan: Plan) -> None:
    saved = log(rosa_plan, MONDAY, amount_done=6)
    assert saved.partial

    factories.correct(saved, MONDAY, amount_done=None)
    assert SessionLog.objects.get(pk=saved.pk).partial is False

    factories.correct(saved, MONDAY, amount_done=8)
    assert SessionLog.objects.get(pk=saved.pk).partial is True

    factories.correct(saved, MONDAY, pain_during=3)  # the amount untouched: still partial
    assert SessionLog.objects.get(pk=saved.pk).partial is True


@pytest.mark.parametrize(("short_of_it", "stepped_up"), [(6, False), (None, True)])
def test_partial_sessions_do_not_earn_the_step_up_full_ones_do(
    rosa_plan: Plan, short_of_it: int | None, stepped_up: bool
) -> None:
    # A week and a day of daily sessions with little pain: the first six short of the dose (or
    # in full, the control), the last two in full.
    for offset in range(6):
        log(rosa_plan, MONDAY + timedelta(days=offset), amount_done=short_of_it)
    log(rosa_plan, MONDAY + timedelta(days=6))
    last = factories.log_session(
        plan=rosa_plan,
        plan_exercise=shells(rosa_plan),
        day=MONDAY + timedelta(days=7),
        today=MONDAY + timedelta(days=7),
        done=True,
        pain_during=2,
    )

    assert (last.change is not None) is stepped_up
    assert shells(rosa_plan).amount == (15 if stepped_up else 10)
    if not stepped_up:
        assert last.decision.reason == (
            "Clamshells: 2 of 3 comfortable sessions done in full at this dose (6 partial "
            "sessions not counted): staying at 10 per side."
        )


@pytest.mark.parametrize(
    ("entry", "rule"),
    [
        ({"done": False, "amount_done": 6}, "log it as done"),
        ({"done": True, "amount_done": 0}, "log the session as not done"),
    ],
)
def test_an_amount_that_contradicts_done_is_refused_by_name(
    rosa_plan: Plan, entry: dict[str, object], rule: str
) -> None:
    with pytest.raises(ValidationError) as error:
        log(rosa_plan, MONDAY, **entry)

    assert rule in error.value.message_dict["amount_done"][0]
    assert not SessionLog.objects.exists()


def test_a_correction_to_not_done_with_an_amount_left_is_refused(rosa_plan: Plan) -> None:
    saved = log(rosa_plan, MONDAY, amount_done=6)

    with pytest.raises(ValidationError) as error:
        factories.correct(saved, MONDAY, done=False)

    assert "log it as done" in error.value.message_dict["amount_done"][0]
    assert SessionLog.objects.get(pk=saved.pk).done is True


def test_a_warning_sign_added_by_a_correction_stops_the_plan(rosa_plan: Plan) -> None:
    saved = log(rosa_plan, MONDAY, note="Calf sore tonight.")
    flag = factories.calf_swelling()
    changes_before = DoseChange.objects.count()

    corrected = factories.correct(saved, MONDAY, red_flag=flag)

    rosa_plan.refresh_from_db()
    assert rosa_plan.status == Plan.Status.STOPPED
    assert corrected.stopped and corrected.red_flag == flag
    assert "Calf pain with swelling and warmth reported on Monday" in rosa_plan.stop_reason
    report = RedFlagReport.objects.get()
    assert (report.plan, report.red_flag, report.day, report.note) == (
        rosa_plan,
        flag,
        MONDAY,
        "Calf sore tonight.",
    )
    assert DoseChange.objects.count() == changes_before  # a stop, not a new dose


def test_a_correction_without_a_sign_leaves_the_plan_running(rosa_plan: Plan) -> None:
    saved = log(rosa_plan, MONDAY)

    factories.correct(saved, MONDAY, pain_during=3)

    rosa_plan.refresh_from_db()
    assert rosa_plan.status == Plan.Status.ACTIVE
    assert not RedFlagReport.objects.exists()
