"""The signed-in person's clock: pages show every date and time in the time zone the person
lives in (issue 20: a New York runner's notices read 06:52, not 11:52 UTC).

The zone is the one she chose on her profile (Profile.time_zone) when she chose one, else her
plan's: the one started last, whatever its state (she still lives where it runs). Someone with
neither (a therapist, an admin, a runner before her first plan) reads the project's TIME_ZONE,
as before. The API is left in UTC: its instants carry their offset, and a
client shows them in the device's zone.

The zone is read at sign-in and kept in the session, so a page costs no query for it. A plan
started or moved to another zone through the pages updates this session at once
(`remember`); another session of hers reads it again within FRESH_SECONDS.
"""

from __future__ import annotations

import time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from planner.models import Plan, Profile

SESSION_KEY = "planner_zone"
FRESH_SECONDS = 300


def zone_of(user_id: int) -> str:
    """The IANA name of the zone the person's pages show times in: the one she chose on her
    profile, else her latest plan's, else the project's."""
    chosen = Profile.objects.filter(user_id=user_id).values_list("time_zone", flat=True).first()
    if chosen:
        return chosen
    zone = (
        Plan.objects.filter(user_id=user_id)
        .order_by("-start_date", "-pk")
        .values_list("time_zone", flat=True)
        .first()
    )
    return zone or settings.TIME_ZONE


def remember(request: HttpRequest, user_id: int) -> str:
    """Read the person's zone now and keep it in this session; return it."""
    zone = zone_of(user_id)
    request.session[SESSION_KEY] = [zone, time.time()]
    return zone


def on_signed_in(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, user.pk)


class PersonZoneMiddleware:
    """Shows the signed-in person's pages in her zone (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") or not request.user.is_authenticated:
            return self.get_response(request)  # type: ignore[no-any-return]
        kept = request.session.get(SESSION_KEY)
        if isinstance(kept, list) and len(kept) == 2 and time.time() - kept[1] < FRESH_SECONDS:
            zone = str(kept[0])
        else:
            zone = remember(request, request.user.pk)
        with timezone.override(ZoneInfo(zone)):
            return self.get_response(request)  # type: ignore[no-any-return]
