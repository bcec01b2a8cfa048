"""Onboarding: where it hurts, the warning-sign questions, matching conditions, a
preview of the program, and the start of a plan."""

from django.urls import path

from planner.pages.common import unbuilt

urlpatterns = [
    path("start/", unbuilt, name="onboarding"),
]
