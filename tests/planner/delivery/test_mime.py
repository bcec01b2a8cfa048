"""A planner email written out by planner.delivery.mime is, byte for byte, what Django's own
path writes (the boundary, the date and the message id aside, which are new each time); what
mime cannot write plainly goes through Django's path."""

from __future__ import annotations

import re
import smtplib

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.delivery import mime
from tests.smtp_sink import Sink

FROM = "Rehab planner <planner@localhost>"

# What changes from one flattening to the next, whoever flattens.
_BOUNDARY = re.compile(rb"===============\d{19}==")
_DATE = re.compile(rb"^Date: .*$", re.MULTILINE)
_MESSAGE_ID = re.compile(rb"^Message-ID: .*$", re.MULTILINE)


def as_django(email: EmailMultiAlternatives) -> bytes:
    return EmailMultiAlternatives.message(email).as_bytes(linesep="\r\n")


def as_planner(email: EmailMultiAlternatives) -> bytes:
    return mime.PlannerEmail.message(email).as_bytes(linesep="\r\n")  # type: ignore[arg-type]


def steady(flat: bytes) -> bytes:
    flat = _BOUNDARY.sub(b"BOUNDARY", flat)
    flat = _DATE.sub(b"Date: DATE\r", flat)
    return _MESSAGE_ID.sub(b"Message-ID: ID\r", flat)


def email(subject: str, text: str, html: str, to: str = "rosa@example.test") -> mime.PlannerEmail:
    message = mime.PlannerEmail(subject, text, from_email=FROM, to=[to])
    message.attach_alternative(html, "text/html")
    return message


REMINDER_TEXT = (
    "Week 2, Monday 2 March: today's exercises\n\n- Wall sit: 3 sets of 30 s\n"
    "- Side plank: 3 x 20 s each side\n\nLog today's session: https://planner.example/plans/1/\n"
)
REMINDER_HTML = '<!doctype html>\n<html lang="en"><body>\n<h1>Week 2</h1>\n</body></html>\n'


def test_a_reminder_is_written_as_django_writes_it() -> None:
    message = email("Your exercises for today", REMINDER_TEXT, REMINDER_HTML)
    planner, django = as_planner(message), as_django(message)
    assert isinstance(mime.PlannerEmail.message(message), mime.Flat)
    assert steady(planner) == steady(django)
    assert b"Content-Transfer-Encoding: 7bit" in planner


def test_accents_go_as_8bit_utf8_as_in_django() -> None:
    message = email(
        "Tus ejercicios de hoy", "Sentadilla en la pared: 3 series de 30 s é\n", "<p>Rodilla ñ</p>"
    )
    planner = as_planner(message)
    assert isinstance(mime.PlannerEmail.message(message), mime.Flat)
    assert steady(planner) == steady(as_django(message))
    assert "3 series de 30 s é".encode() in planner
    assert b"Content-Transfer-Encoding: 8bit" in planner


@pytest.mark.parametrize(
    ("subject", "to", "text"),
    [
        ("Tus ejercicios de hoy: rodilla", "rosa@example.test", "x"),  # fine, for contrast
        ("Ejercicios para mañana", "rosa@example.test", "x"),  # a subject to encode
        ("A" * 80, "rosa@example.test", "x"),  # a subject to fold
        ("Two  spaces", "rosa@example.test", "x"),
        ("=?utf-8?q?looks_encoded?=", "rosa@example.test", "x"),
        ("Your exercises", "rosé@example.test", "x"),  # an address to encode
        ("Your exercises", "Rosa O'Neil <rosa@example.test>", "x"),  # a name to quote
        ("Your exercises", "rosa@example.test", "x" * 999),  # a line too long for SMTP
        ("Your exercises", "rosa@example.test", "é" * 500),  # too long in bytes
    ],
)
def test_what_cannot_be_written_plainly_is_written_by_django(
    subject: str, to: str, text: str
) -> None:
    message = email(subject, text, "<p>x</p>", to=to)
    assert steady(as_planner(message)) == steady(as_django(message))


