"""An exercise keeps its variations' names per language (Exercise.version_names), so that a
dose worded with its exercise names its harder or easier version in the reader's language
(issue 20): written on every change to a variation, by the loader, the admin and the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from exercises.models import Exercise, Variation
from exercises.version_names import names_by_language
from tests import factories
from tests.exercises.test_admin import admin_url, change_form

pytestmark = pytest.mark.django_db


def names(exercise: Exercise) -> dict[str, dict[str, str]]:
    exercise.refresh_from_db(fields=["version_names"])
    return exercise.version_names  # type: ignore[no-any-return]


def test_each_language_has_the_names_written_in_it_by_their_english_name() -> None:
    rows = [
        {"name_en": "With a band", "name_es": "Con banda elástica"},
        {"name_en": "On one leg", "name_es": ""},  # not yet translated: reads in English
    ]

    assert names_by_language(rows, ["es"]) == {"es": {"With a band": "Con banda elástica"}}
    assert names_by_language([], ["es"]) == {"es": {}}


def test_a_variation_saved_renamed_and_removed_is_kept_on_its_exercise() -> None:
    exercise = factories.clamshells()
    band = exercise.variations.get()
    assert names(exercise) == {"es": {}}  # the factory's band has no Spanish name

    band.name_es = "Con banda elástica"
    band.save()
    assert names(exercise) == {"es": {"With an exercise band": "Con banda elástica"}}

    Variation.objects.create(
        exercise=exercise, order=2, name="On a step", name_es="Sobre un escalón", description="-"
    )
    band.name_es = "Con una banda"
    band.save()
    assert names(exercise) == {
        "es": {"With an exercise band": "Con una banda", "On a step": "Sobre un escalón"}
    }

    band.delete()
    assert names(exercise) == {"es": {"On a step": "Sobre un escalón"}}


def test_the_loaded_catalog_names_every_translated_variation_in_spanish(catalog: object) -> None:
    variations = Variation.objects.exclude(name_es="").select_related("exercise")

    assert variations.count() > 10
    for variation in variations:
        assert names(variation.exercise)["es"][variation.key] == variation.name_es
    clamshells = Exercise.objects.get(slug="clamshells")
    assert names(clamshells)["es"]["With an exercise band"] == "Con banda elástica"


def band_form(exercise: Exercise, **changes: object) -> dict[str, object]:
    """The clamshells' change form with its one variation, the band, and `changes` to it."""
    band = exercise.variations.get()
    row = {
        "id": band.pk,
        "exercise": exercise.pk,
        "order": 1,
        "kind": band.kind,
        "name_en": band.name,
        "name_es": "",
        "description_en": band.description,
        "description_es": "",
    } | changes
    return change_form(exercise) | {
        "variations-TOTAL_FORMS": 1,
        "variations-INITIAL_FORMS": 1,
        **{f"variations-0-{name}": value for name, value in row.items()},
    }


@pytest.fixture
def clamshells() -> Exercise:
    exercise = factories.clamshells()
    exercise.regions.add(factories.region())
    return exercise


def test_an_admin_naming_a_variation_in_spanish_renames_it_in_plans(
    client: Client, admin_user: AbstractUser, clamshells: Exercise
) -> None:
    exercise, band = clamshells, clamshells.variations.get()
    client.force_login(admin_user)

    response = client.post(
        admin_url(Exercise, "change", exercise.pk),
        band_form(exercise, name_es="Con banda elástica"),
    )

    assert response.status_code == 302
    band.refresh_from_db()
    assert band.name_es == "Con banda elástica"
    assert names(exercise) == {"es": {"With an exercise band": "Con banda elástica"}}


def test_the_admin_refuses_renaming_a_variation_a_program_takes(
    client: Client, admin_user: AbstractUser, clamshells: Exercise
) -> None:
    factories.program()  # steps its clamshells up to "With an exercise band"
    client.force_login(admin_user)

    response = client.post(
        admin_url(Exercise, "change", clamshells.pk), band_form(clamshells, name_en="Banded")
    )

    assert response.status_code == 200
    assert (
        "Programs take &#x27;With an exercise band&#x27; as the harder version: keep it, by "
        "that name and kind." in response.content.decode()
    )
    assert clamshells.variations.get().name == "With an exercise band"
