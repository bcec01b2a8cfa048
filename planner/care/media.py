"""A therapist's own photos and videos of exercises, for their patients: adding and removing
them. The checks and the storing are the catalog's (exercises/media.py)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from exercises.media import store_media
from exercises.models import Exercise, ExerciseMedia
from planner import access


def check_therapist(user: AbstractBaseUser | AnonymousUser) -> None:
    if not access.is_therapist(user):
        raise PermissionDenied("Only therapists add photos and videos for their patients.")


def add_media(
    therapist: AbstractBaseUser | AnonymousUser,
    exercise_slug: str,
    upload: UploadedFile,
    caption: str,
) -> ExerciseMedia:
    check_therapist(therapist)
    exercise = Exercise.objects.filter(slug=exercise_slug).first()
    if exercise is None:
        raise ValidationError({"exercise": _("No such exercise in the catalog.")})
    assert isinstance(therapist, User)
    return store_media(exercise=exercise, owner=therapist, upload=upload, caption=caption)


def own_media(therapist: AbstractBaseUser | AnonymousUser) -> QuerySet[ExerciseMedia]:
    return ExerciseMedia.objects.filter(owner_id=therapist.pk).select_related("exercise")


def remove_media(therapist: AbstractBaseUser | AnonymousUser, media_id: int) -> None:
    """A therapist removes their own upload; anyone else's is, to them, not there."""
    check_therapist(therapist)
    media = own_media(therapist).filter(pk=media_id).first()
    if media is None:
        access.not_found(ExerciseMedia)
    media.delete()
