"""Push reminders on a device, from the account's pages: the page, turning this browser on
(what its script sends), turning any device off, and signing out turning this browser off."""

from __future__ import annotations

import pytest
from django.test import Client

from planner.delivery import devices
from planner.models import PushSubscription
from tests import factories
from tests.personas import therapist
from tests.push_service import PushService

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(factories.person(username))
    return client


def test_a_runner_turns_this_browser_on_and_sees_it_listed(push_service: PushService) -> None:
    client = signed_in("rosa")
    page = client.get("/account/push/")
    assert page.status_code == 200
    assert b"Turn on for this device" in page.content
    assert b"None yet." in page.content

    phone = push_service.device()
    made = client.post(
        "/account/push/on/",
        {**phone.subscription(), "label": "Chrome on Android"},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert client.session[devices.SESSION_KEY] == phone.endpoint
    page = client.get("/account/push/")
    assert b"Chrome on Android" in page.content
    assert b"this device" in page.content


def test_a_subscription_that_breaks_a_rule_gets_the_field_and_the_rule(
    push_service: PushService,
) -> None:
    client = signed_in("rosa")
    broken = {**push_service.device().subscription(), "endpoint": "https://evil.example/x"}
    answer = client.post("/account/push/on/", broken, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {
        "errors": {"endpoint": ["This push service is not one this app sends to."]}
    }
    not_json = client.post("/account/push/on/", "nope", content_type="application/json")
    assert not_json.status_code == 400 and "body" in not_json.json()["errors"]
    assert not PushSubscription.objects.exists()


def test_a_device_is_turned_off_from_the_list_by_its_owner_only(push_service: PushService) -> None:
    rosa, oscar = signed_in("rosa"), signed_in("oscar")
    phone = push_service.device()
    rosa.post("/account/push/on/", phone.subscription(), content_type="application/json")
    device = PushSubscription.objects.get()

    assert oscar.post(f"/account/push/{device.pk}/off/").status_code == 404
    assert PushSubscription.objects.exists()
    answer = rosa.post(f"/account/push/{device.pk}/off/", follow=True)
    assert b"Push reminders are off on that device." in answer.content
    assert not PushSubscription.objects.exists()
    assert devices.SESSION_KEY not in rosa.session


def test_signing_out_turns_this_browser_off_and_leaves_her_other_devices_on(
    push_service: PushService,
) -> None:
    client = signed_in("rosa")
    here, laptop = push_service.device(), push_service.device()
    client.post("/account/push/on/", here.subscription(), content_type="application/json")
    devices.subscribe(
        PushSubscription.objects.get().user,
        endpoint=laptop.endpoint,
        p256dh=laptop.subscription()["keys"]["p256dh"],
        auth=laptop.subscription()["keys"]["auth"],
    )
    client.post("/accounts/logout/")
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [laptop.endpoint]


def test_a_therapist_is_told_push_is_for_runners() -> None:
    client = Client()
    client.force_login(therapist("theo"))
    page = client.get("/account/push/")
    assert page.status_code == 200
    assert b"Turn on for this device" not in page.content
    assert b"Push reminders tell runners" in page.content
