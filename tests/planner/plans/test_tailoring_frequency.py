"""A therapist changes how often an exercise is done from a day on: the days already lived keep
the frequency they were lived at, everywhere they are counted (the patient list, the patient
page, the progress report and its calendar, each past day of the plan), and the new frequency
is due from its day on.

People (tests/personas.py): Rosa's plan starts on Monday 2 March 2026, clamshells every day and
the piriformis stretch every other day from week 2; Theo is her therapist.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from planner.care import attention, patient_list
from planner.models import Plan, PlanExercise, SessionLog
from planner.pages import progress
from planner.plans import daily, decisions, progress_report, tailoring
from tests import factories
from tests.personas import PLAN_START, People

pytestmark = pytest.mark.django_db

# Day 29 of the plan, a Tuesday of week 5: an odd number of days from the start, so a day the
# stretch is not due every other day, nor on three days a week.
TODAY = PLAN_START + timedelta(days=29)


def item(plan: Plan, slug: str) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug=slug)


def on(day: date) -> datetime:
    return factories.evening_of_zone("Europe/Berlin", day)


def due_names(plan: Plan, day: date) -> list[str]:
    return [card.plan_exercise.exercise.name for card in daily.plan_day(plan, day).exercises]


def lived(plan: Plan) -> dict[date, list[str]]:
    """Each day of the plan before TODAY, with the exercises due on it."""
    return {
        PLAN_START + timedelta(days=n): due_names(plan, PLAN_START + timedelta(days=n))
        for n in range((TODAY - PLAN_START).days)
    }


def log_faithfully(plan: Plan) -> None:
    """Every exercise due on every day before TODAY logged done, as the runner saw them."""
    for day in lived(plan):
        for card in daily.plan_day(plan, day).exercises:
            SessionLog.objects.create(
                plan=plan, plan_exercise=card.plan_exercise, day=day, done=True, pain_during=2
            )


def change(theo: User, plan: Plan, slug: str, frequency: str, day: date) -> None:
    tailoring.change_frequency(
        therapist=theo,
        plan_id=plan.pk,
        plan_exercise_id=item(plan, slug).pk,
        frequency=frequency,
        effective_on=None,
        reason="Ready for more.",
        now=on(day),
    )


def calendar_states(plan: Plan) -> dict[date, str]:
    """Each day of the progress page's calendar, as it shows on TODAY."""
    calendar = progress.progress_context(plan, TODAY)["calendar"]
    return {day.day: day.state for week in calendar for day in week.days}


def assert_nothing_missed(people: People, plan: Plan, seen: dict[date, list[str]]) -> None:
    """Every reader of adherence sees each day lived as the runner lived it: done when anything
    was due, a rest day otherwise; none missed, and today not yet counted."""
    now = on(TODAY)
    row = patient_list.row_of(people.theo, people.rosa.pk, now)  # the patient page's
    assert row is not None and row.adherence is not None
    assert (row.adherence.missed, row.adherence.done) == (0, row.adherence.due)
    recent = [day for day, names in seen.items() if names and day >= TODAY - timedelta(days=13)]
    assert row.adherence.due == len(recent)
    [own_plan] = row.active_plans
    assert own_plan.adherence == row.adherence
    listed = next(p for p in attention.patients_of(people.theo, now) if p.id == people.rosa.pk)
    assert listed == row
    cached = patient_list.patients_of(people.theo, now)
    assert next(p for p in cached if p.id == people.rosa.pk) == row

    loaded = progress_report.load(plan)
    report = progress_report.progress_of(
        plan, loaded.items, loaded.dose_records, loaded.logs, TODAY
    )
    assert [week.missed for week in report.adherence.weeks] == [0, 0, 0, 0, 0]
    assert sum(week.due for week in report.adherence.weeks) == sum(map(bool, seen.values()))
    assert report.adherence.recent == row.adherence

    states = calendar_states(plan)
    assert {day: states[day] for day in seen} == {
        day: progress.DONE if names else progress.REST for day, names in seen.items()
    }


def test_days_lived_every_other_day_stay_so_when_it_becomes_every_day(people: People) -> None:
    plan = people.rosa_plan
    log_faithfully(plan)
    seen = lived(plan)
    assert sum("Piriformis stretch" in names for names in seen.values()) == 11  # days 8 to 28

    change(people.theo, plan, "piriformis-stretch", "daily", TODAY)

    stretch = item(plan, "piriformis-stretch")
    assert stretch.earlier_frequencies == [[TODAY.isoformat(), "every_other_day"]]
    # Each day lived shows what the runner saw that day; from today, every day.
    assert lived(plan) == seen
    assert seen[TODAY - timedelta(days=2)] == ["Clamshells"]
    for day in (TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2)):
        assert due_names(plan, day) == ["Clamshells", "Piriformis stretch"]
    assert_nothing_missed(people, plan, seen)
    assert calendar_states(plan)[TODAY] == progress.DUE


