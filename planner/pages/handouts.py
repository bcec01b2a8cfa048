"""Printable handouts: a program, or one runner's plan with their own (tailored) doses, on
paper (A4, or a PDF from the print dialog): each exercise with its steps and its expected dose
week by week (planner.engine.course)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from audit.recording import record_view
from exercises.models import Exercise
from exercises.showing import ShownPicture, shown_picture
from planner import access
from planner.engine import course, progression, schedule
from planner.models import (
    FREQUENCY_LABELS,
    Plan,
    PlanExercise,
    Prescription,
    Program,
)
from planner.pages.common import SHOWN
from planner.plans import daily, ladders


@dataclass(frozen=True)
class HandoutBlock:
    """One exercise of a handout: how to do it and its dose week by week."""

    exercise: Exercise
    frequency: str
    weeks: str
    easier: str  # the easier version a dose that hurts too much steps down to
    harder: tuple[str, ...]  # the harder versions, in the order they are taken
    doses: list[course.WeekDose]
    dose_now: str = ""
    picture: ShownPicture | None = None


def weeks_text(first: int, last: int) -> str:
    return f"week {first}" if first == last else f"weeks {first} to {last}"


def block_of(
    item: PlanExercise | Prescription,
    ladder: progression.Ladder,
    dose: progression.Dose,
    from_week: int,
    dose_now: str = "",
) -> HandoutBlock:
    exercise = item.exercise
    return HandoutBlock(
        exercise=exercise,
        frequency=FREQUENCY_LABELS[schedule.Frequency(item.frequency)],
        weeks=weeks_text(item.first_week, item.last_week),
        easier=ladder.easier,
        harder=ladder.harder,
        doses=ladders.expected_course(item, ladder, dose, from_week),
        dose_now=dose_now,
        picture=shown_picture(
            exercise.slug,
            exercise.name,
            exercise.picture,
            [step.text for step in exercise.steps.all()],
        ),
    )


def render_handout(
    request: HttpRequest,
    program: Program,
    items: Sequence[PlanExercise | Prescription],
    blocks: list[HandoutBlock],
    plan: Plan | None,
) -> HttpResponse:
    context = {
        "program": program,
        "phases": program.phases.order_by("order"),
        "blocks": blocks,
        "plan": plan,
        "pain_rules": ladders.pain_rules_of(items),
    }
    return render(request, "pages/therapist/handout.html", context)


@login_required
def program_handout(request: HttpRequest, slug: str) -> HttpResponse:
    """A program on paper: its phases, and each exercise with its steps and dose table."""
    program = get_object_or_404(
        access.programs_visible_to(request.user).select_related(
            "source", "condition", "weeks_source", "copied_from"
        ),
        slug=slug,
    )
    items = list(
        program.prescriptions.select_related("exercise__source")
        .prefetch_related("exercise__steps", "exercise__variations")
        .order_by("order")
    )
    blocks = []
    for item in items:
        ladder = ladders.ladder_of(item)
        blocks.append(block_of(item, ladder, ladder.bottom(), 1))
    return render_handout(request, program, items, blocks, None)


@login_required
def plan_handout(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan on paper: the program with this runner's own (tailored) doses from this week."""
    plan = access.visible_plan(request.user, plan_id, related=SHOWN)
    record_view(request.user, plan.user_id, f"plan {plan.pk} handout")
    program = Program.objects.select_related(
        "source", "condition", "weeks_source", "copied_from"
    ).get(pk=plan.program_id)
    today = daily.today_of(plan, timezone.now())
    this_week = max(1, schedule.week_of(plan.start_date, today))
    items = list(
        plan.exercises.select_related("exercise__source")
        .prefetch_related("exercise__steps", "exercise__variations")
        .order_by("order")
    )
    blocks = []
    for item in items:
        ladder, dose = ladders.ladder_of(item), ladders.dose_of(item)
        now_text = course.dose_text(ladder, dose)
        blocks.append(block_of(item, ladder, dose, this_week, now_text))
    return render_handout(request, program, items, blocks, plan)


urlpatterns = [
    path("programs/<slug:slug>/handout/", program_handout, name="handout"),
    path("plans/<id:plan_id>/handout/", plan_handout, name="plan-handout"),
]
