"""Plans over the API, as Rosa (runner), Theo (her therapist) and the others use them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from exercises.models import Exercise
from planner.api.plans import DaySerializer
from planner.api.sessions import SessionLogSerializer
from planner.engine import schedule
from planner.models import DoseChange, Notification, Plan, Reminder, SessionLog
from planner.plans import daily, decisions
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


@pytest.fixture
def current_plan(people: People) -> Plan:
    """Rosa's plan that started three days ago, so today is inside it."""
    client = people.client("rosa")
    factories.program()
    factories.screened(people.rosa)
    response = client.post(
        "/api/v1/plans",
        {
            "program": "it-band-6w",
            "start_date": str(berlin_today() - timedelta(days=3)),
            "time_zone": "Europe/Berlin",
            "reminder_time": "07:15",
        },
    )
    assert response.status_code == 201, response.json()
    return Plan.objects.get(pk=response.json()["id"])


def clamshells_id(plan: Plan) -> int:
    return plan.exercises.get(exercise__slug="clamshells").pk


def log(client: APIClient, plan: Plan, **fields: Any) -> Any:
    body = {"plan_exercise": clamshells_id(plan), "day": str(berlin_today()), "done": True}
    return client.post(f"/api/v1/plans/{plan.pk}/logs", {**body, **fields})


def test_a_runner_starts_a_plan_at_the_first_dose(current_plan: Plan) -> None:
    assert current_plan.exercises.get(exercise__slug="clamshells").amount == 10
    reminder = current_plan.reminders.get(kind=Reminder.Kind.REMINDER)
    assert reminder.local_time.strftime("%H:%M") == "07:15"


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("time_zone", "Mars/Olympus", "not an IANA time zone"),
        ("reminder_time", "25:00", "not a time of day"),
        ("start_date", "2026-02-30", "Date has wrong format"),
        ("program", "no-such-program", "does not exist"),
    ],
)
def test_starting_a_plan_with_bad_input_names_the_field(
    people: People, field: str, value: str, rule: str
) -> None:
    factories.program()
    body = {"program": "it-band-6w", "start_date": "2026-12-01", "time_zone": "Europe/Berlin"}

    response = people.client("rosa").post("/api/v1/plans", {**body, field: value})

    assert response.status_code == 400
    assert rule in " ".join(response.json()[field])
    assert not Plan.objects.filter(user=people.rosa, start_date=date(2026, 12, 1)).exists()


def test_an_unknown_field_is_refused_by_name(people: People) -> None:
    factories.program()
    body = {"program": "it-band-6w", "start_date": "2026-12-01", "time_zone": "UTC", "colour": 1}

    response = people.client("rosa").post("/api/v1/plans", body)

    assert response.status_code == 400
    assert "colour" in response.json()


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("rosa", ["rosa"]),
        ("theo", ["rosa"]),
        ("uma", []),
        ("oscar", ["oscar"]),
        ("alice", ["oscar", "rosa"]),
    ],
)
def test_the_plan_list_is_scoped_to_what_each_person_may_see(
    people: People, who: str, sees: list[str]
) -> None:
    response = people.client(who).get("/api/v1/plans")

    assert sorted(plan["runner"] for plan in response.json()["results"]) == sees


def test_a_plan_one_may_not_see_answers_as_if_it_did_not_exist(people: People) -> None:
    missing = Plan.objects.order_by("pk").last().pk + 1  # type: ignore[union-attr]
    for suffix in ("", "/day", "/logs", "/history", "/reminder"):
        hidden = people.client("oscar").get(f"/api/v1/plans/{people.rosa_plan.pk}{suffix}")
        absent = people.client("oscar").get(f"/api/v1/plans/{missing}{suffix}")

        assert hidden.status_code == absent.status_code == 404
        assert hidden.json() == absent.json() == {"detail": "No Plan matches the given query."}


def test_anonymous_callers_are_asked_to_sign_in(people: People) -> None:
    assert people.client(None).get("/api/v1/plans").status_code == 401
    assert people.client(None).get(f"/api/v1/plans/{people.rosa_plan.pk}").status_code == 401


