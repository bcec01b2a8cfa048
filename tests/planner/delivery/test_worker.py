"""Scheduling end to end: the dispatcher publishes to a real broker (Redis when REDIS_URL is
set, as in CI; otherwise the embedded filesystem transport) and a real Celery worker, in its
own process, sends from the test database. The worker only sees committed data, so these
tests use transactional database access."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from kit import vapid
from planner.celery import app as celery_app
from planner.delivery import devices, dispatch
from planner.delivery.tasks import send_deliveries
from planner.engine import schedule
from planner.models import Delivery, Notification, Plan
from tests import factories
from tests.push_service import PushService

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
WAIT = 60.0


@dataclass
class Broker:
    url: str
    transport_options: dict[str, Any]
    var_dir: Path

    def publish(self, chunks: list[list[int]]) -> None:
        with celery_app.connection_for_write(
            self.url, transport_options=self.transport_options
        ) as conn:
            for delivery_ids in chunks:
                send_deliveries.apply_async(args=[delivery_ids], connection=conn)


@pytest.fixture
def broker(tmp_path: Path) -> Broker:
    var_dir = tmp_path / "var"
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        return Broker(redis_url, {}, var_dir)
    folders = {
        name: var_dir / "celery" / "broker" / name for name in ("queue", "processed", "control")
    }
    for folder in folders.values():
        folder.mkdir(parents=True)
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
    }
    return Broker("filesystem://", options, var_dir)


def worker_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no shutdown, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT)

    def succeeded(self) -> int:
        return sum("succeeded in" in line for line in self.lines)


@pytest.fixture
def start_worker(broker: Broker) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def start(**more_env: str) -> Worker:
        env = {
            **os.environ,
            **more_env,
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": broker.url,
            "PLANNER_VAR_DIR": str(broker.var_dir),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "planner",
                "worker",
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        worker = Worker(process)
        workers.append(worker)
        assert process.stdout is not None
        stdout = process.stdout

        def read() -> None:
            for line in stdout:
                worker.lines.append(line)

        threading.Thread(target=read, daemon=True).start()
        wait_for(lambda: any(" ready." in line for line in worker.lines), "the worker to start")
        return worker

    yield start
    for worker in workers:
        if worker.process.poll() is None:
            worker.kill()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def sent_emails(broker: Broker) -> list[str]:
    mail_dir = broker.var_dir / "mail"
    if not mail_dir.exists():
        return []
    return [
        line.removeprefix("Subject: ").strip()
        for path in mail_dir.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("Subject: ")
    ]


def due_now(
    count: int, now: datetime, kinds: tuple[str, ...] = ("reminder", "progression")
) -> list[Plan]:
    """`count` runners in Berlin whose messages of `kinds` (the daily ones unless told) are due
    at `now`, on day one of a plan: at their time of day, set to now's in Berlin, as every
    reminder is due at its own (the next occurrence is then a day or more on, whatever the
    hour: with 07:30 kept, a run between midnight and 07:30 in Berlin found the next one later
    the same day)."""
    today = schedule.local_date(now, "Europe/Berlin")
    clock = now.astimezone(ZoneInfo("Europe/Berlin")).time().replace(tzinfo=None)
    plans = []
    for n in range(count):
        plan = factories.plan_for(factories.person(f"runner{n}"), today)
        plan.reminders.filter(kind__in=kinds).update(
            next_due_at=now, next_local_date=today, local_time=clock
        )
        plan.reminders.exclude(kind__in=kinds).update(next_due_at=None, next_local_date=None)
        plans.append(plan)
    return plans


def test_a_reminder_due_now_is_delivered_once(
    broker: Broker, start_worker: Callable[[], Worker]
) -> None:
    worker = start_worker()
    now = timezone.now()
    (plan,) = due_now(1, now)

    dispatch.dispatch_due(now, broker.publish)
    reminder = Delivery.objects.get(plan=plan, kind="reminder")
    wait_for(
        lambda: not Delivery.objects.filter(state__in=["pending", "sending"]).exists(),
        "both deliveries to be handled",
    )
    handled = worker.succeeded()
    # The same message delivered again by the broker, and the next tick: nothing new.
    broker.publish([[reminder.pk]])
    dispatch.dispatch_due(now + timedelta(minutes=1), broker.publish)
    wait_for(lambda: worker.succeeded() > handled, "the repeated message to be handled")

    reminder.refresh_from_db()
    assert reminder.state == "sent"
    assert Delivery.objects.get(plan=plan, kind="progression").state == "skipped"  # day one
    assert sent_emails(broker) == ["Your exercises for today"]
    assert Notification.objects.filter(user=plan.user).count() == 1


def test_a_reminder_reaches_a_runners_phone_by_push_once_through_the_worker(
    broker: Broker, start_worker: Callable[..., Worker], push_service: PushService
) -> None:
    """The same dispatcher and send task, the worker in its own process signing with the
    deployment's key and sending to the push service on loopback, which decrypts."""
    worker = start_worker(
        PUSH_SERVICES=push_service.origin, VAPID_PRIVATE_KEY=settings.VAPID_PRIVATE_KEY
    )
    now = timezone.now()
    (plan,) = due_now(1, now, kinds=("reminder",))
    phone = push_service.device()
    given = phone.subscription()
    devices.subscribe(
        plan.user,
        endpoint=given["endpoint"],
        p256dh=given["keys"]["p256dh"],
        auth=given["keys"]["auth"],
    )

    dispatch.dispatch_due(now, broker.publish)
    wait_for(
        lambda: Delivery.objects.filter(plan=plan, channel="push", state="sent").exists(),
        "the push to be sent",
    )
    handled = worker.succeeded()
    email = Delivery.objects.get(plan=plan, kind="reminder", channel="email")
    broker.publish([[email.pk]])  # the broker hands the email's task over again
    wait_for(lambda: worker.succeeded() > handled, "the repeated message to be handled")

    assert push_service.problems == []
    (received,) = push_service.to(phone)
    assert received.payload["title"] == "Your exercises for today"
    assert received.signer_key == vapid.public_key(settings.VAPID_PRIVATE_KEY)
    assert sent_emails(broker) == ["Your exercises for today"]


