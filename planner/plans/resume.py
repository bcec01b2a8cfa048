"""A stop that can end well: a plan stopped for a warning sign resumes once a clinician has
assessed the runner, at the dose before the stop or one step lower, recorded in the dose
history with who cleared it and why."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from planner.access import is_linked, may_see_plan_of
from planner.engine import course, progression
from planner.models import DoseChange, Plan, Profile, Screening
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
    items = list(plan.exercises.select_related("exercise").order_by("order", "pk"))
    # The dose history is the runner's to read: written in her language, whoever resumes.
    with translation.override(runner_language(plan)):
        cleared = (
            _("the runner, stating a clinician's clearance")
            if plan.user_id == by.pk
            else _("their therapist %(name)s") % {"name": shown_name(by)}
        )
        why = plan.stop_reason.strip() or _("a warning sign")
        for item in items:
            if item.dose_since > today:
                # Not started yet: it starts on its own day, at its own first dose.
                continue
            ladder, dose = ladder_of(item), dose_of(item)
            new = progression.step_down(ladder, dose) if step_down else dose
            parts = {
                "exercise": item.exercise.name,
                "why": why,
                "cleared": cleared,
                "note": note.strip(),
                "dose": course.dose_text(ladder, new),
            }
            reason = (
                _(
                    "%(exercise)s: resumed after the stop (%(why)s), cleared by %(cleared)s: "
                    "%(note)s. Going on one step lower at %(dose)s."
                )
                if new != dose
                else _(
                    "%(exercise)s: resumed after the stop (%(why)s), cleared by %(cleared)s: "
                    "%(note)s. Going on at %(dose)s."
                )
            ) % parts
            change_dose(item, new, today, DoseChange.Action.RESUME, reason, decided_by=by)
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


def runner_language(plan: Plan) -> str:
    """The language the runner's dose history is written in: her own choice, else the one
    active now (her browser's, when she resumes it herself)."""
    chosen = Profile.objects.filter(user_id=plan.user_id).values_list("language", flat=True)
    return next(iter(chosen), "") or translation.get_language() or settings.LANGUAGE_CODE
