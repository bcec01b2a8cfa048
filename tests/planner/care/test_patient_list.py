"""The cached patient list: each row comes from the cache until something it shows changes,
and then the therapist sees the change at once, as if nothing were cached.

People (tests/personas.py): Theo is Rosa's therapist; here he gets three more patients.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from planner.care import attention, linking, patient_list
from planner.engine import schedule, trends
from planner.models import Alert, CareLink, Plan, Profile, SessionLog
from planner.plans import daily, progress_report, tailoring
from planner.safety import alerts
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


def patient(people: People, username: str) -> Plan:
    """A runner linked to Theo, on a plan that began 20 days ago, every session of the last
    week logged done at pain 2."""
    runner = factories.person(username)
    CareLink.objects.create(therapist=people.theo, runner=runner, status=CareLink.Status.ACTIVE)
    plan = factories.plan_for(runner, berlin_today() - timedelta(days=20))
    for back in range(7, 0, -1):
        day = berlin_today() - timedelta(days=back)
        for card in daily.plan_day(plan, day).exercises:
            SessionLog.objects.create(
                plan=plan, plan_exercise=card.plan_exercise, day=day, done=True, pain_during=2
            )
    return plan


@pytest.fixture
def ward(people: People) -> dict[str, Plan]:
    return {name: patient(people, name) for name in ["ann", "bea", "cal"]}


def log_today(plan: Plan, **fields: Any) -> SessionLog:
    today = berlin_today()
    card = daily.plan_day(plan, today).exercises[0]
    return factories.log_session(
        plan=plan, plan_exercise=card.plan_exercise, day=today, today=today, **fields
    ).log


def pain_of(patients: list[attention.Patient], username: str) -> int | None:
    row = next(p for p in patients if p.username == username)
    return row.last_pain_during.during if row.last_pain_during else None


def test_rows_come_from_the_cache_when_nothing_changed(
    people: People, ward: dict[str, Plan], django_assert_num_queries: Any
) -> None:
    now = timezone.now()
    first = patient_list.patients_of(people.theo, now)

    # The links with their plans' marks, which make the keys; no log is read.
    with django_assert_num_queries(1):
        again = patient_list.patients_of(people.theo, now)

    assert again == first == attention.patients_of(people.theo, now)
    assert sorted(p.username for p in again) == ["ann", "bea", "cal", "rosa"]


def change_pain(people: People, ward: dict[str, Plan]) -> None:
    log_today(ward["bea"], done=True, pain_during=7)


def correct_pain(people: People, ward: dict[str, Plan]) -> None:
    log = log_today(ward["bea"], done=True, pain_during=3)
    factories.correct(log, berlin_today(), pain_during=8)


def report_warning_sign(people: People, ward: dict[str, Plan]) -> None:
    log_today(ward["bea"], done=False, red_flag=factories.calf_swelling(), note="calf hot")


def pause_plan(people: People, ward: dict[str, Plan]) -> None:
    factories.set_status(ward["bea"], Plan.Status.PAUSED, timezone.now())


def end_link(people: People, ward: dict[str, Plan]) -> None:
    link = CareLink.objects.get(therapist=people.theo, runner=ward["bea"].user)
    linking.end_link(people.theo, link.pk, timezone.now())


def link_another(people: People, ward: dict[str, Plan]) -> None:
    patient(people, "dee")


def rename(people: People, ward: dict[str, Plan]) -> None:
    User.objects.filter(pk=ward["bea"].user_id).update(username="beatrice")


def start_another_plan(people: People, ward: dict[str, Plan]) -> None:
    factories.plan_for(ward["bea"].user, berlin_today())


def rename_program(people: People, ward: dict[str, Plan]) -> None:
    program = ward["bea"].program
    program.name = "IT band: the new home program"
    program.save()  # as the admin saves it


@pytest.mark.parametrize(
    "change",
    [
        change_pain,
        correct_pain,
        report_warning_sign,
        pause_plan,
        end_link,
        link_another,
        rename,
        start_another_plan,
        rename_program,
    ],
)
def test_every_change_shows_at_once(
    people: People, ward: dict[str, Plan], change: Callable[[People, dict[str, Plan]], None]
) -> None:
    before = patient_list.patients_of(people.theo, timezone.now())

    change(people, ward)

    now = timezone.now()
    after = patient_list.patients_of(people.theo, now)
    assert after == attention.patients_of(people.theo, now)
    assert after != before


def dee_on_day(people: People, day: int) -> Plan:
    """Dee, linked to Theo, on `day` of her plan (0 its first), the clamshells done today."""
    runner = factories.person("dee")
    CareLink.objects.create(therapist=people.theo, runner=runner, status=CareLink.Status.ACTIVE)
    plan = factories.plan_for(runner, berlin_today() - timedelta(days=day))
    log_today(plan, done=True)
    return plan


def dee_before_and_after(
    people: People, tailor: Callable[[], object]
) -> tuple[trends.Adherence, trends.Adherence]:
    before = patient_list.patients_of(people.theo, timezone.now())
    tailor()
    now = timezone.now()
    after = patient_list.patients_of(people.theo, now)
    assert after == attention.patients_of(people.theo, now)
    dee = [next(p for p in rows if p.username == "dee").adherence for rows in (before, after)]
    assert dee[0] is not None and dee[1] is not None
    return dee[0], dee[1]


def test_a_new_frequency_shows_at_once(people: People) -> None:
    # Day 21, an odd day from the start: the stretch is not due every other day, so today's
    # session (the clamshells) is done.
    plan = dee_on_day(people, 21)

    # Every day from today: the stretch is due today too, so today's session is not done yet.
    before, after = dee_before_and_after(
        people,
        lambda: tailoring.change_frequency(
            therapist=people.theo,
            plan_id=plan.pk,
            plan_exercise_id=plan.exercises.get(exercise__slug="piriformis-stretch").pk,
            frequency="daily",
            effective_on=None,
            reason="Every day now.",
            now=timezone.now(),
        ),
    )

    assert (after.due, after.done) == (before.due - 1, before.done - 1)


def test_an_exercise_removed_shows_at_once(people: People) -> None:
    # Day 20: the stretch is due today, not yet done.
    plan = dee_on_day(people, 20)

    # Removed from today: today's session, the clamshells alone, is done.
    before, after = dee_before_and_after(
        people,
        lambda: tailoring.remove_exercise(
            therapist=people.theo,
            plan_id=plan.pk,
            plan_exercise_id=plan.exercises.get(exercise__slug="piriformis-stretch").pk,
            effective_on=None,
            reason="The hip is settled.",
            now=timezone.now(),
        ),
    )

    assert (after.due, after.done) == (before.due + 1, before.done + 1)


def test_a_warning_sign_puts_the_patient_first_at_once(
    people: People, ward: dict[str, Plan]
) -> None:
    patient_list.patients_of(people.theo, timezone.now())

    report_warning_sign(people, ward)

    first = patient_list.patients_of(people.theo, timezone.now())[0]
    assert (first.username, first.open_red_flags) == ("bea", 1)


def test_an_alert_heads_the_list_until_it_is_acknowledged(
    people: People, ward: dict[str, Plan]
) -> None:
    patient_list.patients_of(people.theo, timezone.now())  # cached
    runner = ward["bea"].user
    alert = alerts.raise_alert(
        runner=runner, kind=Alert.Kind.PAIN_ABOVE_RULE, text="pain 8/10", now=timezone.now()
    )

    first = patient_list.patients_of(people.theo, timezone.now())[0]
    assert (first.username, first.open_alerts) == ("bea", 1)
    alerts.acknowledge(people.theo, alert.pk, "Called her.", timezone.now())
    again = patient_list.patients_of(people.theo, timezone.now())
    assert again == attention.patients_of(people.theo, timezone.now())
    assert next(p for p in again if p.username == "bea").open_alerts == 0


def test_a_new_day_moves_the_adherence_window(people: People, ward: dict[str, Plan]) -> None:
    now = timezone.now()
    today = patient_list.patients_of(people.theo, now)
    tomorrow = now + timedelta(days=1)

    later = patient_list.patients_of(people.theo, tomorrow)

    assert later == attention.patients_of(people.theo, tomorrow)
    ann = next(p for p in later if p.username == "ann").adherence
    assert ann is not None and ann != next(p for p in today if p.username == "ann").adherence


def test_only_the_changed_patient_is_worked_out_again(
    people: People, ward: dict[str, Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    patient_list.patients_of(people.theo, timezone.now())
    worked_out: list[list[str]] = []
    real = attention.patients_from

    def spy(links: list[attention.Linked], *args: Any) -> list[attention.Patient]:
        worked_out.append([name for _, name, *_ in links])
        return real(links, *args)

    monkeypatch.setattr(attention, "patients_from", spy)

    change_pain(people, ward)
    rows = patient_list.patients_of(people.theo, timezone.now())

    assert worked_out == [["bea"]]
    assert pain_of(rows, "bea") == 7 and pain_of(rows, "ann") == 2


def test_two_therapists_of_one_runner_share_her_row(
    people: People, ward: dict[str, Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    CareLink.objects.create(
        therapist=people.uma, runner=ward["ann"].user, status=CareLink.Status.ACTIVE
    )
    patient_list.patients_of(people.theo, timezone.now())
    monkeypatch.setattr(attention, "patients_from", pytest.fail)

    rows = patient_list.patients_of(people.uma, timezone.now())

    assert [p.username for p in rows] == ["ann"]


def redis_cache(location: str) -> dict[str, Any]:
    # A prefix of its own, so the test never reads another run's rows nor clears the server.
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


def test_rows_go_through_a_real_redis(
    people: People, ward: dict[str, Plan], settings: Any, django_assert_num_queries: Any
) -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the Redis cache is checked in CI")
    settings.CACHES = redis_cache(redis_url)
    now = timezone.now()
    patient_list.patients_of(people.theo, now)
    api_rows = patient_list.rendered(people.theo, now, "api", lambda ps: [p.id for p in ps])

    fresh = attention.patients_of(people.theo, now)

    with django_assert_num_queries(1):
        assert patient_list.patients_of(people.theo, now) == fresh
    with django_assert_num_queries(1):
        assert patient_list.rendered(people.theo, now, "api", pytest.fail) == api_rows


def test_the_list_works_while_the_cache_server_is_down(
    people: People, ward: dict[str, Plan], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CACHES = redis_cache("redis://127.0.0.1:9/0")  # the discard port: nothing listens
    now: datetime = timezone.now()

    with caplog.at_level(logging.WARNING, logger="kit.cache_safe"):
        rows = patient_list.patients_of(people.theo, now)

    assert rows == attention.patients_of(people.theo, now)
    assert "cached patient rows unavailable" in caplog.text


def test_a_partial_session_is_counted_apart_as_the_progress_page_counts_it(
    people: People, ward: dict[str, Plan], django_assert_num_queries: Any
) -> None:
    plan = ward["ann"]
    yesterday = berlin_today() - timedelta(days=1)
    SessionLog.objects.filter(
        plan=plan, day=yesterday, plan_exercise__exercise__slug="clamshells"
    ).update(partial=True, amount_done=6)
    now = timezone.now()

    # The links, their plans, the exercises with their days done in full and in part (one
    # query, two bit sets), the recent pain and the questionnaires: as many queries as without
    # partial sessions.
    with django_assert_num_queries(5):
        rows = attention.patients_of(people.theo, now)

    ann = next(p for p in rows if p.username == "ann")
    loaded = progress_report.load(plan)
    report = progress_report.progress_of(
        plan, loaded.items, loaded.dose_records, loaded.logs, berlin_today()
    ).adherence.recent
    assert ann.adherence is not None
    assert (ann.adherence.done, ann.adherence.partial, ann.adherence.missed) == (
        report.done,
        report.partial,
        report.missed,
    )
    assert ann.adherence.partial == 1
    bea = next(p for p in rows if p.username == "bea")
    assert bea.adherence is not None and bea.adherence.partial == 0
    assert bea.adherence.done == ann.adherence.done + 1


def test_a_name_chosen_on_the_profile_shows_at_once(people: People, ward: dict[str, Plan]) -> None:
    before = patient_list.patients_of(people.theo, timezone.now())
    assert {p.name for p in before} >= {"ann", "bea"}
    bea = next(p for p in before if p.username == "bea")

    Profile.objects.create(user_id=bea.id, display_name="Beatriz Soto")
    after = patient_list.patients_of(people.theo, timezone.now())

    # The cached row is worked out again: the name is one of the marks it depends on.
    assert next(p for p in after if p.id == bea.id).name == "Beatriz Soto"
    assert next(p for p in after if p.id == bea.id).username == "bea"


def test_a_second_plan_assigned_today_keeps_the_runners_adherence(
    people: People, ward: dict[str, Plan]
) -> None:
    ann = ward["ann"]
    before = next(
        p for p in patient_list.patients_of(people.theo, timezone.now()) if p.id == ann.user_id
    )
    assert before.adherence is not None and before.adherence.done == 7

    second = factories.plan_for(ann.user, berlin_today())
    after = next(
        p for p in patient_list.patients_of(people.theo, timezone.now()) if p.id == ann.user_id
    )

    # Her habit is the same seven sessions done; today, with the new plan's first session
    # waiting, is still due rather than missed.
    assert after.adherence is not None
    assert (after.adherence.done, after.adherence.missed) == (
        before.adherence.done,
        before.adherence.missed,
    )
    # Each plan also shows its own: the new one has nothing due yet.
    by_plan = {ref.id: ref.adherence for ref in after.active_plans}
    assert by_plan[second.pk] is not None and by_plan[second.pk].due == 0
    assert by_plan[ann.pk] is not None and by_plan[ann.pk].done == 7
