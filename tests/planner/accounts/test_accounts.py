"""Accounts from django-allauth, as a person meets them: signing up and confirming an address
(by a real SMTP server on loopback), resetting a password, changing an address, signing out
everywhere, and the second factor therapists and staff must have."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from planner.access import THERAPIST_GROUP
from planner.models import CareLink
from tests import factories
from tests.smtp_sink import Sink

pytestmark = pytest.mark.django_db

PASSWORD = "long-runs-on-sunday-42"


def sign_up(client: Client, username: str, email: str) -> None:
    response = client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def confirm_link(sink: Sink, address: str) -> str:
    (mail,) = [m for m in sink.to(address) if "/accounts/confirm-email/" in m.text]
    (link,) = [link for link in mail.links() if "/accounts/confirm-email/" in link]
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def sign_in(client: Client, login: str, password: str = PASSWORD) -> str:
    response = client.post("/accounts/login/", {"login": login, "password": password})
    return response.headers.get("Location", "") if response.status_code == 302 else ""


# --- Signing up and confirming an address ------------------------------------------------------


def test_sign_up_sends_a_confirmation_link_that_confirms_the_address(smtp_sink: Sink) -> None:
    client = Client()
    sign_up(client, "nina", "nina@example.com")
    nina = User.objects.get(username="nina")
    assert not EmailAddress.objects.get(user=nina).verified

    path = confirm_link(smtp_sink, "nina@example.com")
    assert client.get(path).status_code == 200  # asks to confirm; a GET changes nothing
    assert not EmailAddress.objects.get(user=nina).verified
    client.post(path)
    assert EmailAddress.objects.get(user=nina, email="nina@example.com").verified


def test_signing_up_through_the_api_mails_the_same_confirmation_link(smtp_sink: Sink) -> None:
    api = APIClient()
    made = api.post(
        "/api/v1/auth/signup",
        {"username": "nina", "email": "nina@example.com", "password": PASSWORD},
        format="json",
    )
    api.credentials(HTTP_AUTHORIZATION=f"Token {made.json()['token']}")
    assert made.status_code == 201
    assert api.get("/api/v1/me").json()["email_confirmed"] is False

    Client().post(confirm_link(smtp_sink, "nina@example.com"))

    assert api.get("/api/v1/me").json()["email_confirmed"] is True


def test_a_new_runner_goes_to_the_warning_sign_questions_first() -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "omar",
            "email": "omar@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.headers["Location"] == "/start/"


def test_signing_up_with_a_registered_address_is_answered_like_any_other(
    smtp_sink: Sink,
) -> None:
    factories.person("rosa")  # rosa@example.com, confirmed
    first, second = Client(), Client()
    taken = first.post(
        "/accounts/signup/",
        {
            "username": "mallory",
            "email": "rosa@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    fresh = second.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert (taken.status_code, taken.headers["Location"]) == (
        fresh.status_code,
        fresh.headers["Location"],
    )
    # Mallory holds Rosa's address unconfirmed: it is still Rosa's alone.
    assert not EmailAddress.objects.get(user__username="mallory").verified


def test_an_invitation_by_email_reaches_only_the_account_that_confirmed_it() -> None:
    rosa = factories.person("rosa")
    mallory = factories.person("mallory", confirmed=False)
    EmailAddress.objects.filter(user=mallory).update(email="rosa@example.com")
    theo = factories.person("theo")
    theo.groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])
    api = APIClient()
    api.force_authenticate(theo)

    answer = api.post("/api/v1/invitations", {"runner": "rosa@example.com"})

    assert answer.status_code == 202
    link = CareLink.objects.get()
    assert link.runner == rosa and link.invited_as == "rosa@example.com"


def test_an_invitation_by_email_does_not_tell_who_has_an_account() -> None:
    factories.person("rosa")
    factories.person("pending", confirmed=False)
    theo = factories.person("theo")
    theo.groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])
    api = APIClient()
    api.force_authenticate(theo)
    addresses = ("rosa@example.com", "pending@example.com", "nobody@example.com")

    answers = [api.post("/api/v1/invitations", {"runner": address}) for address in addresses]

    assert {(a.status_code, a.json()["detail"]) for a in answers} == {
        (202, answers[0].json()["detail"])
    }
    # The therapist's lists read the same for the three (the page's too).
    listed = api.get("/api/v1/email-invitations").json()["results"]
    assert sorted((i["email"], i["status"]) for i in listed) == sorted(
        (address, "waiting") for address in addresses
    )
    assert api.get("/api/v1/invitations").json()["results"] == []
    page = Client()
    page.force_login(theo)
    html = page.get("/patients/").content.decode()
    assert all(html.count(f"<strong>{address}</strong>") == 1 for address in addresses)
    assert "rosa<" not in html
    # Inviting an address twice is refused alike.
    again = {api.post("/api/v1/invitations", {"runner": a}).status_code for a in addresses}
    assert again == {400}


def test_an_invitation_reaches_its_address_once_the_owner_confirms_it(smtp_sink: Sink) -> None:
    theo = factories.person("theo")
    theo.groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])
    api = APIClient()
    api.force_authenticate(theo)
    api.post("/api/v1/invitations", {"runner": "nina@example.com"})
    assert not CareLink.objects.exists()

    client = Client()
    sign_up(client, "nina", "nina@example.com")
    assert not CareLink.objects.exists()  # typed, not yet confirmed
    client.post(confirm_link(smtp_sink, "nina@example.com"))

    link = CareLink.objects.get()
    assert (link.therapist, link.runner.username, link.status) == (theo, "nina", "invited")
    assert "theo would like to follow your plans" in client.get("/notifications/").content.decode()


def test_a_declined_invitation_cannot_be_sent_again_for_a_month() -> None:
    rosa = factories.person("rosa")
    theo = factories.person("theo")
    theo.groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])
    CareLink.objects.create(
        therapist=theo,
        runner=rosa,
        status=CareLink.Status.DECLINED,
        responded_at=timezone.now() - timedelta(days=3),
    )
    api = APIClient()
    api.force_authenticate(theo)

    again = api.post("/api/v1/invitations", {"runner": "rosa"})

    assert again.status_code == 400
    assert "declined your last invitation" in again.json()["runner"][0]
    CareLink.objects.update(responded_at=timezone.now() - timedelta(days=31))
    assert api.post("/api/v1/invitations", {"runner": "rosa"}).status_code == 201


# --- Reminders reach confirmed addresses only --------------------------------------------------


# (tests/planner/delivery/test_notify.py: test_no_email_to_an_address_nobody_confirmed)


# --- Password reset and email change ---------------------------------------------------------


def test_a_forgotten_password_is_reset_by_the_link_mailed(smtp_sink: Sink) -> None:
    rosa = factories.person("rosa")
    _token, key = AuthToken.objects.create(user=rosa)
    client = Client()

    known = client.post("/accounts/password/reset/", {"email": "rosa@example.com"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )

    (mail,) = [m for m in smtp_sink.to("rosa@example.com") if "password" in m.subject.lower()]
    (link,) = [link for link in mail.links() if "/accounts/password/reset/key/" in link]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new = "a-brand-new-passphrase-77"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": new, "password2": new},
    )
    assert done.status_code == 302
    assert User.objects.get(pk=rosa.pk).check_password(new)
    # The token issued under the old password is gone with it.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me").status_code == 401
    assert sign_in(Client(), "rosa", new) != ""


def test_a_new_address_replaces_the_old_once_confirmed(smtp_sink: Sink) -> None:
    rosa = factories.person("rosa")
    client = Client()
    client.force_login(rosa)

    response = client.post("/accounts/email/", {"action_add": "", "email": "rosa.new@example.com"})

    assert response.status_code == 302
    # Until she confirms it, reminders still go to the confirmed one.
    from planner import addresses

    assert addresses.confirmed_email(rosa) == "rosa@example.com"
    client.post(confirm_link(smtp_sink, "rosa.new@example.com"))
    assert addresses.confirmed_email(User.objects.get(pk=rosa.pk)) == "rosa.new@example.com"


# --- Signing out everywhere --------------------------------------------------------------------


def test_signing_out_everywhere_ends_every_session_and_token() -> None:
    rosa = factories.person("rosa")
    phone, laptop = Client(), Client()
    assert sign_in(phone, "rosa", "rosa-pass-4242")
    assert sign_in(laptop, "rosa@example.com", "rosa-pass-4242")
    _token, key = AuthToken.objects.create(user=rosa)

    laptop.post("/account/everywhere/")

    assert phone.get("/plans/").status_code == 302  # to sign in again
    assert laptop.get("/plans/").status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me").status_code == 401


def test_signing_out_everywhere_from_the_api_ends_pages_apps_and_every_token() -> None:
    rosa = factories.person("rosa")
    page = Client()
    assert sign_in(page, "rosa", "rosa-pass-4242")
    app = APIClient()
    session_token = app.post(
        "/_allauth/app/v1/auth/login",
        {"username": "rosa", "password": "rosa-pass-4242"},
        format="json",
    ).json()["meta"]["session_token"]
    this, other = APIClient(), APIClient()
    this.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=rosa)[1]}")
    other.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=rosa)[1]}")

    assert this.post("/api/v1/auth/logout-everywhere").status_code == 204

    assert page.get("/plans/").status_code == 302  # to sign in again
    # allauth's app API: the session is gone (410), and with it the token it gave.
    assert (
        app.get("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=session_token).status_code
        == 410
    )
    assert this.get("/api/v1/me").status_code == other.get("/api/v1/me").status_code == 401
    assert not AuthToken.objects.filter(user=rosa).exists()


# --- Two factors -------------------------------------------------------------------------------


def therapist_named(username: str) -> User:
    user = factories.person(username)
    user.groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])
    return user


def test_a_therapist_without_a_second_factor_is_sent_to_set_one_up() -> None:
    therapist_named("theo")
    client = Client()
    sign_in(client, "theo", "theo-pass-4242")

    response = client.get("/patients/")

    assert response.status_code == 302 and response.headers["Location"] == "/accounts/2fa/"
    api = client.get("/api/v1/care-links")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]


def test_setting_up_an_authenticator_app_lets_the_therapist_in() -> None:
    therapist_named("theo")
    client = Client()
    sign_in(client, "theo", "theo-pass-4242")
    # Adding a factor asks for the password again (someone at an unlocked screen cannot).
    asked = client.get("/accounts/2fa/totp/activate/")
    assert asked.headers["Location"].startswith("/accounts/reauthenticate/")
    client.post(asked.headers["Location"], {"password": "theo-pass-4242"})
    setup = client.get("/accounts/2fa/totp/activate/")
    secret = setup.context["form"].secret

    client.post("/accounts/2fa/totp/activate/", {"code": factories.totp_code(secret)})

    assert client.get("/patients/").status_code == 200


def test_a_therapist_with_a_second_factor_is_asked_for_its_code() -> None:
    theo = therapist_named("theo")
    secret = factories.with_two_factors(theo)
    client = Client()

    after_password = sign_in(client, "theo", "theo-pass-4242")

    assert after_password == "/accounts/2fa/authenticate/"
    assert client.get("/patients/").status_code == 302  # not signed in yet
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    right = client.post("/accounts/2fa/authenticate/", {"code": factories.totp_code(secret)})
    assert right.status_code == 302
    assert client.get("/patients/").status_code == 200


def test_the_admin_signs_in_through_the_same_page_and_second_factor() -> None:
    User.objects.create_superuser("alice", "alice@example.com", "alice-pass-4242")
    client = Client()

    to_signin = client.get("/admin/")
    assert to_signin.status_code == 302
    login = client.get(to_signin.headers["Location"])
    assert login.status_code == 302 and login.headers["Location"].startswith("/accounts/login/")
    sign_in(client, "alice", "alice-pass-4242")
    # Staff read health data: no admin before a second factor.
    assert client.get("/admin/").headers["Location"] == "/accounts/2fa/"


def test_the_admin_sign_in_is_slowed_like_everyone_else() -> None:
    User.objects.create_superuser("alice", "alice@example.com", "alice-pass-4242")
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": "alice", "password": "guess"})

    page = client.post("/accounts/login/", {"login": "alice", "password": "alice-pass-4242"})

    assert "Too many failed sign-ins" in page.content.decode()
    assert "_auth_user_id" not in client.session


# --- API tokens ------------------------------------------------------------------------------


def test_an_api_token_is_kept_only_as_a_hash_and_expires() -> None:
    factories.person("rosa")
    api = APIClient()

    answer = api.post("/api/v1/auth/token", {"username": "rosa", "password": "rosa-pass-4242"})

    key = answer.json()["token"]
    stored = AuthToken.objects.get()
    assert key not in (stored.digest, stored.token_key) and len(stored.token_key) < len(key)
    assert timedelta(days=29) < stored.expiry - timezone.now() <= timedelta(days=30)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me").status_code == 200
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/v1/me").status_code == 401


def test_a_password_change_ends_the_api_tokens() -> None:
    rosa = factories.person("rosa")
    _token, key = AuthToken.objects.create(user=rosa)
    rosa.set_password("another-long-passphrase-9")
    rosa.save()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me").status_code == 401


def test_the_api_asks_for_the_second_factor_and_refuses_a_therapist_without_one() -> None:
    theo = therapist_named("theo")
    api = APIClient()
    credentials = {"username": "theo", "password": "theo-pass-4242"}

    assert api.post("/api/v1/auth/token", credentials).status_code == 403
    secret = factories.with_two_factors(theo)
    without = api.post("/api/v1/auth/token", credentials)
    assert without.status_code == 400 and "code" in without.json()
    wrong = api.post("/api/v1/auth/token", {**credentials, "code": "123456"})
    assert wrong.status_code == 400
    right = api.post("/api/v1/auth/token", {**credentials, "code": factories.totp_code(secret)})
    assert right.status_code == 200 and right.json()["token"]


def test_apps_sign_in_through_allauths_api_and_get_a_planner_token() -> None:
    theo = therapist_named("theo")
    secret = factories.with_two_factors(theo)
    app = APIClient()

    step = app.post(
        "/_allauth/app/v1/auth/login",
        {"username": "theo", "password": "theo-pass-4242"},
        format="json",
    )
    assert step.status_code == 401  # a second step is pending: the code
    session = step.json()["meta"]["session_token"]
    done = app.post(
        "/_allauth/app/v1/auth/2fa/authenticate",
        {"code": factories.totp_code(secret)},
        format="json",
        HTTP_X_SESSION_TOKEN=session,
    )
    assert done.status_code == 200
    key = done.json()["meta"]["access_token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me").json()["username"] == "theo"


def test_allauths_api_gives_no_token_to_a_therapist_without_a_second_factor() -> None:
    therapist_named("theo")

    step = APIClient().post(
        "/_allauth/app/v1/auth/login",
        {"username": "theo", "password": "theo-pass-4242"},
        format="json",
    )

    assert step.status_code == 200
    assert "access_token" not in step.json()["meta"]
    assert not AuthToken.objects.exists()


def test_the_admin_shows_no_key_and_makes_none() -> None:
    alice = User.objects.create_superuser("alice", "alice@example.com", "alice-pass-4242")
    rosa = factories.person("rosa")
    _token, key = AuthToken.objects.create(user=rosa)
    client = Client()
    client.force_login(alice)

    listing = client.get("/admin/knox/authtoken/").content.decode()

    assert "rosa" in listing and key not in listing and key[:8] not in listing
    assert client.get("/admin/knox/authtoken/add/").status_code == 403


def test_the_admin_shows_no_second_factors_secret() -> None:
    """allauth's admin showed an authenticator's data: the TOTP key a person's codes are made
    from, readable by any staff member who may view second factors."""
    alice = User.objects.create_superuser("alice", "alice@example.com", "alice-pass-4242")
    theo = therapist_named("theo")
    secret = factories.with_two_factors(theo)
    (totp,) = Authenticator.objects.filter(user=theo)
    client = Client()
    client.force_login(alice)

    listing = client.get("/admin/mfa/authenticator/")
    page = client.get(f"/admin/mfa/authenticator/{totp.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert "theo" in listing.content.decode()
    assert secret not in page.content.decode() and "theo" in page.content.decode()
    assert client.get("/admin/mfa/authenticator/add/").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/sessions/",
        "/accounts/logout/",
        "/account/",
    ],
)
def test_every_account_page_opens_in_the_sites_layout(path: str) -> None:
    client = Client()
    client.force_login(factories.person("rosa"))

    page = client.get(path)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="account-menu"' in html or path == "/accounts/logout/"
    assert "Rehab planner" in html and "not a diagnosis" in html


def test_apps_ask_for_a_password_reset_through_allauths_api(smtp_sink: Sink) -> None:
    factories.person("rosa")
    app = APIClient()

    known = app.post(
        "/_allauth/app/v1/auth/password/request", {"email": "rosa@example.com"}, format="json"
    )
    unknown = app.post(
        "/_allauth/app/v1/auth/password/request", {"email": "ghost@example.com"}, format="json"
    )

    assert known.status_code == unknown.status_code == 200
    # Rosa gets the way back in; an unknown address only hears that it has no account.
    (to_rosa,) = smtp_sink.to("rosa@example.com")
    (to_ghost,) = smtp_sink.to("ghost@example.com")
    assert any("/accounts/password/reset/key/" in link for link in to_rosa.links())
    assert not any("/password/reset/key/" in link for link in to_ghost.links())


# --- What a review of the change found ------------------------------------------------------


def test_wrong_second_factor_codes_are_limited_on_the_page_and_the_api() -> None:
    theo = therapist_named("theo")
    secret = factories.with_two_factors(theo)
    page = Client()
    sign_in(page, "theo", "theo-pass-4242")
    answers = [
        page.post("/accounts/2fa/authenticate/", {"code": "000000"}).content.decode()
        for _ in range(6)
    ]
    assert "Too many" in answers[-1]
    # The right code waits its turn too.
    right = page.post("/accounts/2fa/authenticate/", {"code": factories.totp_code(secret)})
    assert right.status_code == 200 and "_auth_user_id" not in page.session

    api = APIClient()
    credentials = {"username": "theo", "password": "theo-pass-4242"}
    statuses = [
        api.post("/api/v1/auth/token", {**credentials, "code": "111111"}).status_code
        for _ in range(8)
    ]
    assert statuses[0] == 400 and 429 in statuses


def test_made_a_therapist_every_session_and_token_ends_until_a_second_factor() -> None:
    rosa = factories.person("rosa")
    _token, key = AuthToken.objects.create(user=rosa)

    rosa.groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])

    assert not AuthToken.objects.filter(user=rosa).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/patients").status_code == 401


def test_made_staff_every_token_ends_too() -> None:
    rosa = factories.person("rosa")
    AuthToken.objects.create(user=rosa)

    rosa.is_staff = True
    rosa.save()

    assert not AuthToken.objects.filter(user=rosa).exists()


def test_a_therapist_cannot_remove_their_only_factor() -> None:
    theo = therapist_named("theo")
    factories.with_two_factors(theo)
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.get(user=theo, type="totp")
    assert not get_adapter().can_delete_authenticator(totp)
    rosa = factories.person("rosa")
    factories.with_two_factors(rosa)
    assert get_adapter().can_delete_authenticator(Authenticator.objects.get(user=rosa, type="totp"))


def test_signing_out_of_allauths_api_ends_the_token_it_gave() -> None:
    factories.person("rosa")
    app = APIClient()
    signed = app.post(
        "/_allauth/app/v1/auth/login",
        {"username": "rosa", "password": "rosa-pass-4242"},
        format="json",
    ).json()["meta"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {signed['access_token']}")
    assert api.get("/api/v1/me").status_code == 200

    app.delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=signed["session_token"])

    assert api.get("/api/v1/me").status_code == 401


def test_an_invitation_by_email_is_not_found_by_the_therapist_any_other_way() -> None:
    rosa = factories.person("rosa")
    theo = therapist_named("theo")
    api = APIClient()
    api.force_authenticate(theo)
    api.post("/api/v1/invitations", {"runner": "rosa@example.com"})
    hidden = CareLink.objects.get(runner=rosa)

    assert api.get("/api/v1/care-links").json()["results"] == []
    assert api.delete(f"/api/v1/care-links/{hidden.pk}").status_code == 404
    page = Client()
    page.force_login(theo)
    assert page.post(f"/patients/invitations/{hidden.pk}/withdraw/").status_code == 404
    exported = page.get("/account/export/").content.decode()
    assert '"runner": "rosa@example.com"' in exported and '"runner": "rosa"' not in exported
    # Inviting her by name now is answered as any new invitation, not "already invited".
    by_name = api.post("/api/v1/invitations", {"runner": "rosa"})
    assert by_name.status_code == 201
    assert CareLink.objects.filter(runner=rosa).count() == 1


def test_a_mail_server_that_is_down_does_not_fail_a_sign_up(settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.mail_backends.UnreachableBackend"
    client = Client(raise_request_exception=False)

    sign_up(client, "nina", "nina@example.com")

    # The account is made; the confirmation can be asked for again from the account page.
    assert not EmailAddress.objects.get(user__username="nina").verified
    api = APIClient()
    made = api.post(
        "/api/v1/auth/signup",
        {"username": "omar", "email": "omar@example.com", "password": PASSWORD},
        format="json",
    )
    assert made.status_code == 201
