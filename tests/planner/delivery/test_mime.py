"""A planner email written out by planner.delivery.mime is, byte for byte, what Django's own
path writes (the boundary, the date and the message id aside, which are new each time); what
mime cannot write plainly goes through Django's path."""

from __future__ import annotations

import re

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.delivery import mime

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
