"""The account: notifications, export, deletion and password."""

from django.urls import path

from planner.pages.common import unbuilt

urlpatterns = [
    path("account/", unbuilt, name="account"),
    path("notifications/", unbuilt, name="notifications"),
]
