"""The dispatcher in-process, driven by a `now` the test chooses: on time in every time zone,
once per (plan, local date, kind), nothing for plans that must stay quiet."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection

from planner.delivery import dispatch
from planner.models import Delivery, Plan, Reminder
from planner.plans import lifecycle, reminders
from tests import factories

pytestmark = pytest.mark.django_db


class Outbox:
    """Collects what the dispatcher enqueues, as the Celery producer would."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, chunks: list[list[int]]) -> None:
        with self.lock:
            for chunk in chunks:
                self.ids.extend(chunk)


@pytest.fixture
def run(django_capture_on_commit_callbacks: Callable) -> Callable[[datetime], Outbox]:
    """Run the dispatcher once at `now`, with after-commit enqueues carried out."""

    def run_at(now: datetime, outbox: Outbox | None = None) -> Outbox:
        outbox = outbox or Outbox()
        with django_capture_on_commit_callbacks(execute=True):
            dispatch.dispatch_due(now, outbox)
        return outbox

    return run_at


def plan_in(zone: str, start: date, at: time) -> Plan:
    plan = factories.plan_for(factories.person(f"p{Plan.objects.count()}"), start, time_zone=zone)
    reminders.update_reminder(
        plan, datetime.combine(start, time(0), tzinfo=UTC) - timedelta(days=1), local_time=at
    )
    return plan


def reminder_times(plan: Plan, kind: str = "reminder") -> list[tuple[date, datetime]]:
    return list(
        Delivery.objects.filter(plan=plan, kind=kind)
        .order_by("local_date")
        .values_list("local_date", "due_at")
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def tick_through(run: Callable, first: datetime, last: datetime, every: timedelta) -> None:
    now = first
    while now <= last:
        run(now)
        now += every


def test_a_reminder_due_now_is_delivered_once_and_moves_to_tomorrow(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))
    due = utc(2026, 6, 1, 5, 0)  # 07:00 CEST

    outbox = run(due)
    again = run(due + timedelta(minutes=1))

    delivery = Delivery.objects.get(plan=plan, kind="reminder")
    assert outbox.ids.count(delivery.pk) == 1
    assert again.ids == []
    assert (delivery.local_date, delivery.due_at, delivery.state) == (
        date(2026, 6, 1),
        due,
        "pending",
    )
    reminder = plan.reminders.get(kind="reminder")
    assert reminder.next_due_at == utc(2026, 6, 2, 5, 0)


def test_nothing_is_sent_before_its_time(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))

    outbox = run(utc(2026, 6, 1, 4, 59))

    assert outbox.ids == []
    assert not Delivery.objects.filter(plan=plan).exists()


def test_a_row_claimed_twice_still_makes_one_delivery(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))
    first = run(utc(2026, 6, 1, 5, 0))
    # As if a crash had left the row un-advanced after its delivery was written.
    plan.reminders.filter(kind="reminder").update(
        next_due_at=utc(2026, 6, 1, 5, 0), next_local_date=date(2026, 6, 1)
    )

    second = run(utc(2026, 6, 1, 5, 2))

    assert Delivery.objects.filter(plan=plan, kind="reminder").count() == 1
    # The reminder, the progression step and the questionnaires (the first day is a due date).
    assert len(first.ids) == 3
    assert second.ids == []


def test_a_missed_dispatch_fires_once_late_then_keeps_the_persons_time(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))

    run(utc(2026, 6, 1, 9, 13))  # the dispatcher was down from 07:00 to 11:13 local
    run(utc(2026, 6, 1, 9, 14))

    assert reminder_times(plan) == [(date(2026, 6, 1), utc(2026, 6, 1, 5, 0))]
    assert plan.reminders.get(kind="reminder").next_due_at == utc(2026, 6, 2, 5, 0)


def test_a_days_long_outage_sends_one_late_message_not_one_per_day(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))

    run(utc(2026, 6, 4, 9, 0))  # back after three and a half days

    assert reminder_times(plan) == [(date(2026, 6, 1), utc(2026, 6, 1, 5, 0))]
    assert plan.reminders.get(kind="reminder").next_due_at == utc(2026, 6, 5, 5, 0)


