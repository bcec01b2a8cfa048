"""The person behind a request."""

from __future__ import annotations

from django.contrib.auth.models import User
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request


def signed_in(request: Request) -> User:
    """The signed-in person; every API view but sign-up and sign-in requires one."""
    if not isinstance(request.user, User):
        raise NotAuthenticated
    return request.user
