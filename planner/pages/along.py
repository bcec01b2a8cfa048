"""Exercise along: today's session one exercise at a time (the picture, the dose, a rep
counter, a hold timer and a rest timer that beep and vibrate), then one quick log for the
whole session in place of a form per card.

The page works as a plain form without JavaScript: the steps stack, and the log at the end
is an ordinary form. The log goes through `sessions.log_day`, all exercises or none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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

from exercises.models import Exercise
from planner import access
from planner.models import Plan
from planner.pages.common import SHOWN
from planner.pages.day_cards import (
    Card,
    build_cards,
    outcome_of,
    pain_during_field,
    read_only_reason,
)
from planner.pages.today import day_url, parse_day
from planner.plans import daily, runs, sessions

# Rest between sets, the planner's own choice: 60 s, which the runner may skip. The ACSM 2009
# position stand (Progression models in resistance training for healthy adults; in
# conditions/data/sources.yaml) advises 1-2 min between sets with light loads, and for local
# muscular endurance 1-2 min for sets of 15-20 or more and under 1 min for 10-15: these home
# exercises are light sets of 10 to 30, and 60 s is where those ranges meet.
REST_SECONDS = 60


@dataclass(frozen=True)
class AlongStep:
    """One exercise of the session, as the along page walks through it."""

    card: Card
    number: int
    rounds: int  # sets, twice over for an exercise done on each side
    hold: int  # seconds each repetition is held (the dose itself for a held exercise)
    counted: bool  # repetitions to count (a held exercise is its holds)

    @property
    def item_id(self) -> int:
        return self.card.due.plan_exercise.pk

    @property
    def name(self) -> str:
        return self.card.due.plan_exercise.exercise.name


def step_of(card: Card, number: int) -> AlongStep:
    item = card.due.plan_exercise
    held = item.exercise.unit == Exercise.Unit.SECONDS
    return AlongStep(
        card=card,
        number=number,
        rounds=card.due.sets * (2 if item.exercise.per_side else 1),
        hold=card.timer_seconds,
        counted=not held,
    )


@dataclass(frozen=True)
class LogRow:
    """One exercise of the quick log: its step and its three fields."""

    step: AlongStep
    done: forms.BoundField
    amount: forms.BoundField
    pain: forms.BoundField


class SessionLogForm(forms.Form):
    """The one quick log: each exercise done or not, how much, and the pain during it (each
    exercise its own: a pain rule, and an alert, belong to one exercise)."""

    def __init__(self, *args: Any, steps: list[AlongStep], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps = steps
        for step in steps:
            pk, name = step.item_id, step.name
            self.fields[f"done-{pk}"] = forms.BooleanField(
                required=False, label=_("%(exercise)s: done") % {"exercise": name}
            )
            self.fields[f"amount-{pk}"] = forms.IntegerField(
                required=False,
                min_value=0,
                label=(
                    _("%(exercise)s: reps per set done")
                    if step.counted
                    else _("%(exercise)s: seconds held")
                )
                % {"exercise": name},
                help_text=_("Leave it empty if you did the whole dose."),
            )
            self.fields[f"pain-{pk}"] = pain_during_field(
                _("%(exercise)s: pain during (0 to 10)") % {"exercise": name}
            )

    def rows(self) -> list[LogRow]:
        return [
            LogRow(
                step, self[f"done-{step.item_id}"], self[f"amount-{step.item_id}"],
                self[f"pain-{step.item_id}"],
            )
            for step in self.steps
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for step in self.steps:
            pk = step.item_id
            if not cleaned.get(f"done-{pk}") and cleaned.get(f"amount-{pk}") is not None:
                # What was done is said with "done" ticked: an amount alone is not thrown away.
                self.add_error(
                    f"amount-{pk}",
                    _(
                        "%(exercise)s: tick “done” to log this amount, or clear it to log the "
                        "exercise as not done."
                    )
                    % {"exercise": step.name},
                )
        return cleaned

    def entries(self) -> dict[int, sessions.Entry]:
        entries = {}
        for step in self.steps:
            pk = step.item_id
            done = bool(self.cleaned_data.get(f"done-{pk}"))
            entries[pk] = sessions.Entry(
                done=done,
                amount_done=self.cleaned_data.get(f"amount-{pk}") if done else None,
                pain_during=self.cleaned_data.get(f"pain-{pk}") if done else None,
            )
        return entries


def _steps(plan: Plan, day: date, today: date) -> list[AlongStep]:
    """The day's exercises not logged yet: the session still to do. A walk-run is not
    counted in repetitions: it is logged on its card, with its time and distance."""
    day_plan = daily.plan_day(plan, day)
    cards = build_cards(plan, day_plan, today, editable=False, viewer=plan.user)
    todo = [
        card
        for card in cards
        if card.due.log is None and not runs.is_walk_run(card.due.plan_exercise)
    ]
    return [step_of(card, number) for number, card in enumerate(todo, start=1)]


@login_required
def along(request: HttpRequest, plan_id: int, day: str) -> HttpResponse:
    plan = access.own_plan(request.user, plan_id, related=SHOWN)
    the_day = parse_day(day)
    now = timezone.now()
    today = daily.today_of(plan, now)
    refused = read_only_reason(plan, the_day, today, is_owner=True)
    try:
        steps = [] if refused else _steps(plan, the_day, today)
    except ValidationError as exc:
        refused, steps = " ".join(exc.messages), []
    if plan.status != Plan.Status.ACTIVE and not refused:
        refused = _("This plan is %(status)s: nothing to log.") % {
            "status": plan.get_status_display().lower()
        }
    form = SessionLogForm(request.POST or None, steps=steps)
    if request.method == "POST" and not refused and form.is_valid():
        try:
            saved = sessions.log_day(
                runner=request.user, plan_id=plan.pk, day=the_day, entries=form.entries(), now=now
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(None, _named(name, steps, error))
        else:
            for logged in saved:
                outcome = outcome_of(logged, daily.today_of(logged.plan, now))
                messages.info(
                    request,
                    f"{logged.plan_exercise.exercise.name}: {outcome.headline}. {outcome.reason}",
                )
            return redirect(day_url(plan, the_day))
    return render(
        request,
        "pages/today/along.html",
        {
            "plan": plan,
            "day": the_day,
            "refused": refused,
            "steps": steps,
            "form": form,
            "rest_seconds": REST_SECONDS,
        },
        status=400 if request.method == "POST" else 200,
    )


def _named(field: str, steps: list[AlongStep], error: str) -> str:
    """A service error ("entries.<id>.<field>") with the exercise's name in front."""
    parts = field.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        name = next(
            (
                s.card.due.plan_exercise.exercise.name
                for s in steps
                if s.card.due.plan_exercise.pk == int(parts[1])
            ),
            "",
        )
        return f"{name}: {error}" if name else error
    return error


urlpatterns = [
    path("plans/<id:plan_id>/day/<str:day>/along/", along, name="plan-day-along"),
]
