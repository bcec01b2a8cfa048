"""A plan's progress: adherence per week, each exercise's dose over time and the pain trend
against the 5/10 limit. Readable by the plan's owner, their linked therapist and admins; 404
for anyone else."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import record_view
from planner.access import plans_visible_to
from planner.engine import schedule
from planner.models import Plan
from planner.plans import progress_report

PARTIAL_HELP = (
    "Sessions with every exercise done but some only in part (fewer reps or seconds than the "
    "dose): neither done nor missed."
)


class WeekAdherenceSerializer(serializers.Serializer[Any]):
    week = serializers.IntegerField()
    due = serializers.IntegerField()
    done = serializers.IntegerField(help_text="Sessions done in full.")
    # A field like any other: DRF's metaclass takes it out of the class before `partial`
    # (a partial update) is set on the instance; only the type checker sees the two meet.
    partial = serializers.IntegerField(help_text=PARTIAL_HELP)  # type: ignore[assignment]
    ratio = serializers.FloatField(allow_null=True)


class AdherenceSerializer(serializers.Serializer[Any]):
    first_day = serializers.DateField()
    due = serializers.IntegerField()
    done = serializers.IntegerField(help_text="Sessions done in full.")
    partial = serializers.IntegerField(help_text=PARTIAL_HELP)  # type: ignore[assignment]
    missed = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True)


class DosePointSerializer(serializers.Serializer[Any]):
    effective_on = serializers.DateField()
    amount = serializers.IntegerField()
    sets = serializers.IntegerField()
    level = serializers.IntegerField(
        help_text="0: the exercise itself; 1, 2...: its harder versions; -1: its easier one."
    )
    dose = serializers.CharField()


class ExerciseDosesSerializer(serializers.Serializer[Any]):
    plan_exercise = serializers.IntegerField(source="item.pk")
    exercise = serializers.CharField(source="item.exercise.slug")
    name = serializers.CharField(source="item.exercise.name")
    unit = serializers.CharField(source="item.exercise.unit")
    per_side = serializers.BooleanField(source="item.exercise.per_side")
    harder = serializers.ListField(child=serializers.CharField(), source="item.harder")
    easier = serializers.CharField(source="item.easier")
    current_amount = serializers.IntegerField(source="item.amount")
    current_sets = serializers.IntegerField(source="item.current_sets")
    current_level = serializers.IntegerField(source="item.level")
    points = DosePointSerializer(many=True)


class PainPointSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    during = serializers.IntegerField(allow_null=True)
    next_morning = serializers.IntegerField(allow_null=True)


class PainTrendSerializer(serializers.Serializer[Any]):
    limit = serializers.IntegerField(
        help_text="Pain during up to this (0-10) is acceptable if it settles by the next morning."
    )
    rising = serializers.BooleanField()
    points = PainPointSerializer(many=True)


class AdherenceSummarySerializer(serializers.Serializer[Any]):
    weeks = WeekAdherenceSerializer(many=True)
    recent = AdherenceSerializer(help_text="The last 14 days up to counted_through.")


class ProgressSerializer(serializers.Serializer[Any]):
    plan = serializers.IntegerField(source="plan.pk")
    program = serializers.CharField(source="plan.program.slug")
    program_name = serializers.CharField(source="plan.program.name")
    status = serializers.ChoiceField(source="plan.status", choices=Plan.Status.choices)
    start_date = serializers.DateField(source="plan.start_date")
    planned_end = serializers.DateField(source="plan.planned_end")
    projected_end = serializers.DateField(source="plan.projected_end")
    counted_through = serializers.DateField(
        help_text="The last day whose sessions count as due (today, or when the plan ended)."
    )
    adherence = AdherenceSummarySerializer()
    doses = ExerciseDosesSerializer(many=True)
    pain = PainTrendSerializer()
    dose_history_count = serializers.IntegerField()


class PlanProgressView(APIView):
    @extend_schema(responses={200: ProgressSerializer})
    def get(self, request: Request, plan_id: int) -> Response:
        # Four queries whatever the history's length (after authentication):
        # 1. the plan with its program, if the caller may see it (else 404);
        plan = get_object_or_404(
            plans_visible_to(request.user).select_related("program"), pk=plan_id
        )
        # 2-4. its exercises, dose changes and session logs (planner.plans.progress_report.load).
        loaded = progress_report.load(plan)
        today = schedule.local_date(timezone.now(), plan.time_zone)
        result = progress_report.progress_of(
            plan, loaded.items, loaded.dose_records, loaded.logs, today
        )
        # 5. the access record, when someone other than the runner looks.
        record_view(request.user, plan.user_id, f"plan {plan.pk} progress")
        return Response(ProgressSerializer(result).data)


urlpatterns = [
    path("plans/<id:plan_id>/progress", PlanProgressView.as_view(), name="api-plan-progress"),
]
