"""Plans over the API: start one, see a day, pause or move it, set its reminders. Sessions,
the dose history and tailored doses are planner.api.sessions.

Who may do what: the plan's owner does everything a runner does; the owner's linked
therapist and admins may read it all and tailor doses; anyone else gets 404. Logging and
changing reminders is the runner's own act, so a therapist gets 403 there (they can see the
plan, so the 403 leaks nothing).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import record_view, record_views
from exercises import showing
from exercises.models import Exercise
from kit.api.strict import StrictSerializer
from kit.web import signed_in
from planner import access, models
from planner.access import plans_visible_to
from planner.engine import return_to_run, schedule
from planner.models import Plan, PlanExercise, Program, Reminder
from planner.plans import daily, lifecycle, reminders, time_zones

# --- Serializers ------------------------------------------------------------------------------


class PlanExerciseSerializer(serializers.ModelSerializer[PlanExercise]):
    exercise = serializers.CharField(source="exercise.slug", read_only=True)
    name = serializers.CharField(source="exercise.name", read_only=True)
    unit = serializers.CharField(source="exercise.unit", read_only=True)
    per_side = serializers.BooleanField(source="exercise.per_side", read_only=True)

    class Meta:
        model = PlanExercise
        fields = [
            "id",
            "exercise",
            "name",
            "unit",
            "per_side",
            *models.LADDER_FIELDS,
            "amount",
            "current_sets",
            "level",
            "dose_since",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer[Plan]):
    program = serializers.CharField(source="program.slug", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)
    runner = serializers.CharField(source="user.username", read_only=True)
    stop_urgency = serializers.CharField(
        read_only=True,
        help_text="How urgent the warning sign that stopped the plan is: emergency or "
        "see_clinician; empty unless the plan is stopped.",
    )
    condition_note = serializers.CharField(
        source="program.condition.care_note",
        read_only=True,
        help_text="What to take care with for the program's condition, from the catalog; "
        "empty when it has none.",
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "runner",
            "program",
            "program_name",
            "start_date",
            "time_zone",
            "status",
            "planned_end",
            "projected_end",
            "stop_reason",
            "stop_urgency",
            "stop_advice",
            "stopped_at",
            "condition_note",
        ]
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    exercises = PlanExerciseSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "exercises"]
        read_only_fields = fields


# A local time of day carries no offset, so it is not OpenAPI's `format: time` (RFC 3339's
# full-time, with seconds and an offset): the schema says exactly what is read and written.
@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "example": "07:30",
        "description": "A time of day in the plan's time zone: HH:MM, 24-hour.",
    }
)
class TimeOfDayField(serializers.Field[time, str, str, Any]):
    def to_representation(self, value: time) -> str:
        return value.strftime("%H:%M")

    def to_internal_value(self, data: Any) -> time:
        try:
            return reminders.local_time_from_text(str(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["local_time"]) from exc


class StartPlanSerializer(StrictSerializer):
    # A runner starting on their own chooses from the catalog; a therapist assigning chooses
    # from the programs they may see (planner.api.care.AssignPlanSerializer).
    program = serializers.SlugRelatedField(slug_field="slug", queryset=Program.objects.catalog())
    start_date = serializers.DateField()
    time_zone = serializers.CharField(max_length=64)
    reminder_time = TimeOfDayField(required=False, default=reminders.DEFAULT_LOCAL_TIME)

    def validate_time_zone(self, value: str) -> str:
        try:
            return schedule.validate_time_zone(value)
        except ValueError as exc:
            raise serializers.ValidationError(time_zones.not_a_zone(value)) from exc


# What a runner may set a plan to; "stopped" is only ever set by a warning sign.
PLAN_STATUS_CHANGES = [
    (status.value, status.label)
    for status in (Plan.Status.ACTIVE, Plan.Status.PAUSED, Plan.Status.COMPLETED)
]


class PlanChangeSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=PLAN_STATUS_CHANGES, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)


class RunPhaseSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    of = serializers.IntegerField()
    walk_minutes = serializers.IntegerField(help_text="0: run the whole distance.")
    run_minutes = serializers.IntegerField()
    miles = serializers.FloatField()
    metres = serializers.IntegerField()
    effort = serializers.IntegerField(help_text="Rated effort, 0 (resting) to 10.")


def phase_data(card: daily.DueExercise) -> dict[str, Any] | None:
    phases = return_to_run.phases_from(card.plan_exercise.exercise.phases)
    if not phases:
        return None
    phase = return_to_run.phase_of(phases, card.dose.amount)
    return {
        "number": card.dose.amount,
        "of": len(phases),
        "walk_minutes": phase.walk_minutes,
        "run_minutes": phase.run_minutes,
        "miles": phase.miles,
        "metres": phase.metres,
        "effort": phase.effort,
    }


class DayCardSerializer(serializers.Serializer[Any]):
    plan_exercise = serializers.IntegerField(source="plan_exercise.pk")
    exercise = serializers.CharField(source="plan_exercise.exercise.slug")
    name = serializers.CharField(source="plan_exercise.exercise.name")
    sets = serializers.IntegerField()
    amount = serializers.IntegerField()
    unit = serializers.CharField(source="plan_exercise.exercise.unit")
    per_side = serializers.BooleanField(source="plan_exercise.exercise.per_side")
    hold_seconds = serializers.IntegerField(source="plan_exercise.hold_seconds")
    level = serializers.IntegerField(
        source="dose.level",
        help_text="0: the exercise itself; 1, 2...: its harder versions; -1: its easier one.",
    )
    version = serializers.CharField(help_text="The version's name; empty for the exercise itself.")
    times_per_day = serializers.IntegerField(source="plan_exercise.times_per_day")
    dose = serializers.CharField(source="dose_text")
    cautions = serializers.ListField(
        child=serializers.CharField(),
        source="plan_exercise.exercise.cautions",
        help_text="What to stop for or take care with, from the exercise in the catalog.",
    )
    picture = serializers.SerializerMethodField(
        help_text="The exercise's drawing, moving (SVG); null without one."
    )
    picture_still = serializers.SerializerMethodField(
        help_text="Its start and end side by side (SVG), for reduced motion; null without one."
    )
    logged = serializers.SerializerMethodField()
    phase = serializers.SerializerMethodField(
        help_text="A walk-run session (unit phases): today's phase; null for other exercises."
    )

    @extend_schema_field(RunPhaseSerializer(allow_null=True))
    def get_phase(self, card: daily.DueExercise) -> dict[str, Any] | None:
        return phase_data(card)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_picture(self, card: daily.DueExercise) -> str | None:
        return pictures_of(card.plan_exercise.exercise)["picture"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_picture_still(self, card: daily.DueExercise) -> str | None:
        return pictures_of(card.plan_exercise.exercise)["picture_still"]

    def get_logged(self, card: daily.DueExercise) -> int | None:
        return card.log.pk if card.log else None


class DaySerializer(serializers.Serializer[Any]):
    """The schema of a day; day_data builds the same answer (tested field by field)."""

    plan = serializers.IntegerField(source="plan.pk")
    date = serializers.DateField(source="day")
    week = serializers.IntegerField()
    exercises = DayCardSerializer(many=True)


# A day is the API's most frequent read: DRF's nested serializers cost it more time than its
# queries (fields copied and bound per card, every value through its field), so its answer is
# built here with DaySerializer kept for the schema, as SessionLogSerializer is for log_data.


def pictures_of(exercise: Exercise) -> dict[str, str | None]:
    if not exercise.picture:
        return {"picture": None, "picture_still": None}
    moving, still = showing.picture_urls(exercise.slug, exercise.name, exercise.picture)
    return {"picture": moving, "picture_still": still}


def day_data(day: daily.Day) -> dict[str, Any]:
    """What DaySerializer(day).data says, built directly."""
    return {
        "plan": day.plan.pk,
        "date": day.day.isoformat(),
        "week": day.week,
        "exercises": [
            {
                "plan_exercise": card.plan_exercise.pk,
                "exercise": card.plan_exercise.exercise.slug,
                "name": card.plan_exercise.exercise.name,
                "sets": card.sets,
                "amount": card.amount,
                "unit": card.plan_exercise.exercise.unit,
                "per_side": card.plan_exercise.exercise.per_side,
                "hold_seconds": card.plan_exercise.hold_seconds,
                "level": card.dose.level,
                "version": card.version,
                "times_per_day": card.plan_exercise.times_per_day,
                "dose": card.dose_text,
                "cautions": [str(caution) for caution in card.plan_exercise.exercise.cautions],
                **pictures_of(card.plan_exercise.exercise),
                "logged": card.log.pk if card.log else None,
                "phase": phase_data(card),
            }
            for card in day.exercises
        ],
    }


class ReminderSerializer(serializers.ModelSerializer[Reminder]):
    local_time = TimeOfDayField(read_only=True)

    class Meta:
        model = Reminder
        fields = ["local_time", "state", "next_due_at"]
        read_only_fields = fields


class ReminderChangeSerializer(StrictSerializer):
    local_time = TimeOfDayField(required=False)
    state = serializers.ChoiceField(choices=Reminder.State.choices, required=False)


# --- Views ----------------------------------------------------------------------------------


class PlanListView(ListAPIView[Plan]):
    serializer_class = PlanSerializer

    def paginate_queryset(self, queryset: QuerySet[Any, Any]) -> list[Any] | None:
        self.page_rows = super().paginate_queryset(queryset)
        return self.page_rows

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        # A therapist's or an admin's list shows other people's plans: one INSERT for them.
        record_views(request.user, {plan.user_id for plan in self.page_rows or []}, "plan list")
        return response

    def get_queryset(self) -> QuerySet[Plan]:
        # 1 query for the page (plans with program, its condition and runner), 1 for the count.
        return (
            plans_visible_to(self.request.user)
            .select_related("program__condition", "user")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=StartPlanSerializer, responses={201: PlanDetailSerializer})
    def post(self, request: Request) -> Response:
        data = StartPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = lifecycle.start_plan(
            user=signed_in(request),
            program=data.validated_data["program"],
            start_date=data.validated_data["start_date"],
            time_zone=data.validated_data["time_zone"],
            now=timezone.now(),
            reminder_time=data.validated_data["reminder_time"],
        )
        return Response(PlanDetailSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailView(APIView):
    @extend_schema(responses={200: PlanDetailSerializer})
    def get(self, request: Request, plan_id: int) -> Response:
        plan = get_object_or_404(
            plans_visible_to(request.user)
            .select_related("program__condition", "user")
            .prefetch_related("exercises__exercise"),
            pk=plan_id,
        )
        record_view(request.user, plan.user_id, f"plan {plan.pk}")
        return Response(PlanDetailSerializer(plan).data)

    @extend_schema(request=PlanChangeSerializer, responses={200: PlanDetailSerializer})
    def patch(self, request: Request, plan_id: int) -> Response:
        plan = access.own_plan(request.user, plan_id, act="pause, resume or move it")
        data = PlanChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.change_plan(plan, timezone.now(), **data.validated_data)
        return self.get(request, plan_id)


DATE_PARAMETER = OpenApiParameter(
    "date",
    type=OpenApiTypes.DATE,
    description="A local date (YYYY-MM-DD); today in the plan's zone if absent",
)


class PlanDayView(APIView):
    @extend_schema(parameters=[DATE_PARAMETER], responses={200: DaySerializer})
    def get(self, request: Request, plan_id: int) -> Response:
        plan = access.visible_plan(request.user, plan_id)
        raw = request.query_params.get("date")
        if raw is None:
            day = daily.today_of(plan, timezone.now())
        else:
            field = serializers.DateField()
            try:
                day = field.to_internal_value(raw)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"date": exc.detail}) from exc
        record_view(request.user, plan.user_id, f"plan {plan.pk} day {day.isoformat()}")
        try:
            day_shown = daily.plan_day(plan, day)
        except DjangoValidationError as exc:
            # The caller's name for the day is the `date` parameter.
            errors = exc.message_dict
            if "day" in errors:
                errors["date"] = errors.pop("day")
            raise serializers.ValidationError(errors) from exc
        return Response(day_data(day_shown))


class ReminderView(APIView):
    """The daily reminder: its time of day moves the plan's other messages but the nudge."""

    kind = Reminder.Kind.REMINDER
    update = staticmethod(reminders.update_reminder)

    @extend_schema(responses={200: ReminderSerializer})
    def get(self, request: Request, plan_id: int) -> Response:
        plan = access.visible_plan(request.user, plan_id)
        reminder = get_object_or_404(plan.reminders, kind=self.kind)
        # When the runner exercises, and in which zone she lives: a look like any other.
        record_view(request.user, plan.user_id, f"plan {plan.pk} {self.kind}")
        return Response(ReminderSerializer(reminder).data)

    @extend_schema(request=ReminderChangeSerializer, responses={200: ReminderSerializer})
    def patch(self, request: Request, plan_id: int) -> Response:
        plan = access.own_plan(request.user, plan_id, act="change its reminders")
        data = ReminderChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reminder = self.update(plan, timezone.now(), **data.validated_data)
        return Response(ReminderSerializer(reminder).data)


class NudgeView(ReminderView):
    """The evening nudge: one short message when the day's session is due and nothing of it is
    logged by its time (19:00 in the plan's zone unless changed); `state` "off" stops it."""

    kind = Reminder.Kind.NUDGE
    update = staticmethod(reminders.update_nudge)


urlpatterns = [
    path("plans", PlanListView.as_view(), name="api-plans"),
    path("plans/<id:plan_id>", PlanDetailView.as_view(), name="api-plan"),
    path("plans/<id:plan_id>/day", PlanDayView.as_view(), name="api-plan-day"),
    path("plans/<id:plan_id>/reminder", ReminderView.as_view(), name="api-plan-reminder"),
    path("plans/<id:plan_id>/nudge", NudgeView.as_view(), name="api-plan-nudge"),
]
