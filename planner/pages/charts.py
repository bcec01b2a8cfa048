"""The progress charts, drawn on the server as SVG: series in, SVG text out, no ORM.

matplotlib is used through `matplotlib.figure.Figure` and its SVG canvas directly, never
pyplot: pyplot keeps global state that threads of one web process would share. It is imported
on first use, so a process that never draws a chart never pays for it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# The site's colours (planner/static/planner/site.css), so the charts read as part of the page.
INK = "#1d2433"
MUTED = "#4a5468"
BRAND = "#1f5f8b"
MORNING = "#7a4b00"
LIMIT = "#8a1c14"
GRID = "#d5dae3"

# Small figures with large type: a phone scales the image down to about 340 pixels wide, so
# a figure 4 inches (288 points) wide shows 11-point labels about 13 pixels high there, and
# the page keeps the image no wider than about 36rem on a desktop (site.css .chart-image).
WIDTH_INCHES = 4.0
ROW_INCHES = 2.0
TICK_SIZE = 11
LABEL_SIZE = 11
SMALL_SIZE = 10
# At most this many date labels fit along the x axis at a phone's width ("29 Nov" each).
MOST_DATE_TICKS = 5
# Steps between date labels, in days: whole days, then whole weeks.
TICK_STEPS = (1, 2, 3, 7, 14, 21, 28, 56, 84)


@dataclass(frozen=True)
class PainDay:
    day: date
    during: int | None
    next_morning: int | None


@dataclass(frozen=True)
class DoseStep:
    effective_on: date
    amount: int  # all sets of one session: sets x reps (or seconds)
    version: str  # the harder or easier version's name, "" for the exercise itself
    words: str  # the dose as the day's card says it, e.g. "2 sets of 15 per side"


@dataclass(frozen=True)
class DoseSeries:
    """One exercise's doses over time, oldest first."""

    name: str
    unit: str  # the y axis label, e.g. "reps per side, all sets"
    steps: Sequence[DoseStep]


@dataclass(frozen=True)
class MeasurePoint:
    """One answer of an outcome measure: its day and score."""

    day: date
    total: float


def _height_inches(rows: int) -> float:
    return ROW_INCHES * rows + 0.6


def height_for(rows: int, width: int) -> int:
    """The height an <img> of the chart with `rows` panels takes at `width`, so the page does
    not jump when the image arrives."""
    return round(width * _height_inches(max(1, rows)) / WIDTH_INCHES)


def _figure(rows: int = 1) -> Figure:
    import matplotlib
    from matplotlib.figure import Figure

    # The SVG's element ids come from this salt instead of a random one, so the same data
    # draws the same bytes. Set to one constant, so threads setting it at once agree.
    matplotlib.rcParams["svg.hashsalt"] = "rehab-planner"

    return Figure(figsize=(WIDTH_INCHES, _height_inches(rows)), layout="constrained")


def _svg(figure: Figure) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(figure)
    out = io.StringIO()
    # No date in the metadata: the same data draws the same bytes.
    figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def _style(axes: Axes) -> None:
    axes.grid(True, color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors=MUTED, labelsize=TICK_SIZE)


def _x(days: Sequence[date]) -> list[float]:
    from matplotlib.dates import date2num

    return [float(date2num(day)) for day in days]


