"""The therapist's patient list worked out: each actively linked runner at a glance (recent
adherence, last pain, rising pain, open warning signs), most in need of attention first.

The arithmetic is planner.engine.trends'; these functions load what it needs in a few queries
whatever the number of patients and logs. planner.care.patient_list keeps the rows cached.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.contrib.auth.models import User
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

from kit import translated
from planner.care import statements
from planner.engine import progression, schedule, trends
from planner.models import (
    Alert,
    CareLink,
    Plan,
    PlanExercise,
    QuestionnaireAnswer,
    RedFlagReport,
    SessionLog,
    earlier_frequencies,
)
from planner.plans import outcomes

# A warning sign stays open while its plan is stopped, and for this long on any other plan: the
# therapist should have followed it up by then.
RED_FLAG_OPEN_DAYS = 30
# The pain trend of the patient list looks this far back: older pain says little about today.
PAIN_WINDOW_DAYS = 30


@dataclass(frozen=True)
class PlanRef:
    id: int
    program: str
    program_name: str
    # This plan's own sessions over the recent window: a new plan shows its own start beside
    # the runner's habit across plans, instead of resetting it.
    adherence: trends.Adherence | None = None
    # Each outcome measure answered at least twice: its change since the first answer.
    outcomes: tuple[outcomes.SinceStart, ...] = ()


@dataclass(frozen=True)
class Patient:
    id: int
    username: str
    name: str  # the name the runner chose on their profile, else their username
    active_plans: list[PlanRef]
    adherence: trends.Adherence | None
    last_pain_during: trends.PainPoint | None
    open_red_flags: int
    pain_rising: bool
    open_alerts: int = 0  # alerts not yet acknowledged: they head the list

    @property
    def rank(self) -> tuple[Any, ...]:
        missed = self.adherence.missed if self.adherence else 0
        key = trends.attention_rank(self.open_red_flags, self.pain_rising, missed, self.open_alerts)
        return (*key, self.name.lower(), self.id)


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


def still_open(now: datetime) -> Q:
    """The red-flag reports still open: on a stopped plan, or reported recently."""
    return Q(plan__status=Plan.Status.STOPPED) | Q(day__gte=open_flags_from(now))


def open_flags_from(now: datetime) -> date:
    """The first day a warning sign reported on a plan still running stays open."""
    return now.date() - timedelta(days=RED_FLAG_OPEN_DAYS)


def open_flags_count(plan: str, now: datetime) -> Subquery:
    """The warning signs still open of the plan the outer query names `plan`."""
    return Subquery(
        RedFlagReport.objects.filter(plan_id=OuterRef(plan))
        .filter(still_open(now))
        .order_by()
        .values("plan_id")
        .annotate(count=Count("pk"))
        .values("count")
    )


def done_days_mask(origin: date, days: int) -> Sum:
    """Per plan exercise, its days logged (in the rows summed) from `origin` on as a bit set
    (bit k: the day `origin` + k): (plan exercise, day) is unique, so the sum of distinct powers
    of two is exact."""
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
    links = linked_runners(therapist)
    return patients_from(links, plan_rows(links, now), now)


# A linked runner: id, username, their alerts not yet acknowledged, and the name they chose
# (empty when none).
Linked = tuple[int, str, int, str]


def linked_runners(therapist: User) -> list[Linked]:
    """(id, username, open alerts, chosen name) of the runners actively linked to
    `therapist`, by username."""
    open_alerts = (
        Alert.objects.filter(runner_id=OuterRef("runner_id"), acknowledged_at__isnull=True)
        .order_by()
        .values("runner_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return list(
        CareLink.objects.filter(therapist_id=therapist.pk, status=CareLink.Status.ACTIVE)
        .order_by("runner__username")
        .values_list(
            "runner_id",
            "runner__username",
            Coalesce(Subquery(open_alerts), 0),
            Coalesce("runner__profile__display_name", Value("")),
        )
    )


def plan_rows(links: list[Linked], now: datetime) -> list[PlanRow]:
    """Every plan of those runners (a person has a handful at most), with its program and its
    warning signs still open: on a stopped plan, or reported recently."""
    return [
        PlanRow(*row)
        for row in Plan.objects.filter(user_id__in=[runner_id for runner_id, *_ in links])
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
            translated.across("program__name"),
            Coalesce(open_flags_count("pk", now), 0),
        )
    ]


# A plan's marks: id, last saved, warning signs still open, when its logs last changed.
PlanMarks = tuple[int, str, int, str | None]


@dataclass(frozen=True)
class RunnerMarks:
    """What a runner's row on the patient list depends on that can change: their names, their
    plans' marks and the programs' names."""

    id: int
    username: str
    plans: tuple[PlanMarks, ...]
    # When a program was last saved: the row shows its plans' program names.
    programs_saved: str | None
    open_alerts: int = 0
    chosen_name: str = ""


def marks_by_runner(rows: list[statements.MarkRow]) -> list[RunnerMarks]:
    """Each runner's marks, in the order of `rows` (statements.runner_marks: by name)."""
    marks: dict[int, tuple[str, list[PlanMarks], str | None, int, str]] = {}
    for runner_id, username, plan_id, saved, flags, logged, programs, alerts, name in rows:
        _, own, _, _, _ = marks.setdefault(runner_id, (username, [], programs, alerts, name))
        if plan_id is not None:  # a runner with no plan yet comes once, with no plan
            assert saved is not None
            own.append((plan_id, saved, flags, logged))
    return [
        RunnerMarks(pk, username, tuple(own), programs, alerts, name)
        for pk, (username, own, programs, alerts, name) in marks.items()
    ]


