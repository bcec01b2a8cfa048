"""A person's plans: the list, and one plan's timeline, status, reminders and calendar feed."""

from django.urls import path

from planner.pages.common import unbuilt

urlpatterns = [
    path("plans/", unbuilt, name="plans"),
    path("plans/<int:plan_id>/", unbuilt, name="plan"),
]
