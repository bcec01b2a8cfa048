"""The landing and sign-up pages in a real browser, on a phone and checked by axe."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Site, horizontal_overflow, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_landing_and_signup_fit_a_phone_and_pass_axe(phone: Site) -> None:
    for path in ("/", "/accounts/signup/", "/accounts/login/"):
        page = phone.go(path)
        assert horizontal_overflow(page) == 0, path
        assert serious_violations(page) == [], path


def test_signup_errors_show_next_to_the_field(phone: Site) -> None:
    page = phone.go("/accounts/signup/")
    page.get_by_label("Username", exact=True).fill("nina")
    page.get_by_label("Email").fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("short")
    page.get_by_role("button", name="Sign up").click()
    field = page.locator(".field.has-error")
    assert "too short" in field.first.inner_text()
    assert page.get_by_label("Username", exact=True).input_value() == "nina"
    assert horizontal_overflow(page) == 0
