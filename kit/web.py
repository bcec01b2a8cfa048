"""The person behind a request, and where the request came from: the same for the API (a DRF
Request wraps the HttpRequest) and the pages."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request


def signed_in(request: HttpRequest | Request) -> User:
    """The signed-in person. Every view that asks has already required a sign-in (the API's
    default permission, the pages' login_required), so anyone else is refused here too."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Sign in first.")
    return request.user


def client_address(request: HttpRequest | Request) -> str:
    """The caller's address as the server saw it (sign-in slowing counts failures by it)."""
    return str(request.META.get("REMOTE_ADDR", "unknown"))