def test_today_lists_the_exercises_and_doses_in_the_runners_zone(current_plan: Plan) -> None:
    client = APIClient()
    client.force_authenticate(current_plan.user)

    day = client.get(f"/api/v1/plans/{current_plan.pk}/day").json()

    assert day["date"] == str(berlin_today())
    first = day["exercises"][0]
    assert (first["exercise"], first["dose"], first["sets"]) == (
        "clamshells",
        "1 set of 10 per side",
        1,
    )


def test_a_malformed_or_outside_date_is_a_400_naming_the_date(people: People) -> None:
    client = people.client("rosa")
    plan = people.rosa_plan

    malformed = client.get(f"/api/v1/plans/{plan.pk}/day", {"date": "yesterday"})
    outside = client.get(f"/api/v1/plans/{plan.pk}/day", {"date": "2020-01-01"})

    assert malformed.status_code == 400 and "date" in malformed.json()
    assert outside.status_code == 400 and "outside the plan" in outside.json()["date"][0]


def test_a_runner_logs_a_session_and_corrects_it_the_next_morning(
    people: People, current_plan: Plan
) -> None:
    client = people.client("rosa")

    created = log(client, current_plan, pain_during=3)
    corrected = client.patch(
        f"/api/v1/plans/{current_plan.pk}/logs/{created.json()['id']}",
        {"pain_next_morning": 1},
    )

    assert created.status_code == 201, created.json()
    assert corrected.status_code == 200
    assert SessionLog.objects.get().pain_next_morning == 1


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("note", 0, "Must be text."),
        ("done", 0, "Must be true or false."),
        ("done", "false", "Must be true or false."),
        ("pain_during", "3", "Must be a whole number."),
        ("pain_during", 2.5, "Must be a whole number."),
        ("pain_during", True, "Must be a whole number."),
    ],
)
def test_a_value_of_another_json_type_is_refused_and_the_log_kept(
    people: People, current_plan: Plan, field: str, value: Any, rule: str
) -> None:
    """Found by the fuzz: DRF stored a note of 0 as "0" and read a `done` of 0 as false; the
    schema names one JSON type per field."""
    client = people.client("rosa")
    created = log(client, current_plan, pain_during=3, note="knee fine")

    corrected = client.patch(
        f"/api/v1/plans/{current_plan.pk}/logs/{created.json()['id']}",
        {field: value, "pain_next_morning": 1},
    )

    assert corrected.status_code == 400
    assert corrected.json() == {field: [rule]}
    saved = SessionLog.objects.get()
    assert (saved.note, saved.done, saved.pain_during, saved.pain_next_morning) == (
        "knee fine",
        True,
        3,
        None,
    )


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"pain_during": 11}, "pain_during", "less than or equal to 10"),
        ({"pain_during": -1}, "pain_during", "greater than or equal to 0"),
        ({"day": "2099-01-01"}, "day", "in the future"),
        ({"difficulty": 0}, "difficulty", "greater than or equal to 1"),
        ({"red_flag": "no-such-sign"}, "red_flag", "does not exist"),
        ({"plan_exercise": 999999}, "plan_exercise", "No such exercise"),
        ({"mood": "great"}, "mood", "Unknown field"),
    ],
)
def test_bad_logs_are_400s_naming_the_field_and_save_nothing(
    people: People, current_plan: Plan, fields: dict, field: str, rule: str
) -> None:
    response = log(people.client("rosa"), current_plan, **fields)

    assert response.status_code == 400
    assert rule in " ".join(response.json()[field])
    assert not SessionLog.objects.exists()


def test_a_second_log_of_the_same_exercise_and_day_is_refused(
    people: People, current_plan: Plan
) -> None:
    client = people.client("rosa")
    log(client, current_plan, pain_during=2)

    again = log(client, current_plan, pain_during=4)

    assert again.status_code == 400
    assert "already logged" in again.json()["day"][0]
    assert SessionLog.objects.get().pain_during == 2


