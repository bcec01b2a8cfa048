"""A plan's progress: adherence per week, each exercise's dose over time and the pain trend
against the 5/10 limit. Readable by the plan's owner, their linked therapist and admins; 404
for anyone else."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.recording import record_view
from planner import plans, progress, progression, schedule
from planner.access import plans_visible_to
from planner.models import DoseChange, Plan, PlanExercise

# The columns of a session log that progress reads, in this order.
LOG_COLUMNS = ("plan_exercise_id", "day", "done", "pain_during", "pain_next_morning")
LogRow = tuple[int, date, bool, int | None, int | None]


def counted_through(plan: Plan, now: datetime) -> date:
    """The last local day whose sessions count as due: today while the plan runs, never past
    its projected end. A paused, stopped or completed plan stops asking for sessions when its
    status changed, which is the last time it was saved (no later save happens to such a plan
    except a time zone change)."""
    last = min(schedule.local_date(now, plan.time_zone), plan.projected_end)
    if plan.status != Plan.Status.ACTIVE:
        last = min(last, schedule.local_date(plan.updated_at, plan.time_zone))
    return last


def due_by_day(
    plan: Plan, items: Iterable[PlanExercise], first: date, last: date
) -> dict[date, set[int]]:
    """The plan exercises (ids) due on each day from `first` to `last`, found the way the
    engine finds them (planner.plans.apply_decision)."""
    due: dict[date, set[int]] = defaultdict(set)
    for item in items:
        frequency = schedule.Frequency(item.frequency)
        for day in schedule.session_days(plan.start_date, first, last, frequency):
            if plans.is_due(item, plan.start_date, day):
                due[day].add(item.pk)
    return due


def done_pairs(rows: Iterable[LogRow]) -> set[tuple[int, date]]:
    return {(item_id, day) for item_id, day, done, _, _ in rows if done}


def pain_records(rows: Iterable[LogRow]) -> list[progression.SessionRecord]:
    return [
        progression.SessionRecord(day=day, done=done, pain_during=during, pain_next_morning=morning)
        for _, day, done, during, morning in rows
    ]


# --- What the endpoint answers ----------------------------------------------------------------


@dataclass(frozen=True)
class DoseOut:
    effective_on: date
    amount: int
    with_variation: bool
    dose: str  # in words, as the day's card shows it


@dataclass(frozen=True)
class ExerciseDoses:
    item: PlanExercise
    points: list[DoseOut]


@dataclass(frozen=True)
class AdherenceSummary:
    weeks: list[progress.WeekAdherence]
    recent: progress.Adherence


@dataclass(frozen=True)
class PainTrend:
    points: list[progress.PainPoint]
    rising: bool
    limit: int = progress.PAIN_LIMIT


@dataclass(frozen=True)
class Progress:
    plan: Plan
    counted_through: date
    adherence: AdherenceSummary
    doses: list[ExerciseDoses]
    pain: PainTrend
    dose_history_count: int


def progress_of(
    plan: Plan,
    items: list[PlanExercise],
    changes: list[progress.DoseRecord],
    logs: list[LogRow],
    now: datetime,
) -> Progress:
    last = counted_through(plan, now)
    due = due_by_day(plan, items, plan.start_date, last)
    complete = progress.completed_days(due, done_pairs(logs))
    series = progress.dose_series(changes)
    trend = progress.pain_trend(pain_records(logs))
    doses = [
        ExerciseDoses(
            item,
            [
                DoseOut(
                    p.effective_on,
                    p.amount,
                    p.with_variation,
                    progression.describe(
                        plans.ladder_of(item), progression.Dose(p.amount, p.with_variation)
                    ),
                )
                for p in series.get(item.pk, [])
            ],
        )
        for item in items
    ]
    return Progress(
        plan=plan,
        counted_through=last,
        adherence=AdherenceSummary(
            weeks=progress.weekly_adherence(plan.start_date, sorted(due), complete, last),
            recent=progress.adherence(due.keys(), complete, last, progress.RECENT_DAYS),
        ),
        doses=doses,
        pain=PainTrend(points=trend, rising=progress.pain_rising(trend)),
        dose_history_count=len(changes),
    )


class WeekAdherenceSerializer(serializers.Serializer):
    week = serializers.IntegerField()
    due = serializers.IntegerField()
    done = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True)


class AdherenceSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    due = serializers.IntegerField()
    done = serializers.IntegerField()
    missed = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True)


class DosePointSerializer(serializers.Serializer):
    effective_on = serializers.DateField()
    amount = serializers.IntegerField()
    with_variation = serializers.BooleanField()
    dose = serializers.CharField()


class ExerciseDosesSerializer(serializers.Serializer):
    plan_exercise = serializers.IntegerField(source="item.pk")
    exercise = serializers.CharField(source="item.exercise.slug")
    name = serializers.CharField(source="item.exercise.name")
    unit = serializers.CharField(source="item.exercise.unit")
    per_side = serializers.BooleanField(source="item.exercise.per_side")
    variation = serializers.CharField(source="item.variation_name")
    current_amount = serializers.IntegerField(source="item.amount")
    current_with_variation = serializers.BooleanField(source="item.with_variation")
    points = DosePointSerializer(many=True)


class PainPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    during = serializers.IntegerField(allow_null=True)
    next_morning = serializers.IntegerField(allow_null=True)


class PainTrendSerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        help_text="Pain during up to this (0-10) is acceptable if it settles by the next morning."
    )
    rising = serializers.BooleanField()
    points = PainPointSerializer(many=True)


class AdherenceSummarySerializer(serializers.Serializer):
    weeks = WeekAdherenceSerializer(many=True)
    recent = AdherenceSerializer(help_text="The last 14 days up to counted_through.")


class ProgressSerializer(serializers.Serializer):
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
        # 2. its exercises with the exercise each is;
        items = list(plan.exercises.select_related("exercise").order_by("order", "pk"))
        # 3. every dose change, in the order decided;
        changes = [
            progress.DoseRecord(*row)
            for row in DoseChange.objects.filter(plan_exercise__plan=plan)
            .order_by("created_at", "pk")
            .values_list("plan_exercise_id", "effective_on", "new_amount", "new_with_variation")
        ]
        # 4. every session log, only the columns progress reads.
        logs: list[LogRow] = list(plan.logs.order_by("day", "pk").values_list(*LOG_COLUMNS))
        result = progress_of(plan, items, changes, logs, timezone.now())
        # 5. the access record, when someone other than the runner looks.
        record_view(request.user, plan.user_id, f"plan {plan.pk} progress")
        return Response(ProgressSerializer(result).data)


urlpatterns = [
    path("plans/<int:plan_id>/progress", PlanProgressView.as_view(), name="api-plan-progress"),
]