def test_a_worker_killed_mid_batch_loses_nothing(
    broker: Broker, start_worker: Callable[[], Worker]
) -> None:
    now = timezone.now()
    plans = due_now(300, now)
    dispatch.dispatch_due(now, broker.publish)  # queued while no worker runs
    reminders = Delivery.objects.filter(kind="reminder")
    first = start_worker()

    wait_for(lambda: reminders.filter(state="sent").count() >= 10, "the batch to be under way")
    first.kill()
    unsent_at_kill = reminders.exclude(state="sent").count()

    start_worker()
    # Later, the sweeper finds what the dead worker left pending or claimed.
    later = timezone.now() + dispatch.SENDING_LEASE + dispatch.PENDING_GRACE
    dispatch.sweep(later, broker.publish)
    wait_for(
        lambda: not Delivery.objects.filter(state__in=["pending", "sending"]).exists(),
        "every delivery to be handled",
    )

    assert unsent_at_kill > 0, "the worker finished before it was killed: nothing was tested"
    assert reminders.filter(state="sent").count() == len(plans)
    assert Notification.objects.count() == len(plans)
    emails = sent_emails(broker)
    # An email handed to the mail server just before the kill, whose row had not yet been
    # marked sent, goes out again: at most one per pool process.
    assert len(plans) <= len(emails) <= len(plans) + 2


