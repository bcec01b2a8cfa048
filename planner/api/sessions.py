"""Sessions over the API: log them and correct them, read the dose history, and the
therapist's tailored dose.

Who may do what: the plan's owner logs and corrects; the owner's linked therapist and admins
read the logs and the history and tailor doses; anyone else gets 404. Logging is the runner's
own act, so a therapist gets 403 there (they can see the plan, so the 403 leaks nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import record_view
from conditions.models import RedFlag
from kit.api.strict import StrictSerializer
from kit.sql import field_of
from kit.web import signed_in
from planner import access
from planner.access import is_admin, is_linked
from planner.models import DoseChange, SessionLog
from planner.models.plans import TRACKS
from planner.plans import decisions, runs, sessions

# --- Serializers ------------------------------------------------------------------------------


# A log as the API shows it: the field names of SessionLogSerializer and of log_data.
LOG_FIELDS = (
    "id",
    "plan_exercise",
    "day",
    "done",
    "amount_done",
    "partial",
    "pain_during",
    "pain_next_morning",
    "difficulty",
    "note",
    "run_seconds",
    "distance_metres",
    "track",
    "client_id",
    "created_at",
    "updated_at",
)


LOG_ATTNAMES = [(name, field_of(SessionLog, name).attname) for name in LOG_FIELDS]


class SessionLogSerializer(serializers.ModelSerializer[SessionLog]):
    """A log as the API shows it; log_data builds the same for a log just saved."""

    class Meta:
        model = SessionLog
        fields = list(LOG_FIELDS)
        read_only_fields = fields
        extra_kwargs = {
            "partial": {
                "help_text": "Done, but fewer reps (or seconds) per set than the day's dose "
                "(amount_done below it): set by the planner when the log is saved or "
                "corrected. A partial session is not missed, and not counted as done in full."
            }
        }


# The one field whose text DRF decides (the current zone, "Z" for UTC), used as it stands.
TIMESTAMP = serializers.DateTimeField(read_only=True)


def log_data(log: SessionLog) -> dict[str, Any]:
    """What SessionLogSerializer(log).data says, without building a ModelSerializer's fields
    for every log saved: each field's stored value, the date and the times as text."""
    data = {name: getattr(log, attname) for name, attname in LOG_ATTNAMES}
    data["day"] = log.day.isoformat()
    data["created_at"] = TIMESTAMP.to_representation(log.created_at)
    data["updated_at"] = TIMESTAMP.to_representation(log.updated_at)
    return data


def pain_field() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=10, allow_null=True, required=False)


# A walk-run session's run: its time and distance, typed in or read from a track with
# POST /api/v1/run-tracks (which says which kind of track it came from).
def run_seconds_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=runs.LONGEST_RUN_SECONDS,
        allow_null=True,
        required=False,
        help_text="A walk-run session: how long it took, in seconds.",
    )


def distance_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        max_value=runs.FARTHEST_RUN_METRES,
        allow_null=True,
        required=False,
        help_text="A walk-run session: how far it went, in metres (optional).",
    )


def track_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=TRACKS,
        required=False,
        help_text="Where the run's time and distance were read from: gpx, tcx, or empty.",
    )


class LogSessionSerializer(StrictSerializer):
    plan_exercise = serializers.IntegerField()
    day = serializers.DateField()
    done = serializers.BooleanField()
    amount_done = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    pain_during = pain_field()
    pain_next_morning = pain_field()
    difficulty = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    red_flag = serializers.SlugRelatedField(
        slug_field="slug", queryset=RedFlag.objects.all(), required=False, allow_null=True
    )
    run_seconds = run_seconds_field()
    distance_metres = distance_field()
    track = track_field()
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="An id the device made for this log (a UUID), so a log sent twice is stored "
        "once: a resend answers 200 with the stored log. A day logged meanwhile with other "
        "values is a 409 with the log stored (`stored`).",
    )


class SessionEntrySerializer(StrictSerializer):
    plan_exercise = serializers.IntegerField()
    done = serializers.BooleanField()
    amount_done = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    pain_during = pain_field()


