"""Warning signs over the API: the screening before any plan (409 without one that allows
it), the clearance, the weekly check-in that stops a plan, its resumption, and the alerts a
therapist acknowledges."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from planner.engine import schedule
from planner.models import Alert, Delivery, DoseChange, Plan, Screening
from tests import factories
from tests.personas import People

START = {"program": "it-band-6w", "time_zone": "Europe/Berlin", "reminder_time": "07:30"}


@pytest.fixture
def signs(people: People) -> tuple[str, str]:
    return factories.calf_swelling().slug, factories.lingering_pain().slug


def answer(people: People, who: str, **answers: bool) -> Any:
    return people.client(who).post("/api/v1/screenings", {"answers": answers}, format="json")


def start_plan(people: People, who: str = "oscar") -> Any:
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    return people.client(who).post(
        "/api/v1/plans", {**START, "start_date": today.isoformat()}, format="json"
    )


def no_to_all(signs: tuple[str, str]) -> dict[str, bool]:
    return dict.fromkeys(signs, False)


def test_a_plan_needs_a_screening_that_allows_it(people: People, signs: tuple[str, str]) -> None:
    # Oscar, new here: no plan, no screening.
    Plan.objects.filter(user=people.oscar).delete()
    Screening.objects.filter(user=people.oscar).delete()
    refused = start_plan(people)
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Answer the warning-sign questions before starting a plan.",
        "missing": "screening",
        "screenings": "/api/v1/screenings",
    }
    screened = answer(people, "oscar", **no_to_all(signs))
    assert screened.status_code == 201 and screened.json()["verdict"] == "clear"
    assert screened.json()["call_for_help"] is None
    assert start_plan(people).status_code == 201
    # Each plan starts on answers of its own.
    assert start_plan(people).json()["missing"] == "screening"


def test_every_question_asked_must_be_answered(people: People, signs: tuple[str, str]) -> None:
    dvt, _ = signs
    response = answer(people, "oscar", **{dvt: False})
    assert response.status_code == 400
    assert "not answered" in response.json()["answers"][0]
    # Nothing new is stored: Oscar's only screening is the one his plan started on.
    assert not Screening.objects.filter(user=people.oscar, used_by__isnull=True).exists()


def test_an_emergency_is_recorded_alerts_the_therapist_and_outlasts_a_no(
    people: People, signs: tuple[str, str]
) -> None:
    dvt, lingering = signs
    emergency = answer(people, "rosa", **{dvt: True, lingering: False})
    body = emergency.json()
    assert body["verdict"] == "emergency"
    assert body["call_for_help"] == "tel:112"
    assert body["signs"][0]["advice"] == "This may be a blood clot (DVT): seek emergency care."
    alert = Alert.objects.get(runner=people.rosa)
    assert (alert.kind, alert.urgency) == ("warning_sign", "emergency")
    # One delivery to Rosa's therapist, pending for the dispatcher's next tick.
    assert list(
        Delivery.objects.filter(alert=alert).values_list("recipient__username", "state")
    ) == [("theo", "pending")]

    # Answering "no" to everything a moment later does not wipe it out.
    answer(people, "rosa", **no_to_all(signs))
    permission = people.client("rosa").get("/api/v1/screenings/permission").json()
    assert permission["missing"] == "emergency_assessment"
    assert start_plan(people, "rosa").status_code == 409

    # Once Rosa states that a clinician assessed her, it is recorded and she may go on.
    empty = people.client("rosa").post(
        f"/api/v1/screenings/{body['id']}/clearance", {"note": " "}, format="json"
    )
    assert empty.status_code == 400 and "note" in empty.json()
    cleared = people.client("rosa").post(
        f"/api/v1/screenings/{body['id']}/clearance",
        {"note": "Seen in the emergency department on Friday: no clot."},
        format="json",
    )
    assert cleared.status_code == 200
    assert cleared.json()["cleared_by"] == "rosa" and cleared.json()["cleared_at"]
    assert people.client("rosa").get("/api/v1/screenings/permission").json()["allowed"]


def test_only_the_runner_or_their_therapist_clears(people: People, signs: tuple[str, str]) -> None:
    dvt, lingering = signs
    screening = answer(people, "rosa", **{dvt: False, lingering: True}).json()
    for who in ("uma", "oscar"):
        response = people.client(who).post(
            f"/api/v1/screenings/{screening['id']}/clearance", {"note": "fine"}, format="json"
        )
        assert response.status_code == 404
    assert Screening.objects.get(pk=screening["id"]).cleared_at is None


def test_a_sign_at_the_check_in_stops_the_plan_as_urgent_as_the_sign(
    people: People, signs: tuple[str, str]
) -> None:
    dvt, lingering = signs
    plan = people.rosa_plan
    response = people.client("rosa").post(
        f"/api/v1/plans/{plan.pk}/check-ins",
        {"answers": {dvt: True, lingering: False}},
        format="json",
    )
    assert response.status_code == 201
    plan.refresh_from_db()
    assert (plan.status, plan.stop_urgency) == ("stopped", "emergency")
    assert plan.stop_advice == "This may be a blood clot (DVT): seek emergency care."
    detail = people.client("rosa").get(f"/api/v1/plans/{plan.pk}").json()
    assert (detail["stop_urgency"], detail["stop_advice"]) == ("emergency", plan.stop_advice)
    assert Alert.objects.get(plan=plan).urgency == "emergency"
    # Only the runner checks in.
    theo = people.client("theo").post(
        f"/api/v1/plans/{plan.pk}/check-ins", {"answers": {}}, format="json"
    )
    assert theo.status_code == 403


def test_a_stopped_plan_resumes_after_clearance_one_step_lower(
    people: People, signs: tuple[str, str]
) -> None:
    dvt, lingering = signs
    plan = people.rosa_plan
    people.client("rosa").post(
        f"/api/v1/plans/{plan.pk}/check-ins",
        {"answers": {dvt: False, lingering: True}},
        format="json",
    )
    shells = plan.exercises.get(exercise__slug="clamshells")
    shells.amount = 20
    shells.save()
    not_linked = people.client("uma").post(
        f"/api/v1/plans/{plan.pk}/resume", {"note": "ok", "step_down": True}, format="json"
    )
    assert not_linked.status_code == 404
    resumed = people.client("theo").post(
        f"/api/v1/plans/{plan.pk}/resume",
        {
            "note": "Assessed today: patellar tendon irritation, exercise cleared.",
            "step_down": True,
        },
        format="json",
    )
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "active" and resumed.json()["stop_urgency"] == ""
    change = DoseChange.objects.get(plan_exercise=shells, action="resume")
    assert (change.old_amount, change.new_amount, change.decided_by) == (20, 15, people.theo)
    assert "cleared by their therapist theo" in change.reason
    # The check-in that stopped it is cleared with the same words.
    assert Screening.objects.get(check_in_of=plan).clearance_note.startswith("Assessed today")
    again = people.client("rosa").post(
        f"/api/v1/plans/{plan.pk}/resume", {"note": "x"}, format="json"
    )
    assert again.status_code == 400 and "only a stopped plan" in again.json()["plan"][0]


def test_the_therapist_acknowledges_an_alert_and_the_runner_reads_it(
    people: People, signs: tuple[str, str]
) -> None:
    dvt, lingering = signs
    answer(people, "rosa", **{dvt: False, lingering: True})
    (listed,) = people.client("theo").get("/api/v1/alerts").json()
    assert listed["runner"] == "rosa" and listed["acknowledged_at"] is None
    assert people.client("uma").get("/api/v1/alerts").json() == []
    empty = people.client("theo").post(
        f"/api/v1/alerts/{listed['id']}/acknowledge", {"note": ""}, format="json"
    )
    assert empty.status_code == 400 and "note" in empty.json()
    acknowledged = people.client("theo").post(
        f"/api/v1/alerts/{listed['id']}/acknowledge",
        {"note": "Called Rosa: see her GP this week; I will hold the plan."},
        format="json",
    )
    assert acknowledged.status_code == 200
    (seen,) = people.client("rosa").get("/api/v1/alerts").json()
    assert seen["acknowledgement"] == "Called Rosa: see her GP this week; I will hold the plan."
    assert seen["acknowledged_by"] == "theo"
    uma = people.client("uma").post(
        f"/api/v1/alerts/{listed['id']}/acknowledge", {"note": "x"}, format="json"
    )
    assert uma.status_code == 404


def test_a_plan_stopped_for_a_sign_blocks_a_new_one_until_it_resumes(
    people: People, signs: tuple[str, str]
) -> None:
    dvt, lingering = signs
    people.client("rosa").post(
        f"/api/v1/plans/{people.rosa_plan.pk}/check-ins",
        {"answers": {dvt: True, lingering: False}},
        format="json",
    )
    answer(people, "rosa", **no_to_all(signs))
    refused = start_plan(people, "rosa")
    assert refused.status_code == 409 and refused.json()["missing"] == "emergency_assessment"


def test_a_clearance_covers_the_same_sign_answered_again(
    people: People, signs: tuple[str, str]
) -> None:
    dvt, lingering = signs
    first = answer(people, "oscar", **{dvt: False, lingering: True}).json()
    people.client("oscar").post(
        f"/api/v1/screenings/{first['id']}/clearance",
        {"note": "My GP, Tuesday: an old ache, exercise is fine."},
        format="json",
    )
    again = answer(people, "oscar", **{dvt: False, lingering: True}).json()
    assert again["cleared_at"] and again["clearance_note"].startswith("Covered by the clearance")
    # Only what was cleared: a new sign needs its own clearance.
    emergency = answer(people, "oscar", **{dvt: True, lingering: True}).json()
    assert emergency["verdict"] == "emergency" and emergency["cleared_at"] is None


def test_one_screening_starts_one_plan_even_when_sent_twice(
    people: People, signs: tuple[str, str]
) -> None:
    from planner.safety import screenings

    Plan.objects.filter(user=people.oscar).delete()
    answer(people, "oscar", **no_to_all(signs))
    first = start_plan(people)
    assert first.status_code == 201
    # A second start that passed the check at the same moment finds the answers taken.
    with pytest.raises(screenings.ScreeningRequired):
        screenings.mark_used(people.oscar, Plan.objects.get(pk=first.json()["id"]))


def test_resuming_leaves_an_exercise_that_has_not_started_alone(
    people: People, signs: tuple[str, str]
) -> None:
    dvt, lingering = signs
    plan = people.rosa_plan
    later = plan.exercises.get(exercise__slug="piriformis-stretch")
    starts = schedule.local_date(timezone.now(), plan.time_zone) + timedelta(weeks=2)
    plan.exercises.filter(pk=later.pk).update(dose_since=starts)
    people.client("rosa").post(
        f"/api/v1/plans/{plan.pk}/check-ins",
        {"answers": {dvt: False, lingering: True}},
        format="json",
    )
    people.client("theo").post(
        f"/api/v1/plans/{plan.pk}/resume", {"note": "Cleared.", "step_down": True}, format="json"
    )
    later.refresh_from_db()
    assert later.dose_since == starts
    assert not DoseChange.objects.filter(plan_exercise=later, action="resume").exists()
