"""Return to running on pages: the readiness check (each test with its source, when to see a
doctor, the answers' meaning), the way on to the walk-run program once every test is met, and a
walk-run session logged on its card with a time and distance, typed or read from a GPX file."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from planner.engine import return_to_run as rules
from planner.models import Plan, ReadinessCheck, SessionLog
from planner.plans import lifecycle, readiness
from tests.factories import person, screened

pytestmark = pytest.mark.usefixtures("catalog")

URL = "/return-to-run/"


def signed_in(username: str = "rosa") -> tuple[Client, Any]:
    user = person(username)
    client = Client()
    client.force_login(user)
    return client, user


def form_answers(**changes: str) -> dict[str, str]:
    given = {}
    for criterion in rules.CRITERIA:
        if criterion.answer is rules.Answer.YES_NO:
            given[criterion.key] = "yes"
        elif criterion.answer is rules.Answer.PAIN:
            given[criterion.key] = "1"
        else:
            given[criterion.key] = str(criterion.threshold)
    return {**given, "time_zone": "Europe/Berlin", **changes}


def test_the_check_names_each_test_its_source_and_when_to_see_a_doctor() -> None:
    client, _ = signed_in()

    page = client.get(URL).content.decode()

    for criterion in rules.CRITERIA:
        assert criterion.test in page
    assert "Goom, Donnelly &amp; Brockwell 2019" in page
    assert "When to see a doctor instead" in page
    assert "cannot put weight on the leg" in page
    assert "Start the walk-run program" not in page


def test_a_check_short_of_one_test_says_what_is_left() -> None:
    client, rosa = signed_in()

    page = client.post(URL, form_answers(bridges="12"), follow=True).content.decode()

    assert "Not yet" in page
    assert "Single-leg bridges on the injured side: 12, not yet (20 needed)" in page
    assert "Start the walk-run program" not in page
    assert ReadinessCheck.objects.get(user=rosa).ready is False


def test_a_bad_count_is_shown_on_its_field_and_nothing_is_kept() -> None:
    client, _ = signed_in()

    page = client.post(URL, form_answers(calf_raises="-4")).content.decode()

    assert 'id="id_calf_raises_error"' in page or "greater than or equal to 0" in page
    assert not ReadinessCheck.objects.exists()


def test_every_test_met_leads_on_through_the_warning_signs_to_the_program() -> None:
    client, _ = signed_in()

    page = client.post(URL, form_answers(), follow=True).content.decode()
    assert "Every test is met" in page
    assert "Start the walk-run program" in page

    started = client.post("/return-to-run/start/")
    program = readiness.walk_run_program()
    assert program is not None
    assert started["Location"] == f"/start/program/{program.condition.slug}/"
    # With no screening yet, the warning-sign questions come first (every lower-limb region).
    onward = client.get(started["Location"])
    assert onward.status_code == 302
    assert onward["Location"].startswith("/start/screening/")


def test_starting_without_a_ready_check_goes_back_to_the_check() -> None:
    client, _ = signed_in()

    refused = client.post("/return-to-run/start/", follow=True)

    assert refused.redirect_chain[-1][0] == URL
    assert "Take the readiness check first" in refused.content.decode()


def test_the_runners_plans_offer_the_way_back_to_running() -> None:
    client, _ = signed_in()
    assert URL in client.get("/plans/").content.decode()


# --- A walk-run session on its card ----------------------------------------------------------


def walk_run_plan(runner: Any) -> Plan:
    now = datetime.now(UTC)
    screened(runner, now)
    readiness.take_check(
        runner,
        {
            c.key: True
            if c.answer is rules.Answer.YES_NO
            else (0 if c.answer is rules.Answer.PAIN else c.threshold)
            for c in rules.CRITERIA
        },
        now,
        time_zone="UTC",
    )
    program = readiness.walk_run_program()
    assert program is not None
    return lifecycle.start_plan(
        user=runner, program=program, start_date=now.date(), time_zone="UTC", now=now
    )


def gpx(minutes: int = 12, metres_per_minute: float = 140.0) -> bytes:
    start = datetime.combine(datetime.now(UTC).date(), time(7), tzinfo=UTC)
    per_metre = 1 / 111_319.49
    points = "".join(
        f'<trkpt lat="0" lon="{n * metres_per_minute * per_metre:.7f}"><time>'
        f"{(start + timedelta(minutes=n)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for n in range(minutes + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="watch" '
        f'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>'
    ).encode()


def card_url(plan: Plan) -> str:
    item = plan.exercises.get()
    return f"/plans/{plan.pk}/day/{plan.start_date.isoformat()}/exercises/{item.pk}/"


def test_the_card_asks_a_runs_time_distance_or_track_not_reps() -> None:
    client, rosa = signed_in()
    plan = walk_run_plan(rosa)

    page = client.get(f"/plans/{plan.pk}/day/{plan.start_date.isoformat()}/").content.decode()

    assert "walk 2 min, run 3 min, over 1 mile (1.6 km), effort 3 of 10" in page
    assert "Time (minutes)" in page and "Distance (km)" in page
    assert "Or read both from a GPX or TCX file" in page
    assert 'enctype="multipart/form-data"' in page
    assert "Reps per set done" not in page


def test_a_gpx_file_fills_in_the_run() -> None:
    client, rosa = signed_in()
    plan = walk_run_plan(rosa)
    track = SimpleUploadedFile("morning.gpx", gpx(), content_type="application/gpx+xml")
    prefix = f"ex{plan.exercises.get().pk}"

    client.post(
        card_url(plan),
        {f"{prefix}-done": "true", f"{prefix}-pain_during": "1", f"{prefix}-track_file": track},
    )

    log = SessionLog.objects.get(plan=plan)
    assert (log.run_seconds, log.track) == (12 * 60, "gpx")
    assert log.distance_metres == pytest.approx(1680, rel=0.01)
    assert not log.partial  # 1.68 km covers phase 1's mile
    day = client.get(f"/plans/{plan.pk}/day/{plan.start_date.isoformat()}/").content.decode()
    assert "12 min, 1.68 km (from a GPX file)" in day


def test_a_bad_file_is_named_on_its_field_and_nothing_is_saved() -> None:
    client, rosa = signed_in()
    plan = walk_run_plan(rosa)
    prefix = f"ex{plan.exercises.get().pk}"
    junk = SimpleUploadedFile("run.gpx", b"this is not a track", content_type="text/plain")

    page = client.post(card_url(plan), {f"{prefix}-done": "true", f"{prefix}-track_file": junk})

    assert page.status_code == 200
    assert "track_file" in page.content.decode() or "GPX" in page.content.decode()
    assert not SessionLog.objects.filter(plan=plan).exists()


def test_a_typed_run_short_of_the_phase_is_partial() -> None:
    client, rosa = signed_in()
    plan = walk_run_plan(rosa)
    prefix = f"ex{plan.exercises.get().pk}"

    client.post(
        card_url(plan),
        {
            f"{prefix}-done": "true",
            f"{prefix}-run_minutes": "8.5",
            f"{prefix}-distance_km": "1.1",
            f"{prefix}-pain_during": "0",
        },
    )

    log = SessionLog.objects.get(plan=plan)
    assert (log.run_seconds, log.distance_metres, log.track) == (510, 1100, "")
    assert log.partial
