"""A run's duration and distance read from the GPX or TCX file a runner uploads.

`read_run(data)` gives a `RunTrack` or raises a ValidationError on `track_file` saying which
rule the file broke; nothing else comes out of it, whatever the bytes (a fuzz test holds it).

The format is recognised by content, never by the file's name: the root element is `gpx` in
the GPX 1.0 or 1.1 namespace, or `TrainingCenterDatabase` in Garmin's TCX v2 namespace.

The checks, in order, each cheaper than the next:

1. not empty, and at most `MAX_BYTES` (5 MB), counted before any parsing. A 2-hour run
   recorded every second is about 7,200 points: 1-2 MB of GPX, 2-3 MB of TCX (whose points
   carry distance, heart rate and cadence); a walk-run session is far shorter. 5 MB leaves
   room for that and keeps a parse to about a second. Once screened (3.), at most
   `MAX_POINTS` track points, so that no file of tiny points holds a request for seconds.
2. UTF-8 text (a BOM is fine); an XML declaration naming any other encoding is refused: every
   watch and app we know exports UTF-8, and one decoding path is one less place for surprises.
3. Pre-screened by defusedxml with DTDs forbidden: a track never needs a DTD, so any
   `<!DOCTYPE` (billion laughs, external entities, a DTD fetched from the network) is refused
   before the parsers see the file. The parsers underneath (gpxpy and python-tcxparser, both
   on lxml from 5.2, whose default no longer resolves external entities and never reaches the
   network) are a second wall, not the first.
4. Parsed by a well-kept library: gpxpy for GPX, python-tcxparser for TCX (see below). A GPX
   is first checked against a quadratic corner of gpxpy's namespace search
   (`MAX_NAMESPACE_SCAN`), which a 5 MB file could otherwise turn into hours.

What is read, and why:

- GPX duration: total elapsed time from the first to the last timed track point
  (`GPX.get_time_bounds`), not gpxpy's moving time. A walk-run session's walking and standing
  breaks are part of the session the plan prescribed; moving time would drop the slow parts.
- GPX distance: `GPX.length_2d()`, the horizontal length of the tracks' segments (gaps between
  segments not counted), as watches and apps report a run's distance; 3D length adds the climb
  and would disagree with the runner's watch.
- TCX duration and distance: the device's own figures, the sum of its laps' `TotalTimeSeconds`
  and `DistanceMeters` (the first activity's laps, as python-tcxparser reads them). When a lap
  lacks them: the elapsed time between the first and last trackpoint, and the last cumulative
  `DistanceMeters` of a trackpoint.
- So a watch paused mid-run counts the pause in a GPX (which has no timer to read) and leaves
  it out of a TCX, as the device itself showed it.
- A distance of 0 (a treadmill without a foot pod, a phone left on a table) is no distance:
  None. Times without a zone are taken as UTC, as both formats specify; `started_at` is aware
  UTC (a TCX's first lap's start, else the first timed point).
- Refused: no track points; no times to tell a duration from; a duration that comes out
  negative (the last point before the first), 0 or over 24 hours (`MAX_DURATION_SECONDS`).

Why python-tcxparser and not tcxreader: tcxreader ignores the laps' `TotalTimeSeconds` (the
device's timer, which leaves out the runner's pauses), drops by default every point without a
position (an indoor or treadmill run comes out as 0 seconds), returns naive datetimes for the
common `...Z` times, and prints to standard output on bad points. python-tcxparser reads the
laps' totals as the device wrote them, takes a file object, and uses lxml.
"""

from __future__ import annotations

import codecs
import io
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from xml.etree.ElementTree import Element

import gpxpy
import tcxparser
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml import ElementTree as SafeElementTree
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

FIELD = "track_file"
MAX_BYTES = 5 * 1024 * 1024
MAX_DURATION_SECONDS = 24 * 60 * 60
# gpxpy reads about 50,000 points a second here: a file of tiny points packed to the size
# limit (some 190,000) would hold a request for seconds. 50,000 is a 14-hour run recorded
# every second, a whole day's at every 2 seconds.
MAX_POINTS = 50_000
# gpxpy finds the namespaces with regular expressions over the whole text (gpxpy/parser.py:
# `\sxmlns:?[^=]*="[^"]+"` and two like it): each "xmlns" or "schemaLocation" scans on to the
# next `="...`, so text full of a bare "xmlns" (in a name, a description) costs the square of
# the file's length: 50 KB of it takes a second, 5 MB would take hours. A real file's
# declarations scan a few dozen characters each; this many in all is some 0.1 s.
MAX_NAMESPACE_SCAN = 20_000_000

