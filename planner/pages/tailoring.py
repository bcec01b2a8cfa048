"""Tailoring a running plan in place, for the runner's therapist: re-dose or remove an
exercise, add one from the library, change how often one or all are done.

planner.plans.tailoring decides and planner.access.plan_to_tailor says who may (the runner's
actively linked therapist alone); these views load, call and render. Every look at the page is
recorded (audit). One address takes every change: the form sent says which (`action`), and a
form with a mistake is shown again in its place, with the mistake on its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.recording import record_view
from exercises.models import Exercise
from kit.web import signed_in
from planner import access
from planner.care import linking
from planner.engine import course, progression, schedule
from planner.models import FREQUENCY_LABELS, DoseChange, Plan, PlanExercise
from planner.pages.common import add_domain_errors, therapist_required
from planner.pages.own_programs import (
    FREQUENCY_CHOICES,
    PAIN_RULE_CHOICES,
    library_choices,
    number,
)
from planner.plans import ladders, tailoring
from planner.plans.daily import today_of

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The dose history shown under the plan: the newest changes, enough for a long plan's weeks.
CHANGES_SHOWN = 40


class ChangeForm(forms.Form):
    effective_on = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("Empty: today, in the runner's zone."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=tailoring.REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown to the runner with the change."),
    )


class RedoseForm(ChangeForm):
    amount = forms.IntegerField(min_value=1, max_value=32767)
    sets = forms.IntegerField(label=gettext_lazy("Sets"), min_value=1, max_value=10)
    level = forms.TypedChoiceField(label=gettext_lazy("Version"), coerce=int)
    hold_seconds = forms.IntegerField(label=gettext_lazy("Hold (s)"), min_value=0, max_value=120)
    field_order = ["amount", "sets", "level", "hold_seconds", "effective_on", "reason"]

    def __init__(self, *args: Any, item: PlanExercise, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "amount": item.amount,
                "sets": item.current_sets,
                "level": item.level,
                "hold_seconds": item.hold_seconds,
            },
        )
        kwargs["prefix"] = f"dose-{item.pk}"
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = (
            _("Seconds held") if item.exercise.unit == Exercise.Unit.SECONDS else _("Reps per set")
        )
        field = self.fields["level"]
        assert isinstance(field, forms.TypedChoiceField)
        ladder = ladders.ladder_of(item)
        field.choices = [
            (
                level,
                ladder.version(level)
                or _("%(exercise)s itself") % {"exercise": item.exercise.name},
            )
            for level in range(ladder.lowest_level, len(ladder.harder) + 1)
        ]


class RemoveForm(ChangeForm):
    def __init__(self, *args: Any, item: PlanExercise, **kwargs: Any) -> None:
        kwargs["prefix"] = f"remove-{item.pk}"
        super().__init__(*args, **kwargs)


class FrequencyForm(ChangeForm):
    plan_exercise = forms.TypedChoiceField(
        label=gettext_lazy("Exercise"), coerce=int, required=False, empty_value=None
    )
    frequency = forms.ChoiceField(label=gettext_lazy("How often"), choices=FREQUENCY_CHOICES)
    field_order = ["plan_exercise", "frequency", "effective_on", "reason"]

    def __init__(self, *args: Any, items: list[PlanExercise], **kwargs: Any) -> None:
        kwargs["prefix"] = "frequency"
        super().__init__(*args, **kwargs)
        field = self.fields["plan_exercise"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Every exercise")), *((i.pk, i.exercise.name) for i in items)]


class AddForm(ChangeForm):
    exercise = forms.ChoiceField(label=gettext_lazy("Exercise"))
    frequency = forms.ChoiceField(label=gettext_lazy("How often"), choices=FREQUENCY_CHOICES)
    sets = number(gettext_lazy("Sets"), low=1, high=10)
    sets_target = number(gettext_lazy("Up to sets"), low=1, high=10)
    start = number(gettext_lazy("Start"), low=1)
    target = number(gettext_lazy("Target"), low=1)
    step = number(gettext_lazy("Step"), low=1)
    hold_seconds = number(gettext_lazy("Hold (s)"), high=120)
    amount = number(gettext_lazy("Begin at"), low=1, placeholder=gettext_lazy("the start"))
    pain_rule = forms.ChoiceField(label=gettext_lazy("Pain rule"), choices=PAIN_RULE_CHOICES)
    versions = forms.BooleanField(
        label=gettext_lazy("Step up to its harder versions, down to its easier one"),
        label_suffix="",
        required=False,
        initial=True,
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the runner"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The new exercise's own fields (tailoring.NewExercise's), then the change's.
    exercise_fields = (
        "exercise",
        "frequency",
        "sets",
        "sets_target",
        "start",
        "target",
        "step",
        "hold_seconds",
        "amount",
        "pain_rule",
        "versions",
        "note",
    )
    field_order = [*exercise_fields, "effective_on", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["prefix"] = "add"
        super().__init__(*args, **kwargs)
        field = self.fields["exercise"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose an exercise")), *library_choices()]


@dataclass
class Row:
    """One exercise of the plan, its dose now in words, and its two forms."""

    item: PlanExercise
    dose: str
    frequency: str
    redose: RedoseForm
    remove: RemoveForm

    @property
    def removed(self) -> bool:
        return self.item.removed_on is not None


def page_of(request: HttpRequest, runner_id: int, plan_id: int) -> Plan:
    """The plan, when it is the linked runner's and the caller may tailor it; the look is
    recorded."""
    therapist = signed_in(request)
    linking.active_link(therapist, runner_id)  # a runner not linked to the caller: 404
    plan = access.plan_to_tailor(therapist, plan_id, related=("program", "user"))
    if plan.user_id != runner_id:
        access.not_found(Plan)
    record_view(therapist, plan.user_id, f"plan {plan.pk} tailoring page")
    return plan


def render_page(request: HttpRequest, plan: Plan, bound: forms.Form | None = None) -> HttpResponse:
    items = list(
        PlanExercise.objects.filter(plan=plan).select_related("exercise").order_by("order", "pk")
    )
    rows = []
    for item in items:
        redose = RedoseForm(item=item)
        remove = RemoveForm(item=item)
        if isinstance(bound, RedoseForm) and bound.prefix == redose.prefix:
            redose = bound
        if isinstance(bound, RemoveForm) and bound.prefix == remove.prefix:
            remove = bound
        dose = course.dose_text(ladders.ladder_of(item), ladders.dose_of(item))
        frequency = _(FREQUENCY_LABELS[schedule.Frequency(item.frequency)])
        rows.append(Row(item, dose, frequency, redose, remove))
    current = [row.item for row in rows if not row.removed]
    changes = (
        DoseChange.objects.filter(plan_exercise__plan=plan)
        .select_related("plan_exercise__exercise", "decided_by")
        .order_by("-effective_on", "-created_at", "-pk")[:CHANGES_SHOWN]
    )
    context = {
        "plan": plan,
        "runner": plan.user,
        "today": today_of(plan, timezone.now()),
        "rows": rows,
        "frequency_form": bound
        if isinstance(bound, FrequencyForm)
        else FrequencyForm(items=current),
        "add_form": bound if isinstance(bound, AddForm) else AddForm(),
        "changes": list(changes),
        "active": plan.status == Plan.Status.ACTIVE,
    }
    return render(request, "pages/tailoring/tailor.html", context)


@therapist_required
def tailor_plan(request: HttpRequest, runner_id: int, plan_id: int) -> HttpResponse:
    """The plan's exercises with their doses now, the forms that change them, and its history."""
    plan = page_of(request, runner_id, plan_id)
    if request.method != "POST":
        return render_page(request, plan)
    form = bound_form(request, plan)
    if form is None:
        messages.error(request, _("That exercise is not in this plan any more."))
        return redirect(request.path)
    if form.is_valid():
        try:
            done = apply(request, plan, form)
        except ValidationError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(reverse("plan-tailor", args=[runner_id, plan_id]))
    return render_page(request, plan, form)


