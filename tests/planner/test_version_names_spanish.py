"""An exercise's harder and easier versions named in the reader's language wherever a dose is
worded (issue 20): the day's card, the tailoring page's choices, a refusal naming the ladder's
versions, and the reminder email; in English as before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from exercises.models import Exercise, Variation
from planner.delivery import notify
from planner.engine import schedule
from planner.models import Delivery, Plan, PlanExercise, Profile
from planner.plans import daily, tailoring
from tests import factories
from tests.personas import People
from tests.smtp_sink import Sink

pytestmark = pytest.mark.django_db

BAND_ES = "Con banda elástica"


def spanish_band() -> None:
    """The catalog's Spanish name of the clamshells' band, saved as the loader saves it."""
    band = Variation.objects.get(exercise__slug="clamshells")
    band.name_es = BAND_ES
    band.save()
    Exercise.objects.filter(slug="clamshells").update(name_es="Almejas")


def shells(plan: Plan) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug="clamshells")


def at_the_band(plan: Plan) -> PlanExercise:
    item = shells(plan)
    PlanExercise.objects.filter(pk=item.pk).update(level=1)
    return shells(plan)


def signed_in(user: User, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def local_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


def day_page(user: User, plan: Plan, language: str) -> str:
    url = f"/plans/{plan.pk}/day/{local_today().isoformat()}/"
    response = signed_in(user, language).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_days_card_names_the_version_in_spanish(people: People) -> None:
    plan = factories.plan_for(people.rosa, local_today() - timedelta(days=3))
    spanish_band()

    at_zero = day_page(people.rosa, plan, "es")
    at_the_band(plan)
    banded = day_page(people.rosa, plan, "es")
    english = day_page(people.rosa, plan, "en")

    # At the exercise itself, the next version is named in Spanish.
    assert f"<strong>Más difícil:</strong> {BAND_ES}, cuando llegues" in at_zero
    assert "With an exercise band" not in at_zero
    # At the band: the dose and the version line in Spanish, its description kept.
    assert "1 serie de 10 por lado (con banda elástica)<br>" in banded
    # The description has no Spanish in this catalog: it reads in English, as the catalog does.
    assert f"<strong>Versión:</strong> {BAND_ES}: Wrap a band" in banded
    assert "exercise band" not in banded
    assert "per side (with an exercise band)" in english
    assert BAND_ES not in english


def test_the_tailoring_pages_version_choices_are_in_the_therapists_language(
    people: People,
) -> None:
    plan = factories.plan_for(people.rosa, local_today() - timedelta(days=3))
    spanish_band()
    url = f"/patients/{people.rosa.pk}/plans/{plan.pk}/tailor/"

    spanish = signed_in(people.theo, "es").get(url).content.decode()
    english = signed_in(people.theo, "en").get(url).content.decode()

    assert f'value="1">{BAND_ES}</option>' in spanish
    assert "With an exercise band" not in spanish
    assert 'value="1">With an exercise band</option>' in english


def test_a_level_off_the_ladder_is_refused_naming_its_versions_in_spanish(
    people: People,
) -> None:
    plan = factories.plan_for(people.rosa, local_today() - timedelta(days=3))
    spanish_band()

    with translation.override("es"), pytest.raises(ValidationError) as refused:
        tailoring.redose(
            therapist=people.theo,
            plan_id=plan.pk,
            plan_exercise_id=shells(plan).pk,
            amount=10,
            sets=1,
            level=3,
            hold_seconds=0,
            effective_on=None,
            reason="Más.",
            now=timezone.now(),
        )

    (words,) = refused.value.message_dict["level"]
    assert f"1 ({BAND_ES})" in words and "With an exercise band" not in words


def test_the_plan_days_dose_is_worded_per_reader_from_one_set_of_ladders(
    people: People,
) -> None:
    plan = factories.plan_for(people.rosa, local_today() - timedelta(days=3))
    spanish_band()
    at_the_band(plan)
    ladders = daily.Ladders()
    day = local_today()
    items = [shells(plan)]

    with translation.override("en"):
        english = daily._day(plan, day, items, {}, {}, ladders).exercises[0]
    with translation.override("es"):
        spanish = daily._day(plan, day, items, {}, {}, ladders).exercises[0]

    assert (english.version, english.version_key) == ("With an exercise band", english.version)
    assert (spanish.version, spanish.version_key) == (BAND_ES, "With an exercise band")
    assert spanish.dose_text.endswith("(con banda elástica)")


MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


def test_a_spanish_reminder_names_the_version_in_spanish(smtp_sink: Sink) -> None:
    rosa = factories.person("rosa")
    Profile.objects.update_or_create(user=rosa, defaults={"language": "es"})
    plan = factories.plan_for(rosa, MONDAY)
    spanish_band()
    at_the_band(plan)
    delivery = Delivery.objects.create(plan=plan, kind="reminder", local_date=MONDAY, due_at=NOW)

    notify.send_chunk([delivery.pk], NOW)

    (email,) = smtp_sink.to("rosa@example.com")
    assert "- Almejas: 1 serie de 10 por lado (con banda elástica)" in email.text
    assert "exercise band" not in email.text + email.html
