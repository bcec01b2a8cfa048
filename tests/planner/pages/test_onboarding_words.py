"""The words of the onboarding pages: names kept as written, a program named once, its length
never read as a recovery time."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from conditions.models import Condition
from tests import factories
from tests.planner.pages.test_onboarding import screen_clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def nina(client: Client, catalog: object) -> User:
    user = factories.person("nina")
    client.force_login(user)
    return user


def test_a_region_mid_sentence_keeps_its_proper_name(client: Client, nina: User) -> None:
    client.post("/start/", {"regions": ["heel-achilles"]})
    page = client.get("/start/screening/").content.decode()
    assert "heel and Achilles tendon" in page and "achilles tendon" not in page


@pytest.mark.parametrize("shown", ["/start/conditions/", "/start/finder/?where=outside-of-hip"])
def test_a_program_is_named_once_where_conditions_are_offered(
    client: Client, nina: User, shown: str
) -> None:
    screen_clean(client, ["hip"])
    page = client.get(shown).content.decode()
    text = re.sub(r"<[^>]+>", "", page)
    assert "See the home program" in page
    assert "program program" not in text
    # Not "See the program: Hip flexor strain: home program".
    assert not re.search(r"program: [^\n]*: home program", text)


def test_the_begin_page_keeps_it_band_and_says_the_length_is_not_a_recovery_time(
    client: Client, nina: User
) -> None:
    regions = Condition.objects.get(slug="it-band-syndrome").regions.all()
    screen_clean(client, [region.slug for region in regions])
    page = client.get("/start/program/it-band-syndrome/begin/").content.decode()
    assert "For IT band syndrome." in page and "it band" not in page
    assert "6 weeks for" not in page
    assert "not a recovery time" in page
