"""The way in: landing, sign up, sign in with slowing, sign out (django-allauth's pages, in the
site's layout), and the error pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from planner.models import Plan
from planner.pages.start import start_page
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_signin_counters() -> None:
    cache.clear()


def test_landing_says_it_is_guidance_not_diagnosis(client: Client, catalog: object) -> None:
    page = client.get("/").content.decode()
    assert "does not diagnose" in page
    assert "Iliotibial band syndrome" in page or "IT band" in page
    assert 'href="/accounts/signup/"' in page


def test_each_condition_on_the_landing_page_starts_with_its_regions_and_the_warning_signs(
    client: Client, catalog: object
) -> None:
    page = client.get("/").content.decode()
    link = '<a href="/start/?regions=hip&amp;regions=thigh-front">Hip flexor strain</a>'
    assert link in page
    # A visitor who follows it signs in first, then meets the warning-sign questions.
    response = client.get("/start/?regions=hip&regions=thigh-front")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=/start/")
    user = User.objects.create_user("nina", password="nina-pass-4242")
    client.force_login(user)
    start = client.get("/start/?regions=hip&regions=thigh-front").content.decode()
    assert re.search(r'value="hip"[^>]* checked', start)
    assert re.search(r'value="thigh-front"[^>]* checked', start)


def test_every_page_carries_a_content_security_policy(client: Client) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_signup_keeps_what_was_typed_and_names_the_field(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": "nina", "email": "nina@example.com", "password1": "abc", "password2": "abd"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="nina"' in page and 'value="nina@example.com"' in page
    assert "This password is too short" in page and "id_password1_error" in page
    assert not User.objects.filter(username="nina").exists()


def test_signup_signs_in_and_goes_to_the_warning_sign_questions(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "username": "nina",
            "email": "nina@example.com",
            "password1": "long-runs-42x",
            "password2": "long-runs-42x",
        },
    )
    assert response.status_code == 302 and response.url == "/start/"
    assert client.get("/home/").status_code == 302


def test_repeated_failed_signins_are_slowed(client: Client, runner: User) -> None:
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": "rosa", "password": "wrong"})
        assert response.status_code == 200
        assert "username and/or password you specified are not correct" in (
            response.content.decode()
        )
    response = client.post("/accounts/login/", {"login": "rosa", "password": "hills-and-miles-42"})
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signin_goes_back_to_the_page_that_asked_but_never_off_site(
    client: Client, runner: User
) -> None:
    data = {"login": "rosa", "password": "hills-and-miles-42"}
    response = client.post("/accounts/login/?next=/account/", data)
    assert response.url == "/account/"
    client.logout()
    response = client.post("/accounts/login/", {**data, "next": "https://evil.example/"})
    assert response.url == "/home/"


def test_the_old_addresses_lead_to_the_new_pages(client: Client) -> None:
    assert client.get("/signin/?next=/plans/").url == "/accounts/login/?next=/plans/"
    assert client.get("/signup/").url == "/accounts/signup/"


def test_dashboard_sends_runners_without_a_plan_to_their_plans_and_therapists_to_patients(
    people: object,
) -> None:
    client = Client()
    client.force_login(people.rosa)  # type: ignore[attr-defined]
    people.rosa_plan.status = Plan.Status.PAUSED  # type: ignore[attr-defined]
    people.rosa_plan.save(update_fields=["status"])  # type: ignore[attr-defined]
    assert client.get("/home/").url == "/plans/"
    client.force_login(people.theo)  # type: ignore[attr-defined]
    assert client.get("/home/").url == "/patients/"


def test_a_runner_signs_in_straight_to_todays_exercises_of_the_plan_they_run(
    client: Client, runner: User
) -> None:
    today = date.today()
    older = factories.plan_for(runner, today - timedelta(days=20))
    newer = factories.plan_for(runner, today - timedelta(days=2))
    finished = factories.plan_for(runner, today - timedelta(days=1))
    finished.status = Plan.Status.COMPLETED
    finished.save(update_fields=["status"])
    response = client.post("/accounts/login/", {"login": "rosa", "password": "hills-and-miles-42"})
    assert response.url == "/home/"
    assert client.get("/home/").url == f"/plans/{newer.pk}/today/"
    # The landing page is for the signed out: a runner opening the site goes to today too.
    assert client.get("/").url == "/home/"
    newer.status = Plan.Status.PAUSED
    newer.save(update_fields=["status"])
    assert client.get("/home/").url == f"/plans/{older.pk}/today/"


def test_the_start_page_is_decided_from_the_role_and_the_running_plans() -> None:
    assert start_page(True, [4]) == ("patients", {})
    assert start_page(False, [7, 4]) == ("plan-today", {"plan_id": 7})
    assert start_page(False, []) == ("plans", {})


def test_signout_is_a_post(client: Client, runner: User) -> None:
    client.force_login(runner)
    client.get("/accounts/logout/")  # asks, signs nobody out
    assert "_auth_user_id" in client.session
    assert client.post("/accounts/logout/").url == "/"
    assert "_auth_user_id" not in client.session


def test_not_found_page_is_in_the_site_style(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Rehab planner" in response.content.decode()
    assert "nothing you are allowed to see" in response.content.decode()


def test_signin_works_while_the_cache_server_is_down(
    client: Client, runner: User, settings: Any
) -> None:
    """The sign-in counters live in the cache; a Redis that is away must not lock people out."""
    settings.CACHES = {
        "default": {
            # As production configures it (CACHE_URL), on the discard port: nothing listens.
            "BACKEND": "kit.forgiving_cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    response = client.post("/accounts/login/", {"login": "rosa", "password": "wrong"})
    assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": "rosa", "password": "hills-and-miles-42"})
    assert response.status_code == 302 and response.url == "/home/"