@pytest.mark.parametrize(
    ("zone", "at", "start", "expected"),
    [
        # Spring forward: 02:30 does not exist on 29 March; it fires at 03:30 CEST (01:30 UTC).
        (
            "Europe/Berlin",
            time(2, 30),
            date(2026, 3, 28),
            [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)],
        ),
        # Fall back: 02:30 happens twice on 25 October; it fires once, at the first (CEST).
        (
            "Europe/Berlin",
            time(2, 30),
            date(2026, 10, 24),
            [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)],
        ),
        # Spring forward in New York: 02:30 on 8 March fires at 03:30 EDT (07:30 UTC).
        (
            "America/New_York",
            time(2, 30),
            date(2026, 3, 7),
            [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)],
        ),
        # Fall back in New York: 01:30 on 1 November fires once, at 01:30 EDT (05:30 UTC).
        (
            "America/New_York",
            time(1, 30),
            date(2026, 10, 31),
            [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)],
        ),
        # A half-hour offset and no DST: 07:00 in Kolkata is 01:30 UTC every day.
        (
            "Asia/Kolkata",
            time(7, 0),
            date(2026, 3, 28),
            [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 1, 30)],
        ),
    ],
    ids=["berlin-spring", "berlin-fall", "new-york-spring", "new-york-fall", "kolkata"],
)
def test_dst_days_follow_rfc_5545(
    run: Callable, zone: str, at: time, start: date, expected: list[datetime]
) -> None:
    plan = plan_in(zone, start, at)

    # Every ten minutes for three days, as the beat would (more often changes nothing).
    tick_through(run, expected[0] - timedelta(hours=2), expected[-1], timedelta(minutes=10))

    times = reminder_times(plan)
    assert [due_at for _day, due_at in times] == expected
    assert [day for day, _due in times] == [start + timedelta(days=n) for n in range(3)]


def test_a_person_who_flies_west_gets_the_next_day_at_the_new_local_time_once(
    run: Callable,
) -> None:
    plan = plan_in("Asia/Tokyo", date(2026, 6, 2), time(8, 0))
    run(utc(2026, 6, 1, 23, 0))  # 08:00 on 2 June in Tokyo

    lifecycle.change_plan(plan, utc(2026, 6, 2, 0, 0), time_zone="America/New_York")
    tick_through(run, utc(2026, 6, 2, 0, 0), utc(2026, 6, 3, 13, 0), timedelta(minutes=30))

    assert reminder_times(plan) == [
        (date(2026, 6, 2), utc(2026, 6, 1, 23, 0)),
        # Not 2 June again in New York: that day was already reminded.
        (date(2026, 6, 3), utc(2026, 6, 3, 12, 0)),
    ]


def test_a_person_who_flies_east_is_reminded_at_the_new_local_time(run: Callable) -> None:
    plan = plan_in("America/New_York", date(2026, 6, 2), time(8, 0))
    run(utc(2026, 6, 2, 12, 0))  # 08:00 on 2 June in New York

    lifecycle.change_plan(plan, utc(2026, 6, 2, 13, 0), time_zone="Asia/Tokyo")
    tick_through(run, utc(2026, 6, 2, 13, 0), utc(2026, 6, 3, 23, 30), timedelta(minutes=30))

    assert reminder_times(plan) == [
        (date(2026, 6, 2), utc(2026, 6, 2, 12, 0)),
        (date(2026, 6, 3), utc(2026, 6, 2, 23, 0)),
        (date(2026, 6, 4), utc(2026, 6, 3, 23, 0)),
    ]


def test_changing_the_time_of_day_moves_the_next_reminder(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))

    reminders.update_reminder(plan, utc(2026, 6, 1, 4, 0), local_time=time(19, 15))
    run(utc(2026, 6, 1, 5, 0))
    run(utc(2026, 6, 1, 17, 15))

    assert reminder_times(plan) == [(date(2026, 6, 1), utc(2026, 6, 1, 17, 15))]


@pytest.mark.parametrize("status", ["paused", "stopped", "completed"])
def test_a_plan_that_is_not_active_gets_nothing(run: Callable, status: str) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))

    factories.set_status(plan, status, utc(2026, 6, 1, 0, 0))
    tick_through(run, utc(2026, 6, 1, 0, 0), utc(2026, 6, 3, 0, 0), timedelta(hours=1))

    assert not Delivery.objects.filter(plan=plan).exists()


def test_a_resumed_plan_is_reminded_again(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))
    factories.set_status(plan, "paused", utc(2026, 6, 1, 0, 0))

    factories.set_status(plan, "active", utc(2026, 6, 2, 12, 0))
    tick_through(run, utc(2026, 6, 1, 0, 0), utc(2026, 6, 3, 6, 0), timedelta(hours=1))

    assert [day for day, _ in reminder_times(plan)] == [date(2026, 6, 3)]


