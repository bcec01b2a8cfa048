"""Outcome measures on pages: the runner answers the LEFS or the PSFS for her plan, one page
each, built for a phone (no script). planner.plans.outcomes decides; these views load, call
and present."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_stubs_ext import StrOrPromise

from kit.web import signed_in
from planner import access
from planner.engine import outcomes as rules
from planner.engine.outcomes import Measure
from planner.models import Plan
from planner.pages.common import add_domain_errors
from planner.plans import outcomes

ACT = "answer a questionnaire for"
# The engine names an item by its place in the list ("items[3]", "activities[1].score"); the
# forms name their fields from 1, as the printed forms number them.
ENGINE_FIELD = re.compile(r"^(items|activities)\[(\d+)\](?:\.(name|score))?$")


class LefsForm(forms.Form):
    """The LEFS as printed: each of the 20 activities with its five answers, all required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, item in enumerate(rules.LEFS_ITEMS, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {_(item)}",
                choices=[(value, f"{value}: {_(words)}") for value, words in rules.LEFS_ANSWERS],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer for this activity.")},
            )

    def clean(self) -> dict[str, Any]:
        # Twenty questions on a phone: say at the top which are left, not only beside each.
        cleaned = super().clean() or {}
        left = [str(n) for n in range(1, len(rules.LEFS_ITEMS) + 1) if f"item_{n}" in self.errors]
        if left:
            raise forms.ValidationError(
                ngettext(
                    "Answer every activity: %(count)s left (number %(numbers)s).",
                    "Answer every activity: %(count)s left (numbers %(numbers)s).",
                    len(left),
                )
                % {"count": len(left), "numbers": ", ".join(left)}
            )
        return cleaned

    def items(self) -> list[object]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, len(rules.LEFS_ITEMS) + 1)]


SCORE_CHOICES: list[tuple[object, StrOrPromise]] = [("", gettext_lazy("Score…"))] + [
    (value, str(value)) for value in range(rules.PSFS_ITEM_MAX + 1)
]


class PsfsForm(forms.Form):
    """The PSFS: up to five activities named and scored the first time; after that, the same
    activities scored again (their names shown, not asked)."""

    def __init__(self, named: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.named = named
        rows = len(named) or rules.PSFS_MAX_ACTIVITIES
        for number in range(1, rows + 1):
            if not named:
                self.fields[f"name_{number}"] = forms.CharField(
                    label=_("Activity %(number)s") % {"number": number},
                    required=False,
                    max_length=rules.PSFS_ACTIVITY_MAX_LENGTH,
                )
            self.fields[f"score_{number}"] = forms.TypedChoiceField(
                label=named[number - 1] if named else _("How able are you today, 0 to 10?"),
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=bool(named),
                error_messages={"required": _("Score this activity from 0 to 10.")},
            )

    def activities(self) -> tuple[list[tuple[str, object]], list[int]]:
        """The activities filled in, and each one's row number (for errors)."""
        rows = len(self.named) or rules.PSFS_MAX_ACTIVITIES
        found: list[tuple[str, object]] = []
        numbers: list[int] = []
        for number in range(1, rows + 1):
            name = self.named[number - 1] if self.named else self.cleaned_data[f"name_{number}"]
            score = self.cleaned_data[f"score_{number}"]
            if not name and score is None:
                continue  # a row left empty: the runner named fewer than five
            if score is None:
                self.add_error(f"score_{number}", _("Score this activity from 0 to 10."))
            found.append((name, score))
            numbers.append(number)
        return found, numbers

    def grouped(self) -> list[tuple[forms.BoundField | None, forms.BoundField]]:
        """Each row's name field (None when the names are fixed) and score field."""
        rows = len(self.named) or rules.PSFS_MAX_ACTIVITIES
        return [
            (
                None if self.named else self[f"name_{number}"],
                self[f"score_{number}"],
            )
            for number in range(1, rows + 1)
        ]


def show_engine_errors(form: forms.Form, error: ValidationError, numbers: list[int]) -> None:
    """The service's refusal on the field it names: "items[3]" is item_4, "activities[1].name"
    the second activity filled in."""
    if not hasattr(error, "error_dict"):
        add_domain_errors(form, error)
        return
    for field, words in error.message_dict.items():
        found = ENGINE_FIELD.match(field)
        if found is None:
            form.add_error(None, words)
            continue
        kind, index, part = found.group(1), int(found.group(2)), found.group(3)
        if kind == "items":
            name = f"item_{index + 1}"
        else:
            number = numbers[index] if index < len(numbers) else index + 1
            name = f"{part}_{number}"
        form.add_error(name if name in form.fields else None, words)


def answered(request: HttpRequest, plan: Plan, measure: Measure) -> HttpResponse:
    series = next(s for s in outcomes.series_of(outcomes.answers_of(plan)) if s.measure == measure)
    latest = series.latest
    assert latest is not None
    total = f"{latest.answer.total:g}"
    parts = {"measure": measure.upper(), "total": total}
    if latest.change is not None:
        said = _("Thank you: your %(measure)s score is %(total)s (%(reason)s).") % {
            **parts,
            "reason": latest.change.reason,
        }
    else:
        said = _("Thank you: your %(measure)s score is %(total)s.") % parts
    messages.success(request, said)
    return redirect("plan-today", plan_id=plan.pk)


@login_required
def lefs_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The LEFS, reachable from today's page when it is due (and the progress page)."""
    plan = access.own_plan(request.user, plan_id, act=ACT, related=("program",))
    form = LefsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.answer(
                signed_in(request), plan.pk, Measure.LEFS, timezone.now(), items=form.items()
            )
        except ValidationError as error:
            show_engine_errors(form, error, [])
        else:
            return answered(request, plan, Measure.LEFS)
    return render(
        request,
        "pages/plan/lefs.html",
        {
            "plan": plan,
            "form": form,
            "intro": _(rules.LEFS_INTRO),
            "question": _(rules.LEFS_QUESTION),
            "answers": [(value, _(words)) for value, words in rules.LEFS_ANSWERS],
        },
    )


@login_required
def psfs_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The PSFS: name and score the activities the first time, score them again later."""
    plan = access.own_plan(request.user, plan_id, act=ACT, related=("program",))
    named = outcomes.first_activities(plan)
    form = PsfsForm(named, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        activities, numbers = form.activities()
        if form.is_valid():  # a row named but not scored adds its error above
            try:
                outcomes.answer(
                    signed_in(request),
                    plan.pk,
                    Measure.PSFS,
                    timezone.now(),
                    activities=activities,
                )
            except ValidationError as error:
                show_engine_errors(form, error, numbers)
            else:
                return answered(request, plan, Measure.PSFS)
    return render(
        request,
        "pages/plan/psfs.html",
        {
            "plan": plan,
            "form": form,
            "named": named,
            "intro": _(rules.PSFS_INTRO),
            "ends": [_(end) for end in rules.PSFS_SCALE_ENDS],
            "fewest": rules.PSFS_MIN_ACTIVITIES,
        },
    )


urlpatterns = [
    path("plans/<id:plan_id>/questionnaires/lefs/", lefs_page, name="plan-lefs"),
    path("plans/<id:plan_id>/questionnaires/psfs/", psfs_page, name="plan-psfs"),
]
