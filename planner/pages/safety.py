"""Warning signs on pages: a running plan's weekly check-in, and a therapist acknowledging an
alert or recording a clearance (a stopped plan resumes from its own page: planner.pages.plan).
planner.safety and planner.plans decide; these views load, call and present."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kit.web import signed_in
from planner import access
from planner.models import Screening
from planner.names import shown_name
from planner.pages.common import ScreeningForm, add_domain_errors, therapist_required
from planner.plans import check_in
from planner.safety import alerts, screenings


def back_to_alerts(request: HttpRequest) -> HttpResponse:
    """To the alerts of the patient page the form came from; to the patient list when the
    runner it names is not an id (ASCII digits only: str.isdigit accepts "²")."""
    runner_id = str(request.POST.get("runner", ""))
    is_id = runner_id.isascii() and runner_id.isdigit()
    target = reverse("patient", args=[runner_id]) if is_id else reverse("patients")
    return redirect(target + "#alerts")


@login_required
def check_in_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The weekly check-in: the plan's warning-sign questions again, reachable from today's
    page and from the reminder."""
    plan = access.own_plan(
        request.user, plan_id, act="check in on", related=("program__condition",)
    )
    flags = check_in.questions(plan)
    form = ScreeningForm(flags, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answers = {slug: value == "yes" for slug, value in form.cleaned_data.items()}
        try:
            found = check_in.check_in(signed_in(request), plan.pk, answers, timezone.now())
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            if found.verdict == Screening.Verdict.CLEAR:
                messages.success(request, _("Thank you: no warning sign. Keep going."))
                return redirect("plan-today", plan_id=plan.pk)
            return redirect("plan", plan_id=plan.pk)
    last = check_in.last_check_in(plan)
    return render(
        request,
        "pages/plan/check_in.html",
        {"plan": plan, "form": form, "last": last},
    )


@therapist_required
@require_POST
def acknowledge_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    note = str(request.POST.get("note", ""))
    try:
        alerts.acknowledge(signed_in(request), alert_id, note, timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Acknowledged: the runner can read your note.")
    return back_to_alerts(request)


@therapist_required
@require_POST
def clear_screening(request: HttpRequest, screening_id: int) -> HttpResponse:
    """A therapist records that a clinician has assessed their runner's warning sign."""
    note = str(request.POST.get("note", ""))
    try:
        found = screenings.clear(signed_in(request), screening_id, note, timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Clearance recorded for {shown_name(found.user)}.")
    return back_to_alerts(request)


urlpatterns = [
    path("plans/<id:plan_id>/check-in/", check_in_page, name="plan-check-in"),
    path("alerts/<id:alert_id>/acknowledge/", acknowledge_alert, name="alert-acknowledge"),
    path("screenings/<id:screening_id>/clearance/", clear_screening, name="screening-clearance"),
]
