"""The engine's words in the reader's language, with no Django here: the engine decides with
plain values (see the import contracts), yet its reasons and doses are read on pages, in
handouts and in messages. `_` and `ngettext` are named as gettext's so that makemessages
finds the sentences; the app hands them Django's translation functions when it starts
(planner.apps), and until then (the engine on its own) they give the English as written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


_translations: tuple[Gettext, Ngettext] = (_english, _english_plural)

# A number with its decimal places, as the reader writes it ("1.6" in English, "1,6" in
# Spanish): Django's number_format once the app has started.
NumberFormat = Callable[[float, int], str]


def _english_number(value: float, places: int) -> str:
    return f"{value:.{places}f}"


_number_format: NumberFormat = _english_number


def use(gettext: Gettext, ngettext_: Ngettext, number_format: NumberFormat | None = None) -> None:
    """Word the engine's sentences with these from now on (the app's start calls this)."""
    global _translations, _number_format
    _translations = (gettext, ngettext_)
    if number_format is not None:
        _number_format = number_format


def number(value: float, places: int) -> str:
    """`value` with `places` decimals, in the reader's way of writing numbers."""
    return _number_format(value, places)


def _(message: str) -> str:
    return _translations[0](message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations[1](singular, plural, n)


def gettext_noop(message: str) -> str:
    """A sentence marked for translation where it is defined (a module's constant), and
    translated with `_` where it is shown, in the reader's language."""
    return message


def weekday(day: date) -> str:
    """The day's name, as strftime("%A") gives it in English."""
    names = (
        _("Monday"),
        _("Tuesday"),
        _("Wednesday"),
        _("Thursday"),
        _("Friday"),
        _("Saturday"),
        _("Sunday"),
    )
    return names[day.weekday()]
