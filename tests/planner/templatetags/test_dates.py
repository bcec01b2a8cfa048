"""`shown_date` writes what Django's `date` filter writes, day and month names, zones and all."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from planner.templatetags.dates import shown_date

FORMATS = ["Y-m-d", "j", "l j F", "D j M", "D", "j F Y", "D j M Y", "j M", "D j b", "D j b Y"]
DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 400, 3)]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_date_reads_as_djangos_date_filter_writes_it(fmt: str, language: str) -> None:
    template = Template("{% load dates %}{{ day|date:fmt }}|{{ day|shown_date:fmt }}")
    with translation.override(language):
        for day in DAYS:
            theirs, ours = template.render(Context({"day": day, "fmt": fmt})).split("|")
            assert ours == theirs


def test_a_spanish_page_writes_a_short_month_in_lower_case() -> None:
    template = Template('{% load dates i18n %}{{ day|shown_date:_("D j M") }}')
    with translation.override("es"):
        assert template.render(Context({"day": date(2026, 12, 6)})) == "dom 6 dic"
    with translation.override("en"):
        assert template.render(Context({"day": date(2026, 12, 6)})) == "Sun 6 Dec"


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kathmandu", "America/New_York"])
def test_an_instant_is_shown_in_the_pages_time_zone_as_django_shows_it(zone: str) -> None:
    template = Template(
        "{% load dates tz %}{% timezone zone %}"
        '{{ at|date:"j F Y, H:i" }}|{{ at|shown_date:"j F Y, H:i" }}|'
        '{{ at|date:"l j F Y, H:i" }}|{{ at|shown_date:"l j F Y, H:i" }}{% endtimezone %}'
    )
    start = datetime(2026, 3, 28, 22, 5, tzinfo=UTC)
    for hours in range(0, 24 * 10, 7):
        context = Context({"at": start + timedelta(hours=hours), "zone": ZoneInfo(zone)})
        theirs, ours, theirs_long, ours_long = template.render(context).split("|")
        assert (ours, ours_long) == (theirs, theirs_long)


def test_other_languages_and_formats_are_djangos_own() -> None:
    day = date(2026, 12, 7)
    with translation.override("de"):
        assert shown_date(day, "l j F") == "Montag 7 Dezember"
    assert shown_date(day, "l j F") == "Monday 7 December"
    # An escape, a letter it does not know: Django's filter writes them.
    assert shown_date(day, r"jS \o\f F") == "7th of December"
    assert shown_date(None, "j F") == ""
