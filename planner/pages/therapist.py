"""Therapists: the patient list, a patient's page, invitations, assigning and tailoring
programs, and printable handouts."""

from django.urls import path

from planner.pages.common import unbuilt

urlpatterns = [
    path("patients/", unbuilt, name="patients"),
    path("patients/<int:runner_id>/", unbuilt, name="patient"),
    path("programs/<slug:slug>/handout/", unbuilt, name="handout"),
]
