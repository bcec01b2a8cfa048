"""The person behind a request, and where the request came from: the same for the API (a DRF
Request wraps the HttpRequest) and the pages."""

from __future__ import annotations

import ipaddress

from django.conf import settings
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
    """The caller's address (sign-in slowing counts failures by it): the connection's, or
    behind TRUSTED_PROXY_COUNT proxies of our own, the address the outermost of them saw,
    which is the one X-Forwarded-For holds that many places from its end. What a client wrote
    there itself comes before it and is never read, and the proxy's own address never stands
    for everyone behind it."""
    connection = str(request.META.get("REMOTE_ADDR") or "unknown")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return connection
    forwarded = [
        part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    ]
    if len(forwarded) < proxies or not forwarded[-proxies]:
        # Not through our proxies as configured: the connection is the best we know.
        return connection
    seen = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(seen))
    except ValueError:
        return connection
