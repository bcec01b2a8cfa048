"""The API answers in the asker's language (planner.accounts.api_language): the person's own
choice (Profile.language), else the request's Accept-Language, else English. An error keeps
its field's key in every language: only its message is translated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from planner.engine import schedule
from planner.models import CareLink, Plan, Profile
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db

NONE_OF_THE_DOSE_ES = (
    "0 es nada de la dosis: registra la sesión como no hecha o indica la cantidad hecha."
)
NONE_OF_THE_DOSE_EN = "0 is none of the dose: log the session as not done, or give the amount done."


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    """A request leaves its language active in the thread: the next tests read English."""
    yield
    translation.activate("en")


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


@pytest.fixture
def current_plan(people: People) -> Plan:
    return factories.plan_for(people.rosa, berlin_today() - timedelta(days=3))


def log_none_of_the_dose(client: APIClient, plan: Plan, **headers: str) -> Any:
    shells = plan.exercises.get(exercise__slug="clamshells").pk
    body = {"plan_exercise": shells, "day": str(berlin_today()), "done": True, "amount_done": 0}
    return client.post(f"/api/v1/plans/{plan.pk}/logs", body, format="json", headers=headers)


def choose(user: Any, language: str) -> None:
    Profile.objects.update_or_create(user=user, defaults={"language": language})


def test_a_bad_request_in_spanish_names_the_same_field_in_spanish(
    people: People, current_plan: Plan
) -> None:
    response = log_none_of_the_dose(
        people.client("rosa"), current_plan, accept_language="es-ES,es;q=0.9"
    )

    assert response.status_code == 400
    assert response.json() == {"amount_done": [NONE_OF_THE_DOSE_ES]}
    assert response["Content-Language"] == "es"


def test_a_person_who_chose_spanish_gets_it_without_asking(
    people: People, current_plan: Plan
) -> None:
    choose(people.rosa, "es")

    response = log_none_of_the_dose(people.client("rosa"), current_plan)

    assert response.json() == {"amount_done": [NONE_OF_THE_DOSE_ES]}
    assert response["Content-Language"] == "es"


def test_her_choice_wins_over_the_browsers(people: People, current_plan: Plan) -> None:
    choose(people.rosa, "en")

    response = log_none_of_the_dose(people.client("rosa"), current_plan, accept_language="es")

    assert response.json() == {"amount_done": [NONE_OF_THE_DOSE_EN]}
    assert response["Content-Language"] == "en"


def test_english_otherwise(people: People, current_plan: Plan) -> None:
    choose(people.rosa, "")

    response = log_none_of_the_dose(people.client("rosa"), current_plan)

    assert response.json() == {"amount_done": [NONE_OF_THE_DOSE_EN]}
    assert response["Content-Language"].startswith("en")


def test_a_session_sign_in_answers_in_her_language_too(people: People, current_plan: Plan) -> None:
    choose(people.rosa, "es")
    client = APIClient()
    client.force_login(people.rosa)

    response = log_none_of_the_dose(client, current_plan)

    assert response.json() == {"amount_done": [NONE_OF_THE_DOSE_ES]}


def test_the_apis_own_refusals_come_in_spanish(people: People) -> None:
    anonymous = people.client(None).get("/api/v1/plans", headers={"accept-language": "es"})
    not_found = people.client("rosa").get("/api/v1/plans/999999", headers={"accept-language": "es"})

    assert anonymous.status_code == 401
    assert anonymous.json()["detail"] == "Las credenciales de autenticación no se proveyeron."
    assert not_found.status_code == 404
    assert not_found.json()["detail"] == "No hay ningún Plan que coincida con la consulta."


def test_an_unknown_field_is_refused_in_spanish_by_its_name(
    people: People, current_plan: Plan
) -> None:
    shells = current_plan.exercises.get(exercise__slug="clamshells").pk
    body = {"plan_exercise": shells, "day": str(berlin_today()), "done": True, "moood": 3}

    response = people.client("rosa").post(
        f"/api/v1/plans/{current_plan.pk}/logs",
        body,
        format="json",
        headers={"accept-language": "es"},
    )

    assert response.status_code == 400
    assert response.json() == {"moood": ["Campo desconocido: no forma parte de esta petición."]}


def test_her_language_costs_no_query_with_a_token(
    people: People, django_assert_num_queries: Any
) -> None:
    choose(people.rosa, "es")
    rosa = people.client("rosa")

    # 1: the token, its user and her profile   2: the count   3: the page, with each condition
    with django_assert_num_queries(3):
        response = rosa.get("/api/v1/programs")
    assert response["Content-Language"] == "es"


def test_the_patient_list_in_spanish(people: People) -> None:
    runner = factories.person("lucia")
    CareLink.objects.create(therapist=people.theo, runner=runner, status=CareLink.Status.ACTIVE)
    factories.plan_for(runner, berlin_today() - timedelta(days=20))
    client = Client()
    client.force_login(people.theo)

    page = client.get("/patients/", headers={"accept-language": "es"}).content.decode()

    assert "<h1>Pacientes</h1>" in page
    assert "Invitar a un corredor" in page
    assert "Adherencia, 14 días" in page
    assert "Patients" not in page.split("<main", 1)[-1]


def test_the_screenings_refusal_is_said_in_spanish_numbers_kept() -> None:
    from planner.safety import refusals

    english = (
        "Answer the warning-sign questions again: each plan starts on answers from the last 14 "
        "days, about the pain as it is now."
    )
    with translation.override("es"):
        spanish = refusals.in_words(english)
    with translation.override("en"):
        assert refusals.in_words(english) == english

    assert spanish.startswith("Vuelve a responder a las preguntas sobre señales de alarma")
    assert "14 días" in spanish
