"""The runner's pages in Spanish when her browser asks for it (issue 20): the screening, the
stop page, the day page, the plan page and the progress page say in Spanish what they say in
English, with no English sentence left; in English they read as before."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone, translation

from planner.engine import return_to_run, schedule
from planner.models import Plan
from tests import factories
from tests.planner.pages.test_onboarding import answers

pytestmark = pytest.mark.django_db

ZONE = "Europe/Berlin"
EMERGENCY_SIGN = "dvt-calf-pain-swelling-warmth"


def local_today() -> date:
    return schedule.local_date(timezone.now(), ZONE)


def signed_in(user: User, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def nina() -> User:
    return factories.person("nina")


@pytest.fixture
def plan(nina: User) -> Plan:
    return factories.plan_for(nina, local_today() - timedelta(days=3), time_zone=ZONE)


def page(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_screening_asks_in_spanish(nina: User, catalog: object) -> None:
    client = signed_in(nina, "es")
    client.post("/start/", {"regions": ["knee"]})
    text = page(client, "/start/screening/")

    assert "Primero, las señales de alarma" in text
    assert "Comprobar mis respuestas" in text
    assert ">Sí<" in text or "Sí</label>" in text
    assert "dolor de rodilla" in text  # the place, from the catalog's Spanish
    assert "Warning signs first" not in text
    assert "Check my answers" not in text
    assert "Before any exercise, answer these questions" not in text


def test_the_stop_page_keeps_an_emergencys_urgency_in_spanish(nina: User, catalog: object) -> None:
    client = signed_in(nina, "es")
    client.post("/start/", {"regions": ["calf"]})
    sent = client.post("/start/screening/", answers(["calf"], (EMERGENCY_SIGN,)))
    assert sent.url == "/start/stop/"
    text = page(client, "/start/stop/")

    assert "Pide ayuda ahora" in text
    assert "No hagas ejercicio" in text
    assert "ve a urgencias ahora" in text
    assert "Llama al " in text
    assert "Me han valorado y autorizado" in text
    assert " de diciembre de " in text or " de 20" in text  # the answer's date, in Spanish
    assert "Get help now" not in text
    assert "Do not exercise" not in text
    assert "I have been assessed and cleared" not in text


def test_the_day_page_in_spanish(nina: User, plan: Plan) -> None:
    text = page(signed_in(nina, "es"), f"/plans/{plan.pk}/today/")

    assert "Ejercicios" in text
    assert "Guardar como hecho" in text
    assert "Dolor durante (0 a 10)" in text
    assert "¿Has notado alguna señal de alarma?" in text
    assert "El dolor hasta ahora" in text
    # The dose in the engine's words, in Spanish too ("1 serie de 10 por lado").
    assert re.search(r"\d+ series? de \d+", text)
    assert not re.search(r"\d+ sets? of \d+", text)
    assert "Save as done" not in text
    assert "Did you notice a warning sign?" not in text
    assert "Pain during (0 to 10)" not in text


def test_the_plan_page_in_spanish(nina: User, plan: Plan) -> None:
    text = page(signed_in(nina, "es"), f"/plans/{plan.pk}/")

    assert "Semana a semana" in text
    assert "Pausar el plan" in text
    assert "Guardar el recordatorio" in text
    assert "Activo" in text
    assert "Week by week" not in text
    assert "Pause the plan" not in text
    assert "Save the reminder" not in text


def test_the_progress_page_in_spanish(nina: User, plan: Plan) -> None:
    text = page(signed_in(nina, "es"), f"/plans/{plan.pk}/progress/")

    assert "Cómo va el plan" in text
    assert "Adherencia" in text
    assert "Historial de dosis y por qué" in text
    assert "Where the plan stands" not in text
    assert "Dose history and why" not in text


def test_the_pain_chart_is_drawn_in_the_readers_language(nina: User, plan: Plan) -> None:
    spanish = signed_in(nina, "es").get(f"/plans/{plan.pk}/charts/pain.svg").content.decode()
    english = signed_in(nina, "en").get(f"/plans/{plan.pk}/charts/pain.svg").content.decode()

    # matplotlib writes each letter as a glyph: the title is in the SVG's comments and ids.
    assert "Dolor (0 a 10)" in spanish
    assert "Pain (0 to 10)" in english


def test_the_same_pages_in_english_are_as_before(nina: User, plan: Plan, catalog: object) -> None:
    client = signed_in(nina, "en")
    day = page(client, f"/plans/{plan.pk}/today/")
    assert "Save as done" in day and "Did you notice a warning sign?" in day
    assert "Guardar como hecho" not in day
    detail = page(client, f"/plans/{plan.pk}/")
    assert "Week by week" in detail and "Pause the plan" in detail
    progress = page(client, f"/plans/{plan.pk}/progress/")
    assert "Where the plan stands" in progress and "Dose history and why" in progress
    client.post("/start/", {"regions": ["knee"]})
    screening = page(client, "/start/screening/")
    assert "Warning signs first" in screening and "Check my answers" in screening
    assert "Primero" not in screening


def test_a_walk_run_distance_is_written_as_its_reader_writes_numbers() -> None:
    phase = return_to_run.RunPhase(2, 3, 1.0, 3)
    assert "1 mile (1.6 km)" in return_to_run.phase_words(phase)
    with translation.override("es"):
        assert "1 milla (1,6 km)" in return_to_run.phase_words(phase)
        assert "2 millas (3,2 km)" in return_to_run.phase_words(
            return_to_run.RunPhase(0, 0, 2.0, 5)
        )
