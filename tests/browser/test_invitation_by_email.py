"""An invitation by email in real browsers: the therapist invites an address nobody has, the
email reaches a mail server on loopback, the runner opens its link on a phone, signs up (the
address confirmed by the link), accepts, and the therapist finds her patient by her name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import timezone
from playwright.sync_api import Browser, expect

from planner.accounts import profile
from planner.delivery import invitation_mail
from planner.models import CareLink
from tests.browser.conftest import PHONE, Site, horizontal_overflow, open_site
from tests.personas import therapist
from tests.smtp_sink import Sink

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "long-runs-on-sunday-42"


@pytest.fixture
def runner_phone(browser: Browser, live_server: Any) -> Iterator[Site]:
    """The runner's own phone, with its own cookies."""
    yield from open_site(browser, live_server, PHONE)


def send_owed_emails() -> None:
    """What the dispatcher's next tick and its send task do."""
    owed: list[int] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation_mail.dispatch_invitation_mail(timezone.now(), enqueue=owed.extend)
    for invitation_id in owed:
        invitation_mail.send(invitation_id, timezone.now())


def test_from_the_email_to_an_accepted_link(
    site: Site, runner_phone: Site, smtp_sink: Sink
) -> None:
    theo = therapist("theo")
    profile.set_name(theo, "Theo Marsh")
    profile.set_clinic(theo, name="Riverside Physio", phone="555 0100", email="", address="")

    page = site.sign_in("theo", "theo-pass-4242")
    page.get_by_label("Username or email").fill("nina@example.com")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation to nina@example.com: we email it a link")).to_be_visible()
    send_owed_emails()
    page.reload()
    expect(page.get_by_text(re.compile(r"emailed \d+ \w+"))).to_be_visible()

    (mail,) = smtp_sink.to("nina@example.com")
    (link,) = [link for link in mail.links() if "/invitations/join/" in link]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    phone = runner_phone.go(path)
    expect(phone.get_by_role("heading", name="Theo Marsh invites you")).to_be_visible()
    expect(phone.get_by_text("Riverside Physio")).to_be_visible()
    assert horizontal_overflow(phone) == 0
    phone.get_by_role("link", name="Create my account").click()
    expect(phone.get_by_label("Email")).to_have_value("nina@example.com")
    phone.get_by_label("Username").fill("nina")
    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    phone.get_by_label("Password (again)").fill(PASSWORD)
    phone.get_by_role("button", name=re.compile("Sign up", re.IGNORECASE)).click()

    # Back on the invitation, signed in: nothing is shared until she accepts.
    expect(phone.get_by_role("button", name="Accept")).to_be_visible()
    nina = User.objects.get(username="nina")
    assert CareLink.objects.get(runner=nina).status == CareLink.Status.INVITED
    phone.get_by_role("button", name="Accept").click()
    expect(phone.get_by_text("Theo Marsh can now see your plans.")).to_be_visible()
    profile.set_name(nina, "Nina Ortiz")

    page.goto(site.url + "/patients/")
    page.get_by_role("link", name="Nina Ortiz").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Nina Ortiz"))).to_be_visible()
    # The used link says so.
    runner_phone.go(path)
    expect(runner_phone.page.get_by_text("This link has been used")).to_be_visible()