def test_a_red_flag_in_a_log_stops_the_plan(people: People, current_plan: Plan) -> None:
    flag = factories.calf_swelling()

    log(people.client("rosa"), current_plan, red_flag=flag.slug)

    plan = people.client("rosa").get(f"/api/v1/plans/{current_plan.pk}").json()
    assert plan["status"] == "stopped"
    assert "see a doctor" in plan["stop_reason"]


def test_only_the_runner_logs_others_get_403_or_404(people: People, current_plan: Plan) -> None:
    assert log(people.client("theo"), current_plan).status_code == 403
    assert log(people.client("oscar"), current_plan).status_code == 404
    assert log(people.client("uma"), current_plan).status_code == 404


def test_the_therapist_tailors_a_dose_and_the_history_says_who(
    people: People, current_plan: Plan
) -> None:
    url = f"/api/v1/plans/{current_plan.pk}/exercises/{clamshells_id(current_plan)}/override"

    response = people.client("theo").post(url, {"amount": 20, "reason": "Strong hips already."})
    history = people.client("rosa").get(f"/api/v1/plans/{current_plan.pk}/history").json()

    assert response.status_code == 201, response.json()
    last = next(row for row in history["results"] if row["action"] == "override")
    assert (last["action"], last["new_amount"], last["decided_by"]) == ("override", 20, "theo")
    assert last["reason"] == "Strong hips already."


@pytest.mark.parametrize(
    ("who", "body", "code"),
    [
        ("rosa", {"amount": 20, "reason": "x"}, 403),
        ("uma", {"amount": 20, "reason": "x"}, 404),
        ("theo", {"amount": 45, "reason": "x"}, 400),
        ("theo", {"amount": 20}, 400),
    ],
)
def test_tailoring_is_for_the_linked_therapist_within_the_ladder(
    people: People, current_plan: Plan, who: str, body: dict, code: int
) -> None:
    url = f"/api/v1/plans/{current_plan.pk}/exercises/{clamshells_id(current_plan)}/override"

    assert people.client(who).post(url, body).status_code == code
    assert not DoseChange.objects.filter(action="override").exists()


def test_the_runner_moves_pauses_and_switches_off_reminders(
    people: People, current_plan: Plan
) -> None:
    url = f"/api/v1/plans/{current_plan.pk}/reminder"
    client = people.client("rosa")

    moved = client.patch(url, {"local_time": "19:45"})
    paused = client.patch(url, {"state": "paused"})
    bad = client.patch(url, {"local_time": "7pm"})
    therapist = people.client("theo").patch(url, {"state": "off"})

    assert moved.json()["local_time"] == "19:45" and moved.json()["next_due_at"]
    assert paused.json()["state"] == "paused" and paused.json()["next_due_at"] is None
    assert bad.status_code == 400 and "HH:MM" in bad.json()["local_time"][0]
    assert therapist.status_code == 403


def test_the_runner_moves_and_switches_off_her_evening_nudge_apart_from_the_reminder(
    people: People, current_plan: Plan
) -> None:
    url = f"/api/v1/plans/{current_plan.pk}/nudge"
    client = people.client("rosa")

    shown = client.get(url)
    moved = client.patch(url, {"local_time": "20:30"})
    off = client.patch(url, {"state": "off"})
    bad = client.patch(url, {"local_time": "25:00"})
    therapist = people.client("theo").patch(url, {"state": "on"})

    assert shown.json()["local_time"] == "19:00" and shown.json()["state"] == "on"
    assert moved.json()["local_time"] == "20:30" and moved.json()["next_due_at"]
    assert off.json()["state"] == "off" and off.json()["next_due_at"] is None
    assert bad.status_code == 400 and "local_time" in bad.json()
    assert therapist.status_code == 403
    # The morning reminder kept its time, and still fires.
    morning = client.get(f"/api/v1/plans/{current_plan.pk}/reminder").json()
    assert morning["local_time"] == "07:15" and morning["next_due_at"]


