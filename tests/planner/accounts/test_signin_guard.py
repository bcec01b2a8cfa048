"""Sign-in slowing that counts what is checked and where it came from (issue "Accounts people
can trust", findings M1 to M3): the admin's sign-in is counted; a name is counted as Django
checks it; behind our proxy the client is the address the proxy saw, never one a client wrote
and never the proxy itself; and nobody can keep another person out of their account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from kit.web import client_address
from planner.accounts import signin_guard

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
FULLWIDTH_ROSA = "\uff52\uff4f\uff53\uff41"


def fail(username: str, address: str, times: int) -> None:
    for n in range(times):
        signin_guard.record_failure(username, address, NOW + timedelta(microseconds=n))


def test_a_fullwidth_spelling_is_counted_as_the_account_it_signs_in_to() -> None:
    # Django's username field reads the fullwidth spelling as "rosa" (NFKC): the guesses
    # count for her.
    fail(FULLWIDTH_ROSA, "198.51.100.7", 5)
    fail("ROSA ", "198.51.100.7", 1)

    assert signin_guard.retry_after("rosa", "198.51.100.7", NOW) > 0


def test_someone_failing_on_purpose_elsewhere_cannot_keep_the_owner_out() -> None:
    fail("rosa", "203.0.113.66", 40)

    from_the_attacker = signin_guard.retry_after("rosa", "203.0.113.66", NOW)
    from_rosas_phone = signin_guard.retry_after("rosa", "198.51.100.7", NOW)

    assert from_the_attacker == 15 * 60
    # The account alone is braked four times slower and never more than a minute.
    assert 0 < from_rosas_phone <= signin_guard.ACCOUNT_MAX_LOCKOUT_SECONDS


def test_failures_timed_from_elsewhere_do_not_keep_the_owner_out_where_she_signs_in() -> None:
    """One failure a minute from a new address each time, just as the last minute's brake
    ends, would keep the account alone braked for good: not at an address Rosa signed in
    from, which the failures cannot come from."""
    signin_guard.record_success("rosa", "198.51.100.7")
    fail("rosa", "203.0.113.66", 40)

    at_home = signin_guard.retry_after("rosa", "198.51.100.7", NOW)
    somewhere_new = signin_guard.retry_after("rosa", "192.0.2.10", NOW)
    the_attacker = signin_guard.retry_after("rosa", "203.0.113.66", NOW)

    assert at_home == 0
    assert 0 < somewhere_new <= signin_guard.ACCOUNT_MAX_LOCKOUT_SECONDS
    assert the_attacker == 15 * 60
    # Her own failures at home still count there.
    fail("rosa", "198.51.100.7", 5)
    assert signin_guard.retry_after("rosa", "198.51.100.7", NOW) > 0


def test_a_huge_name_is_a_short_key() -> None:
    keys = [key for key, _, _ in signin_guard._counters("x" * 2_000_000, "198.51.100.7")]

    spaced = [key for key, _, _ in signin_guard._counters("a passphrase typed", "::1")]

    assert max(len(key) for key in keys) < 80
    # A passphrase typed in the name box is neither a cache-key warning nor a log line.
    assert not any(" " in key or "passphrase" in key for key in spaced)


def request_through(remote: str, forwarded: str | None) -> Any:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/signin/", **headers)


def test_without_trusted_proxies_the_forwarded_header_is_never_read(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request_through("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_behind_our_proxy_the_client_is_what_the_proxy_saw(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1

    # The client wrote "1.2.3.4" itself; our proxy appended the address it saw.
    seen = client_address(request_through("10.0.0.2", "1.2.3.4, 203.0.113.9"))
    direct = client_address(request_through("10.0.0.2", None))

    assert seen == "203.0.113.9"
    assert direct == "10.0.0.2"  # not through the proxy as configured: the connection


def test_behind_two_proxies_the_outer_ones_view_counts(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 2

    seen = client_address(request_through("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1"))

    assert seen == "203.0.113.9"


def sign_in_behind_the_proxy(client: Client, name: str, password: str, seen: str) -> Any:
    """A sign-in on the page itself (/signin/ only redirects to it), through our proxy at
    10.0.0.2 (in TRUSTED_PROXY_ADDRESSES), which appended the address it saw."""
    return client.post(
        "/accounts/login/",
        {"login": name, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=seen,
    )


@pytest.mark.django_db
def test_failures_from_many_clients_behind_the_proxy_do_not_close_sign_in_for_all(
    settings: Any,
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_ADDRESSES = ["10.0.0.0/8"]
    get_user_model().objects.create_user("rosa", password="hills-and-miles-42")
    for n in range(24):
        sign_in_behind_the_proxy(Client(), f"nobody-{n}", "wrong", f"203.0.113.{n}")

    rosa = Client()
    response = sign_in_behind_the_proxy(rosa, "rosa", "hills-and-miles-42", "198.51.100.7")

    # Counted by the proxy's own address, those 24 failures would have closed sign-in for
    # everyone behind it, Rosa's right password included.
    assert response.status_code == 302
    assert "_auth_user_id" in rosa.session


@pytest.mark.django_db
def test_the_admin_sign_in_is_slowed_and_the_right_password_waits(client: Client) -> None:
    """The admin has no sign-in of its own: /admin/login/ sends staff to the sign-in page,
    which counts their failures like everyone's."""
    get_user_model().objects.create_superuser("alice", "alice@example.com", "curating-is-fun-42")
    assert client.get("/admin/login/").headers["Location"].startswith("/accounts/login/")
    wrong = [
        client.post("/accounts/login/", {"login": "alice", "password": f"guess-{n}"})
        for n in range(5)
    ]

    right = client.post("/accounts/login/", {"login": "alice", "password": "curating-is-fun-42"})

    assert all(b"are not correct" in answer.content for answer in wrong)
    assert b"Too many failed sign-ins: try again in" in right.content
    assert "_auth_user_id" not in client.session