@pytest.mark.parametrize("state", ["paused", "off"])
def test_reminders_paused_or_switched_off_send_nothing(run: Callable, state: str) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))

    reminders.update_reminder(plan, utc(2026, 6, 1, 0, 0), state=state)
    tick_through(run, utc(2026, 6, 1, 0, 0), utc(2026, 6, 2, 6, 0), timedelta(hours=1))

    assert reminder_times(plan) == []


def test_the_sweeper_resends_what_was_left_unsent_and_nothing_else(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    plan = factories.plan_for(factories.person("sam"), date(2026, 6, 1))
    now = utc(2026, 6, 1, 12, 0)

    def delivery(day: int, state: str, created: datetime, claimed: datetime | None) -> Delivery:
        row = Delivery.objects.create(
            plan=plan,
            kind="reminder",
            local_date=date(2026, 6, day),
            due_at=created,
            state=state,
            claimed_at=claimed,
        )
        Delivery.objects.filter(pk=row.pk).update(created_at=created)
        return row

    lost = delivery(1, "pending", now - timedelta(minutes=30), None)
    fresh = delivery(2, "pending", now - timedelta(minutes=1), None)
    dead_worker = delivery(3, "sending", now - timedelta(hours=1), now - timedelta(minutes=20))
    busy_worker = delivery(4, "sending", now - timedelta(hours=1), now - timedelta(minutes=1))
    delivery(5, "sent", now - timedelta(hours=1), now - timedelta(hours=1))
    outbox = Outbox()

    with django_capture_on_commit_callbacks(execute=True):
        dispatch.sweep(now, outbox)

    assert sorted(outbox.ids) == sorted([lost.pk, dead_worker.pk])
    assert fresh.pk not in outbox.ids and busy_worker.pk not in outbox.ids


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_deliver_each_reminder_once() -> None:
    start = date(2026, 6, 1)
    program = factories.program()
    users = [factories.person(f"runner{n}") for n in range(120)]
    for user in users:
        from planner.plans import lifecycle

        factories.screened(user, utc(2026, 5, 31, 0, 0))
        lifecycle.start_plan(
            user=user,
            program=program,
            start_date=start,
            time_zone="Europe/Berlin",
            now=utc(2026, 5, 31, 0, 0),
            reminder_time=time(7, 0),
        )
    due = utc(2026, 6, 1, 5, 0)
    outbox = Outbox()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def dispatcher() -> None:
        try:
            barrier.wait()
            dispatch.dispatch_due(due, outbox, batch_size=25)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    # A reminder, a progression step and, on the first day, the questionnaires' reminder each.
    assert Delivery.objects.count() == 3 * len(users)
    assert sorted(outbox.ids) == sorted(Delivery.objects.values_list("pk", flat=True))
    assert not Reminder.objects.filter(next_due_at__lte=due).exists()


def test_a_plan_past_its_end_is_no_longer_reminded(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))
    Plan.objects.filter(pk=plan.pk).update(projected_end=date(2026, 6, 2))

    tick_through(run, utc(2026, 6, 1, 0, 0), utc(2026, 6, 5, 6, 0), timedelta(hours=1))

    assert [day for day, _ in reminder_times(plan)] == [date(2026, 6, 1), date(2026, 6, 2)]
    assert plan.reminders.filter(next_due_at__isnull=False).count() == 0


# --- The outcome questionnaires' reminder: at the reminder's time, on their due dates only ---


def ticks_around(run: Callable, first: datetime, last: datetime, instants: list[datetime]) -> None:
    """Every hour from `first` to `last`, and every ten minutes for three hours either side of
    each of `instants`, in time order, as the beat would tick (more often changes nothing)."""
    moments = set()
    now = first
    while now <= last:
        moments.add(now)
        now += timedelta(hours=1)
    for instant in instants:
        moments.update(instant + timedelta(minutes=10 * n) for n in range(-18, 19))
    for now in sorted(moments):
        run(now)


