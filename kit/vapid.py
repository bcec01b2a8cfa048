"""The app's push signing key (VAPID, RFC 8292): made, read and used to sign, by py-vapid.

A key travels as one line: its raw 32-byte P-256 private value in base64url, the form push
tools print and an environment variable holds without quoting. Browsers ask for the public
half (the `applicationServerKey` of a subscription) as the 65-byte uncompressed point, also in
base64url."""

from __future__ import annotations

import base64
import functools

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def new_private_key() -> str:
    """A fresh private key, as one base64url line."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


@functools.cache
def signer(private_key: str) -> Vapid02:
    """The key, read once per process (reading it costs more than signing with it)."""
    return Vapid02.from_string(private_key)


def public_key(private_key: str) -> str:
    """The public half, as a browser's PushManager.subscribe wants it."""
    point = signer(private_key).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


def headers(private_key: str, audience: str, subject: str, expires_at: int) -> dict[str, str]:
    """The Authorization header that lets a push service (`audience`, its origin) know the
    message comes from this app: a signed token valid until `expires_at` (Unix time, at most
    24 hours on, RFC 8292 section 2)."""
    claims = {"aud": audience, "exp": expires_at, "sub": subject}
    signed: dict[str, str] = signer(private_key).sign(claims)
    return signed
