"""Push reminders in a real Chromium: a runner turns them on for this browser from the
account's page, a reminder due is dispatched and sent by the app to the push service on
loopback (which checks the signature and decrypts it), handed to the browser's service worker
as that service would, and shown as a notification; signing out turns the browser off.

Only the browser's own link to its push service is stood in for (headless Chromium reaches no
real one): `PushManager.subscribe` answers with a subscription whose keys the test's push
service holds, exactly the shape a browser gives."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from planner.delivery import dispatch, notify
from planner.engine import schedule
from planner.models import PushSubscription
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, horizontal_overflow, open_site
from tests.push_service import Device, PushService

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Europe/Berlin"
SHOTS = "var/screenshots"


def fake_push_manager(device: Device) -> str:
    """A PushManager that answers as the browser would once its push service gave it
    `device`'s subscription (kept per page load in sessionStorage, as a browser keeps one)."""
    given = json.dumps(device.subscription())
    return f"""
(() => {{
  const given = {given};
  const KEY = "fake-push-subscribed";
  function subscription(options) {{
    return {{
      endpoint: given.endpoint,
      expirationTime: null,
      options: {{ applicationServerKey: options.applicationServerKey, userVisibleOnly: true }},
      toJSON: () => given,
      unsubscribe: async () => {{ sessionStorage.removeItem(KEY); return true; }},
    }};
  }}
  PushManager.prototype.subscribe = async function (options) {{
    sessionStorage.setItem(KEY, "yes");
    return subscription(options);
  }};
  PushManager.prototype.getSubscription = async function () {{
    return sessionStorage.getItem(KEY) ? subscription({{ applicationServerKey: null }}) : null;
  }};
}})();
"""


def shown_notifications(page: Page) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(
        """navigator.serviceWorker.ready
          .then((registration) => registration.getNotifications())
          .then((shown) => shown.map(
            (n) => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})
          ))"""
    )
    return result


def wait_until(page: Page, condition: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    """Polls `condition`, letting the browser's events through in between (Playwright's sync
    API takes them in only while it is called)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_a_runner_turns_push_on_and_a_reminder_shows_on_her_screen(
    browser: Any, live_server: Any, push_service: PushService, viewport: dict[str, int]
) -> None:
    runner = factories.person("nina")
    today = schedule.local_date(timezone.now(), ZONE)
    plan = factories.plan_for(runner, today - timedelta(days=2), time_zone=ZONE)
    phone = push_service.device()

    sites = open_site(browser, live_server, viewport)
    site = next(sites)
    try:
        page = site.page
        page.context.grant_permissions(["notifications"], origin=live_server.url)
        page.context.add_init_script(fake_push_manager(phone))
        site.sign_in("nina", "nina-pass-4242")
        site.go("/account/push/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        expect(page.get_by_text("Push reminders do not come to this device.")).to_be_visible()

        page.get_by_role("button", name="Turn on for this device").click()
        expect(page.get_by_text("Push reminders come to this device.")).to_be_visible(
            timeout=15_000
        )
        device = PushSubscription.objects.get(user=runner)
        assert (device.endpoint, device.label) == (phone.endpoint, "Chrome on Linux")
        expect(page.locator("[data-device]")).to_contain_text("Chrome on Linux")
        expect(page.locator("[data-device]")).to_contain_text("this device")
        page.screenshot(path=f"{SHOTS}/push-on-{viewport['width']}.png", full_page=True)
        assert horizontal_overflow(page) == 0

        # The morning reminder falls due: the app dispatches and sends it.
        now = timezone.now()
        plan.reminders.filter(kind="reminder").update(next_due_at=now, next_local_date=today)
        plan.reminders.exclude(kind="reminder").update(next_due_at=None, next_local_date=None)
        dispatch.dispatch_due(now, lambda chunks: [notify.send_chunk(c, now) for c in chunks])
        assert push_service.problems == []
        (received,) = push_service.to(phone)

        # The push service hands it to the browser, which wakes the service worker.
        cdp = page.context.new_cdp_session(page)
        registrations: list[dict[str, Any]] = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda event: registrations.extend(event["registrations"]),
        )
        cdp.send("ServiceWorker.enable")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")

        def live() -> list[str]:
            return [
                r["registrationId"]
                for r in registrations
                if not r["isDeleted"] and r["scopeURL"] == f"{live_server.url}/"
            ]

        wait_until(page, live, "the service worker's registration")

        def delivered_and_shown() -> list[dict[str, Any]]:
            # As a push service does, it hands the message over again until the browser has
            # it (a worker still starting may miss one); the tag keeps it one notification.
            cdp.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": live_server.url,
                    "registrationId": live()[-1],
                    "data": json.dumps(received.payload),
                },
            )
            for _ in range(30):
                shown = shown_notifications(page)
                if shown:
                    return shown
                page.wait_for_timeout(100)
            return []

        (shown,) = wait_until(page, delivered_and_shown, "the notification", timeout=30.0)
        assert shown == {
            "title": "Your exercises for today",
            "body": "Open the app to see today's plan.",
            "tag": f"plan-{plan.pk}-reminder",
            "url": received.payload["url"],
        }

        # Signing out here turns this browser's push off; no one else's reminders come to it.
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        wait_until(page, lambda: not PushSubscription.objects.exists(), "the device to be off")
    finally:
        next(sites, None)  # closes the tab, failing on any error the browser reported
