"""The way in: what the planner is and is not, sign up, sign in and out, and the dashboard
that sends each person where their work is."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from conditions.models import Condition
from kit.web import client_address
from planner.access import is_therapist
from planner.accounts import signin_guard


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what the planner is, and what it is not."""
    conditions = Condition.objects.order_by("name").only("name", "slug", "care")
    return render(request, "home.html", {"conditions": conditions})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Therapists start at their patients, everyone else at their plans."""
    return redirect("patients" if is_therapist(request.user) else "plans")


class SignUpForm(UserCreationForm[User]):
    email = forms.EmailField(
        required=False, help_text="Optional: where reminders are sent. Never shown to anyone."
    )

    class Meta:
        model = User
        fields = ("username", "email")


def next_page(request: HttpRequest) -> str:
    """Where to go after signing in: the page that asked, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # A new runner goes straight to the warning-sign questions: nothing comes before them.
        return redirect("onboarding")
    return render(request, "pages/start/signup.html", {"form": form})


def signin(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    status = 200
    lockout = ""
    if request.method == "POST":
        username = request.POST.get("username", "")
        address = client_address(request)
        now = timezone.now()
        wait = signin_guard.retry_after(username, address, now)
        if wait > 0:
            form = AuthenticationForm(request, initial={"username": username})
            lockout = f"Too many failed sign-ins: try again in {wait} seconds."
            status = 429
        elif form.is_valid():
            signin_guard.record_success(username, address)
            login(request, form.get_user())
            return redirect(next_page(request) or "dashboard")
        else:
            signin_guard.record_failure(username, address, now)
    context: dict[str, Any] = {"form": form, "next": next_page(request), "lockout": lockout}
    return render(request, "pages/start/signin.html", context, status=status)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


urlpatterns = [
    path("", home, name="home"),
    path("home/", dashboard, name="dashboard"),
    path("signup/", signup, name="signup"),
    path("signin/", signin, name="signin"),
    path("signout/", signout, name="signout"),
]
