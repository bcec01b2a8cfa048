"""Pages of the plans app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conditions.models import Condition


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what the planner is, and what it is not."""
    conditions = Condition.objects.order_by("name").only("name", "slug", "care")
    return render(request, "home.html", {"conditions": conditions})
