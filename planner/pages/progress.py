"""A plan's progress: adherence calendar, dose over time, pain trend and dose history."""

from django.urls import path

from planner.pages.common import unbuilt

urlpatterns = [
    path("plans/<int:plan_id>/progress/", unbuilt, name="plan-progress"),
]
