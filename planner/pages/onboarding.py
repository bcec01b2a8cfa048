"""Onboarding: where it hurts, the warning-sign questions, a few questions that rank the
conditions of those places (the finder), the conditions, a preview of the program, and the
start of a plan.

The warning-sign questions come before anything else, and every answering is stored
(planner.safety.screenings): no condition or program is shown until the person's screening
lets a plan start. A sign to see a clinician about waits for the person to state that a
clinician has assessed them; an emergency does too, and starting again does not answer it
away. Where it hurts lives in the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conditions.models import BodyRegion, Condition
from kit.web import signed_in
from planner.accounts import clock
from planner.engine import finder as finding
from planner.engine import schedule, weeks
from planner.engine.words import in_sentence
from planner.models import FREQUENCY_LABELS, Prescription, Program, Screening
from planner.pages.common import ScreeningForm, TimeZoneField, add_domain_errors
from planner.plans import finder, ladders, lifecycle, readiness, reminders
from planner.safety import screenings

SESSION_KEY = "onboarding"


# --- The answers kept in the session -------------------------------------------------------


def state(request: HttpRequest) -> dict[str, Any]:
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, dict) else {}


def save_state(request: HttpRequest, **values: Any) -> None:
    request.session[SESSION_KEY] = {**state(request), **values}


def places_of(regions: Sequence[BodyRegion]) -> str:
    """The places chosen as one phrase, for a sentence about their pain ("knee, hip"): a
    translated sentence takes it whole, where a loop in the template would split it."""
    return ", ".join(in_sentence(region.name) for region in regions)


def chosen_regions(request: HttpRequest) -> list[BodyRegion]:
    slugs = state(request).get("regions") or []
    return list(BodyRegion.objects.filter(slug__in=slugs).order_by("order", "name"))


def awaiting_clearance(user: User) -> Screening | None:
    """The screening that keeps this person from a plan until a clinician has assessed them:
    an emergency not yet assessed, whatever was answered since, else the newest screening when
    it reported a sign and has no clearance."""
    emergency = screenings.open_emergency(user)
    if emergency is not None:
        return emergency
    newest = screenings.newest(user)
    if (
        newest is not None
        and newest.verdict == Screening.Verdict.SEE_CLINICIAN
        and newest.cleared_at is None
    ):
        return newest
    return None


# --- Step 1: where it hurts ----------------------------------------------------------------


class RegionsForm(forms.Form):
    regions = forms.ModelMultipleChoiceField(
        queryset=BodyRegion.objects.order_by("order", "name"),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Where does it hurt?"),
        help_text=gettext_lazy("Choose every place that hurts."),
        error_messages={"required": gettext_lazy("Choose at least one place that hurts.")},
    )


def toggled(selected: list[str], slug: str) -> QueryDict:
    """The query string of the picture link that adds or removes one region."""
    query = QueryDict(mutable=True)
    others = [s for s in selected if s != slug]
    query.setlist("regions", others if slug in selected else [*others, slug])
    return query


@login_required
def where_it_hurts(request: HttpRequest) -> HttpResponse:
    if screenings.open_emergency(signed_in(request)) is not None:
        # An emergency reported stays until a clinician has assessed it: starting again does
        # not answer it away.
        return redirect("onboarding-stop")
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


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    regions = chosen_regions(request)
    if not regions:
        return redirect("onboarding")
    flags = screenings.questions_for(regions)
    form = ScreeningForm(flags, request.POST or None)
    if request.method == "POST" and form.is_valid():
        answers = {slug: value == "yes" for slug, value in form.cleaned_data.items()}
        found = screenings.record(signed_in(request), flags, answers, timezone.now())
        if found.verdict != Screening.Verdict.CLEAR and found.cleared_at is None:
            return redirect("onboarding-stop")
        # Back to the program that asked for more questions, if one did.
        after = state(request).get("next")
        save_state(request, next=None)
        if isinstance(after, str) and after.startswith("/start/program/"):
            return redirect(after)
        return redirect("onboarding-finder")
    return render(
        request,
        "pages/onboarding/screening.html",
        {"form": form, "regions": regions, "places": places_of(regions)},
    )


class ClearanceForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Who assessed you, and when?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            'For example: "Dr Weber, my GP, on 2 December: exercise is fine." It is '
            "kept with your answers and your therapist can read it."
        ),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "A doctor or physical therapist has assessed this problem since, and said that "
            "I may exercise."
        ),
        error_messages={
            "required": gettext_lazy("Tick this only once a clinician has cleared you.")
        },
    )


@login_required
def stop(request: HttpRequest) -> HttpResponse:
    """A warning sign was reported: the advice in the articles' words, a number to call in an
    emergency, and no way to a plan until the runner states that a clinician has assessed
    them (recorded, with their words)."""
    user = signed_in(request)
    waiting = awaiting_clearance(user)
    if waiting is None:
        return redirect("onboarding-finder" if chosen_regions(request) else "onboarding")
    form = ClearanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            screenings.clear(user, waiting.pk, form.cleaned_data["note"], timezone.now())
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Recorded: a clinician has assessed you and cleared you."))
            # Back to the start: the questions are asked again about the pain as it is now.
            return redirect("onboarding")
    emergency = waiting.verdict == Screening.Verdict.EMERGENCY
    context = {
        "signs": screenings.signs_cited(waiting, chosen_regions(request)),
        "emergency": emergency,
        "screening": waiting,
        "form": form,
        "phone": settings.EMERGENCY_PHONE,
    }
    return render(request, "pages/onboarding/stop.html", context)


def screened(view: Any) -> Any:
    """The later steps: signed in, with a screening that lets a plan start."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = signed_in(request)
        permission = screenings.start_permission(user, timezone.now())
        if not permission.allowed:
            if awaiting_clearance(user) is not None:
                return redirect("onboarding-stop")
            messages.warning(request, permission.reason)
            return redirect("onboarding-screening" if chosen_regions(request) else "onboarding")
        if not chosen_regions(request):
            return redirect("onboarding")
        result: HttpResponse = view(request, *args, **kwargs)
        return result

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Step 3: what it may be ----------------------------------------------------------------

