"""Sign up, sign in (token or session), sign out, and who am I."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kit.api.strict import StrictSerializer
from kit.web import client_address
from planner.access import role_of
from planner.accounts import signin_guard


class SignUpSerializer(StrictSerializer):
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$", max_length=150)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    def validate_username(self, value: str) -> str:
        # As Django stores and checks a username (NFKC): a fullwidth spelling of a taken name
        # is that name, taken, not a second account (nor, stored, a duplicate key's 500).
        value = User.normalize_username(value)
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("This username is taken.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from exc
        return attrs


class SignInSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.CharField()


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()


def me(user: User) -> dict[str, Any]:
    return {"id": user.pk, "username": user.username, "email": user.email, "role": role_of(user)}


def check_credentials(request: Request) -> User:
    """The signed-in user, or a 400; repeated failures answer 429 with Retry-After."""
    data = SignInSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    username = data.validated_data["username"]
    address = client_address(request)
    now = timezone.now()
    wait = signin_guard.retry_after(username, address, now)
    if wait > 0:
        raise Throttled(wait=wait, detail="Too many failed sign-ins: wait before trying again.")
    user = authenticate(request, username=username, password=data.validated_data["password"])
    if user is None:
        signin_guard.record_failure(username, address, now)
        raise serializers.ValidationError(
            {"non_field_errors": ["That username and password do not match."]}
        )
    signin_guard.record_success(username, address)
    assert isinstance(user, User)
    return user


class SignUpView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=SignUpSerializer, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        data = SignUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            user = User.objects.create_user(**data.validated_data)
            token = Token.objects.create(user=user)
        return Response({"token": token.key}, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Sign in for apps and scripts: exchange a username and password for a token."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=SignInSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        user = check_credentials(request)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class SessionSignInView(APIView):
    """Sign in for the pages: a session cookie."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=SignInSerializer, responses={200: MeSerializer})
    def post(self, request: Request) -> Response:
        user = check_credentials(request)
        login(request._request, user)
        return Response(me(user))


class SignOutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.user, User):
            Token.objects.filter(user=request.user).delete()
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/signup", SignUpView.as_view(), name="api-signup"),
    path("auth/token", TokenView.as_view(), name="api-token"),
    path("auth/login", SessionSignInView.as_view(), name="api-login"),
    path("auth/logout", SignOutView.as_view(), name="api-logout"),
]
