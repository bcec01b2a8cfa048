"""A person's rights over their own data: take a copy of all of it, or delete the account.

Only ever the signed-in person's own data: no id in these paths, so nobody (admins included)
can export or delete someone else through them.

Deleting an account removes everything personal at once: the person's plans and, through
them, their exercises, dose history, session logs, warning-sign reports, reminders,
deliveries and calendar feeds; their notifications; their care links, both as runner and as
therapist; their API tokens and sign-in sessions; the record of who saw their data
(audit.AccessRecord, CASCADE). Their own looks at patients' data stay in those patients'
records without their name (SET_NULL): the record belongs to the patient. A therapist who
deletes their account leaves their patients' plans in place: `Plan.assigned_by` and
`DoseChange.decided_by` become empty (SET_NULL), so the dose history keeps its reasons but no
longer names who decided.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conditions.api.strict import StrictSerializer
from planner import export, signin_guard
from planner.api.auth import MeSerializer, client_address, me
from planner.api.people import signed_in

# The session engines that keep sessions in the database, where a person's can be found.
DATABASE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)


class ConfirmDeletionSerializer(StrictSerializer):
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="The account's password, asked again: deletion cannot be undone.",
    )


def confirm_password(request: Request, user: User) -> None:
    """A 400 naming `password` unless it is the account's; repeated failures answer 429, as
    at sign-in, so a stolen token cannot be used to guess the password here."""
    data = ConfirmDeletionSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    address = client_address(request)
    now = timezone.now()
    wait = signin_guard.retry_after(user.username, address, now)
    if wait > 0:
        raise Throttled(wait=wait, detail="Too many wrong passwords: wait before trying again.")
    if not user.check_password(data.validated_data["password"]):
        signin_guard.record_failure(user.username, address, now)
        raise serializers.ValidationError({"password": ["That is not your password."]})
    signin_guard.record_success(user.username, address)


def end_sessions(user_id: int) -> None:
    """Delete every stored sign-in session of a person.

    Sessions carry no user column, so this reads them all; deleting an account is rare enough
    for that. With a session engine that cannot be listed (cache, cookies) the sessions stay,
    but they can no longer sign anyone in: their user is gone.
    """
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs = [
        session.session_key
        for session in Session.objects.iterator(chunk_size=2000)
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    for key in theirs:
        # Through the store, so a cached_db engine forgets its cached copy too.
        store(session_key=key).delete()


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the person and, by the CASCADEs on every table that refers to them, all of
    their data (see the module docstring); tokens go the same way."""
    user_id = user.pk
    user.delete()
    end_sessions(user_id)


class ExportView(APIView):
    @extend_schema(
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Everything the planner holds about you, as a JSON file to keep.",
            )
        }
    )
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        now = timezone.now()
        filename = f"rehab-planner-export-{now.date().isoformat()}.json"
        return Response(
            export.collect(user, now),
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                # A copy of someone's health data must not linger in a shared cache.
                "Cache-Control": "private, no-store",
            },
        )


class AccountView(APIView):
    """Who am I, and delete my account."""

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(me(signed_in(request)))

    @extend_schema(
        request=ConfirmDeletionSerializer,
        responses={204: OpenApiResponse(description="The account and all its data are gone.")},
    )
    def delete(self, request: Request) -> Response:
        user = signed_in(request)
        confirm_password(request, user)
        delete_account(user)
        # Also ends the cookie of a session-signed-in caller in this very response.
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("me/export", ExportView.as_view(), name="api-me-export"),
    path("me", AccountView.as_view(), name="api-account"),
]
