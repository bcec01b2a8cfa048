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


class PosesRefused(ValueError):
    """Poses the schema refuses; `problems` name where in the picture each one is."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def checked_poses(raw: Any) -> dict[str, Any]:
    """Poses as an admin or the API sends them, checked and stored compactly ({} for none):
    the one check both the admin's form and the API's serializer make."""
    if raw is None or raw == {}:
        return {}
    try:
        return stored_picture(Picture.model_validate(raw))
    except ValidationError as error:
        raise PosesRefused(
            [
                f"picture.{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                if problem["loc"]
                else f"picture: {problem['msg']}"
                for problem in error.errors()
            ]
        ) from None
