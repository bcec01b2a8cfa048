"""The email of new messages, through the dispatcher's tick and the sender: at most one a
conversation's recipient an hour, to a confirmed address, saying who wrote and nothing of what
(an email is read outside the app)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from planner.care import linking, messages
from planner.delivery import dispatch, notify
from planner.models import CareLink, Conversation, Delivery, Notification, Profile
from tests.personas import People

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 9, 10, tzinfo=UTC)

Tick = Callable[[datetime], list[str]]


@pytest.fixture
def tick(django_capture_on_commit_callbacks: Callable) -> Tick:
    """One dispatcher tick for messages at `now`, each enqueued delivery then sent as the
    worker would; the states they end in."""

    def run(now: datetime) -> list[str]:
        enqueued: list[int] = []
        with django_capture_on_commit_callbacks(execute=True):
            dispatch.dispatch_messages(
                now, lambda chunks: enqueued.extend(pk for chunk in chunks for pk in chunk)
            )
        return [notify.send_delivery(pk, now) for pk in enqueued]

    return run


@pytest.fixture
def conversation(people: People) -> Conversation:
    Profile.objects.create(user=people.rosa, display_name="Rosa Ortiz")
    Profile.objects.create(user=people.theo, display_name="Theo Berg")
    return messages.with_runner(people.theo, people.rosa.pk)


def test_three_messages_in_an_hour_make_one_email_that_says_who_not_what(
    people: People, conversation: Conversation, tick: Tick
) -> None:
    for minute in (10, 12, 40):
        messages.post(
            people.rosa, conversation.pk, "My calf is swollen", NOW.replace(minute=minute)
        )

    assert tick(NOW.replace(minute=41)) == ["sent"]
    assert tick(NOW.replace(minute=50)) == []

    [email] = mail.outbox
    assert email.to == ["theo@example.com"]
    # A lock screen does not name a patient; inside, the email says who wrote.
    assert email.subject == "You have a new message in the rehab planner"
    assert email.body.startswith("You have a new message from Rosa Ortiz.")
    assert f"/messages/{conversation.pk}/" in email.body
    html = email.alternatives[0][0]
    assert "calf" not in email.body and "calf" not in html
    # The app lists each message; the email adds no notice of its own.
    assert Notification.objects.filter(user=people.theo).count() == 3


def test_a_therapists_answer_names_them_to_the_runner(
    people: People, conversation: Conversation, tick: Tick
) -> None:
    messages.post(people.theo, conversation.pk, "Rest two days.", NOW)

    assert tick(NOW) == ["sent"]

    [email] = mail.outbox
    assert email.to == ["rosa@example.com"]
    assert email.subject == "You have a new message in the rehab planner"
    assert "Rest" not in email.body


def test_no_second_email_within_the_hour_even_across_the_clocks_turn(
    people: People, conversation: Conversation, tick: Tick
) -> None:
    messages.post(people.rosa, conversation.pk, "Before ten", NOW.replace(minute=59))
    assert tick(NOW.replace(minute=59)) == ["sent"]

    messages.post(people.rosa, conversation.pk, "After ten", NOW.replace(hour=10, minute=1))
    assert tick(NOW.replace(hour=10, minute=1)) == ["skipped"]

    messages.post(people.rosa, conversation.pk, "Later", NOW.replace(hour=11, minute=5))
    assert tick(NOW.replace(hour=11, minute=5)) == ["sent"]
    assert len(mail.outbox) == 2


def test_nothing_is_emailed_once_read_in_the_app(
    people: People, conversation: Conversation, tick: Tick
) -> None:
    messages.post(people.rosa, conversation.pk, "Hi", NOW)
    messages.read(people.theo, conversation.pk)

    assert tick(NOW + timedelta(minutes=1)) == ["skipped"]
    assert mail.outbox == []


def test_nothing_goes_to_a_therapist_whose_link_ended(
    people: People, conversation: Conversation, tick: Tick
) -> None:
    messages.post(people.rosa, conversation.pk, "Hi", NOW)
    link = CareLink.objects.get(therapist=people.theo, runner=people.rosa)
    linking.end_link(people.rosa, link.pk, NOW)

    assert tick(NOW + timedelta(minutes=1)) == ["skipped"]
    assert mail.outbox == []


def test_nothing_goes_to_an_address_not_confirmed(
    people: People, conversation: Conversation, tick: Tick
) -> None:
    EmailAddress.objects.filter(user=people.theo).update(verified=False)
    messages.post(people.rosa, conversation.pk, "Hi", NOW)

    assert tick(NOW) == ["skipped"]
    assert mail.outbox == []
    assert Delivery.objects.get(kind="message").state == "skipped"


def test_a_chosen_name_on_two_lines_makes_a_subject_on_one(
    people: People, conversation: Conversation, tick: Tick
) -> None:
    Profile.objects.filter(user=people.theo).update(display_name="Theo\nBerg")
    messages.post(people.theo, conversation.pk, "Hello", NOW)

    assert tick(NOW) == ["sent"]
    assert mail.outbox[0].subject == "You have a new message in the rehab planner"
