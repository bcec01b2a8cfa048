"""The planner as an installable app (planner.pages.app): the manifest and its icons, the
service worker served from the root under the content security policy, the offline page, and
which day pages hand the worker a runner's days to keep (their own, from today on, only)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone
from PIL import Image

from planner.access import THERAPIST_GROUP
from planner.engine import schedule
from planner.models import Plan
from planner.pages import app
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


def test_the_manifest_names_the_app_and_its_icons_at_their_sizes(client: Client) -> None:
    answer = client.get("/manifest.webmanifest")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    manifest = json.loads(answer.content)
    assert (manifest["name"], manifest["display"], manifest["scope"]) == (
        "Rehab planner",
        "standalone",
        "/",
    )
    purposes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert path is not None, icon["src"]
        width, height = Image.open(Path(str(path))).size
        assert f"{width}x{height}" == icon["sizes"]
        purposes.add(icon.get("purpose", "any"))
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    assert purposes == {"any", "maskable"}


def test_the_service_worker_is_served_from_the_root_under_the_policy(client: Client) -> None:
    answer = client.get("/sw.js")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Service-Worker-Allowed"] == "/"
    assert answer["Cache-Control"] == "no-cache"
    policy = answer["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    source = answer.content.decode()
    assert source.startswith('"use strict";\nconst VERSION = "')
    # What it precaches: the shell's static files and the offline page, nobody's data.
    assert "/static/planner/site.css" in source and '"/offline/"' in source
    # Where the installed app opens, which offline goes to today's kept page.
    assert 'const START_URL = "/home/";' in source


def test_every_page_links_the_manifest_and_loads_the_app_script_from_the_site(
    client: Client,
) -> None:
    page = client.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'src="/static/planner/app.js"' in page


def test_the_worker_is_registered_for_runners_only(people: People) -> None:
    """A runner's pages name the worker for app.js to register; a visitor's and a
    therapist's do not (they have nothing to keep offline)."""
    worker = '<meta name="service-worker" content="/sw.js">'
    runner, therapist = Client(), Client()
    runner.force_login(people.rosa)
    therapist.force_login(people.theo)

    assert worker in runner.get("/plans/").content.decode()
    assert worker not in Client().get("/").content.decode()
    patients = therapist.get("/patients/")
    assert patients.status_code == 200
    assert worker not in patients.content.decode()


def test_the_offline_page_holds_nobodys_data_and_may_be_kept(client: Client) -> None:
    answer = client.get("/offline/")

    assert answer.status_code == 200
    assert answer["Cache-Control"] == "public, max-age=86400"
    assert "No connection" in answer.content.decode()


def offered_days(client: Client, plan: Plan, day: date) -> list[str] | None:
    page = client.get(f"/plans/{plan.pk}/day/{day.isoformat()}/").content.decode()
    if 'id="offline-plan"' not in page:
        return None
    raw = page.split('data-days="', 1)[1].split('"', 1)[0].replace("&quot;", '"')
    return list(json.loads(raw))


def test_a_runners_own_day_page_hands_over_today_and_the_six_days_after(
    people: People,
) -> None:
    plan = factories.plan_for(people.rosa, berlin_today() - timedelta(days=3))
    client = Client()
    client.force_login(people.rosa)

    days = offered_days(client, plan, berlin_today())

    assert days == [
        f"/plans/{plan.pk}/day/{(berlin_today() + timedelta(days=n)).isoformat()}/"
        for n in range(app.OFFLINE_DAYS)
    ]
    # A day gone by is not kept, nor one past the week.
    assert offered_days(client, plan, berlin_today() - timedelta(days=1)) is None
    assert offered_days(client, plan, berlin_today() + timedelta(days=7)) is None


def test_a_therapist_on_a_patients_day_hands_over_nothing(people: People) -> None:
    plan = factories.plan_for(people.rosa, berlin_today() - timedelta(days=3))
    client = Client()
    client.force_login(people.theo)

    answer = client.get(f"/plans/{plan.pk}/day/{berlin_today().isoformat()}/")

    assert answer.status_code == 200
    assert 'id="offline-plan"' not in answer.content.decode()
    assert "data-install" not in answer.content.decode()


def test_the_runner_key_is_not_their_id_and_differs_between_runners(people: People) -> None:
    rosa_plan = factories.plan_for(people.rosa, berlin_today() - timedelta(days=3))
    oscar_plan = factories.plan_for(people.oscar, berlin_today() - timedelta(days=3))
    keys = []
    for person, plan in ((people.rosa, rosa_plan), (people.oscar, oscar_plan)):
        client = Client()
        client.force_login(person)
        page = client.get(f"/plans/{plan.pk}/day/{berlin_today().isoformat()}/").content
        keys.append(page.decode().split('data-runner="', 1)[1].split('"', 1)[0])

    assert keys[0] != keys[1]
    assert all(len(key) == 20 and key != str(people.rosa.pk) for key in keys)


def test_the_scripts_words_come_as_a_script_file_per_language(client: Client) -> None:
    spanish = client.get("/jsi18n/es.js")
    english = client.get("/jsi18n/en.js")

    assert spanish.status_code == english.status_code == 200
    assert spanish["Content-Type"].startswith("text/javascript")
    assert "Serie %(set)s de %(sets)s" in spanish.content.decode()
    assert "Serie %(set)s de %(sets)s" not in english.content.decode()
    assert client.get("/jsi18n/fr.js").status_code == 404
    # Kept by the worker, so a day page opened offline still has its words.
    assert "/jsi18n/es.js" in app.worker_script() and "/jsi18n/en.js" in app.worker_script()


def test_every_page_loads_the_scripts_words_in_its_language_before_its_scripts(
    client: Client,
) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert html.index('src="/jsi18n/es.js"') < html.index("planner/app.js")


def test_the_manifest_follows_the_language_asked_in(client: Client) -> None:
    manifest = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="es").content)

    assert (manifest["name"], manifest["lang"]) == ("Planificador de rehabilitación", "es")


def test_a_therapist_still_to_set_up_two_factors_gets_the_scripts_words() -> None:
    newcomer = factories.person("nadia")
    newcomer.groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])
    client = Client()
    client.force_login(newcomer)
    session = client.session
    session["two_factors_to_set_up"] = True
    session.save()

    assert client.get("/patients/").status_code == 302  # sent to set one up
    assert client.get("/jsi18n/en.js").status_code == 200