def test_a_reminders_time_of_day_is_served_as_the_schema_describes_it(
    people: People, current_plan: Plan
) -> None:
    """Found by the fuzz: "07:30" was documented as `format: time`, which means RFC 3339's
    "07:30:00Z"; a local time of day has no offset, so the schema now gives its pattern."""
    client = people.client("rosa")
    schema = client.get("/api/v1/schema", {"format": "json"}).json()["components"]["schemas"]

    served = client.get(f"/api/v1/plans/{current_plan.pk}/reminder").json()["local_time"]

    for component, name in (
        ("Reminder", "local_time"),
        ("PatchedReminderChangeRequest", "local_time"),
        ("StartPlanRequest", "reminder_time"),
    ):
        documented = schema[component]["properties"][name]
        assert "format" not in documented
        assert re.fullmatch(documented["pattern"], served), (component, documented)


GARBLED_MULTIPART = "--b\r\n-19172256825899--b--\r\n"


@pytest.mark.parametrize(
    ("suffix", "body", "content_type"),
    [
        ("", "time_zone=", "application/x-www-form-urlencoded"),
        ("/reminder", "local_time=", "application/x-www-form-urlencoded"),
        ("", "status=paused", "application/x-www-form-urlencoded"),
        ("", GARBLED_MULTIPART, "multipart/form-data; boundary=b"),
    ],
)
def test_a_form_is_refused_and_changes_nothing(
    people: People, current_plan: Plan, suffix: str, body: str, content_type: str
) -> None:
    """Found by the fuzz: DRF's form parsers read `time_zone=` as "not sent" and a garbled
    multipart body as an empty one, so both answered 200; the API reads JSON only."""
    url = f"/api/v1/plans/{current_plan.pk}{suffix}"

    response = people.client("rosa").generic("PATCH", url, body, content_type)

    assert response.status_code == 415
    current_plan.refresh_from_db()
    assert current_plan.status == Plan.Status.ACTIVE


@pytest.mark.parametrize(("suffix", "field"), [("", "time_zone"), ("/reminder", "local_time")])
def test_a_blank_optional_value_in_json_is_refused_by_name(
    people: People, current_plan: Plan, suffix: str, field: str
) -> None:
    url = f"/api/v1/plans/{current_plan.pk}{suffix}"

    response = people.client("rosa").patch(url, {field: ""})

    assert response.status_code == 400
    assert field in response.json()


def test_pausing_the_plan_stops_its_messages_and_resuming_restarts_them(
    people: People, current_plan: Plan
) -> None:
    client = people.client("rosa")

    client.patch(f"/api/v1/plans/{current_plan.pk}", {"status": "paused"})
    quiet = list(current_plan.reminders.values_list("next_due_at", flat=True))
    client.patch(f"/api/v1/plans/{current_plan.pk}", {"status": "active"})

    assert quiet == [None, None, None, None]
    # The daily messages, the questionnaires' reminder (due on day 14) and the evening nudge
    # all come back.
    assert all(current_plan.reminders.values_list("next_due_at", flat=True))


def test_notifications_are_each_persons_own(people: People) -> None:
    mine = Notification.objects.create(user=people.rosa, title="Today", body="Clamshells")
    theirs = Notification.objects.create(user=people.oscar, title="Today", body="Bridges")
    client = people.client("rosa")

    listed = client.get("/api/v1/notifications").json()["results"]
    read = client.post(f"/api/v1/notifications/{mine.pk}/read")
    other = client.post(f"/api/v1/notifications/{theirs.pk}/read")

    assert [n["id"] for n in listed] == [mine.pk]
    assert read.json()["read_at"] is not None
    assert other.status_code == 404


@pytest.mark.parametrize("extra_plans", [0, 4])
def test_the_plan_list_takes_the_same_queries_for_any_number_of_plans(
    people: People, extra_plans: int, django_assert_num_queries: Any
) -> None:
    for n in range(extra_plans):
        factories.plan_for(people.rosa, date(2026, 4, 1) + timedelta(days=n))
    client = APIClient()
    client.force_authenticate(people.theo)

    # 1: the count   2: the page of plans with program and runner (Theo's care links are a
    # subquery of both, and whether he is an admin is read off his user row)   3: the access
    # record of the runners whose plans he saw (audit), one INSERT
    with django_assert_num_queries(3):
        response = client.get("/api/v1/plans")
    assert response.json()["count"] == 1 + extra_plans


