"""Which catalog fields have a Spanish column beside the English (django-modeltranslation).

English stays in the field itself and is the source of truth; the data files carry each
entry's Spanish (`es:`) and the loader fills both (docs/catalog-languages.md).
"""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from conditions.models import BodyRegion, Condition, RedFlag


@register(BodyRegion)
class BodyRegionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Condition)
class ConditionTranslation(TranslationOptions):
    fields = ("name", "summary", "symptoms", "causes", "treatment", "recovery_text", "care_note")


@register(RedFlag)
class RedFlagTranslation(TranslationOptions):
    fields = ("sign", "question", "advice")
