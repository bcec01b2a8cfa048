"""`GET /api/v1/account/access-log`: who saw my health data, what, and when (newest first).

Only ever the caller's own record, as its subject: there is no id in the path.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import path
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from audit.models import AccessRecord


class AccessRecordSerializer(serializers.ModelSerializer[AccessRecord]):
    viewer = serializers.CharField(
        source="viewer.username",
        allow_null=True,
        read_only=True,
        help_text="Who looked; null once that account has been deleted.",
    )

    class Meta:
        model = AccessRecord
        fields = ["viewer", "viewer_role", "what", "at"]
        read_only_fields = fields


class AccessLogView(ListAPIView[AccessRecord]):
    serializer_class = AccessRecordSerializer

    def get_queryset(self) -> QuerySet[AccessRecord]:
        # 1 query for the page (with each viewer), 1 for the count.
        return (
            AccessRecord.objects.filter(subject_id=self.request.user.pk)
            .select_related("viewer")
            .order_by("-at", "-pk")
        )


urlpatterns = [
    path("account/access-log", AccessLogView.as_view(), name="api-access-log"),
]
