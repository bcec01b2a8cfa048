"""Sending a chunk's push deliveries: each to every device its person turned push on for,
encrypted to the device (RFC 8291, by pywebpush) and signed as this app's (VAPID, RFC 8292).

What a push says shows on a lock screen, where anyone nearby reads it: the title is the email's
subject, which names no condition, exercise, dose or pain (planner.delivery.compose), and the
body only says where to look. The words themselves are in the app, behind its sign-in.

A device whose push service answers 404 or 410 is gone (the person turned notifications off in
the browser, or reset it): it is removed and never tried again. A delivery is sent when at least
one device took it; tried again, with the email's backoff, only when none took it and one might
later (a push service busy or away); failed when every device refused it for good."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from kit import vapid
from planner.models import PushSubscription

logger = logging.getLogger(__name__)

# How long a push service keeps a message for a device that is off: a day's reminder read the
# next morning would only mislead.
TIME_TO_LIVE = 6 * 60 * 60
# A signed VAPID token is good for at most 24 hours (RFC 8292); a chunk's is made for 12.
TOKEN_LIFETIME = 12 * 60 * 60
TIMEOUT_SECONDS = 10.0


class Verdict(Enum):
    TAKEN = "taken"
    GONE = "gone"
    LATER = "later"
    REFUSED = "refused"


def verdict(status: int | None) -> Verdict:
    """What a push service's answer means for the device (None: no answer at all)."""
    if status is None or status == 429 or status >= 500:
        return Verdict.LATER
    if 200 <= status < 300:
        return Verdict.TAKEN
    if status in (404, 410):
        return Verdict.GONE
    return Verdict.REFUSED


def delivery_state(verdicts: Sequence[Verdict]) -> str:
    """How a push delivery ends from its devices' verdicts: "sent" when one took it, "retry"
    when none did and one might later, "failed" when every one refused it or was gone, and
    "skipped" when there was no device to send to."""
    if not verdicts:
        return "skipped"
    if Verdict.TAKEN in verdicts:
        return "sent"
    if Verdict.LATER in verdicts:
        return "retry"
    return "failed"


def body_of(kind: str) -> str:
    """The push's second line: where to look, never what is there."""
    if kind == "nudge":
        return _("Log today's session when you have done it.")
    if kind == "outcomes":
        return _("Open the app to answer them.")
    if kind == "progression":
        return _("Open the app to see what changes.")
    return _("Open the app to see today's plan.")


def payload(title: str, body: str, link: str, tag: str) -> str:
    """What the service worker shows (planner/pages/service_worker.js): one notification per tag,
    so a second push of the same kind replaces the first rather than piling up."""
    return json.dumps({"title": title, "body": body, "url": link, "tag": tag}, ensure_ascii=False)


@dataclass
class Sender:
    """Sends one chunk's pushes over one HTTP session, signing once per push service."""

    session: requests.Session = field(default_factory=requests.Session)
    signed: dict[str, dict[str, str]] = field(default_factory=dict)
    expires_at: int = field(default_factory=lambda: int(time.time()) + TOKEN_LIFETIME)

    def headers(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        if audience not in self.signed:
            self.signed[audience] = vapid.headers(
                settings.VAPID_PRIVATE_KEY, audience, settings.VAPID_SUBJECT, self.expires_at
            )
        return self.signed[audience]

    def send(self, device: PushSubscription, data: str) -> Verdict:
        try:
            webpush(
                subscription_info={
                    "endpoint": device.endpoint,
                    "keys": {"p256dh": device.p256dh, "auth": device.auth},
                },
                data=data,
                headers=self.headers(device.endpoint),
                ttl=TIME_TO_LIVE,
                timeout=TIMEOUT_SECONDS,
                requests_session=self.session,
            )
        except WebPushException as refused:
            response = refused.response
            status = getattr(response, "status_code", None)
            logger.warning("push to device %s answered %s", device.pk, status)
            return verdict(status)
        except requests.RequestException as exc:
            logger.warning("push to device %s: %s", device.pk, type(exc).__name__)
            return verdict(None)
        return Verdict.TAKEN

    def close(self) -> None:
        self.session.close()


def enabled() -> bool:
    """Whether this deployment can sign pushes (production needs VAPID_PRIVATE_KEY)."""
    return bool(settings.VAPID_PRIVATE_KEY)


def gone(devices: Iterable[int]) -> None:
    """Forget devices whose push service says they are no more."""
    ids = list(devices)
    if ids:
        PushSubscription.objects.filter(pk__in=ids).delete()
