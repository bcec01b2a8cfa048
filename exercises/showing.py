"""An exercise's picture as a page shows it: where the moving and the still drawings are, and
the text alternative from its steps. The still one stands in under reduced motion and in print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from exercises.pictures.drawing import described
from exercises.pictures.rendered import picture_version


@dataclass(frozen=True)
class ShownPicture:
    moving_url: str
    still_url: str
    alt: str


def shown_picture(
    slug: str, name: str, stored: dict[str, Any], steps: Sequence[str]
) -> ShownPicture | None:
    if not stored:
        return None
    what = described(steps, stored.get("shows") or ())
    moving, still = picture_urls(slug, name, stored)
    return ShownPicture(
        moving_url=moving, still_url=still, alt=f"Drawing of {name}. {what}".strip()
    )


def picture_urls(slug: str, name: str, stored: dict[str, Any]) -> tuple[str, str]:
    """The moving and the still drawing's addresses, tagged with what they look like."""
    version = f"?v={picture_version(stored, name)}"
    return (
        reverse("exercise-picture", args=[slug]) + version,
        reverse("exercise-picture-still", args=[slug]) + version,
    )
