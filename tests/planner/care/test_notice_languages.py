"""Notices written when something happens are in their reader's language (issue 20), whoever
caused them: she reads them later."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation

from planner.care import linking, messages
from planner.delivery import invitation_mail
from planner.models import Alert, Notification, Profile
from planner.safety import alerts
from tests.personas import People

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


def reads(people: People, who: str, language: str) -> None:
    Profile.objects.update_or_create(user=getattr(people, who), defaults={"language": language})


def test_a_new_messages_notice_is_in_its_readers_language(people: People) -> None:
    reads(people, "rosa", "es")
    conversation = messages.with_runner(people.theo, people.rosa.pk)

    # Written from the therapist's English page; to Rosa, in Spanish, and back, in English.
    with translation.override("en"):
        messages.post(people.theo, conversation.pk, "How is the knee?", NOW)
        messages.post(people.rosa, conversation.pk, "Mejor, gracias", NOW)

    to_rosa = Notification.objects.get(user=people.rosa, message__isnull=False)
    assert to_rosa.title.startswith("Mensaje nuevo de ")
    assert to_rosa.body == "Abre la conversación para leerlo."
    to_theo = Notification.objects.get(user=people.theo, message__isnull=False)
    assert to_theo.title.startswith("New message from ")
    assert to_theo.body == "Open the conversation to read it."


def test_an_invitations_notice_is_in_the_invited_runners_language(people: People) -> None:
    reads(people, "oscar", "es")

    linking.invite(people.uma, "oscar", NOW)

    notice = Notification.objects.get(user=people.oscar)
    assert notice.title.endswith(" quiere seguir tus planes")
    assert notice.body.startswith("Acepta la invitación para que pueda ver tus planes")


def test_an_acknowledged_report_is_told_in_the_runners_language(people: People) -> None:
    reads(people, "rosa", "es")
    alert = Alert.objects.create(
        runner=people.rosa,
        kind=Alert.Kind.WARNING_SIGN,
        text="Dolor en la pantorrilla",
        created_at=NOW,
    )

    with translation.override("en"):
        alerts.acknowledge(people.theo, alert.pk, "Descansa hoy y llámame.", NOW)

    notice = Notification.objects.get(user=people.rosa)
    assert notice.title.endswith(" ha leído tu aviso: señal de alarma")
    assert notice.body == "Descansa hoy y llámame.\n\nLo que indicaste: Dolor en la pantorrilla"


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("es", "Una invitación al planificador de rehabilitación", "te invita a seguir juntos"),
        ("", "An invitation to the rehab planner", "invites you to follow your exercise plans"),
    ],
)
def test_an_invitation_email_is_in_its_therapists_language(
    people: People, language: str, subject: str, words: str
) -> None:
    reads(people, "theo", language)
    invitation = linking.invite_by_email(people.theo, "new.runner@example.com", NOW)

    email = invitation_mail.compose(invitation)

    assert email.subject == subject
    assert words in str(email.body)
    assert words in str(email.alternatives[0][0])


def test_an_invitations_last_day_is_a_day_on_its_therapists_clock(people: People) -> None:
    Profile.objects.update_or_create(user=people.theo, defaults={"time_zone": "Pacific/Auckland"})
    invitation = linking.invite_by_email(people.theo, "new.runner@example.com", NOW)
    invitation.expires_at = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)  # 01:00 on the 17th there

    email = invitation_mail.compose(invitation)

    assert "The link works once, until 17 March 2026." in str(email.body)
