"""Therapists and patients: invitations, consent, ending a link, the patient list and
programs a therapist assigns.

People (tests/personas.py): Rosa and Theo are linked; Oscar has a plan and no therapist; Uma
is a therapist nobody has linked to; Alice is an admin but not a therapist.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from planner.engine import schedule
from planner.models import CareLink, Notification, Plan, SessionLog
from planner.plans import daily
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def progress_url(plan: Plan) -> str:
    return f"/api/v1/plans/{plan.pk}/progress"


def invite(people, by: str, runner: str):
    return people.client(by).post("/api/v1/invitations", {"runner": runner})


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


# --- Invitations and consent ------------------------------------------------------------------


def test_invitation_life_cycle(people) -> None:
    uma, oscar = people.client("uma"), people.client("oscar")

    sent = invite(people, "uma", "OSCAR@example.com")
    # By email: accepted alike whoever has the address; Uma sees the address, not the account.
    assert sent.status_code == 202 and sent.json()["invited"] == "OSCAR@example.com"
    (by_email,) = uma.get("/api/v1/email-invitations").json()["results"]
    assert (by_email["email"], by_email["status"]) == ("OSCAR@example.com", "waiting")
    assert Notification.objects.filter(user=people.oscar).count() == 1

    # Oscar sees it waiting; nobody else sees it.
    (invitation,) = oscar.get("/api/v1/invitations").json()["results"]
    assert invitation["status"] == "invited" and invitation["therapist"]["username"] == "uma"
    assert uma.get("/api/v1/invitations").json()["results"] == []
    assert people.client("rosa").get("/api/v1/invitations").json()["results"] == []

    # No consent yet: Oscar's plan is as if it did not exist for Uma.
    assert uma.get(progress_url(people.oscar_plan)).status_code == 404
    assert uma.get("/api/v1/patients").json()["results"] == []

    accepted = oscar.post(f"/api/v1/invitations/{invitation['id']}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "active"
    assert accepted.json()["responded_at"] is not None

    assert uma.get(progress_url(people.oscar_plan)).status_code == 200
    assert [p["username"] for p in uma.get("/api/v1/patients").json()["results"]] == ["oscar"]
    assert oscar.get("/api/v1/invitations").json()["results"] == []  # answered: no longer waiting
    links = oscar.get("/api/v1/care-links").json()["results"]
    assert [(link["therapist"]["username"], link["status"]) for link in links] == [
        ("uma", "active")
    ]

    # Oscar ends it: from then on Uma sees nothing of him.
    assert oscar.delete(f"/api/v1/care-links/{invitation['id']}").status_code == 204
    assert uma.get(progress_url(people.oscar_plan)).status_code == 404
    assert uma.get("/api/v1/patients").json()["results"] == []
    assert uma.get("/api/v1/care-links").json()["results"] == []
    link = CareLink.objects.get(pk=invitation["id"])
    assert (link.status, link.ended_at is not None) == ("ended", True)


def test_therapist_can_end_the_link_too(people) -> None:
    theo = people.client("theo")
    link = theo.get("/api/v1/care-links").json()["results"][0]
    assert link["runner"]["username"] == "rosa"
    assert theo.get(progress_url(people.rosa_plan)).status_code == 200

    assert theo.delete(f"/api/v1/care-links/{link['id']}").status_code == 204

    assert theo.get(progress_url(people.rosa_plan)).status_code == 404
    assert people.client("rosa").get("/api/v1/care-links").json()["results"] == []
    # Ended is final: ending again finds nothing open.
    assert theo.delete(f"/api/v1/care-links/{link['id']}").status_code == 404


def test_declining_keeps_the_runner_private_and_rests_a_month(people) -> None:
    invitation = invite(people, "uma", "oscar").json()

    declined = people.client("oscar").post(f"/api/v1/invitations/{invitation['id']}/decline")

    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert people.client("uma").get(progress_url(people.oscar_plan)).status_code == 404
    # Uma still sees her sent invitation, answered.
    sent = people.client("uma").get("/api/v1/invitations").json()["results"]
    assert [i["status"] for i in sent] == ["declined"]
    # Not asked again at once (tests/planner/accounts: and again after a month).
    again = invite(people, "uma", "oscar")
    assert again.status_code == 400 and "declined your last invitation" in again.json()["runner"][0]


@pytest.mark.parametrize("who", ["uma", "theo", "rosa", "alice"])
def test_only_the_invited_runner_may_answer(people, who: str) -> None:
    invitation = invite(people, "uma", "oscar").json()

    for answer in ("accept", "decline"):
        response = people.client(who).post(f"/api/v1/invitations/{invitation['id']}/{answer}")
        assert response.status_code == 404
    assert CareLink.objects.get(pk=invitation["id"]).status == "invited"


def test_an_invitation_is_answered_once(people) -> None:
    invitation = invite(people, "uma", "oscar").json()
    oscar = people.client("oscar")
    oscar.post(f"/api/v1/invitations/{invitation['id']}/accept")

    again = oscar.post(f"/api/v1/invitations/{invitation['id']}/decline")

    assert again.status_code == 400
    assert "status" in again.json()
    assert CareLink.objects.get(pk=invitation["id"]).status == "active"


def test_an_outsider_cannot_end_a_link(people) -> None:
    link = CareLink.objects.get(therapist=people.theo, runner=people.rosa)

    for who in ("uma", "oscar"):
        assert people.client(who).delete(f"/api/v1/care-links/{link.pk}").status_code == 404
    assert CareLink.objects.get(pk=link.pk).status == "active"


@pytest.mark.parametrize("who", ["rosa", "alice"])
def test_only_therapists_invite_list_patients_or_assign(people, who: str) -> None:
    client = people.client(who)

    assert invite(people, who, "oscar").status_code == 403
    assert client.get("/api/v1/patients").status_code == 403
    assigned = client.post(
        f"/api/v1/patients/{people.oscar.pk}/plans",
        {"program": "it-band-6w", "start_date": str(berlin_today()), "time_zone": "Europe/Berlin"},
    )
    assert assigned.status_code == 403
    assert not CareLink.objects.filter(runner=people.oscar).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"runner": "nobody-by-that-name"}, "runner"),
        # An email nobody confirmed is no error: the answer must not tell (test_accounts.py).
        ({"runner": "rosa"}, "runner"),  # Theo and Rosa are already linked
        ({"runner": "theo"}, "runner"),  # oneself
        ({"runner": ""}, "runner"),
        ({}, "runner"),
        ({"runner": "oscar", "message": "hi"}, "message"),
    ],
)
def test_bad_invitations_name_the_field(people, body: dict, field: str) -> None:
    response = people.client("theo").post("/api/v1/invitations", body)

    assert response.status_code == 400
    assert field in response.json()
    assert CareLink.objects.filter(therapist=people.theo).count() == 1


def test_a_pending_invitation_cannot_be_sent_twice(people) -> None:
    assert invite(people, "uma", "oscar").status_code == 201

    again = invite(people, "uma", "oscar")

    assert again.status_code == 400
    assert "already" in again.json()["runner"][0]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/invitations"),
        ("post", "/api/v1/invitations"),
        ("post", "/api/v1/invitations/1/accept"),
        ("get", "/api/v1/care-links"),
        ("delete", "/api/v1/care-links/1"),
        ("get", "/api/v1/patients"),
        ("post", "/api/v1/patients/1/plans"),
    ],
)
def test_anonymous_gets_401(people, method: str, path: str) -> None:
    assert getattr(people.client(None), method)(path).status_code == 401


def test_lists_pin_their_query_count(people, django_assert_num_queries) -> None:
    for n in range(3):
        factories.person(f"runner{n}")
        invite(people, "uma", f"runner{n}")

    uma, theo = people.client("uma"), people.client("theo")
    for path in ("/api/v1/invitations", "/api/v1/care-links"):
        # 1. the token and its user, 2. the count, 3. the page with both people of each link
        with django_assert_num_queries(3):
            assert len(uma.get(path).json()["results"]) == 3
        with django_assert_num_queries(3):
            assert len(theo.get(path).json()["results"]) == 1


# --- The patient list -------------------------------------------------------------------------


def patient(people, username: str) -> Plan:
    """A runner linked to Theo, on a plan that began 20 days ago."""
    runner = factories.person(username)
    CareLink.objects.create(therapist=people.theo, runner=runner, status=CareLink.Status.ACTIVE)
    return factories.plan_for(runner, berlin_today() - timedelta(days=20))


def log_every_session(plan: Plan, pains: list[int]) -> None:
    """Every exercise due on the last len(pains) days logged done, at that day's pain."""
    today = berlin_today()
    for back, pain in zip(range(len(pains) - 1, -1, -1), pains, strict=True):
        for card in daily.plan_day(plan, today - timedelta(days=back)).exercises:
            SessionLog.objects.create(
                plan=plan,
                plan_exercise=card.plan_exercise,
                day=today - timedelta(days=back),
                done=True,
                pain_during=pain,
            )