NOT_SURE = ""
SHOWN_IN_FULL = 3  # the project's choice: the best three read on a phone without a scroll marathon


class FinderForm(forms.Form):
    """The finder's questions: one answer or "Not sure", or ticks where none is "not sure"."""

    def __init__(self, questions: Sequence[finding.Question], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            choices = [(c.slug, c.label) for c in question.choices]
            invalid = _("Choose one of the answers offered, or “Not sure”.")
            field: forms.Field
            if question.choose == "one":
                field = forms.ChoiceField(
                    choices=[*choices, (NOT_SURE, _("Not sure"))],
                    widget=forms.RadioSelect,
                    required=False,
                    initial=NOT_SURE,
                    error_messages={"invalid_choice": invalid},
                )
            else:
                field = forms.MultipleChoiceField(
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    error_messages={"invalid_choice": invalid},
                )
            field.label = question.text
            field.help_text = question.help_text
            self.fields[question.slug] = field

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        # A radio button sends one answer; an address naming two would silently keep the last.
        data = self.data
        for slug, field in self.fields.items():
            one = isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.MultipleChoiceField
            )
            if one and isinstance(data, QueryDict) and len(data.getlist(slug)) > 1:
                self.add_error(
                    slug, _("Choose one of the answers offered, or “Not sure”: one only.")
                )
        return cleaned

    def answers(self) -> dict[str, list[str]]:
        """The answers, question by question; "not sure" is no answer."""
        given: dict[str, list[str]] = {}
        for slug, value in self.cleaned_data.items():
            chosen = [value] if isinstance(value, str) else list(value)
            given[slug] = [v for v in chosen if v != NOT_SURE]
        return given


