"""The language words written to a person are stored in: an in-app notice is written once, when
something happens (a message, an invitation, an acknowledged report), and read later, so it is
written in its reader's language rather than in the language of whoever caused it.

Her choice (Profile.language), else English: the language of what is sent while she is away
(an empty choice follows the browser, which only a page she opens has)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import translation

from planner.models import Profile

ENGLISH = "en"


def language_of(user_id: int) -> str:
    """The language of what is written to the person while she is away."""
    chosen: str | None = (
        Profile.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    )
    return chosen or ENGLISH


@contextmanager
def writing_to(user_id: int, language: str | None = None) -> Iterator[None]:
    """What is worded inside is in the person's language: `language`, her choice when it was
    read already ("" for none), else read here (one query)."""
    chosen = language_of(user_id) if language is None else language or ENGLISH
    with translation.override(chosen):
        yield
