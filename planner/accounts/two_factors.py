"""Two factors: required of therapists and staff (they read other people's health data),
offered to runners. django-allauth's MFA asks for the second factor at sign-in once one is set
up; until a therapist or a staff member has set one up, every page but the account's own sends
them to do it, and the API gives them no token (planner.api.auth)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from planner.access import is_therapist

# The factors that stand on their own; recovery codes only stand in for a lost one.
FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
ENROL_FLAG = "two_factors_to_set_up"
# What a person who still has to set two factors up may reach: the account pages (where the
# factor is set up, and signing out), static files, the health check.
OPEN_PREFIXES = ("/accounts/", "/static/", "/health", "/favicon.ico")
PLEASE = gettext_lazy(
    "Therapists and staff read other people's health data: set up a second factor (an "
    "authenticator app or a security key) before going on."
)


def required_for(user: AbstractBaseUser) -> bool:
    return isinstance(user, User) and (user.is_staff or is_therapist(user))


def has_two_factors(user: AbstractBaseUser) -> bool:
    return bool(is_mfa_enabled(user, FACTORS))


def missing_for(user: AbstractBaseUser) -> bool:
    """Whether this person must set up two factors before going on."""
    return required_for(user) and not has_two_factors(user)


def on_signed_in(sender: object, request: HttpRequest, user: AbstractBaseUser, **_: Any) -> None:
    if missing_for(user):
        request.session[ENROL_FLAG] = True


def on_factors_changed(
    sender: object, request: HttpRequest, user: AbstractBaseUser, **_: Any
) -> None:
    if missing_for(user):
        request.session[ENROL_FLAG] = True
    else:
        request.session.pop(ENROL_FLAG, None)


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A therapist or staff member keeps at least one factor of their own."""
        if authenticator.type not in FACTORS or not required_for(authenticator.user):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=FACTORS)
        return bool(others.exclude(pk=authenticator.pk).exists())


class EnrolmentMiddleware:
    """Sends a therapist or staff member without a second factor to set one up. The flag is
    set at sign-in (one query then), so other requests cost nothing."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(ENROL_FLAG)
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            # Looked at again (only while flagged): a factor set up in another tab counts.
            if not request.user.is_authenticated or not missing_for(request.user):
                session.pop(ENROL_FLAG, None)
                return self.get_response(request)  # type: ignore[no-any-return]
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": PLEASE}, status=403)
            messages.warning(request, PLEASE)
            return redirect("mfa_index")
        response: HttpResponse = self.get_response(request)
        return response
