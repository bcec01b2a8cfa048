"""The Django admin: open to staff for every catalog model, closed to everyone else, and enough
to add an exercise and attach it to a condition without touching code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser, User
from django.test import Client
from django.urls import reverse
from django.utils import translation

import exercises
from conditions.models import BodyRegion, Condition, RedFlag, Source
from exercises.models import Exercise, ExerciseMedia, InstructionStep
from tests import factories
from tests.media_files import ELF, jpeg, stored_files, upload

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
    # Each translated field in English and Spanish (modeltranslation's `_en` and `_es`).
    form = {
        "name_en": "Standing hip abduction",
        "name_es": "Abducción de cadera de pie",
        "slug": "standing-hip-abduction",
        "kind": "strengthen",
        "regions": [knee.pk],
        "summary_en": "",
        "summary_es": "",
        "equipment_en": "[]",
        "equipment_es": "[]",
        "unit": "reps",
        "sets": "1",
        "per_side": "on",
        "start": "10",
        "target": "20",
        "step": "2",
        "hold_seconds": "0",
        "dose_note": "",
        "cautions_en": "[]",
        "cautions_es": "[]",
        "source": source.pk,
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-0-order": "1",
        "steps-0-text_en": "Stand tall and lift one leg out to the side.",
        "steps-0-text_es": "Ponte de pie, erguido, y separa una pierna hacia el lado.",
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
    with translation.override("es"):
        assert Exercise.objects.get(pk=exercise.pk).name == "Abducción de cadera de pie"
        assert exercise.steps.get().text.startswith("Ponte de pie")


def test_saving_in_the_admin_protects_the_edit_from_the_next_load(
    client: Client, admin_user: AbstractUser, catalog: object
) -> None:
    from planner.programs.catalog import load_catalog

    client.force_login(admin_user)
    region = BodyRegion.objects.get(slug="hip")

    response = client.post(
        admin_url(BodyRegion, "change", region.pk),
        {
            "slug": "hip",
            "name_en": "Hip and groin",
            "name_es": "Cadera e ingle",
            "order": region.order,
            "description_en": "",
            "description_es": "",
        },
    )
    load_catalog()

    assert response.status_code == 302
    assert BodyRegion.objects.get(slug="hip").name == "Hip and groin"
    # The Spanish an admin wrote is kept with the English, like any admin edit.
    with translation.override("es"):
        assert BodyRegion.objects.get(slug="hip").name == "Cadera e ingle"


# --- Equipment and cautions as rows, the picture's poses, photos and videos ------------------


@pytest.fixture
def stretch() -> Exercise:
    """An exercise built in code, with two steps and no variations (fewer inline forms)."""
    exercise = factories.piriformis_stretch()
    exercise.regions.add(factories.region())
    exercise.equipment = ["A mat"]
    exercise.cautions = ["Stop if your knee hurts."]
    exercise.save()
    InstructionStep.objects.create(exercise=exercise, order=1, text="Sit with legs out.")
    InstructionStep.objects.create(exercise=exercise, order=2, text="Cross your left leg over.")
    return exercise


def change_form(exercise: Exercise, **changes: object) -> dict[str, object]:
    """The exercise's change form as the admin's page sends it back unchanged, with `changes`."""
    steps = list(exercise.steps.all())
    form: dict[str, object] = {
        # Each translated field in English and Spanish (modeltranslation's `_en` and `_es`).
        "name_en": exercise.name,
        "name_es": "",
        "slug": exercise.slug,
        "kind": exercise.kind,
        "regions": [region.pk for region in exercise.regions.all()],
        "summary_en": exercise.summary,
        "summary_es": "",
        "equipment_en": exercise.equipment,
        "equipment_es": [],
        "unit": exercise.unit,
        "sets": exercise.sets,
        "per_side": "on" if exercise.per_side else "",
        "start": exercise.start,
        "target": exercise.target,
        "step": exercise.step,
        "hold_seconds": exercise.hold_seconds,
        "dose_note": exercise.dose_note,
        "cautions_en": exercise.cautions,
        "cautions_es": [],
        "picture": json.dumps(exercise.picture),
        "source": exercise.source_id,
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": len(steps),
        "variations-TOTAL_FORMS": 0,
        "variations-INITIAL_FORMS": 0,
        "recommendation_set-TOTAL_FORMS": 0,
        "recommendation_set-INITIAL_FORMS": 0,
    }
    for n, step in enumerate(steps):
        form |= {
            f"steps-{n}-id": step.pk,
            f"steps-{n}-exercise": exercise.pk,
            f"steps-{n}-order": step.order,
            f"steps-{n}-text_en": step.text,
            f"steps-{n}-text_es": "",
        }
    return form | changes


ROW = re.compile(r'<input type="text" name="(equipment_en|cautions_en)" value="([^"]*)"')


def test_equipment_and_cautions_are_one_text_box_per_row(
    client: Client, admin_user: User, stretch: Exercise
) -> None:
    client.force_login(admin_user)

    page = client.get(admin_url(Exercise, "change", stretch.pk)).content.decode()

    rows = ROW.findall(page)
    # Each item in its own box, and empty boxes to add more.
    assert rows == [
        ("equipment_en", "A mat"),
        ("equipment_en", ""),
        ("equipment_en", ""),
        ("cautions_en", "Stop if your knee hurts."),
        ("cautions_en", ""),
        ("cautions_en", ""),
    ]
    assert "[&quot;A mat&quot;]" not in page


def test_rows_saved_become_the_lists_without_the_empty_ones(
    client: Client, admin_user: User, stretch: Exercise
) -> None:
    client.force_login(admin_user)

    response = client.post(
        admin_url(Exercise, "change", stretch.pk),
        change_form(
            stretch,
            equipment_en=["A mat", "", "  A towel  "],
            cautions_en=["", "Stop if your knee hurts.", "Go gently at first.", ""],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    stretch.refresh_from_db()
    assert stretch.equipment == ["A mat", "A towel"]
    assert stretch.cautions == ["Stop if your knee hurts.", "Go gently at first."]


def test_every_row_emptied_is_an_empty_list(
    client: Client, admin_user: User, stretch: Exercise
) -> None:
    client.force_login(admin_user)

    response = client.post(
        admin_url(Exercise, "change", stretch.pk),
        change_form(stretch, equipment_en=["", ""], cautions_en=[""]),
    )

    assert response.status_code == 302
    stretch.refresh_from_db()
    assert (stretch.equipment, stretch.cautions) == ([], [])


def test_poses_that_are_not_a_picture_are_refused_naming_where(
    client: Client, admin_user: User, stretch: Exercise
) -> None:
    client.force_login(admin_user)
    before = stretch.picture
    bad = {"shows": [1, 2], "start": {"trunk": "x"}, "end": {}}

    response = client.post(
        admin_url(Exercise, "change", stretch.pk),
        change_form(stretch, picture=json.dumps(bad), cautions_en=["Changed."]),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "picture.start.trunk: Input should be a valid number" in page
    stretch.refresh_from_db()
    assert stretch.picture == before
    assert stretch.cautions == ["Stop if your knee hurts."]
    # The rows typed are sent back as typed, to correct the poses and save again.
    assert '<input type="text" name="cautions_en" value="Changed."' in page


def test_valid_poses_are_saved_without_their_defaults(
    client: Client, admin_user: User, stretch: Exercise
) -> None:
    client.force_login(admin_user)
    poses = {"facing": "right", "shows": [1, 2], "start": {}, "end": {"left_leg": {"hip": 90}}}

    response = client.post(
        admin_url(Exercise, "change", stretch.pk), change_form(stretch, picture=json.dumps(poses))
    )

    assert response.status_code == 302
    stretch.refresh_from_db()
    assert stretch.picture == {"shows": [1, 2], "start": {}, "end": {"left_leg": {"hip": 90.0}}}


def test_each_step_is_numbered_once(client: Client, admin_user: User, stretch: Exercise) -> None:
    client.force_login(admin_user)

    page = client.get(admin_url(Exercise, "change", stretch.pk)).content.decode()

    assert "1. 1." not in page and "1. Sit with legs out." not in page
    # The row's title repeats the step; the admin's stylesheet hides it in the steps' table.
    titles = re.findall(r'<td class="original">\s*<p>\s*(.*?)\s*</p>', page)
    assert titles == ["Sit with legs out.", "Cross your left leg over."]
    assert '<fieldset class="module instruction-steps" aria-labelledby="steps-heading">' in page
    assert "exercises/admin.css" in page
    css = (Path(exercises.__file__).parent / "static/exercises/admin.css").read_text()
    assert ".instruction-steps td.original p { display: none; }" in css


def test_the_picture_preview_shows_the_still_and_the_moving_drawing(
    client: Client, admin_user: User, stretch: Exercise
) -> None:
    client.force_login(admin_user)

    page = client.get(admin_url(Exercise, "change", stretch.pk)).content.decode()

    # The addresses carry a tag of what the drawing looks like (a new one after an edit).
    previews = re.findall(
        r'<img src="([^"?]+)\?v=\w+" alt="([^"]*)" class="picture-preview">', page
    )
    assert previews == [
        (
            "/exercises/piriformis-stretch/picture-still.svg",
            "Drawing of Piriformis stretch. Start: Sit with legs out. "
            "End: Cross your left leg over.",
        ),
        ("/exercises/piriformis-stretch/picture.svg", ""),
    ]


def test_an_exercise_without_poses_says_so_in_the_preview(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    exercise = factories.clamshells(picture=False)

    page = client.get(admin_url(Exercise, "change", exercise.pk)).content.decode()

    assert "No picture yet: write the poses below and save." in page
    assert 'class="picture-preview"' not in page


def test_an_admin_uploads_a_photo_for_everyone(
    client: Client, admin_user: User, stretch: Exercise, media_root: Path
) -> None:
    client.force_login(admin_user)

    response = client.post(
        admin_url(ExerciseMedia, "add"),
        {"exercise": stretch.pk, "upload": upload("photo.jpg", jpeg()), "caption": "Seated"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    media = ExerciseMedia.objects.get()
    assert (media.owner, media.exercise, media.kind, media.caption) == (
        None,
        stretch,
        "photo",
        "Seated",
    )
    assert len(stored_files(media_root)) == 2
    change = client.get(admin_url(ExerciseMedia, "change", media.pk)).content.decode()
    assert f'<img src="/media/{media.pk}/thumbnail/"' in change


def test_an_executable_named_as_a_photo_is_refused_in_the_admin(
    client: Client, admin_user: User, stretch: Exercise, media_root: Path
) -> None:
    client.force_login(admin_user)

    response = client.post(
        admin_url(ExerciseMedia, "add"),
        {"exercise": stretch.pk, "upload": upload("photo.jpg", ELF), "caption": ""},
    )

    assert response.status_code == 200
    assert "This file is not a photo (JPEG, PNG or WebP)" in response.content.decode()
    assert not ExerciseMedia.objects.exists()
    assert stored_files(media_root) == []
