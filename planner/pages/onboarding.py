"""Onboarding: where it hurts, the warning-sign questions, matching conditions, a preview of
the program, and the start of a plan.

The warning-sign questions come before anything else: no condition or program is shown until
every question is answered "no". The answers live in the session, so each later step checks
them and sends anyone without a clean screening back to the questions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from conditions.models import BodyRegion, Condition, RedFlag
from kit.web import signed_in
from planner.engine import schedule, weeks
from planner.engine.screening import Verdict, verdict
from planner.models import FREQUENCY_LABELS, Program
from planner.pages.common import TimeZoneField, add_domain_errors
from planner.plans import ladders, lifecycle, reminders

SESSION_KEY = "onboarding"
URGENCY_ORDER = [u.value for u in RedFlag.Urgency]  # emergency first


# --- The answers kept in the session -------------------------------------------------------


def state(request: HttpRequest) -> dict[str, Any]:
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, dict) else {}


def save_state(request: HttpRequest, **values: Any) -> None:
    request.session[SESSION_KEY] = {**state(request), **values}


def chosen_regions(request: HttpRequest) -> list[BodyRegion]:
    slugs = state(request).get("regions") or []
    return list(BodyRegion.objects.filter(slug__in=slugs).order_by("order", "name"))


def flags_for(regions: list[BodyRegion]) -> list[RedFlag]:
    """The warning signs asked for these regions, and the ones asked whatever hurts."""
    return list(
        RedFlag.objects.filter(Q(regions__in=regions) | Q(regions__isnull=True))
        .distinct()
        .order_by("pk")
    )


def flags_answered_yes(request: HttpRequest) -> list[RedFlag]:
    yes = [slug for slug, answer in (state(request).get("answers") or {}).items() if answer]
    found = RedFlag.objects.filter(slug__in=yes).select_related("source")
    return sorted(found, key=lambda flag: (URGENCY_ORDER.index(flag.urgency), flag.pk))


def screening_verdict(request: HttpRequest) -> Verdict:
    """The verdict on the answers kept in the session; new regions clear them."""
    kept = state(request)
    answers = kept.get("answers") if kept.get("regions") and kept.get("screened") is True else None
    return verdict(answers if isinstance(answers, dict) else None)


# --- Step 1: where it hurts ----------------------------------------------------------------


class RegionsForm(forms.Form):
    regions = forms.ModelMultipleChoiceField(
        queryset=BodyRegion.objects.order_by("order", "name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        label="Where does it hurt?",
        help_text="Choose every place that hurts.",
        error_messages={"required": "Choose at least one place that hurts."},
    )


def toggled(selected: list[str], slug: str) -> QueryDict:
    """The query string of the picture link that adds or removes one region."""
    query = QueryDict(mutable=True)
    others = [s for s in selected if s != slug]
    query.setlist("regions", others if slug in selected else [*others, slug])
    return query


@login_required
def where_it_hurts(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = RegionsForm(request.POST)
        if form.is_valid():
            slugs = [region.slug for region in form.cleaned_data["regions"]]
            # New regions bring new questions: any earlier answers no longer count.
            request.session[SESSION_KEY] = {"regions": slugs}
            return redirect("onboarding-screening")
    else:
        # Tapping the picture links here with the regions chosen so far in the address.
        picked = request.GET.getlist("regions") or state(request).get("regions") or []
        form = RegionsForm(initial={"regions": list(picked)})
    selected = [str(s) for s in (form["regions"].value() or [])]
    regions = list(BodyRegion.objects.order_by("order", "name"))
    # Keyed by the slug with underscores, which the template language can name.
    picture = {
        region.slug.replace("-", "_"): {
            "name": region.name,
            "selected": region.slug in selected,
            "href": "?" + toggled(selected, region.slug).urlencode(),
        }
        for region in regions
    }
    return render(
        request,
        "pages/onboarding/regions.html",
        {"form": form, "picture": picture, "selected": [r for r in regions if r.slug in selected]},
    )


# --- Step 2: the warning signs -------------------------------------------------------------

YES_NO = [("no", "No"), ("yes", "Yes")]


class ScreeningForm(forms.Form):
    """One required yes/no question per warning sign."""

    def __init__(self, flags: list[RedFlag], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for flag in flags:
            self.fields[flag.slug] = forms.ChoiceField(
                label=flag.question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Answer this question: yes or no."},
            )


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    regions = chosen_regions(request)
    if not regions:
        return redirect("onboarding")
    flags = flags_for(regions)
    form = ScreeningForm(flags, request.POST or None)
    if request.method == "POST" and form.is_valid():
        answers = {slug: value == "yes" for slug, value in form.cleaned_data.items()}
        save_state(request, answers=answers, screened=True)
        if verdict(answers) == Verdict.STOP:
            return redirect("onboarding-stop")
        return redirect("onboarding-conditions")
    return render(request, "pages/onboarding/screening.html", {"form": form, "regions": regions})


@login_required
def stop(request: HttpRequest) -> HttpResponse:
    """A warning sign was reported: the advice in the article's words, and no way to a plan."""
    flags = flags_answered_yes(request)
    if not flags:
        return redirect("onboarding-screening")
    emergency = any(flag.urgency == RedFlag.Urgency.EMERGENCY for flag in flags)
    return render(request, "pages/onboarding/stop.html", {"flags": flags, "emergency": emergency})


