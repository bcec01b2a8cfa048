"""The picture of the legs on the "where it hurts" step, in a real browser: a region is chosen
by mouse, by a tap on a touch screen and by the keyboard without the page reloading, the list
below follows (and the picture follows the list), a screen reader hears the state and a
sentence of what is chosen, and the chosen places reach the warning-sign questions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page

from planner.programs.catalog import load_catalog
from tests import factories
from tests.browser.conftest import (
    PHONE,
    Site,
    horizontal_overflow,
    open_site,
    serious_violations,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Top to bottom on the front view, then on the back view: the order Tab reaches them in.
TAB_ORDER = [
    "Hip",
    "Front of the thigh",
    "Knee",
    "Shin and lower leg",
    "Ankle",
    "Foot",
    "Lower back and buttock",
    "Back of the thigh (hamstring)",
    "Calf",
    "Heel and Achilles tendon",
]


@pytest.fixture
def touch_phone(browser: Browser, live_server: Any) -> Iterator[Site]:
    """A 375-pixel phone with a touch screen: taps, not mouse clicks."""
    yield from open_site(browser, live_server, PHONE, has_touch=True, is_mobile=True)


@pytest.fixture
def no_script(browser: Browser, live_server: Any) -> Iterator[Site]:
    """A phone whose browser runs no script: the picture's links and the list must do."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(15_000)
    yield Site(url=live_server.url, page=context.new_page())
    context.close()


def open_where_it_hurts(site: Site) -> Page:
    """Signed in on the first step, with a mark on the window that a reload would wipe."""
    load_catalog()
    factories.person("nina")
    site.sign_in("nina", "nina-pass-4242")
    page = site.go("/start/")
    page.evaluate("window.sameVisit = true")
    return page


def on_picture(page: Page, name: str) -> Locator:
    return page.locator("svg.bodymap-picture").get_by_role("checkbox", name=name, exact=True)


def in_list(page: Page, name: str) -> Locator:
    return page.locator("#id_regions").get_by_role("checkbox", name=name, exact=True)


def said(page: Page) -> str:
    return page.locator("#bodymap-chosen").inner_text()


def not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.sameVisit === true"))


def continue_to_warning_signs(page: Page) -> str:
    """Goes on; returns the sentence that names the places the questions are about."""
    page.get_by_role("button", name="Continue to the warning signs").click()
    page.wait_for_url(re.compile(r"/start/screening/$"))
    return " ".join(page.locator("main p").first.inner_text().split())


def test_a_mouse_click_chooses_a_region_and_the_list_follows(site: Site) -> None:
    page = open_where_it_hurts(site)
    knee, calf = on_picture(page, "Knee"), on_picture(page, "Calf")
    # A screen reader hears which view a region is on.
    assert page.get_by_role("group", name="Front").get_by_role("checkbox", name="Knee").count() == 1
    assert page.get_by_role("group", name="Back").get_by_role("checkbox", name="Calf").count() == 1
    assert knee.get_attribute("aria-checked") == "false"
    assert said(page) == "Nothing chosen yet."

    knee.click()
    calf.click()
    assert not_reloaded(page)
    assert knee.get_attribute("aria-checked") == "true"
    assert calf.get_attribute("aria-checked") == "true"
    assert in_list(page, "Knee").is_checked() and in_list(page, "Calf").is_checked()
    assert said(page) == "Chosen: Knee, Calf."
    # Seen without colour too: a check mark on each chosen region.
    tick = page.locator('[data-tick="knee"]')
    assert tick.is_visible() and page.locator('[data-tick="calf"]').is_visible()
    assert not page.locator('[data-tick="shin"]').is_visible()

    # A second click takes it back off.
    knee.click()
    assert knee.get_attribute("aria-checked") == "false"
    assert not tick.is_visible()
    assert not in_list(page, "Knee").is_checked()
    assert said(page) == "Chosen: Calf."

    # The list drives the picture as well.
    in_list(page, "Shin and lower leg").check()
    assert on_picture(page, "Shin and lower leg").get_attribute("aria-checked") == "true"
    in_list(page, "Calf").uncheck()
    assert calf.get_attribute("aria-checked") == "false"
    assert said(page) == "Chosen: Shin and lower leg."
    assert not_reloaded(page)
    assert serious_violations(page) == []

    assert "shin and lower leg pain" in continue_to_warning_signs(page)


