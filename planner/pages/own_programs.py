"""A therapist's own programs: the list (theirs and their clinic's shared ones), the builder
(new, copied from a program to start from, or changed), and deleting one.

planner.programs.own decides; these views load, call and render. The builder works without
JavaScript: "Add a phase" and "Add an exercise" send the form back with one more blank row
(nothing is saved until "Save"), a row left without an exercise (or a phase without a name) is
left out, and a mistake is shown on the field it is about, with everything typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from conditions.models import Condition
from exercises.models import Exercise
from kit.conflict import Conflict
from kit.web import signed_in
from planner import access
from planner.engine.pain import PAIN_MONITORING, PAIN_RULES
from planner.engine.schedule import Frequency
from planner.models import FREQUENCY_LABELS, Program
from planner.pages.common import therapist_required
from planner.programs import own

# The engine's rules are named in English (it knows no Django): their names here, for the
# translations' catalog, each read in the reader's language when a form shows it.
PAIN_RULE_NAMES = {
    "the pain-monitoring model": gettext_lazy("The pain-monitoring model"),
    "near pain-free work": gettext_lazy("Near pain-free work"),
    "the return-to-run rule": gettext_lazy("The return-to-run rule"),
}
PAIN_RULE_CHOICES = [
    (rule.key, PAIN_RULE_NAMES.get(rule.name, rule.name.capitalize()))
    for rule in PAIN_RULES.values()
]
FREQUENCY_CHOICES = [(f.value, gettext_lazy(label)) for f, label in FREQUENCY_LABELS.items()]
SHARING_CHOICES = [
    ("private", gettext_lazy("Only me")),
    ("clinic", gettext_lazy("Me and my clinic's therapists")),
]
# Blank rows a new program starts with; more are a button away.
NEW_PHASES = 1
NEW_EXERCISES = 2

F = TypeVar("F", bound=forms.Form)


def number(
    label: StrOrPromise,
    *,
    help_text: StrOrPromise = "",
    low: int = 0,
    high: int = 600,
    placeholder: StrOrPromise = "",
) -> forms.Field:
    attrs: dict[str, StrOrPromise] = {"inputmode": "numeric"}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        help_text=help_text,
        widget=forms.NumberInput(attrs=attrs),
    )


class ProgramForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=own.NAME_LENGTH, required=False)
    condition = forms.ChoiceField(label=gettext_lazy("For the condition"), required=False)
    weeks = number(gettext_lazy("Length in weeks"), low=1, high=own.MAX_WEEKS)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What the runner reads about the program."),
    )
    weeks_note = forms.CharField(
        label=gettext_lazy("Why this length"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Optional, for you and your colleagues. A program's length is not a recovery time."
        ),
    )
    sharing = forms.ChoiceField(
        label=gettext_lazy("Who can see and assign it"),
        choices=SHARING_CHOICES,
        initial="private",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["condition"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Choose a condition")),
            *Condition.objects.order_by("name").values_list("slug", "name"),
        ]


class PhaseRow(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False)
    first_week = number(gettext_lazy("From week"), low=1, high=own.MAX_WEEKS)
    last_week = number(gettext_lazy("To week"), low=1, high=own.MAX_WEEKS)
    goal = forms.CharField(
        label=gettext_lazy("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExerciseRow(forms.Form):
    exercise = forms.ChoiceField(label=gettext_lazy("Exercise"), required=False)
    frequency = forms.ChoiceField(
        label=gettext_lazy("Frequency"), choices=FREQUENCY_CHOICES, initial=Frequency.DAILY.value
    )
    first_week = number(gettext_lazy("From week"), low=1, high=own.MAX_WEEKS)
    last_week = number(
        gettext_lazy("To week"), low=1, high=own.MAX_WEEKS, placeholder=gettext_lazy("the end")
    )
    sets = number(gettext_lazy("Sets"), low=1, high=own.MAX_SETS)
    sets_target = number(gettext_lazy("Up to sets"), low=1, high=own.MAX_SETS)
    start = number(gettext_lazy("Start"), low=1)
    target = number(gettext_lazy("Target"), low=1)
    step = number(gettext_lazy("Step"), low=1)
    hold_seconds = number(gettext_lazy("Hold (s)"), high=own.MAX_HOLD)
    pain_rule = forms.ChoiceField(
        label=gettext_lazy("Pain rule"), choices=PAIN_RULE_CHOICES, initial=PAIN_MONITORING.key
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the runner"),
        max_length=own.NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    times_per_day = forms.TypedChoiceField(
        label=gettext_lazy("Times a day"),
        coerce=int,
        choices=[
            (1, gettext_lazy("Once")),
            (2, gettext_lazy("Twice")),
            (3, gettext_lazy("3 times")),
        ],
    )
    days_to_progress = number(gettext_lazy("Days at a dose before a step up"), low=1, high=60)
    sessions_to_progress = number(
        gettext_lazy("Sessions at a dose before a step up"), low=1, high=30
    )
    versions = forms.BooleanField(
        label=gettext_lazy("Step up to its harder versions, down to its easier one"),
        label_suffix="",
        required=False,
        initial=True,
    )
    remove = forms.BooleanField(
        label=gettext_lazy("Remove from the program"), label_suffix="", required=False
    )

    def __init__(self, *args: Any, exercises: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exercise"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose an exercise")), *exercises]


PHASE_DEFAULTS: dict[str, Any] = {"name": "", "goal": ""}
EXERCISE_DEFAULTS: dict[str, Any] = {
    "frequency": Frequency.DAILY.value,
    "first_week": 1,
    "pain_rule": PAIN_MONITORING.key,
    "times_per_day": 1,
    "days_to_progress": 7,
    "sessions_to_progress": 3,
    "versions": True,
}


@dataclass
class Builder:
    """The builder's forms: the program, its phases and its exercises, row by row."""

    program: ProgramForm
    phases: list[PhaseRow]
    exercises: list[ExerciseRow]

    @property
    def forms(self) -> list[forms.Form]:
        return [self.program, *self.phases, *self.exercises]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.forms])


