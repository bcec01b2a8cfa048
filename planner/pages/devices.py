"""Push reminders on a device, from the page: turn them on for the browser in hand (its
script sends the subscription the browser made), off for it or for any other device listed.

The endpoint a browser turned on through this session is kept in the session: signing out here
turns push off for this browser (planner.delivery.devices.on_signed_out), so the next person to
use it never gets the last one's reminders."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kit import vapid
from kit.web import signed_in
from planner.access import is_therapist
from planner.delivery import devices, push


@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    on = push.enabled()
    return render(
        request,
        "pages/account/push.html",
        {
            "enabled": on,
            "public_key": vapid.public_key(settings.VAPID_PRIVATE_KEY) if on else "",
            "devices": devices.of(person),
            # The service worker, which shows pushes, is a runner's (planner.pages.app).
            "for_runners": not is_therapist(person),
            "this_device": request.session.get(devices.SESSION_KEY, ""),
        },
    )


def _json_body(request: HttpRequest) -> dict[str, object]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ValidationError({"body": [_("A JSON object.")]})
    return body


@require_POST
@login_required
def turn_on(request: HttpRequest) -> HttpResponse:
    """The browser's subscription (PushSubscription.toJSON() and a label), as JSON."""
    try:
        body = _json_body(request)
        keys = body.get("keys")
        keys = keys if isinstance(keys, dict) else {}
        device = devices.subscribe(
            signed_in(request),
            endpoint=str(body.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            label=str(body.get("label") or ""),
        )
    except ValidationError as refused:
        return JsonResponse({"errors": refused.message_dict}, status=400)
    request.session[devices.SESSION_KEY] = device.endpoint
    return JsonResponse({"id": device.pk, "label": device.label}, status=201)


@require_POST
@login_required
def turn_off(request: HttpRequest, device_id: int) -> HttpResponse:
    """One of the person's devices, from the list (a form: works without the script)."""
    person = signed_in(request)
    kept = {d.pk: d for d in devices.of(person)}
    # Another person's device, or one already off: nothing of it is said.
    if device_id not in kept or not devices.forget(person, device_id):
        raise Http404
    if kept[device_id].endpoint == request.session.get(devices.SESSION_KEY):
        del request.session[devices.SESSION_KEY]
    messages.success(request, _("Push reminders are off on that device."))
    return redirect("push-devices")


urlpatterns = [
    path("account/push/", device_list, name="push-devices"),
    path("account/push/on/", turn_on, name="push-on"),
    path("account/push/<id:device_id>/off/", turn_off, name="push-off"),
]