def test_a_tap_on_a_touch_phone_chooses_a_region(touch_phone: Site) -> None:
    page = open_where_it_hurts(touch_phone)
    # The whole picture fits the phone's width: nothing scrolls sideways.
    assert horizontal_overflow(page) == 0
    box = page.locator("svg.bodymap-picture").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    on_picture(page, "Heel and Achilles tendon").tap()
    on_picture(page, "Front of the thigh").tap()
    assert not_reloaded(page)
    assert on_picture(page, "Heel and Achilles tendon").get_attribute("aria-checked") == "true"
    assert in_list(page, "Heel and Achilles tendon").is_checked()
    assert in_list(page, "Front of the thigh").is_checked()
    assert said(page) == "Chosen: Front of the thigh, Heel and Achilles tendon."
    assert serious_violations(page) == []

    words = continue_to_warning_signs(page)
    assert "front of the thigh, heel and Achilles tendon pain" in words


def test_the_keyboard_reaches_every_region_and_toggles_it(site: Site) -> None:
    page = open_where_it_hurts(site)
    # From the heading, Tab goes through the regions top to bottom, front then back.
    page.locator("h1").click()
    page.keyboard.press("Tab")
    reached = []
    for _ in TAB_ORDER:
        reached.append(page.evaluate("document.activeElement.getAttribute('aria-label')"))
        page.keyboard.press("Tab")
    assert reached == TAB_ORDER

    knee = on_picture(page, "Knee")
    knee.focus()
    # The focused region is framed, so a keyboard user sees where they are.
    frame = knee.locator(".hit").evaluate("hit => getComputedStyle(hit).stroke")
    assert frame != "none"
    page.keyboard.press("Space")
    assert knee.get_attribute("aria-checked") == "true"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Shin and lower leg
    assert in_list(page, "Shin and lower leg").is_checked()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert knee.get_attribute("aria-checked") == "false"
    assert said(page) == "Chosen: Shin and lower leg."
    assert not_reloaded(page)


def test_the_labels_fit_a_phone_and_do_not_overlap(phone: Site) -> None:
    page = open_where_it_hurts(phone)
    # Every region chosen: a chosen label is bold, the widest it gets.
    for name in TAB_ORDER:
        in_list(page, name).check()
    picture = page.locator("svg.bodymap-picture").bounding_box()
    assert picture is not None
    labels = [
        box
        for label in page.locator("svg.bodymap-picture .label").all()
        if (box := label.bounding_box()) is not None
    ]
    assert len(labels) == len(TAB_ORDER)
    left, right = picture["x"], picture["x"] + picture["width"]
    for box in labels:
        # Inside the picture, and text a phone can read (a line at least 12 pixels high).
        assert left <= box["x"] and box["x"] + box["width"] <= right
        assert box["height"] >= 12
    for i, one in enumerate(labels):
        for other in labels[i + 1 :]:
            apart = (
                one["x"] + one["width"] <= other["x"]
                or other["x"] + other["width"] <= one["x"]
                or one["y"] + one["height"] <= other["y"]
                or other["y"] + other["height"] <= one["y"]
            )
            assert apart, (one, other)
    assert horizontal_overflow(page) == 0


def test_without_the_script_a_tap_on_the_picture_still_chooses(no_script: Site) -> None:
    load_catalog()
    factories.person("nina")
    no_script.sign_in("nina", "nina-pass-4242")
    page = no_script.go("/start/")
    picture = page.locator("svg.bodymap-picture")
    # Each region is a link that reloads the page with the choice changed.
    picture.get_by_role("link", name="Knee").click()
    page.wait_for_url(re.compile(r"regions=knee"))
    picture.get_by_role("link", name="Foot").click()
    page.wait_for_url(re.compile(r"regions=knee&regions=foot"))
    assert in_list(page, "Knee").is_checked() and in_list(page, "Foot").is_checked()
    assert picture.get_by_role("link", name="Knee (chosen)").count() == 1
    assert said(page) == "Chosen: Knee, Foot."
    assert "knee, foot pain" in continue_to_warning_signs(page)
