"""An exercise's picture drawn once and kept: the SVG bytes and their ETag, by content.

Keyed by what the picture is drawn from (the poses, the name, the steps) and the drawing's
version, so an admin's edit is a new picture at once and an unchanged one is never drawn twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from exercises.pictures.drawing import Labels, draw_moving, draw_still, words_for
from exercises.pictures.stored import picture_from

# Raise when the drawing changes, so browsers holding the old picture fetch the new one.
DRAWING_VERSION = "1"


@dataclass(frozen=True)
class Rendered:
    svg: bytes
    etag: str


def rendered(
    stored: dict[str, Any],
    name: str,
    steps: Sequence[str],
    still: bool,
    labels: Labels | None = None,
) -> Rendered:
    """The picture (still: start and end side by side; else the moving loop) as SVG, its
    words in the language of `name`, `steps` and `labels`."""
    said = labels or Labels()
    key = json.dumps(
        [DRAWING_VERSION, stored, name, list(steps), [said.start, said.end, said.hold]],
        sort_keys=True,
    )
    return _draw(key, still)


@lru_cache(maxsize=512)
def _draw(key: str, still: bool) -> Rendered:
    _, stored, name, steps, (start, end, hold) = json.loads(key)
    picture = picture_from(stored)
    if picture is None:
        raise ValueError("no picture")
    words = words_for(name, steps, picture, Labels(start, end, hold))
    svg = (draw_still if still else draw_moving)(picture, words).encode()
    digest = hashlib.sha256(key.encode() + (b"still" if still else b"moving")).hexdigest()
    return Rendered(svg=svg, etag=f'"{digest[:32]}"')


def picture_version(stored: dict[str, Any], name: str) -> str:
    """A short tag of what the drawing looks like, for its address: an edit of the poses is a
    new address, so no browser keeps showing the old drawing for the hour it may cache one."""
    key = json.dumps([DRAWING_VERSION, stored, name], sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:12]
