"""Therapists and their patients: invitations the runner accepts or declines, care links either
of them can end at any time, the patient list sorted by who needs attention, and programs a
therapist assigns to a linked runner.

Consent comes first: a therapist sees nothing of a runner until the runner accepts, and nothing
again once either of them ends the link (planner.access reads only active links).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from conditions.api.strict import StrictSerializer
from planner import plans, progress, progression, schedule
from planner.access import is_therapist
from planner.api.plans import PlanDetailSerializer, StartPlanSerializer
from planner.api.progress import AdherenceSerializer
from planner.models import (
    CareLink,
    Notification,
    Plan,
    PlanExercise,
    RedFlagReport,
    SessionLog,
)

OPEN = (CareLink.Status.INVITED, CareLink.Status.ACTIVE)

# A warning sign stays open while its plan is stopped, and for this long on any other plan: the
# therapist should have followed it up by then.
RED_FLAG_OPEN_DAYS = 30
# The pain trend of the patient list looks this far back: older pain says little about today.
PAIN_WINDOW_DAYS = 30
# A therapist may start a plan up to the logging window back (so a week's missed logs can still
# be entered) and up to a year ahead.


def require_therapist(request: Request, act: str) -> User:
    """The caller if they hold the therapist role; 403 otherwise (a role, not an object)."""
    if not is_therapist(request.user):
        raise PermissionDenied(f"Only therapists can {act}.")
    assert isinstance(request.user, User)
    return request.user


# --- Serializers ------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class CareLinkSerializer(serializers.ModelSerializer):
    therapist = PersonSerializer(read_only=True)
    runner = PersonSerializer(read_only=True)

    class Meta:
        model = CareLink
        fields = ["id", "therapist", "runner", "status", "created_at", "responded_at", "ended_at"]
        read_only_fields = fields


class InviteSerializer(StrictSerializer):
    runner = serializers.CharField(max_length=254, help_text="The runner's username or email.")


class PlanRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    program = serializers.CharField()
    program_name = serializers.CharField()


class LastPainSerializer(serializers.Serializer):
    day = serializers.DateField()
    value = serializers.IntegerField(source="during")


class PatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    active_plans = PlanRefSerializer(many=True)
    adherence = AdherenceSerializer(
        allow_null=True, help_text="The last 14 days of the active plans; null without one."
    )
    last_pain_during = LastPainSerializer(allow_null=True)
    open_red_flags = serializers.IntegerField()
    pain_rising = serializers.BooleanField()


# --- Invitations and links ------------------------------------------------------------------


def find_runner(identifier: str, therapist: User) -> User:
    """The active account with that username, or else the only one with that email."""
    identifier = identifier.strip()
    people = User.objects.filter(is_active=True)
    runner = people.filter(username__iexact=identifier).first()
    if runner is None and "@" in identifier:
        matches = list(people.filter(email__iexact=identifier)[:2])
        # Two accounts sharing an email: inviting either would be a guess.
        runner = matches[0] if len(matches) == 1 else None
    if runner is None:
        raise serializers.ValidationError({"runner": ["No runner with that username or email."]})
    if runner.pk == therapist.pk:
        raise serializers.ValidationError({"runner": ["You cannot invite yourself."]})
    return runner


def links_of(user: User) -> QuerySet[CareLink]:
    return CareLink.objects.filter(Q(runner_id=user.pk) | Q(therapist_id=user.pk)).select_related(
        "therapist", "runner"
    )


class InvitationListView(ListAPIView):
    serializer_class = CareLinkSerializer

    def get_queryset(self) -> QuerySet[CareLink]:
        # After authentication, 1 query for the count and 1 for the page (with both people).
        # A runner sees what waits for an answer; a therapist every invitation they sent.
        user = self.request.user
        return (
            CareLink.objects.filter(
                Q(runner_id=user.pk, status=CareLink.Status.INVITED) | Q(therapist_id=user.pk)
            )
            .select_related("therapist", "runner")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=InviteSerializer, responses={201: CareLinkSerializer})
    def post(self, request: Request) -> Response:
        therapist = require_therapist(request, "invite runners")
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        runner = find_runner(data.validated_data["runner"], therapist)
        already = serializers.ValidationError(
            {"runner": [f"You already have an open invitation or link with {runner.username}."]}
        )
        if CareLink.objects.filter(therapist=therapist, runner=runner, status__in=OPEN).exists():
            raise already
        try:
            with transaction.atomic():
                link = CareLink.objects.create(therapist=therapist, runner=runner)
                Notification.objects.create(
                    user=runner,
                    title=f"{therapist.username} would like to follow your plans",
                    body="Accept the invitation to let them see your plans, logs and pain "
                    "ratings; you can end the link at any time.",
                )
        except IntegrityError as exc:
            # Two invitations sent at once: the unique open link per pair lets one through.
            raise already from exc
        return Response(CareLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class InvitationAnswerView(APIView):
    """Accept or decline: only the invited runner may, and only once."""

    answer: CareLink.Status

    @extend_schema(request=None, responses={200: CareLinkSerializer})
    def post(self, request: Request, invitation_id: int) -> Response:
        with transaction.atomic():
            link = get_object_or_404(
                CareLink.objects.select_for_update(of=("self",))
                .select_related("therapist", "runner")
                .filter(runner_id=request.user.pk),
                pk=invitation_id,
            )
            if link.status != CareLink.Status.INVITED:
                raise serializers.ValidationError(
                    {"status": [f"This invitation is already {link.get_status_display().lower()}."]}
                )
            if self.answer == CareLink.Status.ACTIVE and not is_therapist(link.therapist):
                raise serializers.ValidationError(
                    {"status": [f"{link.therapist.username} is no longer a therapist here."]}
                )
            link.status = self.answer
            link.responded_at = timezone.now()
            link.save(update_fields=["status", "responded_at"])
        return Response(CareLinkSerializer(link).data)


class CareLinkListView(ListAPIView):
    serializer_class = CareLinkSerializer

    def get_queryset(self) -> QuerySet[CareLink]:
        # After authentication, 1 query for the count and 1 for the page (with both people).
        assert isinstance(self.request.user, User)
        return links_of(self.request.user).filter(status__in=OPEN).order_by("-created_at", "-pk")


class CareLinkDetailView(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, link_id: int) -> Response:
        """Either party ends the link (or withdraws, or turns down, an open invitation)."""
        assert isinstance(request.user, User)
        with transaction.atomic():
            link = get_object_or_404(
                links_of(request.user).select_for_update(of=("self",)).filter(status__in=OPEN),
                pk=link_id,
            )
            link.status = CareLink.Status.ENDED
            link.ended_at = timezone.now()
            link.save(update_fields=["status", "ended_at"])
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Patients -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRef:
    id: int
    program: str
    program_name: str


@dataclass(frozen=True)
class Patient:
    id: int
    username: str
    active_plans: list[PlanRef]
    adherence: progress.Adherence | None
    last_pain_during: progress.PainPoint | None
    open_red_flags: int
    pain_rising: bool

    @property
    def rank(self) -> tuple[Any, ...]:
        missed = self.adherence.missed if self.adherence else 0
        key = progress.attention_rank(self.open_red_flags, self.pain_rising, missed)
        return (*key, self.username.lower(), self.id)


@dataclass(frozen=True)
class PlanRow:
    """The columns of a plan the patient list reads."""

    id: int
    user_id: int
    status: str
    start_date: date
    time_zone: str
    projected_end: date
    updated_at: datetime
    program: str
    program_name: str
    open_red_flags: int


def done_days_mask(origin: date, days: int) -> Sum:
    """Per plan exercise, its days logged done from `origin` on as a bit set (bit k: the day
    `origin` + k): (plan exercise, day) is unique, so the sum of distinct powers of two is exact.
    """
    return Sum(
        Case(
            *(When(day=origin + timedelta(days=k), then=Value(1 << k)) for k in range(days)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def patients_of(therapist: User, now: datetime) -> list[Patient]:
    """Each actively linked runner at a glance, most in need of attention first.

    Four queries whatever the number of patients and logs; the database aggregates the logs,
    so only a few rows per patient come back.
    """
    # 1. the active links, with the runner's name;
    links = list(
        CareLink.objects.filter(therapist_id=therapist.pk, status=CareLink.Status.ACTIVE)
        .order_by("runner__username")
        .values_list("runner_id", "runner__username")
    )
    # 2. every plan of those runners (a person has a handful at most), with its program and
    # its warning signs still open: on a stopped plan, or reported recently;
    flag_cutoff = now.date() - timedelta(days=RED_FLAG_OPEN_DAYS)
    open_flags = (
        RedFlagReport.objects.filter(plan_id=OuterRef("pk"))
        .filter(Q(plan__status=Plan.Status.STOPPED) | Q(day__gte=flag_cutoff))
        .order_by()
        .values("plan_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    all_plans = [
        PlanRow(*row)
        for row in Plan.objects.filter(user_id__in=[runner_id for runner_id, _ in links])
        .order_by("start_date", "pk")
        .values_list(
            "pk",
            "user_id",
            "status",
            "start_date",
            "time_zone",
            "projected_end",
            "updated_at",
            "program__slug",
            "program__name",
            Coalesce(Subquery(open_flags), 0),
        )
    ]
    plan_ids = [plan.id for plan in all_plans]
    # 3. the exercises of the active plans, which say which days were due, each with the days
    # it was logged done in the recent window. Every time zone's last 14 days lie between
    # `origin` and the day after tomorrow (UTC).
    origin = now.date() - timedelta(days=progress.RECENT_DAYS + 1)
    span = progress.RECENT_DAYS + 4
    done_mask = (
        SessionLog.objects.filter(
            plan_exercise_id=OuterRef("pk"),
            done=True,
            day__gte=origin,
            day__lt=origin + timedelta(days=span),
        )
        .order_by()
        .values("plan_exercise_id")
        .annotate(mask=done_days_mask(origin, span))
        .values("mask")
    )
    items: dict[int, list[tuple[str, int, int, int]]] = defaultdict(list)
    for plan_id, frequency, first_week, last_week, done in (
        PlanExercise.objects.filter(
            plan_id__in=[plan.id for plan in all_plans if plan.status == Plan.Status.ACTIVE]
        )
        .order_by()
        .values_list(
            "plan_id", "frequency", "first_week", "last_week", Coalesce(Subquery(done_mask), 0)
        )
    ):
        items[plan_id].append((frequency, first_week, last_week, done))
    # 4. per plan, the worst pain of each logged day, only the latest days pain_rising reads
    # (of a stopped plan too: its pain matters most). The cutoff takes a day more so every
    # time zone's "30 days ago" is inside it.
    cutoff = now.date() - timedelta(days=max(PAIN_WINDOW_DAYS, progress.RECENT_DAYS) + 1)
    pain: dict[int, list[progression.SessionRecord]] = defaultdict(list)
    for plan_id, day, during, morning in recent_pain(plan_ids, cutoff):
        pain[plan_id].append(progression.SessionRecord(day, True, during, morning))

    plans_by_runner: dict[int, list[PlanRow]] = defaultdict(list)
    for plan in all_plans:
        plans_by_runner[plan.user_id].append(plan)
    local_today = functools.cache(lambda zone: schedule.local_date(now, zone))
    patients = []
    for runner_id, username in links:
        own = plans_by_runner[runner_id]
        active = [plan for plan in own if plan.status == Plan.Status.ACTIVE]
        adherence = None
        if active:
            today = max(local_today(plan.time_zone) for plan in active)
            windows = [
                progress.DueWindow(
                    plan.start_date,
                    schedule.Frequency(frequency),
                    first_week,
                    last_week,
                    min(local_today(plan.time_zone), plan.projected_end),
                    done,
                )
                for plan in active
                for frequency, first_week, last_week, done in items[plan.id]
            ]
            adherence = progress.recent_adherence(windows, origin, today)
        trend = progress.pain_trend(record for plan in own for record in pain[plan.id])
        patients.append(
            Patient(
                id=runner_id,
                username=username,
                active_plans=[PlanRef(p.id, p.program, p.program_name) for p in active],
                adherence=adherence,
                last_pain_during=progress.last_pain_during(trend),
                open_red_flags=sum(plan.open_red_flags for plan in own),
                pain_rising=progress.pain_rising(trend),
            )
        )
    return sorted(patients, key=lambda patient: patient.rank)


def recent_pain(plan_ids: list[int], cutoff: date) -> QuerySet[SessionLog, tuple[Any, ...]]:
    """(plan, day, worst pain during, worst next-morning pain) of the days from `cutoff` on
    with a rating, only the latest days progress.pain_rising and last_pain_during read: per
    plan the last 2 * RISING_SPAN days with a pain during and the last two with a next-morning
    pain (older days come along when they are among either). Those days of a person's plans
    include that person's own latest days, so the trend across plans reads the same."""

    def latest_first(rating: str) -> Window:
        unrated = ExpressionWrapper(Q(**{f"{rating}__isnull": True}), output_field=BooleanField())
        return Window(RowNumber(), partition_by=[F("plan_id"), unrated], order_by=F("day").desc())

    return (
        SessionLog.objects.filter(plan_id__in=plan_ids, day__gte=cutoff)
        .filter(Q(pain_during__isnull=False) | Q(pain_next_morning__isnull=False))
        .order_by()
        .values("plan_id", "day")
        .annotate(during=Max("pain_during"), morning=Max("pain_next_morning"))
        .annotate(during_rank=latest_first("during"), morning_rank=latest_first("morning"))
        .filter(Q(during_rank__lte=2 * progress.RISING_SPAN) | Q(morning_rank__lte=2))
        .values_list("plan_id", "day", "during", "morning")
    )


