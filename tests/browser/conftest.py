"""A real headless Chromium driven by Playwright against the app on a live server.

Debian's Chromium (/usr/bin/chromium, installed by bin/test and .ci/run) is used, because
Playwright's own browser download does not work here; CHROMIUM_PATH names another binary.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from tests import factories

# Playwright's sync API runs an event loop in the test's thread, which Django takes for async
# code; the ORM calls the tests make to build data are plain blocking calls all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# The flags keep a root, headless Chromium from reaching out to Google's services, which a
# closed network refuses (and which would slow every start).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


# Record each oscillator started (its pitch) and each vibration asked for, then pass them on.
RECORD_SIGNALS = """
window.signals = [];
const realVibrate = navigator.vibrate ? navigator.vibrate.bind(navigator) : null;
navigator.vibrate = (pattern) => {
  window.signals.push(["vibrate", JSON.stringify(pattern)]);
  return realVibrate ? realVibrate(pattern) : true;
};
// The screen kept awake: each request for a wake lock is written down, and granted.
Object.defineProperty(navigator, "wakeLock", {
  value: {
    request: (kind) => {
      window.signals.push(["wake-lock", kind]);
      return Promise.resolve({ release: () => Promise.resolve() });
    },
  },
});
const RealContext = window.AudioContext;
window.AudioContext = class extends RealContext {
  createOscillator() {
    const oscillator = super.createOscillator();
    const start = oscillator.start.bind(oscillator);
    oscillator.start = (...args) => {
      window.signals.push(["beep", oscillator.frequency.value]);
      return start(...args);
    };
    return oscillator;
  }
};
"""


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(
            f"No Chromium at {path}: install Debian's chromium (bin/test does so as root) "
            "or set CHROMIUM_PATH; the page tests need a real browser."
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class Site:
    """The live app and a browser tab on it."""

    url: str
    page: Page

    def go(self, path: str) -> Page:
        self.page.goto(self.url + path)
        return self.page

    def sign_in(self, username: str, password: str) -> Page:
        """Signs in on the sign-in page; types the authenticator app's code when asked."""
        self.go("/accounts/login/")
        return self.sign_in_here(username, password)

    def sign_in_here(self, username: str, password: str) -> Page:
        """Signs in on the sign-in page the browser is on (a private page sent it there)."""
        self.page.get_by_label("Username or email").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        if "/accounts/2fa/authenticate/" in self.page.url:
            self.page.get_by_label("Code").fill(
                factories.totp_code(factories.TOTP_SECRETS[username])
            )
            self.page.get_by_role("button", name="Sign in").click()
            self.page.wait_for_load_state()
        return self.page


def open_site(
    browser: Browser, live_server: Any, viewport: dict[str, int], **device: Any
) -> Iterator[Site]:
    """A tab of `viewport`'s size (`device`: more of the context's options, e.g. a touch
    screen) that fails the test on any error the browser reports."""
    context = browser.new_context(
        viewport=viewport, locale="en-GB", timezone_id="Europe/Berlin", **device
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    yield Site(url=live_server.url, page=page)
    context.close()
    # A script error or a blocked resource (the content security policy reports to the
    # console) is a broken page even when the test's clicks went through.
    assert not errors, f"The browser reported errors: {errors}"


@pytest.fixture
def site(browser: Browser, live_server: Any) -> Iterator[Site]:
    """A desktop-size tab."""
    yield from open_site(browser, live_server, DESKTOP)


@pytest.fixture
def phone(browser: Browser, live_server: Any) -> Iterator[Site]:
    """A 375-pixel phone screen, where most runners open the planner."""
    yield from open_site(browser, live_server, PHONE)


def serious_violations(page: Page) -> list[str]:
    """Accessibility violations axe rates serious or critical, one line each."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )
