"""A therapist's own photos of exercises, for their patients: uploaded on their page, seen on
the cards of the runners linked to them and by no one else; the catalog's, seen by everyone
signed in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.media import store_media
from exercises.models import ExerciseMedia
from planner.models import CareLink
from tests.media_files import ELF, MP4_HEAD, jpeg, stored_files, upload
from tests.personas import PLAN_START, People

pytestmark = pytest.mark.django_db

MY_MEDIA = "/therapist/media/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def file_url(media: ExerciseMedia, variant: str = "file") -> str:
    return f"/media/{media.pk}/{variant}/"


def day_url(people: People) -> str:
    return f"/plans/{people.rosa_plan.pk}/day/{PLAN_START.isoformat()}/"


def theo_uploads(people: People, data: bytes | None = None, name: str = "shells.jpg") -> Client:
    client = signed_in(people.theo)
    response = client.post(
        MY_MEDIA,
        {
            "exercise": "clamshells",
            "file": upload(name, data if data is not None else jpeg()),
            "caption": "Knees together",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == MY_MEDIA
    return client


def test_a_therapists_upload_is_listed_on_their_page(people: People, media_root: Path) -> None:
    client = theo_uploads(people)

    page = client.get(MY_MEDIA).content.decode()

    media = ExerciseMedia.objects.get()
    assert (media.owner, media.exercise.slug, media.kind) == (people.theo, "clamshells", "photo")
    assert "Added a photo of Clamshells" in page
    assert file_url(media, "thumbnail") in page
    assert "<strong>Clamshells</strong>: Knees together" in page
    assert len(stored_files(media_root)) == 2


def test_a_linked_runner_sees_it_on_the_card_and_can_open_it(
    people: People, media_root: Path
) -> None:
    theo_uploads(people)
    media = ExerciseMedia.objects.get()
    rosa = signed_in(people.rosa)

    page = rosa.get(day_url(people)).content.decode()
    response = rosa.get(file_url(media))

    assert f'<img src="{file_url(media)}" alt="Photo of Clamshells: Knees together"' in page
    assert "From your therapist: Knees together" in page
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert response.getvalue() == (media_root / media.file.name).read_bytes()


def test_the_runner_revalidates_the_file_by_its_etag(people: People, media_root: Path) -> None:
    theo_uploads(people)
    media = ExerciseMedia.objects.get()
    rosa = signed_in(people.rosa)
    etag = rosa.get(file_url(media))["ETag"]

    again = rosa.get(file_url(media), HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304


@pytest.mark.parametrize("who", ["theo", "alice"])
def test_the_therapist_and_admins_open_it(people: People, media_root: Path, who: str) -> None:
    theo_uploads(people)
    media = ExerciseMedia.objects.get()

    response = signed_in(getattr(people, who)).get(file_url(media, "thumbnail"))

    assert response.status_code == 200
    assert response.getvalue() == (media_root / media.thumbnail.name).read_bytes()


@pytest.mark.parametrize("who", ["oscar", "uma"])
def test_someone_not_linked_to_the_therapist_cannot_open_it(
    people: People, media_root: Path, who: str
) -> None:
    theo_uploads(people)
    media = ExerciseMedia.objects.get()
    client = signed_in(getattr(people, who))

    assert client.get(file_url(media)).status_code == 404
    assert client.get(file_url(media, "thumbnail")).status_code == 404


def test_a_runner_whose_link_ended_no_longer_sees_it(people: People, media_root: Path) -> None:
    theo_uploads(people)
    media = ExerciseMedia.objects.get()
    CareLink.objects.filter(therapist=people.theo, runner=people.rosa).update(
        status=CareLink.Status.ENDED
    )
    rosa = signed_in(people.rosa)

    assert rosa.get(file_url(media)).status_code == 404
    assert file_url(media) not in rosa.get(day_url(people)).content.decode()


def test_an_unlinked_runner_does_not_see_it_on_their_card(people: People, media_root: Path) -> None:
    theo_uploads(people)
    media = ExerciseMedia.objects.get()
    oscar_day = f"/plans/{people.oscar_plan.pk}/day/{PLAN_START.isoformat()}/"

    page = signed_in(people.oscar).get(oscar_day).content.decode()

    assert "Clamshells" in page
    assert file_url(media) not in page


def day_page_queries(people: People) -> int:
    client = signed_in(people.rosa)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(day_url(people)).status_code == 200
    return len(queries)


def test_photos_on_the_cards_cost_no_query_per_photo(people: People, media_root: Path) -> None:
    without = day_page_queries(people)
    theo_uploads(people)
    theo_uploads(people)
    catalog_photo(people)

    page = signed_in(people.rosa).get(day_url(people)).content.decode()

    assert page.count('<figure class="card-media">') == 3
    # One query reads every card's photos, whatever their number.
    assert day_page_queries(people) == without


def test_an_unknown_variant_is_not_found(people: People, media_root: Path) -> None:
    theo_uploads(people)
    media = ExerciseMedia.objects.get()

    assert signed_in(people.theo).get(file_url(media, "original")).status_code == 404


def test_another_therapist_cannot_remove_it(people: People, media_root: Path) -> None:
    theo_uploads(people)
    media = ExerciseMedia.objects.get()

    response = signed_in(people.uma).post(reverse("my-media-remove", args=[media.pk]))

    assert response.status_code == 404
    assert ExerciseMedia.objects.filter(pk=media.pk).exists()
    assert len(stored_files(media_root)) == 2


def test_the_therapist_removes_their_own(
    people: People, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = theo_uploads(people)
    media = ExerciseMedia.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("my-media-remove", args=[media.pk]))

    assert response.status_code == 302
    assert not ExerciseMedia.objects.exists()
    assert stored_files(media_root) == []


def refused_upload(people: People, data: bytes, name: str) -> str:
    response = signed_in(people.theo).post(
        MY_MEDIA, {"exercise": "clamshells", "file": upload(name, data), "caption": ""}
    )
    assert response.status_code == 400
    return response.content.decode()


def test_an_executable_named_as_a_photo_is_refused_and_nothing_stored(
    people: People, media_root: Path
) -> None:
    page = refused_upload(people, ELF, "photo.jpg")

    assert (
        '<ul class="errorlist" id="id_file_error"><li>This file is not a photo (JPEG, PNG or WebP)'
        in page
    )
    assert 'aria-describedby="id_file_helptext id_file_error"' in page
    assert not ExerciseMedia.objects.exists()
    assert stored_files(media_root) == []


def test_an_oversized_photo_is_refused_and_nothing_stored(
    people: People, media_root: Path, settings: Any
) -> None:
    settings.MEDIA_IMAGE_MAX_BYTES = 1024 * 1024
    # Noise does not compress: a photo of 2 MB.
    big = jpeg(1, 1) + bytes(range(256)) * 8 * 1024

    page = refused_upload(people, big, "big.jpg")

    assert '<ul class="errorlist" id="id_file_error"><li>The file is 2 MB: a photo may be at' in (
        page
    )
    assert not ExerciseMedia.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("who", ["rosa", "oscar", "alice"])
def test_only_therapists_have_the_page(people: People, who: str) -> None:
    user = getattr(people, who)

    assert signed_in(user).get(MY_MEDIA).status_code == 404
    assert signed_in(user).post(MY_MEDIA).status_code == 404


def catalog_photo(people: People) -> ExerciseMedia:
    item = people.rosa_plan.exercises.select_related("exercise").get(exercise__slug="clamshells")
    return store_media(exercise=item.exercise, owner=None, upload=upload("shells.jpg", jpeg()))


@pytest.mark.parametrize("who", ["rosa", "oscar", "uma", "alice"])
def test_the_catalogs_photo_is_open_to_everyone_signed_in(
    people: People, media_root: Path, who: str
) -> None:
    media = catalog_photo(people)

    response = signed_in(getattr(people, who)).get(file_url(media, "thumbnail"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_the_catalogs_photo_is_on_every_runners_card(people: People, media_root: Path) -> None:
    media = catalog_photo(people)
    oscar_day = f"/plans/{people.oscar_plan.pk}/day/{PLAN_START.isoformat()}/"

    page = signed_in(people.oscar).get(oscar_day).content.decode()

    assert file_url(media) in page
    assert "From the catalog" in page


def test_anonymous_visitors_are_sent_to_sign_in_for_any_file(
    people: People, media_root: Path
) -> None:
    media = catalog_photo(people)

    response = Client().get(file_url(media))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def theos_video(people: People, size: int = 200_000) -> ExerciseMedia:
    body = MP4_HEAD + bytes(range(256)) * (size // 256)
    return store_media(
        exercise=people.rosa_plan.exercises.get(exercise__slug="clamshells").exercise,
        owner=people.theo,
        upload=upload("shells.mp4", body),
    )


def test_a_video_is_served_by_byte_ranges_as_phones_ask_for_them(
    people: People, media_root: Path
) -> None:
    video = theos_video(people)
    client = signed_in(people.rosa)
    whole = b"".join(client.get(file_url(video)).streaming_content)  # type: ignore[attr-defined]

    response = client.get(file_url(video), headers={"range": "bytes=100-299"})
    tail = client.get(file_url(video), headers={"range": "bytes=-50"})

    assert response.status_code == 206
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Range"] == f"bytes 100-299/{len(whole)}"
    assert b"".join(response.streaming_content) == whole[100:300]  # type: ignore[attr-defined]
    assert b"".join(tail.streaming_content) == whole[-50:]  # type: ignore[attr-defined]


def test_a_range_past_the_end_is_416_with_the_size(people: People, media_root: Path) -> None:
    video = theos_video(people, size=1024)

    response = signed_in(people.rosa).get(file_url(video), headers={"range": "bytes=999999-"})

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{video.size}"


def test_a_file_missing_from_the_storage_is_not_found_not_an_error(
    people: People, media_root: Path
) -> None:
    video = theos_video(people, size=1024)
    video.file.storage.delete(video.file.name)

    response = signed_in(people.rosa).get(file_url(video))

    assert response.status_code == 404


def test_a_colleague_sharing_the_patient_does_not_see_theos_photo_on_her_cards(
    people: People, media_root: Path
) -> None:
    theo_uploads(people)
    CareLink.objects.create(therapist=people.uma, runner=people.rosa, status=CareLink.Status.ACTIVE)

    page = signed_in(people.uma).get(day_url(people)).content.decode()

    assert "Knees together" not in page
    assert 'href="/media/' not in page and 'src="/media/' not in page
    # Rosa herself still sees it.
    assert "Knees together" in signed_in(people.rosa).get(day_url(people)).content.decode()


def test_the_file_is_asked_for_again_each_time_so_an_ended_link_ends_it_at_once(
    people: People, media_root: Path
) -> None:
    video = theos_video(people, size=1024)

    response = signed_in(people.rosa).get(file_url(video))

    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
