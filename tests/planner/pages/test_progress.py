"""The progress page: adherence calendar, charts with their gist in words, the dose history
with its reasons, the projected end; who may see it, and its query count.

Rosa's plan (tests/personas.py) starts on Monday 2 March 2026 and runs six weeks, so all of
its days have passed: the calendar below does not move with the clock.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from planner.engine import schedule
from planner.models import Plan, PlanExercise, SessionLog
from planner.pages import chart_cache, charts
from planner.plans import daily, decisions, tailoring
from tests import factories
from tests.personas import PLAN_START

pytestmark = pytest.mark.django_db


CHARTS = ("pain", "dose")


def day(n: int) -> date:
    return PLAN_START + timedelta(days=n)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def item(plan: Plan, slug: str) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug=slug)


def log(plan: Plan, n: int, pain: int = 2, morning: int | None = None) -> None:
    SessionLog.objects.create(
        plan=plan,
        plan_exercise=item(plan, "clamshells"),
        day=day(n),
        done=True,
        pain_during=pain,
        pain_next_morning=morning,
    )


def cell(page: str, n: int) -> str:
    marker = f'data-day="{day(n).isoformat()}" data-state="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_the_calendar_shows_done_missed_and_rest_days_in_words(people) -> None:
    plan = people.rosa_plan
    log(plan, 0)
    log(plan, 2)

    page = signed_in(people.rosa).get(f"/plans/{plan.pk}/progress/").content.decode()

    assert [cell(page, n) for n in range(3)] == ["done", "missed", "done"]
    assert "Monday 2 March: Done" in page and "Tuesday 3 March: Missed" in page
    assert "Rest day" in page and "Upcoming" in page  # the legend names every state
    # Week 2: the stretch is due every other day, so a day with only clamshells done is missed.
    log(plan, 8)
    page = signed_in(people.rosa).get(f"/plans/{plan.pk}/progress/").content.decode()
    assert cell(page, 8) == "missed"


def test_the_charts_have_their_gist_as_alt_text_and_a_table(people) -> None:
    plan = people.rosa_plan
    log(plan, 0, pain=3, morning=1)
    log(plan, 1, pain=6)
    log(plan, 2, pain=2)

    page = signed_in(people.rosa).get(f"/plans/{plan.pk}/progress/").content.decode()

    assert f'src="/plans/{plan.pk}/charts/pain.svg"' in page
    assert (
        'alt="Pain during exercise stayed at or under 5/10 on 2 of 3 days; last 2/10; '
        'next-morning pain last 1/10."' in page
    )
    assert (
        'alt="Dose over time: Clamshells stayed at 1 set of 10 per side; '
        'Piriformis stretch stayed at 1 set of 10 s per side."' in page
    )
    assert "<td>Tue 3 Mar</td><td>6/10</td><td>not rated</td>" in page


def test_the_dose_history_says_why_and_who_decided_and_the_end_moved(people) -> None:
    plan = people.rosa_plan
    shells = item(plan, "clamshells")
    decisions.override_dose(
        now=timezone.now(),
        plan_exercise=shells,
        amount=15,
        therapist=people.theo,
        effective_on=day(7),
        reason="Easy so far: go up a step.",
    )
    Plan.objects.filter(pk=plan.pk).update(projected_end=plan.planned_end + timedelta(days=5))

    page = signed_in(people.rosa).get(f"/plans/{plan.pk}/progress/").content.decode()

    assert "1 set of 10 per side &rarr; 1 set of 15 per side" in page
    assert "Easy so far: go up a step." in page and "Decided by theo." in page
    assert "Clamshells: start at 10 per side, the first dose of the ladder." in page
    assert "Decided by the planner." in page
    assert "moved 5 days later" in page


def test_a_new_frequency_in_the_history_says_what_changed_not_the_same_dose_twice(
    people,
) -> None:
    plan = factories.plan_for(
        people.rosa, schedule.local_date(timezone.now(), "Europe/Berlin") - timedelta(days=10)
    )
    tailoring.change_frequency(
        therapist=people.theo,
        plan_id=plan.pk,
        plan_exercise_id=item(plan, "clamshells").pk,
        frequency="three_per_week",
        effective_on=None,
        reason="Knee sore: three days a week.",
        now=timezone.now(),
    )

    page = signed_in(people.rosa).get(f"/plans/{plan.pk}/progress/").content.decode()
    entry = page.split("Knee sore: three days a week.")[0].rsplit("<li>", 1)[1]

    assert "&rarr;" not in entry and "New frequency" in entry
    said = "Clamshells: three times a week (mon, wed, fri) (was every day)."
    assert f'<p class="what-changed">{said}</p>' in entry


@pytest.mark.parametrize("who", ["rosa", "theo", "alice"])
def test_the_owner_the_linked_therapist_and_admins_see_it(people, who: str) -> None:
    client = signed_in(getattr(people, who))
    plan = people.rosa_plan
    assert client.get(f"/plans/{plan.pk}/progress/").status_code == 200
    chart = client.get(f"/plans/{plan.pk}/charts/pain.svg")
    assert chart.status_code == 200
    assert chart["Content-Type"] == "image/svg+xml"
    assert chart["Cache-Control"].startswith("private")
    assert b"<svg" in chart.content


@pytest.mark.parametrize("who", ["oscar", "uma"])
def test_anyone_else_gets_a_404(people, who: str) -> None:
    client = signed_in(getattr(people, who))
    plan = people.rosa_plan
    assert client.get(f"/plans/{plan.pk}/progress/").status_code == 404
    for kind in ("pain", "dose"):
        assert client.get(f"/plans/{plan.pk}/charts/{kind}.svg").status_code == 404


def test_signed_out_visitors_go_to_sign_in(client: Client, people) -> None:
    url = f"/plans/{people.rosa_plan.pk}/progress/"
    response = client.get(url)
    assert response.status_code == 302 and response.url == f"/accounts/login/?next={url}"
    assert client.get(f"/plans/{people.rosa_plan.pk}/charts/pain.svg").status_code == 302


def test_an_unknown_chart_is_a_404(people) -> None:
    client = signed_in(people.rosa)
    assert client.get(f"/plans/{people.rosa_plan.pk}/charts/weight.svg").status_code == 404


def test_the_dose_chart_is_svg_with_a_policy_that_allows_no_script(people) -> None:
    response = signed_in(people.rosa).get(f"/plans/{people.rosa_plan.pk}/charts/dose.svg")
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'none'" in policy
    assert response.content.lstrip().startswith(b"<?xml")


@pytest.fixture
def drawings(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each chart was drawn (matplotlib, about 350 ms each)."""
    drawn: Counter[str] = Counter()
    for kind in ("pain", "dose"):
        real = getattr(charts, f"{kind}_chart")

        def counting(*args: Any, _real: Any = real, _kind: str = kind) -> str:
            drawn[_kind] += 1
            result: str = _real(*args)
            return result

        monkeypatch.setattr(charts, f"{kind}_chart", counting)
    return drawn


