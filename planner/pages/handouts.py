"""Handouts: a program, or one runner's plan with their own (tailored) doses, on paper (A4
from the print dialog) or as a PDF made on the server (planner.pages.handout_pdf), which the
runner or their therapist can also send to the runner's confirmed address: each exercise with
its drawing, its steps and its expected dose week by week (planner.engine.course), and the
clinic's details."""

from __future__ import annotations

import importlib
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.recording import record_view
from exercises.models import Exercise
from exercises.showing import ShownPicture, shown_picture
from kit.web import signed_in
from planner import access, addresses
from planner.accounts import api_language
from planner.care import team
from planner.engine import course, progression, schedule
from planner.engine.pain import NEAR_PAIN_FREE, PAIN_MONITORING, RETURN_TO_RUN
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
    if first == last:
        return _("week %(week)d") % {"week": first}
    return _("weeks %(first)d to %(last)d") % {"first": first, "last": last}


def block_of(
    item: PlanExercise | Prescription,
    ladder: progression.Ladder,
    dose: progression.Dose,
    from_week: int,
    dose_now: str = "",
    start: date | None = None,
) -> HandoutBlock:
    exercise = item.exercise
    return HandoutBlock(
        exercise=exercise,
        frequency=_(FREQUENCY_LABELS[schedule.Frequency(item.frequency)]),
        weeks=weeks_text(item.first_week, item.last_week),
        easier=ladder.easier,
        harder=ladder.harder,
        doses=ladders.expected_course(item, ladder, dose, from_week, start),
        dose_now=dose_now,
        picture=shown_picture(
            exercise.slug,
            exercise.name,
            exercise.picture,
            [step.text for step in exercise.steps.all()],
        ),
    )


# The pain rules' advice (planner.engine.pain, which knows no Django, says it in English), in
# the reader's language: the same words, kept in step with the engine's.
PAIN_ADVICE = {
    PAIN_MONITORING.key: gettext_lazy(
        "Pain during the exercise up to 5 out of 10 is acceptable if it has settled by the next "
        "morning, and morning pain should be no worse than the morning before. 0 to 2 counts "
        "towards the next step; pain above 5 steps the dose back."
    ),
    NEAR_PAIN_FREE.key: gettext_lazy(
        "Work pain-free or almost: no more than 2 out of 10 during the exercise, and no worse "
        "the next morning. More than that steps the dose back; tingling or numbness that "
        "spreads means stop and have it checked."
    ),
    RETURN_TO_RUN.key: gettext_lazy(
        "Pain during the run no more than 2 out of 10, and back to how it was before the run "
        "within 24 hours: by the next morning, no worse than the morning before. More than "
        "that steps back a phase."
    ),
}


def handout_html(
    request: HttpRequest,
    program: Program,
    items: Sequence[PlanExercise | Prescription],
    blocks: list[HandoutBlock],
    plan: Plan | None,
    *,
    as_pdf: bool = False,
) -> str:
    context = {
        "program": program,
        "phases": program.phases.order_by("order"),
        "blocks": blocks,
        "plan": plan,
        "pain_rules": [
            PAIN_ADVICE.get(rule.key, rule.advice) for rule in ladders.pain_rules_of(items)
        ],
        "clinic": team.handout_clinic(signed_in(request), plan),
        "as_pdf": as_pdf,
        "can_email": plan is not None and not as_pdf,
        # The day the doses are as of ({% now %} takes no translated format).
        "now": timezone.now(),
    }
    return render_to_string("pages/therapist/handout.html", context, request=request)


def program_parts(
    request: HttpRequest, slug: str
) -> tuple[Program, list[Prescription], list[HandoutBlock]]:
    """A program the caller may see (a therapist's own is theirs and their clinic's to print)
    and its blocks, from its first dose."""
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
    return program, items, blocks


def plan_parts(
    request: HttpRequest, plan_id: int, what: str
) -> tuple[Plan, Program, list[PlanExercise], list[HandoutBlock]]:
    """The plan (if the caller may see it, recording a look by anyone else) and its blocks,
    with this runner's own (tailored) doses from this week."""
    plan = access.visible_plan(request.user, plan_id, related=SHOWN)
    record_view(request.user, plan.user_id, f"plan {plan.pk} {what}")
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
        blocks.append(block_of(item, ladder, dose, this_week, now_text, plan.start_date))
    return plan, program, items, blocks


