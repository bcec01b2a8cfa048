"""API tokens (django-rest-knox): stored as a hash, shown once when issued, expiring, and
revoked by a password change (whoever changes it: the person, a reset, an admin; wired in
planner.accounts.signals) and by signing out everywhere."""

from __future__ import annotations

import binascii
from datetime import datetime
from hmac import compare_digest
from typing import Any

from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from planner.accounts import api_language, two_factors


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's check, without its sweep of the person's other tokens on every request (a second
    query each time): an expired token is still refused and deleted; the others are swept
    when a token is issued. The token's one query also loads the person's profile, whose
    language the answer is in (api_language)."""

    def authenticate(self, request: Request) -> tuple[User, AuthToken] | None:
        found: tuple[User, AuthToken] | None = super().authenticate(request)
        if found is not None:
            api_language.answer_in(request._request, found[0])
        return found

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        """knox's own, the profile joined to its query (knox loads the user alone)."""
        refused = _("Invalid token.")
        key = token.decode("utf-8")
        for auth_token in AuthToken.objects.filter(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user__profile"):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(key)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(refused) from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                found: tuple[User, AuthToken] = self.validate_user(auth_token)
                return found
        raise exceptions.AuthenticationFailed(refused)

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class LanguageSessionAuthentication(SessionAuthentication):
    """DRF's session check (with its CSRF check), answering in the person's language."""

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        found: tuple[User, None] | None = super().authenticate(request)
        if found is not None:
            api_language.answer_in(request._request, found[0])
        return found


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
