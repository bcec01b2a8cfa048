"""Notifications, care invitations, a copy of my data, a new password, deleting the account."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from planner.accounts import clock, profile
from planner.care import linking
from planner.models import CareLink, Notification, Plan
from tests.personas import People, therapist

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_signin_counters() -> None:
    cache.clear()


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_notifications_newest_first_paginated_and_mine_only(
    client: Client, people: People, django_assert_num_queries: Any
) -> None:
    for number in range(25):
        Notification.objects.create(user=people.rosa, title=f"Note {number:02}", body="b")
    Notification.objects.create(user=people.oscar, title="Oscar's note", body="b")
    as_user(client, people.rosa)
    # session, user, the therapist role, count, page of notifications, care links
    with django_assert_num_queries(6):
        page = client.get("/notifications/").content.decode()
    assert page.index("Note 24") < page.index("Note 23") and "Note 04" not in page
    assert "Oscar's note" not in page and "Page 1 of 2" in page
    assert "Note 04" in client.get("/notifications/?page=2").content.decode()


def test_mark_as_read_is_post_only_and_htmx_swaps_the_card(client: Client, people: People) -> None:
    note = Notification.objects.create(user=people.rosa, title="Time to move", body="b")
    as_user(client, people.rosa)
    url = f"/notifications/{note.pk}/read/"
    assert client.get(url).status_code == 405
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<!doctype" not in response.content.decode()
    assert "Unread" not in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.post(url).url == "/notifications/"


def test_someone_elses_notification_is_404(client: Client, people: People) -> None:
    note = Notification.objects.create(user=people.oscar, title="Oscar's", body="b")
    assert as_user(client, people.rosa).post(f"/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_accept_and_decline_invitations_and_end_a_link(client: Client, people: People) -> None:
    invitation = CareLink.objects.create(therapist=people.uma, runner=people.rosa)
    as_user(client, people.rosa)
    page = client.get("/notifications/").content.decode()
    assert "uma</strong> invited you" in page and "theo</strong>, since" in page
    response = client.post(f"/care/{invitation.pk}/answer/", {"answer": "accept"}, follow=True)
    assert "uma can now see your plans" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == CareLink.Status.ACTIVE
    theo_link = CareLink.objects.get(therapist=people.theo, runner=people.rosa)
    client.post(f"/care/{theo_link.pk}/end/")
    theo_link.refresh_from_db()
    assert theo_link.status == CareLink.Status.ENDED


def test_an_invitations_notice_says_what_became_of_it_once_answered(
    client: Client, people: People
) -> None:
    as_user(client, people.rosa)
    accepted = linking.invite(people.uma, "rosa", timezone.now())
    declined = linking.invite(therapist("vera"), "rosa", timezone.now())
    before = client.get("/notifications/").content.decode()
    assert before.count("Accept the invitation") == 2 and before.count(">Unread<") == 2

    client.post(f"/care/{accepted.pk}/answer/", {"answer": "accept"})
    client.post(f"/care/{declined.pk}/answer/", {"answer": "decline"})

    after = client.get("/notifications/").content.decode()
    assert "Accept the invitation" not in after and ">Unread<" not in after
    assert "You accepted on" in after and "uma can see your plans" in after
    assert "You declined this invitation on" in after


def test_an_invitation_withdrawn_by_the_therapist_says_so_in_the_runners_notice(
    people: People,
) -> None:
    invitation = linking.invite(people.uma, "rosa", timezone.now())

    linking.end_link(people.uma, invitation.pk, timezone.now())

    note = Notification.objects.get(invitation=invitation)
    assert note.body.startswith("uma withdrew this invitation on") and note.read_at


def test_an_invitation_cannot_be_answered_twice_or_by_someone_else(
    client: Client, people: People
) -> None:
    invitation = CareLink.objects.create(
        therapist=people.uma, runner=people.rosa, status=CareLink.Status.DECLINED
    )
    response = as_user(client, people.rosa).post(
        f"/care/{invitation.pk}/answer/", {"answer": "accept"}, follow=True
    )
    assert "already declined" in response.content.decode()
    other = CareLink.objects.create(therapist=people.uma, runner=people.oscar)
    assert client.post(f"/care/{other.pk}/answer/", {"answer": "accept"}).status_code == 404
    assert client.post(f"/care/{other.pk}/end/").status_code == 404
    other.refresh_from_db()
    assert other.status == CareLink.Status.INVITED


def test_download_my_data(client: Client, people: People) -> None:
    response = as_user(client, people.rosa).get("/account/export/")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "rosa"
    assert "oscar" not in response.content.decode()


def test_change_password_keeps_me_signed_in_and_ends_the_rest(
    client: Client, people: People
) -> None:
    as_user(client, people.rosa)
    elsewhere = Client()
    elsewhere.force_login(people.rosa)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "rosa-pass-4242",
            "password1": "new-hills-4242x",
            "password2": "new-hills-4242x",
        },
        follow=True,
    )
    assert "Password successfully changed." in response.content.decode()
    people.rosa.refresh_from_db()
    assert people.rosa.check_password("new-hills-4242x")
    assert client.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302


def test_change_password_errors_sit_next_to_the_field(client: Client, people: People) -> None:
    as_user(client, people.rosa)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "new-hills-4242x", "password2": "new-hills-4242x"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Please type your current password" in page
    assert 'id="id_oldpassword_error"' in page
    people.rosa.refresh_from_db()
    assert people.rosa.check_password("rosa-pass-4242")


def test_deleting_asks_for_the_password_first(client: Client, people: People) -> None:
    as_user(client, people.rosa)
    page = client.get("/account/delete/").content.decode()
    assert "cannot be undone" in page and 'name="password"' in page
    response = client.post("/account/delete/", {"password": "wrong"})
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(username="rosa").exists()
    response = client.post("/account/delete/", {"password": ""})
    assert "This field is required." in response.content.decode()


def test_deleting_with_the_password_removes_everything(client: Client, people: People) -> None:
    other = Client()
    other.force_login(people.rosa)
    as_user(client, people.rosa)
    response = client.post("/account/delete/", {"password": "rosa-pass-4242"}, follow=True)
    assert "all its data are deleted" in response.content.decode()
    assert not User.objects.filter(username="rosa").exists()
    assert not Plan.objects.filter(pk=people.rosa_plan.pk).exists()
    assert other.get("/plans/").status_code == 302  # every session ended
    assert Plan.objects.filter(pk=people.oscar_plan.pk).exists()


def test_wrong_passwords_at_deletion_are_slowed(client: Client, people: People) -> None:
    as_user(client, people.rosa)
    for _ in range(5):
        client.post("/account/delete/", {"password": "guess"})
    response = client.post("/account/delete/", {"password": "rosa-pass-4242"})
    assert response.status_code == 429 and "Too many wrong passwords" in response.content.decode()
    assert User.objects.filter(username="rosa").exists()


def test_account_pages_need_a_sign_in_and_csrf(people: People) -> None:
    anonymous = Client()
    for url in ("/account/", "/notifications/", "/account/export/", "/account/delete/"):
        assert anonymous.get(url).url.startswith("/accounts/login/?next="), url
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.rosa)
    assert client.post("/account/delete/", {"password": "rosa-pass-4242"}).status_code == 403
    assert User.objects.filter(username="rosa").exists()


@pytest.mark.parametrize("url", ["/account/", "/accounts/password/change/", "/accounts/email/"])
def test_the_account_pages_focus_no_field_on_arrival(
    client: Client, people: People, url: str
) -> None:
    # A focused field opens a phone's keyboard over the page before it has been read.
    page = as_user(client, people.rosa).get(url).content.decode()
    assert "<form" in page and "autofocus" not in page


def test_a_therapist_sets_the_time_zone_her_pages_and_alerts_show_times_in() -> None:
    theo = therapist("theo-zone")
    client = Client()
    client.force_login(theo)

    refused = client.post("/account/time-zone/", {"time_zone": "Mars/Olympus"})
    assert refused.status_code == 400
    assert b"An IANA time zone name, like Europe/Madrid." in refused.content
    assert profile.chosen_time_zone(theo) == ""

    saved = client.post("/account/time-zone/", {"time_zone": " Europe/Madrid "}, follow=True)
    assert b"Your time zone is saved." in saved.content
    assert profile.chosen_time_zone(theo) == "Europe/Madrid"
    assert clock.zone_of(theo.pk) == "Europe/Madrid"
    assert b'value="Europe/Madrid"' in client.get("/account/").content
