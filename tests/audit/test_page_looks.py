"""Pages record a therapist's (or an admin's) look at a runner's health data: one INSERT per
page, in words the runner reads at /api/v1/account/access-log; her own looks record nothing.

Every page route is either recorded here, with those words, or exempt, with the reason; the
routes are read from the URL configuration, so a page added later fails until it is placed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AccessRecord
from tests.personas import People
from tests.planner.pages.test_page_access import PageRoute, page_routes, rosas_objects, url_for

pytestmark = pytest.mark.django_db

PATIENT_PAGE = "patient page: plans, logs, progress"
# Route name: (method, the words of the record). Each shows a runner's health data to her
# linked therapist; the patient page's forms, sent back with their errors, show it all again.
RECORDED = {
    "plan": ("get", "plan {plan_id} page"),
    "plan-day": ("get", "plan {plan_id} day {day} page"),
    "plan-progress": ("get", "plan {plan_id} progress page"),
    "plan-chart": ("get", "plan {plan_id} {kind} chart"),
    "plan-handout": ("get", "plan {plan_id} handout"),
    "plan-handout-pdf": ("get", "plan {plan_id} handout (PDF)"),
    "plan-tailor": ("get", "plan {plan_id} tailoring page"),
    "patient-plan-panel": ("get", "plan {plan_id} progress panel"),
    "plan-handout-email": ("post", "plan {plan_id} handout (emailed)"),
    "patients": ("get", "patient list page"),
    "patient": ("get", PATIENT_PAGE),
    "patient-assign": ("post", PATIENT_PAGE),
    "patient-assign-form": ("get", "assign form: plans running"),
    # A stopped plan's resumption, sent back with its errors, shows the plan page again.
    "plan-resume": ("post", "plan {plan_id} page"),
}
OWNERS_CHANGE = "the owner's change: anyone else gets 404 (owned_plan), and it redirects"
EXEMPT = {
    "home": "the landing page: the catalog's conditions",
    "manifest": "the installed app's manifest: names and icons, nobody's data",
    "service-worker": "the service worker's code, the same for everyone",
    "offline": "the page shown with no connection, nobody's data",
    "account-sign-out-everywhere": "the signed-in person's own sessions and tokens",
    "dashboard": "a redirect to the person's own start",
    "onboarding": "the signed-in person's own screening and choice of a program",
    "onboarding-screening": "the signed-in person's own screening",
    "onboarding-stop": "the signed-in person's own screening",
    "onboarding-finder": "the catalog, ranked by the signed-in person's own answers",
    "onboarding-conditions": "the catalog",
    "onboarding-preview": "the catalog",
    "onboarding-begin": "the signed-in person starts their own plan",
    "plans": "the signed-in person's own plans",
    "plan-today": "a redirect to the day page, which records",
    "plan-day-log": OWNERS_CHANGE,
    "plan-day-morning": OWNERS_CHANGE,
    "plan-day-sign": OWNERS_CHANGE,
    "plan-status": OWNERS_CHANGE,
    "plan-reminder": OWNERS_CHANGE,
    "plan-nudge": OWNERS_CHANGE,
    "plan-time-zone": OWNERS_CHANGE,
    "plan-calendar-feed": OWNERS_CHANGE,
    "account": "the signed-in person's own account",
    "account-export": "the signed-in person's own data",
    "account-delete": "the signed-in person's own account",
    "notifications": "the signed-in person's own inbox and links",
    "notification-read": "the signed-in person's own inbox",
    "push-devices": "the signed-in person's own devices, no health data",
    "account-language": "the signed-in person's own language choice",
    "account-time-zone": "the signed-in person's own time zone",
    "js-catalog": "the interface's words for the scripts, public: no one's data",
    "push-on": "the signed-in person's own device, no health data",
    "push-off": "the signed-in person's own device, no health data",
    "care-answer": "a link's state, no health data; it redirects",
    "care-end": "a link's state, no health data; it redirects",
    "invitation-withdraw": "an invitation's state, no health data; it redirects",
    "email-invitation-withdraw": "the therapist's own invitation to an address, no health data",
    "email-invitation-resend": "the therapist's own invitation to an address, no health data",
    "invitation-link": "an invitation's link: who invites, no health data",
    "account-name": "the signed-in person's own name",
    "account-clinic": "the therapist's own clinic",
    "patient-plan-status": "the linked therapist pauses, resumes or ends a plan; it redirects",
    "conversations": "the signed-in person's own conversations",
    "conversation": "one of the signed-in person's own conversations: they are a party to it",
    "patient-messages": "finds or opens the therapist's own conversation; it redirects",
    "own-programs": "the therapist's own programs: nobody's health data",
    "own-program": "the therapist's own program: nobody's health data",
    "own-program-new": "the therapist's own program: nobody's health data",
    "own-program-copy": "the therapist's own program: nobody's health data",
    "own-program-delete": "the therapist's own program: nobody's health data",
    "handout": "a program from the catalog, nobody's plan",
    "handout-pdf": "a program from the catalog, nobody's plan",
    "plan-check-in": "the owner's own check-in: anyone else gets 403 or 404",
    "plan-lefs": "the owner's own questionnaire: anyone else gets 403 or 404",
    "plan-psfs": "the owner's own questionnaire: anyone else gets 403 or 404",
    "return-to-run": "the signed-in person's own readiness checks",
    "return-to-run-start": "the signed-in person starts their own walk-run program; it redirects",
    "alert-acknowledge": "the linked therapist's note on an alert; it redirects",
    "screening-clearance": "the linked therapist records a clearance; it redirects",
    "plan-day-along": "the owner's own session: anyone else gets 403 or 404",
    "media-file": "a therapist's photo or video of an exercise: nobody's health data",
    "my-media": "the therapist's own photos and videos",
    "my-media-remove": "the therapist's own photos and videos; it redirects",
}


def route(name: str) -> PageRoute:
    return next(route for route in page_routes() if route.name == name)


def signed_in(people: People, who: str) -> Client:
    client = Client()
    client.force_login(getattr(people, who))
    return client


def open_page(people: People, who: str, name: str) -> tuple[int, dict[str, Any]]:
    objects = rosas_objects(people)
    method, _ = RECORDED.get(name, ("get", ""))
    response = getattr(signed_in(people, who), method)(url_for(route(name), objects))
    return response.status_code, objects


def access_log(people: People) -> list[tuple[str, str, str]]:
    rows = people.client("rosa").get("/api/v1/account/access-log").json()["results"]
    return [(row["viewer"], row["viewer_role"], row["what"]) for row in rows]


def test_every_page_route_is_recorded_or_exempt_with_a_reason() -> None:
    names = {route.name for route in page_routes()}

    assert not set(RECORDED) & set(EXEMPT)
    assert names - set(RECORDED) - set(EXEMPT) == set(), "record the look, or say why not"
    assert set(RECORDED) | set(EXEMPT) <= names, "a route named here no longer exists"


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_the_linked_therapist_opening_a_page_adds_one_record_rosa_reads(
    people: People, name: str
) -> None:
    objects = rosas_objects(people)
    method, words = RECORDED[name]
    client = signed_in(people, "theo")

    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url_for(route(name), objects))

    assert response.status_code == 200
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "audit_accessrecord"')]
    assert len(inserts) == 1
    assert access_log(people) == [("theo", "therapist", words.format(**objects))]


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_rosa_opening_her_own_pages_records_nothing(people: People, name: str) -> None:
    status, _ = open_page(people, "rosa", name)

    # The patient pages are a therapist's: to her they do not exist, and record nothing; her
    # plan's tailoring is under her therapist's patient pages, which do not exist for her.
    expected = 404 if name.startswith(("patient", "plan-tailor")) else 200
    assert status == expected
    assert not AccessRecord.objects.exists()


def test_an_admin_opening_the_day_page_is_recorded_as_admin(people: People) -> None:
    status, objects = open_page(people, "alice", "plan-day")

    assert status == 200
    words = f"plan {objects['plan_id']} day {objects['day']} page"
    assert access_log(people) == [("alice", "admin", words)]


@pytest.mark.parametrize("name", sorted(EXEMPT))
def test_the_linked_therapist_on_an_exempt_route_records_nothing(people: People, name: str) -> None:
    open_page(people, "theo", name)

    assert not AccessRecord.objects.exists()
