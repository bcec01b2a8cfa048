"""A new message's writes by hand (one statement on PostgreSQL) are the rows the ORM writes:
run on SQLite (the ORM's path) and PostgreSQL (the statement), the same rows come out."""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q

from planner.access import THERAPIST_GROUP
from planner.care import message_statements, messages
from planner.care.message_statements import NewMessage
from planner.models import Conversation, Delivery, Message, Notification, Profile
from tests.personas import People

NOW = datetime(2026, 12, 7, 9, 10, 30, 123456, tzinfo=UTC)


def new_message(people: People, conversation: Conversation, at: datetime, body: str) -> NewMessage:
    return NewMessage(
        conversation_id=conversation.pk,
        author_id=people.rosa.pk,
        recipient_id=people.theo.pk,
        body=body,
        at=at,
        notice_title="New message from rosa",
        notice_link=f"/messages/{conversation.pk}/",
        email_hour=at.replace(minute=0, second=0, microsecond=0),
    )


def row(instance: Model, *skip: str) -> dict[str, Any]:
    return {
        f.attname: getattr(instance, f.attname)
        for f in type(instance)._meta.concrete_fields
        if f.attname not in ("id", *skip)
    }


def test_the_writes_are_the_orms_rows(people: People) -> None:
    conversation = messages.with_runner(people.theo, people.rosa.pk)

    with transaction.atomic():
        saved = message_statements.write(new_message(people, conversation, NOW, "Hi Theo"))
        later = NOW + timedelta(minutes=5)
        message_statements.write(new_message(people, conversation, later, "Still sore"))

    stored = Message.objects.get(pk=saved.pk)
    assert row(saved) == row(stored) and saved.pk == stored.pk
    assert not saved._state.adding
    assert row(stored) == {
        "conversation_id": conversation.pk,
        "author_id": people.rosa.pk,
        "body": "Hi Theo",
        "created_at": NOW,
    }
    notices = Notification.objects.filter(user=people.theo).order_by("pk")
    assert [row(n, "created_at", "message_id") for n in notices] == [
        {
            "user_id": people.theo.pk,
            "delivery_id": None,
            "invitation_id": None,
            "title": "New message from rosa",
            "body": "Open the conversation to read it.",
            "link": f"/messages/{conversation.pk}/",
            "read_at": None,
        }
    ] * 2
    assert notices[0].message_id == saved.pk
    # One email for the hour, written by the first message.
    [email] = Delivery.objects.filter(conversation=conversation)
    assert row(email, "created_at") == {
        "plan_id": None,
        "kind": "message",
        "channel": "email",  # the column's default in the database, as the ORM's
        "alert_id": None,
        "recipient_id": people.theo.pk,
        "conversation_id": conversation.pk,
        "message_hour": NOW.replace(minute=0, second=0, microsecond=0),
        "local_date": NOW.date(),
        "due_at": NOW,
        "state": "pending",
        "attempts": 0,
        "claimed_at": None,
        "sent_at": None,
        "last_error": "",
    }
    assert email.created_at is not None
    conversation.refresh_from_db()
    assert conversation.last_message_at == later


def orm_locked(conversation_id: int, author_id: int) -> tuple[Any, ...] | None:
    """The queryset locked_for_writing stands for, as a tuple of what it returns."""
    found = (
        Conversation.objects.select_for_update(of=("self", "link"))
        .select_related("link")
        .filter(Q(link__runner_id=author_id) | Q(link__therapist_id=author_id), pk=conversation_id)
        .annotate(
            role_held=Exists(
                User.groups.through.objects.filter(
                    user_id=OuterRef("link__therapist_id"), group__name=THERAPIST_GROUP
                )
            )
        )
        .first()
    )
    if found is None:
        return None
    link = found.link
    languages = dict(Profile.objects.values_list("user_id", "language"))
    return (
        found.pk,
        link.runner_id,
        link.therapist_id,
        link.status,
        found.role_held,
        languages.get(link.runner_id, ""),
        languages.get(link.therapist_id, ""),
    )


def test_the_locked_read_is_the_querysets_for_everyone(people: People) -> None:
    conversation = messages.with_runner(people.theo, people.rosa.pk)
    people.theo.groups.clear()  # the role taken away: the link grants nothing
    cases = [
        (conversation.pk, who.pk)
        for who in (people.rosa, people.theo, people.uma, people.oscar, people.alice)
    ] + [(999_999, people.rosa.pk), (2**63 - 1, people.rosa.pk)]

    with transaction.atomic():
        for conversation_id, author_id in cases:
            found = message_statements.locked_for_writing(conversation_id, author_id)
            expected = orm_locked(conversation_id, author_id)
            assert (astuple(found) if found else None) == expected

    assert message_statements.locked_for_writing(conversation.pk, people.rosa.pk) == (
        message_statements.Locked(
            conversation.pk, people.rosa.pk, people.theo.pk, "active", role_held=False
        )
    )
    assert message_statements.locked_for_writing(2**63, people.rosa.pk) is None
