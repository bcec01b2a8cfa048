"""The engine's refusals of an answer, in the reader's language (planner.plans.answer_words):
each sentence the engine writes is known, so none reaches a Spanish reader in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import translation

from planner.engine import outcomes
from planner.engine import return_to_run as rules
from planner.engine.outcomes import AnswerError
from planner.plans import answer_words


def refusal(act: Callable[[], object]) -> str:
    with pytest.raises(AnswerError) as refused:
        act()
    return refused.value.message


ENGINE_SENTENCES = [
    lambda: refusal(lambda: outcomes.score_lefs([1, 2])),
    lambda: refusal(lambda: outcomes.score_lefs([9] * len(outcomes.LEFS_ITEMS))),
    lambda: refusal(lambda: outcomes.score_lefs(["x"] * len(outcomes.LEFS_ITEMS))),
    lambda: refusal(lambda: outcomes.score_psfs([("Running", 5)])),
    lambda: refusal(lambda: outcomes.score_psfs([("", 5), ("Stairs", 4), ("Hills", 3)])),
    lambda: refusal(lambda: outcomes.score_psfs([("Stairs", 5), ("stairs", 4), ("Hills", 3)])),
    lambda: refusal(lambda: outcomes.check_same_activities(["Stairs"], ["Hills"])),
    lambda: refusal(lambda: rules.assess({c.key: "x" for c in rules.CRITERIA})),
    lambda: refusal(lambda: rules.assess({c.key: 10_000 for c in rules.CRITERIA})),
]


@pytest.mark.parametrize("sentence", ENGINE_SENTENCES)
def test_each_engine_sentence_is_said_in_spanish_and_kept_in_english(
    sentence: Callable[[], str],
) -> None:
    english = sentence()

    with translation.override("en"):
        assert answer_words.in_words(english) == english
    with translation.override("es"):
        spanish = answer_words.in_words(english)

    assert spanish != english
    assert sorted(c for c in spanish if c.isdigit()) == sorted(c for c in english if c.isdigit())
