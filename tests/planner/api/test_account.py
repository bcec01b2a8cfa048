"""Rosa takes a copy of everything the planner holds about her, and deletes her account."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from knox.models import AuthToken
from rest_framework.test import APIClient

from planner.accounts import export
from planner.care import linking, messages
from planner.models import (
    CalendarFeed,
    CareLink,
    Conversation,
    Delivery,
    DoseChange,
    Message,
    Notification,
    Plan,
    PlanExercise,
    RedFlagReport,
    Reminder,
    SessionLog,
)
from planner.plans import decisions, outcomes
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def log_days(plan: Plan, days: int, note: str = "") -> None:
    item = plan.exercises.get(exercise__slug="clamshells")
    SessionLog.objects.bulk_create(
        SessionLog(
            plan=plan,
            plan_exercise=item,
            day=plan.start_date + timedelta(days=n),
            done=True,
            pain_during=2,
            note=note,
        )
        for n in range(days)
    )


def answer_both(plan: Plan, times: int) -> None:
    """The runner answers the LEFS and the PSFS `times` times, two weeks apart."""
    for n in range(times):
        now = factories.evening_of(plan, plan.start_date + timedelta(weeks=2 * n))
        outcomes.answer(plan.user, plan.pk, "lefs", now, items=[2] * 20)
        outcomes.answer(
            plan.user,
            plan.pk,
            "psfs",
            now,
            activities=[("Running", 4), ("Stairs", 5), ("Hopping", 6)],
        )


def theo_overrides_clamshells(people: People) -> DoseChange:
    return decisions.override_dose(
        now=timezone.now(),
        plan_exercise=people.rosa_plan.exercises.get(exercise__slug="clamshells"),
        amount=15,
        therapist=people.theo,
        effective_on=people.rosa_plan.start_date + timedelta(days=7),
        reason="Steady, pain-free sessions.",
    )


def rosas_sessions(user_id: int) -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]


# --- Export ------------------------------------------------------------------------------------


def test_the_export_is_a_file_of_rosas_own_data(people: People) -> None:
    log_days(people.rosa_plan, 2, note="Rosa's hip felt fine")
    log_days(people.oscar_plan, 2, note="Oscar's knee")
    theo_overrides_clamshells(people)
    RedFlagReport.objects.create(
        plan=people.rosa_plan,
        red_flag=factories.calf_swelling(),
        day=people.rosa_plan.start_date,
    )
    delivery = Delivery.objects.create(
        plan=people.rosa_plan,
        kind=Reminder.Kind.REMINDER,
        local_date=people.rosa_plan.start_date,
        due_at=timezone.now(),
        state=Delivery.State.SENT,
    )
    Notification.objects.create(
        user=people.rosa, delivery=delivery, title="Today's exercises", body="Clamshells"
    )
    Notification.objects.create(user=people.oscar, title="Oscar's day", body="Bridges")

    response = people.client("rosa").get("/api/v1/me/export")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = response.json()
    assert data["account"]["username"] == "rosa"
    assert data["account"]["email"] == "rosa@example.com"
    assert data["account"]["date_joined"]
    [plan] = data["plans"]
    assert (plan["program"], plan["time_zone"], plan["status"]) == (
        "it-band-6w",
        "Europe/Berlin",
        "active",
    )
    assert plan["start_date"] == "2026-03-02" and plan["stop_reason"] == ""
    assert [log["note"] for log in plan["logs"]] == ["Rosa's hip felt fine"] * 2
    clamshells = next(e for e in plan["exercises"] if e["exercise"] == "clamshells")
    assert clamshells["current_dose"]["text"] == "1 set of 15 per side"
    assert [(c["action"], c["decided_by"]) for c in clamshells["dose_history"]] == [
        ("start", None),
        ("override", "theo"),
    ]
    assert clamshells["dose_history"][1]["reason"] == "Steady, pain-free sessions."
    assert [r["sign"] for r in plan["red_flag_reports"]] == ["Calf pain with swelling and warmth"]
    assert {r["kind"]: r["local_time"] for r in plan["reminders"]} == {
        "reminder": "07:30",
        "progression": "07:30",
        "outcomes": "07:30",
        "nudge": "19:00",
    }
    assert plan["deliveries"] == [
        {
            "kind": "reminder",
            "channel": "email",
            "local_date": "2026-03-02",
            "state": "sent",
            "sent_at": None,
        }
    ]
    assert [n["title"] for n in data["notifications"]] == ["Today's exercises"]
    assert data["push_devices"] == []
    assert [(c["therapist"], c["status"]) for c in data["care_links"]] == [("theo", "active")]
    assert "Oscar" not in response.content.decode()


def test_the_export_holds_rosas_conversations_even_after_the_link_ended(people: People) -> None:
    conversation = messages.with_runner(people.theo, people.rosa.pk)
    messages.post(people.rosa, conversation.pk, "My hip aches", timezone.now())
    messages.post(people.theo, conversation.pk, "Ice it tonight", timezone.now())
    link = CareLink.objects.get(therapist=people.theo, runner=people.rosa)
    linking.end_link(people.rosa, link.pk, timezone.now())

    rosas = people.client("rosa").get("/api/v1/me/export").json()
    theos = people.client("theo").get("/api/v1/me/export").json()

    [held] = rosas["conversations"]
    assert (held["role"], held["therapist"], held["runner"], held["link_status"]) == (
        "runner",
        "theo",
        "rosa",
        "ended",
    )
    assert [(m["author"], m["body"]) for m in held["messages"]] == [
        ("rosa", "My hip aches"),
        ("theo", "Ice it tonight"),
    ]
    # Theo lost her data with the link: his export holds what he can still read, nothing.
    assert theos["conversations"] == []


def test_the_export_never_contains_the_calendar_address(people: People) -> None:
    CalendarFeed.objects.create(plan=people.rosa_plan, token="secret-calendar-token")

    response = people.client("rosa").get("/api/v1/me/export")

    assert "secret-calendar-token" not in response.content.decode()
    assert response.json()["plans"][0]["calendar_feed_since"]


def test_a_therapist_exports_the_links_to_their_patients(people: People) -> None:
    data = people.client("theo").get("/api/v1/me/export").json()

    assert data["plans"] == []
    assert [(c["role"], c["runner"]) for c in data["care_links"]] == [("therapist", "rosa")]


def test_the_export_as_collected_is_plain_json(people: People) -> None:
    log_days(people.rosa_plan, 3)

    text = json.dumps(export.collect(people.rosa, timezone.now()))

    assert json.loads(text)["plans"][0]["logs"][0]["day"] == "2026-03-02"


def test_signing_in_is_needed_to_export(people: People) -> None:
    assert people.client(None).get("/api/v1/me/export").status_code == 401


@pytest.mark.parametrize("size", ["small", "large"])
def test_the_export_costs_the_same_queries_however_long_the_history(
    people: People, django_assert_num_queries: Any, size: str
) -> None:
    client = people.client("rosa")
    if size == "large":
        second = factories.plan_for(people.rosa, people.rosa_plan.start_date + timedelta(weeks=6))
        log_days(people.rosa_plan, 30)
        log_days(second, 20)
        answer_both(people.rosa_plan, 3)
        answer_both(second, 2)
        theo_overrides_clamshells(people)
        Notification.objects.bulk_create(
            Notification(user=people.rosa, title=f"Day {n}", body="Clamshells") for n in range(10)
        )
        conversation = messages.with_runner(people.theo, people.rosa.pk)
        for n in range(10):
            messages.post(people.rosa, conversation.pk, f"Message {n}", timezone.now())
    else:
        log_days(people.rosa_plan, 1)

    # 1: the token, with its user
    # 2: the plans, with program, assigner and calendar feed
    # 3: the dose changes, with who decided
    # 4: the plans' exercises, with the exercise
    # 5: the session logs
    # 6: the warning-sign reports, with the sign
    # 6b: the outcome questionnaires
    # 7: the reminders
    # 8: the deliveries
    # 9: the notifications
    # 9b: the devices push reminders go to
    # 10: the care links, with both people
    # 11: the conversations, with both people; 12: their messages, with their authors
    # 13: the access records, with who looked
    # 14: the name the person chose, for the FHIR bundle (built from the plans, exercises,
    #     logs and questionnaire answers above)
    # 15: the warning-sign screenings, with who cleared them
    # 16: the alerts raised about the person, with who acknowledged them
    # 17: the return-to-run readiness checks
    with django_assert_num_queries(19):
        response = client.get("/api/v1/me/export")

    assert len(response.json()["plans"]) == (2 if size == "large" else 1)


# --- FHIR --------------------------------------------------------------------------------------


def test_rosas_fhir_bundle_is_hers_as_fhir_json(people: People) -> None:
    log_days(people.rosa_plan, 2, note="Rosa's hip felt fine")
    log_days(people.oscar_plan, 3, note="Oscar's knee")

    response = people.client("rosa").get("/api/v1/account/fhir")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "no-store" in response["Cache-Control"]
    bundle = Bundle.model_validate_json(response.content)
    kinds = Counter(entry.resource.get_resource_type() for entry in bundle.entry or [])
    # Two sessions with pain during (and none the next morning): two pain scores.
    assert kinds == Counter(Patient=1, CarePlan=1, Procedure=2, Observation=2)
    assert b"Rosa's hip felt fine" in response.content
    assert b"Oscar's knee" not in response.content
    [patient] = [e.resource for e in bundle.entry or [] if isinstance(e.resource, Patient)]
    assert [i.value for i in patient.identifier] == [str(people.rosa.pk)]


def test_rosas_fhir_bundle_has_her_questionnaires_and_not_oscars(people: People) -> None:
    answer_both(people.rosa_plan, 2)
    outcomes.answer(
        people.oscar,
        people.oscar_plan.pk,
        "psfs",
        factories.evening_of(people.oscar_plan, people.oscar_plan.start_date),
        activities=[("Oscar's hill repeats", 1), ("Kneeling", 2), ("Cycling", 3)],
    )

    response = people.client("rosa").get("/api/v1/account/fhir")

    bundle = Bundle.model_validate_json(response.content)
    kinds = Counter(entry.resource.get_resource_type() for entry in bundle.entry or [])
    assert kinds == Counter(Patient=1, CarePlan=1, Questionnaire=2, QuestionnaireResponse=4)
    assert b"Oscar's hill repeats" not in response.content
    assert {
        e.resource.name for e in bundle.entry or [] if isinstance(e.resource, Questionnaire)
    } == {"LEFS", "PSFS"}
    responses = [
        e.resource for e in bundle.entry or [] if isinstance(e.resource, QuestionnaireResponse)
    ]
    assert {r.status for r in responses} == {"completed"}


def test_the_fhir_bundle_needs_signing_in(people: People) -> None:
    assert people.client(None).get("/api/v1/account/fhir").status_code == 401


def test_the_export_holds_the_same_fhir_bundle(people: People) -> None:
    log_days(people.rosa_plan, 2)
    answer_both(people.rosa_plan, 2)
    client = people.client("rosa")

    exported = client.get("/api/v1/me/export").json()["fhir"]
    served = json.loads(client.get("/api/v1/account/fhir").content)

    bundle = Bundle.model_validate(exported)
    assert bundle.type == "collection"
    # The same resources under the same ids: only the instant each was made differs.
    exported.pop("timestamp"), served.pop("timestamp")
    assert exported == served
    # Patient, CarePlan, 2 Procedures, 2 Observations, 2 Questionnaires, 4 responses.
    assert len(exported["entry"]) == 1 + 1 + 2 + 2 + 2 + 4


@pytest.mark.parametrize("size", ["small", "large"])
def test_the_fhir_bundle_costs_the_same_queries_however_long_the_history(
    people: People, django_assert_num_queries: Any, size: str
) -> None:
    client = people.client("rosa")
    if size == "large":
        second = factories.plan_for(people.rosa, people.rosa_plan.start_date + timedelta(weeks=6))
        log_days(people.rosa_plan, 30)
        log_days(second, 20)
        answer_both(people.rosa_plan, 3)
        answer_both(second, 2)
    else:
        log_days(people.rosa_plan, 1)

    # 1: the token, with its user; 2: the name she chose; 3: the plans, with their program;
    # 4: the plans' exercises, with the exercise; 5: the session logs; 6: the questionnaire
    # answers
    with django_assert_num_queries(6):
        response = client.get("/api/v1/account/fhir")

    assert response.status_code == 200


# --- Deletion ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({}, "This field is required."),
        ({"password": "not-her-password"}, "That is not your password."),
        ({"password": ""}, "This field may not be blank."),
    ],
)
def test_deleting_needs_the_password_again(people: People, body: dict[str, str], rule: str) -> None:
    response = people.client("rosa").delete("/api/v1/me", body)

    assert response.status_code == 400
    assert response.json()["password"] == [rule]
    assert User.objects.filter(pk=people.rosa.pk).exists()
    assert Plan.objects.filter(user=people.rosa).exists()


def test_an_unknown_field_stops_the_deletion(people: People) -> None:
    response = people.client("rosa").delete(
        "/api/v1/me", {"password": "rosa-pass-4242", "confirm": True}
    )

    assert response.status_code == 400
    assert "confirm" in response.json()
    assert User.objects.filter(pk=people.rosa.pk).exists()


def test_anonymous_callers_cannot_delete_anything(people: People) -> None:
    assert people.client(None).delete("/api/v1/me", {"password": "x"}).status_code == 401


def test_deleting_the_account_leaves_nothing_of_rosa(people: People) -> None:
    rosa = people.rosa
    plan = people.rosa_plan
    log_days(plan, 3)
    RedFlagReport.objects.create(plan=plan, red_flag=factories.calf_swelling(), day=plan.start_date)
    delivery = Delivery.objects.create(
        plan=plan, kind=Reminder.Kind.REMINDER, local_date=plan.start_date, due_at=timezone.now()
    )
    Notification.objects.create(user=rosa, delivery=delivery, title="Today", body="Clamshells")
    CalendarFeed.objects.create(plan=plan, token="rosas-feed")
    # Rosa is also someone's therapist, so her links go both ways.
    CareLink.objects.create(therapist=rosa, runner=people.oscar, status=CareLink.Status.INVITED)
    conversation = messages.with_runner(people.theo, rosa.pk)
    messages.post(rosa, conversation.pk, "My hip aches", timezone.now())
    messages.post(people.theo, conversation.pk, "Ice it", timezone.now())
    browser = APIClient()
    assert browser.login(username="rosa", password="rosa-pass-4242")
    client = people.client("rosa")
    plan_ids = [plan.pk]
    item_ids = list(PlanExercise.objects.filter(plan__in=plan_ids).values_list("pk", flat=True))
    theirs = {
        "plans": Plan.objects.filter(user=rosa),
        "plan exercises": PlanExercise.objects.filter(pk__in=item_ids),
        "dose changes": DoseChange.objects.filter(plan_exercise__in=item_ids),
        "session logs": SessionLog.objects.filter(plan__in=plan_ids),
        "red flag reports": RedFlagReport.objects.filter(plan__in=plan_ids),
        "reminders": Reminder.objects.filter(plan__in=plan_ids),
        "deliveries": Delivery.objects.filter(plan__in=plan_ids),
        "calendar feeds": CalendarFeed.objects.filter(plan__in=plan_ids),
        "notifications": Notification.objects.filter(user=rosa),
        "care links": CareLink.objects.filter(Q(runner=rosa) | Q(therapist=rosa)),
        "conversations": Conversation.objects.filter(pk=conversation.pk),
        "messages": Message.objects.filter(conversation=conversation.pk),
        # Theo's notice of her message named her.
        "notices of her messages": Notification.objects.filter(message__author=rosa),
        "emails of her messages": Delivery.objects.filter(conversation=conversation.pk),
        "tokens": AuthToken.objects.filter(user=rosa),
        "users": User.objects.filter(pk=rosa.pk),
    }
    assert all(rows.exists() for rows in theirs.values())
    assert rosas_sessions(rosa.pk)

    response = client.delete("/api/v1/me", {"password": "rosa-pass-4242"})

    assert response.status_code == 204
    left = {name: rows.count() for name, rows in theirs.items() if rows.exists()}
    assert left == {}
    assert rosas_sessions(rosa.pk) == []
    # Everyone else's data stays.
    assert Plan.objects.filter(user=people.oscar).exists()
    assert CareLink.objects.filter(therapist=people.theo).count() == 0


def test_the_old_token_and_session_stop_working_at_once(people: People) -> None:
    client = people.client("rosa")
    browser = APIClient()
    browser.login(username="rosa", password="rosa-pass-4242")

    assert client.delete("/api/v1/me", {"password": "rosa-pass-4242"}).status_code == 204

    assert client.get("/api/v1/me").status_code == 401
    assert client.get(f"/api/v1/plans/{people.rosa_plan.pk}").status_code == 401
    assert browser.get("/api/v1/me").status_code in (401, 403)


def test_a_session_signed_in_person_can_delete_their_account(people: People) -> None:
    browser = APIClient()
    browser.login(username="oscar", password="oscar-pass-4242")

    response = browser.delete("/api/v1/me", {"password": "oscar-pass-4242"})

    assert response.status_code == 204
    assert not User.objects.filter(username="oscar").exists()
    assert rosas_sessions(people.oscar.pk) == []


def test_a_therapist_who_leaves_keeps_the_patients_plans_and_reasons(people: People) -> None:
    theo_overrides_clamshells(people)

    response = people.client("theo").delete("/api/v1/me", {"password": "theo-pass-4242"})

    assert response.status_code == 204
    assert not CareLink.objects.filter(runner=people.rosa).exists()
    override = DoseChange.objects.get(
        plan_exercise__plan=people.rosa_plan, action=DoseChange.Action.OVERRIDE
    )
    assert override.decided_by is None
    assert override.reason == "Steady, pain-free sessions."
    assert people.client("rosa").get(f"/api/v1/plans/{people.rosa_plan.pk}").status_code == 200


def test_reading_who_i_am_still_works(people: People) -> None:
    response = people.client("rosa").get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == "rosa"


def test_the_export_holds_her_outcome_questionnaires(people: People) -> None:
    client = people.client("rosa")
    url = f"/api/v1/plans/{people.rosa_plan.pk}/questionnaires"
    client.post(url, {"measure": "lefs", "items": [3] * 20}, format="json")

    exported = client.get("/api/v1/me/export").json()

    (answer,) = exported["plans"][0]["questionnaires"]
    assert answer["measure"] == "lefs"
    assert answer["total"] == 60
    assert answer["items"] == [3] * 20