def test_patients_needing_attention_come_first(people) -> None:
    fine = patient(people, "fiona")
    log_every_session(fine, [1] * 14)
    patient(people, "ravi")  # nothing logged for two weeks
    rising = patient(people, "quinn")
    log_every_session(rising, [2, 2, 2, 4, 4, 4])
    flagged = patient(people, "pat")
    log_every_session(flagged, [2] * 14)
    # A warning sign reported today stops Pat's plan, however well the rest went.
    factories.log_session(
        plan=flagged,
        plan_exercise=flagged.exercises.get(exercise__slug="piriformis-stretch"),
        day=berlin_today() - timedelta(days=1),
        today=berlin_today(),
        done=False,
        red_flag=factories.calf_swelling(),
    )

    rows = people.client("theo").get("/api/v1/patients").json()["results"]

    assert [r["username"] for r in rows] == ["pat", "quinn", "ravi", "fiona", "rosa"]
    by_name = {r["username"]: r for r in rows}
    assert by_name["pat"]["open_red_flags"] == 1
    assert by_name["pat"]["active_plans"] == []  # stopped
    assert by_name["pat"]["adherence"] is None
    assert by_name["quinn"]["pain_rising"] is True
    assert by_name["quinn"]["last_pain_during"] == {"day": str(berlin_today()), "value": 4}
    # Nothing logged in two weeks: 13 days missed, and today still due (not missed yet).
    assert by_name["ravi"]["adherence"]["missed"] == 13
    assert by_name["ravi"]["adherence"]["due"] == 13
    assert by_name["ravi"]["last_pain_during"] is None
    assert by_name["fiona"]["adherence"] == {
        "first_day": str(berlin_today() - timedelta(days=13)),
        "due": 14,
        "done": 14,
        "partial": 0,
        "missed": 0,
        "ratio": 1.0,
    }
    assert by_name["fiona"]["pain_rising"] is False
    assert by_name["fiona"]["active_plans"] == [
        {
            "id": fine.pk,
            "program": "it-band-6w",
            "program_name": "IT band syndrome: home program",
            "adherence": by_name["fiona"]["adherence"],  # her one plan is the whole of it
            "outcomes": [],  # no questionnaire answered twice yet
        }
    ]
    assert by_name["fiona"]["name"] == "fiona"  # no name chosen: the username


