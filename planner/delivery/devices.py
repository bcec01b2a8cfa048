"""The devices a person turned push reminders on for: added when a browser subscribes, removed
when it unsubscribes, when she signs out on it, or when its push service says it is gone.

Push is chosen per device: a phone may take pushes while the laptop does not. A device belongs
to the person signed in on it last: a browser's subscription is its own, so the account that
sends it now is the one whose reminders it shows."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kit.text import plain_text
from planner.models import PushSubscription

# The endpoint this browser turned on through the pages, kept in its session.
SESSION_KEY = "planner_push_endpoint"
# Each phone, tablet and browser a person uses; a new one past this drops the oldest.
MOST_DEVICES = 10
ENDPOINT_MAX = PushSubscription._meta.get_field("endpoint").max_length or 1000
LABEL_MAX = PushSubscription._meta.get_field("label").max_length or 120


def service_allowed(endpoint: str, services: Sequence[str]) -> bool:
    """Whether `endpoint` is at one of the push services the deployment sends to: the same
    scheme and host (a "*." host admits its subdomains), on the scheme's port or the one named."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return False
    for service in services:
        allowed = urlsplit(service)
        if parts.scheme != allowed.scheme or port != allowed.port:
            continue
        pattern = (allowed.hostname or "").lower()
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
        if host == pattern:
            return True
    return False


def _key(value: str, field: str, size: int) -> str:
    """A base64url key of `size` bytes, as browsers give them (padding optional)."""
    text = value.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size or (field == "p256dh" and raw[0] != 4):
        raise ValidationError(
            {field: [_("The browser's key: %(size)d bytes in base64url.") % {"size": size}]}
        )
    return text.rstrip("=")


def checked(endpoint: str, p256dh: str, auth: str) -> tuple[str, str, str]:
    """A subscription's parts, or a ValidationError naming the first part that is wrong."""
    address = endpoint.strip()
    if not address or len(address) > ENDPOINT_MAX:
        raise ValidationError(
            {
                "endpoint": [
                    _("The push service's address, at most %(most)d characters.")
                    % {"most": ENDPOINT_MAX}
                ]
            }
        )
    if not service_allowed(address, settings.PUSH_SERVICES):
        raise ValidationError({"endpoint": [_("This push service is not one this app sends to.")]})
    # A P-256 public key as an uncompressed point; a 16-byte secret (RFC 8291, section 3).
    return address, _key(p256dh, "p256dh", 65), _key(auth, "auth", 16)


@transaction.atomic
def subscribe(
    person: AbstractBaseUser, *, endpoint: str, p256dh: str, auth: str, label: str = ""
) -> PushSubscription:
    """Turn push on for the device whose browser sent this subscription; the same device
    subscribing again (a new key, another account) replaces what was kept of it."""
    address, public_key, secret = checked(endpoint, p256dh, auth)
    name = plain_text(label, "label", LABEL_MAX)
    PushSubscription.objects.filter(endpoint=address).delete()
    device = PushSubscription.objects.create(
        user_id=person.pk, endpoint=address, p256dh=public_key, auth=secret, label=name
    )
    kept = list(
        PushSubscription.objects.filter(user_id=person.pk)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[MOST_DEVICES:]
    )
    if kept:
        PushSubscription.objects.filter(pk__in=kept).delete()
    return device


def unsubscribe(person: AbstractBaseUser, endpoint: str) -> bool:
    """Turn push off for the person's device at `endpoint`; whether it was on."""
    deleted, _counts = PushSubscription.objects.filter(
        user_id=person.pk, endpoint=endpoint.strip()
    ).delete()
    return deleted > 0


def forget(person: AbstractBaseUser, device_id: int) -> bool:
    """Turn push off for one of the person's devices, from another (its list on the page)."""
    deleted, _counts = PushSubscription.objects.filter(user_id=person.pk, pk=device_id).delete()
    return deleted > 0


def of(person: AbstractBaseUser) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user_id=person.pk).order_by("created_at", "pk"))


def on_signed_out(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    """Signing out on a browser turns push off for it: its next person must not get this one's
    reminders (the lock screen shows them to whoever holds the device)."""
    if request is None or user is None or not hasattr(request, "session"):
        return
    endpoint = request.session.get(SESSION_KEY)
    if endpoint:
        unsubscribe(user, str(endpoint))
