"""A person's plans: the list, and one plan's timeline, status, reminders and calendar feed.

The owner changes things; a linked therapist (and an admin) may look, read-only; anyone else
gets 404. Every change is a POST to its own address and comes back to the plan page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.recording import record_view
from kit.web import signed_in
from planner import access
from planner.accounts import clock
from planner.care import team
from planner.engine import course, progression, schedule, weeks
from planner.models import (
    FREQUENCY_LABELS,
    CalendarFeed,
    DoseChange,
    Notification,
    Plan,
    PlanExercise,
    Reminder,
)
from planner.pages.common import SHOWN, TimeZoneField, add_domain_errors
from planner.plans import calendar_feed, daily, ladders, lifecycle, reminders, resume


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    # One query: the person's plans with their programs.
    mine = (
        Plan.objects.filter(user=signed_in(request))
        .select_related("program")
        .order_by("-created_at", "-pk")
    )
    return render(request, "pages/plan/list.html", {"plans": list(mine)})


# --- Forms ---------------------------------------------------------------------------------


class ReminderForm(forms.Form):
    local_time = forms.TimeField(
        label=gettext_lazy("Time of day"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("In the plan's time zone."),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Reminders"),
        choices=Reminder.State.choices,
        help_text=gettext_lazy("Paused stops them until you switch them on again."),
    )


class NudgeForm(ReminderForm):
    """The reminder's form with the nudge's switch: on or off (no pause of its own)."""

    state = forms.ChoiceField(
        label=gettext_lazy("Evening nudge"),
        choices=[
            (Reminder.State.ON, Reminder.State.ON.label),
            (Reminder.State.OFF, Reminder.State.OFF.label),
        ],
        help_text=gettext_lazy(
            "One short message, only on a day whose exercises are not logged by then."
        ),
    )


class TimeZoneForm(forms.Form):
    time_zone = TimeZoneField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        help_text=gettext_lazy("An IANA name such as Europe/Berlin; reminders follow its clock."),
    )


# --- The plan page -------------------------------------------------------------------------

# What the plan page shows besides the plan: its program, runner and the program's condition
# (its care note), read with it.
PAGE_SHOWN = (*SHOWN, "program__condition")


def week_count(plan: Plan) -> int:
    return (plan.projected_end - plan.start_date).days // 7 + 1


def timeline(plan: Plan, today: date) -> list[weeks.Week]:
    """Every week of the plan with the dose of each exercise then: three queries."""
    phases = [
        weeks.PhaseSpan(p.first_week, p.last_week, name=p.name, goal=p.goal)
        for p in plan.program.phases.order_by("order")
    ]
    items = list(plan.exercises.select_related("exercise").order_by("order", "pk"))
    history: dict[int, list[tuple[int, progression.Dose]]] = defaultdict(list)
    for item_id, effective_on, amount, sets, level in (
        DoseChange.objects.filter(plan_exercise__plan=plan)
        .order_by("plan_exercise_id", "effective_on", "created_at", "pk")
        .values_list("plan_exercise_id", "effective_on", "new_amount", "new_sets", "new_level")
    ):
        history[item_id].append(
            (schedule.week_of(plan.start_date, effective_on), progression.Dose(amount, sets, level))
        )
    current = schedule.week_of(plan.start_date, today)
    spans = []
    for item in items:
        ladder = ladders.ladder_of(item)
        dose = ladders.dose_of(item)

        spans.append(
            weeks.PlanItem(
                item.first_week,
                item.last_week,
                name=item.exercise.name,
                frequency=_(
                    FREQUENCY_LABELS.get(schedule.Frequency(item.frequency), item.frequency)
                ),
                frequency_by_week=frequencies_by_week(item, plan.start_date),
                history=[(week, course.dose_text(ladder, d)) for week, d in history[item.pk]],
                now=course.dose_text(ladder, dose),
                target=progression.describe(ladder, ladder.top(len(ladder.harder))),
                # Nothing harder ahead: a harder version still climbs, though the plan's goal
                # (steps_remaining) is already reached.
                at_target=progression.next_dose(ladder, dose)[0] is progression.Action.HOLD,
                expected=tuple(
                    (week.week, week.text)
                    for week in ladders.expected_course(
                        item, ladder, dose, current, plan.start_date
                    )
                ),
            )
        )
    return weeks.plan_by_week(week_count(plan), phases, spans, current)


def frequencies_by_week(item: PlanExercise, plan_start: date) -> tuple[tuple[int, str], ...]:
    """How often, in words, in each of the exercise's weeks not at its current frequency:
    a week a therapist changed it in names both ("Every other day, then every day")."""
    if not item.earlier:
        return ()
    current = schedule.Frequency(item.frequency)
    by_week = []
    for week in range(item.first_week, item.last_week + 1):
        first = plan_start + timedelta(weeks=week - 1)
        spans = schedule.frequency_spans(first, first + timedelta(days=6), current, item.earlier)
        if [span.frequency for span in spans] != [current]:
            first_label, *then = (_(FREQUENCY_LABELS[span.frequency]) for span in spans)
            # Translators: between two frequencies in one week: "Every other day, then every day".
            joined = _(", then ").join([first_label, *(t.lower() for t in then)])
            by_week.append((week, joined))
    return tuple(by_week)


def plan_context(request: HttpRequest, plan: Plan, **forms_given: forms.Form) -> dict[str, Any]:
    today = daily.today_of(plan, timezone.now())
    owner = plan.user_id == request.user.pk
    # The daily reminder and the evening nudge in one read.
    settings_of = {
        r.kind: r
        for r in plan.reminders.filter(kind__in=[Reminder.Kind.REMINDER, Reminder.Kind.NUDGE])
    }
    reminder = settings_of.get(Reminder.Kind.REMINDER)
    nudge = settings_of.get(Reminder.Kind.NUDGE)
    context: dict[str, Any] = {
        "plan": plan,
        "owner": owner,
        "today": today,
        "week": schedule.week_of(plan.start_date, today),
        "weeks": timeline(plan, today),
        "reminder": reminder,
        "can_pause": plan.status == Plan.Status.ACTIVE,
        "can_resume": plan.status == Plan.Status.PAUSED,
        # A stopped plan resumes after clearance: stated by its runner, or recorded by their
        # therapist (planner.plans.resume).
        "can_resume_stopped": plan.status == Plan.Status.STOPPED
        and (owner or access.is_linked(request.user, plan.user)),
        "resume_form": forms_given.get("resume_form") or ResumeForm(),
        "emergency_phone": settings.EMERGENCY_PHONE,
        "carers": team.carers_of(plan),
    }
    if owner:
        feed = CalendarFeed.objects.filter(plan=plan).first()
        context["feed_url"] = (
            request.build_absolute_uri(reverse("api-calendar-feed", kwargs={"token": feed.token}))
            if feed
            else ""
        )
        context["reminder_form"] = forms_given.get("reminder_form") or ReminderForm(
            initial={
                "local_time": reminder.local_time if reminder else reminders.DEFAULT_LOCAL_TIME,
                "state": reminder.state if reminder else Reminder.State.ON,
            },
            prefix="reminder",
        )
        context["nudge_form"] = forms_given.get("nudge_form") or NudgeForm(
            initial={
                "local_time": nudge.local_time if nudge else reminders.DEFAULT_NUDGE_TIME,
                "state": nudge.state if nudge else Reminder.State.ON,
            },
            prefix="nudge",
        )
        context["time_zone_form"] = forms_given.get("time_zone_form") or TimeZoneForm(
            initial={"time_zone": plan.time_zone}, prefix="zone"
        )
        context["notifications"] = list(
            Notification.objects.filter(user_id=plan.user_id, delivery__plan=plan).order_by(
                "-created_at", "-pk"
            )[:5]
        )
    return context


class ResumeForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Who assessed the problem, and when?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            'For example: "Dr Weber, my GP, on 2 December: exercise is fine." It is '
            "kept in the plan's dose history."
        ),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "A doctor or physical therapist has assessed this problem since the stop, and "
            "said that exercise may go on."
        ),
        error_messages={
            "required": gettext_lazy("Tick this only once a clinician has cleared it.")
        },
    )
    step_down = forms.BooleanField(
        label=gettext_lazy("Go on one step lower than before the stop"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "The gentler way back; the plan steps up again as sessions go well."
        ),
    )


@require_POST
@login_required
def resume_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Resume a plan stopped for a warning sign: the runner, stating a clinician's clearance,
    or their linked therapist."""
    plan = access.visible_plan(request.user, plan_id, related=PAGE_SHOWN)
    # Its errors show the plan page again: a look at the runner's plan, like the page's.
    record_view(request.user, plan.user_id, f"plan {plan.pk} page")
    form = ResumeForm(request.POST)
    if form.is_valid():
        try:
            resume.resume(
                plan.pk,
                signed_in(request),
                step_down=form.cleaned_data["step_down"],
                note=form.cleaned_data["note"],
                now=timezone.now(),
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The plan goes on: reminders start again."))
            return redirect("plan", plan_id=plan.pk)
    return render(request, "pages/plan/detail.html", plan_context(request, plan, resume_form=form))


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.visible_plan(request.user, plan_id, related=PAGE_SHOWN)
    record_view(request.user, plan.user_id, f"plan {plan.pk} page")
    return render(request, "pages/plan/detail.html", plan_context(request, plan))


# --- Changes (the owner's alone) -----------------------------------------------------------


@require_POST
@login_required
def change_status(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.own_plan(request.user, plan_id, related=SHOWN)
    wanted = request.POST.get("status", "")
    done = {Plan.Status.PAUSED: _("Plan paused."), Plan.Status.ACTIVE: _("Plan resumed.")}
    if wanted not in done or plan.status == Plan.Status.COMPLETED:
        # This page pauses and resumes; a completed plan is done here.
        messages.error(
            request,
            _("A %(status)s plan cannot be changed to that.")
            % {"status": plan.get_status_display().lower()},
        )
        return redirect("plan", plan_id=plan.pk)
    try:
        lifecycle.change_plan(plan, timezone.now(), status=wanted)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done[Plan.Status(wanted)])
    return redirect("plan", plan_id=plan.pk)


@require_POST
@login_required
def change_reminder(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _change_when(
        request,
        plan_id,
        "reminder",
        ReminderForm,
        reminders.update_reminder,
        _("Reminder settings saved."),
    )


@require_POST
@login_required
def change_nudge(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _change_when(
        request,
        plan_id,
        "nudge",
        NudgeForm,
        reminders.update_nudge,
        _("Evening nudge saved."),
        "#nudge",
    )


def _change_when(
    request: HttpRequest,
    plan_id: int,
    prefix: str,
    form_class: type[ReminderForm],
    update: Callable[..., Reminder],
    saved: str,
    anchor: str = "",
) -> HttpResponse:
    """A reminder's time of day and switch, from its form (`prefix`) on the plan's page."""
    plan = access.own_plan(request.user, plan_id, related=PAGE_SHOWN)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            update(
                plan,
                timezone.now(),
                local_time=form.cleaned_data["local_time"],
                state=form.cleaned_data["state"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(reverse("plan", kwargs={"plan_id": plan.pk}) + anchor)
    forms_given: dict[str, forms.Form] = {f"{prefix}_form": form}
    return render(request, "pages/plan/detail.html", plan_context(request, plan, **forms_given))


@require_POST
@login_required
def change_time_zone(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.own_plan(request.user, plan_id, related=PAGE_SHOWN)
    form = TimeZoneForm(request.POST, prefix="zone")
    if form.is_valid():
        try:
            lifecycle.change_plan(plan, timezone.now(), time_zone=form.cleaned_data["time_zone"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            clock.remember(request, plan.user_id)
            messages.success(
                request, _("Time zone changed to %(zone)s.") % {"zone": plan.time_zone}
            )
            return redirect("plan", plan_id=plan.pk)
    return render(
        request, "pages/plan/detail.html", plan_context(request, plan, time_zone_form=form)
    )


@require_POST
@login_required
def change_feed(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.own_plan(request.user, plan_id, related=SHOWN)
    if request.POST.get("action") == "revoke":
        calendar_feed.revoke(plan)
        messages.success(request, _("The calendar address no longer works."))
    else:
        _feed, created = calendar_feed.create_or_rotate(plan, timezone.now())
        messages.success(
            request,
            _("Your private calendar address is ready.")
            if created
            else _("New calendar address: the old one no longer works."),
        )
    return redirect(reverse("plan", kwargs={"plan_id": plan.pk}) + "#calendar")


urlpatterns = [
    path("plans/", plan_list, name="plans"),
    path("plans/<id:plan_id>/", plan_page, name="plan"),
    path("plans/<id:plan_id>/status/", change_status, name="plan-status"),
    path("plans/<id:plan_id>/reminder/", change_reminder, name="plan-reminder"),
    path("plans/<id:plan_id>/nudge/", change_nudge, name="plan-nudge"),
    path("plans/<id:plan_id>/time-zone/", change_time_zone, name="plan-time-zone"),
    path("plans/<id:plan_id>/calendar-feed/", change_feed, name="plan-calendar-feed"),
    path("plans/<id:plan_id>/resume/", resume_plan, name="plan-resume"),
]
