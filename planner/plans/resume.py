"""A stop that can end well: a plan stopped for a warning sign resumes once a clinician has
assessed the runner, at the dose before the stop or one step lower, recorded in the dose
history with who cleared it and why."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from planner.access import is_linked, may_see_plan_of
from planner.engine import course, progression
from planner.models import DoseChange, Plan, Screening
from planner.names import shown_name
from planner.plans import reminders
from planner.plans.daily import today_of
from planner.plans.decisions import change_dose, update_projected_end
from planner.plans.ladders import dose_of, ladder_of


def check_may_resume(plan: Plan | None, by: User) -> Plan:
    """The plan, when `by` may resume it: its runner or their therapist (403 for an admin, who
    sees it; 404 for anyone else)."""
    if plan is None or not may_see_plan_of(by, plan.user_id):
        raise Http404("No such plan.")
    if not (plan.user_id == by.pk or is_linked(by, plan.user)):
        # An admin sees the plan, but a resumption is the runner's or their therapist's.
        raise PermissionDenied("Only the runner or their therapist can resume the plan.")
    return plan


@transaction.atomic
def resume(plan_id: int, by: User, *, step_down: bool, note: str, now: datetime) -> Plan:
    """Resume a stopped plan after clearance: `by` is the runner, stating that a clinician
    has assessed them and cleared exercise (`note` says who and when), or a therapist linked
    to them. Each exercise goes on at its dose, or one rung lower when `step_down`."""
    found = Plan.objects.select_for_update().filter(pk=plan_id).select_related("user").first()
    plan = check_may_resume(found, by)
    if plan.status != Plan.Status.STOPPED:
        raise ValidationError(
            {
                "plan": _("The plan is %(status)s: only a stopped plan resumes after clearance.")
                % {"status": plan.get_status_display().lower()}
            }
        )
    if not note.strip():
        say = (
            _("Say who assessed you and when: it is kept in the dose history.")
            if plan.user_id == by.pk
            else _("Say what the clearance was: it is kept in the dose history.")
        )
        raise ValidationError({"note": say})
    today = today_of(plan, now)
    cleared = (
        "the runner, stating a clinician's clearance"
        if plan.user_id == by.pk
        else f"their therapist {shown_name(by)}"
    )
    why = plan.stop_reason.strip() or "a warning sign"
    items = list(plan.exercises.select_related("exercise").order_by("order", "pk"))
    for item in items:
        if item.dose_since > today:
            # Not started yet: it starts on its own day, at its own first dose.
            continue
        ladder, dose = ladder_of(item), dose_of(item)
        new = progression.step_down(ladder, dose) if step_down else dose
        lower = " one step lower" if new != dose else ""
        change_dose(
            item,
            new,
            today,
            DoseChange.Action.RESUME,
            f"{item.exercise.name}: resumed after the stop ({why}), cleared by {cleared}: "
            f"{note.strip()}. Going on{lower} at {course.dose_text(ladder, new)}.",
            decided_by=by,
        )
    # The stop's check-in, if one reported the sign, is cleared with the same words.
    Screening.objects.filter(check_in_of=plan, cleared_at__isnull=True).exclude(
        verdict=Screening.Verdict.CLEAR
    ).update(cleared_at=now, cleared_by=by, clearance_note=note.strip())
    plan.status = Plan.Status.ACTIVE
    plan.stop_urgency, plan.stop_advice, plan.stopped_at = "", "", None
    plan.save(update_fields=["status", "stop_urgency", "stop_advice", "stopped_at", "updated_at"])
    update_projected_end(plan, today, now, items)
    reminders.reschedule(plan, now)
    return plan
