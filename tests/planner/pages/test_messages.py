"""The messages pages: the list with unread counts, a conversation read and written to, the
navigation's unread badge, and the therapist's way in from a patient's page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from planner.care import linking, messages
from planner.models import CareLink, Conversation, Message, Profile
from tests.personas import People

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def conversation_of(people: People) -> Conversation:
    return messages.with_runner(people.theo, people.rosa.pk)


def nav_count(html: str) -> str | None:
    found = re.search(r'class="nav-count">(\d+)<', html)
    return found.group(1) if found else None


def test_the_therapist_goes_from_a_patient_to_their_conversation(people: People) -> None:
    theo = signed_in(people.theo)

    response = theo.get(reverse("patient-messages", args=[people.rosa.pk]))

    conversation = Conversation.objects.get(link__runner=people.rosa)
    assert response.status_code == 302
    assert response.url == reverse("conversation", args=[conversation.pk])
    page = theo.get(response.url).content.decode()
    assert "Messages with rosa" in page
    assert f'href="{reverse("patient", args=[people.rosa.pk])}"' in page


def test_rosa_writes_and_theo_sees_the_badge_then_reads(people: People) -> None:
    Profile.objects.create(user=people.rosa, display_name="Rosa Ortiz")
    conversation = conversation_of(people)
    rosa, theo = signed_in(people.rosa), signed_in(people.theo)
    page = reverse("conversation", args=[conversation.pk])

    sent = rosa.post(page, {"body": "Is it fine to run on Sunday?"})

    assert sent.status_code == 302 and sent.url == page + "#latest"
    listed = theo.get(reverse("conversations")).content.decode()
    assert nav_count(listed) == "1"
    assert "Rosa Ortiz" in listed and "1 unread" in listed
    opened = theo.get(page).content.decode()
    assert "Is it fine to run on Sunday?" in opened
    assert "Messages with Rosa Ortiz" in opened
    # Opening it read it: the badge is gone on the next page.
    assert nav_count(theo.get(reverse("conversations")).content.decode()) is None


def test_times_show_in_the_runners_zone(people: People) -> None:
    conversation = conversation_of(people)
    messages.post(people.theo, conversation.pk, "Hello", datetime(2026, 7, 1, 12, 0, tzinfo=UTC))

    page = signed_in(people.rosa).get(reverse("conversation", args=[conversation.pk]))

    # Rosa's plan is in Europe/Berlin: 14:00 there in summer.
    assert "1 Jul 2026, 14:00" in page.content.decode()


def test_an_empty_message_is_refused_on_the_field(people: People) -> None:
    conversation = conversation_of(people)

    response = signed_in(people.rosa).post(
        reverse("conversation", args=[conversation.pk]), {"body": "   "}
    )

    assert response.status_code == 200
    assert "Write a message first." in response.content.decode()
    assert not Message.objects.exists()


def test_a_closed_conversation_shows_its_history_without_the_form(people: People) -> None:
    conversation = conversation_of(people)
    messages.post(people.theo, conversation.pk, "All the best.", timezone.now())
    link = CareLink.objects.get(therapist=people.theo, runner=people.rosa)
    linking.end_link(people.rosa, link.pk, timezone.now())
    rosa = signed_in(people.rosa)
    url = reverse("conversation", args=[conversation.pk])

    page = rosa.get(url).content.decode()
    written = rosa.post(url, {"body": "One more thing"})

    assert "All the best." in page and "This conversation is closed" in page
    assert 'name="body"' not in page
    assert "This conversation is closed" in written.content.decode()
    assert Message.objects.count() == 1
    assert signed_in(people.theo).get(url).status_code == 404


def test_an_admin_reads_no_conversation_on_the_pages(people: People) -> None:
    conversation = conversation_of(people)

    response = signed_in(people.alice).get(reverse("conversation", args=[conversation.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 60])
def test_a_conversation_page_costs_the_same_queries_however_long(
    people: People, count: int, django_assert_num_queries: Any
) -> None:
    conversation = conversation_of(people)
    for n in range(count):
        messages.post(people.rosa, conversation.pk, f"Message {n}", timezone.now())
    theo = signed_in(people.theo)
    url = reverse("conversation", args=[conversation.pk])

    # 1: the session; 2: the user
    # 3: the conversation, with both people, their profiles and whether it is open
    # 4: marked read up to the newest
    # 5: the count of messages, 6: the newest page of them
    # 7: the viewer's zone (their active plan's)
    # 8: the navigation's therapist role and unread count
    with django_assert_num_queries(8):
        assert theo.get(url).status_code == 200


def test_the_drawn_list_shows_each_new_message_read_and_ended_link_at_once(
    people: People,
) -> None:
    # The list is cached by what it shows (pages/messages/list.html): every change is new.
    conversation = conversation_of(people)
    rosa, theo = signed_in(people.rosa), signed_in(people.theo)
    listed = reverse("conversations")
    assert "unread</span>" not in theo.get(listed).content.decode()

    messages.post(people.rosa, conversation.pk, "First", timezone.now())
    assert '<span class="badge">1 unread</span>' in theo.get(listed).content.decode()
    messages.post(people.rosa, conversation.pk, "Second", timezone.now())
    assert '<span class="badge">2 unread</span>' in theo.get(listed).content.decode()
    theo.get(reverse("conversation", args=[conversation.pk]))
    assert "unread</span>" not in theo.get(listed).content.decode()

    # The same content for another person is drawn for them: never the other's card.
    assert "Your therapist" in rosa.get(listed).content.decode()
    assert "Your therapist" not in theo.get(listed).content.decode()

    link = CareLink.objects.get(therapist=people.theo, runner=people.rosa, status="active")
    linking.end_link(people.rosa, link.pk, timezone.now())
    assert '<span class="badge warn">Closed</span>' in rosa.get(listed).content.decode()
