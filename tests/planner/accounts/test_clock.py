"""Pages show times on the signed-in person's clock: the zone of her plan (issue 20: a New York
runner read 11:52 for 06:52); the API keeps its instants in UTC with their offset."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from planner.accounts import clock
from planner.models import Delivery, Notification, Plan
from tests import factories

pytestmark = pytest.mark.django_db

NOTICED = datetime(2026, 3, 2, 11, 52, tzinfo=UTC)


def runner_in(zone: str, client: Client) -> Plan:
    plan = factories.plan_for(factories.person("rosa"), date(2026, 3, 2), time_zone=zone)
    sent = Delivery.objects.create(
        plan=plan, kind="reminder", local_date=plan.start_date, due_at=NOTICED, state="sent"
    )
    Notification.objects.create(
        user=plan.user, delivery=sent, title="Your exercises for today", body="x"
    )
    Notification.objects.filter(user=plan.user).update(created_at=NOTICED)
    client.force_login(plan.user)
    return plan


@pytest.mark.parametrize(
    ("zone", "shown"), [("America/New_York", "06:52"), ("Europe/Berlin", "12:52")]
)
def test_a_notice_shows_the_time_on_the_runners_clock(
    client: Client, zone: str, shown: str
) -> None:
    plan = runner_in(zone, client)

    inbox = client.get("/notifications/").content.decode()
    plan_page = client.get(f"/plans/{plan.pk}/").content.decode()

    assert f"2 March 2026, {shown}" in inbox and "11:52" not in inbox
    assert f"2 Mar, {shown}" in plan_page


def test_the_api_keeps_its_instants_in_utc(client: Client) -> None:
    runner_in("America/New_York", client)

    listed = client.get("/api/v1/notifications").json()

    [notice] = listed["results"]
    assert notice["created_at"] in ("2026-03-02T11:52:00Z", "2026-03-02T11:52:00+00:00")


def test_moving_the_plan_to_another_zone_moves_the_pages_at_once(client: Client) -> None:
    plan = runner_in("America/New_York", client)

    client.post(f"/plans/{plan.pk}/time-zone/", {"zone-time_zone": "Asia/Tokyo"})

    assert "2 March 2026, 20:52" in client.get("/notifications/").content.decode()


def test_the_zone_is_read_at_sign_in_not_on_every_page(client: Client) -> None:
    plan = runner_in("America/New_York", client)
    # Another session moved the plan: this one keeps its clock until it is read again.
    Plan.objects.filter(pk=plan.pk).update(time_zone="Asia/Tokyo")
    assert "06:52" in client.get("/notifications/").content.decode()

    session = client.session
    zone, read_at = session[clock.SESSION_KEY]
    session[clock.SESSION_KEY] = [zone, read_at - clock.FRESH_SECONDS - 1]
    session.save()
    assert "20:52" in client.get("/notifications/").content.decode()


def test_someone_without_a_plan_reads_the_projects_zone(client: Client) -> None:
    theo = factories.person("theo")
    client.force_login(theo)

    assert client.session[clock.SESSION_KEY][0] == "UTC"