def library_choices() -> list[tuple[str, str]]:
    """The exercise library, by name, each with how it is counted."""
    return [
        (
            slug,
            counted_as(name, unit == Exercise.Unit.SECONDS, per_side),
        )
        for slug, name, unit, per_side in Exercise.objects.order_by("name").values_list(
            "slug", "name", "unit", "per_side"
        )
    ]


def counted_as(name: str, seconds: bool, per_side: bool) -> str:
    """An exercise's name with how it is counted: "Clamshells (reps, per side)"."""
    if seconds:
        words = _("%(name)s (seconds, per side)") if per_side else _("%(name)s (seconds)")
    else:
        words = _("%(name)s (reps, per side)") if per_side else _("%(name)s (reps)")
    return words % {"name": name}


def blank_builder(draft: own.ProgramDraft | None) -> Builder:
    """The forms showing a draft (a saved program's, or a new one's blank rows)."""
    exercises = library_choices()
    if draft is None:
        program_initial: dict[str, Any] = {"sharing": "private"}
        phase_rows = [dict(PHASE_DEFAULTS) for _ in range(NEW_PHASES)]
        exercise_rows = [dict(EXERCISE_DEFAULTS) for _ in range(NEW_EXERCISES)]
    else:
        program_initial = {
            "name": draft.name,
            "condition": draft.condition,
            "weeks": draft.weeks,
            "summary": draft.summary,
            "weeks_note": draft.weeks_note,
            "sharing": "clinic" if draft.shared_with_clinic else "private",
        }
        phase_rows = [vars_of(phase) for phase in draft.phases]
        exercise_rows = [vars_of(item) for item in draft.exercises]
    return Builder(
        ProgramForm(initial=program_initial),
        [PhaseRow(initial=row, prefix=f"phases-{n}") for n, row in enumerate(phase_rows)],
        [
            ExerciseRow(initial=row, prefix=f"exercises-{n}", exercises=exercises)
            for n, row in enumerate(exercise_rows)
        ],
    )


def vars_of(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__dataclass_fields__}


def bound_builder(data: QueryDict) -> Builder:
    """The forms as sent, with one more blank row when the therapist asked for one. Asked for a
    row, the forms are shown again as sent but not checked: nothing is wrong with a row not yet
    filled in."""
    data = data.copy()
    exercises = library_choices()
    phases = row_count(data, "phases")
    items = row_count(data, "exercises")
    more = "add_phase" in data or "add_exercise" in data
    if "add_phase" in data:
        fill_row(data, f"phases-{phases}", PHASE_DEFAULTS)
        phases += 1
    if "add_exercise" in data:
        fill_row(data, f"exercises-{items}", EXERCISE_DEFAULTS)
        items += 1

    def form(cls: type[F], prefix: str | None = None, **kwargs: Any) -> F:
        sent = cls(data, prefix=prefix, **kwargs)
        if not more:
            return sent
        return cls(
            initial={name: sent[name].value() for name in sent.fields}, prefix=prefix, **kwargs
        )

    return Builder(
        form(ProgramForm),
        [form(PhaseRow, f"phases-{n}") for n in range(phases)],
        [form(ExerciseRow, f"exercises-{n}", exercises=exercises) for n in range(items)],
    )


