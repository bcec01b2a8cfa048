"""The private, revocable iCalendar feed of a plan over HTTP; planner.plans.calendar_feed decides
(and says why only the runner may mint an address), these views present."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, renderers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from planner import access
from planner.plans.calendar_feed import create_or_rotate, feed_of, feed_text, revoke


def feed_url(request: Request, token: str) -> str:
    return request.build_absolute_uri(reverse("api-calendar-feed", kwargs={"token": token}))


# --- Views -------------------------------------------------------------------------------------


class FeedAddressSerializer(serializers.Serializer[Any]):
    url = serializers.URLField(help_text="The private address to subscribe to; keep it secret.")


class CalendarFeedView(APIView):
    """Create, rotate or revoke the private address of a plan's calendar feed (runner only)."""

    @extend_schema(
        request=None,
        responses={
            201: FeedAddressSerializer,
            200: OpenApiResponse(
                FeedAddressSerializer, description="Rotated: the old address no longer works."
            ),
        },
    )
    def post(self, request: Request, plan_id: int) -> Response:
        plan = access.own_plan(request.user, plan_id)
        feed, created = create_or_rotate(plan, timezone.now())
        return Response(
            {"url": feed_url(request, feed.token)},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="Revoked, or there was no feed.")},
    )
    def delete(self, request: Request, plan_id: int) -> Response:
        revoke(access.own_plan(request.user, plan_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ICalendarRenderer(renderers.BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, str):
            return data.encode("utf-8")
        # An error (404): calendar applications show nothing of it, so a word is enough.
        detail = data.get("detail", "") if isinstance(data, dict) else ""
        return str(detail).encode("utf-8")


class CalendarFeedFileView(APIView):
    """The feed itself, fetched by calendar applications: the token in the address is the
    only credential, so no sign-in is asked for or read."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    # Calendar applications ask for text/calendar; JSON would answer them 406.
    renderer_classes = [ICalendarRenderer]

    @extend_schema(
        operation_id="calendar_feed_file",
        request=None,
        responses={
            (200, "text/calendar"): OpenApiResponse(
                OpenApiTypes.STR, description="The plan's upcoming sessions (RFC 5545)."
            ),
            (404, "text/calendar"): OpenApiResponse(
                OpenApiTypes.STR, description="No such feed, or it was revoked or rotated."
            ),
        },
    )
    def get(self, request: Request, token: str) -> Response:
        feed = feed_of(token)
        return Response(
            feed_text(feed.plan, timezone.now()),
            headers={
                "Content-Disposition": 'inline; filename="rehab-plan.ics"',
                # Revoking must take effect at once: no shared cache may keep a copy.
                "Cache-Control": "private, no-cache",
            },
        )


urlpatterns = [
    path(
        "plans/<id:plan_id>/calendar-feed",
        CalendarFeedView.as_view(),
        name="api-plan-calendar-feed",
    ),
    path("calendar/<str:token>.ics", CalendarFeedFileView.as_view(), name="api-calendar-feed"),
]
