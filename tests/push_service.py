"""A Web Push service on loopback that does what a browser's push service and the browser do
with a message: it checks the app's VAPID signature (RFC 8292) against the key the app gives
browsers, decrypts the payload with the device's private key (RFC 8291, aes128gcm), and keeps
what it read. A device can be made gone (410) or busy (503), as real push services answer.

Used by the tests of push reminders instead of Google's, Mozilla's or Apple's service, which
the tests cannot reach; the keys and the encryption are the real ones."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's side of a subscription: its keys, and how its push service answers."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    endpoint: str
    status: int = 201

    def subscription(self) -> dict[str, Any]:
        """What the browser's PushSubscription.toJSON() gives the page."""
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)},
        }


@dataclass
class Push:
    token: str
    payload: dict[str, Any]
    signer_key: str
    ttl: int


@dataclass
class PushService:
    origin: str = ""
    devices: dict[str, Device] = field(default_factory=dict)
    received: list[Push] = field(default_factory=list)
    # What a message failed (a bad signature, undecryptable): a test expects none.
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def device(self, status: int = 201) -> Device:
        token = secrets.token_urlsafe(16)
        made = Device(
            token,
            ec.generate_private_key(ec.SECP256R1()),
            secrets.token_bytes(16),
            f"{self.origin}/push/{token}",
            status,
        )
        self.devices[token] = made
        return made

    def to(self, device: Device) -> list[Push]:
        with self.lock:
            return [p for p in self.received if p.token == device.token]

    def take(self, token: str, headers: Any, body: bytes) -> int:
        device = self.devices.get(token)
        if device is None:
            return 404
        try:
            signer_key = self.check_vapid(headers.get("Authorization", ""))
            if headers.get("Content-Encoding") != "aes128gcm":
                raise ValueError(f"content encoding {headers.get('Content-Encoding')!r}")
            ttl = int(headers["TTL"])
            plain = http_ece.decrypt(
                body, private_key=device.private_key, auth_secret=device.auth, version="aes128gcm"
            )
            payload = json.loads(plain)
        except (ValueError, KeyError, InvalidSignature) as exc:
            with self.lock:
                self.problems.append(f"{type(exc).__name__}: {exc}")
            return 400
        if device.status >= 300:
            return device.status
        with self.lock:
            self.received.append(Push(token, payload, signer_key, ttl))
        return 201

    def check_vapid(self, authorization: str) -> str:
        """The sender's public key, once its token is checked: signed by that key (ES256),
        for this service (aud), not expired and valid for at most a day, with a contact."""
        scheme, _, params = authorization.partition(" ")
        if scheme != "vapid":
            raise ValueError(f"authorization scheme {scheme!r}")
        parts = dict(item.strip().split("=", 1) for item in params.split(","))
        token, key = parts["t"], parts["k"]
        header, claims, signature = token.split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        raw = unb64url(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        said = json.loads(unb64url(claims))
        if said["aud"] != self.origin:
            raise ValueError(f"audience {said['aud']!r}")
        if not time.time() < said["exp"] <= time.time() + 24 * 3600:
            raise ValueError(f"expiry {said['exp']}")
        if not str(said["sub"]).startswith(("mailto:", "https:")):
            raise ValueError(f"subject {said['sub']!r}")
        return key


def serve(service: PushService) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as push services do: the sender reuses its connection for a chunk.
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            token = self.path.removeprefix("/push/")
            status = service.take(token, self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    service.origin = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def push_service(settings: Any) -> Iterator[PushService]:
    """The service, and the app told to send to it (it sends to known push services only)."""
    service = PushService()
    server = serve(service)
    settings.PUSH_SERVICES = [service.origin]
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
