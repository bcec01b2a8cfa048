"""Which program fields have a Spanish column beside the English (django-modeltranslation);
see conditions/translation.py. A therapist's own program is written in the language its
author works in, into that language's column."""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from planner.models import Phase, Program


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("name", "summary", "weeks_note")


@register(Phase)
class PhaseTranslation(TranslationOptions):
    fields = ("name", "goal")
