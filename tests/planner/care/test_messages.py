"""Messages between Rosa and Theo, her therapist: only the two of them read their conversation,
each new message tells the other in the app and by email at most once an hour, and ending the
link closes it (Rosa keeps the history; Theo loses it with the rest of her data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404

from planner.access import THERAPIST_GROUP
from planner.care import linking, messages
from planner.models import (
    MESSAGE_MAX_LENGTH,
    CareLink,
    Conversation,
    Delivery,
    Message,
    Notification,
    Profile,
)
from tests import factories
from tests.personas import People, therapist

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 9, 10, tzinfo=UTC)


def rosa_and_theo(people: People) -> Conversation:
    return messages.with_runner(people.theo, people.rosa.pk)


def link_of(people: People) -> CareLink:
    return CareLink.objects.get(therapist=people.theo, runner=people.rosa)


def test_they_write_both_ways_and_each_reads_what_the_other_wrote(people: People) -> None:
    Profile.objects.create(user=people.rosa, display_name="Rosa Ortiz")
    conversation = rosa_and_theo(people)

    messages.post(people.rosa, conversation.pk, "  My hip aches after the hills.\n", NOW)
    messages.post(people.rosa, conversation.pk, "Should I skip Thursday?", NOW + timedelta(1))
    messages.post(people.theo, conversation.pk, "Keep it, fewer reps.", NOW + timedelta(2))

    [theos] = messages.inbox(people.theo)
    assert (theos.with_name, theos.side.name, theos.unread, theos.open) == (
        "Rosa Ortiz",
        "therapist",
        2,
        True,
    )
    [rosas] = messages.inbox(people.rosa)
    assert (rosas.with_name, rosas.side.name, rosas.unread) == ("theo", "runner", 1)
    assert messages.unread_total(people.theo) == 2

    thread = messages.read(people.theo, conversation.pk)

    assert [(thread.names[m.author_id], m.body) for m in thread.messages] == [
        ("Rosa Ortiz", "My hip aches after the hills."),
        ("Rosa Ortiz", "Should I skip Thursday?"),
        ("theo", "Keep it, fewer reps."),
    ]
    assert thread.with_name == "Rosa Ortiz"
    assert messages.unread_total(people.theo) == 0
    assert messages.unread_total(people.rosa) == 1
    assert [s.unread for s in messages.inbox(people.theo)] == [0]


def test_a_message_written_after_the_reading_stays_unread(people: People) -> None:
    conversation = rosa_and_theo(people)
    messages.post(people.rosa, conversation.pk, "First", NOW)
    messages.read(people.theo, conversation.pk)

    messages.post(people.rosa, conversation.pk, "Second", NOW + timedelta(minutes=1))

    assert messages.unread_total(people.theo) == 1


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("", "Write a message first."),
        (" \n\t ", "Write a message first."),
        ("x" * (MESSAGE_MAX_LENGTH + 1), "At most 2,000 characters (2,001 written)."),
    ],
)
def test_an_empty_or_too_long_message_is_refused_by_name(
    people: People, body: str, rule: str
) -> None:
    conversation = rosa_and_theo(people)

    with pytest.raises(ValidationError) as refused:
        messages.post(people.rosa, conversation.pk, body, NOW)

    assert refused.value.message_dict == {"body": [rule]}
    assert not Message.objects.exists() and not Notification.objects.exists()
    assert not Delivery.objects.filter(kind="message").exists()


def test_the_limit_counts_the_message_as_kept_without_its_blanks(people: People) -> None:
    conversation = rosa_and_theo(people)

    message = messages.post(
        people.rosa, conversation.pk, "  " + "x" * MESSAGE_MAX_LENGTH + "\n", NOW
    )

    assert len(message.body) == MESSAGE_MAX_LENGTH


@pytest.mark.parametrize("who", ["oscar", "uma", "alice"])
def test_nobody_else_reads_or_writes_it_not_even_an_admin(people: People, who: str) -> None:
    conversation = rosa_and_theo(people)
    messages.post(people.rosa, conversation.pk, "Private", NOW)
    someone = getattr(people, who)

    with pytest.raises(Http404):
        messages.read(someone, conversation.pk)
    with pytest.raises(Http404):
        messages.post(someone, conversation.pk, "Hello", NOW)

    assert messages.inbox(someone) == []
    assert messages.unread_total(someone) == 0
    assert Message.objects.count() == 1


def test_only_a_linked_therapist_opens_a_conversation_with_a_runner(people: People) -> None:
    with pytest.raises(Http404):
        messages.with_runner(people.uma, people.rosa.pk)
    with pytest.raises(Http404):
        messages.with_runner(people.theo, people.oscar.pk)

    first = messages.with_runner(people.theo, people.rosa.pk)

    assert messages.with_runner(people.theo, people.rosa.pk) == first
    assert first.link == link_of(people)


def test_each_active_link_has_its_conversation_once_listed(people: People) -> None:
    CareLink.objects.create(
        therapist=people.uma, runner=people.rosa, status=CareLink.Status.INVITED
    )

    [only] = messages.inbox(people.rosa)

    assert only.conversation.link == link_of(people)
    assert Conversation.objects.count() == 1


def test_ending_the_link_closes_it_rosa_keeps_the_history_theo_loses_it(people: People) -> None:
    conversation = rosa_and_theo(people)
    messages.post(people.theo, conversation.pk, "How was the run?", NOW)

    linking.end_link(people.rosa, link_of(people).pk, NOW + timedelta(hours=1))

    thread = messages.read(people.rosa, conversation.pk)
    assert [m.body for m in thread.messages] == ["How was the run?"]
    assert thread.open is False
    with pytest.raises(messages.Closed):
        messages.post(people.rosa, conversation.pk, "Thanks anyway", NOW + timedelta(hours=2))
    with pytest.raises(Http404):
        messages.read(people.theo, conversation.pk)
    with pytest.raises(Http404):
        messages.post(people.theo, conversation.pk, "Still there?", NOW + timedelta(hours=2))
    assert messages.inbox(people.theo) == []
    [rosas] = messages.inbox(people.rosa)
    assert rosas.open is False


def test_a_therapist_who_loses_the_role_loses_the_conversation(people: People) -> None:
    conversation = rosa_and_theo(people)
    messages.post(people.rosa, conversation.pk, "Hello", NOW)

    people.theo.groups.remove(Group.objects.get(name=THERAPIST_GROUP))

    with pytest.raises(Http404):
        messages.read(people.theo, conversation.pk)
    assert messages.unread_total(people.theo) == 0
    with pytest.raises(messages.Closed):
        messages.post(people.rosa, conversation.pk, "Hello?", NOW)


def test_each_message_tells_the_other_in_the_app_without_its_words(people: People) -> None:
    Profile.objects.create(user=people.theo, display_name="Theo Berg")
    conversation = rosa_and_theo(people)

    messages.post(people.theo, conversation.pk, "Ice the knee tonight.", NOW)
    messages.post(people.theo, conversation.pk, "And rest tomorrow.", NOW + timedelta(1))

    notes = list(Notification.objects.filter(user=people.rosa).order_by("pk"))
    assert [note.title for note in notes] == ["New message from Theo Berg"] * 2
    assert {note.link for note in notes} == {f"/messages/{conversation.pk}/"}
    assert not any("knee" in note.body or "rest" in note.body for note in notes)
    assert not Notification.objects.filter(user=people.theo).exists()


def test_an_hour_of_messages_makes_one_email_each_way(people: People) -> None:
    conversation = rosa_and_theo(people)

    for minute in (10, 25, 59):
        messages.post(people.rosa, conversation.pk, "Hi", NOW.replace(minute=minute))
    messages.post(people.theo, conversation.pk, "Hello", NOW.replace(minute=30))
    messages.post(people.rosa, conversation.pk, "Again", NOW.replace(hour=10, minute=1))

    emails = Delivery.objects.filter(kind="message").order_by("recipient_id", "message_hour")
    assert [(d.recipient_id, d.message_hour, d.due_at) for d in emails] == sorted(
        [
            (people.theo.pk, NOW.replace(minute=0), NOW.replace(minute=10)),
            (people.theo.pk, NOW.replace(hour=10, minute=0), NOW.replace(hour=10, minute=1)),
            (people.rosa.pk, NOW.replace(minute=0), NOW.replace(minute=30)),
        ]
    )
    assert Notification.objects.filter(user=people.theo).count() == 4


def test_the_database_refuses_a_second_email_for_the_same_hour(people: People) -> None:
    conversation = rosa_and_theo(people)
    messages.post(people.rosa, conversation.pk, "Hi", NOW)

    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            kind="message",
            conversation=conversation,
            recipient=people.theo,
            message_hour=NOW.replace(minute=0),
            local_date=NOW.date(),
            due_at=NOW,
        )


def test_deleting_either_account_deletes_the_conversation(people: People) -> None:
    conversation = rosa_and_theo(people)
    messages.post(people.rosa, conversation.pk, "Hi", NOW)
    messages.post(people.theo, conversation.pk, "Hello", NOW)

    people.rosa.delete()

    assert not Conversation.objects.exists() and not Message.objects.exists()
    # Theo's notices of her messages named her: they go with her.
    assert not Notification.objects.filter(user=people.theo).exists()
    assert not Delivery.objects.filter(kind="message").exists()


@pytest.mark.parametrize("count", [1, 40])
def test_reading_costs_the_same_queries_however_long_the_conversation(
    people: People, count: int, django_assert_num_queries: Any
) -> None:
    conversation = rosa_and_theo(people)
    for n in range(count):
        messages.post(people.rosa, conversation.pk, f"Message {n}", NOW + timedelta(minutes=n))

    # 1: the conversation, with the link, both people and their profiles, and whether it is open
    # 2: marked read up to the newest message
    # 3: the messages
    with django_assert_num_queries(3):
        thread = messages.read(people.theo, conversation.pk)
        assert len(list(thread.messages)) == count


@pytest.mark.parametrize("patients", [1, 12])
def test_listing_costs_the_same_queries_however_many_patients_and_messages(
    people: People, patients: int, django_assert_num_queries: Any
) -> None:
    for n in range(patients):
        runner = factories.person(f"runner{n}")
        CareLink.objects.create(therapist=people.theo, runner=runner, status="active")
        conversation = messages.with_runner(people.theo, runner.pk)
        for minute in range(n + 1):
            messages.post(runner, conversation.pk, "Hi", NOW + timedelta(minutes=minute))
    messages.inbox(people.theo)  # Rosa's conversation made

    # 1: the links that grant access without a conversation (none left)
    # 2: the conversations with their unread counts and whether each is open
    # 3: the other people's chosen names
    with django_assert_num_queries(3):
        rows = messages.inbox(people.theo)
    # 4: the unread total of the navigation
    with django_assert_num_queries(1):
        total = messages.unread_total(people.theo)

    assert len(rows) == patients + 1
    assert total == sum(range(1, patients + 1))


@pytest.mark.parametrize("count", [1, 30])
def test_posting_costs_the_same_queries_however_long_the_conversation(
    people: People, count: int, django_assert_num_queries: Any
) -> None:
    conversation = rosa_and_theo(people)
    for n in range(count):
        messages.post(people.theo, conversation.pk, "Earlier", NOW + timedelta(minutes=n))

    # 1: the conversation locked with its link, and whether the therapist holds the role
    # 2: Rosa's chosen name, for Theo's notice
    # 3: the message, the conversation's newest instant, Theo's notice in the app and the
    #    email's delivery (nothing when the hour has one): one statement on PostgreSQL, four
    #    elsewhere (planner.care.message_statements)
    # and the transaction's savepoint and its release
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 8):
        messages.post(people.rosa, conversation.pk, "Now", NOW + timedelta(hours=2))


def test_a_second_therapist_has_a_conversation_of_their_own(people: People) -> None:
    tara = therapist("tara")
    CareLink.objects.create(therapist=tara, runner=people.rosa, status="active")
    theirs = messages.with_runner(tara, people.rosa.pk)
    messages.post(tara, theirs.pk, "Hello from Tara", NOW)

    assert [s.with_name for s in messages.inbox(people.rosa)] == ["tara", "theo"]
    with pytest.raises(Http404):
        messages.read(people.theo, theirs.pk)
