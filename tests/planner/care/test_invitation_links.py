"""An invitation by email, from the therapist's form to an accepted link: the email reaches the
address through a mail server on loopback, its link works once and expires, opening it while
signed out leads to a sign-up that confirms the address, and resending is limited."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, User
from django.test import Client, TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from planner.access import THERAPIST_GROUP
from planner.accounts import profile
from planner.care import invitation_links
from planner.delivery import invitation_mail
from planner.models import CareLink, EmailInvitation
from tests import factories
from tests.smtp_sink import Sink

pytestmark = pytest.mark.django_db

PASSWORD = "long-runs-on-sunday-42"


@pytest.fixture
def theo() -> User:
    theo = factories.person("theo")
    theo.groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])
    profile.set_name(theo, "Theo Marsh")
    profile.set_clinic(theo, name="Riverside Physio", phone="555 0100", email="", address="")
    return theo


def send_due(now: datetime) -> list[int]:
    """One dispatcher tick's worth of invitation emails, sent as the task sends them."""
    enqueued: list[int] = []
    # The tick enqueues after its transaction commits; the test's own never does.
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation_mail.dispatch_invitation_mail(now, enqueue=enqueued.extend)
    for invitation_id in enqueued:
        invitation_mail.send(invitation_id, now)
    return enqueued


def link_path(sink: Sink, address: str) -> str:
    (link,) = [link for mail in sink.to(address) for link in mail.links() if "/join/" in link]
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def invite(theo: User, email: str) -> EmailInvitation:
    api = APIClient()
    api.force_authenticate(theo)
    answer = api.post("/api/v1/invitations", {"runner": email})
    assert answer.status_code == 202
    return EmailInvitation.objects.get(email=email)


def test_the_email_reaches_the_address_and_says_nothing_of_health_outside(
    theo: User, smtp_sink: Sink
) -> None:
    invitation = invite(theo, "nina@example.com")
    send_due(timezone.now())

    (mail,) = smtp_sink.to("nina@example.com")
    assert mail.subject == "An invitation to the rehab planner"
    assert "Theo Marsh (Riverside Physio) invites you" in mail.text
    assert link_path(smtp_sink, "nina@example.com").startswith("/invitations/join/")
    invitation.refresh_from_db()
    assert invitation.mail_due_at is None and invitation.last_mailed_at is not None
    # Sent once: the next tick finds nothing owed.
    assert send_due(timezone.now() + timedelta(minutes=10)) == []


def test_signing_up_through_the_link_confirms_the_address_and_links_once_accepted(
    theo: User, smtp_sink: Sink
) -> None:
    invite(theo, "nina@example.com")
    send_due(timezone.now())
    path = link_path(smtp_sink, "nina@example.com")
    browser = Client()

    landing = browser.get(path).content.decode()
    assert "Theo Marsh invites you" in landing and "Riverside Physio" in landing
    signup = browser.get(f"/accounts/signup/?next={path}")
    assert 'value="nina@example.com"' in signup.content.decode()  # filled in
    made = browser.post(
        f"/accounts/signup/?next={path}",
        {
            "username": "nina",
            "email": "nina@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": path,
        },
    )
    assert made.status_code == 302 and made.headers["Location"] == path
    nina = User.objects.get(username="nina")
    # The link came to that mailbox: no confirmation email needed.
    assert EmailAddress.objects.get(user=nina).verified
    assert not [m for m in smtp_sink.to("nina@example.com") if "confirm-email" in m.text]
    # Nothing is shared until she accepts.
    assert CareLink.objects.get(runner=nina).status == CareLink.Status.INVITED

    accepted = browser.post(path, {"answer": "accept"})
    assert accepted.status_code == 302
    link = CareLink.objects.get(runner=nina)
    assert (link.therapist, link.status) == (theo, CareLink.Status.ACTIVE)
    # Single use.
    again = browser.get(path)
    assert again.status_code == 200 and "has been used" in again.content.decode()


def test_someone_signed_in_can_take_the_invitation_to_their_account(
    theo: User, smtp_sink: Sink
) -> None:
    rosa = factories.person("rosa")  # her account has another address
    invite(theo, "rosa.work@example.com")
    send_due(timezone.now())
    browser = Client()
    browser.force_login(rosa)

    browser.post(link_path(smtp_sink, "rosa.work@example.com"), {"answer": "decline"})

    link = CareLink.objects.get(runner=rosa)
    assert link.status == CareLink.Status.DECLINED


