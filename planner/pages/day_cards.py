"""The cards of a plan's day: each exercise with the article's steps, its exact dose, a hold
timer, the form that logs it, what the engine decided after a save and what changes next.

A card records what was done and nothing more: nothing is ticked before the runner says so.
The form's two buttons say what each saves ("Save as done", "Save as not done"); an amount
below the day's dose is saved as a partial session, and shown as one; pain above the
exercise's pain rule is shown in a warning box of its own with the rule's advice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.forms.renderers import Jinja2
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django_stubs_ext import StrOrPromise

from conditions.models import RedFlag
from exercises.models import Exercise, ExerciseMedia, InstructionStep, Variation
from exercises.showing import ShownPicture, shown_picture
from kit import run_files
from planner import access
from planner.engine import progression
from planner.engine.pain import PainRule
from planner.models import DoseChange, Plan, PlanExercise, SessionLog
from planner.names import shown_name
from planner.plans import daily, decisions, ladders, runs, sessions

# The day's forms draw their fields with Django's Jinja2 form templates: the same markup as its
# default templates (bar blank lines between a select's options) in half the time. Django's
# templates made about 40% of the day page's server time in bench/page_times.py (a card's
# form is a dozen widgets and a select's every option its own template). One renderer for
# all: it loads its templates once.
DAY_FORMS = Jinja2()


def pain_choices(empty: StrOrPromise | None) -> list[tuple[str, StrOrPromise]]:
    # Lazy: the forms build these once, at import, and each page shows them in its language.
    labels = {
        0: gettext_lazy("0: no pain"),
        5: gettext_lazy("5: the limit"),
        10: gettext_lazy("10: worst imaginable"),
    }
    scale: list[tuple[str, StrOrPromise]] = [(str(n), labels.get(n, str(n))) for n in range(11)]
    return [("", empty), *scale] if empty is not None else scale


def pain_during_field(label: StrOrPromise) -> forms.TypedChoiceField:
    """Pain during, 0 to 10, or not rated: a card's log and exercise-along's quick log."""
    return forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=pain_choices(gettext_lazy("Not rated")),
        label=label,
    )


class LogForm(forms.Form):
    """One exercise's log for one day; the service checks the rest (ranges, window).

    `done` is not a field the card shows: it is the button the runner presses, "Save as done"
    or "Save as not done" (see LOG_BUTTONS), so nothing is ticked for them. A post without it
    says not done."""

    default_renderer = DAY_FORMS

    done = forms.BooleanField(required=False, label=gettext_lazy("Done"))
    amount_done = forms.IntegerField(required=False, min_value=0)
    pain_during = pain_during_field(gettext_lazy("Pain during (0 to 10)"))
    difficulty = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("Not rated")), *SessionLog.Difficulty.choices],
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # A walk-run session's run, typed in or read from a GPX or TCX file (planner.plans.runs);
    # the other exercises' cards drop these three.
    run_minutes = forms.DecimalField(
        required=False,
        min_value=Decimal("0.1"),
        max_value=Decimal(runs.LONGEST_RUN_SECONDS // 60),
        decimal_places=1,
        label=gettext_lazy("Time (minutes)"),
        help_text=gettext_lazy("The whole session, walks and runs together."),
    )
    distance_km = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(runs.FARTHEST_RUN_METRES // 1000),
        decimal_places=2,
        label=gettext_lazy("Distance (km)"),
        help_text=gettext_lazy(
            "Leave empty if you covered the phase's whole distance. Less than it is "
            "saved as a partial session."
        ),
    )
    track_file = forms.FileField(
        required=False,
        label=gettext_lazy("Or read both from a GPX or TCX file"),
        help_text=gettext_lazy(
            "From your watch or running app: the time and distance are read from it."
        ),
        widget=forms.FileInput(attrs={"accept": ".gpx,.tcx,application/gpx+xml"}),
    )

    def __init__(self, *args: Any, unit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit == Exercise.Unit.PHASES:
            del self.fields["amount_done"]
            # What the run was comes first, then how it felt.
            self.order_fields(["done", *RUN_FORM_FIELDS])
        else:
            for name in RUN_FORM_FIELDS:
                del self.fields[name]
            self.fields["amount_done"].label = (
                _("Seconds held") if unit == Exercise.Unit.SECONDS else _("Reps per set done")
            )
            self.fields["amount_done"].help_text = _(
                "Empty: the whole dose. Fewer is saved as partial."
            )
        self.fields["difficulty"].label = _("How hard it felt")
        self.fields["note"].label = _("A note for yourself or your therapist")

    def shown_fields(self) -> list[forms.BoundField]:
        """The fields the card shows open: what was done and the pain during it (`done` is
        the button pressed)."""
        return [field for field in self.visible_fields() if field.name in ESSENTIAL_FIELDS]

    def folded_fields(self) -> list[forms.BoundField]:
        """The rest, behind "More" on the card: how hard it felt, a note, a run's track file;
        open when one of them has an error or a value (a correction shows what was saved)."""
        return [
            field
            for field in self.visible_fields()
            if field.name != "done" and field.name not in ESSENTIAL_FIELDS
        ]

    def folded_open(self) -> bool:
        return any(field.errors or field.value() for field in self.folded_fields())

    def entry_values(self) -> dict[str, Any]:
        """The cleaned fields as the service's Entry (or a correction's changes) names them: a
        run's minutes and kilometres as seconds and metres, a track file read for both."""
        values = dict(self.cleaned_data)
        if "run_minutes" not in values:
            return values
        minutes, km = values.pop("run_minutes"), values.pop("distance_km")
        track_file = values.pop("track_file")
        values["run_seconds"] = round(minutes * 60) if minutes is not None else None
        values["distance_metres"] = round(km * 1000) if km is not None else None
        values["track"] = ""
        if track_file:
            values.update(runs.from_track(track_file.read(run_files.MAX_BYTES + 1)))
        return values


