"""The pages, area by area."""

from django.urls import include, path

urlpatterns = [
    path("", include("planner.pages.app")),
    path("", include("planner.pages.start")),
    path("", include("planner.pages.onboarding")),
    path("", include("planner.pages.today")),
    path("", include("planner.pages.along")),
    path("", include("planner.pages.media")),
    path("", include("planner.pages.progress")),
    path("", include("planner.pages.plan")),
    path("", include("planner.pages.account")),
    path("", include("planner.pages.devices")),
    path("", include("planner.pages.therapist")),
    path("", include("planner.pages.own_programs")),
    path("", include("planner.pages.tailoring")),
    path("", include("planner.pages.messages")),
    path("", include("planner.pages.handouts")),
    path("", include("planner.pages.safety")),
    path("", include("planner.pages.outcomes")),
    path("", include("planner.pages.return_to_run")),
    path("", include("planner.pages.invitation_link")),
]