def test_a_resend_makes_a_new_link_and_the_old_one_stops_working(
    theo: User, smtp_sink: Sink
) -> None:
    invitation = invite(theo, "nina@example.com")
    now = timezone.now()
    send_due(now)
    first = link_path(smtp_sink, "nina@example.com")

    with pytest.raises(Exception, match="Sent less than an hour ago"):
        invitation_links.resend(theo, invitation.pk, now + timedelta(minutes=5))
    invitation_links.resend(theo, invitation.pk, now + timedelta(hours=1, minutes=1))
    send_due(now + timedelta(hours=1, minutes=1))

    assert "A newer email replaced this link" in Client().get(first).content.decode()
    newest = [
        "/" + link.split("://", 1)[1].split("/", 1)[1]
        for mail in smtp_sink.to("nina@example.com")
        for link in mail.links()
        if "/join/" in link
    ][-1]
    assert Client().get(newest).status_code == 200
    # Three emails in all, then no more.
    invitation_links.resend(theo, invitation.pk, now + timedelta(hours=3))
    with pytest.raises(Exception, match="Sent 3 times already"):
        invitation_links.resend(theo, invitation.pk, now + timedelta(hours=5))


def test_the_api_names_the_field_when_a_resend_is_refused(theo: User) -> None:
    invitation = invite(theo, "nina@example.com")
    api = APIClient()
    api.force_authenticate(theo)

    refused = api.post(f"/api/v1/email-invitations/{invitation.pk}/resend")

    assert refused.status_code == 400 and "invitation" in refused.json()
    uma = factories.person("uma")
    uma.groups.add(Group.objects.get(name=THERAPIST_GROUP))
    api.force_authenticate(uma)
    assert api.post(f"/api/v1/email-invitations/{invitation.pk}/resend").status_code == 404


def test_an_expired_or_withdrawn_link_says_why(theo: User, smtp_sink: Sink) -> None:
    invitation = invite(theo, "nina@example.com")
    send_due(timezone.now())
    path = link_path(smtp_sink, "nina@example.com")

    EmailInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired = Client().get(path)
    assert "has expired" in expired.content.decode()

    EmailInvitation.objects.filter(pk=invitation.pk).update(withdrawn_at=timezone.now())
    assert "withdrawn" in Client().get(path).content.decode()
    made_up = Client().get("/invitations/join/not-a-token/")
    assert "not one we sent" in made_up.content.decode()


def test_a_mail_server_away_is_tried_again_and_an_address_refused_is_not(
    theo: User, settings: object
) -> None:
    invitation = invite(theo, "nina@example.com")
    settings.EMAIL_BACKEND = "tests.mail_backends.UnreachableBackend"  # type: ignore[attr-defined]
    now = timezone.now()
    with pytest.raises(invitation_mail.TryAgain):
        send_due(now)
    invitation.refresh_from_db()
    assert invitation.mail_due_at is not None and invitation.mail_attempts == 1

    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"  # type: ignore[attr-defined]
    send_due(invitation.mail_due_at)
    invitation.refresh_from_db()
    assert invitation.mail_due_at is None and invitation.mail_failed == "address refused"
    page = Client()
    page.force_login(theo)
    assert "the address was refused: check it" in page.get("/patients/").content.decode()


def test_the_link_never_reaches_a_log(theo: User, caplog: pytest.LogCaptureFixture) -> None:
    invitation = invite(theo, "nina@example.com")
    invitation_links.ask_email(invitation, timezone.now())
    from planner.invitation_tokens import token_for

    token = token_for(invitation)
    with caplog.at_level(logging.INFO):
        Client().get(f"/invitations/join/{token}/")
    assert token not in caplog.text


def test_withdrawing_and_inviting_again_does_not_reset_the_email_limit(theo: User) -> None:
    api = APIClient()
    api.force_authenticate(theo)
    for _ in range(3):
        assert api.post("/api/v1/invitations", {"runner": "nina@example.com"}).status_code == 202
        invitation = EmailInvitation.objects.get(email="nina@example.com", withdrawn_at=None)
        assert api.delete(f"/api/v1/email-invitations/{invitation.pk}").status_code == 204

    fourth = api.post("/api/v1/invitations", {"runner": "nina@example.com"})

    assert fourth.status_code == 400
    assert "has had 3 emails from you this week" in fourth.json()["runner"][0]
    assert EmailInvitation.objects.filter(email="nina@example.com").count() == 3


def test_an_invitation_made_before_emails_can_be_sent_once_asked(
    theo: User, smtp_sink: Sink
) -> None:
    # As migration 0015 leaves it: no link, nothing asked, nothing owed.
    invitation = EmailInvitation.objects.create(therapist=theo, email="old@example.com")
    page = Client()
    page.force_login(theo)
    assert "not emailed: send it if you like" in page.get("/patients/").content.decode()

    invitation_links.resend(theo, invitation.pk, timezone.now())
    send_due(timezone.now())

    assert link_path(smtp_sink, "old@example.com").startswith("/invitations/join/")
