"""A picture as the database keeps it (JSON, only what differs from the defaults) and back."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from exercises.pictures.poses import Picture


def stored_picture(picture: Picture) -> dict[str, Any]:
    return picture.model_dump(mode="json", exclude_defaults=True)


def picture_from(stored: dict[str, Any]) -> Picture | None:
    """The picture of a stored row; None for a row without one (an empty mapping)."""
    return Picture.model_validate(stored) if stored else None


def poses_errors(error: ValidationError) -> list[str]:
    """Pydantic's complaints about the poses, each naming where in the picture it is."""
    return [
        f"picture.{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        if problem["loc"]
        else f"picture: {problem['msg']}"
        for problem in error.errors()
    ]
