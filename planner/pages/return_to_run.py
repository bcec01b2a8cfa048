"""Return to running on pages: the readiness check (its tests, each with its source; the
runner's answers and what they mean), and the way on to the walk-run program once every test
is met, through the warning-sign questions like any other plan. planner.plans.readiness
decides; this view loads, calls and presents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kit.web import signed_in
from planner.engine import return_to_run as rules
from planner.models import Plan
from planner.pages.common import add_domain_errors
from planner.pages.onboarding import save_state
from planner.plans import readiness

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("Not yet"))]


class ReadinessForm(forms.Form):
    """The readiness check's tests, one field each, in the engine's order."""

    # The browser's zone dates the check (the service checks the name); without a script,
    # the zone the page was rendered in.
    time_zone = forms.CharField(
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in rules.CRITERIA:
            self.fields[criterion.key] = field_of(criterion)

    def answers(self) -> dict[str, object]:
        return {
            c.key: self.cleaned_data[c.key] == "yes"
            if c.answer is rules.Answer.YES_NO
            else self.cleaned_data[c.key]
            for c in rules.CRITERIA
        }


def field_of(criterion: rules.Criterion) -> forms.Field:
    if criterion.answer is rules.Answer.YES_NO:
        return forms.ChoiceField(
            label=_(criterion.test),
            choices=YES_NO,
            widget=forms.RadioSelect,
            error_messages={"required": _("Answer yes or not yet.")},
        )
    if criterion.answer is rules.Answer.PAIN:
        return forms.TypedChoiceField(
            label=_("%(test)s (0 to 10)") % {"test": _(criterion.test)},
            choices=[("", _("Choose")), *((str(n), str(n)) for n in range(11))],
            coerce=int,
            help_text=_("0 is no pain, 10 the worst imaginable: at most %(threshold)s.")
            % {"threshold": criterion.threshold},
        )
    return forms.IntegerField(
        label=_("%(test)s: how many?") % {"test": _(criterion.test)},
        min_value=0,
        max_value=rules.MOST_REPETITIONS,
        help_text=_("At least %(threshold)s, done in a row with good form.")
        % {"threshold": criterion.threshold},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def after_plan_of(request: HttpRequest) -> Plan | None:
    """The runner's plan the check follows (?after=<plan id>), if it is theirs."""
    raw = request.GET.get("after") or request.POST.get("after") or ""
    if not raw.isdigit() or len(raw) > 18:
        return None
    return Plan.objects.filter(pk=int(raw), user=signed_in(request)).first()


@login_required
def return_to_run(request: HttpRequest) -> HttpResponse:
    """The readiness check: take it, see what each answer means, and start the walk-run
    program once every test is met."""
    user = signed_in(request)
    now = timezone.now()
    after = after_plan_of(request)
    zone = after.time_zone if after else str(timezone.get_current_timezone())
    form = ReadinessForm(request.POST or None, initial={"time_zone": zone})
    if request.method == "POST" and form.is_valid():
        try:
            taken = readiness.take_check(
                user,
                form.answers(),
                now,
                time_zone=form.cleaned_data["time_zone"] or zone,
                after_plan_id=after.pk if after else None,
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            if taken.readiness.ready:
                messages.success(
                    request, _("Every test is met: you can start the walk-run program.")
                )
            else:
                messages.info(request, _("Not yet: see what is left below, and try again later."))
            return redirect(reverse("return-to-run") + "#latest")
    checks = readiness.checks_of(user)
    latest = checks[0] if checks else None
    ready = readiness.still_ready(latest, now)
    return render(
        request,
        "pages/return_to_run.html",
        {
            "form": form,
            "after": after,
            "sources": [
                {
                    "source": _(cited.source),
                    "numbers": [_(number) for number in cited.numbers],
                    "notes": [_(note) for note in cited.notes],
                }
                for cited in rules.sources_of()
            ],
            "latest": latest,
            "latest_readiness": readiness.readiness_of(latest) if latest else None,
            "earlier": checks[1:6],
            "ready": ready,
            "ready_until": ready.taken_at + readiness.READY_FOR if ready else None,
            "program": readiness.walk_run_program(),
            "running": readiness.running_walk_run(user),
        },
    )


@login_required
def start_walk_run(request: HttpRequest) -> HttpResponse:
    """On to the walk-run program: its warning-sign questions (every lower-limb region), its
    preview and start, like any program; only on a recent check that found the runner ready."""
    program = readiness.walk_run_program()
    if request.method != "POST" or program is None:
        return redirect("return-to-run")
    running = readiness.running_walk_run(signed_in(request))
    if running is not None:
        messages.info(request, _("Your walk-run program is running already."))
        return redirect("plan-today", plan_id=running.pk)
    if readiness.ready_check(signed_in(request), timezone.now()) is None:
        messages.warning(request, _("Take the readiness check first: every test must be met."))
        return redirect("return-to-run")
    preview = reverse("onboarding-preview", args=[program.condition.slug])
    save_state(
        request, regions=[region.slug for region in program.condition.regions.all()], next=preview
    )
    return redirect(preview)


urlpatterns = [
    path("return-to-run/", return_to_run, name="return-to-run"),
    path("return-to-run/start/", start_walk_run, name="return-to-run-start"),
]
