"""Return to running over HTTP: the runner's readiness checks (taking one; the walk-run program
then starts through POST /api/v1/plans like any other), and reading a run's time and distance
from a GPX or TCX file. planner.plans.readiness and planner.plans.runs decide; these views
load, call and present."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kit import run_files
from kit.api.strict import StrictSerializer
from kit.web import signed_in
from planner.api.sessions import input_of
from planner.engine import return_to_run as rules
from planner.plans import readiness, runs


class CriterionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(source="criterion.key")
    test = serializers.CharField(source="criterion.test")
    answer = serializers.CharField(
        source="criterion.answer", help_text="count, yes_no, or pain (0 to 10, at most)."
    )
    threshold = serializers.IntegerField(source="criterion.threshold")
    evidence = serializers.CharField(
        source="criterion.evidence", help_text="Where the threshold comes from, in words."
    )
    value = serializers.IntegerField()
    met = serializers.BooleanField()
    words = serializers.CharField()


class CheckSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="check.pk")
    taken_at = serializers.DateTimeField(source="check.taken_at")
    taken_on = serializers.DateField(source="check.taken_on")
    after_plan = serializers.IntegerField(source="check.after_plan_id", allow_null=True)
    ready = serializers.BooleanField(source="check.ready")
    results = CriterionSerializer(many=True, source="readiness.results")


class ChecksSerializer(serializers.Serializer[Any]):
    criteria = serializers.ListField(
        child=serializers.DictField(), help_text="The tests, their thresholds and sources."
    )
    ready_until = serializers.DateTimeField(
        allow_null=True,
        help_text="Until when the walk-run program may start on the newest check; null when "
        "no recent check found the runner ready.",
    )
    program = serializers.IntegerField(
        allow_null=True, help_text="The walk-run program to start (POST /api/v1/plans)."
    )
    checks = CheckSerializer(many=True, help_text="Newest first.")


class TakeCheckSerializer(StrictSerializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Each criterion's key: a count (whole number), yes/no (true or false), or "
        "the most pain during the tests (0 to 10).",
    )
    time_zone = serializers.CharField(max_length=64, required=False, default="UTC")
    after_plan = serializers.IntegerField(required=False, allow_null=True, default=None)


def criteria_data() -> list[dict[str, object]]:
    return [
        {
            "key": c.key,
            "test": c.test,
            "answer": c.answer.value,
            "threshold": c.threshold,
            "evidence": c.evidence,
        }
        for c in rules.CRITERIA
    ]


class ReadinessChecksView(APIView):
    @extend_schema(responses={200: ChecksSerializer})
    def get(self, request: Request) -> Response:
        """The runner's own readiness checks, newest first, and whether the walk-run program
        may start now."""
        user = signed_in(request)
        now = timezone.now()
        checks = readiness.checks_of(user)
        ready = readiness.still_ready(checks[0] if checks else None, now)
        program = readiness.walk_run_program()
        result = {
            "criteria": criteria_data(),
            "ready_until": ready.taken_at + readiness.READY_FOR if ready else None,
            "program": program.pk if program else None,
            "checks": [readiness.Taken(check, readiness.readiness_of(check)) for check in checks],
        }
        return Response(ChecksSerializer(result).data)

    @extend_schema(request=TakeCheckSerializer, responses={201: CheckSerializer})
    def post(self, request: Request) -> Response:
        """The runner takes the readiness check: every answer is kept with its verdict."""
        user = signed_in(request)
        # Anyone signed in may take the check: nothing to refuse before the body's errors.
        body = input_of(TakeCheckSerializer, request, refuse_first=lambda: None)
        taken = readiness.take_check(
            user,
            dict(body["answers"]),
            timezone.now(),
            time_zone=body["time_zone"],
            after_plan_id=body["after_plan"],
        )
        return Response(CheckSerializer(taken).data, status=status.HTTP_201_CREATED)


class TrackParser(BaseParser):
    """A GPX or TCX file as the request's body, read raw (at most one byte past the limit, so
    an oversized file is refused without being read whole)."""

    media_type = "*/*"

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Mapping[str, bytes]:
        return {"file": bytes(stream.read(run_files.MAX_BYTES + 1)) if stream is not None else b""}


class RunSerializer(serializers.Serializer[Any]):
    run_seconds = serializers.IntegerField()
    distance_metres = serializers.IntegerField(allow_null=True)
    track = serializers.CharField(help_text="gpx or tcx: send it with the log.")


class RunTrackView(APIView):
    parser_classes = [TrackParser]

    @extend_schema(
        request={"application/gpx+xml": OpenApiTypes.BINARY}, responses={200: RunSerializer}
    )
    def post(self, request: Request) -> Response:
        """A run's time and distance read from a GPX or TCX file sent as the body; nothing is
        stored: send them with the session's log."""
        signed_in(request)
        data = request.data.get("file", b"")
        return Response(RunSerializer(runs.from_track(data)).data)


urlpatterns = [
    path("readiness-checks", ReadinessChecksView.as_view(), name="api-readiness-checks"),
    path("run-tracks", RunTrackView.as_view(), name="api-run-tracks"),
]
