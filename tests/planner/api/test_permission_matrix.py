"""Every route against every role: the owner (Rosa), her linked therapist (Theo), a therapist
she never linked to (Uma), another runner (Oscar), an anonymous caller and an admin (Alice).

"ok" means the caller reached the object: any answer but 401, 403 or 404 (a 400 for a body
that breaks a rule still proves access). Objects of others answer 404, never 403, so ids leak
nothing; 403 is kept for a role's act on an object the caller may see (a therapist logging
for a runner) or a route a role may not use at all (a runner listing patients).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from planner.care import messages
from planner.models import (
    CareLink,
    EmailInvitation,
    Notification,
    Program,
    SessionLog,
)
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db

ROLES = ("rosa", "theo", "uma", "oscar", None, "alice")
OK = "ok"


@dataclass(frozen=True)
class Route:
    method: str
    url: Callable[[People], str]
    body: dict[str, Any]
    expected: tuple[object, object, object, object, object, object]  # in ROLES order

    def __str__(self) -> str:
        return f"{self.method} {self.url.__doc__ or ''}"


def rosas_log(people: People) -> int:
    item = people.rosa_plan.exercises.get(exercise__slug="clamshells")
    return SessionLog.objects.create(
        plan=people.rosa_plan, plan_exercise=item, day=people.rosa_plan.start_date, done=True
    ).pk


def rosas_notification(people: People) -> int:
    return Notification.objects.create(user=people.rosa, title="Today", body="Clamshells").pk


ROSAS_PHONE = "https://fcm.googleapis.com/fcm/send/rosa-phone"


def rosas_device(people: People) -> int:
    """Rosa's phone, on which she turned push reminders on."""
    return factories.push_device(people.rosa).pk


def theo_and_rosa(people: People) -> int:
    return CareLink.objects.get(therapist=people.theo, runner=people.rosa).pk


def theos_email_invitation(people: People) -> int:
    return EmailInvitation.objects.create(therapist=people.theo, email="new@example.com").pk


def rosa_and_theos_conversation(people: People) -> int:
    return messages.with_runner(people.theo, people.rosa.pk).pk


def clamshells_of(people: People) -> int:
    return people.rosa_plan.exercises.get(exercise__slug="clamshells").pk


def theos_program(people: People) -> Program:
    """A program of Theo's own, private: his alone (and an admin's) to see."""
    return factories.own_program(people.theo)


def own_program_route(suffix: str = "") -> Callable[[People], str]:
    return route(
        f"/own-programs/<theo's>{suffix}",
        lambda p: f"/api/v1/own-programs/{theos_program(p).pk}{suffix}",
    )


def tailoring_route(suffix: str) -> Callable[[People], str]:
    def url(people: People) -> str:
        return f"/api/v1/plans/{people.rosa_plan.pk}" + suffix.replace(
            "<id>", str(clamshells_of(people))
        )

    url.__doc__ = f"/plans/<rosa's>{suffix}"
    return url


def plan(suffix: str = "") -> Callable[[People], str]:
    def url(people: People) -> str:
        return f"/api/v1/plans/{people.rosa_plan.pk}{suffix}"

    url.__doc__ = f"/plans/<rosa's>{suffix}"
    return url


def route(template: str, make: Callable[[People], str]) -> Callable[[People], str]:
    make.__doc__ = template
    return make


READ = (OK, OK, 404, 404, 401, OK)
RUNNERS_OWN_ACT = (OK, 403, 404, 404, 401, 403)
THERAPISTS_ACT = (403, OK, 404, 404, 401, OK)
THERAPIST_ROLE = (403, OK, OK, 403, 401, 403)
SIGNED_IN = (OK, OK, OK, OK, 401, OK)
# A therapist's own program: theirs to read and change (an admin reads every program).
OWNERS = (403, OK, 404, 403, 401, 403)
# Tailoring a plan is its runner's linked therapist's alone: not even an admin prescribes.
LINKED_THERAPIST = (403, OK, 404, 404, 401, 403)
# A conversation is its two people's alone: an admin reads it in the Django admin, recorded.
THE_TWO_OF_THEM = (OK, OK, 404, 404, 401, 404)