GPX_NAMESPACES = ("http://www.topografix.com/GPX/1/0", "http://www.topografix.com/GPX/1/1")
TCX_NAMESPACE = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"

# The encodings an XML declaration may name: UTF-8 and ASCII (a subset of it).
TAKEN_ENCODINGS = {"utf-8", "ascii"}
DECLARED_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")

Kind = Literal["gpx", "tcx"]


@dataclass(frozen=True)
class RunTrack:
    duration_seconds: int
    distance_metres: int | None
    started_at: datetime | None
    kind: Kind
    points: int


def refuse(message: str) -> ValidationError:
    return ValidationError({FIELD: message})


def megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MB"


def read_run(data: bytes, filename: str = "") -> RunTrack:
    """The run in a GPX or TCX file, or a ValidationError on `track_file` naming the rule.

    `filename` is not used to tell the format (the content does); it is only named back in a
    refusal that is about the file as a whole.
    """
    if not data:
        raise refuse(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise refuse(
            _("The file is larger than %(most)s, the most a GPX or TCX track may be.")
            % {"most": megabytes(MAX_BYTES)}
        )
    text = _utf8_text(data)
    kind, root = _screened(data, filename)
    namespace = root.tag[1:].partition("}")[0]
    point = "trkpt" if kind == "gpx" else "Trackpoint"
    if sum(1 for _ in root.iter(f"{{{namespace}}}{point}")) > MAX_POINTS:
        raise refuse(
            _(
                "The track has more than %(most)s points, the most taken (a 14-hour run "
                "recorded every second)."
            )
            % {"most": number_format(MAX_POINTS, force_grouping=True)}
        )
    try:
        return _read_gpx(text) if kind == "gpx" else _read_tcx(data)
    except ValidationError:
        raise
    except Exception:
        # Whatever the libraries raise on a broken file (their own errors, ValueError,
        # AttributeError, TypeError, OverflowError...) is a refusal, never a 500.
        raise refuse(
            _("The %(kind)s file could not be read: it may be damaged or cut short.")
            % {"kind": kind.upper()}
        ) from None


def _utf8_text(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise refuse(_("The file is UTF-16 text: send the GPX or TCX file as UTF-8."))
    declared = DECLARED_ENCODING.match(data.removeprefix(codecs.BOM_UTF8))
    if declared is not None:
        name = declared.group(1).decode("ascii", "replace")
        try:
            known = codecs.lookup(name).name
        except (LookupError, ValueError):  # an unknown name, or a NUL in it
            known = ""
        if known not in TAKEN_ENCODINGS:
            raise refuse(
                _(
                    "The file declares the encoding %(encoding)r: only UTF-8 GPX or TCX files "
                    "are taken (export it again as UTF-8)."
                )
                % {"encoding": name[:40]}
            )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse(
            _("The file is not UTF-8 text: a GPX or TCX file is, so this is not one.")
        ) from None


def _screened(data: bytes, filename: str) -> tuple[Kind, Element]:
    """The format by the root element, after defusedxml has parsed the whole file."""
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden):
        raise refuse(
            _(
                "The file declares a DTD or entities, which a GPX or TCX track never needs: "
                "it is refused."
            )
        ) from None
    except DefusedXmlException:
        raise refuse(_("The file refers to external entities: it is refused.")) from None
    except Exception:
        named = f" ({filename[:80]})" if filename else ""
        raise refuse(
            _("The file%(named)s is not well-formed XML, so it is no GPX or TCX track.")
            % {"named": named}
        ) from None
    namespace, _brace, local = root.tag.rpartition("}")
    namespace = namespace.lstrip("{")
    if local == "gpx" and namespace in GPX_NAMESPACES:
        return "gpx", root
    if local == "TrainingCenterDatabase" and namespace == TCX_NAMESPACE:
        return "tcx", root
    raise refuse(_("The file is XML but neither a GPX (1.0 or 1.1) nor a TCX (v2) track."))


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _seconds(total: float) -> int:
    if not math.isfinite(total):
        raise refuse(_("The track's duration is not a number."))
    if total < 0:
        raise refuse(_("The track's times go backwards: its last point is timed before its first."))
    seconds = round(total)
    if seconds == 0:
        raise refuse(_("The track lasts 0 seconds: there is no run to log."))
    if seconds > MAX_DURATION_SECONDS:
        raise refuse(
            _("The track lasts more than %(hours)d hours, the most a run may last.")
            % {"hours": MAX_DURATION_SECONDS // 3600}
        )
    return seconds


def _metres(total: float | None) -> int | None:
    if total is None or not math.isfinite(total) or total < 0:
        return None
    return round(total) or None


def _no_points(kind: Kind) -> ValidationError:
    return refuse(
        _("The %(kind)s file has no track points: there is no run in it.") % {"kind": kind.upper()}
    )


def _no_times(kind: Kind) -> ValidationError:
    return refuse(
        _("The %(kind)s file's track points have no times: its duration cannot be told.")
        % {"kind": kind.upper()}
    )


def _namespace_scan(text: str) -> int:
    """About how many characters gpxpy's namespace expressions would scan (an upper bound),
    counted in linear time; it stops counting once past `MAX_NAMESPACE_SCAN`."""
    total = 0
    for word in ("xmlns", "schemaLocation"):
        at = text.find(word)
        while at != -1 and total <= MAX_NAMESPACE_SCAN:
            equals = text.find("=", at)
            quote = text.find('"', equals + 2) if equals != -1 else -1
            total += (len(text) if quote == -1 else quote) - at
            at = text.find(word, at + len(word))
    return total


def _read_gpx(text: str) -> RunTrack:
    if _namespace_scan(text) > MAX_NAMESPACE_SCAN:
        raise refuse(
            _(
                "The GPX file repeats 'xmlns' or 'schemaLocation' as text so often that "
                "reading it would take far too long: it is refused."
            )
        )
    gpx = gpxpy.parse(text)
    points = gpx.get_track_points_no()
    if points == 0:
        raise _no_points("gpx")
    bounds = gpx.get_time_bounds()
    if bounds.start_time is None or bounds.end_time is None:
        raise _no_times("gpx")
    start, end = _utc(bounds.start_time), _utc(bounds.end_time)
    return RunTrack(
        duration_seconds=_seconds((end - start).total_seconds()),
        distance_metres=_metres(gpx.length_2d()),
        started_at=start,
        kind="gpx",
        points=points,
    )


def _lap_distance(laps: list[Any]) -> float | None:
    """The laps' `DistanceMeters` summed, or None when a lap lacks it."""
    total = 0.0
    for lap in laps:
        value = lap.find(f"{{{TCX_NAMESPACE}}}DistanceMeters")
        if value is None or not (value.text or "").strip():
            return None
        total += float(value.text)
    return total


def _lap_time(tcx: Any) -> float | None:
    """The laps' `TotalTimeSeconds` summed by python-tcxparser, or None when a lap lacks it."""
    try:
        return float(tcx.duration)
    except (AttributeError, TypeError, ValueError):
        return None


def _read_tcx(data: bytes) -> RunTrack:
    try:
        tcx = tcxparser.TCXParser(io.BytesIO(data))
    except AttributeError:
        # No Activities/Activity: a TCX course or a workout plan, not a recorded run.
        raise _no_points("tcx") from None
    activity = tcx.activity
    trackpoints = activity.findall(f".//{{{TCX_NAMESPACE}}}Trackpoint")
    if not trackpoints:
        raise _no_points("tcx")
    times = [
        _utc(datetime.fromisoformat(time.text.strip()))
        for time in activity.findall(f".//{{{TCX_NAMESPACE}}}Trackpoint/{{{TCX_NAMESPACE}}}Time")
        if time.text and time.text.strip()
    ]
    laps = activity.findall(f"{{{TCX_NAMESPACE}}}Lap")
    duration = _lap_time(tcx) if laps else None
    if duration is None:
        if not times:
            raise _no_times("tcx")
        duration = (times[-1] - times[0]).total_seconds()
    distance = _lap_distance(laps) if laps else None
    if distance is None and len(tcx.distance_values()):
        distance = float(str(tcx.distance))
    started_at = times[0] if times else None
    lap_start = laps[0].get("StartTime") if laps else None
    if lap_start:
        started_at = _utc(datetime.fromisoformat(lap_start.strip()))
    return RunTrack(
        duration_seconds=_seconds(duration),
        distance_metres=_metres(distance),
        started_at=started_at,
        kind="tcx",
        points=len(trackpoints),
    )
