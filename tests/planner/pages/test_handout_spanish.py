"""The handout in Spanish: the engine's English words it shows are given in the reader's
language by the page (planner.pages.handouts)."""

from __future__ import annotations

from django.utils import translation

from planner.engine.pain import PAIN_RULES
from planner.pages.handouts import PAIN_ADVICE


def test_the_pain_advice_is_the_engines_word_for_word_in_english() -> None:
    with translation.override("en"):
        shown = {key: str(advice) for key, advice in PAIN_ADVICE.items()}

    assert shown == {key: rule.advice for key, rule in PAIN_RULES.items()}


def test_the_pain_advice_keeps_its_numbers_in_spanish() -> None:
    with translation.override("es"):
        shown = {key: str(advice) for key, advice in PAIN_ADVICE.items()}

    for key, rule in PAIN_RULES.items():
        assert shown[key] != rule.advice
        digits = sorted(c for c in rule.advice if c.isdigit())
        assert sorted(c for c in shown[key] if c.isdigit()) == digits
