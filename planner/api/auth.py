"""Sign up, sign in (token or session), sign out here or everywhere, and who am I.

The same accounts as the pages (django-allauth): a new address is sent a confirmation link,
the second factor is asked for when the person has one (and required of therapists and
staff), tokens are knox's (a hash kept, 30 days, revoked by a password change). Apps that want
every account flow (password reset, email change, setting up factors) use allauth's own API
under /_allauth/app/v1/, which ends with the same kind of token."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.base.forms import AuthenticateForm
from allauth.usersessions.models import UserSession
from django.contrib.auth import authenticate, login, logout, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kit.api.strict import StrictSerializer
from kit.web import client_address
from planner.access import role_of
from planner.accounts import everywhere, language, profile, signin_guard, tokens, two_factors


class SignUpSerializer(StrictSerializer):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$", max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate_username(self, value: str) -> str:
        # As Django stores and checks a username (NFKC): a fullwidth spelling of a taken name
        # is that name, taken, not a second account (nor, stored, a duplicate key's 500).
        value = User.normalize_username(value)
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(_("This username is taken."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from exc
        return attrs


class SignInSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150, help_text="A username or an email.")
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    code = serializers.CharField(
        required=False,
        max_length=64,
        help_text="The second factor (an authenticator app's code, or a recovery code): "
        "needed when the account has one, as every therapist's and staff account does.",
    )


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    email_confirmed = serializers.BooleanField()
    role = serializers.CharField()
    display_name = serializers.CharField(
        help_text="The name shown to the people you share plans with; empty: your username."
    )
    language = serializers.CharField(
        help_text="The language of your pages, emails and push messages (en, es); empty: your "
        "browser's for pages, English for messages."
    )
    time_zone = serializers.CharField(
        help_text="The IANA time zone you chose for your emails; empty: your latest plan's."
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Shown once: only its hash is kept.")
    expires = serializers.DateTimeField(allow_null=True)


def me(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "email_confirmed": EmailAddress.objects.filter(user=user, verified=True).exists(),
        "role": role_of(user),
        "display_name": profile.chosen_name(user),
        "language": language.language_of(user.pk),
        "time_zone": profile.chosen_time_zone(user),
    }


def check_second_factor(request: Request, user: User, code: str | None) -> None:
    if two_factors.missing_for(user):
        raise PermissionDenied(two_factors.PLEASE)
    if not two_factors.has_two_factors(user):
        return
    if not code:
        raise serializers.ValidationError(
            {"code": [_("This account has a second factor: send its current code.")]}
        )
    form = AuthenticateForm(user=user, data={"code": code})
    if not form.is_valid():
        raise serializers.ValidationError({"code": form.errors.get("code", [_("Wrong code.")])})
    form.save()


def check_credentials(request: Request) -> User:
    """The signed-in user, or a 400; repeated failures answer 429 with Retry-After."""
    data = SignInSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    username = data.validated_data["username"]
    address = client_address(request)
    now = timezone.now()
    wait = signin_guard.retry_after(username, address, now)
    if wait > 0:
        raise Throttled(wait=wait, detail=_("Too many failed sign-ins: wait before trying again."))
    # allauth's backend reads the name as an email too, as the sign-in page does (the name
    # once: passing it twice cost a registered email one more hash, a timing tell).
    user = authenticate(
        request._request, username=username, password=data.validated_data["password"]
    )
    if user is None:
        signin_guard.record_failure(username, address, now)
        raise serializers.ValidationError(
            {"non_field_errors": [_("That username and password do not match.")]}
        )
    assert isinstance(user, User)
    try:
        check_second_factor(request, user, data.validated_data.get("code"))
    except serializers.ValidationError:
        # A wrong code counts as a failed sign-in too (allauth also limits codes per account).
        signin_guard.record_failure(username, address, now)
        raise
    signin_guard.record_success(username, address)
    return user


class SignUpView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=SignUpSerializer, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        data = SignUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            user = User.objects.create_user(**data.validated_data)
            # Emails and push messages go in the language the app asked in.
            language.keep_for_new_account(user.pk)
            # Unconfirmed: nothing is sent to it until its owner follows the link mailed now.
            # A registered address is accepted alike (the answer must not tell), and only one
            # account can ever confirm it.
            address = EmailAddress.objects.add_email(
                request._request, user, data.validated_data["email"], confirm=True, signup=True
            )
            address.set_as_primary(conditional=True)
            key, expiry = tokens.issue(user, timezone.now())
        return Response({"token": key, "expires": expiry}, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Sign in for apps and scripts: exchange a username (or email), the password and, when
    the account has one, the second factor's code for a token."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=SignInSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        user = check_credentials(request)
        key, expiry = tokens.issue(user, timezone.now())
        return Response({"token": key, "expires": expiry})


class SessionSignInView(APIView):
    """Sign in for the pages: a session cookie."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=SignInSerializer, responses={200: MeSerializer})
    def post(self, request: Request) -> Response:
        user = check_credentials(request)
        login(request._request, user, backend="django.contrib.auth.backends.ModelBackend")
        # Listed among the person's sessions, so signing out everywhere ends it.
        UserSession.objects.create_from_request(request._request)
        return Response(me(user))


class SignOutView(APIView):
    """Sign out here: this token (or this session) ends."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignOutEverywhereView(APIView):
    """Sign out everywhere: every token and every session of the account end."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        everywhere.sign_out_everywhere(request._request, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/signup", SignUpView.as_view(), name="api-signup"),
    path("auth/token", TokenView.as_view(), name="api-token"),
    path("auth/login", SessionSignInView.as_view(), name="api-login"),
    path("auth/logout", SignOutView.as_view(), name="api-logout"),
    path("auth/logout-everywhere", SignOutEverywhereView.as_view(), name="api-logout-everywhere"),
]
