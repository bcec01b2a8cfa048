"""A plan's progress: adherence calendar, dose over time, pain trend and dose history.

`progress_context` builds everything the charts block (`pages/progress/_panel.html`) shows, so
the therapist's patient page can include the same block. The charts are SVG images drawn by
`planner.pages.charts`, each served from its own address under the plan with the same access
check as the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from audit.recording import record_view
from exercises.models import Exercise
from kit.web import signed_in
from planner import access
from planner.engine import course, progression
from planner.models import DoseChange, Plan
from planner.names import shown_name
from planner.pages import chart_cache, charts
from planner.pages.common import SHOWN
from planner.plans import daily, ladders, progress_report
from planner.plans import outcomes as measures

CHART_WIDTH = 640  # the charts' <img> width attribute; CSS scales them to the screen

# How the calendar names each day's state: in words, never by colour alone.
DONE, PARTIAL, MISSED, DUE, REST, UPCOMING = "done", "partial", "missed", "due", "rest", "upcoming"
CALENDAR_LABELS: dict[str, StrOrPromise] = {
    DONE: gettext_lazy("Done"),
    PARTIAL: gettext_lazy("Partial"),
    MISSED: gettext_lazy("Missed"),
    DUE: gettext_lazy("Due today"),
    REST: gettext_lazy("Rest day"),
    UPCOMING: gettext_lazy("Upcoming"),
}
CALENDAR_MARKS = {DONE: "✓", PARTIAL: "◐", MISSED: "✗", DUE: "○", REST: "\u2013", UPCOMING: "·"}


@dataclass(frozen=True)
class CalendarDay:
    day: date
    state: str
    is_today: bool

    @property
    def label(self) -> str:
        return str(CALENDAR_LABELS[self.state])

    @property
    def mark(self) -> str:
        return CALENDAR_MARKS[self.state]


@dataclass(frozen=True)
class CalendarWeek:
    number: int
    days: list[CalendarDay]


def adherence_calendar(
    start: date,
    end: date,
    today: date,
    counted_through: date,
    due_days: set[date],
    completed: set[date],
    partial: set[date] | None = None,
) -> list[CalendarWeek]:
    """The plan's days as weeks of seven from its start: done, partial (every exercise done,
    some short of the dose), missed (due, counted, not complete), due today (not yet
    complete), rest (nothing due) or upcoming (not yet counted). `due_days` are the days
    anything was due up to `counted_through`, and for later days, anything will be."""
    partial = partial or set()
    weeks = []
    day = start
    number = 1
    while day <= end:
        days = []
        for _weekday in range(7):
            if day > end:
                break
            if day in completed:
                state = DONE
            elif day in partial:
                state = PARTIAL
            elif day == today and day in due_days and day <= counted_through:
                # Today is not missed while it lasts.
                state = DUE
            elif day > counted_through:
                state = UPCOMING if day in due_days else REST
            else:
                state = MISSED if day in due_days else REST
            days.append(CalendarDay(day, state, day == today))
            day += timedelta(days=1)
        weeks.append(CalendarWeek(number, days))
        number += 1
    return weeks


def calendar_shown(weeks: list[CalendarWeek]) -> tuple[tuple[str, str, bool], ...]:
    """Each day of the calendar as it is shown (date, state, whether today)."""
    return tuple(
        (day.day.isoformat(), day.state, day.is_today) for week in weeks for day in week.days
    )


@dataclass(frozen=True)
class HistoryRow:
    effective_on: date
    exercise: str
    action: str
    from_dose: str  # "" for the first dose, and when only something else changed
    to_dose: str
    reason: str
    decided_by: str
    # A therapist's change the dose does not show (a frequency, an exercise added or removed).
    what_changed: str = ""


def history_rows(changes: list[DoseChange]) -> list[HistoryRow]:
    """Every dose change, newest first, with doses in the words the cards use."""
    rows = []
    for change in reversed(changes):
        ladder = ladders.ladder_of(change.plan_exercise)
        before = (
            course.dose_text(
                ladder,
                progression.Dose(
                    change.old_amount, change.old_sets or ladder.sets, change.old_level
                ),
            )
            if change.old_amount is not None
            else ""
        )
        after = course.dose_text(
            ladder, progression.Dose(change.new_amount, change.new_sets, change.new_level)
        )
        rows.append(
            HistoryRow(
                effective_on=change.effective_on,
                exercise=change.plan_exercise.exercise.name,
                action=change.get_action_display(),
                # "1 set of 25 -> 1 set of 25" says nothing: the dose alone, then what changed.
                from_dose=before if before != after else "",
                to_dose=after,
                reason=change.reason,
                decided_by=shown_name(change.decided_by) if change.decided_by else _("the planner"),
                what_changed=change.what_changed,
            )
        )
    return rows


def unit_label(exercise: Exercise) -> str:
    if exercise.unit == Exercise.Unit.PHASES:
        return _("phase (1 to %(phases)s)") % {"phases": len(exercise.phases)}
    if exercise.unit == Exercise.Unit.SECONDS:
        return _("seconds per side, all sets") if exercise.per_side else _("seconds, all sets")
    return _("reps per side, all sets") if exercise.per_side else _("reps, all sets")


def chart_series(report: progress_report.Progress) -> tuple[list[charts.PainDay], list[Any]]:
    pain = [charts.PainDay(p.day, p.during, p.next_morning) for p in report.pain.points]
    doses = [
        charts.DoseSeries(
            name=one.item.exercise.name,
            unit=unit_label(one.item.exercise),
            steps=[
                charts.DoseStep(
                    p.effective_on,
                    p.amount * p.sets,
                    ladders.ladder_of(one.item).version(p.level),
                    p.dose,
                )
                for p in one.points
            ],
        )
        for one in report.doses
    ]
    return pain, doses


@dataclass(frozen=True)
class MeasureShown:
    """An outcome measure on the progress block: its series, chart inputs and alt text."""

    series: measures.Series
    points: list[charts.MeasurePoint]
    alt: str


def measure_points(series: measures.Series) -> list[charts.MeasurePoint]:
    return [charts.MeasurePoint(p.answer.answered_on, p.answer.total) for p in series.points]


def measures_shown(plan: Plan) -> list[MeasureShown]:
    """Each outcome measure of the plan, for the progress block (one query)."""
    shown = []
    for series in measures.series_of(measures.answers_of(plan)):
        points = measure_points(series)
        latest = series.latest
        meaningful = latest.change.meaningful if latest and latest.change else None
        alt = charts.measure_summary(series.name, points, series.maximum, meaningful)
        shown.append(MeasureShown(series, points, alt))
    return shown


def progress_context(plan: Plan, today: date) -> dict[str, Any]:
    """Everything the progress block shows, in three queries whatever the history's length
    (planner.plans.progress_report.load): exercises, dose changes, session logs."""
    loaded = progress_report.load(plan)
    report = progress_report.progress_of(
        plan, loaded.items, loaded.dose_records, loaded.logs, today
    )
    # Days ahead count as upcoming when an exercise will be due then.
    ahead = progress_report.due_by_day(
        plan, loaded.items, report.counted_through + timedelta(days=1), plan.projected_end
    )
    due_days = set(report.due) | set(ahead)
    pain, doses = chart_series(report)
    calendar = adherence_calendar(
        plan.start_date,
        plan.projected_end,
        today,
        report.counted_through,
        due_days,
        report.completed,
        report.partial,
    )
    return {
        "plan": plan,
        "today": today,
        "report": report,
        "calendar": calendar,
        # Everything the calendar shows, day by day: its drawing (a dozen template nodes a
        # day, the largest part of the page's server time) is cached under it (_panel.html).
        "calendar_shown": calendar_shown(calendar),
        "calendar_legend": [(CALENDAR_MARKS[s], CALENDAR_LABELS[s]) for s in CALENDAR_LABELS],
        "weekdays": [(plan.start_date + timedelta(days=n)) for n in range(7)],
        "pain_points": report.pain.points,
        "pain_alt": charts.pain_summary(pain, report.pain.limit),
        "dose_alt": charts.dose_summary(doses),
        "doses": report.doses,
        "history": history_rows(loaded.changes),
        "end_moved": plan.projected_end != plan.planned_end,
        "end_moved_by": (plan.projected_end - plan.planned_end).days,
        "measures": measures_shown(plan),
        "pain_chart_height": charts.height_for(1, CHART_WIDTH),
        "dose_chart_height": charts.height_for(len(doses), CHART_WIDTH),
    }


@login_required
def plan_progress(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.visible_plan(request.user, plan_id, related=SHOWN)
    context = progress_context(plan, daily.today_of(plan, timezone.now()))
    context["is_owner"] = plan.user_id == request.user.pk
    record_view(request.user, plan.user_id, f"plan {plan.pk} progress page")
    return render(request, "pages/progress/progress.html", context)


CHART_KINDS = ("pain", "dose", "lefs", "psfs")


@login_required
@require_GET
# matplotlib styles its SVG with a <style> element and style attributes: the chart's own
# policy allows inline styles and nothing else (no script of any kind), should anyone open the
# image directly rather than through the page's <img>.
@csp_replace(  # type: ignore[arg-type]
    {"default-src": ["'none'"], "script-src": ["'none'"], "style-src": ["'unsafe-inline'"]}
)
def plan_chart(request: HttpRequest, plan_id: int, kind: str) -> HttpResponse:
    if kind not in CHART_KINDS:
        raise Http404("No such chart.")
    plan = access.visible_plan(request.user, plan_id, related=SHOWN)
    viewer, now = signed_in(request).pk, timezone.now()
    today = daily.today_of(plan, now)
    first = plan.start_date
    last = min(max(today, first), plan.projected_end)
    # A measure's chart needs its answers only, not the sessions' report.
    if kind not in measures.MEASURES:
        loaded = progress_report.load(plan)
        report = progress_report.progress_of(
            plan, loaded.items, loaded.dose_records, loaded.logs, today
        )
        pain, doses = chart_series(report)
    # Drawn once per content (chart_cache): the arguments of the drawing are its key.
    try:
        if kind in measures.MEASURES:
            series = next(
                one for one in measures.series_of(measures.answers_of(plan)) if one.measure == kind
            )
            points = measure_points(series)
            svg = chart_cache.drawn(
                kind,
                (points, series.maximum, series.band, first, last),
                lambda: charts.measure_chart(
                    series.label, points, series.maximum, series.band, first, last
                ),
                viewer,
                now.timestamp(),
            )
        elif kind == "pain":
            limit = report.pain.limit
            svg = chart_cache.drawn(
                kind,
                (pain, limit, first, last),
                lambda: charts.pain_chart(pain, limit, first, last),
                viewer,
                now.timestamp(),
            )
        else:
            svg = chart_cache.drawn(
                kind,
                (doses, first, last),
                lambda: charts.dose_chart(doses, first, last),
                viewer,
                now.timestamp(),
            )
    except chart_cache.TooManyDrawings as refused:
        busy = HttpResponse(str(refused), status=429, content_type="text/plain")
        busy["Retry-After"] = str(refused.wait)
        return busy
    # The image can be opened on its own, so it is a look of its own, apart from the page's.
    record_view(request.user, plan.user_id, f"plan {plan.pk} {kind} chart")
    response = HttpResponse(svg, content_type="image/svg+xml")
    # Health data: only this person's browser may keep it.
    response["Cache-Control"] = "private, no-cache"
    return response


urlpatterns = [
    path("plans/<id:plan_id>/progress/", plan_progress, name="plan-progress"),
    path("plans/<id:plan_id>/charts/<str:kind>.svg", plan_chart, name="plan-chart"),
]
