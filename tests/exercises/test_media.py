"""Storing an exercise's photos and videos: the checked file and its thumbnail in the storage,
never a file without its row, and no file left behind once its row is gone."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image

from exercises.media import store_media
from exercises.models import Exercise, ExerciseMedia
from tests import factories
from tests.media_files import ELF, MP4_HEAD, jpeg, stored_files, upload
from tests.personas import therapist

pytestmark = pytest.mark.django_db


@pytest.fixture
def shells() -> Exercise:
    return factories.clamshells()


def test_a_photo_is_stored_with_its_thumbnail(media_root: Path, shells: Exercise) -> None:
    media = store_media(
        exercise=shells, owner=None, upload=upload("IMG_0042.jpg", jpeg(2000, 1500)), caption=" x "
    )

    media.refresh_from_db()
    assert (media.kind, media.content_type, media.owner) == ("photo", "image/jpeg", None)
    assert media.caption == "x"
    files = stored_files(media_root)
    assert files == sorted(media_root / name for name in (media.file.name, media.thumbnail.name))
    # Named by the app, not by the sender.
    assert all("IMG_0042" not in path.name for path in files)
    assert media.size == (media_root / media.file.name).stat().st_size
    with Image.open(media_root / media.thumbnail.name) as thumbnail:
        assert max(thumbnail.size) <= 480


def test_a_video_is_stored_as_sent(media_root: Path, shells: Exercise) -> None:
    sent = MP4_HEAD + b"\x00" * 1000

    media = store_media(
        exercise=shells, owner=None, upload=upload("clip.mp4", sent, "video/mp4"), caption=""
    )

    assert (media.kind, media.content_type, media.thumbnail.name) == ("video", "video/mp4", "")
    assert media.file.name.endswith(".mp4")
    assert (media_root / media.file.name).read_bytes() == sent


def test_a_refused_file_stores_nothing(media_root: Path, shells: Exercise) -> None:
    with pytest.raises(ValidationError):
        store_media(exercise=shells, owner=None, upload=upload("photo.jpg", ELF))

    assert not ExerciseMedia.objects.exists()
    assert stored_files(media_root) == []


def test_a_row_that_fails_to_save_takes_its_files_with_it(
    media_root: Path, shells: Exercise, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: ExerciseMedia, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ExerciseMedia, "save", fail)

    with pytest.raises(RuntimeError):
        store_media(exercise=shells, owner=None, upload=upload("photo.jpg", jpeg()))

    assert stored_files(media_root) == []


def stored_photo(shells: Exercise, owner: User | None = None) -> ExerciseMedia:
    return store_media(exercise=shells, owner=owner, upload=upload("photo.jpg", jpeg()))


def test_deleting_a_row_removes_its_files_once_committed(
    media_root: Path, shells: Exercise, django_capture_on_commit_callbacks: Any
) -> None:
    media = stored_photo(shells)
    assert len(stored_files(media_root)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        media.delete()

    assert stored_files(media_root) == []


def test_a_deletion_rolled_back_keeps_the_files(
    media_root: Path, shells: Exercise, django_capture_on_commit_callbacks: Any
) -> None:
    media = stored_photo(shells)
    pk = media.pk

    with (
        django_capture_on_commit_callbacks(execute=True) as removals,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        media.delete()
        raise RuntimeError("changed my mind")

    assert removals == []
    assert ExerciseMedia.objects.filter(pk=pk).exists()
    assert len(stored_files(media_root)) == 2


def test_a_therapists_account_removed_takes_their_photos_and_only_theirs(
    media_root: Path, shells: Exercise, django_capture_on_commit_callbacks: Any
) -> None:
    theo = therapist("theo")
    catalogs = stored_photo(shells)
    theos = [stored_photo(shells, theo), stored_photo(shells, theo)]
    assert len(stored_files(media_root)) == 6

    with django_capture_on_commit_callbacks(execute=True):
        theo.delete()

    assert not ExerciseMedia.objects.filter(pk__in=[m.pk for m in theos]).exists()
    assert stored_files(media_root) == sorted(
        media_root / name for name in (catalogs.file.name, catalogs.thumbnail.name)
    )


def test_a_photo_bytes_are_a_fresh_jpeg(media_root: Path, shells: Exercise) -> None:
    media = stored_photo(shells)

    data = (media_root / media.file.name).read_bytes()

    assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert b"PhoneMaker" not in data
