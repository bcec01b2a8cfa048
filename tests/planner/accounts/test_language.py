"""The language of a person's pages (planner.accounts.language): the browser's for a visitor
(Accept-Language, or the footer's switch), her own choice once signed in, the sign-up page's
for a new account; changed on the account page or through the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from planner.accounts import language, profile
from planner.models import Profile
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-ES,es;q=0.9"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
PASSWORD = "long-runs-on-sunday-42"


def signed_in(user: object, **headers: str) -> Client:
    client = Client(**headers)
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_visitor_whose_browser_reads_spanish_gets_the_home_page_in_spanish() -> None:
    page = Client().get("/", **SPANISH)  # type: ignore[arg-type]

    html = page.content.decode()
    assert page["Content-Language"] == "es"
    assert '<html lang="es">' in html
    assert "Ejercicio progresivo en casa" in html and "Iniciar sesión" in html
    assert "Progressive home exercise" not in html


def test_a_visitor_switches_language_in_the_footer() -> None:
    client = Client()
    home = client.get("/", **ENGLISH)  # type: ignore[arg-type]
    assert 'action="/i18n/setlang/"' in home.content.decode()

    switched = client.post("/i18n/setlang/", {"language": "es", "next": "/"}, **ENGLISH)  # type: ignore[arg-type]

    assert switched.status_code == 302
    assert "Iniciar sesión" in client.get("/", **ENGLISH).content.decode()  # type: ignore[arg-type]


def test_allauths_own_pages_come_in_spanish_too() -> None:
    page = Client().get("/accounts/login/", **SPANISH).content.decode()  # type: ignore[arg-type]

    # allauth's own words (its catalog), the site's frame and the site's own label (ours).
    assert "Contraseña" in page and "Nombre de usuario o correo electrónico" in page
    assert "Planificador de rehabilitación" in page


def test_a_signed_in_persons_choice_beats_her_browser() -> None:
    rosa = factories.person("rosa")
    profile.set_language(rosa, "es")

    page = signed_in(rosa, **ENGLISH).get("/account/")

    assert page["Content-Language"] == "es"
    assert "Cuenta" in page.content.decode()


def test_with_no_choice_the_browser_decides() -> None:
    rosa = factories.person("rosa")

    assert signed_in(rosa, **SPANISH).get("/account/")["Content-Language"] == "es"
    assert signed_in(rosa, **ENGLISH).get("/account/")["Content-Language"] == "en"


def test_signing_up_keeps_the_language_the_page_was_shown_in() -> None:
    client = Client(**SPANISH)  # type: ignore[arg-type]
    response = client.post(
        "/accounts/signup/",
        {"username": "ines", "email": "ines@example.com", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip

    assert response.status_code == 302
    assert Profile.objects.get(user__username="ines").language == "es"
    assert client.session[language.SESSION_KEY][0] == "es"


def test_signing_up_through_the_api_keeps_the_apps_language() -> None:
    answer = Client().post(
        "/api/v1/auth/signup",
        {"username": "lucia", "email": "lucia@example.com", "password": PASSWORD},
        content_type="application/json",
        **SPANISH,  # type: ignore[arg-type]
    )

    assert answer.status_code == 201, answer.content
    assert Profile.objects.get(user__username="lucia").language == "es"


def test_signing_up_in_english_keeps_english() -> None:
    Client().post(
        "/accounts/signup/",
        {"username": "omar", "email": "omar@example.com", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip

    assert Profile.objects.get(user__username="omar").language == "en"


def test_the_account_page_changes_the_language_of_this_session_at_once() -> None:
    rosa = factories.person("rosa")
    client = signed_in(rosa, **ENGLISH)
    assert 'name="language"' in client.get("/account/").content.decode()

    answer = client.post("/account/language/", {"language": "es"}, follow=True)

    assert "Tu idioma se ha guardado." in answer.content.decode()
    assert Profile.objects.get(user=rosa).language == "es"
    # Back to the browser's: English here.
    client.post("/account/language/", {"language": ""})
    assert client.get("/account/")["Content-Language"] == "en"
    assert Profile.objects.get(user=rosa).language == ""


def test_the_account_page_refuses_an_unknown_language_naming_it() -> None:
    client = signed_in(factories.person("rosa"))

    answer = client.post("/account/language/", {"language": "fr"})

    assert answer.status_code == 400
    assert (
        "Select a valid choice. fr is not one of the available choices." in answer.content.decode()
    )
    assert Profile.objects.filter(user__username="rosa", language="fr").count() == 0


def test_the_service_refuses_an_unknown_code_naming_the_field() -> None:
    rosa = factories.person("rosa")

    with pytest.raises(ValidationError) as refused:
        profile.set_language(rosa, "fr")

    assert "language" in refused.value.message_dict


def test_the_api_reads_and_changes_the_language(people: People) -> None:
    api = people.client("rosa")
    assert api.get("/api/v1/me").json()["language"] == ""
    assert Profile.objects.count() == 0  # reading makes no row

    answer = api.patch("/api/v1/me", {"language": "es"}, format="json")
    assert answer.status_code == 200 and answer.json()["language"] == "es"
    assert Profile.objects.get(user=people.rosa).language == "es"

    bad = api.patch("/api/v1/me", {"language": "xx"}, format="json")
    assert bad.status_code == 400 and "language" in bad.json()
    assert api.get("/api/v1/me").json()["language"] == "es"


def test_a_session_signed_in_through_the_pages_follows_an_api_change_at_once() -> None:
    rosa = factories.person("rosa")
    client = signed_in(rosa, **ENGLISH)

    client.patch("/api/v1/me", {"language": "es"}, content_type="application/json")

    assert client.get("/account/")["Content-Language"] == "es"


def test_the_choice_is_read_at_sign_in_not_on_every_page() -> None:
    rosa = factories.person("rosa")
    client = signed_in(rosa, **ENGLISH)
    client.get("/account/")
    # Another session chose Spanish: this one keeps English until it reads the choice again.
    profile.set_language(rosa, "es")
    assert client.get("/account/")["Content-Language"] == "en"

    session = client.session
    code, read_at = session[language.SESSION_KEY]
    session[language.SESSION_KEY] = [code, read_at - language.FRESH_SECONDS - 1]
    session.save()
    assert client.get("/account/")["Content-Language"] == "es"


def test_a_chosen_language_costs_a_page_no_query() -> None:
    rosa, omar = factories.person("rosa"), factories.person("omar")
    profile.set_language(rosa, "es")
    counts = []
    for person in (rosa, omar):
        client = signed_in(person, **ENGLISH)
        client.get("/notifications/")  # the session warmed, as after a real sign-in
        with CaptureQueriesContext(connection) as queries:
            client.get("/notifications/")
        counts.append(len(queries))

    assert counts[0] == counts[1]
