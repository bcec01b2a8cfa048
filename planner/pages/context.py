"""Template context every page shares."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from planner.access import THERAPIST_GROUP
from planner.care import messages


def roles(request: HttpRequest) -> dict[str, object]:
    """The navigation shows the patient list to therapists only (the role as
    planner.access.is_therapist reads it), and everyone signed in their count of unread
    messages: both in one query, since every page shows them."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"is_therapist": False, "unread_messages": 0}
    therapist, unread = (
        User.objects.filter(pk=user.pk)
        .annotate(
            therapist=Exists(Group.objects.filter(name=THERAPIST_GROUP, user=OuterRef("pk"))),
            unread=messages.unread_count(user),
        )
        .values_list("therapist", "unread")
        .get()
    )
    return {"is_therapist": bool(therapist), "unread_messages": int(unread)}