def screened(view: Any) -> Any:
    """The later steps: signed in, with every warning-sign question answered "no"."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = screening_verdict(request)
        if found != Verdict.CLEAR:
            if found == Verdict.STOP:
                return redirect("onboarding-stop")
            messages.warning(request, "Answer the warning-sign questions first.")
            return redirect("onboarding-screening" if chosen_regions(request) else "onboarding")
        result: HttpResponse = view(request, *args, **kwargs)
        return result

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Step 3: what it may be ----------------------------------------------------------------


@screened
def conditions(request: HttpRequest) -> HttpResponse:
    regions = chosen_regions(request)
    found = (
        Condition.objects.filter(regions__in=regions)
        .distinct()
        .select_related("source", "recovery_source")
        .order_by("name")
    )
    matches = []
    for condition in found:
        start = lifecycle.starting_point(condition)
        matches.append(
            {
                "condition": condition,
                "referral": start if isinstance(start, lifecycle.Referral) else None,
                "program": start if isinstance(start, Program) else None,
            }
        )
    return render(
        request, "pages/onboarding/conditions.html", {"regions": regions, "matches": matches}
    )


# --- Step 4: the program week by week ------------------------------------------------------


def program_for(slug: str) -> Program:
    """The program to start for a condition; a condition a doctor must see first has none."""
    condition = get_object_or_404(Condition, slug=slug)
    start = lifecycle.starting_point(condition)
    if not isinstance(start, Program):
        raise Http404("This condition has no home program: see a doctor first.")
    return start


def program_weeks(program: Program) -> list[weeks.Week]:
    phases = [
        weeks.PhaseSpan(p.first_week, p.last_week, name=p.name, goal=p.goal)
        for p in program.phases.order_by("order")
    ]
    items = []
    for p in program.prescriptions.select_related("exercise").order_by("order"):
        ladder = ladders.ladder_of(p)
        expected = ladders.expected_course(p, ladder, ladder.bottom(), 1)
        items.append(
            weeks.ItemSpan(
                p.first_week,
                p.last_week,
                name=p.exercise.name,
                frequency=FREQUENCY_LABELS.get(schedule.Frequency(p.frequency), p.frequency),
                dose=expected[0].text,
                by_week=tuple((week.week, week.text) for week in expected),
            )
        )
    return weeks.by_week(program.weeks, phases, items)


@screened
def preview(request: HttpRequest, condition: str) -> HttpResponse:
    program = program_for(condition)
    return render(
        request,
        "pages/onboarding/preview.html",
        {
            "program": program,
            "condition": program.condition,
            "weeks": program_weeks(program),
            "pain_rules": ladders.pain_rules_of(program.prescriptions.all()),
        },
    )


# --- Step 5: start -------------------------------------------------------------------------


class StartForm(forms.Form):
    start_date = forms.DateField(
        label="Start date",
        widget=forms.DateInput(attrs={"type": "date", "data-browser-today": ""}),
        help_text="The first day of the plan.",
    )
    reminder_time = forms.TimeField(
        label="Reminder time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="When you want to be reminded each day, in your own time zone.",
    )
    time_zone = TimeZoneField(
        label="Time zone",
        max_length=64,
        help_text="Taken from your browser; an IANA name such as Europe/Berlin.",
        widget=forms.TextInput(attrs={"data-browser-time-zone": "", "autocomplete": "off"}),
    )


def default_start(time_zone: str) -> date:
    return schedule.local_date(timezone.now(), time_zone)


@screened
def begin(request: HttpRequest, condition: str) -> HttpResponse:
    program = program_for(condition)
    zone = str(timezone.get_current_timezone())
    form = StartForm(
        request.POST or None,
        initial={
            "start_date": default_start(zone),
            "reminder_time": reminders.DEFAULT_LOCAL_TIME,
            "time_zone": zone,
        },
    )
    if request.method == "POST":
        # What the person typed stays, rather than being replaced by the browser's zone.
        for name in ("time_zone", "start_date"):
            form.fields[name].widget.attrs["data-keep"] = "1"
        if form.is_valid():
            try:
                plan = lifecycle.start_plan(
                    user=signed_in(request),
                    program=program,
                    start_date=form.cleaned_data["start_date"],
                    time_zone=form.cleaned_data["time_zone"],
                    reminder_time=form.cleaned_data["reminder_time"],
                    now=timezone.now(),
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                request.session.pop(SESSION_KEY, None)
                messages.success(request, f"Your plan has started: {program.name}.")
                return redirect("plan", plan_id=plan.pk)
    return render(
        request,
        "pages/onboarding/begin.html",
        {"form": form, "program": program, "condition": program.condition},
    )


urlpatterns = [
    path("start/", where_it_hurts, name="onboarding"),
    path("start/screening/", screening, name="onboarding-screening"),
    path("start/stop/", stop, name="onboarding-stop"),
    path("start/conditions/", conditions, name="onboarding-conditions"),
    path("start/program/<slug:condition>/", preview, name="onboarding-preview"),
    path("start/program/<slug:condition>/begin/", begin, name="onboarding-begin"),
]