class PatientListView(ListAPIView):
    serializer_class = PatientSerializer

    def get_queryset(self) -> QuerySet[CareLink]:
        return CareLink.objects.none()  # the rows are built by patients_of, not a queryset

    @extend_schema(responses={200: PatientSerializer(many=True)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # After authentication: 1 query for the role, then the four of patients_of. The page is
        # cut from the sorted list, so there is no count query.
        therapist = require_therapist(request, "list patients")
        rows = patients_of(therapist, timezone.now())
        page: list[Patient] | None = self.paginate_queryset(rows)  # type: ignore[arg-type]
        assert page is not None
        return self.get_paginated_response(PatientSerializer(page, many=True).data)


class PatientPlanView(APIView):
    @extend_schema(request=StartPlanSerializer, responses={201: PlanDetailSerializer})
    def post(self, request: Request, runner_id: int) -> Response:
        therapist = require_therapist(request, "assign programs")
        link = get_object_or_404(
            CareLink.objects.select_related("runner").filter(
                therapist_id=therapist.pk, status=CareLink.Status.ACTIVE
            ),
            runner_id=runner_id,
        )
        data = StartPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            plan = plans.start_plan(
                user=link.runner,
                program=data.validated_data["program"],
                start_date=data.validated_data["start_date"],
                time_zone=data.validated_data["time_zone"],
                now=timezone.now(),
                reminder_time=data.validated_data["reminder_time"],
                assigned_by=therapist,
            )
            Notification.objects.create(
                user=link.runner,
                title=f"{therapist.username} gave you a program: {plan.program.name}",
                body=f"It starts on {plan.start_date:%A %d %B %Y}.",
            )
        return Response(PlanDetailSerializer(plan).data, status=status.HTTP_201_CREATED)


class AcceptView(InvitationAnswerView):
    answer = CareLink.Status.ACTIVE


class DeclineView(InvitationAnswerView):
    answer = CareLink.Status.DECLINED


urlpatterns = [
    path("invitations", InvitationListView.as_view(), name="api-invitations"),
    path(
        "invitations/<int:invitation_id>/accept", AcceptView.as_view(), name="api-invitation-accept"
    ),
    path(
        "invitations/<int:invitation_id>/decline",
        DeclineView.as_view(),
        name="api-invitation-decline",
    ),
    path("care-links", CareLinkListView.as_view(), name="api-care-links"),
    path("care-links/<int:link_id>", CareLinkDetailView.as_view(), name="api-care-link"),
    path("patients", PatientListView.as_view(), name="api-patients"),
    path("patients/<int:runner_id>/plans", PatientPlanView.as_view(), name="api-patient-plans"),
]
