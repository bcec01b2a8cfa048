"""An email of text with one HTML alternative, written out as bytes without building it in the
email package first.

Django builds every email as a tree of email-package objects and flattens it with its
generator: about 0.9 ms of CPU a reminder, a third of the send path's cost
(bench/delivery_bench.py). A planner email is always the same shape: ASCII headers on one line
each, a text part and an HTML part in UTF-8. For that shape `flatten` writes the same bytes the
generator writes (the boundary, the date and the message id aside, which are new each time;
tests/planner/delivery/test_mime.py compares the two byte for byte). Anything else (a header
that needs encoding or folding, a line too long for SMTP, attachments, more headers) goes
through Django's own path unchanged.
"""

from __future__ import annotations

import contextlib
import random
import re
import smtplib
from email.utils import formatdate, make_msgid
from typing import NoReturn

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT
from django.core.mail.utils import DNS_NAME

# The email package's own line-break pattern and widest header line (compat32 policy).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HEADER_WIDTH = 78
# A header value the generator leaves alone: printable ASCII, not starting with a space, with
# no run of spaces, no "=?" (it would be read as an encoded word) and no line break.
_PLAIN_VALUE = re.compile(r"[!-~](?:[!-~]| (?=[!-~]))*")
# A bare address or a "Name <address>" of plain ASCII words, which Django leaves as it is.
_ADDRESS = r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_PLAIN_ADDRESS = re.compile(rf"{_ADDRESS}|[A-Za-z0-9]+(?: [A-Za-z0-9]+)* <{_ADDRESS}>")


class Flat:
    """What EmailMessage.message() returns, as far as the mail backends use it: the bytes."""

    def __init__(self, text: str) -> None:
        self._text = text

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        text = self._text if linesep == "\n" else self._text.replace("\n", linesep)
        return text.encode("utf-8")

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self._text if linesep == "\n" else self._text.replace("\n", linesep)


class PlannerEmail(EmailMultiAlternatives):
    """EmailMultiAlternatives that flattens itself without the email package when it can."""

    def message(self) -> Flat:  # duck-typed: the backends only flatten it
        text = flatten(self)
        return super().message() if text is None else Flat(text)


def _header(name: str, value: str) -> str | None:
    line = f"{name}: {value}"
    if len(line) > _HEADER_WIDTH or "=?" in value or not _PLAIN_VALUE.fullmatch(value):
        return None
    return line


def _body(content: str) -> tuple[str, str] | None:
    """The part's lines joined by "\\n" and its transfer encoding, or None when a line is too
    long for SMTP (Django then encodes the part quoted-printable)."""
    lines = _LINE_BREAK.split(content)
    for line in lines:
        if len(line) > RFC5322_EMAIL_LINE_LENGTH_LIMIT // 4 and (
            len(line.encode("utf-8", errors="surrogateescape")) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
        ):
            return None
    try:
        content.encode("ascii")
        encoding = "7bit"
    except UnicodeEncodeError:
        try:
            content.encode("utf-8")
        except UnicodeEncodeError:
            return None
        encoding = "8bit"
    return "\n".join(lines), encoding


def _boundary(*parts: str) -> str:
    # The email package's form of boundary, and like it one that no part contains.
    while True:
        boundary = "=" * 15 + f"{random.randrange(2**63):019d}" + "=="
        if not any(boundary in part for part in parts):
            return boundary


