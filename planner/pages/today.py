"""A plan's day: exercise cards with doses, check-off and pain ratings."""

from django.urls import path

from planner.pages.common import unbuilt

urlpatterns = [
    path("plans/<int:plan_id>/today/", unbuilt, name="plan-today"),
    path("plans/<int:plan_id>/day/<str:day>/", unbuilt, name="plan-day"),
]
