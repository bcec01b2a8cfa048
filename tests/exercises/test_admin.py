"""The Django admin: open to staff for every catalog model, closed to everyone else, and enough
to add an exercise and attach it to a condition without touching code."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from conditions.models import BodyRegion, Condition, RedFlag, Source
from exercises.models import Exercise

CATALOG_MODELS = [Source, BodyRegion, Condition, RedFlag, Exercise]


def admin_url(model: type, view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda m: m.__name__)
def test_staff_see_every_catalog_list_and_change_page(
    client: Client, admin_user: AbstractUser, catalog: object, model: type
) -> None:
    client.force_login(admin_user)
    first = model.objects.first()

    listing = client.get(admin_url(model, "changelist"))
    change = client.get(admin_url(model, "change", first.pk))

    assert listing.status_code == 200
    assert str(first) in listing.content.decode()
    assert change.status_code == 200


def test_the_exercise_list_shows_its_ladder_and_citation(
    client: Client, admin_user: AbstractUser, catalog: object
) -> None:
    client.force_login(admin_user)

    page = client.get(admin_url(Exercise, "changelist"), {"q": "clamshell"}).content.decode()

    assert "10 reps to 30 reps per side" in page
    assert "Ease the Stride" in page


def test_filters_by_region_and_kind_narrow_the_exercise_list(
    client: Client, admin_user: AbstractUser, catalog: object
) -> None:
    client.force_login(admin_user)
    hip = BodyRegion.objects.get(slug="hip")

    stretches = client.get(admin_url(Exercise, "changelist"), {"kind__exact": "stretch"})
    hip_exercises = client.get(admin_url(Exercise, "changelist"), {"regions__id__exact": hip.pk})

    assert "Piriformis stretch" in stretches.content.decode()
    assert "Clamshells" not in stretches.content.decode()
    assert "Clamshells" in hip_exercises.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(admin_url(Exercise, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_runner_who_is_not_staff_is_refused(client: Client, runner: AbstractUser) -> None:
    client.force_login(runner)

    response = client.get(admin_url(Exercise, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_admin_adds_an_exercise_and_attaches_it_to_a_condition(
    client: Client, admin_user: AbstractUser, catalog: object
) -> None:
    client.force_login(admin_user)
    condition = Condition.objects.get(slug="trochanteric-bursitis")
    knee = BodyRegion.objects.get(slug="hip")
    source = Source.objects.filter(kind="article").first()
    form = {
        "name": "Standing hip abduction",
        "slug": "standing-hip-abduction",
        "kind": "strengthen",
        "regions": [knee.pk],
        "summary": "",
        "equipment": "[]",
        "unit": "reps",
        "sets": "1",
        "per_side": "on",
        "start": "10",
        "target": "20",
        "step": "2",
        "hold_seconds": "0",
        "dose_note": "",
        "cautions": "[]",
        "source": source.pk,
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-0-order": "1",
        "steps-0-text": "Stand tall and lift one leg out to the side.",
        "variations-TOTAL_FORMS": "0",
        "variations-INITIAL_FORMS": "0",
        "recommendation_set-TOTAL_FORMS": "1",
        "recommendation_set-INITIAL_FORMS": "0",
        "recommendation_set-0-condition": condition.pk,
        "recommendation_set-0-note": "Added by the clinic.",
        "recommendation_set-0-source": source.pk,
    }

    response = client.post(admin_url(Exercise, "add"), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    exercise = Exercise.objects.get(slug="standing-hip-abduction")
    assert list(exercise.conditions.all()) == [condition]
    assert exercise.steps.get().text == "Stand tall and lift one leg out to the side."
    assert exercise.admin_edited is True


def test_saving_in_the_admin_protects_the_edit_from_the_next_load(
    client: Client, admin_user: AbstractUser, catalog: object
) -> None:
    from planner.programs.catalog import load_catalog

    client.force_login(admin_user)
    region = BodyRegion.objects.get(slug="hip")

    response = client.post(
        admin_url(BodyRegion, "change", region.pk),
        {"slug": "hip", "name": "Hip and groin", "order": region.order, "description": ""},
    )
    load_catalog()

    assert response.status_code == 302
    assert BodyRegion.objects.get(slug="hip").name == "Hip and groin"