def flatten(email: EmailMultiAlternatives) -> str | None:
    """The email as the generator writes it with "\\n" line breaks, or None when it is not a
    plain text-and-HTML email with headers that need no encoding."""
    if (
        email.cc
        or email.bcc  # hand_over gives the envelope the one `to` only
        or email.reply_to
        or email.extra_headers
        or email.attachments
        or len(email.to) != 1
        or len(email.alternatives) != 1
        or email.alternatives[0][1] != "text/html"
        or email.content_subtype != "plain"
        or (email.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8"
        or not email.body
        or not isinstance(email.alternatives[0][0], str)
    ):
        return None
    to, from_email = str(email.to[0]), str(email.from_email)
    if not (_PLAIN_ADDRESS.fullmatch(to) and _PLAIN_ADDRESS.fullmatch(from_email)):
        return None
    headers = [
        line
        for line in (
            _header("Subject", str(email.subject)),
            _header("From", from_email),
            _header("To", to),
        )
        if line is not None
    ]
    text, html = _body(str(email.body)), _body(email.alternatives[0][0])
    if len(headers) < 3 or text is None or html is None:
        return None
    boundary = _boundary(text[0], html[0])
    date = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
    message_id = make_msgid(domain=DNS_NAME)
    lines = [
        f'Content-Type: multipart/alternative;\n boundary="{boundary}"',
        "MIME-Version: 1.0",
        *headers,
        f"Date: {date}",
        f"Message-ID: {message_id}",
        "",
    ]
    for subtype, (content, encoding) in (("plain", text), ("html", html)):
        lines += [
            f"--{boundary}",
            f'Content-Type: text/{subtype}; charset="utf-8"',
            "MIME-Version: 1.0",
            f"Content-Transfer-Encoding: {encoding}",
            "",
            content,
        ]
    lines += [f"--{boundary}--", ""]
    return "\n".join(lines)


def envelope_address(address: str) -> str:
    """smtplib.quoteaddr of a plain address (_PLAIN_ADDRESS) without parsing it again: the
    address in angle brackets ("Name <a@b>" gives "<a@b>")."""
    start = address.find("<")
    return address[start:] if start >= 0 else f"<{address}>"


def hand_over(smtp: smtplib.SMTP, sender: str, recipient: str, message: bytes) -> None:
    """smtplib.SMTP.sendmail(sender, [recipient], message) for the plain addresses `flatten`
    let through: the same commands, answers and errors, without smtplib parsing both addresses
    again (its quoteaddr: a fifth of handing a reminder over, bench/delivery_bench.py).

    To a server that offers PIPELINING (RFC 2920: Postfix, Exim and the big senders do) the
    envelope goes as one group, MAIL, RCPT and DATA, and the three answers are read together:
    two round trips an email instead of four, and half the system calls."""
    smtp.ehlo_or_helo_if_needed()
    size = f" size={len(message)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    mail = f"FROM:{envelope_address(sender)}{size}"
    rcpt = f"TO:{envelope_address(recipient)}"
    if smtp.does_esmtp and smtp.has_extn("pipelining"):
        smtp.send(f"MAIL {mail}\r\nRCPT {rcpt}\r\nDATA\r\n")
        answers = [smtp.getreply() for _ in range(3)]
        (mail_code, _), (rcpt_code, _), (data_code, _) = answers
        if mail_code != 250 or rcpt_code not in (250, 251) or data_code != 354:
            if data_code == 354:
                # A server that took DATA all the same: an empty message ends it.
                smtp.send(b".\r\n")
                smtp.getreply()
            _refused(smtp, sender, recipient, answers)
        _send_data(smtp, message)
        return
    smtp.putcmd("mail", mail)
    code, answer = smtp.getreply()
    if code != 250:
        _give_back(smtp, code)
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    smtp.putcmd("rcpt", rcpt)
    code, answer = smtp.getreply()
    if code not in (250, 251):
        _give_back(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
    code, answer = smtp.data(message)
    if code != 250:
        _give_back(smtp, code)
        raise smtplib.SMTPDataError(code, answer)


# A line of the message starting with a period gets a second one (RFC 5321 4.5.2).
_LEADING_PERIOD = re.compile(rb"(?m)^\.")


def _send_data(smtp: smtplib.SMTP, message: bytes) -> None:
    """The message after a 354, as smtplib.SMTP.data sends it, and its answer."""
    quoted = _LEADING_PERIOD.sub(b"..", message)
    if not quoted.endswith(b"\r\n"):
        quoted += b"\r\n"
    smtp.send(quoted + b".\r\n")
    code, answer = smtp.getreply()
    if code != 250:
        _give_back(smtp, code)
        raise smtplib.SMTPDataError(code, answer)


def _refused(
    smtp: smtplib.SMTP, sender: str, recipient: str, answers: list[tuple[int, bytes]]
) -> NoReturn:
    """The error sendmail raises for the first refusal of a pipelined envelope."""
    (mail_code, mail_answer), (rcpt_code, rcpt_answer), (data_code, data_answer) = answers
    first = (
        mail_code if mail_code != 250 else rcpt_code if rcpt_code not in (250, 251) else data_code
    )
    _give_back(smtp, first)
    if mail_code != 250:
        raise smtplib.SMTPSenderRefused(mail_code, mail_answer, sender)
    if rcpt_code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (rcpt_code, rcpt_answer)})
    raise smtplib.SMTPDataError(data_code, data_answer)


def _give_back(smtp: smtplib.SMTP, code: int) -> None:
    """As sendmail leaves the connection after a refusal: closed on 421, else reset."""
    if code == 421:
        smtp.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()