def fit_summary(fit: finding.Fit) -> str:
    """ "Outside of the hip, clicking: IT band syndrome fits", in the reader's language (the
    engine's Fit.summary is English)."""
    words = ", ".join(r.words for r in fit.reasons)
    parts = {"signs": f"{words[:1].upper()}{words[1:]}", "condition": fit.candidate.name}
    if fit.level == "fits":
        return _("%(signs)s: %(condition)s fits") % parts
    return _("%(signs)s: %(condition)s fits in part") % parts


@screened
def find(request: HttpRequest) -> HttpResponse:
    """A few questions about the pain, then the conditions of those places ranked by how well
    their articles' signs fit the answers. The answers travel in the address (a GET form):
    nothing is stored, and the ranking can be revisited with the back button."""
    regions = chosen_regions(request)
    questions = finder.questions_for(regions)
    if not questions:
        # Nothing to tell these places' conditions apart: the list is all there is.
        return redirect("onboarding-conditions")
    form = FinderForm(questions, request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        try:
            found = finder.find_for(signed_in(request), regions, form.answers(), timezone.now())
        except screenings.ScreeningRequired as refused:
            messages.warning(request, refused.message)
            return redirect("onboarding-screening")
    context: dict[str, Any] = {
        "regions": regions,
        "places": places_of(regions),
        "form": form,
        "found": found,
    }
    if found is not None:
        results = [
            {
                "fit": fit,
                "condition": found.conditions[fit.candidate.slug],
                "start": lifecycle.starting_point(found.conditions[fit.candidate.slug]),
                "sources": list(dict.fromkeys(r.source for r in fit.reasons)),
                "summary": fit_summary(fit),
            }
            for fit in found.finding.fits
        ]
        # The best few in full; the rest folded, so a phone is not a wall of cards.
        context.update(
            results=results,
            best=results[:SHOWN_IN_FULL],
            more=results[SHOWN_IN_FULL:],
            undescribed_names=", ".join(c.name for c in found.finding.undescribed),
        )
    return render(
        request, "pages/onboarding/finder.html", context, status=400 if form.errors else 200
    )


@screened
def conditions(request: HttpRequest) -> HttpResponse:
    """Every condition the articles describe for the places chosen, for a runner who would
    rather read them all than answer the finder's questions."""
    regions = chosen_regions(request)
    found = finder.conditions_in(regions)
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
        request,
        "pages/onboarding/conditions.html",
        {"regions": regions, "places": places_of(regions), "matches": matches},
    )


# --- Step 4: the program week by week ------------------------------------------------------


def program_for(slug: str) -> Program:
    """The program to start for a condition; a condition a doctor must see first has none."""
    condition = get_object_or_404(Condition, slug=slug)
    start = lifecycle.starting_point(condition)
    if not isinstance(start, Program):
        raise Http404("This condition has no home program: see a doctor first.")
    return start


def program_weeks(program: Program, prescriptions: Sequence[Prescription]) -> list[weeks.Week]:
    phases = [
        weeks.PhaseSpan(p.first_week, p.last_week, name=p.name, goal=p.goal)
        for p in program.phases.order_by("order")
    ]
    items = []
    for p in prescriptions:
        ladder = ladders.ladder_of(p)
        expected = ladders.expected_course(p, ladder, ladder.bottom(), 1)
        items.append(
            weeks.ItemSpan(
                p.first_week,
                p.last_week,
                name=p.exercise.name,
                frequency=_(FREQUENCY_LABELS.get(schedule.Frequency(p.frequency), p.frequency)),
                dose=expected[0].text,
                by_week=tuple((week.week, week.text) for week in expected),
            )
        )
    return weeks.by_week(program.weeks, phases, items)


@dataclass(frozen=True)
class ExerciseCautions:
    name: str
    cautions: list[str]


@dataclass(frozen=True)
class ProgramCautions:
    """What a program's exercises ask the runner to take care with: the cautions every one of
    them gives, said once, then each exercise's own."""

    every: list[str]
    by_exercise: list[ExerciseCautions]

    def __bool__(self) -> bool:
        return bool(self.every or self.by_exercise)