def test_anything_but_text_and_html_is_left_to_django() -> None:
    message = email("Your exercises for today", "x", "<p>x</p>")
    message.attach("plan.ics", "BEGIN:VCALENDAR", "text/calendar")
    assert isinstance(mime.PlannerEmail.message(message), SafeMIMEMultipart)
    assert steady(as_planner(message)) == steady(as_django(message))
    hidden = email("Your exercises for today", "x", "<p>x</p>")
    hidden.bcc = ["theo@example.com"]
    assert isinstance(mime.PlannerEmail.message(hidden), SafeMIMEMultipart)


def test_the_boundary_is_in_no_part() -> None:
    message = email("Your exercises", "===============", "<p>==</p>")
    flat = as_planner(message)
    boundary = _BOUNDARY.search(flat)
    assert boundary is not None
    assert flat.count(boundary.group()) == 4  # the header, two parts, the end


# Text as templates and people write it: any character, breaks of every kind, long lines.
pieces = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["\n", "\r\n", "\r", " ", ".", "From ", "--", "=", "\t", "x" * 400]),
)
bodies = st.lists(pieces, max_size=30).map("".join)
subjects = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=90)
addresses = st.from_regex(r"\A[a-z0-9][a-z0-9._+-]{0,20}@[a-z0-9-]{1,10}(\.[a-z]{2,6}){1,2}\Z")


@settings(max_examples=300, deadline=None)
@given(subject=subjects, text=bodies, html=bodies, to=addresses)
def test_any_message_is_written_as_django_writes_it(
    subject: str, text: str, html: str, to: str
) -> None:
    message = email(subject, text, html, to=to)
    try:
        django = as_django(message)
    except ValueError:
        # Django refuses it (a malformed address); the planner path must not accept it either.
        with pytest.raises(ValueError):
            as_planner(message)
        return
    assert steady(as_planner(message)) == steady(django)


# --- Handing a plain email over: smtplib's sendmail without parsing its addresses again -------

# Every address flatten lets through as plain, as its own pattern generates them.
plain_addresses = st.from_regex(mime._PLAIN_ADDRESS, fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(address=plain_addresses)
def test_a_plain_address_goes_in_the_envelope_as_smtplib_writes_it(address: str) -> None:
    assert mime.envelope_address(address) == smtplib.quoteaddr(address)


def smtp_to(sink_settings: object) -> smtplib.SMTP:
    return smtplib.SMTP(
        sink_settings.EMAIL_HOST,  # type: ignore[attr-defined]
        sink_settings.EMAIL_PORT,  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("pipelining", [True, False])
def test_an_email_handed_over_arrives_as_sendmail_hands_it(
    smtp_sink: Sink, settings: object, pipelining: bool
) -> None:
    smtp_sink.pipelining = pipelining
    # A line starting with a period goes with a second one and arrives as written.
    flat = as_planner(email("Your exercises for today", ".Clamshells: 10\n.", "<p>10</p>"))
    data = flat
    sender = "Rehab Planner <planner@example.com>"
    with smtp_to(settings) as smtp:
        mime.hand_over(smtp, sender, "rosa@example.com", data)
        smtp.sendmail(sender, ["rosa@example.com"], data)

    ours, smtplibs = smtp_sink.received
    assert (ours.mail_from, ours.to) == (smtplibs.mail_from, smtplibs.to)
    assert (ours.mail_from, ours.to) == ("planner@example.com", ["rosa@example.com"])
    assert ours.message.as_bytes() == smtplibs.message.as_bytes()
    assert b"\n.Clamshells: 10\n.\n" in ours.message.as_bytes()


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_refused_address_raises_as_sendmail_does_and_the_next_email_goes(
    smtp_sink: Sink, settings: object, pipelining: bool
) -> None:
    smtp_sink.pipelining = pipelining
    smtp_sink.refused.add("gone@example.com")
    data = b"Subject: x\r\n\r\nx\r\n"
    with smtp_to(settings) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("pipelining") is pipelining
        with pytest.raises(smtplib.SMTPRecipientsRefused) as ours:
            mime.hand_over(smtp, "planner@example.com", "gone@example.com", data)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as smtplibs:
            smtp.sendmail("planner@example.com", ["gone@example.com"], data)
        mime.hand_over(smtp, "planner@example.com", "rosa@example.com", data)

    assert ours.value.recipients == smtplibs.value.recipients
    assert ours.value.recipients["gone@example.com"][0] == 550
    assert [received.to for received in smtp_sink.received] == [["rosa@example.com"]]
