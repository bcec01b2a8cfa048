"""The REST API under /api/v1/, and its OpenAPI schema and docs served by the app itself."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from planner.api import token_scheme  # noqa: F401  (the token, named in the schema)

urlpatterns = [
    path("", include("planner.api.auth")),
    path("", include("conditions.api.views")),
    path("", include("exercises.api.views")),
    path("", include("planner.api.programs")),
    path("", include("planner.api.own_programs")),
    path("", include("planner.api.plans")),
    path("", include("planner.api.sessions")),
    path("", include("planner.api.tailoring")),
    path("", include("planner.api.notifications")),
    path("", include("planner.api.push")),
    path("", include("planner.api.care")),
    path("", include("planner.api.messages")),
    path("", include("planner.api.progress")),
    path("", include("planner.api.outcomes")),
    path("", include("planner.api.return_to_run")),
    path("", include("planner.api.account")),
    path("", include("planner.api.access_log")),
    path("", include("planner.api.calendar")),
    path("", include("planner.api.safety")),
    path("", include("planner.api.finder")),
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
