"""Sending a chunk of deliveries: claim them, say what is due or what changed, email them over
one connection and list them in the app, and record how it went. Safe to run twice for the
same deliveries: the claim takes only rows nobody holds, so only one sender ever holds one.

No network inside a database transaction: the claim commits first, the mail server is talked
to with nothing held open, and the outcome (states and notices) is written after, in one
transaction per chunk. A sender that dies between sending and writing leaves its deliveries
claimed; the lease (SENDING_LEASE) hands them back to the sweeper, as it always did for a
sender that died mid-send.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gc
import logging
import smtplib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import psycopg
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import translation

from kit.sql import among, column, table
from planner.delivery import chunk, mime, push
from planner.delivery import compose as compose_
from planner.delivery import notices as notices_
from planner.delivery.dispatch import SENDING_LEASE
from planner.delivery.notices import Notice
from planner.models import Delivery, Plan, PushSubscription, Reminder
from planner.plans import check_in

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class TransientSendError(Exception):
    """The mail server could not take the message now; the delivery will be tried again."""


def compose_one(delivery: Delivery, now: datetime, facts: chunk.Facts) -> compose_.Message | None:
    """What the delivery says, or None when there is nothing to say (anymore)."""
    if delivery.conversation is not None:
        return compose_.new_message(delivery, delivery.conversation, now)
    if delivery.alert is not None:
        # An alert goes out whatever the plan's status (a stop is what it is about), but only
        # to a therapist still linked to the runner.
        if (delivery.recipient_id, delivery.alert.runner_id) not in facts.linked:
            return None
        return compose_.alert(delivery.alert, facts.zones.get(delivery.recipient_id or 0, ""))
    plan = delivery.plan
    if plan is None or plan.status != Plan.Status.ACTIVE:
        return None
    day = delivery.local_date
    if delivery.kind == Reminder.Kind.REMINDER:
        due = check_in.due_after(plan, day, facts.last_check_in.get(plan.pk))
        return compose_.reminder(facts.days.get((plan.pk, day)), due)
    if delivery.kind == Reminder.Kind.NUDGE:
        return compose_.nudge(facts.days.get((plan.pk, day)))
    if delivery.kind == Reminder.Kind.OUTCOMES:
        return compose_.questionnaires(plan, day, facts.answers.get(plan.pk, []))
    week = compose_.starts_a_week(plan, day)
    phase = facts.phases.get((plan.program_id, week)) if week else None
    return compose_.progression(plan, day, facts.changes.get((plan.pk, day), []), phase)


def compose(delivery: Delivery, now: datetime) -> compose_.Message | None:
    """What one delivery says, read on its own (a chunk of one)."""
    return compose_one(delivery, now, chunk.read([delivery]))


def claim(delivery_ids: Sequence[int], now: datetime) -> list[int]:
    """Take for this sender those of the deliveries nobody holds (pending, or held by a sender
    whose lease ran out); return their ids. Another sender's claim skips these rows."""
    claimable = Q(state=Delivery.State.PENDING) | Q(
        state=Delivery.State.SENDING, claimed_at__lt=now - SENDING_LEASE
    )
    with transaction.atomic():
        taken = list(
            Delivery.objects.filter(claimable, pk__in=list(delivery_ids))
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if taken:
            Delivery.objects.filter(pk__in=taken).update(
                state=Delivery.State.SENDING, attempts=F("attempts") + 1, claimed_at=now
            )
    return taken


@dataclass
class Outcome:
    """How a chunk went: the state each delivery ended in, and those to try again later."""

    states: dict[int, str] = field(default_factory=dict)
    to_retry: list[int] = field(default_factory=list)

    def record(
        self, delivery_ids: Sequence[int], state: str, now: datetime, error: str = ""
    ) -> None:
        finish(delivery_ids, state, now, error)
        self.states.update(dict.fromkeys(delivery_ids, state))


@dataclass(frozen=True)
class Email:
    delivery: Delivery
    message: mime.PlannerEmail


@dataclass(frozen=True)
class Push:
    delivery: Delivery
    data: str
    devices: list[PushSubscription]


def send_chunk(delivery_ids: Sequence[int], now: datetime) -> Outcome:
    """Send those of the deliveries still to be sent; say how each ended.

    The notices in the app are a channel of their own: they are listed in one transaction
    before any email goes (an address refused or a mail server down does not keep today's
    exercises from the app). Each email is marked sent as soon as the mail server has taken it,
    so a sender killed mid-chunk sends again at most the one it was handing over.
    """
    outcome = Outcome({pk: "not claimed" for pk in delivery_ids})
    taken = claim(delivery_ids, now)
    if not taken:
        return outcome
    # The recipients' languages are activated in turn while composing; the caller's is back after.
    with collector_paused(), translation.override(translation.get_language()):
        deliveries = chunk.deliveries(taken)
        facts = chunk.read(deliveries)
        return _compose_and_send(deliveries, facts, outcome, now)


def _compose_and_send(
    deliveries: Sequence[Delivery], facts: chunk.Facts, outcome: Outcome, now: datetime
) -> Outcome:
    skipped: list[int] = []
    in_app_only: list[int] = []
    notices: list[Notice] = []
    emails: list[Email] = []
    pushes: list[Push] = []
    # A reminder's email whose runner has push on a device, and what its push will say.
    siblings: list[tuple[Delivery, str, list[PushSubscription]]] = []
    for delivery in deliveries:
        person = chunk.addressee_id(delivery)
        # Composed in its recipient's language: the email and the notice's stored words.
        speak(facts.languages.get(person or 0, ""))
        message = compose_one(delivery, now, facts)
        if message is None or person is None:
            skipped.append(delivery.pk)
            continue
        devices = facts.devices.get(person, []) if push.enabled() else []
        if delivery.channel == Delivery.Channel.PUSH:
            if not devices:
                # Every device turned push off since it was written.
                skipped.append(delivery.pk)
            else:
                pushes.append(Push(delivery, _push_data(delivery, message), devices))
            continue
        if devices and delivery.plan_id is not None:
            siblings.append((delivery, _push_data(delivery, message), devices))
        # Only to an address its owner confirmed: anyone can type anyone's at sign-up.
        address = facts.addresses.get(person)
        if not message.listed and not address:
            # An email alone (a conversation's) with nowhere to go: nothing was sent, and the
            # hour after it is not kept quiet.
            skipped.append(delivery.pk)
            continue
        if message.listed:
            notices.append(
                Notice(person, delivery.pk, message.subject, message.in_app, message.link)
            )
        if address:
            outgoing = mime.PlannerEmail(message.subject, message.text, to=[address])
            outgoing.attach_alternative(message.html, "text/html")
            emails.append(Email(delivery, outgoing))
        else:
            in_app_only.append(delivery.pk)
    with transaction.atomic():
        notices_.write(notices)
        outcome.record(skipped, Delivery.State.SKIPPED, now)
        outcome.record(in_app_only, Delivery.State.SENT, now)
        pushes += _write_pushes(siblings, now)
    with marks_not_waiting_for_disk():
        for email, error in _send_each(emails):
            _record_email(outcome, email, error, now)
        if pushes:
            _send_pushes(pushes, outcome, now)
    return outcome


def _push_data(delivery: Delivery, message: compose_.Message) -> str:
    return push.payload(
        message.subject,
        push.body_of(delivery.kind),
        message.link,
        f"plan-{delivery.plan_id}-{delivery.kind}",
    )


@functools.cache
def write_pushes_sql(which: str) -> str:
    """A push delivery beside each of the emails `which`, claimed by this sender already (it
    sends it next); one that exists is left alone (another sender has it, or had it)."""
    names = (
        "plan", "kind", "local_date", "due_at", "state", "attempts", "created_at",
        "claimed_at", "last_error", "channel",
    )  # fmt: skip
    targets = ", ".join(column(Delivery, name) for name in names)
    copied = ", ".join(column(Delivery, name) for name in names[:4])
    plan, kind, day = (column(Delivery, name) for name in ("plan", "kind", "local_date"))
    return (
        f"INSERT INTO {table(Delivery)} ({targets}) "
        f"SELECT {copied}, %s, 1, %s, %s, '', '{Delivery.Channel.PUSH.value}' "
        f"FROM {table(Delivery)} WHERE {column(Delivery, 'id')} {which} "
        f"ON CONFLICT ({plan}, {day}, {kind}, {column(Delivery, 'channel')}) "
        f"WHERE {column(Delivery, 'alert')} IS NULL "
        f"DO NOTHING RETURNING {column(Delivery, 'id')}, {plan}, {kind}, {day}"
    )


def _write_pushes(
    siblings: Sequence[tuple[Delivery, str, list[PushSubscription]]], now: datetime
) -> list[Push]:
    """The push deliveries of a chunk's reminders whose runner has push on, written (once per
    plan, local date and kind: the UNIQUE constraint's word) and claimed for this sender.

    Written here rather than by the dispatcher: the sender has read the runner's devices
    anyway, and the dispatcher, which cannot run in parallel, keeps writing one row a reminder
    (bench/dispatch_bench.py). A sender that dies after this commit leaves them claimed; the
    lease hands them to the sweeper, as it does an email."""
    if not siblings:
        return []
    which, params = among([email.pk for email, _data, _devices in siblings])
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(write_pushes_sql(which), [Delivery.State.SENDING.value, at, at, *params])
        # SQLite hands dates back as text.
        written = {
            (plan, kind, day if isinstance(day, date) else date.fromisoformat(day)): pk
            for pk, plan, kind, day in cursor.fetchall()
        }
    pushes = []
    for email, data, devices in siblings:
        pk = written.get((email.plan_id, email.kind, email.local_date))
        if pk is not None:
            row = Delivery(
                pk=pk,
                plan_id=email.plan_id,
                kind=email.kind,
                local_date=email.local_date,
                due_at=email.due_at,
                channel=Delivery.Channel.PUSH,
                state=Delivery.State.SENDING,
                attempts=1,
            )
            pushes.append(Push(row, data, devices))
    return pushes


def _send_pushes(pushes: Sequence[Push], outcome: Outcome, now: datetime) -> None:
    """Each push to each of its devices over one HTTP session, each delivery marked as soon as
    its devices have answered (as an email is); gone devices forgotten after."""
    sender = push.Sender()
    gone: list[int] = []
    reached: set[int] = set()
    try:
        for each in pushes:
            verdicts = []
            for device in each.devices:
                verdict = sender.send(device, each.data)
                verdicts.append(verdict)
                if verdict is push.Verdict.GONE:
                    gone.append(device.pk)
                elif verdict is push.Verdict.TAKEN:
                    reached.add(device.pk)
            _record_push(outcome, each.delivery, push.delivery_state(verdicts), now)
    finally:
        sender.close()
        push.gone(gone)
        if reached:
            PushSubscription.objects.filter(pk__in=reached).update(last_sent_at=now)


def _record_push(outcome: Outcome, delivery: Delivery, state: str, now: datetime) -> None:
    pk = delivery.pk
    if state == "sent":
        mark_sent(pk, now)
        outcome.states[pk] = Delivery.State.SENT
    elif state == "retry":
        _later(outcome, delivery, now, "no device's push service could take it now")
    else:
        # Every device refused it or is gone: trying again cannot help.
        outcome.record([pk], Delivery.State.FAILED, now, "every device refused it or is gone")


def speak(code: str) -> None:
    """Compose what follows in the language `code` ("": English, the language of messages sent
    while she is away), activated only when it is not the active one already: activating
    costs, and a chunk is mostly one language. send_chunk gives the caller's back after."""
    code = code or ENGLISH
    if translation.get_language() != code:
        translation.activate(code)


ENGLISH = "en"


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a chunk is sent: reading and composing it builds some
    ten thousand objects (model instances, cards, messages), freed by their reference counts as
    ever, and each few hundred of them set off a collection that walks the objects still alive.
    That cost about a tenth of a millisecond a delivery (bench/delivery_bench.py); what cycles
    the chunk leaves are collected when it is done, as they would have been."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextlib.contextmanager
def marks_not_waiting_for_disk() -> Iterator[None]:
    """PostgreSQL answers each "sent" without waiting for its write to reach the disk
    (`synchronous_commit = off`, for this sender's marks only): waiting cost 1 to 8 ms an
    email here (bench/delivery_bench.py), as long as the mail server's own answer. Nothing is
    lost if the sender dies: the server has the mark. If the database server itself crashes,
    the marks of its last moment (at most three times `wal_writer_delay`, 0.6 s by default)
    are lost, and those emails go again after the lease: the same window a crash between the
    mail server's answer and the mark always had, a little wider."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    connection.ensure_connection()
    # The marks go through one cursor: a cursor opened and closed a mark cost as much as the
    # mark itself (bench/delivery_bench.py).
    marks = psycopg.Cursor(connection.connection)
    token = _marks_cursor.set(marks)
    try:
        yield
    finally:
        _marks_cursor.reset(token)
        marks.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


# The cursor of marks_not_waiting_for_disk, while it runs.
_marks_cursor: contextvars.ContextVar[psycopg.Cursor[Any] | None] = contextvars.ContextVar(
    "marks_cursor", default=None
)


@functools.cache
def mark_sent_sql() -> str:
    state, sent_at, error = (column(Delivery, name) for name in ("state", "sent_at", "last_error"))
    return (
        f"UPDATE {table(Delivery)} SET {state} = %s, {sent_at} = %s, {error} = '' "
        f"WHERE {column(Delivery, 'id')} = %s AND {state} = %s"
    )


def mark_sent(delivery_id: int, now: datetime) -> None:
    """finish([delivery_id], SENT, now) as one prepared statement: through the ORM, compiling
    the UPDATE cost more CPU than sending the email did (bench/delivery_bench.py); the same
    row either way (tests/planner/delivery/test_notify.py).

    On PostgreSQL the statement is prepared on the server once per connection and each mark
    sends only its values (psycopg's server-side binding): half the CPU of Django's cursor,
    which binds the values into the SQL text on the client every time."""
    params = [
        Delivery.State.SENT.value,
        connection.ops.adapt_datetimefield_value(now),
        delivery_id,
        Delivery.State.SENDING.value,
    ]
    if connection.vendor == "postgresql":
        marks = _marks_cursor.get()
        if marks is not None:
            marks.execute(mark_sent_sql(), params, prepare=True)
            return
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(mark_sent_sql(), params, prepare=True)
        return
    with connection.cursor() as cursor:
        cursor.execute(mark_sent_sql(), params)


def _record_email(outcome: Outcome, email: Email, error: Exception | None, now: datetime) -> None:
    """Write down how one email went, as soon as it has: sent, refused for good, or to retry."""
    pk = email.delivery.pk
    if error is None:
        mark_sent(pk, now)
        outcome.states[pk] = Delivery.State.SENT
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        # The address itself is refused: trying again cannot help.
        outcome.record([pk], Delivery.State.FAILED, now, f"address refused: {error}")
        logger.warning("delivery %s failed for good: address refused", pk)
    else:
        _later(outcome, email.delivery, now, f"{type(error).__name__}: {error}")
        logger.warning("delivery %s attempt failed (%s)", pk, type(error).__name__)


def _later(outcome: Outcome, delivery: Delivery, now: datetime, error: str) -> None:
    """A delivery that could not go now: tried again with backoff, until MAX_ATTEMPTS."""
    gave_up = delivery.attempts >= MAX_ATTEMPTS
    state = Delivery.State.FAILED if gave_up else Delivery.State.PENDING
    outcome.record([delivery.pk], state, now, error)
    if not gave_up:
        outcome.to_retry.append(delivery.pk)


def _send_each(emails: Sequence[Email]) -> Iterator[tuple[Email, Exception | None]]:
    """Hand each email to the mail server over one connection, saying how each went as soon as
    it has. A failure that may have cost the connection opens another for the rest; when none
    opens, the rest fail as the opening did."""
    if not emails:
        return
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        for email in emails:
            yield email, exc
        return
    try:
        for index, email in enumerate(emails):
            email.message.connection = connection
            try:
                _send_one(connection, email.message)
            except smtplib.SMTPRecipientsRefused as exc:
                yield email, exc
            except (smtplib.SMTPException, OSError) as exc:
                yield email, exc
                connection.close()
                try:
                    connection.open()
                except (smtplib.SMTPException, OSError) as again:
                    for rest in emails[index + 1 :]:
                        yield rest, again
                    return
            else:
                yield email, None
    finally:
        connection.close()


def _send_one(connection: BaseEmailBackend, email: mime.PlannerEmail) -> None:
    """Hand one email to the mail server over the open connection. A plain one (mime.Flat)
    goes straight to the SMTP connection: Django's backend, then smtplib, would parse its two
    addresses again (half a millisecond an email, together), and a plain address comes out of
    that as it went in (tests/planner/delivery/test_mime.py)."""
    flat = email.message()
    if (
        isinstance(flat, mime.Flat)
        and isinstance(connection, SMTPBackend)
        and connection.connection
    ):
        mime.hand_over(
            connection.connection,
            str(email.from_email),
            str(email.to[0]),
            flat.as_bytes(linesep="\r\n"),
        )
    else:
        email.send()


def finish(delivery_ids: Sequence[int], state: str, now: datetime, error: str = "") -> None:
    """Record how the deliveries this sender holds ended."""
    Delivery.objects.filter(pk__in=list(delivery_ids), state=Delivery.State.SENDING).update(
        state=state, sent_at=now if state == Delivery.State.SENT else None, last_error=error
    )


def send_delivery(delivery_id: int, now: datetime) -> str:
    """Send one delivery if it is still to be sent; return the state it ends in, or raise
    TransientSendError when the mail server could not take it now."""
    outcome = send_chunk([delivery_id], now)
    if outcome.to_retry:
        raise TransientSendError(f"delivery {delivery_id} will be tried again")
    return outcome.states[delivery_id]


def retry_delay(retries: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min... capped at an hour."""
    return timedelta(seconds=min(30 * 2**retries, 3600))