@login_required
def program_handout(request: HttpRequest, slug: str) -> HttpResponse:
    """A program on paper: its phases, and each exercise with its steps and dose table."""
    program, items, blocks = program_parts(request, slug)
    return HttpResponse(handout_html(request, program, items, blocks, None))


@login_required
def program_handout_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    program, items, blocks = program_parts(request, slug)
    pdf = make_pdf(request, handout_html(request, program, items, blocks, None, as_pdf=True))
    if pdf is None:
        return no_pdf(request, reverse("handout", args=[slug]))
    return pdf_response(pdf, f"{program.slug}.pdf")


@login_required
def plan_handout(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan on paper: the program with this runner's own (tailored) doses from this week."""
    plan, program, items, blocks = plan_parts(request, plan_id, "handout")
    return HttpResponse(handout_html(request, program, items, blocks, plan))


@login_required
def plan_handout_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, program, items, blocks = plan_parts(request, plan_id, "handout (PDF)")
    pdf = make_pdf(request, handout_html(request, program, items, blocks, plan, as_pdf=True))
    if pdf is None:
        return no_pdf(request, reverse("plan-handout", args=[plan_id]))
    # A neutral name: the file may sit in a downloads folder anyone sees.
    return pdf_response(pdf, "exercise-handout.pdf")


@require_POST
@login_required
def email_handout(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The PDF, mailed to the runner's confirmed address: by the runner, or their therapist
    at the end of a visit."""
    plan, program, items, blocks = plan_parts(request, plan_id, "handout (emailed)")
    address = addresses.confirmed_email(plan.user)
    # Each answer is the handout page again, saying what became of the email.
    if address is None:
        messages.error(
            request,
            _(
                "No confirmed email address to send it to: the runner confirms theirs on the "
                "Account page. Download the PDF instead."
            ),
        )
        return HttpResponse(handout_html(request, program, items, blocks, plan))
    pdf = make_pdf(request, handout_html(request, program, items, blocks, plan, as_pdf=True))
    if pdf is None:
        return no_pdf(request, reverse("plan-handout", args=[plan_id]))
    # Written to the runner: in her own language when she chose one, else the page's.
    language = api_language.chosen_language(plan.user) or translation.get_language()
    with translation.override(language):
        mail = EmailMessage(
            str(HANDOUT_SUBJECT),
            _(
                "Your exercise handout is attached (a PDF): the exercises, how to do them, and "
                "your doses week by week. Stop and see a doctor if a warning sign appears."
            ),
            to=[address],
        )
    mail.attach("exercise-handout.pdf", pdf, "application/pdf")
    try:
        mail.send()
    except (smtplib.SMTPException, OSError):
        messages.error(request, _("The mail server did not take it: try again in a while."))
    else:
        messages.success(request, _("The handout is on its way, as a PDF, to the runner's email."))
    return HttpResponse(handout_html(request, program, items, blocks, plan))


def make_pdf(request: HttpRequest, html: str) -> bytes | None:
    """The page as a PDF (planner.pages.handout_pdf, imported only now: WeasyPrint loads Pango
    on import); None on a server without Pango, where every other page still works."""
    try:
        maker = importlib.import_module("planner.pages.handout_pdf")
    except OSError:
        return None
    pdf: bytes = maker.pdf_of(request, html)
    return pdf


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A plan's handout is health data: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def no_pdf(request: HttpRequest, page: str) -> HttpResponse:
    """Back to the handout's page, saying why there is no PDF (never an error page)."""
    messages.error(
        request,
        _(
            "This server cannot make PDFs (its administrator has to install Pango): use Print, "
            "and choose to save as PDF."
        ),
    )
    return redirect(page)


# Said in the subject, on the lock screen: nothing of health.
HANDOUT_SUBJECT = gettext_lazy("Your exercise handout")


urlpatterns = [
    path("programs/<slug:slug>/handout/", program_handout, name="handout"),
    path("programs/<slug:slug>/handout.pdf", program_handout_pdf, name="handout-pdf"),
    path("plans/<id:plan_id>/handout/", plan_handout, name="plan-handout"),
    path("plans/<id:plan_id>/handout.pdf", plan_handout_pdf, name="plan-handout-pdf"),
    path("plans/<id:plan_id>/handout/email/", email_handout, name="plan-handout-email"),
]
