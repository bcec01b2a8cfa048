"""The warning-sign stop page cites the source that gives the sign for the place that hurts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests import factories
from tests.planner.pages.test_onboarding import answers

pytestmark = pytest.mark.django_db

ANKLE_ARTICLE = "Sore Ankle After Walking?"
LEG_ARTICLE = "Why Does the Back of My Leg Hurt When I Walk?"


@pytest.fixture
def nina(client: Client, catalog: object) -> User:
    user = factories.person("nina")
    client.force_login(user)
    return user


def stop_page_for(client: Client, regions: list[str], sign: str) -> str:
    client.post("/start/", {"regions": regions})
    assert client.post("/start/screening/", answers(regions, (sign,))).url == "/start/stop/"
    return client.get("/start/stop/").content.decode()


def test_numbness_reported_for_a_knee_cites_the_leg_article_not_the_ankle_one(
    client: Client, nina: User
) -> None:
    page = stop_page_for(client, ["knee"], "numbness-or-tingling")

    assert "Numbness or tingling" in page
    assert f"Source: {LEG_ARTICLE}" in page
    assert ANKLE_ARTICLE not in page


def test_the_same_sign_for_an_ankle_cites_the_ankle_article(client: Client, nina: User) -> None:
    page = stop_page_for(client, ["ankle"], "numbness-or-tingling")

    assert f"Source: {ANKLE_ARTICLE}" in page
    assert LEG_ARTICLE not in page


def test_a_knee_and_an_ankle_cite_both_articles(client: Client, nina: User) -> None:
    page = stop_page_for(client, ["knee", "ankle"], "swelling-or-bruising")

    # In the order of the regions: the knee's source, then the ankle's.
    assert f"Source: {LEG_ARTICLE}; {ANKLE_ARTICLE}" in page


def test_the_stop_page_seen_again_in_another_sign_in_still_cites_the_knees_source(
    client: Client, nina: User
) -> None:
    stop_page_for(client, ["knee"], "numbness-or-tingling")
    elsewhere = Client()
    elsewhere.force_login(nina)  # the regions chosen were this first sign-in's

    page = elsewhere.get("/start/stop/").content.decode()

    assert f"Source: {LEG_ARTICLE}" in page and ANKLE_ARTICLE not in page