def test_an_alert_reaches_each_therapist_once_even_with_two_dispatchers(
    broker: Broker, start_worker: Callable[[], Worker]
) -> None:
    """A warning sign in a check-in: the therapist's inbox and email hear of it on the next
    tick, once, though two dispatchers tick at the same moment and the broker repeats."""
    from planner.models import Alert, CareLink
    from planner.plans import check_in

    worker = start_worker()
    now = timezone.now()
    plan = factories.plan_for(
        factories.person("rosa"), schedule.local_date(now, "Europe/Berlin") - timedelta(days=8)
    )
    from tests.personas import therapist

    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=plan.user, status=CareLink.Status.ACTIVE)
    flag = factories.calf_swelling()
    factories.region("hip").red_flags.add(flag)
    check_in.check_in(plan.user, plan.pk, {flag.slug: True}, now)
    alert = Alert.objects.get(runner=plan.user)

    # Two dispatchers on the same tick: the alert is enqueued by one of them only.
    counts: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: counts.append(dispatch.dispatch_alerts(now, broker.publish))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.close()
    assert sorted(counts) == [0, 1]
    delivery = Delivery.objects.get(alert=alert)
    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).state == "sent", "the alert to be sent")
    handled = worker.succeeded()
    broker.publish([[delivery.pk]])  # the broker delivers it again
    wait_for(lambda: worker.succeeded() > handled, "the repeated message to be handled")

    assert Notification.objects.filter(user=theo).count() == 1
    (note,) = Notification.objects.filter(user=theo)
    assert note.title == "Emergency: an alert from a patient"
    assert note.link.endswith(f"/patients/{plan.user.pk}/#alerts")
    assert sent_emails(broker) == ["Emergency: an alert from a patient"]
    # The runner is not sent her therapist's alert.
    assert not Notification.objects.filter(user=plan.user).exists()


def test_an_hour_of_messages_reaches_the_therapist_as_one_email(
    broker: Broker, start_worker: Callable[[], Worker]
) -> None:
    """Rosa writes three times in a minute: Theo's inbox lists each, and the next tick sends
    him one email, once, though the broker delivers it again."""
    from planner.care import messages
    from planner.models import CareLink
    from tests.personas import therapist

    worker = start_worker()
    now = timezone.now()
    rosa = factories.person("rosa")
    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=rosa, status=CareLink.Status.ACTIVE)
    conversation = messages.with_runner(theo, rosa.pk)
    for n in range(3):
        messages.post(rosa, conversation.pk, f"Question {n}", now + timedelta(seconds=n))

    assert dispatch.dispatch_messages(now + timedelta(seconds=5), broker.publish) == 1
    delivery = Delivery.objects.get(kind="message")
    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).state == "sent", "the email to be sent")
    handled = worker.succeeded()
    broker.publish([[delivery.pk]])  # the broker delivers it again
    wait_for(lambda: worker.succeeded() > handled, "the repeated message to be handled")

    assert sent_emails(broker) == ["You have a new message in the rehab planner"]
    assert Notification.objects.filter(user=theo).count() == 3
    assert not Notification.objects.filter(user=rosa).exists()


def test_the_questionnaires_reminder_is_sent_once_and_skipped_once_answered(
    broker: Broker, start_worker: Callable[[], Worker]
) -> None:
    """Day one of two plans: both runners' questionnaires fall due. One answered both this
    morning; the other is emailed once, though the broker delivers it again and the next tick
    comes, and her reminder moves on to the next due date, two weeks on."""
    from planner.plans import outcomes

    worker = start_worker()
    now = timezone.now()
    rosa, oscar = due_now(2, now, kinds=("outcomes",))
    outcomes.answer(oscar.user, oscar.pk, "lefs", now, items=[3] * 20)
    outcomes.answer(
        oscar.user,
        oscar.pk,
        "psfs",
        now,
        activities=[("Running", 4), ("Stairs", 6), ("Squatting", 5)],
    )

    dispatch.dispatch_due(now, broker.publish)
    wait_for(
        lambda: not Delivery.objects.filter(state__in=["pending", "sending"]).exists(),
        "both deliveries to be handled",
    )
    sent = Delivery.objects.get(plan=rosa, kind="outcomes")
    handled = worker.succeeded()
    broker.publish([[sent.pk]])  # the broker delivers it again
    dispatch.dispatch_due(now + timedelta(minutes=1), broker.publish)
    wait_for(lambda: worker.succeeded() > handled, "the repeated message to be handled")

    assert Delivery.objects.get(pk=sent.pk).state == "sent"
    assert Delivery.objects.get(plan=oscar, kind="outcomes").state == "skipped"
    assert sent_emails(broker) == ["Two short questionnaires are due"]
    (note,) = Notification.objects.filter(user=rosa.user)
    assert note.link.endswith(f"/plans/{rosa.pk}/questionnaires/lefs/")
    assert not Notification.objects.filter(user=oscar.user).exists()
    reminder = rosa.reminders.get(kind="outcomes")
    assert reminder.next_local_date == rosa.start_date + timedelta(days=14)
