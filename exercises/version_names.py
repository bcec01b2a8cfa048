"""An exercise's variations' names per language, kept on the exercise (Exercise.version_names)
whenever a variation is saved or removed, by any path (the admin, the loader, the API)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from exercises.models import Exercise, Variation

# Language -> {English name -> that language's name}.
VersionNames = dict[str, dict[str, str]]


def names_by_language(
    variations: Iterable[Mapping[str, str]], languages: Iterable[str]
) -> VersionNames:
    """Each variation's name in each of `languages`, by its English name; a variation with no
    name in a language is left out of it, so that it reads in English there (as the catalog's
    fallback does)."""
    rows = list(variations)
    return {
        language: {
            row["name_en"]: row[f"name_{language}"]
            for row in rows
            if row["name_en"] and row[f"name_{language}"]
        }
        for language in languages
    }


def other_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE[:2]]


def keep(exercise_id: int) -> None:
    """Write an exercise's version_names again from its variations as they are now."""
    languages = other_languages()
    variations = Variation.objects.filter(exercise_id=exercise_id).values(
        *(f"name_{code}" for code in ["en", *languages])
    )
    Exercise.objects.filter(pk=exercise_id).update(
        version_names=names_by_language(variations, languages)
    )


@receiver(post_save, sender=Variation, dispatch_uid="exercises.version_names.saved")
@receiver(post_delete, sender=Variation, dispatch_uid="exercises.version_names.removed")
def variation_changed(sender: type[Variation], instance: Variation, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # a fixture being loaded: its exercise rows come as they were dumped
        return
    keep(instance.exercise_id)
