"""A progress chart drawn once per content, and a bound on how many a person has drawn.

Drawing a chart costs about 350 ms of CPU (matplotlib). The same series draw the same bytes
(planner.pages.charts), so a drawing is kept in the cache under a digest of what it draws, in
the language it is drawn in: the page loaded again, by the runner or her therapist, costs one
cache read and no drawing. The key names no one: two plans with the same series share it.

A chart not in the cache counts towards its viewer's fresh drawings, at most FRESH_PER_MINUTE a
minute (the progress page draws two; a therapist going through patients, two each), so that
no one signed in can keep a web process drawing; beyond that the chart is refused for the rest
of the minute (TooManyDrawings: a 429), and the page's alt text still says what it shows.
While the cache server is down, every chart is drawn and none is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.utils.translation import get_language, ngettext

from kit import cache_safe

# A drawing holds pain ratings and exercise names (no name of a person): kept a quarter hour,
# as the patient list's rows are, so nothing of a deleted account lingers longer.
KEPT_FOR = 15 * 60
FRESH_PER_MINUTE = 30
WHAT = "drawn charts"


class TooManyDrawings(Exception):
    """The viewer has drawn FRESH_PER_MINUTE charts this minute: wait `wait` seconds."""

    def __init__(self, wait: int) -> None:
        super().__init__(
            ngettext(
                "Too many charts drawn: wait %(wait)s second.",
                "Too many charts drawn: wait %(wait)s seconds.",
                wait,
            )
            % {"wait": wait}
        )
        self.wait = wait


def drawn(kind: str, inputs: object, draw: Callable[[], str], viewer_id: int, now: float) -> str:
    """The SVG `draw` makes of `inputs` (everything the drawing depends on, with a stable
    repr: frozen dataclasses, dates, numbers), from the cache when it was drawn before."""
    # The words drawn (axis titles, legends, dates) are the reader's language's: part of the key.
    key = f"chart:{kind}:{get_language()}:{digest_of(inputs)}"
    svg: str | None = cache_safe.get(key, None, WHAT)
    if svg is not None:
        return svg
    minute = int(now // 60)
    if cache_safe.count(f"chart-drawings:{viewer_id}:{minute}", 60, WHAT) > FRESH_PER_MINUTE:
        raise TooManyDrawings(60 - int(now % 60))
    svg = draw()
    cache_safe.put(key, svg, KEPT_FOR, WHAT)
    return svg


def digest_of(inputs: object) -> str:
    return hashlib.blake2b(repr(inputs).encode(), digest_size=20).hexdigest()
