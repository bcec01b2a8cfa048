"""A plan's day: exercise cards with the article's steps and the exact dose, a hold timer,
check-off with pain ratings saved in place, what the engine decided and what changes next, and
the next-morning pain question the day after a session.

The decisions are the services': logging goes through `sessions.log_session` (or
`correct_session` for a day already logged), the morning rating through
`sessions.record_morning_pain`, and "what changes next" through `progression.next_step`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.recording import record_view
from conditions.models import RedFlag
from exercises.models import Exercise, InstructionStep
from kit.web import signed_in
from planner import access
from planner.engine import progression
from planner.models import DoseChange, Plan, PlanExercise, SessionLog
from planner.pages.common import SHOWN, add_domain_errors
from planner.plans import daily, decisions, ladders, sessions

PAIN_HELP = (
    "0 is no pain, 10 the worst imaginable. Up to 5 is acceptable if it has settled by the "
    "next morning."
)


def pain_choices(empty: str | None) -> list[tuple[str, str]]:
    labels = {0: "0: no pain", 5: "5: the limit", 10: "10: worst imaginable"}
    scale = [(str(n), labels.get(n, str(n))) for n in range(11)]
    return [("", empty), *scale] if empty is not None else scale


class LogForm(forms.Form):
    """One exercise's log for one day; the service checks the rest (ranges, window)."""

    done = forms.BooleanField(required=False, initial=True, label="Done")
    amount_done = forms.IntegerField(required=False, min_value=0)
    pain_during = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=pain_choices("Not rated"),
        label="Pain during (0 to 10)",
        help_text=PAIN_HELP,
    )
    difficulty = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Not rated"), *SessionLog.Difficulty.choices],
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    red_flag = forms.ChoiceField(
        required=False,
        label="A warning sign?",
        help_text="Only if you noticed one: it stops the plan and says whom to see.",
    )

    def __init__(
        self, *args: Any, unit: str, warning_signs: list[RedFlag], logged: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount_done"].label = (
            "Seconds held" if unit == Exercise.Unit.SECONDS else "Reps per set done"
        )
        self.fields["amount_done"].help_text = "Leave empty if you did the whole dose."
        if logged:
            # A warning sign is reported with a new log; a correction changes the numbers only.
            del self.fields["red_flag"]
        else:
            self.fields["red_flag"].choices = [  # type: ignore[attr-defined]
                ("", "None"),
                *((flag.slug, flag.sign) for flag in warning_signs),
            ]


class MorningForm(forms.Form):
    pain_next_morning = forms.TypedChoiceField(
        coerce=int,
        choices=pain_choices("Choose"),
        label="Pain this morning (0 to 10)",
        help_text="It should be no worse than the morning before.",
    )


@dataclass(frozen=True)
class Outcome:
    """What the engine decided after a save, in words for the card."""

    kind: str  # progress, add_variation, hold, step_back, stop
    headline: str
    reason: str
    advice: str = ""  # the warning sign's advice from the article, when the plan stopped


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

    @property
    def item(self) -> PlanExercise:
        return self.due.plan_exercise

    @property
    def log(self) -> SessionLog | None:
        return self.due.log

    @property
    def anchor(self) -> str:
        return f"card-{self.item.pk}"


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets request.htmx)."""
    return bool(getattr(request, "htmx", False))


def parse_day(raw: str) -> date:
    """A YYYY-MM-DD date from the address; anything else is a page that does not exist."""
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError as exc:
        raise Http404("Not a date.") from exc


def read_only_reason(plan: Plan, day: date, today: date, is_owner: bool) -> str:
    """Why nothing can be logged on this day, or "" when it can."""
    if not is_owner:
        return f"You are looking at {plan.user.username}'s day: only they can log it."
    refused = daily.not_loggable(plan, day, today)
    if "plan" in refused:
        return refused["plan"]
    if day > today:
        return "This day is still ahead: log it once it is done."
    if day < today - timedelta(days=daily.LOG_WINDOW_DAYS):
        return (
            f"This day is more than {daily.LOG_WINDOW_DAYS} days ago: too late to log or "
            "correct it."
        )
    return ""


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
        return f"From {item.dose_since:%A %-d %B}: {progression.describe(ladder, current)}. {text}"
    return text


def outcome_of(logged: sessions.Logged, today: date) -> Outcome:
    """What the engine did with the log just saved, in words: a stop, a new dose, or a hold
    with the engine's reason."""
    if logged.stopped:
        return Outcome(
            kind="stop",
            headline="Stop the exercises and see a doctor",
            reason=logged.plan.stop_reason,
            advice=logged.red_flag.advice if logged.red_flag else "",
        )
    item = logged.plan_exercise
    words = progression.describe(ladders.ladder_of(item), ladders.dose_of(item))
    change = logged.change
    if change is not None:
        when = (
            "tomorrow"
            if change.effective_on == today + timedelta(days=1)
            else (f"{change.effective_on:%A %-d %B}")
        )
        headline = {
            DoseChange.Action.PROGRESS: f"Stepping up to {words} from {when}",
            DoseChange.Action.ADD_VARIATION: f"Next: {words} from {when}",
            DoseChange.Action.STEP_BACK: f"Stepping back to {words} from {when}",
        }.get(DoseChange.Action(change.action), f"{words} from {when}")
        return Outcome(kind=change.action, headline=headline, reason=change.reason)
    return Outcome(kind="hold", headline=f"Held at {words}", reason=logged.decision.reason)


