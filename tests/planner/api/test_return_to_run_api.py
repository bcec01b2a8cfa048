"""The return-to-run API: a runner's readiness checks (GET, POST /api/v1/readiness-checks), the
walk-run program started through POST /api/v1/plans only on a check that found her ready, a
run's time and distance read from a GPX or TCX body (POST /api/v1/run-tracks), and a run logged
with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from planner.engine import return_to_run as rules
from planner.engine import schedule
from planner.models import ReadinessCheck, SessionLog
from planner.plans import readiness
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.usefixtures("catalog")

URL = "/api/v1/readiness-checks"


def answers(**changes: object) -> dict[str, object]:
    given: dict[str, object] = {}
    for criterion in rules.CRITERIA:
        if criterion.answer is rules.Answer.YES_NO:
            given[criterion.key] = True
        elif criterion.answer is rules.Answer.PAIN:
            given[criterion.key] = 0
        else:
            given[criterion.key] = criterion.threshold
    return {**given, **changes}


def gpx(points: int = 31, metres_per_minute: float = 160.0) -> bytes:
    """A track due east along the equator, a point a minute: 30 minutes, 4.8 km."""
    start = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    degrees_per_metre = 1 / 111_319.49
    rows = "".join(
        f'<trkpt lat="0" lon="{n * metres_per_minute * degrees_per_metre:.7f}">'
        f"<time>{(start + timedelta(minutes=n)).isoformat().replace('+00:00', 'Z')}</time>"
        "</trkpt>"
        for n in range(points)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>{rows}</trkseg></trk></gpx>"
    ).encode()


def test_rosa_takes_the_check_and_reads_each_test_with_its_source(people: People) -> None:
    rosa = people.client("rosa")

    taken = rosa.post(URL, {"answers": answers(bridges=12)}, format="json")

    assert taken.status_code == 201, taken.content
    body = taken.json()
    assert body["ready"] is False
    unmet = [r for r in body["results"] if not r["met"]]
    assert [r["key"] for r in unmet] == ["bridges"]
    assert "12, not yet (20 needed)" in unmet[0]["words"]
    assert "Goom" in unmet[0]["evidence"]
    listed = rosa.get(URL).json()
    assert listed["ready_until"] is None
    assert listed["program"] == readiness.walk_run_program().pk  # type: ignore[union-attr]
    assert [c["key"] for c in listed["criteria"]] == [c.key for c in rules.CRITERIA]
    assert [c["id"] for c in listed["checks"]] == [body["id"]]


def test_a_bad_answer_is_a_400_naming_it_and_nothing_is_kept(people: People) -> None:
    rosa = people.client("rosa")

    refused = rosa.post(URL, {"answers": answers(calf_raises="lots")}, format="json")
    unknown_zone = rosa.post(URL, {"answers": answers(), "time_zone": "Nowhere"}, format="json")

    assert refused.status_code == 400
    assert "calf_raises" in refused.json()
    assert unknown_zone.status_code == 400
    assert "time_zone" in unknown_zone.json()
    assert not ReadinessCheck.objects.exists()


def test_nobody_reads_rosas_checks(people: People) -> None:
    people.client("rosa").post(URL, {"answers": answers()}, format="json")

    for who in ("theo", "oscar", "alice"):
        assert people.client(who).get(URL).json()["checks"] == []


def start_walk_run(people: People, client: Any) -> Any:
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    factories.screened(people.rosa)
    program = readiness.walk_run_program()
    assert program is not None
    return client.post(
        "/api/v1/plans",
        {"program": program.slug, "start_date": today.isoformat(), "time_zone": "Europe/Berlin"},
        format="json",
    )


def test_the_walk_run_program_starts_only_on_a_ready_check(people: People) -> None:
    rosa = people.client("rosa")

    refused = start_walk_run(people, rosa)
    assert refused.status_code == 409, refused.content
    assert refused.json()["missing"] == "readiness_check"

    rosa.post(URL, {"answers": answers()}, format="json")
    started = start_walk_run(people, rosa)
    assert started.status_code == 201, started.content


def test_a_gpx_body_gives_the_runs_time_and_distance(people: People) -> None:
    read = people.client("rosa").post(
        "/api/v1/run-tracks", gpx(), content_type="application/gpx+xml"
    )

    assert read.status_code == 200, read.content
    assert read.json()["run_seconds"] == 30 * 60
    assert read.json()["distance_metres"] == pytest.approx(4800, rel=0.01)
    assert read.json()["track"] == "gpx"


@pytest.mark.parametrize(
    "body", [b"", b"not xml at all", b"<gpx/>", b'<?xml version="1.0"?><!DOCTYPE x []><x/>']
)
def test_a_file_that_is_no_track_is_a_400_naming_it(people: People, body: bytes) -> None:
    read = people.client("rosa").post(
        "/api/v1/run-tracks", body, content_type="application/octet-stream"
    )

    assert read.status_code == 400, read.content
    assert "track_file" in read.json()


def test_an_oversized_file_is_refused_without_reading_it_all(people: People) -> None:
    big = b"<gpx>" + b" " * (6 * 1024 * 1024)

    read = people.client("rosa").post("/api/v1/run-tracks", big, content_type="application/xml")

    assert read.status_code == 400
    assert "5 MB" in str(read.json())


def test_a_run_is_logged_with_its_time_and_distance(people: People) -> None:
    rosa = people.client("rosa")
    rosa.post(URL, {"answers": answers()}, format="json")
    plan_id = start_walk_run(people, rosa).json()["id"]
    day = rosa.get(f"/api/v1/plans/{plan_id}/day").json()
    item = day["exercises"][0]["plan_exercise"]
    run = rosa.post("/api/v1/run-tracks", gpx(), content_type="application/gpx+xml").json()

    logged = rosa.post(
        f"/api/v1/plans/{plan_id}/logs",
        {"plan_exercise": item, "day": day["date"], "done": True, "pain_during": 1, **run},
        format="json",
    )

    assert logged.status_code == 201, logged.content
    saved = SessionLog.objects.get(pk=logged.json()["id"])
    assert (saved.run_seconds, saved.track) == (1800, "gpx")
    assert logged.json()["distance_metres"] == saved.distance_metres
    assert not saved.partial  # 4.8 km covers phase 1's mile
