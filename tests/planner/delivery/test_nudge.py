"""The evening nudge (issue 20): if a due session is not logged by the runner's time (19:00 in
the plan's zone unless she picks another), one short reminder, once, never after it is logged;
it can be switched off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from planner.delivery import dispatch, notify
from planner.models import Delivery, Notification, Plan, Reminder
from planner.plans import reminders
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def plan() -> Plan:
    return factories.plan_for(factories.person("rosa"), MONDAY, time_zone="America/New_York")


def seven_pm(day: date) -> datetime:
    return datetime.combine(day, time(19, 0), tzinfo=NEW_YORK).astimezone(UTC)


def nudge_of(plan: Plan) -> Reminder:
    return plan.reminders.get(kind=Reminder.Kind.NUDGE)


@pytest.fixture
def tick(django_capture_on_commit_callbacks: Callable) -> Callable[[datetime], list[str]]:
    """The dispatcher at `now`, then each delivery it wrote sent: the states the nudges among
    them end in (the morning's messages go too, and are other tests' business)."""

    def run(now: datetime) -> list[str]:
        written: list[int] = []
        with django_capture_on_commit_callbacks(execute=True):
            dispatch.dispatch_due(now, lambda chunks: written.extend(i for c in chunks for i in c))
        states = {pk: notify.send_delivery(pk, now) for pk in written}
        nudges = Delivery.objects.filter(pk__in=written, kind=Reminder.Kind.NUDGE)
        return [states[pk] for pk in nudges.order_by("pk").values_list("pk", flat=True)]

    return run


def test_a_new_plan_is_nudged_at_seven_pm_local_apart_from_its_morning_reminder(
    plan: Plan,
) -> None:
    nudge = nudge_of(plan)
    assert (nudge.local_time, nudge.state) == (time(19, 0), "on")
    assert nudge.next_due_at == seven_pm(MONDAY) and nudge.next_local_date == MONDAY

    # The runner moves her morning reminder: every message follows it but the nudge.
    reminders.update_reminder(plan, seven_pm(MONDAY) - timedelta(hours=14), local_time=time(6, 0))
    assert nudge_of(plan).local_time == time(19, 0)
    assert plan.reminders.get(kind=Reminder.Kind.PROGRESSION).local_time == time(6, 0)


def test_a_day_with_nothing_logged_by_seven_gets_one_short_nudge(
    plan: Plan, tick: Callable[[datetime], list[str]]
) -> None:
    assert tick(seven_pm(MONDAY) - timedelta(minutes=1)) == []
    mail.outbox.clear()  # the morning's reminder, sent late by this first tick

    assert tick(seven_pm(MONDAY)) == ["sent"]
    assert tick(seven_pm(MONDAY) + timedelta(minutes=5)) == []  # once

    (email,) = mail.outbox
    assert email.subject == "Today's exercises are still open"
    assert "are not logged yet" in email.body
    assert f"/plans/{plan.pk}/day/2026-03-02/" in email.body
    notice = Notification.objects.get(user=plan.user, delivery__kind=Reminder.Kind.NUDGE)
    assert notice.title == email.subject and "http" not in notice.body
    # The next one waits for Tuesday evening.
    assert nudge_of(plan).next_due_at == seven_pm(MONDAY + timedelta(days=1))


# Done, or logged as not done: either way the runner has seen to the day.
@pytest.mark.parametrize("entry", [{"done": True}, {"done": False}])
def test_a_day_already_logged_is_not_nudged(
    plan: Plan, tick: Callable[[datetime], list[str]], entry: dict[str, bool]
) -> None:
    first = plan.exercises.order_by("order").first()
    assert first is not None
    factories.log_session(plan=plan, plan_exercise=first, day=MONDAY, today=MONDAY, **entry)

    assert tick(seven_pm(MONDAY)) == ["skipped"]

    assert "Today's exercises are still open" not in [email.subject for email in mail.outbox]
    assert not Notification.objects.filter(delivery__kind=Reminder.Kind.NUDGE).exists()


def test_a_session_logged_after_the_nudge_was_written_stops_it(plan: Plan) -> None:
    """The nudge is decided when it is sent: a log in between (a worker queue's wait) wins."""
    row = Delivery.objects.create(
        plan=plan, kind=Reminder.Kind.NUDGE, local_date=MONDAY, due_at=seven_pm(MONDAY)
    )
    first = plan.exercises.order_by("order").first()
    assert first is not None
    factories.log_session(plan=plan, plan_exercise=first, day=MONDAY, today=MONDAY, done=True)

    assert notify.send_delivery(row.pk, seven_pm(MONDAY)) == "skipped"
    assert mail.outbox == []


def test_switched_off_it_is_not_due_and_switched_on_at_another_time_it_is(plan: Plan) -> None:
    morning = seven_pm(MONDAY) - timedelta(hours=12)

    off = reminders.update_nudge(plan, morning, state=Reminder.State.OFF)
    assert off.next_due_at is None

    later = reminders.update_nudge(plan, morning, state=Reminder.State.ON, local_time=time(21, 30))
    assert later.next_local_date == MONDAY
    assert later.next_due_at == datetime.combine(MONDAY, time(21, 30), tzinfo=NEW_YORK)
    # The morning reminder keeps its own time.
    assert plan.reminders.get(kind=Reminder.Kind.REMINDER).local_time == time(7, 30)


def test_a_rest_day_or_a_stopped_plan_is_not_nudged(
    plan: Plan, tick: Callable[[datetime], list[str]]
) -> None:
    factories.set_status(plan, Plan.Status.STOPPED, seven_pm(MONDAY) - timedelta(hours=2))
    row = Delivery.objects.create(
        plan=plan, kind=Reminder.Kind.NUDGE, local_date=MONDAY, due_at=seven_pm(MONDAY)
    )

    assert notify.send_delivery(row.pk, seven_pm(MONDAY)) == "skipped"
    assert nudge_of(plan).next_due_at is None  # and none is due while it is stopped
