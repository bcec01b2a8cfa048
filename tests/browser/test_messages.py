"""Messages in a real browser, both ways: Rosa writes from her phone, Theo sees the unread
badge on his desktop and answers, Rosa reads the answer; each page fits a 375-pixel screen and
axe finds no serious violation."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planner.engine import schedule
from planner.models import CareLink, Profile
from tests import factories
from tests.browser.conftest import Site, horizontal_overflow, serious_violations
from tests.personas import therapist

pytestmark = pytest.mark.django_db(transaction=True)


def test_rosa_writes_theo_sees_the_badge_and_answers_rosa_reads_it(phone: Site, site: Site) -> None:
    rosa = factories.person("rosa")
    factories.plan_for(rosa, schedule.local_date(timezone.now(), "Europe/Berlin"))
    Profile.objects.create(user=rosa, display_name="Rosa Ortiz")
    theo = therapist("theo")
    Profile.objects.create(user=theo, display_name="Theo Berg")
    CareLink.objects.create(therapist=theo, runner=rosa, status=CareLink.Status.ACTIVE)

    # Rosa, on her phone, finds her therapist under Messages and writes.
    mobile = phone.sign_in("rosa", "rosa-pass-4242")
    mobile.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    expect(mobile.get_by_role("heading", level=1, name="Messages")).to_be_visible()
    mobile.get_by_role("link", name="Theo Berg").click()
    expect(mobile.get_by_role("heading", level=1, name="Messages with Theo Berg")).to_be_visible()
    mobile.get_by_label("Your message").fill("My hip aches after hills. Can I run on Sunday?")
    mobile.get_by_role("button", name="Send").click()
    expect(mobile.locator(".chat-item.mine")).to_contain_text("Can I run on Sunday?")
    assert horizontal_overflow(mobile) == 0
    assert serious_violations(mobile) == []

    # Theo, at his desk, sees one unread message in the navigation and answers.
    desk = site.sign_in("theo", "theo-pass-4242")
    nav = desk.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Messages 1 unread")).to_be_visible()
    nav.get_by_role("link", name="Messages 1 unread").click()
    conversations = desk.get_by_role("list", name="Conversations")
    expect(conversations.get_by_text("1 unread")).to_be_visible()
    desk.get_by_role("link", name="Rosa Ortiz").click()
    expect(desk.locator(".chat-item").first).to_contain_text("Can I run on Sunday?")
    expect(nav.get_by_role("link", name="Messages", exact=True)).to_be_visible()  # read now
    desk.get_by_label("Your message").fill("Yes: an easy 5 km, and stop if it hurts.")
    desk.get_by_role("button", name="Send").click()
    expect(desk.locator(".chat-item.mine")).to_contain_text("an easy 5 km")
    assert serious_violations(desk) == []

    # Rosa's badge, on her plans, shows the answer; she reads it under her own message.
    phone.go("/plans/")
    badge = mobile.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Messages 1 unread"
    )
    expect(badge).to_be_visible()
    badge.click()
    mobile.get_by_role("link", name="Theo Berg").click()
    items = mobile.locator(".chat-item")
    expect(items).to_have_count(2)
    expect(items.last).to_contain_text("an easy 5 km")
    expect(items.last).to_contain_text("Theo Berg")
    assert horizontal_overflow(mobile) == 0
