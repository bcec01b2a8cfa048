"""A new message's statements, by hand: the conversation read and locked, and its writes in
one statement on PostgreSQL.

bench/api_bench.py measured writing a message at 2.24x of the floor through the ORM (in
process: 6.2 ms, against 4.8 for logging a session and 2.7 for the floor; by hand, 4.6): the
locked read with its annotation was costlier to build than to run, and the four writes (the
message, the conversation's newest instant, the recipient's notice, the hour's email) were
each a round trip and a compiled INSERT or UPDATE; one statement of four data-modifying parts
does the same work. Names come from the models' metadata (kit.sql); the results are those of
the ORM (tests/planner/care/test_message_statements.py, on SQLite and PostgreSQL). Elsewhere
than PostgreSQL the ORM writes them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kit.sql import column, field_of, table
from planner.access import THERAPIST_GROUP
from planner.models import CareLink, Conversation, Delivery, Message, Notification, Profile

# The largest key a (64-bit) primary key column holds.
MAX_ID = 2**63 - 1


# A notice's words: it names the sender, never what was written (planner.care.messages);
# translated when written, in the active language (the recipient's: planner.care.messages).
NOTICE_BODY = gettext_noop("Open the conversation to read it.")


@dataclass(frozen=True)
class Locked:
    """A conversation locked for a new message, with what writing needs of its link."""

    conversation_id: int
    runner_id: int
    therapist_id: int
    link_status: str
    # Whether the link's therapist still holds the role (planner.access.active_links' rule).
    role_held: bool
    # The languages each chose ("" when none): the notice is written in its reader's.
    runner_language: str = ""
    therapist_language: str = ""

    def language_of(self, user_id: int) -> str:
        return self.runner_language if user_id == self.runner_id else self.therapist_language


def _language_of(user: str) -> str:
    """The language the person `user` (a column) chose, "" when none (or no profile)."""
    return (
        f"COALESCE((SELECT p.{column(Profile, 'language')} FROM {table(Profile)} p "
        f"WHERE p.{column(Profile, 'user')} = {user}), '')"
    )


@functools.cache
def locked_sql() -> str:
    """The conversation and its link, both locked, with the role's check and both people's
    languages."""
    membership = User.groups.through
    link = f"c.{column(Conversation, 'link')}"
    sql = (
        f"SELECT c.{column(Conversation, 'id')}, l.{column(CareLink, 'runner')}, "
        f"l.{column(CareLink, 'therapist')}, l.{column(CareLink, 'status')}, "
        f"EXISTS (SELECT 1 FROM {table(membership)} m "
        f"JOIN {table(Group)} g ON g.{column(Group, 'id')} = m.{column(membership, 'group')} "
        f"WHERE m.{column(membership, 'user')} = l.{column(CareLink, 'therapist')} "
        f"AND g.{column(Group, 'name')} = %s), "
        # Read here rather than after: a message's writing is the busiest write there is.
        f"{_language_of('l.' + column(CareLink, 'runner'))}, "
        f"{_language_of('l.' + column(CareLink, 'therapist'))} "
        f"FROM {table(Conversation)} c "
        f"JOIN {table(CareLink)} l ON l.{column(CareLink, 'id')} = {link} "
        f"WHERE c.{column(Conversation, 'id')} = %s "
        f"AND (l.{column(CareLink, 'runner')} = %s OR l.{column(CareLink, 'therapist')} = %s)"
    )
    # SQLite has no row locks (nor the syntax): it serialises writers on the whole database.
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF c, l"
    return sql


def locked_for_writing(conversation_id: int, author_id: int) -> Locked | None:
    """Conversation.objects.select_for_update(of=("self", "link")).select_related("link")
    .filter(Q(link__runner_id=author_id) | Q(link__therapist_id=author_id),
    pk=conversation_id) with whether the link's therapist is in the therapist group and the
    languages its runner and therapist chose, or None: the first read of every message
    written."""
    if not 0 < conversation_id <= MAX_ID:
        return None  # no such row; SQLite would refuse the number itself
    with connection.cursor() as cursor:
        cursor.execute(locked_sql(), [THERAPIST_GROUP, conversation_id, author_id, author_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return Locked(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6])


@dataclass(frozen=True)
class NewMessage:
    """What one message writes: the message, and who is told of it and how."""

    conversation_id: int
    author_id: int
    recipient_id: int
    body: str
    at: datetime
    notice_title: str
    notice_link: str
    # The hour (UTC, on the hour) whose email tells of it: one per conversation and recipient.
    email_hour: datetime


def _names(model: type[Model], *fields: str) -> str:
    return ", ".join(column(model, name) for name in fields)


@functools.cache
def write_sql() -> str:
    message_fields = ("conversation", "author", "body", "created_at")
    notice_fields = ("user", "message", "title", "body", "link", "created_at")
    email_fields = (
        "kind",
        "recipient",
        "conversation",
        "message_hour",
        "local_date",
        "due_at",
        "state",
        "attempts",
        "last_error",
        "created_at",
    )
    message_id = column(Message, "id")
    return (
        f"WITH message AS (INSERT INTO {table(Message)} ({_names(Message, *message_fields)}) "
        f"VALUES (%s, %s, %s, %s) RETURNING {message_id}), "
        f"notice AS (INSERT INTO {table(Notification)} "
        f"({_names(Notification, *notice_fields)}) "
        f"SELECT %s, {message_id}, %s, %s, %s, %s FROM message), "
        # The first message of the hour writes the email's delivery; any later one meets the
        # UNIQUE (conversation, recipient, message_hour) and writes nothing.
        f"email AS (INSERT INTO {table(Delivery)} ({_names(Delivery, *email_fields)}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING), "
        f"newest AS (UPDATE {table(Conversation)} "
        f"SET {column(Conversation, 'last_message_at')} = %s "
        f"WHERE {column(Conversation, 'id')} = %s) "
        f"SELECT {message_id} FROM message"
    )


def write(new: NewMessage) -> Message:
    """The message saved, as the instance the ORM would read back, with its notice, the hour's
    email (unless the hour has one) and the conversation's newest instant: what
    Message.objects.create, Notification.objects.create, Delivery.objects.bulk_create(...,
    ignore_conflicts=True) and the conversation's save write. In the caller's transaction."""
    if connection.vendor != "postgresql":
        return _write_with_orm(new)
    created = timezone.now()  # what auto_now_add gives the notice and the delivery

    def at(value: datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(value)

    params: list[Any] = [
        # The message.
        new.conversation_id,
        new.author_id,
        new.body,
        at(new.at),
        # The notice.
        new.recipient_id,
        new.notice_title,
        _(NOTICE_BODY),
        new.notice_link,
        at(created),
        # The email's delivery.
        "message",
        new.recipient_id,
        new.conversation_id,
        at(new.email_hour),
        connection.ops.adapt_datefield_value(new.at.date()),
        at(new.at),
        Delivery.State.PENDING.value,
        0,
        "",
        at(created),
        # The conversation's newest instant.
        at(new.at),
        new.conversation_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(write_sql(), params)
        (message_id,) = cursor.fetchone()
    names = [field_of(Message, name).attname for name in ("id", "conversation", "author")]
    return Message.from_db(
        connection.alias,
        [*names, "body", "created_at"],
        [message_id, new.conversation_id, new.author_id, new.body, new.at],
    )


def _write_with_orm(new: NewMessage) -> Message:
    message = Message.objects.create(
        conversation_id=new.conversation_id,
        author_id=new.author_id,
        body=new.body,
        created_at=new.at,
    )
    Conversation.objects.filter(pk=new.conversation_id).update(last_message_at=new.at)
    Notification.objects.create(
        user_id=new.recipient_id,
        message=message,
        title=new.notice_title,
        body=_(NOTICE_BODY),
        link=new.notice_link,
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                kind="message",
                conversation_id=new.conversation_id,
                recipient_id=new.recipient_id,
                message_hour=new.email_hour,
                local_date=new.at.date(),
                due_at=new.at,
                state=Delivery.State.PENDING,
            )
        ],
        ignore_conflicts=True,
    )
    return message
