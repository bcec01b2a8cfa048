"""The exercise's drawing as a browser fetches it: public, cached for an hour, revalidated by its
ETag at no cost, and an image that runs nothing."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from exercises.models import Exercise, InstructionStep
from exercises.pictures.poses import Pose
from tests import factories

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
VIEWS = ["exercise-picture", "exercise-picture-still"]


@pytest.fixture
def shells() -> Exercise:
    exercise = factories.clamshells()
    for order, text in enumerate(
        ["Lie on your side.", "Rest your head on your arm.", "Lift the top knee."], start=1
    ):
        InstructionStep.objects.create(exercise=exercise, order=order, text=text)
    return exercise


def url(view: str, exercise: Exercise) -> str:
    return reverse(view, args=[exercise.slug])


@pytest.mark.parametrize("view", VIEWS)
def test_anyone_gets_the_drawing_with_its_words(
    client: Client, shells: Exercise, view: str
) -> None:
    response = client.get(url(view, shells))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.findtext(f"{SVG}title") == "Clamshells"
    assert root.findtext(f"{SVG}desc") == "Start: Lie on your side. End: Lift the top knee."


@pytest.mark.parametrize("view", VIEWS)
def test_the_drawing_is_cached_publicly_for_an_hour_with_an_etag(
    client: Client, shells: Exercise, view: str
) -> None:
    response = client.get(url(view, shells))

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=3600"}
    assert response["ETag"].startswith('"')


def test_the_moving_and_the_still_drawing_differ() -> None:
    exercise = factories.clamshells()
    client = Client()

    moving = client.get(url("exercise-picture", exercise))
    still = client.get(url("exercise-picture-still", exercise))

    assert moving["ETag"] != still["ETag"]
    assert b"<animate" in moving.content and b"<animate" not in still.content


@pytest.mark.parametrize("view", VIEWS)
def test_a_browser_holding_the_drawing_gets_304_and_no_body(
    client: Client, shells: Exercise, view: str
) -> None:
    etag = client.get(url(view, shells))["ETag"]

    response = client.get(url(view, shells), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_an_edited_pose_is_fetched_again(client: Client, shells: Exercise) -> None:
    etag = client.get(url("exercise-picture", shells))["ETag"]
    shells.picture = {**shells.picture, "end": {"left_leg": {"hip": 50.0}}}
    shells.save()

    response = client.get(url("exercise-picture", shells), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_compressed_drawing_is_still_revalidated(client: Client, shells: Exercise) -> None:
    first = client.get(url("exercise-picture", shells), HTTP_ACCEPT_ENCODING="gzip")

    again = client.get(
        url("exercise-picture", shells),
        HTTP_ACCEPT_ENCODING="gzip",
        HTTP_IF_NONE_MATCH=first["ETag"],
    )

    assert first["Content-Encoding"] == "gzip"
    assert ET.fromstring(gzip.decompress(first.content)).findtext(f"{SVG}title") == "Clamshells"
    assert again.status_code == 304


@pytest.mark.parametrize("view", VIEWS)
def test_an_unknown_exercise_has_no_picture(client: Client, view: str) -> None:
    response = client.get(reverse(view, args=["no-such-exercise"]))

    assert response.status_code == 404


@pytest.mark.parametrize("view", VIEWS)
def test_an_exercise_without_poses_has_no_picture(client: Client, view: str) -> None:
    exercise = factories.clamshells(picture=False)

    assert client.get(url(view, exercise)).status_code == 404


def test_serving_a_drawing_costs_two_queries(
    client: Client, shells: Exercise, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # 1: the exercise's name and poses; 2: its steps, for the words.
    with django_assert_num_queries(2):
        response = client.get(url("exercise-picture", shells))

    assert response.status_code == 200


def test_only_reading_is_allowed(client: Client, shells: Exercise) -> None:
    assert client.post(url("exercise-picture", shells)).status_code == 405
    assert client.head(url("exercise-picture", shells)).status_code == 200


@pytest.mark.parametrize("view", VIEWS)
def test_the_drawing_runs_nothing_and_carries_the_content_security_policy(
    client: Client, shells: Exercise, view: str
) -> None:
    response = client.get(url(view, shells))

    assert "script-src 'self'" in response["Content-Security-Policy"]
    root = ET.fromstring(response.content)
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert "script" not in tags and "style" not in tags and "foreignObject" not in tags
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
        assert not any(name.startswith("on") for name in element.attrib), element.tag


def test_poses_that_cannot_be_drawn_are_no_picture_not_an_error(
    client: Client, shells: Exercise
) -> None:
    # Written around the admin's check (a script, an old schema): the view says "no picture".
    Exercise.objects.filter(pk=shells.pk).update(picture={"shows": [1, 2], "start": {}})

    assert client.get(url("exercise-picture", shells)).status_code == 404


def test_not_a_number_is_no_angle() -> None:
    with pytest.raises(ValueError, match="finite number"):
        Pose.model_validate({"trunk": float("nan")})
