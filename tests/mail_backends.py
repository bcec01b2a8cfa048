"""Email backends that fail the way real mail servers do, for the sending tests."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends import filebased
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


class RefusingInvalidDomainsBackend(filebased.EmailBackend):
    """Files messages like the development backend, but the server refuses recipients at
    `.invalid` domains (reserved by RFC 2606, so never a real address): a bad address among
    good ones. The sending tests of whole processes read the files it writes."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        refused = {
            to: (550, b"No such user")
            for message in email_messages
            for to in message.to
            if to.endswith(".invalid")
        }
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(email_messages)
