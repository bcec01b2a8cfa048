"""Email backends that fail the way real mail servers do, for the sending tests."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """The server refuses the recipient: a bad address, for good."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (550, b"No such user") for m in email_messages}
        )


class UnreachableBackend(BaseEmailBackend):
    """The server cannot be reached right now."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError(111, "Connection refused")
