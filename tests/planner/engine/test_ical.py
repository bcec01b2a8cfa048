"""iCalendar text as calendar applications read it: escaped values, folded lines, CRLF."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from planner.engine import ical


def unfold(text: str) -> list[str]:
    """The content lines of a calendar, as RFC 5545 3.1 tells a reader to unfold them."""
    return text.replace("\r\n ", "").split("\r\n")[:-1]


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("Clamshells, bridges; side plank", "Clamshells\\, bridges\\; side plank"),
        ("C:\\temp", "C:\\\\temp"),
        ("one\ntwo\r\nthree\rfour", "one\\ntwo\\nthree\\nfour"),
        # The backslash first: escaping it afterwards would double the others' backslashes.
        ("\\,", "\\\\\\,"),
        ("plain text", "plain text"),
    ],
)
def test_text_values_escape_backslash_semicolon_comma_and_line_breaks(
    value: str, escaped: str
) -> None:
    assert ical.escape_text(value) == escaped


def test_a_short_line_is_left_alone() -> None:
    assert ical.fold_line("SUMMARY:Rehab") == "SUMMARY:Rehab"


def test_a_line_of_exactly_75_octets_is_not_folded() -> None:
    line = "X" * 75

    assert ical.fold_line(line) == line


def test_long_lines_fold_at_75_octets_with_a_leading_space() -> None:
    line = "DESCRIPTION:" + "a" * 200

    folded = ical.fold_line(line).split("\r\n")

    # 212 octets: 75 on the first line, then a space and 74, then a space and the last 63.
    assert [len(part.encode()) for part in folded] == [75, 75, 64]
    assert all(part.startswith(" ") for part in folded[1:])
    assert "".join(part[1:] if i else part for i, part in enumerate(folded)) == line


def test_folding_never_splits_a_multi_byte_character() -> None:
    # "ü" is two octets and "💪" four: a naive cut at 75 octets would land inside them.
    line = "SUMMARY:" + "Übungen für die Hüfte 💪 " * 10

    folded = ical.fold_line(line).split("\r\n")

    assert all(len(part.encode("utf-8")) <= 75 for part in folded)
    assert len(folded) > 2
    for part in folded:
        part.encode("utf-8").decode("utf-8")  # each physical line is valid UTF-8 on its own
    assert unfold(ical.fold_line(line) + "\r\n") == [line]


def test_a_line_break_inside_a_content_line_is_refused() -> None:
    with pytest.raises(ValueError, match="line break"):
        ical.fold_line("SUMMARY:one\ntwo")


def test_an_event_is_written_in_utc_from_any_offset() -> None:
    berlin_summer = timezone(timedelta(hours=2))
    start = datetime(2026, 6, 1, 7, 30, tzinfo=berlin_summer)

    lines = ical.event(
        uid="plan-1-2026-06-01@rehab-planner",
        start=start,
        end=start + timedelta(minutes=30),
        stamp=datetime(2026, 5, 31, 12, 0, tzinfo=UTC),
        summary="Rehab: Clamshells, Bridges",
        description="Clamshells: 1 set of 10 per side\nBridges: 2 sets of 12",
        url="https://planner.example/plans/1/day/2026-06-01/",
    )

    assert lines == [
        "BEGIN:VEVENT",
        "UID:plan-1-2026-06-01@rehab-planner",
        "DTSTAMP:20260531T120000Z",
        "DTSTART:20260601T053000Z",
        "DTEND:20260601T060000Z",
        "SUMMARY:Rehab: Clamshells\\, Bridges",
        "DESCRIPTION:Clamshells: 1 set of 10 per side\\nBridges: 2 sets of 12",
        "URL:https://planner.example/plans/1/day/2026-06-01/",
        "END:VEVENT",
    ]


def test_an_event_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        ical.event(
            uid="x",
            start=datetime(2026, 6, 1, 7, 30),
            end=datetime(2026, 6, 1, 8, 0),
            stamp=datetime(2026, 6, 1, tzinfo=UTC),
            summary="x",
        )


def test_a_calendar_is_crlf_terminated_folded_and_balanced() -> None:
    start = datetime(2026, 6, 1, 5, 30, tzinfo=UTC)
    events = [
        ical.event(
            uid=f"plan-1-{n}@rehab-planner",
            start=start + timedelta(days=n),
            end=start + timedelta(days=n, minutes=30),
            stamp=start,
            summary="Rehab: " + ", ".join(["Piriformis stretch"] * 6),
        )
        for n in range(2)
    ]

    text = ical.calendar(events, name="Rehab: IT band; home program")

    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{ical.PRODID}"]
    assert lines[-1] == "END:VCALENDAR"
    assert "X-WR-CALNAME:Rehab: IT band\\; home program" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
