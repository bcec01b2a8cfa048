"""Spanish beside English in the catalog: every entry of the real data files has it, the load
refuses an incomplete or number-changing translation by name, and readers get the active
language's text (English unchanged otherwise)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone, translation
from pydantic import BaseModel

from conditions import loader as conditions_loader
from conditions.models import BodyRegion, RedFlag
from conditions.schema import (
    ConditionEntry,
    ConditionEs,
    RedFlagEntry,
    RedFlagEs,
    RegionEntry,
    RegionEs,
)
from exercises import loader as exercises_loader
from exercises.models import Exercise
from exercises.schema import ExerciseEntry, ExerciseEs
from kit.datafiles import CatalogError, read_entries
from kit.translated import Spanish, spanish_problems
from planner.engine import schedule
from planner.programs import loader as programs_loader
from planner.programs.schema import ProgramEntry, ProgramEs
from tests import factories

DATA_FILES: list[tuple[Path, type[BaseModel], type[Spanish]]] = [
    (conditions_loader.DATA_DIR / "regions.yaml", RegionEntry, RegionEs),
    (conditions_loader.DATA_DIR / "conditions.yaml", ConditionEntry, ConditionEs),
    (conditions_loader.DATA_DIR / "red_flags.yaml", RedFlagEntry, RedFlagEs),
    (exercises_loader.DATA_DIR / "exercises.yaml", ExerciseEntry, ExerciseEs),
    (programs_loader.DATA_DIR / "programs.yaml", ProgramEntry, ProgramEs),
]


def lacking_spanish() -> list[str]:
    """Every entry of the real data files that lacks Spanish for a translated field."""
    lacking = []
    for path, schema, shape in DATA_FILES:
        for entry in read_entries(path, schema):
            problems = spanish_problems(entry, getattr(entry, "es", None), shape)
            if problems:
                lacking.append(f"{path.name}: {getattr(entry, 'slug', '?')}: {problems[0]}")
    return lacking


def test_every_catalog_entry_has_its_spanish() -> None:
    lacking = lacking_spanish()

    assert not lacking, f"{len(lacking)} entries lack Spanish:\n" + "\n".join(lacking)


# --- The load refuses an incomplete translation, naming the entry and field --------------------


def test_a_spanish_list_of_another_length_is_named() -> None:
    english = read_entries(exercises_loader.DATA_DIR / "exercises.yaml", ExerciseEntry)[0]
    assert english.es is not None
    shorter = english.es.model_copy(update={"steps": english.es.steps[:-1]})

    problems = spanish_problems(english, shorter, ExerciseEs)

    assert problems == [
        f"es.steps: {len(english.steps) - 1} items for the English's {len(english.steps)}"
    ]


def region_file(tmp_path: Path, es: str) -> Path:
    path = tmp_path / "regions.yaml"
    path.write_text(
        "- slug: hip\n  name: Hip\n  order: 2\n  description: The hip joint.\n" + es,
        encoding="utf-8",
    )
    return path


def test_a_missing_spanish_field_is_named(tmp_path: Path) -> None:
    path = region_file(tmp_path, "  es:\n    name: Cadera\n")

    with pytest.raises(CatalogError) as refused:
        read_entries(path, RegionEntry)

    assert "regions.yaml: entry #1 ('hip')" in str(refused.value)
    assert "es.description: missing or empty" in str(refused.value)


def test_an_entry_without_its_spanish_is_refused(tmp_path: Path) -> None:
    path = region_file(tmp_path, "")

    with pytest.raises(CatalogError) as refused:
        read_entries(path, RegionEntry)

    assert "entry #1 ('hip')" in str(refused.value)
    assert "es.name: missing or empty; es.description: missing or empty" in str(refused.value)


def test_an_empty_spanish_field_is_named(tmp_path: Path) -> None:
    path = region_file(tmp_path, "  es:\n    name: ''\n    description: La articulación.\n")

    with pytest.raises(CatalogError, match=r"es\.name: missing or empty"):
        read_entries(path, RegionEntry)


def test_a_red_flag_without_its_spanish_advice_is_named(tmp_path: Path) -> None:
    path = tmp_path / "red_flags.yaml"
    path.write_text(
        "- slug: x\n  sign: Severe pain\n  question: Is the pain severe?\n"
        "  urgency: see_doctor_soon\n  advice: See a doctor.\n  source: s\n"
        "  es:\n    sign: Dolor intenso\n    question: ¿Es intenso?\n    advice: ''\n",
        encoding="utf-8",
    )

    with pytest.raises(CatalogError, match=r"entry #1 \('x'\).*es\.advice: missing or empty"):
        read_entries(path, RedFlagEntry)


def test_a_number_changed_in_translation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "regions.yaml"
    path.write_text(
        "- slug: hip\n  name: Hip\n  order: 2\n  description: Hold for 30 seconds.\n"
        "  es:\n    name: Cadera\n    description: Mantén 20 segundos.\n",
        encoding="utf-8",
    )

    with pytest.raises(CatalogError, match=r"es\.description: its numbers \['20'\]"):
        read_entries(path, RegionEntry)


# --- Readers get the active language ----------------------------------------------------------


@pytest.mark.django_db
def test_the_rows_keep_english_and_spanish_side_by_side(catalog: object) -> None:
    hip = BodyRegion.objects.get(slug="hip")

    assert hip.name == "Hip"
    with translation.override("es"):
        assert BodyRegion.objects.get(slug="hip").name == "Cadera"
    # The field's own column stays English whatever the language: hand-written reads see it.
    assert BodyRegion.objects.filter(slug="hip").raw_values("name")[0]["name"] == "Hip"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_catalog_api_answers_in_the_active_language(catalog: object, people: object) -> None:
    client = people.client("rosa")  # type: ignore[attr-defined]

    english = client.get("/api/v1/exercises/clamshells").json()
    # A request's language is its own (the browser's, or the person's choice), whatever the
    # language active around the call.
    es = {"HTTP_ACCEPT_LANGUAGE": "es"}
    spanish = client.get("/api/v1/exercises/clamshells", **es).json()
    flag = client.get("/api/v1/red-flags/dvt-calf-pain-swelling-warmth", **es).json()
    regions = client.get("/api/v1/regions", **es).json()
    after = client.get("/api/v1/exercises/clamshells").json()

    assert english["name"] == after["name"] == "Clamshells"
    assert spanish["name"] == "Almejas"
    assert spanish["steps"][0].startswith("Túmbate sobre el lado derecho")
    assert "Busca atención de urgencia ahora" in flag["advice"]
    assert "Cadera" in str(regions)
    # The numbers are the English's: a ladder is the same in every language.
    assert spanish["ladder"] == english["ladder"] | {"display": spanish["ladder"]["display"]}


@pytest.mark.django_db
def test_the_day_page_shows_the_exercise_in_the_active_language(catalog: object) -> None:
    nina: User = factories.person("nina")
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    plan = factories.plan_for(nina, today - timedelta(days=2))
    client = Client()
    client.force_login(nina)
    url = f"/plans/{plan.pk}/day/{today.isoformat()}/"
    clamshells = Exercise.objects.get(slug="clamshells")
    first_step = clamshells.steps.first().text  # type: ignore[union-attr]

    english = client.get(url).content.decode()
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Clamshells" in english and "Almejas" not in english
    assert first_step in english
    assert "Almejas" in spanish
    assert "Túmbate sobre el lado derecho" in spanish
    assert "Lie on your right side" not in spanish


@pytest.mark.django_db
def test_a_red_flag_reads_spanish_with_its_urgency_unchanged(catalog: object) -> None:
    flag = RedFlag.objects.get(slug="leg-swelling-with-breathlessness-or-chest-pain")

    with translation.override("es"):
        spanish = RedFlag.objects.get(pk=flag.pk)
        assert "Llama ahora a los servicios de emergencia" in spanish.advice
    assert spanish.urgency == flag.urgency == RedFlag.Urgency.EMERGENCY