RUN_FORM_FIELDS = ("run_minutes", "distance_km", "track_file")
# What a card asks open: the amount (or a run's time and distance) and the pain during it.
ESSENTIAL_FIELDS = ("amount_done", "pain_during", "run_minutes", "distance_km")


class DaySignForm(forms.Form):
    """The warning-sign question, asked once for the day's whole session (day_signs.report)."""

    default_renderer = DAY_FORMS

    red_flag = forms.ChoiceField(
        label=gettext_lazy("The warning sign you noticed"),
        error_messages={"required": gettext_lazy("Choose the sign you noticed.")},
    )

    def __init__(self, *args: Any, warning_signs: list[RedFlag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signs = {flag.slug: flag for flag in warning_signs}
        self.fields["red_flag"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose the sign")),
            *((flag.slug, flag.sign) for flag in warning_signs),
        ]

    def sign(self) -> RedFlag:
        return self.signs[self.cleaned_data["red_flag"]]


# The card's two ways to save (the value of `done`, the button's words); the first is the
# one Enter presses in a field.
LOG_BUTTONS = (("true", gettext_lazy("Save as done")), ("false", gettext_lazy("Save as not done")))
CORRECTION_BUTTONS = (
    ("true", gettext_lazy("Save changes as done")),
    ("false", gettext_lazy("Save changes as not done")),
)


class MorningForm(forms.Form):
    default_renderer = DAY_FORMS

    pain_next_morning = forms.TypedChoiceField(
        coerce=int,
        choices=pain_choices(gettext_lazy("Choose")),
        label=gettext_lazy("Pain this morning (0 to 10)"),
        help_text=gettext_lazy("It should be no worse than the morning before."),
    )


@dataclass(frozen=True)
class Outcome:
    """What the engine decided after a save, in words for the card."""

    kind: str  # progress, add_variation, hold, step_back, stop
    headline: str
    reason: str
    advice: str = ""  # the warning sign's advice from the article, when the plan stopped


@dataclass(frozen=True)
class PainWarning:
    """Pain during a logged session above the limit of its exercise's pain rule."""

    pain: int
    rule: PainRule


def pain_warning(rule: PainRule, pain_during: int | None) -> PainWarning | None:
    """A warning when the pain logged is above the rule's limit (the engine steps the dose back
    for it, planner.engine.progression.decide), else None."""
    if pain_during is None or pain_during <= rule.limit:
        return None
    return PainWarning(pain_during, rule)


def logged_amount(log: SessionLog, ladder: progression.Ladder, dose: progression.Dose) -> str:
    """How much a log says was done, in words (progression.logged_words), "" when none was
    given."""
    if log.run_seconds is not None:
        return run_words(log)
    if log.amount_done is None:
        return ""
    return progression.logged_words(ladder, dose, log.amount_done, log.partial)


def run_words(log: SessionLog) -> str:
    """A run as logged: "32 min, 4.10 km (from a GPX file)"."""
    minutes = log.run_seconds / 60 if log.run_seconds is not None else 0
    words = f"{minutes:.0f} min" if minutes == int(minutes) else f"{minutes:.1f} min"
    if log.distance_metres is not None:
        words += f", {log.distance_metres / 1000:.2f} km"
    if log.track:
        words += f" (from a {log.track.upper()} file)"
    return words


@dataclass
class Card:
    due: daily.DueExercise
    steps: list[str]
    timer_seconds: int
    form: LogForm | None  # None when the day is read-only
    outcome: Outcome | None
    next_text: str
    day: date
    # A save refused on a day the card cannot be edited on (nowhere else to show why).
    errors: list[str] = field(default_factory=list)
    # What to stop or take care with, from the exercise in the catalog.
    cautions: list[str] = field(default_factory=list)
    # How the harder or easier version the dose is at differs, from the catalog.
    version_how: str = ""
    # The first harder version's name, for a card at the exercise itself ("" when none).
    harder_version: str = ""
    # The logged pain when it is above the exercise's pain rule.
    warning: PainWarning | None = None
    # The amount logged, in words ("6 of 10 per side" when partial).
    amount_text: str = ""
    # The exercise's drawing (None for an exercise without poses).
    picture: ShownPicture | None = None
    # Photos and videos of the exercise: the catalog's and the runner's therapists' own.
    media: list[ExerciseMedia] = field(default_factory=list)

    @property
    def buttons(self) -> tuple[tuple[str, StrOrPromise], ...]:
        return CORRECTION_BUTTONS if self.log is not None else LOG_BUTTONS

    @property
    def item(self) -> PlanExercise:
        return self.due.plan_exercise

    @property
    def log(self) -> SessionLog | None:
        return self.due.log

    @property
    def anchor(self) -> str:
        return f"card-{self.item.pk}"

    @property
    def fields_shown(self) -> tuple[object, ...] | None:
        """Everything the fields of a form not yet sent show (each field's name, label, help,
        choices and value): the key its drawing is cached under, as a dozen widgets made most
        of the day page's server time. None for a sent form (its errors and values are drawn
        each time) or a read-only day."""
        if self.form is None or self.form.is_bound:
            return None
        return (
            self.form.prefix,
            tuple(
                (
                    name,
                    str(field.label),
                    str(field.help_text),
                    # As words, not lazy objects: the key is their text.
                    tuple(
                        (str(value), str(words)) for value, words in getattr(field, "choices", ())
                    ),
                    str(self.form.get_initial_for_field(field, name)),
                )
                for name, field in self.form.fields.items()
            ),
        )


def read_only_reason(plan: Plan, day: date, today: date, is_owner: bool) -> str:
    """Why nothing can be logged on this day, or "" when it can."""
    if not is_owner:
        return _("You are looking at %(name)s's day: only they can log it.") % {
            "name": shown_name(plan.user)
        }
    refused = daily.not_loggable(plan, day, today)
    if refused is None or refused.rule == "outside":
        # A day outside the plan shows no cards at all, and says so in their place.
        return ""
    return {
        "future": _("This day is still ahead: log it once it is done."),
        "too_old": _("This day is more than %(days)s days ago: too late to log or correct it.")
        % {"days": daily.LOG_WINDOW_DAYS},
    }.get(refused.rule, refused.message)


def timer_seconds(item: PlanExercise, amount: int) -> int:
    """How long the countdown runs: the dose itself for a held exercise, else each rep's hold."""
    if item.exercise.unit == Exercise.Unit.SECONDS:
        return amount
    return item.hold_seconds


def next_text(
    plan: Plan, item: PlanExercise, history: list[progression.SessionRecord], today: date
) -> str:
    ladder = ladders.ladder_of(item)
    current = ladders.dose_of(item)
    rules = ladders.rules_of(item)
    text = progression.describe_next_step(
        ladder,
        current,
        progression.next_step(
            ladder,
            current,
            item.dose_since,
            history,
            today,
            rules,
            decisions.expected_days(plan, item, today),
        ),
        rules,
    )
    if item.dose_since > today:
        return _("From %(day)s: %(dose)s. %(next)s") % {
            "day": day_words(item.dose_since),
            "dose": progression.describe(ladder, current),
            "next": text,
        }
    return text


def outcome_of(logged: sessions.Logged, today: date) -> Outcome:
    """What the engine did with the log just saved, in words: a stop, a new dose, or a hold
    with the engine's reason."""
    if logged.stopped:
        return Outcome(
            kind="stop",
            headline=_("Get help now")
            if logged.plan.stop_urgency == "emergency"
            else _("Stop the exercises and see a doctor"),
            reason=logged.plan.stop_reason,
            advice=logged.red_flag.advice if logged.red_flag else "",
        )
    item = logged.plan_exercise
    words = progression.describe(ladders.ladder_of(item), ladders.dose_of(item))
    change = logged.change
    if change is not None:
        # "from" with its day, as Spanish says "a partir de mañana" but "a partir del martes".
        since = (
            _("from tomorrow")
            if change.effective_on == today + timedelta(days=1)
            else _("from %(day)s") % {"day": day_words(change.effective_on)}
        )
        parts = {"dose": words, "since": since}
        headline = {
            DoseChange.Action.PROGRESS: _("Stepping up to %(dose)s %(since)s") % parts,
            DoseChange.Action.ADD_VARIATION: _("Next: %(dose)s %(since)s") % parts,
            DoseChange.Action.STEP_BACK: _("Stepping back to %(dose)s %(since)s") % parts,
        }.get(DoseChange.Action(change.action), _("%(dose)s %(since)s") % parts)
        return Outcome(kind=change.action, headline=headline, reason=change.reason)
    return Outcome(
        kind="hold", headline=_("Held at %(dose)s") % {"dose": words}, reason=logged.decision.reason
    )


def day_words(day: date) -> str:
    """A day as a sentence names it ("Tuesday 8 December", "martes 8 de diciembre"), in the
    active language's words and order."""
    # Translators: a Django date format (l = weekday, j = day, F = month); escape letters
    # that are words, as in "l j \d\e F".
    return dateformat.format(day, pgettext("weekday, day and month", "l j F"))


def history_by_item(plan: Plan, items: list[PlanExercise]) -> dict[int, list[Any]]:
    """Each exercise's logs since its current dose, as the engine reads them (one query)."""
    history: dict[int, list[progression.SessionRecord]] = defaultdict(list)
    if not items:
        return history
    since = min(item.dose_since for item in items)
    rows = plan.logs.filter(day__gte=since).values_list(
        "plan_exercise_id", "day", "done", "pain_during", "pain_next_morning", "partial"
    )
    for item_id, day, done, during, morning, partial in rows:
        history[item_id].append(
            progression.SessionRecord(day, done, during, morning, partial=partial)
        )
    return history


def log_form(
    card_item: PlanExercise,
    log: SessionLog | None,
    data: Any = None,
    files: Any = None,
) -> LogForm:
    initial: dict[str, Any] = {}
    if log is not None:
        initial = {
            "done": log.done,
            "amount_done": log.amount_done,
            "pain_during": log.pain_during,
            "difficulty": log.difficulty,
            "note": log.note,
            "run_minutes": round(Decimal(log.run_seconds) / 60, 1) if log.run_seconds else None,
            "distance_km": Decimal(log.distance_metres) / 1000
            if log.distance_metres is not None
            else None,
        }
    form = LogForm(
        data,
        files,
        prefix=f"ex{card_item.pk}",
        initial=initial,
        unit=card_item.exercise.unit,
    )
    # The exercise's own pain rule, in the words the engine's reasons use.
    form.fields["pain_during"].help_text = _(
        "0 is no pain, 10 the worst imaginable. %(advice)s"
    ) % {"advice": _(ladders.pain_rule_of(card_item).advice)}
    return form


def build_cards(
    plan: Plan,
    day_plan: daily.Day,
    today: date,
    editable: bool,
    viewer: access.Someone,
    bound: dict[int, LogForm] | None = None,
    outcomes: dict[int, Outcome] | None = None,
    history: dict[int, list[Any]] | None = None,
) -> list[Card]:
    """The day's cards; `history` is history_by_item's, when the caller read it already."""
    items = [due.plan_exercise for due in day_plan.exercises]
    steps: dict[int, list[str]] = defaultdict(list)
    for exercise_id, text in InstructionStep.objects.filter(
        exercise_id__in={item.exercise_id for item in items}
    ).values_list("exercise_id", "text"):
        steps[exercise_id].append(text)
    media: dict[int, list[ExerciseMedia]] = defaultdict(list)
    for one in (
        access.media_shown_with_plan(plan.user, viewer)
        .select_related("exercise")
        .filter(exercise_id__in={item.exercise_id for item in items})
    ):
        media[one.exercise_id].append(one)
    # A query only on a day some exercise is at another version than itself.
    versions = {(due.plan_exercise.exercise_id, due.version_key) for due in day_plan.exercises}
    version_how = (
        {
            (exercise_id, name): description
            for exercise_id, name, description in Variation.objects.filter(
                exercise_id__in={exercise_id for exercise_id, name in versions if name}
            ).values_list("exercise_id", "name_en", "description")
        }
        if any(name for _, name in versions)
        else {}
    )
    if history is None:
        history = history_by_item(plan, items) if day_plan.day == today else {}
    cards = []
    for due in day_plan.exercises:
        item = due.plan_exercise
        form = None
        if editable:
            form = (bound or {}).get(item.pk) or log_form(item, due.log)
        log = due.log
        ladder = ladders.ladder_of(item)
        cards.append(
            Card(
                due=due,
                steps=steps[item.exercise_id],
                # The plan's exercises come with their cautions and poses
                # (statements.EXERCISE_FIELDS): no query of the catalog again.
                cautions=list(item.exercise.cautions or []),
                picture=shown_picture(
                    item.exercise.slug,
                    item.exercise.name,
                    item.exercise.picture,
                    steps[item.exercise_id],
                ),
                media=media[item.exercise_id],
                version_how=version_how.get((item.exercise_id, due.version_key), ""),
                harder_version=ladder.version(1) if item.harder else "",
                timer_seconds=timer_seconds(item, due.amount),
                form=form,
                outcome=(outcomes or {}).get(item.pk),
                next_text=next_text(plan, item, history[item.pk], today)
                if day_plan.day == today
                else "",
                day=day_plan.day,
                # On a stopped plan the stop says what to do: no advice on dosing beside it.
                warning=pain_warning(ladders.pain_rule_of(item), log.pain_during)
                if log and plan.status != Plan.Status.STOPPED
                else None,
                amount_text=logged_amount(log, ladder, due.dose) if log else "",
            )
        )
    return cards


def warning_signs_of() -> list[RedFlag]:
    """The warning signs the day's question offers, most urgent first."""
    return list(RedFlag.objects.order_by("urgency", "sign"))