def test_patient_list_query_count_does_not_grow(people, django_assert_num_queries) -> None:
    def add_patients(names: list[str]) -> None:
        for name in names:
            plan = patient(people, name)
            log_every_session(plan, [2, 3, 2, 3])

    client = people.client("theo")
    # 1. the token and its user
    # 2. Theo's therapist role
    # 3. his active links with each runner's name and, per plan, when it and its logs last
    #    changed and its open red-flag reports (the keys of the cached rows)
    # 4. their plans with the program and each plan's open red-flag reports counted
    # 5. the exercises of the active plans, each with its recent days logged done
    # 6. per plan, the worst pain of the latest logged days
    # 7. the active plans' outcome questionnaires (their change since the start)
    # 8. the access record of every patient listed, one INSERT (audit)
    # Asked again with nothing changed, every row comes from the cache: 4 to 7 are saved.
    add_patients(["ann"])  # with Rosa: two patients
    with django_assert_num_queries(8):
        assert len(client.get("/api/v1/patients").json()["results"]) == 2
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/patients").json()["results"]) == 2
    add_patients(["bea", "cal", "dan", "eve"])
    with django_assert_num_queries(8):
        assert len(client.get("/api/v1/patients").json()["results"]) == 6
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/patients").json()["results"]) == 6


