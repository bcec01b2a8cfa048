"""The therapist's pages: the patient list, invitations, a patient's page, assigning and
tailoring programs, and printable handouts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from planner.engine import schedule
from planner.models import (
    Alert,
    CareLink,
    EmailInvitation,
    Notification,
    Plan,
    SessionLog,
)
from planner.plans import daily, decisions, lifecycle, readiness
from planner.safety import screenings
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db

ADHERENCE = re.compile(r'<p class="plan-adherence">(.*?)</p>', re.DOTALL)


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def patient(people: People, username: str, days_ago: int = 20) -> Plan:
    """A runner linked to Theo, on a plan that began `days_ago` days ago (Berlin)."""
    runner = factories.person(username)
    CareLink.objects.create(therapist=people.theo, runner=runner, status=CareLink.Status.ACTIVE)
    return factories.plan_for(runner, berlin_today() - timedelta(days=days_ago))


def current_plan_of_rosa(people: People) -> Plan:
    return factories.plan_for(people.rosa, berlin_today() - timedelta(days=3))


def log(plan: Plan, exercise: str, days_ago: int, **fields: Any) -> SessionLog:
    today = berlin_today()
    return factories.log_session(
        plan=plan,
        plan_exercise=plan.exercises.get(exercise__slug=exercise),
        day=today - timedelta(days=days_ago),
        today=today,
        **{"done": True, **fields},
    )


# --- Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rosa", "oscar", "alice"])
def test_only_therapists_have_the_patient_pages(people: People, who: str) -> None:
    client = signed_in(getattr(people, who))
    assert client.get("/patients/").status_code == 404
    assert client.get(f"/patients/{people.rosa.pk}/").status_code == 404
    assert client.post(f"/patients/{people.rosa.pk}/assign/", {}).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(people: People) -> None:
    response = Client().get("/patients/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_a_runner_not_linked_to_the_therapist_is_404(people: People) -> None:
    assert signed_in(people.uma).get(f"/patients/{people.rosa.pk}/").status_code == 404
    theo = signed_in(people.theo)
    assert theo.get(f"/patients/{people.oscar.pk}/").status_code == 404
    assert (
        theo.get(f"/patients/{people.oscar.pk}/plans/{people.oscar_plan.pk}/tailor/").status_code
        == 404
    )
    # An invitation is not consent yet.
    CareLink.objects.create(therapist=people.theo, runner=people.oscar)
    assert theo.get(f"/patients/{people.oscar.pk}/").status_code == 404
    assert theo.get(f"/patients/{people.rosa.pk}/").status_code == 200
    # A plan's panel is reached only under its own runner: Oscar's plan under Rosa's address
    # is not found, though Theo may see Rosa's.
    assert (
        theo.get(f"/patients/{people.rosa.pk}/plans/{people.oscar_plan.pk}/panel/").status_code
        == 404
    )
    assert (
        theo.get(f"/patients/{people.rosa.pk}/plans/{people.rosa_plan.pk}/panel/").status_code
        == 200
    )


# --- The patient list ---------------------------------------------------------------------------


def test_the_patient_list_puts_a_warning_sign_first(people: People) -> None:
    calm = patient(people, "ann")
    log(calm, "clamshells", 1, pain_during=2)
    flagged = patient(people, "zed")
    log(flagged, "clamshells", 1, pain_during=6, red_flag=factories.calf_swelling())

    page = signed_in(people.theo).get("/patients/").content.decode()

    order = [page.index(f'href="/patients/{p.user.pk}/"') for p in (flagged, calm)]
    assert order == sorted(order)
    assert page.index(">zed<") < page.index(">ann<") < page.index(">rosa<")
    assert "1 open warning sign" in page
    assert "6/10 on" in page  # Zed's last pain during
    assert "2/10 on" in page  # Ann's


def test_the_patient_list_pins_its_query_count(
    people: People, django_assert_num_queries: Any
) -> None:
    def add_patients(names: list[str]) -> None:
        for name in names:
            plan = patient(people, name)
            log(plan, "clamshells", 1, pain_during=3)

    client = signed_in(people.theo)
    # 1. the session, 2. its user, 3. Theo's therapist role (the page's guard),
    # 4-8. planner.care.patient_list: the links with their plans' marks (the keys of the cached
    #      rows), then the plans with open warning signs, exercises with their days done, the
    #      latest pain and the questionnaires of the patients whose rows are not cached,
    # 9. the access records of the patients listed, one INSERT,
    # 10. the therapist role again for the navigation, 11. the invitations sent by username,
    # 12. those sent by email (with what a runner answered).
    # Nothing changed since: 5 to 8 are saved (8 queries).
    add_patients(["ann"])
    with django_assert_num_queries(12):
        assert client.get("/patients/").content.decode().count('<tr class="patient') == 2
    with django_assert_num_queries(8):
        assert client.get("/patients/").content.decode().count('<tr class="patient') == 2
    add_patients(["bea", "cal", "dan"])
    CareLink.objects.create(therapist=people.theo, runner=people.oscar)
    with django_assert_num_queries(12):
        page = client.get("/patients/").content.decode()
    assert page.count('<tr class="patient') == 5
    assert "Waiting for an answer" in page


def test_an_invitation_to_nobody_keeps_what_was_typed(people: People) -> None:
    response = signed_in(people.theo).post("/patients/", {"runner": "rossa"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "No runner with that username." in page
    assert 'value="rossa"' in page
    assert 'aria-describedby="id_runner_error' in page or "id_runner_error" in page
    assert not CareLink.objects.filter(runner__username="rossa").exists()


def test_an_invitation_cannot_be_sent_twice_or_empty(people: People) -> None:
    theo = signed_in(people.theo)
    page = theo.post("/patients/", {"runner": "rosa"}).content.decode()
    assert "You already have an open invitation or link with rosa." in page
    page = theo.post("/patients/", {"runner": "  "}).content.decode()
    assert "This field is required." in page
    assert CareLink.objects.filter(therapist=people.theo).count() == 1


def test_an_invitation_by_email_is_listed_and_can_be_withdrawn(people: People) -> None:
    theo = signed_in(people.theo)
    response = theo.post("/patients/", {"runner": "Oscar@Example.com"}, follow=True)
    page = response.content.decode()
    # The same words whether or not anyone confirmed the address; the address, not the account.
    assert "Invitation to Oscar@Example.com: we email it a link to sign up or sign in" in page
    assert ">oscar<" not in page
    link = CareLink.objects.get(therapist=people.theo, runner=people.oscar)
    assert link.status == CareLink.Status.INVITED
    assert Notification.objects.filter(user=people.oscar, title__contains="theo").exists()
    invitation = EmailInvitation.objects.get(therapist=people.theo)
    withdraw = f"/patients/email-invitations/{invitation.pk}/withdraw/"
    assert f'action="{withdraw}"' in page

    # Nobody else can withdraw it; withdrawn, it no longer waits for Oscar either.
    assert signed_in(people.uma).post(withdraw).status_code == 404
    page = theo.post(withdraw, follow=True).content.decode()
    assert "Invitation to Oscar@Example.com withdrawn." in page
    link.refresh_from_db()
    assert link.status == CareLink.Status.ENDED
    assert theo.get(withdraw).status_code == 405


def test_a_declined_invitation_is_listed_as_declined(people: People) -> None:
    CareLink.objects.create(
        therapist=people.theo, runner=people.oscar, status=CareLink.Status.DECLINED
    )
    page = signed_in(people.theo).get("/patients/").content.decode()
    assert "Declined" in page and "oscar" in page
    assert "/withdraw/" not in page


# --- A patient's page ---------------------------------------------------------------------------


def test_the_patient_page_shows_logs_warning_signs_and_dose_history(people: People) -> None:
    plan = current_plan_of_rosa(people)
    log(plan, "clamshells", 2, pain_during=3, note="felt fine")
    log(plan, "clamshells", 1, pain_during=4, pain_next_morning=2, difficulty=4)
    log(plan, "clamshells", 0, done=False, red_flag=factories.calf_swelling(), note="calf warm")

    page = signed_in(people.theo).get(f"/patients/{people.rosa.pk}/").content.decode()

    assert f'id="plan-{plan.pk}"' in page
    assert f'href="/plans/{plan.pk}/progress/"' in page
    assert "Stopped: see a doctor" in page
    assert "Calf pain with swelling and warmth" in page
    assert "This may be a blood clot (DVT): seek emergency care." in page
    # Newest first, with what was rated.
    rows = page.split('<td data-label="Pain" class="pain-during">')[1:]
    assert [row.split("<")[0].strip() for row in rows[:3]] == ["\u2013", "4/10", "3/10"]
    assert "next morning 2/10" in rows[1]
    assert "hard" in page and "felt fine" in page
    # The plan stopped for the sign: its dose history is on the page, with nothing to unfold.
    assert "start at 10 per side, the first dose of the ladder" in page
    assert 'badge warn">Partial' not in page
    # The older plan of the personas is there too, still without logs.
    assert f'id="plan-{people.rosa_plan.pk}"' in page


def test_the_patient_page_pins_its_query_count(
    people: People, django_assert_num_queries: Any
) -> None:
    client = signed_in(people.theo)
    path = f"/patients/{people.rosa.pk}/"
    # 1. the session, 2. its user, 3. Theo's therapist role, 4. his active link to Rosa,
    # 5. her plans, 6. their exercises, 7. the newest logs of each, 8. open warning signs,
    # 9. the therapist role for the navigation (with the unread messages), 10. her alerts,
    # 11. her warning signs waiting for a clinician's clearance; 12-16. her row of the
    # patient list, as the list works it out (her marks, then, not yet cached: her plans,
    # the days done, the latest pain, the questionnaires: planner.care.patient_list.row_of).
    # The form to assign a program, and each running plan's charts and dose history, are
    # fetched when unfolded (`assign_form`, `plan_panel`), so more running plans add no
    # queries, nor do more logs.
    # 17. her latest return-to-run readiness check.
    # Last, the INSERT recording that Theo looked (audit).
    plan = current_plan_of_rosa(people)
    log(plan, "clamshells", 1, pain_during=3)
    with django_assert_num_queries(17 + 1):
        page = client.get(path).content.decode()
    assert page.count('class="card plan-section"') == 2
    # A second look with nothing changed takes her row from the list's cache: her marks only,
    # and the same adherence.
    with django_assert_num_queries(13 + 1):
        again = client.get(path).content.decode()
    assert ADHERENCE.findall(again) == ADHERENCE.findall(page) != []
    # A running plan's charts, calendar and dose history come when the therapist unfolds
    # them: the same panel as the runner's progress page, as a fragment of this page.
    panel_url = f"/patients/{people.rosa.pk}/plans/{plan.pk}/panel/"
    assert f'hx-get="{panel_url}"' in page
    assert "the first dose of the ladder" not in page
    panel = client.get(panel_url).content.decode()
    assert "start at 10 per side, the first dose of the ladder" in panel
    assert f'src="/plans/{plan.pk}/charts/pain.svg"' in panel
    assert "<html" not in panel
    # Two more plans, both stopped since by a warning sign (started before either stopped: a
    # plan stopped for a sign holds back any new one).
    others = [
        factories.plan_for(people.rosa, berlin_today() - timedelta(days=days_ago))
        for days_ago in (10, 20)
    ]
    for other in others:
        log(other, "clamshells", 1, pain_during=2)
        log(other, "clamshells", 2, pain_during=2, red_flag=factories.calf_swelling())
    # Plans not running show their dose history in place: one query for all of them.
    with django_assert_num_queries(17 + 1 + 1):
        page = client.get(path).content.decode()
    assert page.count('class="card plan-section"') == 4
    # The advice under each plan's open warning sign, and in the alert each sign raised.
    assert page.count("This may be a blood clot") == 4


def test_assigning_a_program_starts_a_plan(people: People) -> None:
    factories.screened(people.rosa)
    start = berlin_today() + timedelta(days=1)
    response = signed_in(people.theo).post(
        f"/patients/{people.rosa.pk}/assign/",
        {
            "program": "it-band-6w",
            "start_date": start.isoformat(),
            "time_zone": "America/New_York",
            "reminder_time": "18:15",
            "running": "keep",
        },
    )
    plan = Plan.objects.get(user=people.rosa, start_date=start)
    # Kept, as asked: her first plan runs on beside the new one.
    assert Plan.objects.filter(user=people.rosa, status="active").count() == 2
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{people.rosa.pk}/#plan-{plan.pk}"
    assert (plan.assigned_by, plan.time_zone) == (people.theo, "America/New_York")
    assert plan.reminders.get(kind="reminder").local_time.strftime("%H:%M") == "18:15"
    assert Notification.objects.filter(user=people.rosa, title__contains="gave you").exists()


def test_a_program_is_not_assigned_before_the_runners_screening(people: People) -> None:
    plans = Plan.objects.filter(user=people.rosa).count()
    page = (
        signed_in(people.theo)
        .post(
            f"/patients/{people.rosa.pk}/assign/",
            {
                "program": "it-band-6w",
                "start_date": berlin_today().isoformat(),
                "time_zone": "Europe/Berlin",
                "reminder_time": "18:15",
            },
        )
        .content.decode()
    )
    assert "rosa: Answer the warning-sign questions again" in page
    assert Plan.objects.filter(user=people.rosa).count() == plans


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Mars/Olympus"),
        ({"start_date": "PAST"}, "start_date", "(in the plan&#x27;s time zone)"),
        ({"start_date": "FAR"}, "start_date", "(in the plan&#x27;s time zone)"),
        ({"reminder_time": "7pm"}, "reminder_time", "is not a time of day: use HH:MM"),
        ({"program": "no-such-program"}, "program", "Select a valid choice"),
    ],
)
def test_assignment_errors_name_the_field_and_keep_what_was_typed(
    people: People, fields: dict[str, str], field: str, message: str
) -> None:
    dates = {
        "PAST": berlin_today() - timedelta(days=daily.LOG_WINDOW_DAYS + 1),
        "FAR": berlin_today() + timedelta(days=lifecycle.LATEST_START_DAYS + 1),
    }
    body = {
        "program": "it-band-6w",
        "start_date": berlin_today().isoformat(),
        "time_zone": "Europe/Berlin",
        "reminder_time": "07:45",
        "running": "keep",
        **fields,
    }
    if body["start_date"] in dates:
        body["start_date"] = dates[body["start_date"]].isoformat()
    factories.program()
    before = Plan.objects.count()
    response = signed_in(people.theo).post(f"/patients/{people.rosa.pk}/assign/", body)
    page = response.content.decode()
    assert response.status_code == 200
    error = page.split(f'id="id_{field}_error"')[1].split("</ul>")[0]
    assert message in error
    assert f'value="{body["time_zone"]}"' in page and 'data-keep="1"' in page
    assert f'value="{body["start_date"]}"' in page
    assert Plan.objects.count() == before


def test_the_assign_form_defaults_to_the_runners_zone(people: People) -> None:
    factories.plan_for(people.oscar, berlin_today(), time_zone="Asia/Tokyo")
    CareLink.objects.create(
        therapist=people.theo, runner=people.oscar, status=CareLink.Status.ACTIVE
    )
    theo = signed_in(people.theo)
    page = theo.get(f"/patients/{people.oscar.pk}/").content.decode()
    # The page's folded block fetches the form when unfolded (htmx): the form alone.
    form_url = f"/patients/{people.oscar.pk}/assign/form/"
    assert f'hx-get="{form_url}"' in page and 'name="program"' not in page
    fragment = theo.get(form_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="Asia/Tokyo"' in fragment and 'data-keep="1"' in fragment
    assert 'value="07:30"' in fragment
    assert "<html" not in fragment
    # Without scripts, its link opens the same form on a page of its own.
    whole = theo.get(form_url).content.decode()
    assert "<html" in whole and 'value="Asia/Tokyo"' in whole
    assert f'action="/patients/{people.oscar.pk}/assign/#assign"' in whole


# --- Handouts -----------------------------------------------------------------------------------


def test_a_program_handout_has_one_block_per_exercise(people: People, catalog: Any) -> None:
    from planner.models import Program

    program = Program.objects.get(slug="patellofemoral-pain-syndrome-home-program")
    page = signed_in(people.oscar).get(f"/programs/{program.slug}/handout/").content.decode()
    blocks = page.split('class="print-block exercise"')[1:]
    prescriptions = list(program.prescriptions.select_related("exercise").order_by("order"))
    assert len(blocks) == len(prescriptions)
    for block, item in zip(blocks, prescriptions, strict=True):
        assert item.exercise.name in block
        first_step = item.exercise.steps.order_by("order").first()
        assert first_step is not None and first_step.text.split()[0] in block
        assert f"<td>{item.first_week}</td>" in block
    assert "data-print" in page
    assert Client().get(f"/programs/{program.slug}/handout/").status_code == 302
    assert signed_in(people.oscar).get("/programs/no-such/handout/").status_code == 404


def test_a_program_handout_gives_the_conditions_care_note_at_the_top(
    people: People, catalog: Any
) -> None:
    slug = "patellofemoral-pain-syndrome-home-program"

    page = signed_in(people.oscar).get(f"/programs/{slug}/handout/").content.decode()

    head = page.split('class="handout-head"')[1].split("</header>")[0]
    assert "Take care:</strong> Knee swelling, locking or giving way" in head


def test_a_plan_handout_gives_the_conditions_care_note_at_the_top(people: People) -> None:
    plan = current_plan_of_rosa(people)
    plan.program.condition.care_note = "Numbness down the leg: have it checked first."
    plan.program.condition.save()

    page = signed_in(people.theo).get(f"/plans/{plan.pk}/handout/").content.decode()

    head = page.split('class="handout-head"')[1].split("</header>")[0]
    assert "Take care:</strong> Numbness down the leg: have it checked first." in head


def test_a_handout_without_a_care_note_has_no_empty_one(people: People) -> None:
    plan = current_plan_of_rosa(people)

    page = signed_in(people.rosa).get(f"/plans/{plan.pk}/handout/").content.decode()

    assert plan.program.condition.care_note == "" and "care-note" not in page


def test_a_plan_handout_carries_the_tailored_dose(people: People) -> None:
    plan = current_plan_of_rosa(people)
    shells = plan.exercises.get(exercise__slug="clamshells")
    decisions.override_dose(
        now=timezone.now(),
        plan_exercise=shells,
        amount=25,
        therapist=people.theo,
        effective_on=berlin_today(),
        reason="Ready for more",
    )
    page = signed_in(people.theo).get(f"/plans/{plan.pk}/handout/").content.decode()
    assert "Dose now: 1 set of 25 per side" in page
    assert page.count('class="print-block exercise"') == 2
    assert signed_in(people.rosa).get(f"/plans/{plan.pk}/handout/").status_code == 200
    assert signed_in(people.oscar).get(f"/plans/{plan.pk}/handout/").status_code == 404
    assert signed_in(people.uma).get(f"/plans/{plan.pk}/handout/").status_code == 404


def test_the_start_date_rule_is_shared_with_the_api(people: People) -> None:
    factories.program()
    too_early = berlin_today() - timedelta(days=daily.LOG_WINDOW_DAYS + 1)
    response = people.client("theo").post(
        f"/api/v1/patients/{people.rosa.pk}/plans",
        {
            "program": "it-band-6w",
            "start_date": too_early.isoformat(),
            "time_zone": "Europe/Berlin",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "in the plan's time zone" in response.json()["start_date"][0]


def test_the_patient_page_shows_a_session_short_of_the_dose_as_partial(people: People) -> None:
    plan = current_plan_of_rosa(people)
    log(plan, "clamshells", 1, amount_done=6, pain_during=2)
    log(plan, "clamshells", 0, pain_during=2)

    page = signed_in(people.theo).get(f"/patients/{people.rosa.pk}/").content.decode()

    rows = page[page.index('<table class="logs stacking">') :].split("<tr>")[2:4]
    # A day to a row, newest first: today's done in full, yesterday's partial.
    assert '<td data-label="Exercises">1 of 1 done</td>' in rows[0]
    assert '0 of 1 done <span class="badge warn">1 partial</span>' in rows[1]


def test_today_not_yet_logged_is_still_due_not_missed_on_the_patient_page(
    people: People,
) -> None:
    # Day 10 of the plan (week 2): every exercise is due today, and two days ago (the daily
    # one and the every-other-day one from week 2).
    plan = factories.plan_for(people.rosa, berlin_today() - timedelta(days=10))
    due_today = plan.exercises.count()
    assert due_today > 1
    log(plan, "clamshells", 0, pain_during=2)
    log(plan, "clamshells", 2, pain_during=2)

    page = signed_in(people.theo).get(f"/patients/{people.rosa.pk}/").content.decode()

    today, two_days_ago = page[page.index('<table class="logs stacking">') :].split("<tr>")[2:4]
    assert f"1 of {due_today} done" in today
    assert f"{due_today - 1} still due today" in today and "not done" not in today
    # A past day's exercises not logged were not done.
    assert f"{due_today - 1} not done" in two_days_ago and "still due" not in two_days_ago


def test_the_therapist_acknowledges_an_alert_and_records_a_clearance(people: People) -> None:
    sign = factories.lingering_pain()
    screening = screenings.record(people.rosa, [sign], {sign.slug: True}, timezone.now())
    client = signed_in(people.theo)
    page = client.get(f"/patients/{people.rosa.pk}/").content.decode()
    assert 'id="alerts"' in page and "Waiting for a clinician's clearance" in page
    listed = client.get("/patients/").content.decode()
    assert "1 alert to acknowledge" in listed

    alert = Alert.objects.get(runner=people.rosa)
    empty = client.post(
        f"/alerts/{alert.pk}/acknowledge/", {"note": " ", "runner": people.rosa.pk}, follow=True
    )
    assert "Say what you did or advised" in empty.content.decode()
    client.post(
        f"/alerts/{alert.pk}/acknowledge/",
        {"note": "Called Rosa: see her GP first.", "runner": people.rosa.pk},
    )
    alert.refresh_from_db()
    assert alert.acknowledgement == "Called Rosa: see her GP first."
    assert "alert to acknowledge" not in client.get("/patients/").content.decode()

    client.post(
        f"/screenings/{screening.pk}/clearance/",
        {"note": "Dr Weber saw her on Monday: exercise is fine.", "runner": people.rosa.pk},
    )
    screening.refresh_from_db()
    assert (screening.cleared_by, screening.clearance_note) == (
        people.theo,
        "Dr Weber saw her on Monday: exercise is fine.",
    )
    # Uma, not Rosa's therapist, can do neither.
    uma = signed_in(people.uma)
    assert uma.post(f"/screenings/{screening.pk}/clearance/", {"note": "x"}).status_code == 404


def test_assigning_while_a_plan_runs_asks_what_becomes_of_it(people: People) -> None:
    factories.screened(people.rosa)
    page = signed_in(people.theo)
    body = {
        "program": "it-band-6w",
        "start_date": berlin_today().isoformat(),
        "time_zone": "Europe/Berlin",
        "reminder_time": "18:15",
    }
    form = page.get(f"/patients/{people.rosa.pk}/assign/form/").content.decode()
    assert "The plan running now" in form and "Running now: IT band syndrome" in form

    asked = page.post(f"/patients/{people.rosa.pk}/assign/", body).content.decode()
    error = asked.split('id="id_running_error"')[1].split("</ul>")[0]
    assert "say whether to end it" in error
    assert Plan.objects.filter(user=people.rosa).count() == 1

    page.post(f"/patients/{people.rosa.pk}/assign/", {**body, "running": "end"})
    first = Plan.objects.get(pk=people.rosa_plan.pk)
    assert first.status == Plan.Status.COMPLETED
    assert Plan.objects.filter(user=people.rosa, status="active").count() == 1


def test_the_therapist_pauses_and_ends_a_plan_and_the_runner_is_told(people: People) -> None:
    page = signed_in(people.theo)
    url = f"/patients/{people.rosa.pk}/plans/{people.rosa_plan.pk}/status/"

    page.post(url, {"status": "paused", "note": "Rest until the race is over."})
    assert Plan.objects.get(pk=people.rosa_plan.pk).status == Plan.Status.PAUSED
    told = Notification.objects.filter(user=people.rosa, title__contains="paused your plan")
    assert told.get().body == "Rest until the race is over."
    page.post(url, {"status": "completed"})
    assert Plan.objects.get(pk=people.rosa_plan.pk).status == Plan.Status.COMPLETED
    # Another therapist's patient's plan is not Uma's to change.
    assert signed_in(people.uma).post(url, {"status": "active"}).status_code == 404
    refused = signed_in(people.uma).post(
        f"/patients/{people.oscar.pk}/plans/{people.oscar_plan.pk}/status/", {"status": "paused"}
    )
    assert refused.status_code == 404
    assert Plan.objects.get(pk=people.oscar_plan.pk).status == Plan.Status.ACTIVE


def test_a_note_with_a_control_character_is_refused_by_name(people: People) -> None:
    url = f"/patients/{people.rosa.pk}/plans/{people.rosa_plan.pk}/status/"
    page = signed_in(people.theo).post(
        url, {"status": "paused", "note": "hi\x00there"}, follow=True
    )

    assert "Use letters, digits and punctuation only." in page.content.decode()
    assert Plan.objects.get(pk=people.rosa_plan.pk).status == Plan.Status.ACTIVE


def test_the_patient_page_shows_her_latest_readiness_check_and_what_is_left(
    people: People,
) -> None:
    answers: dict[str, object] = {
        "brisk_walk": True,
        "calf_raises": 24,
        "bridges": 14,
        "sit_to_stands": 20,
        "hops": False,
        "pain": 1,
    }
    readiness.take_check(people.rosa, answers, timezone.now(), time_zone="Europe/Berlin")

    page = signed_in(people.theo).get(f"/patients/{people.rosa.pk}/").content.decode()

    assert "Return to running" in page
    assert "2 of 6 tests to meet" in page
    assert "Single-leg bridges on the injured side: 14, not yet (20 needed)" in page
    # Another therapist's patient page of Rosa does not exist for Uma.
    assert signed_in(people.uma).get(f"/patients/{people.rosa.pk}/").status_code == 404


def test_the_patient_page_shows_a_runs_time_and_distance(people: People) -> None:
    plan = current_plan_of_rosa(people)
    log = plan.logs.create(
        plan_exercise=plan.exercises.get(exercise__slug="clamshells"),
        day=plan.start_date,
        done=True,
        run_seconds=12 * 60,
        distance_metres=1680,
        track="gpx",
    )

    page = signed_in(people.theo).get(f"/patients/{people.rosa.pk}/").content.decode()

    assert log.day.strftime("%-d %b") in page
    assert "run: 12 min, 1.68 km (from a GPX file)" in page
