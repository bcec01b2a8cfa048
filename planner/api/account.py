"""A person's rights over their own data: take a copy of all of it, or delete the account.

Only ever the signed-in person's own data: no id in these paths, so nobody (admins included)
can export or delete someone else through them.

What deleting an account removes is described in planner/accounts/deletion.py, which does it.
The record of who saw the person's data (audit.AccessRecord) goes with them; their own looks
at patients' data stay in those patients' records without their name (SET_NULL).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kit.api.strict import StrictSerializer
from kit.web import client_address, signed_in
from planner.accounts import deletion, export, fhir_records, language, profile
from planner.api.auth import MeSerializer, me


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
    try:
        deletion.confirm_password(
            user, data.validated_data["password"], client_address(request), timezone.now()
        )
    except deletion.TooManyAttempts as exc:
        raise Throttled(
            wait=exc.wait, detail=_("Too many wrong passwords: wait before trying again.")
        ) from exc
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from exc


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


class FhirView(APIView):
    """The signed-in person's own records as a FHIR R4 bundle (planner/accounts/fhir_records.py),
    for a clinic's record system: no id in the path, so nobody gets anyone else's."""

    @extend_schema(
        responses={
            (200, fhir_records.MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Your plans, sessions, pain scores and outcome questionnaires "
                "(LEFS, PSFS) as a FHIR R4 (4.3.0) Bundle of type collection.",
            )
        }
    )
    def get(self, request: Request) -> HttpResponse:
        bundle = fhir_records.bundle_of(
            fhir_records.load(signed_in(request)), settings.SITE_URL, timezone.now()
        )
        # Written as FHIR's own JSON (the library's), not through DRF's renderers, which know
        # nothing of application/fhir+json.
        return HttpResponse(
            bundle.model_dump_json(),
            content_type=fhir_records.MEDIA_TYPE,
            # Health data must not linger in a shared cache.
            headers={"Cache-Control": "private, no-store"},
        )


class NameSerializer(StrictSerializer):
    """What a person changes of her account: either or both."""

    display_name = serializers.CharField(
        allow_blank=True,
        required=False,
        trim_whitespace=False,  # the service strips and checks it, for the pages alike
        help_text="The name shown to the people you share plans with; empty: your username.",
    )
    language = serializers.CharField(
        allow_blank=True,
        required=False,
        trim_whitespace=False,  # the service checks it, for the pages alike
        help_text="The language of your pages, emails and push messages (en, es); empty: your "
        "browser's for pages, English for messages.",
    )
    time_zone = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=64,
        help_text="The IANA time zone your emails show times in (Europe/Madrid); empty: your "
        "latest plan's, else the server's.",
    )


class ClinicSerializer(StrictSerializer):
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    phone = serializers.CharField(allow_blank=True, required=False, default="")
    email = serializers.CharField(allow_blank=True, required=False, default="")
    address = serializers.CharField(allow_blank=True, required=False, default="")


class AccountView(APIView):
    """Who am I, the name I am shown by, the language I read, the time zone of my emails,
    and delete my account."""

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(me(signed_in(request)))

    @extend_schema(request=NameSerializer, responses={200: MeSerializer})
    def patch(self, request: Request) -> Response:
        user = signed_in(request)
        data = NameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        # A domain error is a 400 naming the field (kit.api.errors), and changes nothing.
        with transaction.atomic():
            if "display_name" in changes:
                profile.set_name(user, changes["display_name"])
            if "time_zone" in changes:
                profile.set_time_zone(user, changes["time_zone"])
            if "language" in changes:
                profile.set_language(user, changes["language"])
        if "language" in changes:
            session = getattr(request._request, "session", None)
            if session is not None and language.SESSION_KEY in session:
                # A signed-in browser's pages follow at once (planner.accounts.language); a
                # token's caller has no session to keep it in.
                language.remember(request._request, user.pk)
        return Response(me(user))

    @extend_schema(
        request=ConfirmDeletionSerializer,
        responses={204: OpenApiResponse(description="The account and all its data are gone.")},
    )
    def delete(self, request: Request) -> Response:
        user = signed_in(request)
        confirm_password(request, user)
        deletion.delete_account(user)
        # Also ends the cookie of a session-signed-in caller in this very response.
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClinicView(APIView):
    """A therapist's clinic: printed on their handouts and shown on their patients' plans."""

    @extend_schema(
        responses={
            200: ClinicSerializer,
            404: OpenApiResponse(description="No clinic yet (a runner never has one)."),
        }
    )
    def get(self, request: Request) -> Response:
        clinic = profile.clinic_of(signed_in(request))
        if clinic is None:
            raise NotFound(_("No clinic yet: PUT its details to start one."))
        return Response(ClinicSerializer(clinic).data)

    @extend_schema(request=ClinicSerializer, responses={200: ClinicSerializer})
    def put(self, request: Request) -> Response:
        data = ClinicSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clinic = profile.set_clinic(signed_in(request), **data.validated_data)
        return Response(ClinicSerializer(clinic).data)


urlpatterns = [
    path("me/export", ExportView.as_view(), name="api-me-export"),
    path("account/fhir", FhirView.as_view(), name="api-account-fhir"),
    path("me/clinic", ClinicView.as_view(), name="api-me-clinic"),
    path("me", AccountView.as_view(), name="api-account"),
]