def row_count(data: QueryDict, name: str) -> int:
    """How many rows of `name` the form had (a hidden field), within the service's bounds."""
    try:
        count = int(data.get(name, "0"))
    except ValueError:
        count = 0
    most = own.MAX_PHASES if name == "phases" else own.MAX_EXERCISES
    return max(0, min(count, most))


def fill_row(data: QueryDict, prefix: str, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if value is True:
            data[f"{prefix}-{name}"] = "on"
        elif value not in (False, None):
            data[f"{prefix}-{name}"] = str(value)


def draft_of_forms(builder: Builder) -> tuple[own.ProgramDraft, list[PhaseRow], list[ExerciseRow]]:
    """The draft the valid forms say, and the rows it was read from, in its order (so the
    service's "exercises.2.target" finds its field again)."""
    values = builder.program.cleaned_data
    phases = [row for row in builder.phases if row.cleaned_data.get("name", "").strip()]
    items = [
        row
        for row in builder.exercises
        if row.cleaned_data.get("exercise") and not row.cleaned_data.get("remove")
    ]
    draft = own.ProgramDraft(
        name=values["name"],
        condition=values["condition"],
        weeks=values["weeks"] or 0,
        summary=values["summary"],
        weeks_note=values["weeks_note"],
        shared_with_clinic=values["sharing"] == "clinic",
        phases=tuple(
            own.PhaseDraft(
                name=row.cleaned_data["name"],
                first_week=row.cleaned_data["first_week"] or 0,
                last_week=row.cleaned_data["last_week"] or 0,
                goal=row.cleaned_data["goal"],
            )
            for row in phases
        ),
        exercises=tuple(exercise_draft(row.cleaned_data) for row in items),
    )
    return draft, phases, items


def exercise_draft(values: dict[str, Any]) -> own.ExerciseDraft:
    return own.ExerciseDraft(
        exercise=values["exercise"],
        frequency=values["frequency"],
        first_week=values["first_week"] or 1,
        last_week=values["last_week"],
        sets=values["sets"],
        sets_target=values["sets_target"],
        start=values["start"],
        target=values["target"],
        step=values["step"],
        hold_seconds=values["hold_seconds"],
        times_per_day=values["times_per_day"],
        sessions_to_progress=values["sessions_to_progress"] or 3,
        days_to_progress=values["days_to_progress"] or 7,
        pain_rule=values["pain_rule"],
        versions=values["versions"],
        note=values["note"],
    )


def place_errors(
    builder: Builder, phases: list[PhaseRow], items: list[ExerciseRow], error: ValidationError
) -> None:
    """Each of the service's errors on the field it names ("exercises.2.target": the target of
    the third exercise kept); one without a field of its own goes to the top of the form."""
    program = builder.program
    for key, problems in error.message_dict.items():
        group, _dot, rest = key.partition(".")
        index, _dot, name = rest.partition(".")
        rows: list[PhaseRow] | list[ExerciseRow] | None = (
            phases if group == "phases" else items if group == "exercises" else None
        )
        if rows is not None and index.isdigit() and int(index) < len(rows):
            row = rows[int(index)]
            row.add_error(name if name in row.fields else None, problems)
        elif key == "shared_with_clinic":
            program.add_error("sharing", problems)
        elif key in program.fields:
            program.add_error(key, problems)
        else:
            label = {"phases": _("Phases"), "exercises": _("Exercises")}.get(key, key)
            program.add_error(
                None,
                [_("%(what)s: %(problem)s") % {"what": label, "problem": p} for p in problems],
            )


def render_builder(request: HttpRequest, builder: Builder, program: Program | None) -> HttpResponse:
    context = {
        "builder": builder,
        "program": program,
        "in_plans": program.plans.count() if program else 0,
        "phase_count": len(builder.phases),
        "exercise_count": len(builder.exercises),
        "has_errors": any(form.errors for form in builder.forms),
    }
    return render(request, "pages/own_programs/builder.html", context)


def save_or_show(request: HttpRequest, program: Program | None, therapist: User) -> HttpResponse:
    """A builder sent back: more rows, or the program saved, or its mistakes shown."""
    builder = bound_builder(request.POST)
    if "add_phase" in request.POST or "add_exercise" in request.POST:
        return render_builder(request, builder, program)
    if builder.is_valid():
        draft, phases, items = draft_of_forms(builder)
        try:
            saved = (
                own.update(therapist, program.pk, draft)
                if program is not None
                else own.create(therapist, draft)
            )
        except ValidationError as exc:
            place_errors(builder, phases, items, exc)
        else:
            messages.success(request, _("%(program)s saved.") % {"program": saved.name})
            return redirect("own-program", program_id=saved.pk)
    return render_builder(request, builder, program)


# --- Views ------------------------------------------------------------------------------------


class CopyForm(forms.Form):
    program = forms.ChoiceField(label=gettext_lazy("Start from"))

    def __init__(self, *args: Any, therapist: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ChoiceField)
        catalog: list[tuple[str, str]] = []
        own_ones: list[tuple[str, str]] = []
        for slug, name, is_own in (
            access.programs_a_therapist_sees(therapist)
            .order_by("name")
            .values_list("slug", "name", "is_own")
        ):
            (own_ones if is_own else catalog).append((slug, name))
        field.choices = [
            ("", _("Choose a program")),
            (_("The catalog"), catalog),
            *([(_("Your and your clinic's programs"), own_ones)] if own_ones else []),
        ]


@therapist_required
def program_list(request: HttpRequest) -> HttpResponse:
    """The therapist's own programs and their clinic's shared ones, and where to start one."""
    therapist = signed_in(request)
    programs = own.programs_of(therapist)
    context = {
        "programs": [(program, program.owner_id == therapist.pk) for program in programs],
        "copy_form": CopyForm(therapist=therapist),
    }
    return render(request, "pages/own_programs/list.html", context)


@therapist_required
@require_POST
def copy_program(request: HttpRequest) -> HttpResponse:
    therapist = signed_in(request)
    form = CopyForm(request.POST, therapist=therapist)
    if form.is_valid():
        copied = own.copy(therapist, form.cleaned_data["program"])
        messages.success(
            request,
            _("Your private copy of %(program)s: change what you need and save it.")
            % {"program": copied.copied_from},
        )
        return redirect("own-program", program_id=copied.pk)
    messages.error(request, _("Choose the program to start from."))
    return redirect("own-programs")


@therapist_required
def new_program(request: HttpRequest) -> HttpResponse:
    """The builder, empty: a name, a condition, phases and exercises from the library."""
    if request.method == "POST":
        return save_or_show(request, None, signed_in(request))
    return render_builder(request, blank_builder(None), None)


@therapist_required
def program_page(request: HttpRequest, program_id: int) -> HttpResponse:
    """The owner's builder for their program; a colleague it is shared with reads it and may
    copy it."""
    therapist = signed_in(request)
    visible = (
        access.own_programs_seen_by(therapist)
        .filter(pk=program_id)
        .select_related("owner", "condition", "copied_from")
        .first()
    )
    if visible is None:
        access.not_found(Program)
    if visible.owner_id != therapist.pk:
        return shared_program(request, visible)
    if request.method == "POST":
        return save_or_show(request, visible, therapist)
    return render_builder(request, blank_builder(own.draft_of(visible)), visible)


def shared_program(request: HttpRequest, program: Program) -> HttpResponse:
    if request.method == "POST":
        raise PermissionDenied(_("Only the therapist who built this program can change it."))
    context = {
        "program": program,
        "draft": own.draft_of(program),
        "names": dict(library_choices()),
        "frequencies": dict(FREQUENCY_CHOICES),
        "pain_rules": dict(PAIN_RULE_CHOICES),
    }
    return render(request, "pages/own_programs/shared.html", context)


@therapist_required
@require_POST
def delete_program(request: HttpRequest, program_id: int) -> HttpResponse:
    try:
        name = own.delete(signed_in(request), program_id)
    except Conflict as refused:
        messages.error(request, refused.message)
        return redirect("own-program", program_id=program_id)
    messages.success(request, _("%(program)s deleted.") % {"program": name})
    return redirect(reverse("own-programs"))


urlpatterns = [
    path("own-programs/", program_list, name="own-programs"),
    path("own-programs/new/", new_program, name="own-program-new"),
    path("own-programs/copy/", copy_program, name="own-program-copy"),
    path("own-programs/<id:program_id>/", program_page, name="own-program"),
    path("own-programs/<id:program_id>/delete/", delete_program, name="own-program-delete"),
]
