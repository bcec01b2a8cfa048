"""A time zone refused, in the reader's language: schedule.validate_time_zone (the engine, which
knows no Django) says why in English."""

from __future__ import annotations

from django.utils.translation import gettext as _


def not_a_zone(name: str) -> str:
    return _("%(zone)r is not an IANA time zone name, e.g. Europe/Berlin") % {"zone": name}
