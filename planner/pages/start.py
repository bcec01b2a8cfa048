"""The way in: what the planner is and is not, and the dashboard that sends each person where
their work is. Signing up, in and out are django-allauth's (planner.accounts.adapter)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.generic import RedirectView

from conditions.models import Condition
from planner.access import is_therapist


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what the planner is, and what it is not."""
    conditions = Condition.objects.order_by("name").only("name", "slug", "care")
    return render(request, "home.html", {"conditions": conditions})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Therapists start at their patients, everyone else at their plans."""
    return redirect("patients" if is_therapist(request.user) else "plans")


class KeepQuery(RedirectView):
    """The old sign-in and sign-up addresses, kept for bookmarks and printed handouts: on to
    django-allauth's pages, with the page that asked (`?next=`)."""

    permanent = False
    query_string = True


urlpatterns = [
    path("", home, name="home"),
    path("home/", dashboard, name="dashboard"),
    path("signup/", KeepQuery.as_view(pattern_name="account_signup")),
    path("signin/", KeepQuery.as_view(pattern_name="account_login")),
]