def history_by_item(plan: Plan, items: list[PlanExercise]) -> dict[int, list[Any]]:
    """Each exercise's logs since its current dose, as the engine reads them (one query)."""
    history: dict[int, list[progression.SessionRecord]] = defaultdict(list)
    if not items:
        return history
    since = min(item.dose_since for item in items)
    rows = plan.logs.filter(day__gte=since).values_list(
        "plan_exercise_id", "day", "done", "pain_during", "pain_next_morning"
    )
    for item_id, day, done, during, morning in rows:
        history[item_id].append(progression.SessionRecord(day, done, during, morning))
    return history


def log_form(
    card_item: PlanExercise,
    log: SessionLog | None,
    warning_signs: list[RedFlag],
    data: Any = None,
) -> LogForm:
    initial = {}
    if log is not None:
        initial = {
            "done": log.done,
            "amount_done": log.amount_done,
            "pain_during": log.pain_during,
            "difficulty": log.difficulty,
            "note": log.note,
        }
    return LogForm(
        data,
        prefix=f"ex{card_item.pk}",
        initial=initial,
        unit=card_item.exercise.unit,
        warning_signs=warning_signs,
        logged=log is not None,
    )


def build_cards(
    plan: Plan,
    day_plan: daily.Day,
    today: date,
    editable: bool,
    bound: dict[int, LogForm] | None = None,
    outcomes: dict[int, Outcome] | None = None,
) -> list[Card]:
    items = [due.plan_exercise for due in day_plan.exercises]
    steps: dict[int, list[str]] = defaultdict(list)
    for exercise_id, text in InstructionStep.objects.filter(
        exercise_id__in={item.exercise_id for item in items}
    ).values_list("exercise_id", "text"):
        steps[exercise_id].append(text)
    warning_signs = list(RedFlag.objects.order_by("urgency", "sign")) if editable else []
    history = history_by_item(plan, items) if day_plan.day == today else {}
    cards = []
    for due in day_plan.exercises:
        item = due.plan_exercise
        form = None
        if editable:
            form = (bound or {}).get(item.pk) or log_form(item, due.log, warning_signs)
        cards.append(
            Card(
                due=due,
                steps=steps[item.exercise_id],
                timer_seconds=timer_seconds(item, due.amount),
                form=form,
                outcome=(outcomes or {}).get(item.pk),
                next_text=next_text(plan, item, history[item.pk], today)
                if day_plan.day == today
                else "",
                day=day_plan.day,
            )
        )
    return cards


def morning_logs(plan: Plan, day: date) -> list[SessionLog]:
    """Yesterday's completed sessions still waiting for their next-morning pain."""
    return list(
        plan.logs.filter(
            day=day - timedelta(days=1), done=True, pain_next_morning__isnull=True
        ).select_related("plan_exercise__exercise")
    )


def day_context(
    request: HttpRequest,
    plan: Plan,
    day: date,
    bound: dict[int, LogForm] | None = None,
    outcomes: dict[int, Outcome] | None = None,
    morning_form: MorningForm | None = None,
) -> dict[str, Any]:
    today = daily.today_of(plan, timezone.now())
    is_owner = plan.user_id == signed_in(request).pk
    context: dict[str, Any] = {
        "plan": plan,
        "day": day,
        "today": today,
        "is_today": day == today,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "is_owner": is_owner,
        "cards": [],
        "outside": "",
        "read_only": read_only_reason(plan, day, today, is_owner),
        "morning_form": None,
    }
    try:
        day_plan = daily.plan_day(plan, day)
    except ValidationError as exc:
        context["outside"] = " ".join(exc.messages)
        context["read_only"] = ""
        return context
    editable = not context["read_only"]
    context["week"] = day_plan.week
    context["cards"] = build_cards(plan, day_plan, today, editable, bound, outcomes)
    yesterday_within = day - timedelta(days=1) >= today - timedelta(days=daily.LOG_WINDOW_DAYS)
    if editable and yesterday_within and (morning_form is not None or morning_logs(plan, day)):
        context["morning_form"] = morning_form or MorningForm(prefix="morning")
    return context


def flashed_outcomes(request: HttpRequest, day: date) -> dict[int, Outcome]:
    """The decision saved by a form sent without JavaScript, shown once after its redirect."""
    saved = request.session.pop("day_outcome", None)
    if not saved or saved.get("day") != day.isoformat():
        return {}
    return {int(saved["item"]): Outcome(**saved["outcome"])}


