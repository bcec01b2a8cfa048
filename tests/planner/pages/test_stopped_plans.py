"""A plan stopped for a warning sign on the pages: as urgent as the sign, quiet, and resumed
after a clinician's clearance; the weekly check-in that can stop it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from planner.engine import schedule
from planner.models import DoseChange, Plan, Screening
from planner.plans import check_in, daily, lifecycle
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def current_plan(people: People) -> Plan:
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    return factories.plan_for(people.rosa, today - timedelta(days=9))


def stop_for_emergency(plan: Plan) -> Plan:
    return lifecycle.stop(
        plan,
        "Calf pain with swelling and warmth reported on Monday",
        timezone.now(),
        urgency="emergency",
        advice="This may be a blood clot (DVT): seek emergency care.",
    )


def test_an_emergency_stays_an_emergency_on_the_plan_and_its_day(
    client: Client, people: People
) -> None:
    plan = stop_for_emergency(current_plan(people))
    page = signed_in(client, people.rosa).get(f"/plans/{plan.pk}/").content.decode()
    assert "Get help now" in page and 'href="tel:112"' in page
    assert "This may be a blood clot (DVT): seek emergency care." in page
    assert "None while the plan is stopped" in page and "07:30, on" not in page
    # The day lists nothing to do.
    today = daily.today_of(plan, timezone.now())
    assert daily.plan_day(plan, today).exercises == []
    assert daily.plan_day(plan, plan.start_date).exercises  # the days before the stop stay


def test_the_therapist_sees_the_stop_and_can_resume_it(client: Client, people: People) -> None:
    plan = stop_for_emergency(current_plan(people))
    page = signed_in(client, people.theo).get(f"/plans/{plan.pk}/").content.decode()
    assert "Get help now" in page and "Resume after clearance" in page
    uma = Client()
    assert signed_in(uma, people.uma).post(f"/plans/{plan.pk}/resume/", {}).status_code == 404


def test_the_runner_resumes_one_step_lower_once_cleared(client: Client, people: People) -> None:
    plan = current_plan(people)
    shells = plan.exercises.get(exercise__slug="clamshells")
    shells.amount = 20
    shells.save()
    stop_for_emergency(plan)
    signed_in(client, people.rosa)
    refused = client.post(f"/plans/{plan.pk}/resume/", {"note": "Seen by my GP"})
    assert "Tick this only once a clinician has cleared it." in refused.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == "stopped"
    resumed = client.post(
        f"/plans/{plan.pk}/resume/",
        {"note": "Seen by my GP on Friday: no clot.", "confirm": "on", "step_down": "on"},
    )
    assert resumed.url == f"/plans/{plan.pk}/"
    plan.refresh_from_db()
    assert (plan.status, plan.stop_urgency, plan.stop_advice) == ("active", "", "")
    change = DoseChange.objects.get(plan_exercise=shells, action="resume")
    assert (change.new_amount, change.decided_by) == (15, people.rosa)
    assert "stating a clinician's clearance: Seen by my GP on Friday: no clot." in change.reason
    page = client.get(f"/plans/{plan.pk}/progress/").content.decode()
    assert "Resumed after clearance" in page


def test_the_weekly_check_in_stops_the_plan_on_a_sign(client: Client, people: People) -> None:
    plan = current_plan(people)
    flag = factories.lingering_pain()
    signed_in(client, people.rosa)
    assert check_in.due(plan, timezone.now())
    page = client.get(f"/plans/{plan.pk}/check-in/").content.decode()
    assert flag.question in page
    unanswered = client.post(f"/plans/{plan.pk}/check-in/", {}).content.decode()
    assert "Answer this question: yes or no." in unanswered
    sent = client.post(
        f"/plans/{plan.pk}/check-in/",
        {sign.slug: ("yes" if sign == flag else "no") for sign in check_in.questions(plan)},
    )
    assert sent.url == f"/plans/{plan.pk}/"
    plan.refresh_from_db()
    assert (plan.status, plan.stop_urgency) == ("stopped", "see_clinician")
    assert Screening.objects.get(check_in_of=plan).verdict == "see_clinician"
    assert not check_in.due(plan, timezone.now())


def test_a_clear_check_in_goes_back_to_today(client: Client, people: People) -> None:
    plan = current_plan(people)
    factories.lingering_pain()
    signed_in(client, people.rosa)
    answers = {s.slug: "no" for s in check_in.questions(plan)}
    sent = client.post(f"/plans/{plan.pk}/check-in/", answers)
    assert sent.url == f"/plans/{plan.pk}/today/"
    assert not check_in.due(plan, timezone.now())
    # Only the runner checks in.
    theo = signed_in(Client(), people.theo).get(f"/plans/{plan.pk}/check-in/")
    assert theo.status_code == 403
