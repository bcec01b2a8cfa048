"""Signing out everywhere: every browser and phone session of the person (as django-allauth
tracks them) and every API token, this one included."""

from __future__ import annotations

from allauth.usersessions.adapter import get_adapter
from allauth.usersessions.models import UserSession
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.http import HttpRequest

from planner.accounts import tokens


def sign_out_everywhere(request: HttpRequest, user: User) -> None:
    tokens.revoke_all(user.pk)
    get_adapter().end_sessions(list(UserSession.objects.filter(user_id=user.pk)))
    # This session too, whether tracked or not.
    logout(request)
