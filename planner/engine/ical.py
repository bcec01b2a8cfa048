"""iCalendar (RFC 5545) text from plain values: no ORM, no request, no clock read inside.

Times are written in UTC ("...Z"), so a calendar needs no VTIMEZONE component: the caller
turns each local time into its instant, and every calendar application shows it in its
viewer's own zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

PRODID = "-//Rehab planner//Calendar feed 1//EN"
# RFC 5545 3.1: content lines SHOULD NOT be longer than 75 octets, excluding the line break.
MAX_LINE_OCTETS = 75
CRLF = "\r\n"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, any line break
    written as the two characters \\n."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """One content line folded into physical lines of at most 75 octets (RFC 5545 3.1).

    Each continuation starts with a space, which counts towards its 75 octets; a multi-byte
    UTF-8 character is never split across lines.
    """
    if "\r" in line or "\n" in line:
        # An unescaped line break would end the property early: a bug in the caller.
        raise ValueError("a content line must not contain a line break; escape the value")
    physical: list[str] = []
    current = ""
    room = MAX_LINE_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if size > room:
            physical.append(current)
            current = " "
            room = MAX_LINE_OCTETS - 1
        current += char
        room -= size
    physical.append(current)
    return CRLF.join(physical)


def utc_stamp(instant: datetime) -> str:
    """A DATE-TIME in UTC form (RFC 5545 3.3.5, form #2): 20260302T063000Z."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        # A naive time would be read as floating local time by every viewer: never right here.
        raise ValueError(f"{instant.isoformat()} has no time zone; pass a timezone-aware datetime")
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event(
    *,
    uid: str,
    start: datetime,
    end: datetime,
    stamp: datetime,
    summary: str,
    description: str = "",
    url: str = "",
) -> list[str]:
    """One VEVENT as unfolded content lines, from BEGIN to END."""
    if end <= start:
        raise ValueError("an event must end after it starts")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(uid)}",
        f"DTSTAMP:{utc_stamp(stamp)}",
        f"DTSTART:{utc_stamp(start)}",
        f"DTEND:{utc_stamp(end)}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if url:
        # A URI value (RFC 5545 3.3.13): written as it is, never escaped as text.
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Sequence[str]], name: str) -> str:
    """A whole VCALENDAR: every content line folded, each ended by CRLF."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        # NAME is RFC 7986; X-WR-CALNAME is what Apple and Google calendars read.
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for lines_of_event in events:
        lines.extend(lines_of_event)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines)
