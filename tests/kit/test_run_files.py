"""A run read from the GPX or TCX file a runner uploads: the duration and distance the runner's
watch would show, and every broken, hostile or oversized file refused on `track_file` with the
rule it broke, never a 500."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta

import gpxpy
import pytest
import tcxparser
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit import run_files
from kit.run_files import MAX_BYTES, MAX_POINTS, RunTrack, read_run

START = datetime(2026, 3, 14, 7, 30, tzinfo=UTC)
# Metres in one degree of longitude along the equator (the mean Earth radius's figure).
METRES_PER_DEGREE = 111_195.0
GPX_11 = "http://www.topografix.com/GPX/1/1"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def gpx_track(
    points: int = 61,
    *,
    metres: float = 1000.0,
    seconds: float = 360.0,
    start: datetime = START,
    namespace: str = GPX_11,
    timed: bool = True,
    declaration: str = '<?xml version="1.0" encoding="UTF-8"?>',
) -> str:
    """A GPX track of `points` evenly spaced points east along the equator, `metres` long and
    lasting `seconds` from the first point to the last."""
    rows = []
    for i in range(points):
        share = i / (points - 1) if points > 1 else 0
        lon = metres * share / METRES_PER_DEGREE
        when = f"<time>{iso(start + timedelta(seconds=seconds * share))}</time>" if timed else ""
        rows.append(f'<trkpt lat="0.0" lon="{lon:.7f}"><ele>10</ele>{when}</trkpt>')
    return (
        f'{declaration}<gpx version="1.1" creator="tests" xmlns="{namespace}">'
        f"<trk><name>Walk-run</name><trkseg>{''.join(rows)}</trkseg></trk></gpx>"
    )


def tcx_laps(*laps: tuple[float, float], points_per_lap: int = 5, start: datetime = START) -> str:
    """A TCX activity with one lap per (seconds, metres), each with its trackpoints, as a
    Garmin watch exports it."""
    parts = []
    elapsed = 0.0
    covered = 0.0
    for seconds, metres in laps:
        lap_start = start + timedelta(seconds=elapsed)
        points = []
        for i in range(points_per_lap):
            share = i / (points_per_lap - 1)
            at = lap_start + timedelta(seconds=seconds * share)
            lon = (covered + metres * share) / METRES_PER_DEGREE
            points.append(
                f"<Trackpoint><Time>{iso(at)}</Time><Position><LatitudeDegrees>0.0"
                f"</LatitudeDegrees><LongitudeDegrees>{lon:.7f}"
                f"</LongitudeDegrees></Position>"
                f"<DistanceMeters>{covered + metres * share:.1f}</DistanceMeters>"
                f"<HeartRateBpm><Value>120</Value></HeartRateBpm></Trackpoint>"
            )
        parts.append(
            f'<Lap StartTime="{iso(lap_start)}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>'
            f"<DistanceMeters>{metres}</DistanceMeters><Calories>20</Calories>"
            f"<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>"
            f"<Track>{''.join(points)}</Track></Lap>"
        )
        elapsed += seconds
        covered += metres
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="Running"><Id>{iso(start)}</Id>{"".join(parts)}'
        "</Activity></Activities></TrainingCenterDatabase>"
    )


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        read_run(data, "run.gpx")
    messages = refused.value.message_dict
    assert list(messages) == ["track_file"]
    return " ".join(messages["track_file"])


# What a runner expects


def test_a_gpx_km_east_along_the_equator_in_six_minutes() -> None:
    run = read_run(gpx_track(metres=1000, seconds=360).encode(), "morning.gpx")
    assert run.kind == "gpx"
    assert run.duration_seconds == 360
    assert run.distance_metres == pytest.approx(1000, rel=0.01)
    assert run.started_at == START
    assert run.started_at.tzinfo is not None
    assert run.points == 61


def test_a_gpx_1_0_file_is_read_too() -> None:
    text = gpx_track(namespace="http://www.topografix.com/GPX/1/0").replace(
        'version="1.1"', 'version="1.0"'
    )
    run = read_run(text.encode())
    assert (run.kind, run.duration_seconds) == ("gpx", 360)


def test_a_gpx_duration_is_the_whole_session_standing_breaks_included() -> None:
    # 500 m in 5 minutes, 5 minutes standing at the lights, 500 m in 5 minutes: a moving time
    # would say 10 minutes, the session lasted 15.
    half = 500 / METRES_PER_DEGREE
    rows = "".join(
        f'<trkpt lat="0" lon="{lon:.7f}"><time>{iso(START + timedelta(seconds=at))}</time></trkpt>'
        for at, lon in [(0, 0), (300, half), (600, half), (900, 2 * half)]
    )
    text = (
        f'<gpx version="1.1" creator="x" xmlns="{GPX_11}"><trk><trkseg>{rows}</trkseg></trk></gpx>'
    )
    run = read_run(text.encode())
    assert run.duration_seconds == 900
    assert run.distance_metres == pytest.approx(1000, rel=0.01)
    assert gpxpy.parse(text).get_moving_data().moving_time == pytest.approx(600)


def test_a_gpx_time_without_a_zone_is_utc() -> None:
    text = gpx_track().replace("Z</time>", "</time>")
    run = read_run(text.encode())
    assert run.started_at == START
    assert run.duration_seconds == 360


def test_a_gpx_time_in_another_zone_comes_out_in_utc() -> None:
    text = gpx_track(points=2).replace("07:30:00Z", "09:30:00+02:00")
    run = read_run(text.encode())
    assert run.started_at == START
    assert run.started_at.utcoffset() == timedelta(0)


def test_a_gpx_standing_still_has_no_distance() -> None:
    run = read_run(gpx_track(metres=0).encode())
    assert run.distance_metres is None
    assert run.duration_seconds == 360


def test_a_tcx_with_two_laps_sums_the_device_s_figures() -> None:
    run = read_run(tcx_laps((600, 1500), (300.4, 450)).encode(), "garmin.tcx")
    assert run.kind == "tcx"
    assert run.duration_seconds == 900
    assert run.distance_metres == 1950
    assert run.started_at == START
    assert run.points == 10


def test_a_tcx_lap_s_timer_is_preferred_to_the_points_times() -> None:
    # The runner paused the watch for a minute: the lap's timer leaves the pause out.
    text = tcx_laps((240, 600)).replace("<TotalTimeSeconds>240", "<TotalTimeSeconds>180")
    assert read_run(text.encode()).duration_seconds == 180


def test_a_tcx_without_lap_totals_falls_back_on_the_points() -> None:
    text = tcx_laps((240, 600))
    text = text.replace("<TotalTimeSeconds>240</TotalTimeSeconds>", "")
    text = text.replace("<DistanceMeters>600</DistanceMeters><Calories>", "<Calories>")
    run = read_run(text.encode())
    assert run.duration_seconds == 240
    assert run.distance_metres == 600


def test_the_format_is_told_by_content_not_by_name() -> None:
    assert read_run(gpx_track().encode(), "run.tcx").kind == "gpx"
    assert read_run(tcx_laps((60, 100)).encode(), "run.gpx").kind == "tcx"


def test_a_utf8_bom_and_non_ascii_names_are_fine() -> None:
    text = gpx_track().replace("Walk-run", "Course à pied, Zürich")
    run = read_run(b"\xef\xbb\xbf" + text.encode())
    assert run.duration_seconds == 360


def test_the_track_is_a_frozen_value() -> None:
    run = read_run(gpx_track().encode())
    assert isinstance(run, RunTrack)
    with pytest.raises(AttributeError):
        run.duration_seconds = 1  # type: ignore[misc]


# Refusals, each naming the rule


def test_an_empty_file_is_refused() -> None:
    assert "empty" in refusal(b"")


def test_an_oversized_file_is_refused_before_parsing_and_quickly(monkeypatch) -> None:
    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed an oversized file")

    monkeypatch.setattr(run_files.SafeElementTree, "fromstring", no_parsing)
    monkeypatch.setattr(run_files.gpxpy, "parse", no_parsing)
    data = b"<" * (MAX_BYTES + 1)
    began = time.perf_counter()
    message = refusal(data)
    assert time.perf_counter() - began < 0.5
    assert "larger than 5 MB" in message


def test_too_many_points_are_refused_before_the_parsers(monkeypatch) -> None:
    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed a file with too many points")

    monkeypatch.setattr(run_files.gpxpy, "parse", no_parsing)
    monkeypatch.setattr(run_files.tcxparser, "TCXParser", no_parsing)
    tiny = '<trkpt lat="0" lon="0"/>' * (MAX_POINTS + 1)
    text = (
        f'<gpx version="1.1" creator="x" xmlns="{GPX_11}"><trk><trkseg>{tiny}</trkseg></trk></gpx>'
    )
    assert "more than 50,000 points" in refusal(text.encode())
    many = tcx_laps((60, 100)).replace("<Track>", "<Track>" + "<Trackpoint/>" * MAX_POINTS)
    assert "more than 50,000 points" in refusal(many.encode())


def test_text_that_would_make_gpxpy_s_namespace_search_quadratic_is_refused_quickly() -> None:
    # Bare "xmlns" words after the last "=": each one sends gpxpy's expression to the end.
    words = " xmlns" * ((MAX_BYTES - 2000) // len(" xmlns"))
    text = gpx_track(points=3).replace(
        "</gpx>", f"<extensions><note>{words}</note></extensions></gpx>"
    )
    began = time.perf_counter()
    assert "would take far too long" in refusal(text.encode())
    assert time.perf_counter() - began < 2


def test_namespaces_declared_on_every_point_are_fine() -> None:
    # Some exporters declare their extension's namespace on each point rather than the root.
    ext = (
        '<extensions><gpxtpx:TrackPointExtension xmlns:gpxtpx="http://www.garmin.com/xmlschemas/'
        'TrackPointExtension/v1"><gpxtpx:hr>120</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>'
    )
    text = gpx_track(points=5000).replace("</time></trkpt>", f"</time>{ext}</trkpt>")
    run = read_run(text.encode())
    assert (run.points, run.duration_seconds) == (5000, 360)


def test_a_file_at_the_limit_is_not_refused_for_its_size() -> None:
    text = gpx_track()
    padding = MAX_BYTES - len(text.encode()) - len("<!---->")
    padded = text.replace("<trk>", f"<!--{' ' * padding}--><trk>", 1)
    assert len(padded.encode()) == MAX_BYTES
    assert read_run(padded.encode()).duration_seconds == 360


@pytest.mark.parametrize(
    "data",
    [b"hello, this is not xml", b'{"json": true}', b"<gpx><trk>", b"\x00\x01\x02"],
)
def test_what_is_not_xml_is_refused(data: bytes) -> None:
    assert "not well-formed XML" in refusal(data)


def test_a_binary_file_is_refused_as_no_text() -> None:
    # A photo, or a FIT file sent instead of its GPX export.
    assert "not UTF-8 text" in refusal(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "not UTF-8 text" in refusal(b"\x0e\x10\xd9\x07\xa4\x00\x00\x00.FIT\xff\xff")


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?><html><body>run</body></html>',
        '<gpx version="1.1"><trk/></gpx>',  # no namespace
        '<gpx xmlns="http://www.topografix.com/GPX/2/0"/>',
        '<TrainingCenterDatabase xmlns="http://example.com/tcx"/>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>',
    ],
)
def test_xml_that_is_neither_gpx_nor_tcx_is_refused(text: str) -> None:
    assert "neither a GPX" in refusal(text.encode())


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE gpx [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>&lol9;</name><trkseg><trkpt lat="0" lon="0"><time>2026-01-01T00:00:00Z</time>
</trkpt><trkpt lat="0" lon="0.01"><time>2026-01-01T00:10:00Z</time></trkpt></trkseg></trk></gpx>
"""


