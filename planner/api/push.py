"""Push reminders on a device: the key a browser subscribes with, and the person's devices.

Only ever the signed-in person's own devices: a device is added by the browser that runs on it
(its subscription), listed and removed by its owner."""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kit import vapid
from kit.api.strict import StrictSerializer
from kit.web import signed_in
from planner.delivery import devices, push
from planner.models import PushSubscription


class KeySerializer(serializers.Serializer[None]):
    enabled = serializers.BooleanField(help_text="Whether this deployment sends pushes at all.")
    public_key = serializers.CharField(
        help_text="The applicationServerKey to subscribe with (base64url); empty when off."
    )


class DeviceSerializer(serializers.ModelSerializer[PushSubscription]):
    class Meta:
        model = PushSubscription
        fields = ["id", "label", "created_at", "last_sent_at"]
        read_only_fields = fields


class KeysSerializer(StrictSerializer):
    p256dh = serializers.CharField(trim_whitespace=False)
    auth = serializers.CharField(trim_whitespace=False)


class SubscriptionSerializer(StrictSerializer):
    """A browser's PushSubscription as its toJSON() gives it, and a name for the device."""

    endpoint = serializers.CharField(trim_whitespace=False)
    keys = KeysSerializer()
    # Browsers add it (null when the push service sets none); the app keeps no expiry of its
    # own, and the push service's 404 or 410 says when it is gone.
    expirationTime = serializers.IntegerField(required=False, allow_null=True)
    # DRF takes declared fields off the class, so this `label` never shadows Field.label at
    # run time; the stubs cannot know that.
    label = serializers.CharField(  # type: ignore[assignment]
        allow_blank=True, required=False, default="", help_text="What you call the device."
    )


class EndpointSerializer(StrictSerializer):
    endpoint = serializers.CharField(trim_whitespace=False)


class KeyView(APIView):
    @extend_schema(responses={200: KeySerializer})
    def get(self, request: Request) -> Response:
        signed_in(request)
        on = push.enabled()
        key = vapid.public_key(settings.VAPID_PRIVATE_KEY) if on else ""
        return Response({"enabled": on, "public_key": key})


class DevicesView(APIView):
    """The devices push reminders go to: list them, add this one, remove this one."""

    @extend_schema(responses={200: DeviceSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(DeviceSerializer(devices.of(signed_in(request)), many=True).data)

    @extend_schema(request=SubscriptionSerializer, responses={201: DeviceSerializer})
    def post(self, request: Request) -> Response:
        data = SubscriptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        device = devices.subscribe(
            signed_in(request),
            endpoint=given["endpoint"],
            p256dh=given["keys"]["p256dh"],
            auth=given["keys"]["auth"],
            label=given["label"],
        )
        return Response(DeviceSerializer(device).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="push_devices_turn_off",
        request=EndpointSerializer,
        responses={204: OpenApiResponse(description="Push is off on that device.")},
    )
    def delete(self, request: Request) -> Response:
        data = EndpointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not devices.unsubscribe(signed_in(request), data.validated_data["endpoint"]):
            raise NotFound(_("No device of yours has push on at that endpoint."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceView(APIView):
    @extend_schema(responses={204: OpenApiResponse(description="Push is off on that device.")})
    def delete(self, request: Request, device_id: int) -> Response:
        if not devices.forget(signed_in(request), device_id):
            raise NotFound(_("No device of yours with that id."))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("push/key", KeyView.as_view(), name="api-push-key"),
    path("push/devices", DevicesView.as_view(), name="api-push-devices"),
    path("push/devices/<int:device_id>", DeviceView.as_view(), name="api-push-device"),
]