def test_days_lived_three_times_a_week_stay_so_when_it_becomes_every_day(
    people: People,
) -> None:
    plan = people.rosa_plan
    # Three times a week from the first day, then every day from TODAY: two changes stacked.
    change(people.theo, plan, "clamshells", "three_per_week", PLAN_START)
    log_faithfully(plan)
    seen = lived(plan)
    assert seen[TODAY - timedelta(days=1)] == ["Clamshells", "Piriformis stretch"]  # a Monday
    assert seen[TODAY - timedelta(days=2)] == []  # a Sunday
    assert seen[TODAY - timedelta(days=3)] == ["Piriformis stretch"]  # a Saturday

    change(people.theo, plan, "clamshells", "daily", TODAY)

    shells = item(plan, "clamshells")
    assert shells.earlier_frequencies == [
        [PLAN_START.isoformat(), "daily"],
        [TODAY.isoformat(), "three_per_week"],
    ]
    assert lived(plan) == seen
    assert due_names(plan, TODAY) == ["Clamshells"]  # a Tuesday
    assert due_names(plan, TODAY + timedelta(days=1)) == ["Clamshells", "Piriformis stretch"]
    assert due_names(plan, TODAY + timedelta(days=2)) == ["Clamshells"]  # a Thursday
    assert_nothing_missed(people, plan, seen)


def test_days_lived_every_day_stay_so_when_it_becomes_every_other_day(people: People) -> None:
    plan = people.rosa_plan
    log_faithfully(plan)
    seen = lived(plan)

    change(people.theo, plan, "clamshells", "every_other_day", TODAY)

    assert lived(plan) == seen
    assert all("Clamshells" in names for names in seen.values())
    # Today is an odd day from the start: nothing is due, the next day both.
    assert due_names(plan, TODAY) == []
    assert due_names(plan, TODAY + timedelta(days=1)) == ["Clamshells", "Piriformis stretch"]
    assert_nothing_missed(people, plan, seen)


def test_the_engine_counts_the_sessions_at_the_new_frequency_from_its_day(
    people: People,
) -> None:
    plan = people.rosa_plan
    log_faithfully(plan)

    change(people.theo, plan, "piriformis-stretch", "daily", TODAY)

    stretch = item(plan, "piriformis-stretch")
    assert stretch.dose_since == TODAY
    later = TODAY + timedelta(days=3)
    assert decisions.expected_days(plan, stretch, later) == [
        TODAY + timedelta(days=n) for n in range(4)
    ]


def test_a_change_set_for_a_later_day_leaves_the_days_before_it_as_they_were(
    people: People,
) -> None:
    plan = people.rosa_plan
    later = TODAY + timedelta(days=7)  # day 36, even

    tailoring.change_frequency(
        therapist=people.theo,
        plan_id=plan.pk,
        plan_exercise_id=item(plan, "clamshells").pk,
        frequency="every_other_day",
        effective_on=later,
        reason="Every other day from next week.",
        now=on(TODAY),
    )

    assert due_names(plan, later - timedelta(days=1)) == ["Clamshells"]
    assert due_names(plan, later + timedelta(days=1)) == []
    # A dose from today, before the new frequency: the engine counts the days before it every
    # day, as the runner is asked to do them.
    shells = item(plan, "clamshells")
    decisions.override_dose(
        plan_exercise=shells,
        amount=15,
        therapist=people.theo,
        effective_on=TODAY,
        reason="Stronger.",
        now=on(TODAY),
    )
    assert decisions.expected_days(plan, shells, later + timedelta(days=1)) == [
        PLAN_START + timedelta(days=n) for n in range(29, 37)
    ]
    # Changed again, from today: three a week replaces every other day from the later day, and
    # the words name the frequency it replaces today.
    [again] = tailoring.change_frequency(
        therapist=people.theo,
        plan_id=plan.pk,
        plan_exercise_id=shells.pk,
        frequency="three_per_week",
        effective_on=None,
        reason="Three a week from today instead.",
        now=on(TODAY),
    )
    assert again.what_changed == "Clamshells: three times a week (mon, wed, fri) (was every day)."
    shells = item(plan, "clamshells")
    assert (shells.frequency, shells.earlier_frequencies) == (
        "three_per_week",
        [[TODAY.isoformat(), "daily"]],
    )
    assert due_names(plan, later + timedelta(days=1)) == ["Clamshells"]  # a Wednesday
    assert due_names(plan, later + timedelta(days=2)) == ["Piriformis stretch"]


def test_a_second_change_on_one_day_replaces_the_first(people: People) -> None:
    plan = people.rosa_plan
    change(people.theo, plan, "piriformis-stretch", "daily", TODAY)

    change(people.theo, plan, "piriformis-stretch", "three_per_week", TODAY)

    assert item(plan, "piriformis-stretch").earlier_frequencies == [
        [TODAY.isoformat(), "every_other_day"]
    ]
    with pytest.raises(ValidationError) as refused:
        change(people.theo, plan, "piriformis-stretch", "three_per_week", TODAY)
    assert refused.value.message_dict == {
        "frequency": ["Already three times a week (mon, wed, fri)."]
    }