def test_a_billion_laughs_is_refused() -> None:
    began = time.perf_counter()
    assert "DTD or entities" in refusal(BILLION_LAUGHS.encode())
    assert time.perf_counter() - began < 1


def xxe(path: str, root: str = "gpx") -> str:
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY secret SYSTEM "file://{path}">]>'
        + gpx_track(declaration="").replace("<name>Walk-run</name>", "<name>&secret;</name>")
    )


def test_an_external_entity_is_refused(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the-secret")
    assert "DTD or entities" in refusal(xxe(str(secret)).encode())


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE gpx SYSTEM "http://127.0.0.1:9/gpx.dtd">',
        '<!DOCTYPE gpx [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>',
        "<!DOCTYPE gpx>",
    ],
)
def test_any_dtd_is_refused(doctype: str) -> None:
    text = '<?xml version="1.0"?>' + doctype + gpx_track(declaration="")
    assert "DTD" in refusal(text.encode())


def test_the_parsers_underneath_do_not_resolve_external_entities_either(tmp_path) -> None:
    # The second wall: were the pre-screen ever bypassed, neither gpxpy nor python-tcxparser
    # (both on lxml from 5.2) reads the file an external entity names.
    secret = tmp_path / "secret.txt"
    secret.write_text("the-secret")
    try:
        parsed = gpxpy.parse(xxe(str(secret)))
    except Exception:
        pass  # refusing it outright is as good (lxml today: "Entity 'secret' not defined")
    else:
        assert "the-secret" not in (parsed.tracks[0].name or "")
    tcx = tcx_laps((60, 100)).replace('Sport="Running"', 'Sport="&secret;"')
    doctype = f'<!DOCTYPE TrainingCenterDatabase [<!ENTITY secret SYSTEM "file://{secret}">]>'
    tcx = tcx.replace("?>", "?>" + doctype, 1)
    try:
        sport = tcxparser.TCXParser(io.BytesIO(tcx.encode())).activity_type
    except Exception:
        return
    assert "the-secret" not in sport


