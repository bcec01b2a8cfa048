"""The tailoring page: the runner's therapist re-doses, removes and adds exercises and changes
how often, each change in the dose history with who and why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AccessRecord
from planner.engine import schedule
from planner.models import DoseChange, Plan, PlanExercise
from planner.plans import daily
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def plan(people: People) -> Plan:
    """Rosa's plan, started three days ago in Berlin."""
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    return factories.plan_for(people.rosa, today - timedelta(days=3))


def page(people: People, plan: Plan) -> str:
    return f"/patients/{people.rosa.pk}/plans/{plan.pk}/tailor/"


def shells(plan: Plan) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug="clamshells")


def test_the_page_shows_each_exercise_with_its_dose_and_records_the_look(
    people: People, plan: Plan
) -> None:
    response = signed_in(people.theo).get(page(people, plan))

    text = response.content.decode()
    assert response.status_code == 200
    assert "1 set of 10 per side" in text and "Re-dose Clamshells" in text
    assert AccessRecord.objects.filter(
        viewer=people.theo, subject=people.rosa, what=f"plan {plan.pk} tailoring page"
    ).exists()


@pytest.mark.parametrize("who", ["rosa", "uma", "oscar"])
def test_only_the_linked_therapist_has_the_page(people: People, plan: Plan, who: str) -> None:
    response = signed_in(getattr(people, who)).get(page(people, plan))

    assert response.status_code == 404


def test_a_redose_takes_effect_today_with_its_reason(people: People, plan: Plan) -> None:
    item = shells(plan)

    response = signed_in(people.theo).post(
        page(people, plan),
        {
            "action": "redose",
            "plan_exercise": str(item.pk),
            f"dose-{item.pk}-amount": "20",
            f"dose-{item.pk}-sets": "1",
            f"dose-{item.pk}-level": "1",
            f"dose-{item.pk}-hold_seconds": "2",
            f"dose-{item.pk}-reason": "Strong hips: on to the band.",
        },
        follow=True,
    )

    assert "Clamshells: 1 set of 20 per side (with an exercise band), hold 2 s from" in (
        response.content.decode()
    )
    change = DoseChange.objects.get(plan_exercise=item, action="override")
    assert (change.decided_by, change.reason) == (people.theo, "Strong hips: on to the band.")
    today = daily.today_of(plan, timezone.now())
    assert daily.plan_day(plan, today).exercises[0].dose_text == (
        "1 set of 20 per side (with an exercise band), hold 2 s"
    )


def test_a_mistake_is_shown_on_its_field_in_its_form(people: People, plan: Plan) -> None:
    item = shells(plan)

    response = signed_in(people.theo).post(
        page(people, plan),
        {
            "action": "redose",
            "plan_exercise": str(item.pk),
            f"dose-{item.pk}-amount": "45",
            f"dose-{item.pk}-sets": "1",
            f"dose-{item.pk}-level": "0",
            f"dose-{item.pk}-hold_seconds": "0",
            f"dose-{item.pk}-reason": "More.",
        },
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Between 10 and 30 for Clamshells, its ladder." in text
    assert 'value="45"' in text and "More.</textarea>" in text
    assert not DoseChange.objects.filter(action="override").exists()


def test_an_exercise_is_removed_and_another_added(people: People, plan: Plan) -> None:
    theo = signed_in(people.theo)
    item = shells(plan)

    theo.post(
        page(people, plan),
        {
            "action": "remove",
            "plan_exercise": str(item.pk),
            f"remove-{item.pk}-reason": "Settled.",
        },
    )
    theo.post(
        page(people, plan),
        {
            "action": "frequency",
            "frequency-frequency": "daily",
            "frequency-reason": "Every day now.",
        },
    )

    item.refresh_from_db()
    today = daily.today_of(plan, timezone.now())
    assert item.removed_on == today
    stretch = plan.exercises.get(exercise__slug="piriformis-stretch")
    assert stretch.frequency == "daily"
    assert list(
        DoseChange.objects.filter(decided_by=people.theo).values_list("action", flat=True)
    ) == ["removed", "frequency"]
    text = theo.get(page(people, plan)).content.decode()
    assert f"Removed from {today:%-d %b %Y}" in text
    assert "Settled." in text and "Every day now." in text
    # The patient page's doses now say it is out of the plan, not its last dose.
    card = theo.get(f"/patients/{people.rosa.pk}/").content.decode()
    card = card.split(f'id="plan-{plan.pk}"')[1].split("</table>")[0]
    assert (
        f'<tr class="muted removed"><td>Clamshells</td><td>Removed</td><td>{today:%-d %b}</td>'
        in card
    )
