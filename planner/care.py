"""Therapists and their patients, decided in one place for the API and the pages:
invitations the runner accepts or declines, care links either of them can end at any time,
programs a therapist assigns to a linked runner, and the patient list sorted by who needs
attention.

Consent comes first: a therapist sees nothing of a runner until the runner accepts, and nothing
again once either of them ends the link (planner.access reads only active links). Errors a
person can fix are ValidationErrors naming the field; another person's link is Http404.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
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

from planner import plans, progress, progression, reads, schedule
from planner.access import is_therapist
from planner.models import (
    CareLink,
    Notification,
    Plan,
    PlanExercise,
    Program,
    RedFlagReport,
    SessionLog,
)

OPEN = (CareLink.Status.INVITED, CareLink.Status.ACTIVE)

# A warning sign stays open while its plan is stopped, and for this long on any other plan: the
# therapist should have followed it up by then.
RED_FLAG_OPEN_DAYS = 30
# The pain trend of the patient list looks this far back: older pain says little about today.
PAIN_WINDOW_DAYS = 30


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
        raise ValidationError({"runner": "No runner with that username or email."})
    if runner.pk == therapist.pk:
        raise ValidationError({"runner": "You cannot invite yourself."})
    return runner


def links_of(user: User) -> QuerySet[CareLink]:
    return CareLink.objects.filter(Q(runner_id=user.pk) | Q(therapist_id=user.pk)).select_related(
        "therapist", "runner"
    )


def invite(therapist: User, identifier: str) -> CareLink:
    """An invitation from a therapist to the runner named, who is told in the app."""
    runner = find_runner(identifier, therapist)
    already = ValidationError(
        {"runner": f"You already have an open invitation or link with {runner.username}."}
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
    return link


@transaction.atomic
def answer_invitation(runner: User, invitation_id: int, *, accept: bool, now: datetime) -> CareLink:
    """Accept or decline: only the invited runner may (anyone else gets 404), and only once."""
    link = get_object_or_404(
        CareLink.objects.select_for_update(of=("self",))
        .select_related("therapist", "runner")
        .filter(runner_id=runner.pk),
        pk=invitation_id,
    )
    if link.status != CareLink.Status.INVITED:
        raise ValidationError(
            {"status": f"This invitation is already {link.get_status_display().lower()}."}
        )
    if accept and not is_therapist(link.therapist):
        raise ValidationError(
            {"status": f"{link.therapist.username} is no longer a therapist here."}
        )
    link.status = CareLink.Status.ACTIVE if accept else CareLink.Status.DECLINED
    link.responded_at = now
    link.save(update_fields=["status", "responded_at"])
    return link


@transaction.atomic
def end_link(user: User, link_id: int, now: datetime) -> CareLink:
    """Either party ends the link (or withdraws, or turns down, an open invitation)."""
    link = get_object_or_404(
        links_of(user).select_for_update(of=("self",)).filter(status__in=OPEN), pk=link_id
    )
    link.status = CareLink.Status.ENDED
    link.ended_at = now
    link.save(update_fields=["status", "ended_at"])
    return link


def active_link(therapist: User, runner_id: int) -> CareLink:
    """The therapist's active link to that runner, with the runner; 404 without one."""
    return get_object_or_404(
        CareLink.objects.select_related("runner").filter(
            therapist_id=therapist.pk, status=CareLink.Status.ACTIVE
        ),
        runner_id=runner_id,
    )


@transaction.atomic
def assign_program(
    *,
    therapist: User,
    runner: User,
    program: Program,
    start_date: date,
    time_zone: str,
    reminder_time: time,
    now: datetime,
) -> Plan:
    """Start a plan for a linked runner, who is told in the app."""
    plan = plans.start_plan(
        user=runner,
        program=program,
        start_date=start_date,
        time_zone=time_zone,
        now=now,
        reminder_time=reminder_time,
        assigned_by=therapist,
    )
    Notification.objects.create(
        user=runner,
        title=f"{therapist.username} gave you a program: {plan.program.name}",
        body=f"It starts on {plan.start_date:%A %d %B %Y}.",
    )
    return plan


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
    links = linked_runners(therapist)
    return patients_from(links, plan_rows(links, now), now)


def linked_runners(therapist: User) -> list[tuple[int, str]]:
    """(id, username) of the runners actively linked to `therapist`, by name."""
    return list(
        CareLink.objects.filter(therapist_id=therapist.pk, status=CareLink.Status.ACTIVE)
        .order_by("runner__username")
        .values_list("runner_id", "runner__username")
    )


def plan_rows(links: list[tuple[int, str]], now: datetime) -> list[PlanRow]:
    """Every plan of those runners (a person has a handful at most), with its program and its
    warning signs still open: on a stopped plan, or reported recently."""
    return [
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
            Coalesce(open_flags_count("pk", now), 0),
        )
    ]


# A plan's marks: id, last saved, warning signs still open, when its logs last changed.
PlanMarks = tuple[int, str, int, str | None]


@dataclass(frozen=True)
class RunnerMarks:
    """What a runner's row on the patient list depends on that can change: their name, their
    plans' marks and the programs' names."""

    id: int
    username: str
    plans: tuple[PlanMarks, ...]
    # When a program was last saved: the row shows its plans' program names.
    programs_saved: str | None


def runner_marks(rows: list[reads.MarkRow]) -> list[RunnerMarks]:
    """Each runner's marks, in the order of `rows` (reads.runner_marks: by name)."""
    marks: dict[int, tuple[str, list[PlanMarks], str | None]] = {}
    for runner_id, username, plan_id, saved, flags, logged, programs in rows:
        _, own, _ = marks.setdefault(runner_id, (username, [], programs))
        if plan_id is not None:  # a runner with no plan yet comes once, with no plan
            assert saved is not None
            own.append((plan_id, saved, flags, logged))
    return [
        RunnerMarks(pk, name, tuple(own), programs) for pk, (name, own, programs) in marks.items()
    ]


def patients_from(
    links: list[tuple[int, str]], all_plans: list[PlanRow], now: datetime
) -> list[Patient]:
    """The patient list from the links and their plans: two queries, for the logs."""
    plan_ids = [plan.id for plan in all_plans]
    # The exercises of the active plans, which say which days were due, each with the days
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
    # and per plan the worst pain of each logged day, only the latest days pain_rising reads
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