def test_the_patient_list_reads_the_same_from_the_cache_in_pages_and_in_the_browser(
    people,
) -> None:
    for name in ["ann", "bea"]:
        log_every_session(patient(people, name), [2, 3, 2, 3])
    client = people.client("theo")
    worked_out = client.get("/api/v1/patients")
    cached = client.get("/api/v1/patients")
    # Kept rendered, the rows are sent exactly as they were worked out.
    assert cached.content == worked_out.content
    everyone = [row["username"] for row in cached.json()["results"]]
    assert len(everyone) == 3
    second = client.get("/api/v1/patients?limit=1&offset=1").json()
    assert [row["username"] for row in second["results"]] == everyone[1:2]
    assert second["count"] == 3
    assert "offset=2" in second["next"] and "limit=1" in second["previous"]
    indented = client.get("/api/v1/patients", HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "count": 3')
    assert indented.json() == cached.json()
    browsable = client.get("/api/v1/patients", HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200
    assert all(name in browsable.content.decode() for name in everyone)


# --- Assigning a program ----------------------------------------------------------------------


def assign(people, who: str, runner_id: int, **fields):
    body = {
        "program": "it-band-6w",
        "start_date": str(berlin_today()),
        "time_zone": "Europe/Berlin",
        "reminder_time": "18:15",
        **fields,
    }
    return people.client(who).post(f"/api/v1/patients/{runner_id}/plans", body)


def test_therapist_assigns_a_program_to_a_linked_runner(people) -> None:
    factories.screened(people.rosa)
    # Rosa's plan runs: Theo must say what becomes of it, by name of the field.
    asked = assign(people, "theo", people.rosa.pk)
    assert asked.status_code == 400 and "IT band syndrome" in asked.json()["running"][0]
    assert Plan.objects.filter(user=people.rosa).count() == 1  # nothing half made
    response = assign(people, "theo", people.rosa.pk, running="end")

    assert response.status_code == 201
    # The plan she had is ended, not left running beside the new one.
    assert list(
        Plan.objects.filter(user=people.rosa, status="active").values_list("pk", flat=True)
    ) == [response.json()["id"]]
    body = response.json()
    start = berlin_today()
    assert body["program"] == "it-band-6w"
    assert body["start_date"] == str(start)
    assert body["planned_end"] == str(start + timedelta(weeks=6, days=-1))
    plan = Plan.objects.get(pk=body["id"])
    assert (plan.user, plan.assigned_by) == (people.rosa, people.theo)
    assert plan.reminders.get(kind="reminder").local_time.strftime("%H:%M") == "18:15"
    # Rosa sees it as hers.
    assert people.client("rosa").get(progress_url(plan)).status_code == 200


def test_a_program_waits_for_the_runners_warning_sign_screening(people) -> None:
    # Rosa's screening started her first plan: a new one needs new answers. 409, saying what
    # is missing.
    plans = Plan.objects.filter(user=people.rosa).count()
    refused = assign(people, "theo", people.rosa.pk)
    assert refused.status_code == 409
    assert refused.json()["missing"] == "screening"
    assert "Answer the warning-sign questions again" in refused.json()["detail"]
    assert Plan.objects.filter(user=people.rosa).count() == plans
    # A sign to see a clinician about: still 409 until a clinician's clearance is recorded.
    sign = factories.screened(people.rosa)
    sign.verdict = "see_clinician"
    sign.save()
    assert assign(people, "theo", people.rosa.pk).json()["missing"] == "clinician_clearance"
    cleared = people.client("theo").post(
        f"/api/v1/screenings/{sign.pk}/clearance",
        {"note": "Seen by Dr Weber on Monday: runner's knee, exercise cleared."},
        format="json",
    )
    assert cleared.status_code == 200 and cleared.json()["cleared_by"] == "theo"
    assert assign(people, "theo", people.rosa.pk, running="keep").status_code == 201


@pytest.mark.parametrize("runner", ["oscar", "rosa"])
def test_assigning_to_a_runner_not_linked_is_404(people, runner: str) -> None:
    # Uma is linked to nobody; Oscar has no therapist at all.
    response = assign(people, "uma", getattr(people, runner).pk)

    assert response.status_code == 404
    assert not Plan.objects.filter(assigned_by=people.uma).exists()


def test_an_invited_runner_is_not_linked_yet(people) -> None:
    invite(people, "uma", "oscar")

    assert assign(people, "uma", people.oscar.pk).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"program": "no-such-program"}, "program"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"reminder_time": "7pm"}, "reminder_time"),
        ({"reminder_time": "25:00"}, "reminder_time"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"start_date": "2020-01-01"}, "start_date"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_assignment_errors_name_the_field(people, fields: dict, field: str) -> None:
    before = Plan.objects.count()

    response = assign(people, "theo", people.rosa.pk, **fields)

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Plan.objects.count() == before