class ItemRow(NamedTuple):
    """The columns of a plan exercise the patient list reads, with its days logged done in full
    and done only in part as bit sets (see done_days_mask)."""

    frequency: str
    earlier_frequencies: list[list[str]]  # as stored: see PlanExercise.earlier_frequencies
    first_week: int
    last_week: int
    added_on: date | None
    removed_on: date | None
    done: int
    partial: int


def patients_from(links: list[Linked], all_plans: list[PlanRow], now: datetime) -> list[Patient]:
    """The patient list from the links and their plans: two queries for the logs, one for the
    outcome questionnaires."""
    plan_ids = [plan.id for plan in all_plans]
    # The exercises of the active plans, which say which days were due, each with the days
    # it was logged done in full, and done only in part, in the recent window. Every time
    # zone's last 14 days lie between `origin` and the day after tomorrow (UTC).
    origin = now.date() - timedelta(days=trends.RECENT_DAYS + 1)
    span = trends.RECENT_DAYS + 4

    def days_mask(partial: bool) -> Coalesce:
        return Coalesce(
            Subquery(
                SessionLog.objects.filter(
                    plan_exercise_id=OuterRef("pk"),
                    done=True,
                    partial=partial,
                    day__gte=origin,
                    day__lt=origin + timedelta(days=span),
                )
                .order_by()
                .values("plan_exercise_id")
                .annotate(mask=done_days_mask(origin, span))
                .values("mask")
            ),
            0,
        )

    items: dict[int, list[ItemRow]] = defaultdict(list)
    for plan_id, *row in (
        PlanExercise.objects.filter(
            plan_id__in=[plan.id for plan in all_plans if plan.status == Plan.Status.ACTIVE]
        )
        .order_by()
        .values_list(
            "plan_id",
            "frequency",
            "earlier_frequencies",
            "first_week",
            "last_week",
            "added_on",
            "removed_on",
            days_mask(partial=False),
            days_mask(partial=True),
        )
    ):
        items[plan_id].append(ItemRow(*row))
    # and per plan the worst pain of each logged day, only the latest days pain_rising reads
    # (of a stopped plan too: its pain matters most). The cutoff takes a day more so every
    # time zone's "30 days ago" is inside it.
    cutoff = now.date() - timedelta(days=max(PAIN_WINDOW_DAYS, trends.RECENT_DAYS) + 1)
    pain: dict[int, list[progression.SessionRecord]] = defaultdict(list)
    for plan_id, day, during, morning in recent_pain(plan_ids, cutoff):
        pain[plan_id].append(progression.SessionRecord(day, True, during, morning))

    # The active plans' outcome questionnaires, for each measure's change since the start.
    answers: dict[int, list[QuestionnaireAnswer]] = defaultdict(list)
    for answer in QuestionnaireAnswer.objects.filter(
        plan_id__in=[plan.id for plan in all_plans if plan.status == Plan.Status.ACTIVE]
    ).order_by("plan_id", "answered_at", "pk"):
        answers[answer.plan_id].append(answer)

    plans_by_runner: dict[int, list[PlanRow]] = defaultdict(list)
    for plan in all_plans:
        plans_by_runner[plan.user_id].append(plan)
    local_today = functools.cache(lambda zone: schedule.local_date(now, zone))
    patients = []
    for runner_id, username, open_alerts, chosen_name in links:
        own = plans_by_runner[runner_id]
        active = [plan for plan in own if plan.status == Plan.Status.ACTIVE]
        adherence = None
        refs = []
        if active:
            today = max(local_today(plan.time_zone) for plan in active)
            windows = {
                plan.id: [
                    trends.DueWindow(
                        plan.start_date,
                        schedule.Frequency(item.frequency),
                        item.first_week,
                        item.last_week,
                        min(local_today(plan.time_zone), plan.projected_end),
                        item.done,
                        item.partial,
                        item.added_on,
                        item.removed_on,
                        earlier_frequencies(item.earlier_frequencies),
                    )
                    for item in items[plan.id]
                ]
                for plan in active
            }
            adherence = trends.recent_adherence(
                [window for plan in active for window in windows[plan.id]], origin, today
            )
            refs = [
                PlanRef(
                    plan.id,
                    plan.program,
                    plan.program_name,
                    trends.recent_adherence(windows[plan.id], origin, local_today(plan.time_zone)),
                    tuple(outcomes.since_start(answers[plan.id])),
                )
                for plan in active
            ]
        trend = trends.pain_trend(record for plan in own for record in pain[plan.id])
        patients.append(
            Patient(
                id=runner_id,
                username=username,
                name=chosen_name or username,
                active_plans=refs,
                adherence=adherence,
                last_pain_during=trends.last_pain_during(trend),
                open_red_flags=sum(plan.open_red_flags for plan in own),
                pain_rising=trends.pain_rising(trend),
                open_alerts=open_alerts,
            )
        )
    return sorted(patients, key=lambda patient: patient.rank)


def recent_pain(plan_ids: list[int], cutoff: date) -> QuerySet[SessionLog, tuple[Any, ...]]:
    """(plan, day, worst pain during, worst next-morning pain) of the days from `cutoff` on
    with a rating, only the latest days trends.pain_rising and last_pain_during read: per
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
        .filter(Q(during_rank__lte=2 * trends.RISING_SPAN) | Q(morning_rank__lte=2))
        .values_list("plan_id", "day", "during", "morning")
    )
