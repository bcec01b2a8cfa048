"""The way in: what the planner is and is not, and the dashboard that sends each person where
their work is (a runner with a running plan to today's exercises of it). Signing up, in and
out are django-allauth's (planner.accounts.adapter), whose LOGIN_REDIRECT_URL is the
dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.generic import RedirectView

from conditions.models import BodyRegion, Condition
from kit.web import signed_in
from planner.access import is_therapist
from planner.models import Plan


def start_page(therapist: bool, active_plan_ids: list[int]) -> tuple[str, dict[str, int]]:
    """Where a signed-in person starts (a URL name and its arguments): a therapist at her
    patients; a runner with a running plan at today's exercises of it (the most recently
    started one, the plan they are working on, when there are several: "My plans" lists the
    others); a runner without one at their plans, where one is started."""
    if therapist:
        return "patients", {}
    if active_plan_ids:
        return "plan-today", {"plan_id": active_plan_ids[0]}
    return "plans", {}


@dataclass(frozen=True)
class ListedCondition:
    """A condition on the landing page, linked to the start with its regions chosen: the
    warning-sign questions come next, before anything about a program (a visitor signs in
    or up on the way)."""

    condition: Condition
    start_url: str


def start_url(condition: Condition) -> str:
    regions = QueryDict(mutable=True)
    regions.setlist("regions", [region.slug for region in condition.regions.all()])
    return f"{reverse('onboarding')}?{regions.urlencode()}"


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what the planner is, and what it is not. A signed-in person has read
    it: they go on to their own start."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    conditions = (
        Condition.objects.order_by("name")
        .only("name", "slug", "care")
        .prefetch_related(Prefetch("regions", BodyRegion.objects.order_by("order", "name")))
    )
    listed = [ListedCondition(condition, start_url(condition)) for condition in conditions]
    return render(request, "home.html", {"conditions": listed})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Therapists start at their patients, runners at today's exercises (or their plans)."""
    therapist = is_therapist(request.user)
    active = (
        []
        if therapist
        else list(
            Plan.objects.filter(user_id=signed_in(request).pk, status=Plan.Status.ACTIVE)
            .order_by("-start_date", "-pk")
            .values_list("pk", flat=True)
        )
    )
    name, kwargs = start_page(therapist, active)
    return redirect(reverse(name, kwargs=kwargs))


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