def test_a_withdrawn_invitation_cannot_be_accepted(people) -> None:
    invitation = invite(people, "theo", "oscar").json()

    # Theo's pending invitation to Oscar gives Theo nothing.
    theo = people.client("theo")
    assert theo.get(progress_url(people.oscar_plan)).status_code == 404
    assert [p["username"] for p in theo.get("/api/v1/patients").json()["results"]] == ["rosa"]

    # Withdrawing it (ending the open invitation) leaves nothing to accept.
    assert theo.delete(f"/api/v1/care-links/{invitation['id']}").status_code == 204
    accept = people.client("oscar").post(f"/api/v1/invitations/{invitation['id']}/accept")
    assert accept.status_code == 400
    assert theo.get(progress_url(people.oscar_plan)).status_code == 404


def test_a_therapist_whose_role_is_taken_away_loses_access_at_once(people: People) -> None:
    people.theo.groups.clear()

    plan = people.client("theo").get(f"/api/v1/plans/{people.rosa_plan.pk}")
    listed = people.client("theo").get("/api/v1/plans").json()["results"]

    assert plan.status_code == 404
    assert listed == []


def test_an_invitation_from_someone_no_longer_a_therapist_cannot_be_accepted(
    people: People,
) -> None:
    invitation = people.client("uma").post("/api/v1/invitations", {"runner": "oscar"}).json()
    people.uma.groups.clear()

    answer = people.client("oscar").post(f"/api/v1/invitations/{invitation['id']}/accept")

    assert answer.status_code == 400
    assert "no longer a therapist" in answer.json()["status"][0]


def test_the_patient_list_shows_each_measures_change_since_the_start(people) -> None:
    theo, rosa = people.client("theo"), people.client("rosa")
    plan = factories.plan_for(people.rosa, berlin_today() - timedelta(days=3))
    questionnaires = f"/api/v1/plans/{plan.pk}/questionnaires"
    rosa.post(questionnaires, {"measure": "lefs", "items": [3] * 20}, format="json")

    def rosas_plan_row() -> dict[str, object]:
        rows = theo.get("/api/v1/patients").json()["results"]
        row = next(r for r in rows if r["username"] == "rosa")
        return next(p for p in row["active_plans"] if p["id"] == plan.pk)

    # One answer is no change yet; the row is cached now.
    assert rosas_plan_row()["outcomes"] == []
    # The second answer reaches the cached row (it touches the plan, one of the list's marks).
    rosa.post(questionnaires, {"measure": "lefs", "items": [3] * 8 + [4] * 12}, format="json")
    assert rosas_plan_row()["outcomes"] == [
        {"measure": "lefs", "first": 60.0, "latest": 72.0, "change": 12.0, "meaningful": True}
    ]
    # And on the patient list page, beside the plan.
    on_page = Client()
    on_page.force_login(people.theo)
    assert (
        "LEFS 60 → 72 (<strong>+12</strong>, meaningful)"
        in on_page.get("/patients/").content.decode()
    )
