"""Push reminders (issue 20): a third channel beside email and in-app, on each device its runner
turned it on for; one delivery per (plan, local date, kind, channel) through the same dispatcher
and send tasks, exactly once; a device its push service says is gone (404/410) removed, not
retried. Sent to a push service on loopback that checks the app's signature and decrypts each
message with the device's own key (tests/push_service.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail

from kit import vapid
from planner.delivery import devices, dispatch, notify
from planner.models import Delivery, Notification, Plan, Profile, PushSubscription, Reminder
from tests import factories
from tests.push_service import Device, Push, PushService

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
BERLIN = ZoneInfo("Europe/Berlin")


def morning(day: date) -> datetime:
    """The daily reminder's time (07:30 in the plan's zone)."""
    reminder_time = time(7, 30)
    return datetime.combine(day, reminder_time, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def plan() -> Plan:
    made = factories.plan_for(factories.person("rosa"), MONDAY)
    assert made.reminders.get(kind=Reminder.Kind.REMINDER).local_time == time(7, 30)
    return made


def turn_on(plan: Plan, device: Device, label: str = "phone") -> PushSubscription:
    given = device.subscription()
    return devices.subscribe(
        plan.user,
        endpoint=given["endpoint"],
        p256dh=given["keys"]["p256dh"],
        auth=given["keys"]["auth"],
        label=label,
    )


Tick = Callable[[datetime], dict[int, str]]
Dispatch = Callable[[datetime], list[int]]


@pytest.fixture
def dispatched(django_capture_on_commit_callbacks: Callable) -> Dispatch:
    """The dispatcher at `now`: the ids of the deliveries it enqueued."""

    def run(now: datetime) -> list[int]:
        chunks: list[list[int]] = []
        with django_capture_on_commit_callbacks(execute=True):
            dispatch.dispatch_due(now, chunks.extend)
        return [pk for chunk in chunks for pk in chunk]

    return run


@pytest.fixture
def tick(django_capture_on_commit_callbacks: Callable) -> Tick:
    """The dispatcher at `now`, then every chunk it enqueued sent as the send task sends it:
    the state each written delivery ends in."""

    def run(now: datetime) -> dict[int, str]:
        chunks: list[list[int]] = []
        with django_capture_on_commit_callbacks(execute=True):
            dispatch.dispatch_due(now, chunks.extend)
        states: dict[int, str] = {}
        for ids in chunks:
            states.update(notify.send_chunk(ids, now).states)
        return states

    return run


def reminders_to(service: PushService, device: Device, plan: Plan) -> list[Push]:
    """The daily reminder's pushes to the device (a plan's first morning also brings its
    progression step)."""
    return [p for p in service.to(device) if p.payload["tag"] == f"plan-{plan.pk}-reminder"]


def deliveries_of(plan: Plan, kind: str = Reminder.Kind.REMINDER) -> dict[str, Delivery]:
    return {d.channel: d for d in Delivery.objects.filter(plan=plan, kind=kind)}


def test_a_morning_reminder_reaches_every_device_decrypted_beside_its_email(
    plan: Plan, push_service: PushService, tick: Tick
) -> None:
    phone, laptop = push_service.device(), push_service.device()
    turn_on(plan, phone, "phone")
    turn_on(plan, laptop, "laptop")

    tick(morning(MONDAY))

    by_channel = deliveries_of(plan)
    assert {c: d.state for c, d in by_channel.items()} == {"email": "sent", "push": "sent"}
    assert push_service.problems == []
    for device in (phone, laptop):
        (received,) = reminders_to(push_service, device, plan)
        assert received.payload == {
            "title": "Your exercises for today",
            "body": "Open the app to see today's plan.",
            "url": f"{settings.SITE_URL}/plans/{plan.pk}/day/2026-03-02/",
            "tag": f"plan-{plan.pk}-reminder",
        }
        # Signed with the key browsers are given to subscribe with.
        assert received.signer_key == vapid.public_key(settings.VAPID_PRIVATE_KEY)
        assert 0 < received.ttl <= 24 * 3600
    # The email and its notice went once, as before: the push adds a channel, not a copy.
    reminder_emails = [m for m in mail.outbox if m.subject == "Your exercises for today"]
    assert len(reminder_emails) == 1
    assert Notification.objects.filter(user=plan.user, delivery__kind="reminder").count() == 1
    assert set(PushSubscription.objects.values_list("last_sent_at", flat=True)) == {morning(MONDAY)}


def test_what_a_push_shows_on_a_lock_screen_names_no_exercise_or_condition(
    plan: Plan, push_service: PushService, tick: Tick
) -> None:
    phone = push_service.device()
    turn_on(plan, phone)
    tick(morning(MONDAY))
    (received,) = reminders_to(push_service, phone, plan)
    shown = f"{received.payload['title']} {received.payload['body']}".lower()
    names = [pe.exercise.name.lower() for pe in plan.exercises.select_related("exercise")]
    assert names
    for private in [*names, plan.program.condition.name.lower(), "pain"]:
        assert private not in shown


def test_a_runner_without_push_gets_no_push_delivery(plan: Plan, tick: Tick) -> None:
    tick(morning(MONDAY))
    assert set(deliveries_of(plan)) == {"email"}


def test_each_push_goes_once_whatever_the_dispatcher_and_senders_do_twice(
    plan: Plan, push_service: PushService, tick: Tick
) -> None:
    phone = push_service.device()
    turn_on(plan, phone)
    first = tick(morning(MONDAY))
    push = deliveries_of(plan)["push"]
    assert first[push.pk] == "sent"

    # The same minute dispatched again (a second dispatcher, beat restarted): nothing new.
    Reminder.objects.filter(plan=plan, kind=Reminder.Kind.REMINDER).update(
        next_due_at=morning(MONDAY), next_local_date=MONDAY
    )
    assert tick(morning(MONDAY)) == {}
    # The send task delivered twice by the broker: the second finds nothing to send.
    assert notify.send_chunk([push.pk], morning(MONDAY)).states == {push.pk: "not claimed"}
    assert len(reminders_to(push_service, phone, plan)) == 1
    assert Delivery.objects.filter(plan=plan, kind="reminder", channel="push").count() == 1


def test_a_device_gone_from_its_push_service_is_removed_and_never_tried_again(
    plan: Plan, push_service: PushService, tick: Tick
) -> None:
    phone, old_tablet = push_service.device(), push_service.device(status=410)
    turn_on(plan, phone, "phone")
    turn_on(plan, old_tablet, "tablet")

    tick(morning(MONDAY))

    assert deliveries_of(plan)["push"].state == "sent"  # the phone took it
    assert list(PushSubscription.objects.values_list("label", flat=True)) == ["phone"]
    assert len(reminders_to(push_service, phone, plan)) == 1

    # Once the phone is gone too (404), the next day's push fails for good and the runner has
    # no device left: the day after, no push delivery is written at all.
    push_service.devices[phone.token].status = 404
    tick(morning(date(2026, 3, 3)))
    tuesday = Delivery.objects.get(
        plan=plan, kind="reminder", channel="push", local_date="2026-03-03"
    )
    assert (tuesday.state, tuesday.last_error) == ("failed", "every device refused it or is gone")
    assert not PushSubscription.objects.exists()
    tick(morning(date(2026, 3, 4)))
    assert not Delivery.objects.filter(channel="push", local_date="2026-03-04").exists()


def test_a_busy_push_service_is_tried_again_and_the_push_then_goes_once(
    plan: Plan, push_service: PushService, dispatched: Dispatch
) -> None:
    phone = push_service.device(status=503)
    turn_on(plan, phone)
    ids = dispatched(morning(MONDAY))
    # The dispatcher writes the emails; each email's sender writes its push beside it.
    assert set(deliveries_of(plan)) == {"email"}

    outcome = notify.send_chunk(ids, morning(MONDAY))
    push = deliveries_of(plan)["push"]
    # The emails went; only the pushes (the reminder's, and the first morning's progression
    # step) wait.
    assert push.pk in outcome.to_retry
    assert set(
        Delivery.objects.filter(pk__in=outcome.to_retry).values_list("channel", flat=True)
    ) == {"push"}
    push.refresh_from_db()
    assert (push.state, push.attempts) == ("pending", 1)
    assert PushSubscription.objects.count() == 1  # busy is not gone

    push_service.devices[phone.token].status = 201
    assert notify.send_chunk([push.pk], morning(MONDAY)).states == {push.pk: "sent"}
    assert len(reminders_to(push_service, phone, plan)) == 1
    # The email's chunk sent again (the broker delivered it twice): no second push.
    assert notify.send_chunk(ids, morning(MONDAY)).states == dict.fromkeys(ids, "not claimed")
    assert len(reminders_to(push_service, phone, plan)) == 1


def test_a_sender_that_died_after_writing_the_push_leaves_it_to_the_sweeper(
    plan: Plan,
    push_service: PushService,
    dispatched: Dispatch,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    phone = push_service.device()
    turn_on(plan, phone)
    ids = dispatched(morning(MONDAY))
    # As if the sender died between writing the push (claimed, committed) and sending it.
    notify._write_pushes(
        [(d, "{}", []) for d in Delivery.objects.filter(pk__in=ids, kind="reminder")],
        morning(MONDAY),
    )
    push = deliveries_of(plan)["push"]
    assert push.state == "sending"

    later = morning(MONDAY) + dispatch.SENDING_LEASE + timedelta(minutes=1)
    resent: list[list[int]] = []
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.sweep(later, resent.extend)
    assert push.pk in [pk for chunk in resent for pk in chunk]
    assert notify.send_chunk([push.pk], later).states == {push.pk: "sent"}
    (received,) = reminders_to(push_service, phone, plan)
    assert received.payload["title"] == "Your exercises for today"


def test_a_device_turned_off_before_its_email_is_sent_gets_no_push(
    plan: Plan, push_service: PushService, tick: Tick
) -> None:
    phone = push_service.device()
    turn_on(plan, phone)
    devices.unsubscribe(plan.user, phone.endpoint)
    tick(morning(MONDAY))
    assert set(deliveries_of(plan)) == {"email"}
    assert push_service.to(phone) == []


def test_the_evening_nudge_and_a_progression_step_are_pushed_too(
    plan: Plan, push_service: PushService, tick: Tick
) -> None:
    phone = push_service.device()
    turn_on(plan, phone)
    evening = datetime.combine(MONDAY, time(19, 0), tzinfo=BERLIN).astimezone(UTC)
    tick(evening)
    tags = [p.payload["tag"] for p in push_service.to(phone)]
    assert f"plan-{plan.pk}-nudge" in tags
    nudge = next(p for p in push_service.to(phone) if p.payload["tag"].endswith("nudge"))
    assert nudge.payload["title"] == "Today's exercises are still open"


def test_a_spanish_runners_push_is_in_spanish(
    plan: Plan, push_service: PushService, tick: Tick
) -> None:
    Profile.objects.update_or_create(user=plan.user, defaults={"language": "es"})
    phone = push_service.device()
    turn_on(plan, phone)
    tick(morning(MONDAY))
    (received,) = reminders_to(push_service, phone, plan)
    assert (received.payload["title"], received.payload["body"]) == (
        "Tus ejercicios de hoy",
        "Abre la aplicación para ver el plan de hoy.",
    )
