"""Top-level routes."""

from django.contrib import admin
from django.urls import include, path

from planner.health import health

admin.site.site_header = "Rehab planner administration"
admin.site.site_title = "Rehab planner"

urlpatterns = [
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("planner.api.urls")),
    path("", include("planner.pages.urls")),
]
