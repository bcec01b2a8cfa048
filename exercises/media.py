"""Storing and removing an exercise's photos and videos: checked by content (kit/uploads.py),
stored in the media storage (the file system under var/, or an S3-compatible store), never
half: a refused file stores nothing, and a row that fails to save takes its files with it.
Files go when their row goes, also when the row goes with its owner's account."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from exercises.models import Exercise, ExerciseMedia
from kit.uploads import Photo, Video, checked_upload

EXTENSIONS = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm"}


def store_media(
    *,
    exercise: Exercise,
    owner: User | None,
    upload: UploadedFile,
    caption: str = "",
    checked: Photo | Video | None = None,
) -> ExerciseMedia:
    """Check `upload` (unless a form has: `checked`) and store it for `exercise`: the
    catalog's when `owner` is None."""
    if checked is None:
        checked = check_upload(upload)
    # A name of our own: the sender's file name says nothing we keep.
    stem = f"{exercise.slug}-{uuid.uuid4().hex[:12]}"
    media = ExerciseMedia(exercise=exercise, owner=owner, caption=caption.strip()[:200])
    stored: list[str] = []
    try:
        if isinstance(checked, Photo):
            media.kind, media.content_type = ExerciseMedia.Kind.PHOTO, checked.content_type
            media.size = len(checked.data)
            media.file.save(f"{stem}.jpg", ContentFile(checked.data), save=False)
            stored.append(media.file.name)
            media.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(checked.thumbnail), save=False)
            stored.append(media.thumbnail.name)
        else:
            media.kind, media.content_type = ExerciseMedia.Kind.VIDEO, checked.content_type
            media.size = upload.size or 0
            upload.seek(0)
            media.file.save(f"{stem}.{EXTENSIONS[checked.content_type]}", upload, save=False)
            stored.append(media.file.name)
        with transaction.atomic():
            media.save()
    except BaseException:
        for name in stored:
            media.file.storage.delete(name)
        raise
    return media


def check_upload(upload: UploadedFile) -> Photo | Video:
    """The upload recognised (a photo re-encoded), or a ValidationError on `file`."""
    upload.seek(0)
    return checked_upload(
        upload,
        upload.size or 0,
        image_max_bytes=settings.MEDIA_IMAGE_MAX_BYTES,
        image_max_pixels=settings.MEDIA_IMAGE_MAX_PIXELS,
        longest_side=settings.MEDIA_IMAGE_LONGEST_SIDE,
        video_max_bytes=settings.MEDIA_VIDEO_MAX_BYTES,
    )


@receiver(post_delete, sender=ExerciseMedia)
def _remove_files(sender: type[ExerciseMedia], instance: ExerciseMedia, **kwargs: Any) -> None:
    """The files go once the row's deletion is committed (not if it is rolled back)."""
    names = [name for name in (instance.file.name, instance.thumbnail.name) if name]
    storage = instance.file.storage

    def remove() -> None:
        for name in names:
            storage.delete(name)

    # Robust: a store that cannot delete now (S3 unreachable) leaves a file behind, logged,
    # rather than an error page for a deletion already committed.
    transaction.on_commit(remove, robust=True)
