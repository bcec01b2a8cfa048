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
from django.views.decorators.http import require_POST

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

PAIN_RULE_CHOICES = [(rule.key, rule.name.capitalize()) for rule in PAIN_RULES.values()]
FREQUENCY_CHOICES = [(f.value, label) for f, label in FREQUENCY_LABELS.items()]
SHARING_CHOICES = [("private", "Only me"), ("clinic", "Me and my clinic's therapists")]
# Blank rows a new program starts with; more are a button away.
NEW_PHASES = 1
NEW_EXERCISES = 2

F = TypeVar("F", bound=forms.Form)


def number(
    label: str, *, help_text: str = "", low: int = 0, high: int = 600, placeholder: str = ""
) -> forms.Field:
    attrs = {"inputmode": "numeric"}
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
    name = forms.CharField(max_length=own.NAME_LENGTH, required=False)
    condition = forms.ChoiceField(label="For the condition", required=False)
    weeks = number("Length in weeks", low=1, high=own.MAX_WEEKS)
    summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the runner reads about the program.",
    )
    weeks_note = forms.CharField(
        label="Why this length",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional, for you and your colleagues. A program's length is not a recovery "
        "time.",
    )
    sharing = forms.ChoiceField(
        label="Who can see and assign it",
        choices=SHARING_CHOICES,
        initial="private",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["condition"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose a condition"),
            *Condition.objects.order_by("name").values_list("slug", "name"),
        ]


class PhaseRow(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    first_week = number("From week", low=1, high=own.MAX_WEEKS)
    last_week = number("To week", low=1, high=own.MAX_WEEKS)
    goal = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExerciseRow(forms.Form):
    exercise = forms.ChoiceField(required=False)
    frequency = forms.ChoiceField(choices=FREQUENCY_CHOICES, initial=Frequency.DAILY.value)
    first_week = number("From week", low=1, high=own.MAX_WEEKS)
    last_week = number("To week", low=1, high=own.MAX_WEEKS, placeholder="the end")
    sets = number("Sets", low=1, high=own.MAX_SETS)
    sets_target = number("Up to sets", low=1, high=own.MAX_SETS)
    start = number("Start", low=1)
    target = number("Target", low=1)
    step = number("Step", low=1)
    hold_seconds = number("Hold (s)", high=own.MAX_HOLD)
    pain_rule = forms.ChoiceField(
        label="Pain rule", choices=PAIN_RULE_CHOICES, initial=PAIN_MONITORING.key
    )
    note = forms.CharField(
        label="Note for the runner",
        max_length=own.NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    times_per_day = forms.TypedChoiceField(
        label="Times a day", coerce=int, choices=[(1, "Once"), (2, "Twice"), (3, "3 times")]
    )
    days_to_progress = number("Days at a dose before a step up", low=1, high=60)
    sessions_to_progress = number("Sessions at a dose before a step up", low=1, high=30)
    versions = forms.BooleanField(
        label="Step up to its harder versions, down to its easier one",
        label_suffix="",
        required=False,
        initial=True,
    )
    remove = forms.BooleanField(label="Remove from the program", label_suffix="", required=False)

    def __init__(self, *args: Any, exercises: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exercise"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose an exercise"), *exercises]


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
            f"{name} ({'seconds' if unit == Exercise.Unit.SECONDS else 'reps'}"
            f"{', per side' if per_side else ''})",
        )
        for slug, name, unit, per_side in Exercise.objects.order_by("name").values_list(
            "slug", "name", "unit", "per_side"
        )
    ]


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
        group, _, rest = key.partition(".")
        index, _, name = rest.partition(".")
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
            label = {"phases": "Phases", "exercises": "Exercises"}.get(key, key)
            program.add_error(None, [f"{label}: {problem}" for problem in problems])


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
            messages.success(request, f"{saved.name} saved.")
            return redirect("own-program", program_id=saved.pk)
    return render_builder(request, builder, program)


# --- Views ------------------------------------------------------------------------------------


class CopyForm(forms.Form):
    program = forms.ChoiceField(label="Start from")

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
            ("", "Choose a program"),
            ("The catalog", catalog),
            *([("Your and your clinic's programs", own_ones)] if own_ones else []),
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
            f"Your private copy of {copied.copied_from}: change what you need and save it.",
        )
        return redirect("own-program", program_id=copied.pk)
    messages.error(request, "Choose the program to start from.")
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
        raise PermissionDenied("Only the therapist who built this program can change it.")
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
    messages.success(request, f"{name} deleted.")
    return redirect(reverse("own-programs"))


urlpatterns = [
    path("own-programs/", program_list, name="own-programs"),
    path("own-programs/new/", new_program, name="own-program-new"),
    path("own-programs/copy/", copy_program, name="own-program-copy"),
    path("own-programs/<id:program_id>/", program_page, name="own-program"),
    path("own-programs/<id:program_id>/delete/", delete_program, name="own-program-delete"),
]