def test_a_gpx_without_track_points_is_refused() -> None:
    text = f'<gpx version="1.1" creator="x" xmlns="{GPX_11}"><trk><trkseg/></trk></gpx>'
    assert "no track points" in refusal(text.encode())


def test_a_gpx_route_alone_is_no_run() -> None:
    text = (
        f'<gpx version="1.1" creator="x" xmlns="{GPX_11}"><rte><rtept lat="0" lon="0"/>'
        '<rtept lat="0" lon="0.01"/></rte></gpx>'
    )
    assert "no track points" in refusal(text.encode())


def test_a_gpx_without_times_is_refused() -> None:
    assert "no times" in refusal(gpx_track(timed=False).encode())


def test_a_tcx_without_an_activity_is_refused() -> None:
    text = (
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        "<Courses/></TrainingCenterDatabase>"
    )
    assert "no track points" in refusal(text.encode())


def test_a_tcx_lap_without_trackpoints_is_refused() -> None:
    text = tcx_laps((60, 100))
    text = text[: text.index("<Track>")] + text[text.index("</Track>") + len("</Track>") :]
    assert "no track points" in refusal(text.encode())


def test_a_tcx_without_lap_totals_or_times_is_refused() -> None:
    text = tcx_laps((60, 100)).replace("<TotalTimeSeconds>60</TotalTimeSeconds>", "")
    for i in range(61):
        text = text.replace(f"<Time>{iso(START + timedelta(seconds=i))}</Time>", "")
    assert "no times" in refusal(text.encode())


