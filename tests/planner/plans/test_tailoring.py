"""A therapist tailors a running plan in place: each change in the dose history with who and
why, from a day on, and the engine stepping on from the new dose."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from planner.models import DoseChange, Plan, PlanExercise
from planner.plans import daily, lifecycle, progress_report, tailoring
from tests import factories
from tests.personas import therapist

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
WEDNESDAY = MONDAY + timedelta(days=2)


@pytest.fixture
def rosa_plan() -> Plan:
    return factories.plan_for(factories.person("rosa"), MONDAY)


@pytest.fixture
def theo() -> User:
    return therapist("theo")


def item(plan: Plan, slug: str) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug=slug)


def on(day: date) -> object:
    return factories.evening_of_zone("Europe/Berlin", day)


def due_names(plan: Plan, day: date) -> list[str]:
    return [card.plan_exercise.exercise.name for card in daily.plan_day(plan, day).exercises]


def test_a_redose_is_kept_with_who_and_why_and_the_engine_steps_on_from_it(
    rosa_plan: Plan, theo: User
) -> None:
    shells = item(rosa_plan, "clamshells")

    change = tailoring.redose(
        therapist=theo,
        plan_id=rosa_plan.pk,
        plan_exercise_id=shells.pk,
        amount=20,
        sets=1,
        hold_seconds=3,
        effective_on=None,
        reason="Strong hips: start higher, with a pause at the top.",
        now=on(WEDNESDAY),
    )

    assert (change.action, change.old_amount, change.new_amount, change.effective_on) == (
        "override",
        10,
        20,
        WEDNESDAY,
    )
    assert change.decided_by == theo
    assert change.what_changed == "Hold 3 s (was 0 s)."
    assert daily.plan_day(rosa_plan, WEDNESDAY).exercises[0].dose_text == (
        "1 set of 20 per side, hold 3 s"
    )
    assert daily.plan_day(rosa_plan, MONDAY).exercises[0].amount == 10
    # A week of comfortable sessions at the new dose: the engine steps up from 20.
    for offset in range(8):
        day = WEDNESDAY + timedelta(days=offset)
        factories.log_session(
            plan=rosa_plan, plan_exercise=shells, day=day, today=day, done=True, pain_during=1
        )
    shells.refresh_from_db()
    assert shells.amount == 25
    assert shells.dose_changes.order_by("pk").last().action == "progress"


def test_a_removed_exercise_stops_being_due_and_keeps_its_history(
    rosa_plan: Plan, theo: User
) -> None:
    shells = item(rosa_plan, "clamshells")
    factories.log_session(
        plan=rosa_plan, plan_exercise=shells, day=MONDAY, today=MONDAY, done=True, pain_during=1
    )

    change = tailoring.remove_exercise(
        therapist=theo,
        plan_id=rosa_plan.pk,
        plan_exercise_id=shells.pk,
        effective_on=WEDNESDAY,
        reason="The hip is settled: the bridge does the work now.",
        now=on(MONDAY),
    )

    shells.refresh_from_db()
    assert (change.action, change.effective_on, change.decided_by) == ("removed", WEDNESDAY, theo)
    assert change.what_changed == "Clamshells removed: no longer due from 04 March 2026."
    assert shells.removed_on == WEDNESDAY
    assert shells.last_week == 1  # its weeks end with its last day due
    assert due_names(rosa_plan, MONDAY + timedelta(days=1)) == ["Clamshells"]
    assert due_names(rosa_plan, WEDNESDAY) == []
    assert shells.logs.count() == 1
    assert shells.dose_changes.count() == 2  # its start and its removal
    with pytest.raises(ValidationError) as refused:
        factories.log_session(
            plan=rosa_plan, plan_exercise=shells, day=WEDNESDAY, today=WEDNESDAY, done=True
        )
    assert "not part of the plan on 2026-03-04" in str(refused.value)


def test_an_added_exercise_is_due_from_its_day_at_its_dose(rosa_plan: Plan, theo: User) -> None:
    # The plan's stretch (from week 2) taken out today, and added back daily from Wednesday.
    tailoring.remove_exercise(
        therapist=theo,
        plan_id=rosa_plan.pk,
        plan_exercise_id=item(rosa_plan, "piriformis-stretch").pk,
        effective_on=None,
        reason="Not yet.",
        now=on(MONDAY),
    )

    change = tailoring.add_exercise(
        therapist=theo,
        plan_id=rosa_plan.pk,
        new=tailoring.NewExercise(
            exercise="piriformis-stretch", frequency="daily", start=20, amount=20, note="Gently."
        ),
        effective_on=WEDNESDAY,
        reason="Tight in the buttock: stretch it daily.",
        now=on(MONDAY),
    )

    added = change.plan_exercise
    assert (change.action, change.old_amount, change.new_amount, change.decided_by) == (
        "added",
        None,
        20,
        theo,
    )
    assert (added.added_on, added.first_week, added.last_week, added.prescription) == (
        WEDNESDAY,
        1,
        6,
        None,
    )
    assert (added.start, added.target, added.step, added.note) == (20, 30, 10, "Gently.")
    assert "Piriformis stretch" not in due_names(rosa_plan, MONDAY + timedelta(days=1))
    assert "Piriformis stretch" in due_names(rosa_plan, WEDNESDAY)


def test_an_exercise_already_in_the_plan_is_redosed_not_added(rosa_plan: Plan, theo: User) -> None:
    with pytest.raises(ValidationError) as refused:
        tailoring.add_exercise(
            therapist=theo,
            plan_id=rosa_plan.pk,
            new=tailoring.NewExercise(exercise="clamshells"),
            effective_on=None,
            reason="More.",
            now=on(MONDAY),
        )
    assert refused.value.message_dict == {
        "exercise": ["Clamshells is in the plan already: re-dose it instead."]
    }


def test_a_new_frequency_counts_the_sessions_due_from_its_day(rosa_plan: Plan, theo: User) -> None:
    changes = tailoring.change_frequency(
        therapist=theo,
        plan_id=rosa_plan.pk,
        frequency="every_other_day",
        effective_on=WEDNESDAY,
        reason="Rest days between: the tendon needs them.",
        now=on(MONDAY),
    )

    # The stretch was every other day already: only the clamshells change.
    assert [(c.action, c.plan_exercise.exercise.slug) for c in changes] == [
        ("frequency", "clamshells")
    ]
    assert changes[0].what_changed == "Clamshells: every other day (was every day)."
    shells = item(rosa_plan, "clamshells")
    assert (shells.frequency, shells.dose_since) == ("every_other_day", WEDNESDAY)
    assert DoseChange.objects.filter(action="frequency").get().decided_by == theo
    assert due_names(rosa_plan, WEDNESDAY + timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("effective_on", "reason", "field"),
    [
        (MONDAY - timedelta(days=1), "Why not.", "effective_on"),
        (MONDAY + timedelta(weeks=10), "Why not.", "effective_on"),
        (None, "  ", "reason"),
    ],
)
def test_a_change_names_its_broken_rule(
    rosa_plan: Plan, theo: User, effective_on: date | None, reason: str, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        tailoring.redose(
            therapist=theo,
            plan_id=rosa_plan.pk,
            plan_exercise_id=item(rosa_plan, "clamshells").pk,
            amount=15,
            effective_on=effective_on,
            reason=reason,
            now=on(MONDAY),
        )
    assert list(refused.value.message_dict) == [field]


def test_a_dose_outside_the_ladder_names_each_field(rosa_plan: Plan, theo: User) -> None:
    with pytest.raises(ValidationError) as refused:
        tailoring.redose(
            therapist=theo,
            plan_id=rosa_plan.pk,
            plan_exercise_id=item(rosa_plan, "clamshells").pk,
            amount=45,
            sets=4,
            level=3,
            hold_seconds=500,
            effective_on=None,
            reason="More.",
            now=on(MONDAY),
        )
    assert refused.value.message_dict == {
        "amount": ["Between 10 and 30 for Clamshells, its ladder."],
        "sets": ["Always 1 set for Clamshells."],
        "level": ["One of 0 (Clamshells itself), 1 (With an exercise band) for Clamshells."],
        "hold_seconds": ["Between 0 and 120 seconds."],
    }


def test_a_paused_plan_is_not_tailored(rosa_plan: Plan, theo: User) -> None:
    lifecycle.change_plan(rosa_plan, on(MONDAY), status=Plan.Status.PAUSED)

    with pytest.raises(ValidationError) as refused:
        tailoring.remove_exercise(
            therapist=theo,
            plan_id=rosa_plan.pk,
            plan_exercise_id=item(rosa_plan, "clamshells").pk,
            effective_on=None,
            reason="Done.",
            now=on(MONDAY),
        )
    assert refused.value.message_dict == {"plan": ["The plan is paused: it cannot be tailored."]}


def test_the_progress_report_counts_a_removed_exercise_only_while_it_was_due(
    rosa_plan: Plan, theo: User
) -> None:
    shells = item(rosa_plan, "clamshells")
    tailoring.remove_exercise(
        therapist=theo,
        plan_id=rosa_plan.pk,
        plan_exercise_id=shells.pk,
        effective_on=WEDNESDAY,
        reason="Settled.",
        now=on(MONDAY),
    )
    shells.refresh_from_db()

    due = progress_report.due_by_day(rosa_plan, [shells], MONDAY, MONDAY + timedelta(days=6))

    assert sorted(due) == [MONDAY, MONDAY + timedelta(days=1)]
