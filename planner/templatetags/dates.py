"""`{{ value|shown_date:"l j F" }}`: Django's `date` filter in the same words, for the pages
that show a date hundreds of times (the progress calendar: three a day; a therapist's
conversations: one each).

Django's filter looks the format up among the locale's named formats, builds a DateFormat and
asks the translations for each day's and month's name, every call: about a third of the
progress page's server time in bench/page_times.py. This one reads the format once and the
names once per language; a format letter it does not know (or a backslash) goes to Django's.
Like Django's, it shows a datetime in the current time zone (`{% timezone %}`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=8)
def names(language: str | None) -> dict[str, tuple[str, ...]]:
    """The day and month names as Django's date filter writes them in `language` (the active
    one when called)."""
    return {
        "D": tuple(str(WEEKDAYS_ABBR[n]) for n in range(7)),
        "l": tuple(str(WEEKDAYS[n]) for n in range(7)),
        "F": ("", *(str(MONTHS[n]) for n in range(1, 13))),
        "M": ("", *(str(MONTHS_3[n]).title() for n in range(1, 13))),
        "b": ("", *(str(MONTHS_3[n]) for n in range(1, 13))),
    }


Part = Callable[[date, dict[str, tuple[str, ...]]], str]
PARTS: dict[str, Part] = {
    "Y": lambda d, n: f"{d.year:04d}",
    "m": lambda d, n: f"{d.month:02d}",
    "d": lambda d, n: f"{d.day:02d}",
    "j": lambda d, n: str(d.day),
    "D": lambda d, n: n["D"][d.weekday()],
    "l": lambda d, n: n["l"][d.weekday()],
    "F": lambda d, n: n["F"][d.month],
    "M": lambda d, n: n["M"][d.month],
    "b": lambda d, n: n["b"][d.month],  # lower case: Spanish writes "7 dic", not "7 Dic"
}
TIME_PARTS: dict[str, Part] = {
    "H": lambda d, n: f"{d.hour:02d}",  # type: ignore[attr-defined]
    "i": lambda d, n: f"{d.minute:02d}",  # type: ignore[attr-defined]
}
# Letters that are not format characters in Django's date format, written as they are.
LITERAL = set(" ,.:-/")


@lru_cache(maxsize=64)
def compiled(fmt: str, with_time: bool) -> tuple[Part | str, ...] | None:
    """The format as parts to join, or None when it has anything this filter leaves to
    Django's (an escape, a letter it does not know, a time of a date)."""
    known = {**PARTS, **TIME_PARTS} if with_time else PARTS
    parts: list[Part | str] = []
    for char in fmt:
        if char in known:
            parts.append(known[char])
        elif char in LITERAL:
            parts.append(char)
        else:
            return None
    return tuple(parts)


@register.filter(expects_localtime=True, is_safe=False)
def shown_date(value: date | datetime | None, fmt: str) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, date):
        return str(django_date(value, fmt))
    parts = compiled(fmt, isinstance(value, datetime))
    if parts is None:
        return str(django_date(value, fmt))
    shown = names(get_language())
    return "".join(part if isinstance(part, str) else part(value, shown) for part in parts)
