"""Rosa and Theo write to each other over the API: the list with unread counts, a conversation
page by page (newest first, read once fetched), and writing, with bad input a 400 naming the
field, a closed conversation a 409 and anyone else's a 404."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from planner.care import linking, messages
from planner.models import CareLink, Conversation, Profile
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 9, 10, tzinfo=UTC)


def conversation_of(people: People) -> Conversation:
    return messages.with_runner(people.theo, people.rosa.pk)


def url(conversation: Conversation | int) -> str:
    pk = conversation if isinstance(conversation, int) else conversation.pk
    return f"/api/v1/conversations/{pk}/messages"


def test_each_lists_the_conversation_with_the_other_and_the_unread_count(people: People) -> None:
    Profile.objects.create(user=people.rosa, display_name="Rosa Ortiz")
    conversation = conversation_of(people)
    messages.post(people.rosa, conversation.pk, "Hi Theo", NOW)
    messages.post(people.rosa, conversation.pk, "Sore today", NOW + timedelta(minutes=1))

    theos = people.client("theo").get("/api/v1/conversations")
    rosas = people.client("rosa").get("/api/v1/conversations")

    assert theos.status_code == 200
    assert theos.json()["results"] == [
        {
            "id": conversation.pk,
            "role": "therapist",
            "with_person": {"id": people.rosa.pk, "name": "Rosa Ortiz"},
            "open": True,
            "unread": 2,
            "last_message_at": "2026-12-07T09:11:00Z",
        }
    ]
    assert rosas.json()["count"] == 1
    [rosa_row] = rosas.json()["results"]
    assert (rosa_row["role"], rosa_row["with_person"]["name"], rosa_row["unread"]) == (
        "runner",
        "theo",
        0,
    )


def test_reading_pages_from_the_newest_and_marks_read(people: People) -> None:
    conversation = conversation_of(people)
    for n in range(5):
        messages.post(people.rosa, conversation.pk, f"Message {n}", NOW + timedelta(minutes=n))
    client = people.client("theo")

    first = client.get(url(conversation), {"limit": 2})
    older = client.get(url(conversation), {"limit": 2, "offset": 2})

    assert first.status_code == 200
    assert first.json()["count"] == 5
    assert [m["body"] for m in first.json()["results"]] == ["Message 4", "Message 3"]
    assert [m["body"] for m in older.json()["results"]] == ["Message 2", "Message 1"]
    assert first.json()["results"][0] == {
        "id": first.json()["results"][0]["id"],
        "author": people.rosa.pk,
        "author_name": "rosa",
        "mine": False,
        "body": "Message 4",
        "created_at": "2026-12-07T09:14:00Z",
    }
    assert client.get("/api/v1/conversations").json()["results"][0]["unread"] == 0


def test_writing_answers_the_message_and_tells_the_other(people: People) -> None:
    conversation = conversation_of(people)

    response = people.client("rosa").post(url(conversation), {"body": "  Can I run Sunday?  "})

    assert response.status_code == 201
    body = response.json()
    assert (body["body"], body["author"], body["author_name"], body["mine"]) == (
        "Can I run Sunday?",
        people.rosa.pk,
        "rosa",
        True,
    )
    listed = people.client("theo").get("/api/v1/conversations").json()["results"]
    assert listed[0]["unread"] == 1


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"body": "   "}, "body", "Write a message first."),
        ({}, "body", "This field is required."),
        ({"body": "x" * 2001}, "body", "Ensure this field has no more than 2000 characters."),
        ({"body": 12}, "body", None),
        ({"body": "Hi", "urgent": True}, "urgent", None),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    people: People, body: dict[str, Any], field: str, rule: str | None
) -> None:
    response = people.client("rosa").post(url(conversation_of(people)), body)

    assert response.status_code == 400
    assert field in response.json()
    if rule:
        assert response.json()[field] == [rule]


@pytest.mark.parametrize("body", [{"body": ""}, {"unknown": 1}, {"body": "Hi"}])
def test_someone_else_hears_only_404_whatever_the_body(
    people: People, body: dict[str, Any]
) -> None:
    response = people.client("uma").post(url(conversation_of(people)), body)

    assert response.status_code == 404


def test_a_closed_conversation_is_read_not_written(people: People) -> None:
    conversation = conversation_of(people)
    messages.post(people.theo, conversation.pk, "Good luck!", NOW)
    link = CareLink.objects.get(therapist=people.theo, runner=people.rosa)
    linking.end_link(people.theo, link.pk, timezone.now())
    rosa = people.client("rosa")

    refused = rosa.post(url(conversation), {"body": "Thank you"})

    assert refused.status_code == 409
    assert refused.json()["missing"] == "active_care_link"
    assert [m["body"] for m in rosa.get(url(conversation)).json()["results"]] == ["Good luck!"]
    assert rosa.get("/api/v1/conversations").json()["results"][0]["open"] is False
    assert people.client("theo").get(url(conversation)).status_code == 404
    assert people.client("theo").get("/api/v1/conversations").json()["results"] == []


def test_a_made_up_conversation_is_the_same_404_as_someone_elses(people: People) -> None:
    someone_elses = url(conversation_of(people))
    client = people.client("oscar")

    theirs, made_up = client.get(someone_elses), client.get(url(999_999))

    assert theirs.status_code == made_up.status_code == 404
    assert theirs.json() == made_up.json()


@pytest.mark.parametrize("count", [1, 60])
def test_a_page_costs_the_same_queries_however_long_the_conversation(
    people: People, count: int, django_assert_num_queries: Any
) -> None:
    conversation = conversation_of(people)
    for n in range(count):
        messages.post(people.rosa, conversation.pk, "Hi", NOW + timedelta(minutes=n))
    client = people.client("theo")

    # 1: the token, with its user
    # 2: the conversation, with both people, their profiles and whether it is open
    # 3: marked read up to the newest
    # 4: the count
    # 5: the page
    with django_assert_num_queries(5):
        assert client.get(url(conversation)).status_code == 200


@pytest.mark.parametrize("patients", [1, 10])
def test_the_list_costs_the_same_queries_however_many_patients(
    people: People, patients: int, django_assert_num_queries: Any
) -> None:
    for n in range(patients):
        runner = factories.person(f"runner{n}")
        CareLink.objects.create(therapist=people.theo, runner=runner, status="active")
        messages.post(runner, messages.with_runner(people.theo, runner.pk).pk, "Hi", NOW)
    client = people.client("theo")
    client.get("/api/v1/conversations")  # Rosa's made

    # 1: the token, with its user
    # 2: the links without a conversation (none left)
    # 3: the conversations, with unread counts and whether each is open
    # 4: the names
    with django_assert_num_queries(4):
        listed = client.get("/api/v1/conversations")

    assert listed.json()["count"] == patients + 1


@pytest.mark.parametrize("count", [1, 30])
def test_writing_costs_the_same_queries_however_long_the_conversation(
    people: People, count: int, django_assert_num_queries: Any
) -> None:
    conversation = conversation_of(people)
    for n in range(count):
        messages.post(people.theo, conversation.pk, "Earlier", NOW + timedelta(minutes=n))
    client = people.client("rosa")

    # 1: the token, with its user and her profile (her language, and her chosen name for the
    #    notice and the answer)
    # 2: the conversation locked with its link, and whether the therapist holds the role
    # 3: the message, the conversation's newest instant, Theo's notice and the email's
    #    delivery: one statement on PostgreSQL, four elsewhere
    # and the transaction's savepoint and its release
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 8):
        assert client.post(url(conversation), {"body": "Now"}).status_code == 201
