"""A chunk's deliveries composed from one set of reads say word for word what each says read on
its own, and the reads do not grow with the chunk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.delivery import chunk, notify
from planner.models import Alert, Delivery, Phase, Plan, Urgency
from planner.plans import daily, outcomes
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 16, 6, 30, tzinfo=UTC)


def a_clinic_morning() -> list[Delivery]:
    """Deliveries of every kind a send task meets, each runner in another state."""
    rows = []

    def due(plan: Plan, kind: str, day: date) -> None:
        rows.append(Delivery.objects.create(plan=plan, kind=kind, local_date=day, due_at=NOW))

    rosa = factories.plan_for(factories.person("rosa"), MONDAY)
    step = factories.clamshells_stepped_up(rosa).effective_on
    due(rosa, "progression", step)  # a dose steps up
    due(rosa, "reminder", step - timedelta(days=1))  # a day on the dose before it
    due(rosa, "reminder", step)  # the day of the new dose
    Phase.objects.create(
        program=rosa.program, order=2, name="Load the tendon", first_week=2, last_week=6
    )
    ben = factories.plan_for(factories.person("ben"), MONDAY)
    due(ben, "progression", MONDAY + timedelta(days=7))  # a new phase starts
    due(ben, "reminder", MONDAY + timedelta(days=8))  # the check-in is due
    cleo = factories.plan_for(factories.person("cleo"), MONDAY)
    factories.checked_in(cleo, datetime(2026, 3, 9, 18, 0, tzinfo=UTC))
    due(cleo, "reminder", MONDAY + timedelta(days=8))  # the check-in was done
    due(cleo, "progression", MONDAY + timedelta(days=3))  # nothing changes
    dora = factories.plan_for(factories.person("dora", confirmed=False), MONDAY)
    on_day_one = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)
    outcomes.answer(dora.user, dora.pk, "lefs", on_day_one, items=[2] * 20)
    due(dora, "outcomes", MONDAY)  # one of two answered
    due(dora, "outcomes", MONDAY + timedelta(days=14))
    due(dora, "reminder", MONDAY + timedelta(days=60))  # after the plan's end
    eli = factories.plan_for(factories.person("eli"), MONDAY, time_zone="America/New_York")
    factories.set_status(eli, Plan.Status.STOPPED, NOW)
    due(eli, "reminder", MONDAY + timedelta(days=9))  # stopped for a warning sign
    alert = Alert.objects.create(
        runner=eli.user,
        plan=eli,
        kind=Alert.Kind.WARNING_SIGN,
        urgency=Urgency.EMERGENCY,
        text="Calf pain with swelling and warmth",
        created_at=NOW,
    )
    theo = factories.person("theo")
    rows.append(
        Delivery.objects.create(
            alert=alert, recipient=theo, kind="alert", local_date=MONDAY, due_at=NOW
        )
    )
    return rows


def test_a_chunk_says_word_for_word_what_each_delivery_says_alone() -> None:
    rows = a_clinic_morning()
    together = chunk.read(rows)

    alone = [notify.compose(row, NOW) for row in rows]
    in_the_chunk = [notify.compose_one(row, NOW, together) for row in rows]

    assert in_the_chunk == alone
    said = [message.subject if message else None for message in alone]
    assert said == [
        "Your plan changes today",
        "Your exercises for today",
        "Your exercises for today",
        "A new week of your plan starts today",
        "Your exercises for today",
        "Your exercises for today",
        None,  # nothing changes that day
        "A short questionnaire is due",
        "Two short questionnaires are due",
        None,  # after the plan's end
        None,  # the plan is stopped
        None,  # the therapist is not linked to the runner
    ]
    # The dose before the step and the dose from it: each day's own.
    assert alone[1] is not None and "Clamshells: 1 set of 10 per side" in alone[1].text
    assert alone[2] is not None and "Clamshells: 1 set of 15 per side" in alone[2].text
    assert alone[4] is not None and "check-in" in alone[4].text
    assert alone[5] is not None and "check-in" not in alone[5].text
    assert together.addresses == {
        row.plan.user_id: f"{row.plan.user.username}@example.com"
        for row in rows
        if row.plan and row.plan.user.username != "dora"
    } | {rows[-1].recipient_id: "theo@example.com"}


def test_a_chunk_is_read_in_the_same_queries_whatever_its_size() -> None:
    rows = a_clinic_morning()
    reminders = [row for row in rows if row.kind == "reminder"]

    with CaptureQueriesContext(connection) as one:
        chunk.read(reminders[:1])
    with CaptureQueriesContext(connection) as six:
        chunk.read(reminders)
    with CaptureQueriesContext(connection) as every_kind:
        chunk.read(rows)

    # The days' exercises and their catalog exercises, the earlier doses, the day's logs, the
    # last check-ins, addresses, the runners' push devices.
    assert len(one) == len(six) == 7
    # And the answers, the dose changes, the phases and the alerts' links.
    assert len(every_kind) == 11


def test_many_plans_days_read_together_are_each_plans_day() -> None:
    rows = a_clinic_morning()
    wanted = [(row.plan, row.local_date) for row in rows if row.kind == "reminder" and row.plan]

    together = daily.plan_days(wanted)

    inside = [(plan, day) for plan, day in wanted if not daily.outside_the_plan(plan, day)]
    assert set(together) == {(plan.pk, day) for plan, day in inside}
    assert len(inside) == 5  # one after its plan's end is left out
    for plan, day in inside:
        pk = (plan.pk, day)
        alone = daily.plan_day(plan, day)
        assert [
            (card.plan_exercise.pk, card.dose, card.version, card.dose_text, card.log)
            for card in together[pk].exercises
        ] == [
            (card.plan_exercise.pk, card.dose, card.version, card.dose_text, card.log)
            for card in alone.exercises
        ]
        assert (together[pk].day, together[pk].week) == (alone.day, alone.week)