def bound_form(request: HttpRequest, plan: Plan) -> forms.Form | None:
    """The form sent, bound to what it says; None for an exercise the plan does not have."""
    action = request.POST.get("action", "")
    if action == "add":
        return AddForm(request.POST)
    if action == "frequency":
        items = list(
            PlanExercise.objects.filter(plan=plan, removed_on__isnull=True).select_related(
                "exercise"
            )
        )
        return FrequencyForm(request.POST, items=items)
    try:
        item_id = int(request.POST.get("plan_exercise", ""))
    except ValueError:
        return None
    item = PlanExercise.objects.filter(plan=plan, pk=item_id).select_related("exercise").first()
    if item is None:
        return None
    if action == "remove":
        return RemoveForm(request.POST, item=item)
    return RedoseForm(request.POST, item=item)


def apply(request: HttpRequest, plan: Plan, form: forms.Form) -> str:
    """The change the form asks for, made; what was done, in words."""
    therapist, now = signed_in(request), timezone.now()
    values = form.cleaned_data
    common: dict[str, Any] = {
        "therapist": therapist,
        "plan_id": plan.pk,
        "effective_on": values["effective_on"],
        "reason": values["reason"],
        "now": now,
    }
    if isinstance(form, AddForm):
        change = tailoring.add_exercise(
            new=tailoring.NewExercise(**{name: values[name] for name in AddForm.exercise_fields}),
            **common,
        )
        return _("%(exercise)s added from %(day)s.") % {
            "exercise": change.plan_exercise.exercise.name,
            "day": date_format(change.effective_on, _("j F Y")),
        }
    if isinstance(form, FrequencyForm):
        changes = tailoring.change_frequency(
            frequency=values["frequency"], plan_exercise_id=values["plan_exercise"], **common
        )
        label = _(FREQUENCY_LABELS[schedule.Frequency(values["frequency"])]).lower()
        names = ", ".join(change.plan_exercise.exercise.name for change in changes)
        return _("%(exercises)s: %(frequency)s from %(day)s.") % {
            "exercises": names,
            "frequency": label,
            "day": date_format(changes[0].effective_on, _("j F Y")),
        }
    item_id = int(str(form.prefix).rsplit("-", 1)[1])
    if isinstance(form, RemoveForm):
        change = tailoring.remove_exercise(plan_exercise_id=item_id, **common)
        return _("%(exercise)s removed from %(day)s.") % {
            "exercise": change.plan_exercise.exercise.name,
            "day": date_format(change.effective_on, _("j F Y")),
        }
    assert isinstance(form, RedoseForm)
    change = tailoring.redose(
        plan_exercise_id=item_id,
        amount=values["amount"],
        sets=values["sets"],
        level=values["level"],
        hold_seconds=values["hold_seconds"],
        **common,
    )
    item = change.plan_exercise
    dose = course.dose_text(
        ladders.ladder_of(item),
        progression.Dose(change.new_amount, change.new_sets, change.new_level),
    )
    return _("%(exercise)s: %(dose)s from %(day)s.") % {
        "exercise": item.exercise.name,
        "dose": dose,
        "day": date_format(change.effective_on, _("j F Y")),
    }


urlpatterns = [
    path(
        "patients/<id:runner_id>/plans/<id:plan_id>/tailor/",
        tailor_plan,
        name="plan-tailor",
    ),
]
