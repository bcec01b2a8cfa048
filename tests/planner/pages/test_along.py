"""Exercise along: the day's exercises still to do, one after another with their pictures,
doses and cautions, then one log for the whole session that saves every exercise or none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from exercises.models import Exercise
from planner.engine import schedule
from planner.models import Plan, PlanExercise, SessionLog
from tests import factories
from tests.personas import therapist

pytestmark = pytest.mark.django_db

ZONE = "Europe/Berlin"
# Day 9 of the plan: week 2, when the piriformis stretch (every other day from week 2) joins
# the daily clamshells.
DAYS_IN = 8


def local_today() -> date:
    return schedule.local_date(timezone.now(), ZONE)


@pytest.fixture
def nina() -> User:
    return factories.person("nina")


@pytest.fixture
def plan(nina: User) -> Plan:
    return factories.plan_for(nina, local_today() - timedelta(days=DAYS_IN), time_zone=ZONE)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def item(plan: Plan, slug: str) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug=slug)


def along_url(plan: Plan, day: date) -> str:
    return f"/plans/{plan.pk}/day/{day.isoformat()}/along/"


def day_url(plan: Plan, day: date) -> str:
    return f"/plans/{plan.pk}/day/{day.isoformat()}/"


def test_the_page_lists_the_exercises_still_to_do_with_dose_cautions_and_picture(
    nina: User, plan: Plan
) -> None:
    Exercise.objects.filter(slug="clamshells").update(cautions=["Keep your feet together."])
    shells, stretch = item(plan, "clamshells"), item(plan, "piriformis-stretch")

    response = signed_in(nina).get(along_url(plan, local_today()))

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<h2 id="along-{shells.pk}-name">Clamshells</h2>' in page
    assert f'<h2 id="along-{stretch.pk}-name">Piriformis stretch</h2>' in page
    assert "Exercise 1 of 2" in page and "Exercise 2 of 2" in page
    assert "<strong>1 set of 10 per side</strong>" in page
    assert "<li>Keep your feet together.</li>" in page
    assert 'srcset="/exercises/clamshells/picture-still.svg?v=' in page
    assert 'media="(prefers-reduced-motion: reduce)"' in page
    assert '<img src="/exercises/piriformis-stretch/picture.svg?v=' in page
    assert f'name="done-{shells.pk}"' in page and f'name="amount-{stretch.pk}"' in page


def test_an_exercise_without_a_picture_shows_none(nina: User, plan: Plan) -> None:
    Exercise.objects.filter(slug="clamshells").update(picture={})

    page = signed_in(nina).get(along_url(plan, local_today())).content.decode()

    assert "/exercises/clamshells/picture" not in page
    assert "/exercises/piriformis-stretch/picture.svg" in page


def test_an_exercise_already_logged_is_not_offered_again(nina: User, plan: Plan) -> None:
    today = local_today()
    factories.log_session(
        plan=plan, plan_exercise=item(plan, "clamshells"), day=today, today=today, done=True
    )

    page = signed_in(nina).get(along_url(plan, today)).content.decode()

    assert "Exercise 1 of 1" in page
    assert 'id="along-' in page and "Clamshells</h2>" not in page


def test_one_post_logs_the_whole_session_and_goes_back_to_the_day(nina: User, plan: Plan) -> None:
    shells, stretch = item(plan, "clamshells"), item(plan, "piriformis-stretch")
    today = local_today()
    client = signed_in(nina)

    response = client.post(
        along_url(plan, today),
        {
            f"done-{shells.pk}": "on",
            f"amount-{shells.pk}": "6",
            f"pain-{shells.pk}": "3",
            f"done-{stretch.pk}": "on",
            f"amount-{stretch.pk}": "",
            f"pain-{stretch.pk}": "1",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == day_url(plan, today)
    logs = {log.plan_exercise_id: log for log in SessionLog.objects.filter(day=today)}
    assert (logs[shells.pk].done, logs[shells.pk].amount_done) == (True, 6)
    assert (logs[shells.pk].pain_during, logs[shells.pk].partial) == (3, True)
    assert (logs[stretch.pk].done, logs[stretch.pk].amount_done) == (True, None)
    assert (logs[stretch.pk].pain_during, logs[stretch.pk].partial) == (1, False)
    page = client.get(response["Location"]).content.decode()
    # One message per exercise, each with what the engine decided for it.
    assert "Clamshells: Held at 10 per side." in page
    assert "Piriformis stretch: Held at 10 s per side." in page


def test_an_exercise_left_unchecked_is_logged_as_not_done(nina: User, plan: Plan) -> None:
    shells, stretch = item(plan, "clamshells"), item(plan, "piriformis-stretch")
    today = local_today()

    response = signed_in(nina).post(
        along_url(plan, today),
        {f"done-{shells.pk}": "on", f"pain-{shells.pk}": "2", f"pain-{stretch.pk}": "4"},
    )

    assert response.status_code == 302
    skipped = SessionLog.objects.get(plan_exercise=stretch, day=today)
    # Not done: no pain during belongs to it.
    assert (skipped.done, skipped.amount_done, skipped.pain_during) == (False, None, None)
    assert SessionLog.objects.get(plan_exercise=shells, day=today).pain_during == 2


def test_an_amount_without_done_is_asked_about_not_thrown_away(nina: User, plan: Plan) -> None:
    shells, stretch = item(plan, "clamshells"), item(plan, "piriformis-stretch")

    response = signed_in(nina).post(
        along_url(plan, local_today()), {f"done-{shells.pk}": "on", f"amount-{stretch.pk}": "20"}
    )

    assert response.status_code == 400
    assert "Piriformis stretch: tick “done” to log this amount" in response.content.decode()
    assert not SessionLog.objects.exists()


def test_one_refused_entry_saves_nothing_and_names_its_exercise(nina: User, plan: Plan) -> None:
    shells, stretch = item(plan, "clamshells"), item(plan, "piriformis-stretch")

    response = signed_in(nina).post(
        along_url(plan, local_today()),
        {
            f"done-{shells.pk}": "on",
            f"amount-{shells.pk}": "10",
            f"done-{stretch.pk}": "on",
            f"amount-{stretch.pk}": "999",
            f"pain-{stretch.pk}": "2",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Piriformis stretch: Between 0 and 60 for Piriformis stretch." in page
    assert not SessionLog.objects.exists()
    # What was typed is kept, to correct rather than type again.
    assert f'name="amount-{stretch.pk}" id="id_amount-{stretch.pk}" value="999"' in page


def test_someone_elses_plan_is_not_found(plan: Plan) -> None:
    oscar = factories.person("oscar")
    theo = therapist("theo")

    for user in (oscar, theo):
        client = signed_in(user)
        assert client.get(along_url(plan, local_today())).status_code == 404
        assert (
            client.post(
                along_url(plan, local_today()), {f"pain-{item(plan, 'clamshells').pk}": "1"}
            ).status_code
            == 404
        )

    assert not SessionLog.objects.exists()


def test_a_day_still_ahead_is_refused_and_saves_nothing(nina: User, plan: Plan) -> None:
    tomorrow = local_today() + timedelta(days=1)
    shells = item(plan, "clamshells")
    client = signed_in(nina)

    shown = client.get(along_url(plan, tomorrow))
    posted = client.post(along_url(plan, tomorrow), {f"done-{shells.pk}": "on"})

    assert shown.status_code == 200
    assert "This day is still ahead: log it once it is done." in shown.content.decode()
    assert posted.status_code == 400
    assert "This day is still ahead: log it once it is done." in posted.content.decode()
    assert not SessionLog.objects.exists()


def test_the_day_offers_exercise_along_until_everything_is_logged(nina: User, plan: Plan) -> None:
    today = local_today()
    client = signed_in(nina)
    link = f'href="{along_url(plan, today)}">Exercise along</a>'

    assert link in client.get(day_url(plan, today)).content.decode()

    for slug in ("clamshells", "piriformis-stretch"):
        factories.log_session(
            plan=plan, plan_exercise=item(plan, slug), day=today, today=today, done=True
        )

    assert link not in client.get(day_url(plan, today)).content.decode()
    assert "Every exercise of this day is logged." in (
        client.get(along_url(plan, today)).content.decode()
    )
