"""Template context every page shares."""

from __future__ import annotations

from django.http import HttpRequest

from planner.access import is_therapist


def roles(request: HttpRequest) -> dict[str, bool]:
    """The navigation shows the patient list to therapists only."""
    user = getattr(request, "user", None)
    return {"is_therapist": bool(user and user.is_authenticated and is_therapist(user))}