@pytest.mark.parametrize("extra_logs", [1, 6])
def test_the_log_list_takes_the_same_queries_for_any_number_of_logs(
    people: People, current_plan: Plan, extra_logs: int, django_assert_num_queries: Any
) -> None:
    item = current_plan.exercises.get(exercise__slug="clamshells")
    for n in range(extra_logs):
        SessionLog.objects.create(
            plan=current_plan,
            plan_exercise=item,
            day=berlin_today() - timedelta(days=n),
            done=True,
        )
    client = APIClient()
    client.force_authenticate(people.rosa)

    # 1: the plan, if visible   2: the count   3: the page of logs
    with django_assert_num_queries(3):
        client.get(f"/api/v1/plans/{current_plan.pk}/logs")


def test_a_log_is_decided_from_the_dose_a_therapist_set_after_the_day_was_shown(
    people: People, current_plan: Plan
) -> None:
    rosa = people.client("rosa")
    shown = rosa.get(f"/api/v1/plans/{current_plan.pk}/day").json()["exercises"][0]
    override = people.client("theo").post(
        f"/api/v1/plans/{current_plan.pk}/exercises/{shown['plan_exercise']}/override",
        {"amount": 20, "reason": "Strong hips already."},
    )

    # Pain above the limit steps back one step from the dose in force, not the one shown.
    logged = log(rosa, current_plan, pain_during=7)

    assert (shown["amount"], override.status_code, logged.status_code) == (10, 201, 201)
    last = DoseChange.objects.filter(plan_exercise_id=shown["plan_exercise"]).last()
    assert last is not None
    assert (last.action, last.old_amount, last.new_amount) == ("step_back", 20, 15)


@pytest.mark.parametrize("history_days", [1, 3])
def test_logging_takes_the_same_queries_whatever_the_history(
    people: People, current_plan: Plan, history_days: int, django_assert_num_queries: Any
) -> None:
    client = APIClient()
    client.force_authenticate(people.rosa)
    item = current_plan.exercises.get(exercise__slug="clamshells")
    for back in range(1, history_days + 1):
        SessionLog.objects.create(
            plan=current_plan,
            plan_exercise=item,
            day=berlin_today() - timedelta(days=back),
            done=True,
            pain_during=2,
        )
    body = {"plan_exercise": item.pk, "day": str(berlin_today()), "done": True, "pain_during": 2}

    # 1: SAVEPOINT   2: the plan, locked if it is Rosa's   3: its exercises, read under the
    # lock   4: INSERT of the log, with this exercise's recent logs as they were before it
    # (the engine's history): one statement on PostgreSQL, two on SQLite   5: RELEASE
    # SAVEPOINT (too early in the plan for a step up, so no dose changes and the projected
    # end stays)
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 6):
        response = client.post(f"/api/v1/plans/{current_plan.pk}/logs", body)
    assert response.status_code == 201, response.json()


def rendered(data: Any) -> bytes:
    return JSONRenderer().render(data)


