"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests of mail
a person must get: confirming an address, resetting a password, reminders."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    to: list[str]
    message: EmailMessage
    mail_from: str = ""

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None
        return str(part.get_content())

    def links(self) -> list[str]:
        return re.findall(r"https?://\S+", self.text)


@dataclass
class Sink:
    received: list[Received] = field(default_factory=list)
    # Addresses the server refuses at RCPT, as a server refuses an unknown mailbox.
    refused: set[str] = field(default_factory=set)
    # Whether EHLO offers PIPELINING (RFC 2920), as Postfix and Exim do; aiosmtpd reads
    # commands one line at a time, so it takes them pipelined as well as one by one.
    pipelining: bool = True

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")  # before the last line, "250 HELP"
        return responses

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(
            Received([str(r) for r in envelope.rcpt_tos], message, str(envelope.mail_from))
        )
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.to]


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[Sink]:
    """Mail goes through Django's SMTP backend to a server on 127.0.0.1, as in production."""
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        yield sink
    finally:
        controller.stop()