def date_ticks(first: date, last: date) -> list[date]:
    """The days labelled along a chart from `first` to `last`: one label for one day, and for
    a longer span at most MOST_DATE_TICKS, a whole number of days or weeks apart, from the
    first day on, so that no two labels repeat a date or run into each other."""
    span = max(0, (last - first).days)
    fitting = [s for s in TICK_STEPS if span // s + 1 <= MOST_DATE_TICKS]
    # A plan longer than the steps listed: as many days apart as it takes.
    step = fitting[0] if fitting else -(-span // (MOST_DATE_TICKS - 1))
    return [first + timedelta(days=n) for n in range(0, span + 1, step)]


def _date_axis(axes: Axes, first: date, last: date) -> None:
    from matplotlib.ticker import FixedFormatter, FixedLocator

    low, high = _x([first, last])
    axes.set_xlim(low - 0.5, high + 0.5)
    ticks = date_ticks(first, last)
    axes.xaxis.set_major_locator(FixedLocator(_x(ticks)))
    # Translators: a Django date format for the charts' date axis (j = day, M = short month).
    tick_format = _("j M")
    axes.xaxis.set_major_formatter(
        FixedFormatter([dateformat.format(day, tick_format) for day in ticks])
    )
    axes.xaxis.set_minor_locator(FixedLocator([]))


def pain_chart(points: Sequence[PainDay], limit: int, first: date, last: date) -> str:
    """Pain during exercise and next morning per day, 0 to 10, with the limit drawn."""
    return _svg(pain_figure(points, limit, first, last))


def pain_figure(points: Sequence[PainDay], limit: int, first: date, last: date) -> Figure:
    """The pain chart's figure, before it is written as SVG."""
    figure = _figure()
    axes = figure.add_subplot()
    _style(axes)
    during = [(p.day, p.during) for p in points if p.during is not None]
    morning = [(p.day, p.next_morning) for p in points if p.next_morning is not None]
    axes.axhline(limit, color=LIMIT, linewidth=1.5, linestyle=(0, (6, 3)))
    axes.annotate(
        _("limit %(limit)s/10") % {"limit": limit},
        xy=(1, limit),
        xycoords=("axes fraction", "data"),
        xytext=(-2, 3),
        textcoords="offset points",
        ha="right",
        va="bottom",
        color=LIMIT,
        fontsize=SMALL_SIZE,
    )
    if during:
        axes.plot(
            _x([d for d, _ in during]),
            [v for _, v in during],
            color=BRAND,
            marker="o",
            linewidth=2,
            # Translators: the pain chart's legend, beside "Next morning": keep it short.
            label=pgettext("pain chart legend", "During exercise"),
        )
    if morning:
        axes.plot(
            _x([d for d, _ in morning]),
            [v for _, v in morning],
            color=MORNING,
            marker="s",
            linestyle="--",
            linewidth=1.5,
            label=pgettext("pain chart legend", "Next morning"),
        )
    axes.set_ylim(-0.3, 10.3)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel(_("Pain (0 to 10)"), color=INK, fontsize=LABEL_SIZE)
    _date_axis(axes, first, last)
    if during or morning:
        axes.legend(loc="upper left", fontsize=SMALL_SIZE, frameon=False, ncols=2)
    else:
        axes.text(
            0.5,
            0.5,
            _("No pain rated yet"),
            transform=axes.transAxes,
            ha="center",
            fontsize=LABEL_SIZE,
        )
    return figure


def dose_chart(series: Sequence[DoseSeries], first: date, last: date) -> str:
    """Each exercise's dose as steps over time, one panel per exercise (their units differ);
    days done at a harder or easier version are drawn dashed."""
    return _svg(dose_figure(series, first, last))


def dose_figure(series: Sequence[DoseSeries], first: date, last: date) -> Figure:
    """The dose chart's figure, before it is written as SVG."""
    rows = max(1, len(series))
    figure = _figure(rows)
    panels = figure.subplots(rows, 1, squeeze=False)
    for row, one in enumerate(series or [DoseSeries(_("No exercises"), "", [])]):
        axes = panels[row][0]
        _style(axes)
        axes.set_title(one.name, loc="left", fontsize=LABEL_SIZE, color=INK)
        axes.set_ylabel(one.unit, color=INK, fontsize=SMALL_SIZE)
        _date_axis(axes, first, last)
        steps = [s for s in one.steps if s.effective_on <= last]
        if not steps:
            continue
        # Each dose holds until the next one takes effect, or to the chart's end.
        ends = [s.effective_on for s in steps[1:]] + [max(last, steps[-1].effective_on)]
        for step, end in zip(steps, ends, strict=True):
            axes.plot(
                _x([max(step.effective_on, first), max(end, first)]),
                [step.amount, step.amount],
                color=MORNING if step.version else BRAND,
                linewidth=2.5,
                linestyle="--" if step.version else "-",
            )
        axes.plot(
            _x([max(s.effective_on, first) for s in steps]),
            [s.amount for s in steps],
            linestyle="none",
            marker="o",
            color=BRAND,
        )
        high = max(s.amount for s in steps)
        axes.set_ylim(0, high * 1.25 + 1)
        # Whole numbers only: half a rep, or half a walk-run phase, is no dose.
        axes.yaxis.get_major_locator().set_params(integer=True)
        versions = sorted({s.version for s in steps if s.version})
        if versions:
            from matplotlib.lines import Line2D

            axes.legend(
                handles=[
                    Line2D([], [], color=BRAND, linewidth=2.5, label=_("The exercise itself")),
                    Line2D(
                        [],
                        [],
                        color=MORNING,
                        linewidth=2.5,
                        linestyle="--",
                        label=versions[0] if len(versions) == 1 else _("Another version"),
                    ),
                ],
                loc="lower right",
                fontsize=SMALL_SIZE,
                frameon=False,
            )
    return figure


# --- The gist of each chart in words, for its alt text ----------------------------------------


def measure_chart(
    label: str, points: Sequence[MeasurePoint], maximum: int, band: float, first: date, last: date
) -> str:
    """An outcome measure's scores over time, with the band of changes too small to matter
    around the first answer shaded: a point outside it is a meaningful change."""
    return _svg(measure_figure(label, points, maximum, band, first, last))


def measure_figure(
    label: str, points: Sequence[MeasurePoint], maximum: int, band: float, first: date, last: date
) -> Figure:
    """The measure chart's figure, before it is written as SVG."""
    figure = _figure()
    axes = figure.add_subplot()
    _style(axes)
    if points:
        start = points[0].total
        low, high = max(0.0, start - band), min(float(maximum), start + band)
        axes.axhspan(low, high, color=GRID, alpha=0.6, linewidth=0)
        axes.annotate(
            _("change under %(band)s: not yet meaningful") % {"band": f"{band:g}"},
            xy=(0, high),
            xycoords=("axes fraction", "data"),
            xytext=(3, 3),
            textcoords="offset points",
            ha="left",
            va="bottom",
            color=MUTED,
            fontsize=SMALL_SIZE,
        )
        axes.plot(
            _x([p.day for p in points]),
            [p.total for p in points],
            color=BRAND,
            marker="o",
            linewidth=2,
        )
    else:
        axes.text(0.5, 0.5, _("Not answered yet"), transform=axes.transAxes, ha="center")
    margin = maximum / 30
    axes.set_ylim(-margin, maximum + margin)
    axes.set_ylabel(
        _("%(label)s (0 to %(maximum)s)") % {"label": label, "maximum": maximum},
        color=INK,
        fontsize=LABEL_SIZE,
    )
    _date_axis(axes, first, max(last, points[-1].day if points else last))
    return figure


def measure_summary(
    name: str, points: Sequence[MeasurePoint], maximum: int, meaningful: bool | None
) -> str:
    """The chart's alt text: the scores in words and whether the change is meaningful."""
    if not points:
        return _("%(name)s chart: not answered yet.") % {"name": name}
    first, latest = points[0], points[-1]
    parts = {
        "name": name,
        "first": f"{first.total:g}",
        "maximum": maximum,
        "latest": f"{latest.total:g}",
        "count": len(points),
    }
    if len(points) == 1:
        return _("%(name)s: %(first)s of %(maximum)s at the first answer.") % parts
    if meaningful:
        return (
            _(
                "%(name)s: %(first)s of %(maximum)s at the first answer, %(latest)s at the "
                "latest (%(count)s answers): a meaningful change."
            )
            % parts
        )
    return (
        _(
            "%(name)s: %(first)s of %(maximum)s at the first answer, %(latest)s at the "
            "latest (%(count)s answers): not yet a meaningful change."
        )
        % parts
    )


def pain_summary(points: Sequence[PainDay], limit: int) -> str:
    rated = [p for p in points if p.during is not None]
    mornings = [p for p in points if p.next_morning is not None]
    if not rated and not mornings:
        return _("Pain chart: no pain rated yet.")
    parts = []
    if rated:
        within = sum(1 for p in rated if p.during is not None and p.during <= limit)
        last = rated[-1].during
        parts.append(
            ngettext(
                "Pain during exercise stayed at or under %(limit)s/10 on %(within)s of "
                "%(days)s day; last %(last)s/10",
                "Pain during exercise stayed at or under %(limit)s/10 on %(within)s of "
                "%(days)s days; last %(last)s/10",
                len(rated),
            )
            % {"limit": limit, "within": within, "days": len(rated), "last": last}
        )
    if mornings:
        parts.append(_("next-morning pain last %(pain)s/10") % {"pain": mornings[-1].next_morning})
    return "; ".join(parts) + "."


def dose_summary(series: Sequence[DoseSeries]) -> str:
    parts = []
    for one in series:
        if not one.steps:
            continue
        first, last = one.steps[0], one.steps[-1]
        if first.words == last.words:
            parts.append(
                _("%(exercise)s stayed at %(dose)s") % {"exercise": one.name, "dose": first.words}
            )
        else:
            parts.append(
                _("%(exercise)s went from %(first)s to %(last)s")
                % {"exercise": one.name, "first": first.words, "last": last.words}
            )
    if not parts:
        return _("Dose chart: no doses yet.")
    return _("Dose over time: %(doses)s.") % {"doses": "; ".join(parts)}