def test_a_days_answer_is_what_its_serializer_says_field_by_field(people: People) -> None:
    plan = people.rosa_plan
    shells = plan.exercises.get(exercise__slug="clamshells")
    stretch = plan.exercises.get(exercise__slug="piriformis-stretch")
    # One exercise with cautions, one without.
    Exercise.objects.filter(slug="clamshells").update(cautions=["Keep your hips stacked."])
    week_two = plan.start_date + timedelta(days=8)
    SessionLog.objects.create(plan=plan, plan_exercise=stretch, day=week_two, done=True)
    decisions.override_dose(
        now=timezone.now(),
        plan_exercise=shells,
        amount=15,
        level=1,
        therapist=people.theo,
        effective_on=week_two + timedelta(days=2),
        reason="Band on.",
    )
    client = people.client("theo")

    # A day with a logged card and one without, one with the dose of the history (before the
    # override), one with the band and the hold of a stretch, and the plan's last day.
    for day in (week_two, week_two + timedelta(days=2), plan.projected_end):
        answer = client.get(f"/api/v1/plans/{plan.pk}/day", {"date": day.isoformat()})

        assert answer.status_code == 200
        assert answer.content == rendered(DaySerializer(daily.plan_day(plan, day)).data)
    assert answer.json()["exercises"][0]["dose"] == "1 set of 15 per side (with an exercise band)"


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {
            "amount_done": 12,
            "pain_during": 3,
            "pain_next_morning": 1,
            "difficulty": 4,
            "note": "Left side harder.",
        },
    ],
)
def test_a_saved_logs_answer_is_what_its_serializer_says_field_by_field(
    people: People, current_plan: Plan, fields: dict[str, Any]
) -> None:
    response = log(people.client("rosa"), current_plan, **fields)

    assert response.status_code == 201, response.json()
    saved = SessionLog.objects.get(pk=response.json()["id"])
    assert response.content == rendered(SessionLogSerializer(saved).data)


def test_each_exercise_of_a_day_carries_its_cautions(people: People) -> None:
    plan = people.rosa_plan
    Exercise.objects.filter(slug="clamshells").update(
        cautions=["Keep your hips stacked.", "Stop if the outer hip hurts."]
    )
    week_two = plan.start_date + timedelta(days=8)  # the stretch is due from week 2

    answer = people.client("rosa").get(f"/api/v1/plans/{plan.pk}/day", {"date": str(week_two)})

    cautions = {card["exercise"]: card["cautions"] for card in answer.json()["exercises"]}
    assert cautions == {
        "clamshells": ["Keep your hips stacked.", "Stop if the outer hip hurts."],
        "piriformis-stretch": [],
    }


@pytest.mark.parametrize("with_cautions", [False, True])
def test_a_day_takes_the_same_queries_with_or_without_cautions(
    people: People, with_cautions: bool, django_assert_num_queries: Any
) -> None:
    if with_cautions:
        Exercise.objects.update(cautions=["Stop if it hurts more than 5/10."])
    plan = people.rosa_plan
    client = APIClient()
    client.force_authenticate(people.rosa)
    week_two = plan.start_date + timedelta(days=8)

    # 1: the plan, by its key (Rosa's own: nothing to record)   2: its exercises with their
    # catalog exercise and its cautions (planner.plans.statements)   3: that day's logs
    with django_assert_num_queries(3):
        answer = client.get(f"/api/v1/plans/{plan.pk}/day", {"date": str(week_two)})
    assert len(answer.json()["exercises"]) == 2
    assert all(bool(card["cautions"]) is with_cautions for card in answer.json()["exercises"])


def test_a_plan_carries_its_conditions_care_note_read_only(people: People) -> None:
    plan = people.rosa_plan
    note = "Numbness or tingling down the leg: have it checked before continuing."
    plan.program.condition.care_note = note
    plan.program.condition.save()
    client = people.client("rosa")
    url = f"/api/v1/plans/{plan.pk}"

    detail = client.get(url).json()
    listed = client.get("/api/v1/plans").json()["results"]
    changed = client.patch(url, {"condition_note": "Nothing to watch for."})

    assert detail["condition_note"] == note
    assert {row["id"]: row["condition_note"] for row in listed}[plan.pk] == note
    assert changed.status_code == 400
    assert client.get(url).json()["condition_note"] == note


def test_a_condition_without_a_care_note_gives_an_empty_note(people: People) -> None:
    answer = people.client("oscar").get(f"/api/v1/plans/{people.oscar_plan.pk}")

    assert answer.json()["condition_note"] == ""


def test_a_plan_id_too_large_for_any_row_is_a_404_not_a_500(people: People) -> None:
    response = people.client("rosa").post(
        "/api/v1/plans/99999999999999999999999/logs",
        {"plan_exercise": 1, "day": "2026-03-02", "done": True},
        format="json",
    )
    assert response.status_code == 404
