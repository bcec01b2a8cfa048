"""A plan's day: exercise cards with the article's steps and the exact dose, a hold timer,
check-off with pain ratings saved in place, what the engine decided and what changes next, and
the next-morning pain question the day after a session.

The decisions are the services': logging goes through `sessions.log_session` (or
`correct_session` for a day already logged), the morning rating through
`sessions.record_morning_pain`, and "what changes next" through `progression.next_step`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.recording import record_view
from kit.web import signed_in
from planner import access
from planner.engine import progression
from planner.models import Plan, SessionLog
from planner.pages import app, charts
from planner.pages.common import SHOWN, add_domain_errors, is_htmx
from planner.pages.day_cards import (
    DaySignForm,
    LogForm,
    MorningForm,
    Outcome,
    build_cards,
    history_by_item,
    log_form,
    outcome_of,
    read_only_reason,
    warning_signs_of,
)
from planner.pages.progress import CHART_WIDTH
from planner.plans import check_in, daily, day_signs, runs, sessions
from planner.plans import outcomes as measures


def parse_day(raw: str) -> date:
    """A YYYY-MM-DD date from the address; anything else is a page that does not exist."""
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError as exc:
        raise Http404("Not a date.") from exc
    # A day page links the days either side: the first and the last date have none.
    if not date.min < day < date.max:
        raise Http404("No plan reaches that day.")
    return day


def morning_pain_awaited(
    plan: Plan, day: date, history: dict[int, list[progression.SessionRecord]] | None = None
) -> bool:
    """Whether yesterday has a completed session still waiting for its next-morning pain (the
    question asks once for all of them: whether, not which). Read from `history` (every log of
    the plan since its day's earliest dose, history_by_item) when that reaches yesterday: one
    query fewer on today's page."""
    yesterday = day - timedelta(days=1)
    # Complete for yesterday once it reaches back to it or further.
    if history is not None and any(
        row.day <= yesterday for rows in history.values() for row in rows
    ):
        return any(
            row.day == yesterday and row.done and row.pain_next_morning is None
            for rows in history.values()
            for row in rows
        )
    return plan.logs.filter(day=yesterday, done=True, pain_next_morning__isnull=True).exists()


def day_context(
    request: HttpRequest,
    plan: Plan,
    day: date,
    bound: dict[int, LogForm] | None = None,
    outcomes: dict[int, Outcome] | None = None,
    morning_form: MorningForm | None = None,
    sign_form: DaySignForm | None = None,
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
        "emergency_phone": settings.EMERGENCY_PHONE,
        # The pain chart beside the day (the progress page's, from the chart cache).
        "pain_chart_height": charts.height_for(1, CHART_WIDTH),
        # The weekly warning-sign check-in, offered on today's page to the runner.
        "check_in_due": is_owner and day == today and check_in.due(plan, timezone.now()),
        # The outcome questionnaires due (start, every two weeks, end), offered the same way.
        "questionnaires_due": (
            measures.due_now(plan, timezone.now()) if is_owner and day == today else []
        ),
        # A runner's own days are kept on their device from today on (nobody else's).
        "offline": (
            app.offline_of(request, plan, today)
            if is_owner and today <= day < today + timedelta(days=app.OFFLINE_DAYS)
            else None
        ),
    }
    try:
        day_plan = daily.plan_day(plan, day)
    except ValidationError as exc:
        context["outside"] = " ".join(exc.messages)
        context["read_only"] = ""
        return context
    editable = not context["read_only"]
    context["week"] = day_plan.week
    # Today's cards read the plan's logs since the day's earliest dose (what changes next):
    # the morning question below reads yesterday from them too.
    items = [due.plan_exercise for due in day_plan.exercises]
    history = history_by_item(plan, items) if day == today and items else None
    context["cards"] = build_cards(
        plan,
        day_plan,
        today,
        editable,
        request.user,
        bound=bound,
        outcomes=outcomes,
        history=history,
    )
    # Exercise-along counts repetitions: a walk-run is logged on its own card.
    context["along_open"] = any(
        card.due.log is None and not runs.is_walk_run(card.item) for card in context["cards"]
    )
    yesterday_within = day - timedelta(days=1) >= today - timedelta(days=daily.LOG_WINDOW_DAYS)
    # The warning-sign question, once for the day's session, wherever something can be logged.
    # A report refused (a day that cannot be logged) says why where it was asked.
    if sign_form is not None:
        context["sign_form"] = sign_form
    elif editable and context["cards"]:
        context["sign_form"] = DaySignForm(warning_signs=warning_signs_of())
    if (
        editable
        and yesterday_within
        and (morning_form is not None or morning_pain_awaited(plan, day, history))
    ):
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
    """Save one card: a new log, or a correction of the day's log. htmx gets the card back; a
    plain form post is redirected to the day (or gets the page again with the errors). A
    warning sign is the day's question, not a card's (report_sign)."""
    plan = access.own_plan(request.user, plan_id, related=SHOWN)
    the_day = parse_day(day)
    item = plan.exercises.select_related("exercise").filter(pk=item_id).first()
    if item is None:
        raise Http404("No such exercise in this plan.")
    now = timezone.now()
    log = SessionLog.objects.filter(plan_exercise=item, day=the_day).first()
    form = log_form(item, log, request.POST, request.FILES)
    outcome = None
    if form.is_valid():
        try:
            values = form.entry_values()
            if log is None:
                logged = sessions.log_session(
                    runner=request.user,
                    plan_id=plan.pk,
                    plan_exercise_id=item.pk,
                    day=the_day,
                    entry=sessions.Entry(**values),
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
    if card is None and plan.status == Plan.Status.STOPPED:
        # A stopped plan's day lists nothing to do: the card gives way to the stop itself,
        # also when another card of the page is saved after the stop.
        plan.refresh_from_db()
        return render(
            request,
            "pages/today/_stopped.html",
            {
                "item": item,
                "outcome": outcome,
                "plan": plan,
                "emergency_phone": settings.EMERGENCY_PHONE,
            },
        )
    if card is None:
        raise Http404("This exercise is not due on this day.")
    return render(request, "pages/today/_card.html", {**context, "card": card})


@login_required
@require_POST
def report_sign(request: HttpRequest, plan_id: int, day: str) -> HttpResponse:
    """The day's warning-sign question answered: the plan stops (day_signs.report) and the
    day page, loaded again, leads with what to do now. A plain form, htmx or not: the whole
    page changes."""
    plan = access.own_plan(request.user, plan_id, related=SHOWN)
    the_day = parse_day(day)
    form = DaySignForm(request.POST, warning_signs=warning_signs_of())
    if form.is_valid():
        try:
            day_signs.report(
                runner=request.user,
                plan_id=plan.pk,
                day=the_day,
                flag=form.sign(),
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_domain_errors(form, exc)
        else:
            return redirect(day_url(plan, the_day))
    context = day_context(request, plan, the_day, sign_form=form)
    return render(request, "pages/today/day.html", context)


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
    path("plans/<id:plan_id>/today/", plan_today, name="plan-today"),
    path("plans/<id:plan_id>/day/<str:day>/", plan_day, name="plan-day"),
    path(
        "plans/<id:plan_id>/day/<str:day>/exercises/<id:item_id>/",
        log_exercise,
        name="plan-day-log",
    ),
    path("plans/<id:plan_id>/day/<str:day>/morning/", morning_pain, name="plan-day-morning"),
    path("plans/<id:plan_id>/day/<str:day>/warning-sign/", report_sign, name="plan-day-sign"),
]
