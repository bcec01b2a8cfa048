"""API tokens (django-rest-knox): stored as a hash, shown once when issued, expiring, and
revoked by a password change (whoever changes it: the person, a reset, an admin; wired in
planner.accounts.signals) and by signing out everywhere."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from knox.settings import CONSTANTS

from planner.accounts import two_factors


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's check, without its sweep of the person's other tokens on every request (a second
    query each time): an expired token is still refused and deleted; the others are swept
    when a token is issued."""

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def issue(user: User, now: datetime) -> tuple[str, datetime | None]:
    """A new token for `user` and when it expires; its key is never stored, only its hash."""
    AuthToken.objects.filter(user=user, expiry__lt=now).delete()
    token, key = AuthToken.objects.create(user=user)
    return key, token.expiry


def revoke_all(user_id: int) -> int:
    deleted: int = AuthToken.objects.filter(user_id=user_id).delete()[0]
    return deleted


SESSION_TOKEN_KEY = "api_token_key"


def on_signed_out(sender: object, request: HttpRequest | None, **_: Any) -> None:
    """Django's user_logged_out, sent before the session is emptied."""
    session = getattr(request, "session", None)
    token_key = session.get(SESSION_TOKEN_KEY) if session is not None else None
    if token_key:
        AuthToken.objects.filter(token_key=token_key).delete()


class KnoxTokenStrategy(SessionTokenStrategy):
    """django-allauth's API flows (sign-up, sign-in with the second factor, password reset)
    end with a token for the planner's API: a knox token, like the one /api/v1/auth/token
    gives, issued only once every step of the sign-in is done."""

    def create_access_token_payload(self, request: HttpRequest) -> dict[str, Any] | None:
        user = request.user
        # A therapist or staff member without a second factor gets no token here either: they
        # set one up (allauth's API can, with the session token) and sign in again.
        if not isinstance(user, User) or two_factors.missing_for(user):
            return None
        now = timezone.now()
        key, expiry = issue(user, now)
        # Signing out of this session (allauth's API) ends the token it gave: `on_signed_out`.
        request.session[SESSION_TOKEN_KEY] = key[: CONSTANTS.TOKEN_KEY_LENGTH]
        payload: dict[str, Any] = {"access_token": key}
        if expiry is not None:
            payload["expires_in"] = int((expiry - now).total_seconds())
        return payload
