"""Push on a device, through the API: the key to subscribe with, a browser's subscription
added, listed and removed, each refusal naming the field and the rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from kit import vapid
from planner.models import PushSubscription
from tests import factories
from tests.push_service import PushService

pytestmark = pytest.mark.django_db


def client_of(username: str) -> tuple[APIClient, Any]:
    person = factories.person(username)
    client = APIClient()
    client.force_authenticate(person)
    return client, person


def test_a_browser_gets_the_key_it_subscribes_with() -> None:
    client, _ = client_of("rosa")
    answer = client.get("/api/v1/push/key")
    assert answer.status_code == 200
    assert answer.json() == {
        "enabled": True,
        "public_key": vapid.public_key(settings.VAPID_PRIVATE_KEY),
    }
    assert len(vapid.public_key(settings.VAPID_PRIVATE_KEY)) == 87  # 65 bytes, base64url


def test_without_a_signing_key_push_is_off(settings: Any) -> None:
    settings.VAPID_PRIVATE_KEY = ""
    client, _ = client_of("rosa")
    assert client.get("/api/v1/push/key").json() == {"enabled": False, "public_key": ""}


def test_a_device_turned_on_is_listed_and_turned_off_again(push_service: PushService) -> None:
    client, _rosa = client_of("rosa")
    phone = push_service.device()

    made = client.post(
        "/api/v1/push/devices", {**phone.subscription(), "label": "Pixel"}, format="json"
    )
    assert made.status_code == 201, made.json()
    assert made.json()["label"] == "Pixel"
    listed = client.get("/api/v1/push/devices").json()
    assert [d["label"] for d in listed] == ["Pixel"]
    assert set(listed[0]) == {"id", "label", "created_at", "last_sent_at"}

    gone = client.delete("/api/v1/push/devices", {"endpoint": phone.endpoint}, format="json")
    assert gone.status_code == 204
    assert not PushSubscription.objects.exists()
    again = client.delete("/api/v1/push/devices", {"endpoint": phone.endpoint}, format="json")
    assert again.status_code == 404


def test_the_same_device_subscribing_again_replaces_itself_even_for_another_account(
    push_service: PushService,
) -> None:
    rosa_client, rosa = client_of("rosa")
    oscar_client, _oscar = client_of("oscar")
    shared = push_service.device()
    rosa_client.post("/api/v1/push/devices", shared.subscription(), format="json")
    rosa_client.post("/api/v1/push/devices", shared.subscription(), format="json")
    assert PushSubscription.objects.filter(user=rosa).count() == 1

    # Oscar signs in on the same browser: its pushes are his now, never Rosa's reminders.
    oscar_client.post("/api/v1/push/devices", shared.subscription(), format="json")
    assert list(PushSubscription.objects.values_list("user__username", flat=True)) == ["oscar"]


def test_an_eleventh_device_drops_the_oldest(push_service: PushService) -> None:
    client, _rosa = client_of("rosa")
    for number in range(11):
        given = {**push_service.device().subscription(), "label": f"device {number}"}
        assert client.post("/api/v1/push/devices", given, format="json").status_code == 201
    labels = [d["label"] for d in client.get("/api/v1/push/devices").json()]
    assert labels == [f"device {n}" for n in range(1, 11)]


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        (
            {"endpoint": "http://169.254.169.254/latest/meta-data"},
            "endpoint",
            "not one this app sends to",
        ),
        ({"endpoint": "https://evil.example/push/1"}, "endpoint", "not one this app sends to"),
        ({"endpoint": ""}, "endpoint", "blank"),
        ({"keys": {"p256dh": "AAAA", "auth": "A" * 22}}, "keys", "65 bytes"),
        ({"keys": {"p256dh": "!" * 87, "auth": "A" * 22}}, "keys", "65 bytes"),
        ({"label": "a" * 121}, "label", "At most 120"),
        ({"label": "x\u0007y"}, "label", "letters, digits"),
        ({"colour": "red"}, "colour", ""),
    ],
)
def test_a_subscription_that_breaks_a_rule_is_refused_naming_the_field(
    push_service: PushService, change: dict[str, Any], field: str, rule: str
) -> None:
    client, _ = client_of("rosa")
    given = {**push_service.device().subscription(), **change}
    answer = client.post("/api/v1/push/devices", given, format="json")
    assert answer.status_code == 400
    body = answer.json()
    if field == "keys":
        assert "p256dh" in str(body) and rule in str(body)
    else:
        assert field in str(body) and rule in str(body)
    assert not PushSubscription.objects.exists()


def test_only_known_push_services_are_accepted_by_default() -> None:
    client, _ = client_of("rosa")
    fcm = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc:def",
        "keys": {"p256dh": "BA" + "A" * 85, "auth": "A" * 22},
    }
    assert client.post("/api/v1/push/devices", fcm, format="json").status_code == 201
    apple = {**fcm, "endpoint": "https://web.push.apple.com/QGxw"}
    assert client.post("/api/v1/push/devices", apple, format="json").status_code == 201
    # Not a subdomain of a listed service, however it is spelt.
    for trick in (
        "https://fcm.googleapis.com.evil.example/x",
        "https://evilpush.apple.com.example/x",
        "https://user@fcm.googleapis.com/x",
        "http://fcm.googleapis.com/x",
        "https://fcm.googleapis.com:8443/x",
    ):
        answer = client.post("/api/v1/push/devices", {**fcm, "endpoint": trick}, format="json")
        assert answer.status_code == 400, trick


def test_nobody_removes_another_persons_device(push_service: PushService) -> None:
    rosa_client, _ = client_of("rosa")
    oscar_client, _ = client_of("oscar")
    phone = push_service.device()
    device_id = rosa_client.post(
        "/api/v1/push/devices", phone.subscription(), format="json"
    ).json()["id"]
    assert oscar_client.delete(f"/api/v1/push/devices/{device_id}").status_code == 404
    by_endpoint = oscar_client.delete(
        "/api/v1/push/devices", {"endpoint": phone.endpoint}, format="json"
    )
    assert by_endpoint.status_code == 404
    assert oscar_client.get("/api/v1/push/devices").json() == []
    assert rosa_client.delete(f"/api/v1/push/devices/{device_id}").status_code == 204
