"""The signed-in person's in-app notifications: list, and mark read."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kit.web import signed_in
from planner.models import Notification


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class NotificationListView(ListAPIView[Notification]):
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        # Only ever the caller's own: a therapist does not read a patient's inbox.
        return Notification.objects.filter(user=signed_in(self.request)).order_by(
            "-created_at", "-pk"
        )


class NotificationReadView(APIView):
    @extend_schema(request=None, responses={200: NotificationSerializer})
    def post(self, request: Request, notification_id: int) -> Response:
        notification = get_object_or_404(
            Notification.objects.filter(user=signed_in(request)), pk=notification_id
        )
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(NotificationSerializer(notification).data)


urlpatterns = [
    path("notifications", NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/<id:notification_id>/read",
        NotificationReadView.as_view(),
        name="api-notification-read",
    ),
]