class LogWholeSessionSerializer(StrictSerializer):
    """A whole session at once (what exercise-along's quick log sends): every exercise's entry
    is saved, or none. A warning sign is reported with a single log (POST .../logs)."""

    day = serializers.DateField()
    entries = SessionEntrySerializer(many=True, allow_empty=False, max_length=50)  # type: ignore[call-arg]

    def validate_entries(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [entry["plan_exercise"] for entry in value]
        twice = sorted({pk for pk in ids if ids.count(pk) > 1})
        if twice:
            raise serializers.ValidationError(
                _("Each exercise once: plan exercise %(ids)s repeated.")
                % {"ids": ", ".join(map(str, twice))}
            )
        return value


class CorrectLogSerializer(StrictSerializer):
    """What a correction may change. A warning sign may be added to a logged day (it stops
    the plan, as with a new log), never taken back."""

    done = serializers.BooleanField(required=False)
    amount_done = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    pain_during = pain_field()
    pain_next_morning = pain_field()
    difficulty = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    red_flag = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=RedFlag.objects.all(),
        required=False,
        help_text="A warning sign noticed after the first save: it stops the plan.",
    )
    run_seconds = run_seconds_field()
    distance_metres = distance_field()
    track = track_field()


class DoseChangeSerializer(serializers.ModelSerializer[DoseChange]):
    exercise = serializers.CharField(source="plan_exercise.exercise.name", read_only=True)
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = DoseChange
        fields = [
            "id",
            "plan_exercise",
            "exercise",
            "effective_on",
            "action",
            "old_amount",
            "old_sets",
            "old_level",
            "new_amount",
            "new_sets",
            "new_level",
            "reason",
            "what_changed",
            "decided_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_decided_by(self, change: DoseChange) -> str | None:
        return change.decided_by.username if change.decided_by else None


class OverrideSerializer(StrictSerializer):
    amount = serializers.IntegerField(min_value=1, max_value=32767)
    sets = serializers.IntegerField(
        min_value=1, max_value=10, required=False, help_text="Today's sets if left out."
    )
    level = serializers.IntegerField(
        min_value=-1,
        max_value=10,
        default=0,
        help_text="0: the exercise itself; 1, 2...: its harder versions in order (the plan "
        "exercise's `harder`); -1: its easier version (`easier`).",
    )
    effective_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=500)


def input_of(
    serializer_class: type[serializers.Serializer[Any]],
    request: Request,
    *,
    refuse_first: Callable[[], object],
) -> dict[str, Any]:
    """The request's body as `serializer_class` validates it. When the body cannot be read or
    is not valid, `refuse_first` runs before the error is answered, so a caller who may not act
    at all hears that (404, 403) rather than what is wrong with the body. A valid body costs
    no query more: the service checks the caller itself."""
    try:
        data = serializer_class(data=request.data)
        if data.is_valid():
            return dict(data.validated_data)
    except APIException:
        refuse_first()
        raise
    refuse_first()
    raise serializers.ValidationError(data.errors)


# --- Views ----------------------------------------------------------------------------------