def test_the_questionnaires_reminder_fires_once_on_each_due_date_and_not_between(
    run: Callable,
) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))  # six weeks: to 13 July
    due_days = [date(2026, 6, 1), date(2026, 6, 15), date(2026, 6, 29), plan.projected_end]
    expected = [
        (day, datetime.combine(day, time(5, 0), tzinfo=UTC))  # 07:00 CEST
        for day in due_days
    ]

    ticks_around(run, utc(2026, 5, 31, 0, 0), utc(2026, 7, 20, 0, 0), [at for _, at in expected])

    assert reminder_times(plan, "outcomes") == expected
    # The daily reminder went on every day meanwhile: the two do not get in each other's way.
    assert len(reminder_times(plan)) == (plan.projected_end - plan.start_date).days + 1
    # After the end nothing is left to fire.
    assert plan.reminders.get(kind="outcomes").next_due_at is None


@pytest.mark.parametrize(
    ("zone", "at", "start", "expected"),
    [
        # London springs forward on 29 March: 01:30 does not exist and fires at 02:30 BST, the
        # offset before the gap (01:30 UTC).
        (
            "Europe/London",
            time(1, 30),
            date(2026, 3, 15),
            [utc(2026, 3, 15, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 4, 12, 0, 30)],
        ),
        # London falls back on 25 October: 01:30 happens twice and fires once, at the first
        # (BST, 00:30 UTC).
        (
            "Europe/London",
            time(1, 30),
            date(2026, 10, 11),
            [utc(2026, 10, 11, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 11, 8, 1, 30)],
        ),
        # New York springs forward on 8 March: 02:30 fires at 03:30 EDT (07:30 UTC).
        (
            "America/New_York",
            time(2, 30),
            date(2026, 2, 22),
            [utc(2026, 2, 22, 7, 30), utc(2026, 3, 8, 7, 30), utc(2026, 3, 22, 6, 30)],
        ),
        # New York falls back on 1 November: 01:30 fires once, at 01:30 EDT (05:30 UTC).
        (
            "America/New_York",
            time(1, 30),
            date(2026, 10, 18),
            [utc(2026, 10, 18, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 15, 6, 30)],
        ),
    ],
    ids=["london-spring", "london-fall", "new-york-spring", "new-york-fall"],
)
def test_a_questionnaires_due_date_on_a_dst_change_is_sent_once_at_its_rfc_5545_time(
    run: Callable, zone: str, at: time, start: date, expected: list[datetime]
) -> None:
    plan = plan_in(zone, start, at)

    # Through the first three due dates, the DST change falling on the second.
    ticks_around(run, expected[0] - timedelta(hours=6), expected[-1] + timedelta(hours=6), expected)

    times = reminder_times(plan, "outcomes")
    assert [due_at for _day, due_at in times] == expected
    assert [day for day, _due in times] == [start + timedelta(days=14 * n) for n in range(3)]


def test_switching_the_daily_reminder_off_leaves_the_questionnaires_reminder_on(
    run: Callable,
) -> None:
    """A runner who wants no daily nudge still needs to hear, every two weeks, that her
    questionnaires are due: nothing else tells her. Pausing the plan silences both."""
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))

    reminders.update_reminder(plan, utc(2026, 5, 31, 0, 0), state="off")
    tick_through(run, utc(2026, 6, 1, 0, 0), utc(2026, 6, 2, 6, 0), timedelta(hours=1))

    assert reminder_times(plan) == []
    assert reminder_times(plan, "outcomes") == [(date(2026, 6, 1), utc(2026, 6, 1, 5, 0))]


def test_the_questionnaires_reminder_follows_a_new_time_of_day(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))

    reminders.update_reminder(plan, utc(2026, 6, 1, 4, 0), local_time=time(19, 15))
    tick_through(run, utc(2026, 6, 1, 0, 0), utc(2026, 6, 2, 0, 0), timedelta(minutes=15))

    assert reminder_times(plan, "outcomes") == [(date(2026, 6, 1), utc(2026, 6, 1, 17, 15))]


def test_a_questionnaires_reminder_fired_late_moves_to_the_next_due_date(run: Callable) -> None:
    plan = plan_in("Europe/Berlin", date(2026, 6, 1), time(7, 0))

    run(utc(2026, 6, 4, 9, 0))  # the dispatcher was down for three days

    assert reminder_times(plan, "outcomes") == [(date(2026, 6, 1), utc(2026, 6, 1, 5, 0))]
    reminder = plan.reminders.get(kind="outcomes")
    assert (reminder.next_local_date, reminder.next_due_at) == (
        date(2026, 6, 15),
        utc(2026, 6, 15, 5, 0),
    )
