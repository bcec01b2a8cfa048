"""Which exercise fields have a Spanish column beside the English (django-modeltranslation);
see conditions/translation.py."""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from exercises.models import Exercise, InstructionStep, Variation


@register(Exercise)
class ExerciseTranslation(TranslationOptions):
    fields = ("name", "summary", "equipment", "cautions")


@register(InstructionStep)
class InstructionStepTranslation(TranslationOptions):
    fields = ("text",)


@register(Variation)
class VariationTranslation(TranslationOptions):
    fields = ("name", "description", "equipment")
