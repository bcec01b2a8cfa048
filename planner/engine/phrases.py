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


def use(gettext: Gettext, ngettext_: Ngettext) -> None:
    """Word the engine's sentences with these from now on (the app's start calls this)."""
    global _translations
    _translations = (gettext, ngettext_)


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