ROUTES = [
    Route("get", plan(), {}, READ),
    Route("get", route("/own-programs", lambda p: "/api/v1/own-programs"), {}, THERAPIST_ROLE),
    Route("post", route("/own-programs", lambda p: "/api/v1/own-programs"), {}, THERAPIST_ROLE),
    Route(
        "post",
        route("/own-programs/copies", lambda p: "/api/v1/own-programs/copies"),
        {"program": "it-band-6w"},
        THERAPIST_ROLE,
    ),
    Route("get", own_program_route(), {}, OWNERS),
    Route("put", own_program_route(), {"name": "Mine"}, OWNERS),
    Route("delete", own_program_route(), {}, OWNERS),
    Route(
        "get",
        route("/programs/<theo's own>", lambda p: f"/api/v1/programs/{theos_program(p).slug}"),
        {},
        (404, OK, 404, 404, 401, OK),
    ),
    Route(
        "post",
        tailoring_route("/exercises"),
        {"exercise": "piriformis-stretch", "frequency": "daily", "reason": "Tight."},
        LINKED_THERAPIST,
    ),
    Route(
        "post",
        tailoring_route("/exercises/<id>/dose"),
        {"amount": 15, "reason": "Strong."},
        LINKED_THERAPIST,
    ),
    Route(
        "post",
        tailoring_route("/exercises/<id>/removal"),
        {"reason": "Settled."},
        LINKED_THERAPIST,
    ),
    Route(
        "post",
        tailoring_route("/frequency"),
        {"frequency": "every_other_day", "reason": "Rest days."},
        LINKED_THERAPIST,
    ),
    Route("patch", plan(), {"status": "paused"}, RUNNERS_OWN_ACT),
    Route("get", plan("/day"), {"date": "2026-03-02"}, READ),
    Route("get", plan("/logs"), {}, READ),
    Route(
        "post",
        plan("/logs"),
        {"plan_exercise": 0, "day": "2026-03-02", "done": True},
        RUNNERS_OWN_ACT,
    ),
    Route(
        "post",
        plan("/sessions"),
        {"day": "2026-03-02", "entries": [{"plan_exercise": 0, "done": True}]},
        RUNNERS_OWN_ACT,
    ),
    Route(
        "get",
        route(
            "/plans/<rosa's>/logs/<id>",
            lambda p: f"/api/v1/plans/{p.rosa_plan.pk}/logs/{rosas_log(p)}",
        ),
        {},
        READ,
    ),
    Route(
        "patch",
        route(
            "/plans/<rosa's>/logs/<id>",
            lambda p: f"/api/v1/plans/{p.rosa_plan.pk}/logs/{rosas_log(p)}",
        ),
        {"note": "sore"},
        RUNNERS_OWN_ACT,
    ),
    Route("get", plan("/history"), {}, READ),
    Route("get", plan("/progress"), {}, READ),
    Route("get", plan("/questionnaires"), {}, READ),
    Route("post", plan("/questionnaires"), {"measure": "lefs", "items": [4] * 20}, RUNNERS_OWN_ACT),
    Route("get", plan("/reminder"), {}, READ),
    Route("patch", plan("/reminder"), {"state": "paused"}, RUNNERS_OWN_ACT),
    Route("get", plan("/nudge"), {}, READ),
    Route("patch", plan("/nudge"), {"state": "off"}, RUNNERS_OWN_ACT),
    Route(
        "post",
        route(
            "/plans/<rosa's>/exercises/<id>/override",
            lambda p: f"/api/v1/plans/{p.rosa_plan.pk}/exercises/{clamshells_of(p)}/override",
        ),
        {"amount": 15, "reason": "Steady progress."},
        THERAPISTS_ACT,
    ),
    Route("get", route("/plans", lambda p: "/api/v1/plans"), {}, SIGNED_IN),
    Route("get", route("/notifications", lambda p: "/api/v1/notifications"), {}, SIGNED_IN),
    Route(
        "post",
        route(
            "/notifications/<rosa's>/read",
            lambda p: f"/api/v1/notifications/{rosas_notification(p)}/read",
        ),
        {},
        (OK, 404, 404, 404, 401, 404),
    ),
    # A device's push is its owner's alone: nobody else learns it exists.
    Route("get", route("/push/key", lambda p: "/api/v1/push/key"), {}, SIGNED_IN),
    Route("get", route("/push/devices", lambda p: "/api/v1/push/devices"), {}, SIGNED_IN),
    Route("post", route("/push/devices", lambda p: "/api/v1/push/devices"), {}, SIGNED_IN),
    Route(
        "delete",
        route(
            "/push/devices/<rosa's>",
            lambda p: f"/api/v1/push/devices/{rosas_device(p)}",
        ),
        {},
        (OK, 404, 404, 404, 401, 404),
    ),
    Route(
        "delete",
        route(
            "/push/devices (rosa's endpoint)", lambda p: f"/api/v1/push/devices#{rosas_device(p)}"
        ),
        {"endpoint": ROSAS_PHONE},
        (OK, 404, 404, 404, 401, 404),
    ),
    Route("get", route("/me", lambda p: "/api/v1/me"), {}, SIGNED_IN),
    Route("get", route("/patients", lambda p: "/api/v1/patients"), {}, THERAPIST_ROLE),
    Route(
        "post",
        route("/patients/<rosa>/plans", lambda p: f"/api/v1/patients/{p.rosa.pk}/plans"),
        {"program": "it-band-6w"},
        (403, OK, 404, 403, 401, 403),
    ),
    Route("get", route("/me/export", lambda p: "/api/v1/me/export"), {}, SIGNED_IN),
    # Each person's own records only: no id in the path, nobody reaches anyone else's.
    Route("get", route("/account/fhir", lambda p: "/api/v1/account/fhir"), {}, SIGNED_IN),
    Route("get", route("/readiness-checks", lambda p: "/api/v1/readiness-checks"), {}, SIGNED_IN),
    Route(
        "post",
        route("/readiness-checks", lambda p: "/api/v1/readiness-checks"),
        {"answers": {}},
        SIGNED_IN,
    ),
    # The finder ranks the catalog by the caller's answers (after the caller's own screening).
    Route(
        "get",
        route("/condition-finder", lambda p: "/api/v1/condition-finder?regions=hip"),
        {},
        SIGNED_IN,
    ),
    Route(
        "post",
        route("/condition-finder", lambda p: "/api/v1/condition-finder"),
        {"regions": ["hip"], "answers": {}},
        SIGNED_IN,
    ),
    # Reads a file and stores nothing: anyone signed in (the body here is no track: a 400).
    Route("post", route("/run-tracks", lambda p: "/api/v1/run-tracks"), {}, SIGNED_IN),
    Route("patch", route("/me", lambda p: "/api/v1/me"), {"display_name": "R"}, SIGNED_IN),
    # A therapist's own clinic: 404 until they start one; a runner is told they have none.
    Route("get", route("/me/clinic", lambda p: "/api/v1/me/clinic"), {}, (404,) * 4 + (401, 404)),
    Route("put", route("/me/clinic", lambda p: "/api/v1/me/clinic"), {"name": "C"}, SIGNED_IN),
    Route(
        "get",
        route("/email-invitations", lambda p: "/api/v1/email-invitations"),
        {},
        THERAPIST_ROLE,
    ),
    Route(
        "post",
        route(
            "/email-invitations/<theo's>/resend",
            lambda p: f"/api/v1/email-invitations/{theos_email_invitation(p)}/resend",
        ),
        {},
        (403, OK, 404, 403, 401, 403),
    ),
    Route("delete", route("/me", lambda p: "/api/v1/me"), {"password": "wrong"}, SIGNED_IN),
    # The calendar address is the runner's own secret: not even her therapist makes one.
    Route("post", plan("/calendar-feed"), {}, (OK, 404, 404, 404, 401, 404)),
    Route("delete", plan("/calendar-feed"), {}, (OK, 404, 404, 404, 401, 404)),
    Route(
        "get",
        route("/calendar/<made-up>.ics", lambda p: "/api/v1/calendar/made-up.ics"),
        {},
        (404, 404, 404, 404, 404, 404),
    ),
    Route("get", route("/invitations", lambda p: "/api/v1/invitations"), {}, SIGNED_IN),
    Route("get", route("/care-links", lambda p: "/api/v1/care-links"), {}, SIGNED_IN),
    Route(
        "delete",
        route("/care-links/<theo-rosa>", lambda p: f"/api/v1/care-links/{theo_and_rosa(p)}"),
        {},
        (OK, OK, 404, 404, 401, 404),
    ),
    Route("get", route("/conversations", lambda p: "/api/v1/conversations"), {}, SIGNED_IN),
    Route(
        "get",
        route(
            "/conversations/<rosa-theo>/messages",
            lambda p: f"/api/v1/conversations/{rosa_and_theos_conversation(p)}/messages",
        ),
        {},
        THE_TWO_OF_THEM,
    ),
    Route(
        "post",
        route(
            "/conversations/<rosa-theo>/messages",
            lambda p: f"/api/v1/conversations/{rosa_and_theos_conversation(p)}/messages",
        ),
        {"body": "How is the hip?"},
        THE_TWO_OF_THEM,
    ),
]