def test_a_duration_of_zero_is_refused() -> None:
    assert "0 seconds" in refusal(gpx_track(seconds=0).encode())
    assert "0 seconds" in refusal(tcx_laps((0, 0)).encode())


def test_a_duration_over_a_day_is_refused() -> None:
    assert "more than 24 hours" in refusal(gpx_track(points=3, seconds=25 * 3600).encode())
    assert "more than 24 hours" in refusal(tcx_laps((90_000, 200_000)).encode())


def test_a_day_exactly_is_taken() -> None:
    assert read_run(gpx_track(points=3, seconds=24 * 3600).encode()).duration_seconds == 86_400


def test_times_going_backwards_overall_are_refused() -> None:
    text = gpx_track(points=2, seconds=600)
    first, last = iso(START), iso(START + timedelta(seconds=600))
    swapped = text.replace(first, "FIRST").replace(last, first).replace("FIRST", last)
    assert "go backwards" in refusal(swapped.encode())


def test_a_negative_or_absurd_lap_total_is_refused() -> None:
    negative = tcx_laps((60, 100)).replace("<TotalTimeSeconds>60", "<TotalTimeSeconds>-60")
    assert "go backwards" in refusal(negative.encode())
    infinite = tcx_laps((60, 100)).replace("<TotalTimeSeconds>60", "<TotalTimeSeconds>1e400")
    assert "not a number" in refusal(infinite.encode())


