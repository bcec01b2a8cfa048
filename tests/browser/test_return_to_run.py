"""The way back to running in a real browser, on a phone: the readiness check taken by
tapping and typing, every test met, on through the warning-sign questions to the walk-run
program, and the first run logged from a GPX file on its card (sent in place by htmx, the file
with it); each page without sideways scrolling or a serious accessibility fault."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from planner.engine import return_to_run as rules
from planner.engine import schedule
from planner.models import Plan, ReadinessCheck, SessionLog
from planner.programs.catalog import load_catalog
from tests import factories
from tests.browser.conftest import Site, horizontal_overflow, serious_violations
from tests.browser.test_onboarding import answer_screening

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Europe/Berlin"  # the browser's zone too (tests/browser/conftest.py)


def looked_at(site: Site) -> None:
    assert horizontal_overflow(site.page) == 0, site.page.url
    assert serious_violations(site.page) == [], site.page.url


def morning_run(path: Path, minutes: int = 12, metres_per_minute: float = 140.0) -> Path:
    """A watch's GPX of this morning's run, due east along the equator, a point a minute."""
    today = schedule.local_date(timezone.now(), ZONE)
    start = datetime.combine(today, time(6), tzinfo=ZoneInfo(ZONE))
    per_metre = 1 / 111_319.49
    points = "".join(
        f'<trkpt lat="0" lon="{n * metres_per_minute * per_metre:.7f}"><time>'
        f"{(start + timedelta(minutes=n)).isoformat()}</time></trkpt>"
        for n in range(minutes + 1)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="watch" '
        f'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>'
    )
    return path


def test_a_runner_checks_her_readiness_starts_the_walk_run_and_logs_a_run_from_her_watch(
    phone: Site, tmp_path: Path
) -> None:
    load_catalog()
    factories.person("nina")
    phone.go("/return-to-run/")
    page = phone.sign_in_here("nina", "nina-pass-4242")
    expect(page.get_by_role("heading", name="Back to running")).to_be_visible()
    expect(page.get_by_role("heading", name="When to see a doctor instead")).to_be_visible()
    looked_at(phone)

    for criterion in rules.CRITERIA:
        if criterion.answer is rules.Answer.YES_NO:
            group = page.get_by_role("group", name=re.compile(re.escape(criterion.test)))
            group.get_by_role("radio", name="Yes", exact=True).check()
        elif criterion.answer is rules.Answer.PAIN:
            page.get_by_label(re.compile(re.escape(criterion.test))).select_option("1")
        else:
            page.get_by_label(re.compile(re.escape(criterion.test))).fill("22")
    page.get_by_role("button", name="Save my check").click()

    expect(page.get_by_text("Every test is met", exact=False).first).to_be_visible()
    assert ReadinessCheck.objects.get(user__username="nina").ready
    looked_at(phone)
    page.get_by_role("button", name="Start the walk-run program").click()

    # The warning-sign questions come first, as for any plan.
    page.wait_for_url(re.compile(r"/start/screening/$"))
    answer_screening(phone)
    page.wait_for_url(re.compile(r"/start/program/returning-to-running/$"))
    expect(page.get_by_text("walk 2 min, run 3 min, over 1 mile (1.6 km)").first).to_be_visible()
    page.get_by_role("link", name="Start this program").first.click()
    page.wait_for_url(re.compile(r"/begin/$"))
    page.get_by_role("button", name="Start my plan").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    plan = Plan.objects.get(user__username="nina")

    phone.go(f"/plans/{plan.pk}/today/")
    card = page.locator("article.exercise-card")
    expect(card.get_by_role("heading", name="Walk-run")).to_be_visible()
    expect(page.get_by_role("link", name="Exercise along")).to_have_count(0)
    looked_at(phone)
    card.get_by_label("Or read both from a GPX or TCX file").set_input_files(
        morning_run(tmp_path / "morning.gpx")
    )
    card.get_by_label("Pain during (0 to 10)").select_option("1")
    card.get_by_role("button", name="Save as done").click()

    # htmx sends the card with its file and swaps the saved card in place.
    expect(page.locator("article.exercise-card").get_by_text("(from a GPX file)")).to_be_visible()
    log = SessionLog.objects.get(plan=plan)
    assert (log.run_seconds, log.track) == (12 * 60, "gpx")
    assert 1650 <= (log.distance_metres or 0) <= 1710
    assert not log.partial
    looked_at(phone)