def cautions_of(prescriptions: Sequence[Prescription]) -> ProgramCautions:
    """The cautions of a program's exercises, each exercise once (in the program's order), and
    the words every exercise gives said once rather than on every exercise."""
    exercises = list({p.exercise_id: p.exercise for p in prescriptions}.values())
    own = [list(dict.fromkeys(str(text) for text in e.cautions)) for e in exercises]
    # One exercise's cautions are its own, not "every exercise's".
    every = (
        [text for text in own[0] if all(text in others for others in own[1:])]
        if len(exercises) > 1
        else []
    )
    return ProgramCautions(
        every=every,
        by_exercise=[
            ExerciseCautions(exercise.name, [text for text in texts if text not in every])
            for exercise, texts in zip(exercises, own, strict=True)
            if any(text not in every for text in texts)
        ],
    )


def ask_the_rest(request: HttpRequest, program: Program) -> HttpResponse | None:
    """Where the program's condition reaches beyond the places the runner chose (hip flexor
    strain: the hip as well as the front of the thigh), its warning-sign questions come first:
    back to them, and back here after; None when they were all asked."""
    user = signed_in(request)
    regions = list(program.condition.regions.all())
    if screenings.start_permission(user, timezone.now(), regions).allowed:
        return None
    if awaiting_clearance(user) is not None:
        return redirect("onboarding-stop")
    chosen = [region.slug for region in chosen_regions(request)]
    save_state(
        request,
        regions=chosen + [r.slug for r in regions if r.slug not in chosen],
        next=request.path,
    )
    messages.info(
        request,
        _("A few more warning-sign questions first, for %(condition)s.")
        % {"condition": program.condition.name},
    )
    return redirect("onboarding-screening")


@screened
def preview(request: HttpRequest, condition: str) -> HttpResponse:
    program = program_for(condition)
    more = ask_the_rest(request, program)
    if more is not None:
        return more
    # One query for the exercises, with their cautions: the weeks, the pain rules and the
    # cautions all read them.
    prescriptions = list(program.prescriptions.select_related("exercise").order_by("order"))
    return render(
        request,
        "pages/onboarding/preview.html",
        {
            "program": program,
            "condition": program.condition,
            "weeks": program_weeks(program, prescriptions),
            "pain_rules": ladders.pain_rules_of(prescriptions),
            "cautions": cautions_of(prescriptions),
        },
    )


# --- Step 5: start -------------------------------------------------------------------------


class StartForm(forms.Form):
    start_date = forms.DateField(
        label=gettext_lazy("Start date"),
        widget=forms.DateInput(attrs={"type": "date", "data-browser-today": ""}),
        help_text=gettext_lazy("The first day of the plan."),
    )
    reminder_time = forms.TimeField(
        label=gettext_lazy("Reminder time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("When you want to be reminded each day, in your own time zone."),
    )
    time_zone = TimeZoneField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        help_text=gettext_lazy("Taken from your browser; an IANA name such as Europe/Berlin."),
        widget=forms.TextInput(attrs={"data-browser-time-zone": "", "autocomplete": "off"}),
    )


def default_start(time_zone: str) -> date:
    return schedule.local_date(timezone.now(), time_zone)


@screened
def begin(request: HttpRequest, condition: str) -> HttpResponse:
    program = program_for(condition)
    more = ask_the_rest(request, program)
    if more is not None:
        return more
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
            except screenings.ScreeningRequired as refused:
                messages.warning(request, refused.message)
                return redirect("onboarding")
            except readiness.ReadinessRequired as refused:
                messages.warning(request, refused.message)
                return redirect("return-to-run")
            else:
                request.session.pop(SESSION_KEY, None)
                clock.remember(request, plan.user_id)
                messages.success(
                    request, _("Your plan has started: %(program)s.") % {"program": program.name}
                )
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
    path("start/finder/", find, name="onboarding-finder"),
    path("start/conditions/", conditions, name="onboarding-conditions"),
    path("start/program/<slug:condition>/", preview, name="onboarding-preview"),
    path("start/program/<slug:condition>/begin/", begin, name="onboarding-begin"),
]