@login_required
def plan_today(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.visible_plan(request.user, plan_id, related=SHOWN)
    return redirect(
        "plan-day", plan_id=plan.pk, day=daily.today_of(plan, timezone.now()).isoformat()
    )


@login_required
def plan_day(request: HttpRequest, plan_id: int, day: str) -> HttpResponse:
    plan = access.visible_plan(request.user, plan_id, related=SHOWN)
    the_day = parse_day(day)
    record_view(request.user, plan.user_id, f"plan {plan.pk} day {the_day.isoformat()} page")
    context = day_context(request, plan, the_day, outcomes=flashed_outcomes(request, the_day))
    return render(request, "pages/today/day.html", context)


def day_url(plan: Plan, day: date, anchor: str = "") -> str:
    url = reverse("plan-day", kwargs={"plan_id": plan.pk, "day": day.isoformat()})
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_POST
def log_exercise(request: HttpRequest, plan_id: int, day: str, item_id: int) -> HttpResponse:
    """Save one card: a new log, or a correction of the day's log. htmx gets the card back;
    a plain form post is redirected to the day (or gets the page again with the errors)."""
    plan = access.own_plan(request.user, plan_id, related=SHOWN)
    the_day = parse_day(day)
    item = plan.exercises.select_related("exercise").filter(pk=item_id).first()
    if item is None:
        raise Http404("No such exercise in this plan.")
    now = timezone.now()
    log = SessionLog.objects.filter(plan_exercise=item, day=the_day).first()
    warning_signs = list(RedFlag.objects.order_by("urgency", "sign")) if log is None else []
    form = log_form(item, log, warning_signs, request.POST)
    outcome = None
    if form.is_valid():
        values = dict(form.cleaned_data)
        flag_slug = values.pop("red_flag", "")
        try:
            if log is None:
                logged = sessions.log_session(
                    runner=request.user,
                    plan_id=plan.pk,
                    plan_exercise_id=item.pk,
                    day=the_day,
                    entry=sessions.Entry(
                        red_flag=next((f for f in warning_signs if f.slug == flag_slug), None),
                        **values,
                    ),
                    now=now,
                )
            else:
                logged = sessions.correct_session(
                    runner=request.user, plan_id=plan.pk, log_id=log.pk, changes=values, now=now
                )
        except ValidationError as exc:
            add_domain_errors(form, exc)
        else:
            outcome = outcome_of(logged, daily.today_of(plan, now))
            plan = logged.plan
    if outcome is not None and not is_htmx(request):
        request.session["day_outcome"] = {
            "day": the_day.isoformat(),
            "item": item.pk,
            "outcome": outcome.__dict__,
        }
        return redirect(day_url(plan, the_day, f"card-{item.pk}"))
    bound = {} if outcome is not None else {item.pk: form}
    outcomes = {item.pk: outcome} if outcome is not None else {}
    context = day_context(request, plan, the_day, bound=bound, outcomes=outcomes)
    card = next((c for c in context["cards"] if c.item.pk == item.pk), None)
    if card is not None and card.form is None:
        card.errors = [message for messages in form.errors.values() for message in messages]
    if not is_htmx(request):
        return render(request, "pages/today/day.html", context)
    if card is None:
        raise Http404("This exercise is not due on this day.")
    return render(request, "pages/today/_card.html", {**context, "card": card})


@login_required
@require_POST
def morning_pain(request: HttpRequest, plan_id: int, day: str) -> HttpResponse:
    """Yesterday's sessions get this morning's pain, all of them or none."""
    plan = access.own_plan(request.user, plan_id, related=SHOWN)
    the_day = parse_day(day)
    now = timezone.now()
    form = MorningForm(request.POST, prefix="morning")
    recorded: list[Outcome] = []
    if form.is_valid():
        try:
            logged = sessions.record_morning_pain(
                runner=request.user,
                plan_id=plan.pk,
                day=the_day - timedelta(days=1),
                pain_next_morning=form.cleaned_data["pain_next_morning"],
                now=now,
            )
        except ValidationError as exc:
            add_domain_errors(form, exc)
        else:
            today = daily.today_of(plan, now)
            recorded = [outcome_of(one, today) for one in logged]
    if form.is_valid() and not form.errors and not is_htmx(request):
        return redirect(day_url(plan, the_day))
    context = {
        "plan": plan,
        "day": the_day,
        "morning_form": form if form.errors else None,
        "morning_done": form.cleaned_data.get("pain_next_morning") if not form.errors else None,
        "morning_outcomes": recorded,
    }
    if is_htmx(request):
        return render(request, "pages/today/_morning.html", context)
    return render(
        request, "pages/today/day.html", day_context(request, plan, the_day, morning_form=form)
    )


urlpatterns = [
    path("plans/<int:plan_id>/today/", plan_today, name="plan-today"),
    path("plans/<int:plan_id>/day/<str:day>/", plan_day, name="plan-day"),
    path(
        "plans/<int:plan_id>/day/<str:day>/exercises/<int:item_id>/",
        log_exercise,
        name="plan-day-log",
    ),
    path("plans/<int:plan_id>/day/<str:day>/morning/", morning_pain, name="plan-day-morning"),
]
