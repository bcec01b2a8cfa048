"""The progress charts: SVG drawn from plain series, and the gist of each in words."""

from __future__ import annotations

import itertools
import threading
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date, timedelta

from matplotlib.figure import Figure

from planner.pages.charts import (
    DoseSeries,
    DoseStep,
    MeasurePoint,
    PainDay,
    date_ticks,
    dose_chart,
    dose_figure,
    dose_summary,
    height_for,
    measure_chart,
    measure_summary,
    pain_chart,
    pain_figure,
    pain_summary,
)

START = date(2026, 3, 2)


def pain_days(values: list[tuple[int | None, int | None]]) -> list[PainDay]:
    return [PainDay(START + timedelta(days=n), d, m) for n, (d, m) in enumerate(values)]


SHELLS = DoseSeries(
    "Clamshells",
    "reps per side",
    [
        DoseStep(START, 10, False, "10 per side"),
        DoseStep(START + timedelta(days=8), 15, False, "15 per side"),
    ],
)


def test_the_pain_gist_counts_days_within_the_limit_and_gives_the_last() -> None:
    points = pain_days([(2, None), (6, 3), (4, None), (3, 2)])
    assert pain_summary(points, 5) == (
        "Pain during exercise stayed at or under 5/10 on 3 of 4 days; last 3/10; "
        "next-morning pain last 2/10."
    )


def test_the_pain_gist_without_ratings_says_so() -> None:
    assert pain_summary([], 5) == "Pain chart: no pain rated yet."
    assert pain_summary(pain_days([(None, 4)]), 5) == "next-morning pain last 4/10."


def test_the_dose_gist_says_where_each_exercise_went() -> None:
    stretch = DoseSeries(
        "Piriformis stretch", "seconds per side", [DoseStep(START, 10, False, "10 s per side")]
    )
    empty = DoseSeries("Bridges", "reps", [])
    assert dose_summary([SHELLS, stretch, empty]) == (
        "Dose over time: Clamshells went from 10 per side to 15 per side; "
        "Piriformis stretch stayed at 10 s per side."
    )
    assert dose_summary([empty]) == "Dose chart: no doses yet."


def test_the_pain_chart_is_svg_with_the_limit_drawn() -> None:
    svg = pain_chart(pain_days([(2, 1), (6, 3)]), 5, START, START + timedelta(days=6))
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # matplotlib keeps each text as a comment beside its glyph paths.
    assert "limit 5/10" in svg
    assert "During exercise" in svg and "Next morning" in svg
    assert "<script" not in svg


def test_the_dose_chart_has_a_panel_per_exercise() -> None:
    stretch = DoseSeries("Piriformis stretch", "seconds per side", [])
    svg = dose_chart([SHELLS, stretch], START, START + timedelta(days=20))
    ET.fromstring(svg)
    assert "Clamshells" in svg and "Piriformis stretch" in svg


def test_the_same_data_draws_the_same_svg_even_from_several_threads() -> None:
    points = pain_days([(2, 1), (3, 2)])
    last = START + timedelta(days=3)
    expected = pain_chart(points, 5, START, last)
    drawn: list[str] = []
    threads = [
        threading.Thread(target=lambda: drawn.append(pain_chart(points, 5, START, last)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert drawn == [expected] * 4


def svg_aspect(svg: str) -> float:
    root = ET.fromstring(svg)
    return float(root.attrib["height"].removesuffix("pt")) / float(
        root.attrib["width"].removesuffix("pt")
    )


def test_the_img_size_the_page_gives_matches_the_drawn_chart() -> None:
    last = START + timedelta(days=9)
    one = dose_chart([SHELLS], START, last)
    two = dose_chart([SHELLS, SHELLS], START, last)
    assert abs(height_for(1, 640) / 640 - svg_aspect(one)) < 0.01
    assert abs(height_for(2, 640) / 640 - svg_aspect(two)) < 0.01
    assert height_for(2, 640) > height_for(1, 640) == height_for(0, 640)


def test_a_measure_chart_is_svg_with_the_meaningful_change_band() -> None:
    points = [MeasurePoint(START, 40), MeasurePoint(START + timedelta(days=14), 52)]

    svg = measure_chart("LEFS", points, 80, 9, START, START + timedelta(days=42))

    ET.fromstring(svg)  # well-formed
    assert "change under 9: not yet meaningful" in svg
    assert "LEFS (0 to 80)" in svg


def test_a_measure_chart_without_answers_says_so() -> None:
    svg = measure_chart("PSFS mean", [], 10, 2, START, START + timedelta(days=42))
    assert "Not answered yet" in svg


def test_the_measure_gist_says_where_the_score_went_and_whether_it_matters() -> None:
    points = [MeasurePoint(START, 40), MeasurePoint(START + timedelta(days=14), 52)]
    name = "Lower Extremity Functional Scale"

    assert measure_summary(name, points, 80, True) == (
        "Lower Extremity Functional Scale: 40 of 80 at the first answer, 52 at the latest "
        "(2 answers): a meaningful change."
    )
    assert measure_summary(name, points[:1], 80, None).endswith("40 of 80 at the first answer.")
    assert measure_summary(name, [], 80, None) == (
        "Lower Extremity Functional Scale chart: not answered yet."
    )


# --- Date labels a person can read: never repeated, never run into each other -----------------


def date_labels(figure: Figure) -> list[tuple[str, tuple[float, float]]]:
    """Each axis's date labels as drawn: the text and its left and right edge in pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    labels = []
    for axes in figure.axes:
        for label in axes.get_xticklabels():
            if label.get_visible() and label.get_text():
                box = label.get_window_extent(renderer)
                labels.append((label.get_text(), (box.x0, box.x1)))
    return labels


def readable(labels: Sequence[tuple[str, tuple[float, float]]]) -> None:
    texts = [text for text, _ in labels]
    assert len(texts) == len(set(texts)), f"a date repeats: {texts}"
    edges = sorted(box for _, box in labels)
    for (_, right), (left, _) in itertools.pairwise(edges):
        assert right < left, f"two dates overlap: {texts}"


def test_one_day_of_pain_has_one_date_label() -> None:
    day = date(2026, 12, 5)
    labels = date_labels(pain_figure([PainDay(day, 3, None)], 5, day, day))
    assert [text for text, _ in labels] == ["5 Dec"]


def test_four_weeks_of_pain_have_a_few_dates_none_repeated_or_overlapping() -> None:
    first = date(2026, 11, 16)
    last = first + timedelta(days=27)
    points = [PainDay(first + timedelta(days=n), n % 6, None) for n in range(28)]
    labels = date_labels(pain_figure(points, 5, first, last))
    assert 3 <= len(labels) <= 5
    readable(labels)
    # The month turns in the span: both months are named.
    texts = " ".join(text for text, _ in labels)
    assert "Nov" in texts and "Dec" in texts


def test_the_dose_panels_label_their_dates_readably_for_any_span() -> None:
    for days in (0, 1, 2, 6, 13, 27, 41, 83, 200):
        last = START + timedelta(days=days)
        readable(date_labels(dose_figure([SHELLS], START, last)))


def test_date_labels_are_spaced_by_whole_days_or_weeks() -> None:
    assert date_ticks(START, START) == [START]
    assert date_ticks(START, START + timedelta(days=3)) == [
        START + timedelta(days=n) for n in range(4)
    ]
    four_weeks = date_ticks(START, START + timedelta(days=27))
    assert [(b - a).days for a, b in itertools.pairwise(four_weeks)] == [7, 7, 7]
    assert len(date_ticks(START, START + timedelta(days=400))) <= 5
