"""Saying again, in the active language, a sentence that code without Django wrote in English
(planner.engine): each known sentence is a pattern and a function that says it in gettext's
words, its values carried over; a sentence no pattern knows is left as it came."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Say = Callable[[re.Match[str]], str]
Sentences = Sequence[tuple[re.Pattern[str], Say]]


def reworded(sentences: Sentences, text: str) -> str:
    for pattern, say in sentences:
        found = pattern.fullmatch(text)
        if found is not None:
            return say(found)
    return text
