"""The condition finder in the onboarding: a few questions after the warning signs, then the
conditions of those places ranked by the answers, with their reasons."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests import factories
from tests.planner.pages.test_onboarding import screen_clean

pytestmark = pytest.mark.django_db


@pytest.fixture
def nina(client: Client, catalog: object) -> User:
    user = factories.person("nina")
    client.force_login(user)
    return user


def ranked(page: str) -> list[str]:
    """The conditions of the ranking, best first (the folded rest included)."""
    return re.findall(r'<li class="card" aria-labelledby="fit-([a-z0-9-]+)"', page)


def card_of(page: str, slug: str) -> str:
    start = page.index(f'aria-labelledby="fit-{slug}"')
    return page[start : page.index("</li>", start)]


def test_the_questions_come_after_the_warning_signs_and_offer_only_this_places_answers(
    client: Client, nina: User
) -> None:
    client.post("/start/", {"regions": ["hip"]})
    assert client.get("/start/finder/").url == "/start/screening/"
    screen_clean(client, ["hip"])
    page = client.get("/start/finder/").content.decode()
    assert "Where exactly does it hurt most?" in page
    assert "On the outside of the hip" in page and "Clicking, popping or rubbing" in page
    # Answers no hip condition's article gives are not offered.
    assert "Under the ball of the foot" not in page and "Numbness or tingling" not in page
    assert page.count(">Not sure<") + page.count("Not sure</label>") >= 1
    assert "not a diagnosis" in page
    assert 'href="/start/conditions/"' in page


def test_answers_rank_the_conditions_with_reasons_and_a_link_to_the_program(
    client: Client, nina: User
) -> None:
    screen_clean(client, ["hip"])
    page = client.get(
        "/start/finder/",
        {"where": "outside-of-hip", "when": "during-activity", "noticed": "clicking"},
    ).content.decode()
    assert ranked(page)[0] == "it-band-syndrome"
    card = card_of(page, "it-band-syndrome")
    assert (
        "Outside of the hip, worse while running or walking, clicking: IT band syndrome fits"
        in card
    )
    assert "Ease the Stride" in card  # the article the signs come from
    assert 'href="/start/program/it-band-syndrome/"' in card
    # The groin's conditions are not offered as fits for the outside of the hip.
    assert "iliopsoas-tendinitis" not in ranked(page)
    assert "not a diagnosis" in page
    assert "Show all conditions for these places" in page
    # The answers stay in the form, to be changed.
    assert 'value="outside-of-hip" id="id_where_0" checked' in page or re.search(
        r'value="outside-of-hip"[^>]*checked', page
    )


def test_a_doctor_first_condition_is_marked_with_what_to_do_and_has_no_program(
    client: Client, nina: User
) -> None:
    screen_clean(client, ["ankle"])
    page = client.get(
        "/start/finder/",
        {"where": "outside-of-ankle", "brought-on": "injury", "noticed": ["swelling", "bruising"]},
    ).content.decode()
    assert ranked(page)[0] == "ankle-ligament-tear"
    card = card_of(page, "ankle-ligament-tear")
    assert "See a doctor first" in card and "What to do" in card
    assert "There is no home program for this until a doctor has assessed it." in card
    assert "/start/program/" not in card
    assert "/start/program/ankle-sprain/" in card_of(page, "ankle-sprain")


def test_when_nothing_fits_it_says_to_see_a_clinician(client: Client, nina: User) -> None:
    screen_clean(client, ["hip"])
    page = client.get(
        "/start/finder/",
        {"where": "outside-of-leg", "when": "after-activity", "onset": "gradually"},
    ).content.decode()
    assert "None of these fits" in page
    assert "See a doctor or a physical therapist" in page
    assert "Why Does the Back of My Leg Hurt When I Walk?" in page  # the words' article
    assert ranked(page) == []
    assert 'href="/start/conditions/"' in page


def test_every_answer_not_sure_ranks_nothing_and_keeps_the_full_list_at_hand(
    client: Client, nina: User
) -> None:
    screen_clean(client, ["knee"])
    page = client.get("/start/finder/", {"where": "", "when": ""}).content.decode()
    assert "cannot narrow the conditions down" in page
    assert "None of these fits" not in page and ranked(page) == []
    assert "Show all conditions for these places" in page


def test_conditions_whose_articles_give_no_sign_are_named_for_the_full_list(
    client: Client, nina: User
) -> None:
    screen_clean(client, ["knee"])
    page = client.get("/start/finder/", {"where": "around-kneecap"}).content.decode()
    assert ranked(page)[0] == "patellofemoral-pain-syndrome"
    assert "The articles give no signs for" in page and "Torn knee cartilage" in page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"where": "outside-of-the-elbow"}, "where"),
        ({"noticed": ["clicking", "fever"]}, "noticed"),
        ({"where": ["outside-of-hip", "groin"]}, "where"),
    ],
)
def test_a_bad_answer_is_an_error_on_its_question(
    client: Client, nina: User, query: dict[str, object], field: str
) -> None:
    screen_clean(client, ["hip"])
    response = client.get("/start/finder/", query)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert "Choose one of the answers offered" in page
    assert ranked(page) == []


def test_the_full_list_links_back_to_the_questions(client: Client, nina: User) -> None:
    screen_clean(client, ["knee"])
    page = client.get("/start/conditions/").content.decode()
    assert 'href="/start/finder/"' in page