def outcome(status: int) -> object:
    return status if status in (401, 403, 404) else OK


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("who", ROLES, ids=lambda who: who or "anonymous")
def test_each_role_reaches_only_what_it_may(people: People, route: Route, who: str | None) -> None:
    client = people.client(who)
    url = route.url(people)

    # For a GET the body is the query string.
    response = getattr(client, route.method)(url, route.body)

    expected = route.expected[ROLES.index(who)]
    assert outcome(response.status_code) == expected, (
        f"{who} {route.method.upper()} {url}: {response.status_code} {response.content[:200]!r}"
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plans/{id}",
        "/api/v1/plans/{id}/day",
        "/api/v1/plans/{id}/logs",
        "/api/v1/plans/{id}/history",
        "/api/v1/plans/{id}/progress",
        "/api/v1/plans/{id}/questionnaires",
        "/api/v1/plans/{id}/reminder",
        "/api/v1/plans/{id}/nudge",
    ],
)
def test_a_made_up_plan_id_is_the_same_404_as_someone_elses(people: People, url: str) -> None:
    client = people.client("rosa")

    someone_elses = client.get(url.format(id=people.oscar_plan.pk))
    made_up = client.get(url.format(id=999_999))

    assert someone_elses.status_code == made_up.status_code == 404
    assert someone_elses.json() == made_up.json()