def test_bytes_that_are_not_utf8_are_refused() -> None:
    data = gpx_track().replace("Walk-run", "Zurich").encode().replace(b"Zurich", b"Z\xfcrich")
    assert "not UTF-8" in refusal(data)


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "UTF-16", "no-such-codec"])
def test_a_file_declaring_another_encoding_is_refused(encoding: str) -> None:
    text = gpx_track(declaration=f'<?xml version="1.0" encoding="{encoding}"?>')
    assert "only UTF-8" in refusal(text.encode())


def test_a_declared_utf8_or_ascii_in_any_spelling_is_taken() -> None:
    for encoding in ("utf-8", "UTF8", "US-ASCII"):
        text = gpx_track(declaration=f"<?xml version='1.0' encoding='{encoding}'?>")
        assert read_run(text.encode()).duration_seconds == 360


def test_a_utf16_file_is_refused() -> None:
    data = gpx_track(declaration="").encode("utf-16")
    assert "UTF-16" in refusal(data)


@pytest.mark.parametrize(
    "broken",
    [
        lambda t: t.replace("2026-03-14T07:30:00Z", "yesterday morning"),
        lambda t: t.replace('lat="0.0"', 'lat="north"', 1),
        lambda t: t.replace('lat="0.0"', 'lat="1e999"', 1),
    ],
)
def test_a_broken_gpx_value_is_refused_not_a_500(broken) -> None:
    data = broken(gpx_track()).encode()
    try:
        read_run(data)
    except ValidationError as refused:
        assert list(refused.message_dict) == ["track_file"]


@pytest.mark.parametrize(
    "broken",
    [
        lambda t: t.replace("2026-03-14T07:30:00Z", "yesterday morning"),
        lambda t: t.replace("<TotalTimeSeconds>60", "<TotalTimeSeconds>sixty"),
        lambda t: t.replace(
            "<DistanceMeters>100</DistanceMeters><Calories>",
            "<DistanceMeters>far</DistanceMeters><Calories>",
        ),
        lambda t: t.replace('StartTime="2026-03-14T07:30:00Z"', 'StartTime="soon"'),
    ],
)
def test_a_broken_tcx_value_is_refused_not_a_500(broken) -> None:
    data = broken(tcx_laps((60, 100))).encode()
    try:
        read_run(data)
    except ValidationError as refused:
        assert list(refused.message_dict) == ["track_file"]


# Fuzzing: only a RunTrack or a ValidationError on `track_file` ever comes out


def only_track_or_refusal(data: bytes) -> None:
    try:
        run = read_run(data, "fuzz")
    except ValidationError as refused:
        assert list(refused.message_dict) == ["track_file"]
        return
    assert isinstance(run, RunTrack)
    assert 0 < run.duration_seconds <= 24 * 3600
    assert run.distance_metres is None or run.distance_metres > 0
    assert run.started_at is None or run.started_at.utcoffset() == timedelta(0)


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_random_bytes_never_escape(data: bytes) -> None:
    only_track_or_refusal(data)


VALID = [gpx_track(points=6).encode(), tcx_laps((60, 100), (30, 40), points_per_lap=3).encode()]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(
                st.sampled_from([b"<", b">", b"&", b'"', b"-", b"e9", b"\x00", b"\xff", b"</trk>"])
            )
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif action == "truncate":
            del data[at:]
    return bytes(data)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_valid_files_never_escape(data: bytes) -> None:
    only_track_or_refusal(data)


@settings(max_examples=200)
@given(
    lat=st.text(max_size=12),
    when=st.text(max_size=30),
    seconds=st.text(max_size=12),
)
def test_any_value_in_a_field_never_escapes(lat: str, when: str, seconds: str) -> None:
    def escaped(value: str) -> str:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")

    gpx = gpx_track(points=3).replace('lat="0.0"', f'lat="{escaped(lat)}"', 1)
    gpx = gpx.replace(iso(START), escaped(when), 1)
    only_track_or_refusal(gpx.encode("utf-8", "surrogatepass"))
    tcx = tcx_laps((60, 100)).replace(
        "<TotalTimeSeconds>60", f"<TotalTimeSeconds>{escaped(seconds)}"
    )
    tcx = tcx.replace(iso(START), escaped(when), 1)
    only_track_or_refusal(tcx.encode("utf-8", "surrogatepass"))