def test_a_chart_is_drawn_once_for_what_it_shows(people, drawings: Counter[str]) -> None:
    # Each drawing costs a web process about 350 ms (issue 17): the same series, whoever asks
    # for them, come from the cache.
    plan = people.rosa_plan
    log(plan, 0, pain=3)
    rosa, theo = signed_in(people.rosa), signed_in(people.theo)

    shown = []
    for client in (rosa, rosa, theo):
        assert client.get(f"/plans/{plan.pk}/progress/").status_code == 200
        shown.append([client.get(f"/plans/{plan.pk}/charts/{kind}.svg") for kind in CHARTS])

    assert drawings == {"pain": 1, "dose": 1}
    for charts_shown in shown:
        assert [r.status_code for r in charts_shown] == [200, 200]
        assert all(r["Content-Type"] == "image/svg+xml" for r in charts_shown)
        assert [r.content for r in charts_shown] == [r.content for r in shown[0]]
    assert b"<svg" in shown[0][0].content
    # A new pain rating is a new pain chart; the doses did not change.
    log(plan, 1, pain=5)
    assert rosa.get(f"/plans/{plan.pk}/charts/pain.svg").content != shown[0][0].content
    rosa.get(f"/plans/{plan.pk}/charts/dose.svg")
    assert drawings == {"pain": 2, "dose": 1}