class SessionLogListView(ListAPIView[SessionLog]):
    serializer_class = SessionLogSerializer

    def get_queryset(self) -> QuerySet[SessionLog]:
        plan = access.visible_plan(self.request.user, self.kwargs["plan_id"])
        self.plan = plan
        return plan.logs.order_by("-day", "plan_exercise_id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        record_view(request.user, self.plan.user_id, f"plan {self.plan.pk} logs")
        return response

    @extend_schema(
        request=LogSessionSerializer,
        responses={201: SessionLogSerializer, 200: SessionLogSerializer},
    )
    def post(self, request: Request, plan_id: int) -> Response:
        values = input_of(
            LogSessionSerializer,
            request,
            # Someone who may not log on this plan is told so, whatever their body says.
            refuse_first=lambda: access.own_plan(request.user, plan_id, act="log its sessions"),
        )
        client_id = values.pop("client_id", None)
        log = {
            "runner": request.user,
            "plan_id": plan_id,
            "plan_exercise_id": values.pop("plan_exercise"),
            "day": values.pop("day"),
            "entry": sessions.Entry(**values),
            "now": timezone.now(),
        }
        if client_id is not None:
            return sent_from_device(log, client_id)
        logged = sessions.log_session(**log)
        return Response(log_data(logged.log), status=status.HTTP_201_CREATED)


def sent_from_device(log: dict[str, Any], client_id: UUID) -> Response:
    """A log (log_session's arguments) with the id its device made: 201 when stored now, 200
    with the log stored before (a resend, or the same values logged elsewhere), 409 with the
    stored log when the day was logged elsewhere with other values."""
    try:
        sent = sessions.log_once(**log, client_id=client_id)
    except sessions.LoggedElsewhere as conflict:
        body = {
            "detail": conflict.message,
            "missing": conflict.missing,
            "stored": log_data(conflict.stored),
        }
        return Response(body, status=status.HTTP_409_CONFLICT)
    return Response(
        log_data(sent.log), status=status.HTTP_201_CREATED if sent.created else status.HTTP_200_OK
    )


class WholeSessionView(APIView):
    @extend_schema(
        request=LogWholeSessionSerializer, responses={201: SessionLogSerializer(many=True)}
    )
    def post(self, request: Request, plan_id: int) -> Response:
        values = input_of(
            LogWholeSessionSerializer,
            request,
            refuse_first=lambda: access.own_plan(request.user, plan_id, act="log its sessions"),
        )
        entries = {
            entry.pop("plan_exercise"): sessions.Entry(**entry) for entry in values["entries"]
        }
        saved = sessions.log_day(
            runner=request.user,
            plan_id=plan_id,
            day=values["day"],
            entries=entries,
            now=timezone.now(),
        )
        return Response([log_data(one.log) for one in saved], status=status.HTTP_201_CREATED)


class SessionLogDetailView(APIView):
    def log_of(self, request: Request, plan_id: int, log_id: int) -> SessionLog:
        plan = access.visible_plan(request.user, plan_id)
        return get_object_or_404(
            plan.logs.select_related("plan_exercise__exercise", "plan"), pk=log_id
        )

    @extend_schema(responses={200: SessionLogSerializer})
    def get(self, request: Request, plan_id: int, log_id: int) -> Response:
        log = self.log_of(request, plan_id, log_id)
        record_view(request.user, log.plan.user_id, f"plan {plan_id} log {log.pk}")
        return Response(SessionLogSerializer(log).data)

    @extend_schema(request=CorrectLogSerializer, responses={200: SessionLogSerializer})
    def patch(self, request: Request, plan_id: int, log_id: int) -> Response:
        log = self.log_of(request, plan_id, log_id)
        if log.plan.user_id != request.user.pk:
            raise PermissionDenied(_("Only the runner whose plan this is can correct its logs."))
        data = CorrectLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        logged = sessions.correct_session(
            runner=request.user,
            plan_id=plan_id,
            log_id=log.pk,
            changes=data.validated_data,
            now=timezone.now(),
        )
        return Response(SessionLogSerializer(logged.log).data)


class DoseHistoryView(ListAPIView[DoseChange]):
    serializer_class = DoseChangeSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        record_view(request.user, self.plan.user_id, f"plan {self.plan.pk} dose history")
        return response

    def get_queryset(self) -> QuerySet[DoseChange]:
        plan = access.visible_plan(self.request.user, self.kwargs["plan_id"])
        self.plan = plan
        return (
            DoseChange.objects.filter(plan_exercise__plan=plan)
            .select_related("plan_exercise__exercise", "decided_by")
            .order_by("effective_on", "created_at", "pk")
        )


class OverrideDoseView(APIView):
    @extend_schema(request=OverrideSerializer, responses={201: DoseChangeSerializer})
    def post(self, request: Request, plan_id: int, plan_exercise_id: int) -> Response:
        plan = access.visible_plan(request.user, plan_id)
        if not (is_admin(request.user) or is_linked(request.user, plan.user)):
            raise PermissionDenied(_("Only the runner's therapist can tailor a dose."))
        plan_exercise = get_object_or_404(
            plan.exercises.select_related("exercise"), pk=plan_exercise_id
        )
        data = OverrideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = decisions.override_dose(
            plan_exercise=plan_exercise,
            amount=data.validated_data["amount"],
            level=data.validated_data["level"],
            sets=data.validated_data.get("sets"),
            therapist=signed_in(request),
            effective_on=data.validated_data.get("effective_on"),
            reason=data.validated_data["reason"],
            now=timezone.now(),
        )
        return Response(DoseChangeSerializer(change).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("plans/<id:plan_id>/logs", SessionLogListView.as_view(), name="api-plan-logs"),
    path("plans/<id:plan_id>/sessions", WholeSessionView.as_view(), name="api-plan-sessions"),
    path(
        "plans/<id:plan_id>/logs/<id:log_id>",
        SessionLogDetailView.as_view(),
        name="api-plan-log",
    ),
    path("plans/<id:plan_id>/history", DoseHistoryView.as_view(), name="api-plan-history"),
    path(
        "plans/<id:plan_id>/exercises/<id:plan_exercise_id>/override",
        OverrideDoseView.as_view(),
        name="api-plan-override",
    ),
]