def test_fresh_drawings_are_bounded_per_person_and_minute(
    people, drawings: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart_cache, "FRESH_PER_MINUTE", 2)
    # One instant for the whole test, so that no minute turns over between the requests.
    now = timezone.now().replace(second=5)
    monkeypatch.setattr("planner.pages.progress.timezone", SimpleNamespace(now=lambda: now))
    plan = people.rosa_plan
    rosa = signed_in(people.rosa)
    statuses = []
    for n in range(3):
        log(plan, n, pain=n)  # each time a chart not drawn before
        statuses.append(rosa.get(f"/plans/{plan.pk}/charts/pain.svg"))

    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2]["Retry-After"] == "55"
    assert drawings == {"pain": 2}
    # Someone else's drawings are their own; what is drawn already is still shown.
    assert signed_in(people.theo).get(f"/plans/{plan.pk}/charts/pain.svg").status_code == 200
    assert rosa.get(f"/plans/{plan.pk}/charts/pain.svg").status_code == 200
    assert drawings == {"pain": 3}


def test_the_page_query_count_does_not_grow_with_the_logs(
    people, django_assert_num_queries
) -> None:
    plan = people.rosa_plan
    client = signed_in(people.rosa)
    url = f"/plans/{plan.pk}/progress/"
    log(plan, 0)
    # 1 session, 2 user, 3 the plan (visible to the caller), 4 the therapist-role check of the
    # navigation, 5 the plan's exercises, 6 its dose changes, 7 its session logs, 8 its
    # outcome questionnaires (planner.plans.outcomes.answers_of).
    with django_assert_num_queries(8):
        client.get(url)
    for n in range(1, 30):
        log(plan, n, pain=n % 6)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_today_is_due_not_missed_and_later_days_are_upcoming_or_rest() -> None:
    from planner.pages.progress import adherence_calendar

    start = date(2026, 3, 2)
    today = start + timedelta(days=2)
    due = {start + timedelta(days=n) for n in range(0, 10, 2)}  # every other day

    weeks = adherence_calendar(
        start, start + timedelta(days=9), today, today, due, completed={start}
    )

    states = [d.state for week in weeks for d in week.days]
    week_one = ["done", "rest", "due", "rest", "upcoming", "rest", "upcoming"]
    assert states == [*week_one, "rest", "upcoming", "rest"]
    assert [len(week.days) for week in weeks] == [7, 3]
    assert weeks[0].days[2].label == "Due today" and weeks[0].days[2].is_today


def test_a_partial_day_is_partial_in_the_calendar_and_counted_apart(people) -> None:
    plan = people.rosa_plan
    log(plan, 0)
    SessionLog.objects.create(
        plan=plan,
        plan_exercise=item(plan, "clamshells"),
        day=day(1),
        done=True,
        amount_done=6,
        partial=True,
    )

    page = signed_in(people.rosa).get(f"/plans/{plan.pk}/progress/").content.decode()

    assert [cell(page, n) for n in range(3)] == ["done", "partial", "missed"]
    assert "Tuesday 3 March: Partial" in page
    assert "Partial</li>" in page  # the legend names it
    assert 'class="cal-partial' in page


def test_the_last_14_days_count_partial_sessions_apart(people) -> None:
    # A plan that runs now: of the last three days, two done in full and one with every
    # exercise due done but the clamshells short of the dose; the rest missed, but for today,
    # which is still due (not over yet, so not counted).
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    plan = factories.plan_for(people.rosa, today - timedelta(days=20))
    for back, short in ((3, False), (2, True), (1, False)):
        for card in daily.plan_day(plan, today - timedelta(days=back)).exercises:
            partial = short and card.plan_exercise.exercise.slug == "clamshells"
            SessionLog.objects.create(
                plan=plan,
                plan_exercise=card.plan_exercise,
                day=today - timedelta(days=back),
                done=True,
                amount_done=6 if partial else None,
                partial=partial,
            )

    page = signed_in(people.rosa).get(f"/plans/{plan.pk}/progress/").content.decode()

    recent = page[page.index("<dt>Last 14 days</dt>") :]
    recent = recent[: recent.index("</dd>")]
    assert "2 done, 1 partial, of 13 sessions due" in recent


def test_the_calendar_shows_a_new_log_at_once(people) -> None:
    # The calendar is drawn once per what it shows (_panel.html): a log is a new drawing.
    plan = people.rosa_plan
    client = signed_in(people.rosa)
    url = f"/plans/{plan.pk}/progress/"
    log(plan, 0)
    assert cell(client.get(url).content.decode(), 1) == "missed"

    log(plan, 1)

    assert cell(client.get(url).content.decode(), 1) == "done"
