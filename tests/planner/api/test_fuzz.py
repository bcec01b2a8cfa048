"""The API fuzzed against its own OpenAPI schema, in process, by schemathesis.

Every operation is called with data that fits the schema and with data that breaks it, as an
anonymous caller, as Rosa (a runner with a plan), as Theo (her linked therapist) and as Alice
(an admin, the only one who writes the catalog), with
these checks: no server error, the response matches its schema and one of its documented
status codes, and input that breaks the schema is refused with a 4xx. Bounded for CI: a few
examples per operation, a fixed seed.

Signed in, the ids in the path are Rosa's real ones (her plan, its exercise, her log, her
notification, her link and invitation, her conversation with Theo, her calendar feed; the
catalog rows her plan uses), while the query and the body stay as generated: random ids would
end almost every call in a 404 and leave the validation behind the lookup unfuzzed. Each
signed-in run then asserts how far every operation with an id got, so a lookup that stops
matching fails the test.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, seed, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from planner.care import linking, messages
from planner.engine import schedule
from planner.models import Alert, CareLink, Screening, SessionLog
from planner.plans.calendar_feed import create_or_rotate
from planner.wsgi import application
from tests import factories
from tests.personas import People

schema = schemathesis.openapi.from_wsgi("/api/v1/schema", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], deterministic=True
)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    negative_data_rejection,
]
# Each operation is tried with up to this many examples per mode (fitting, breaking the schema).
FUZZ_SETTINGS = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)

# How far a signed-in caller gets on Rosa's objects, where that is not "past the lookup" (a
# 2xx, a 400 about the query or the body, or a 409 about the object's state). Any operation
# with an id not named here must reach past the lookup at least once.
CATALOG_EDITS = {
    f"{method} /api/v1/{kind}/{{slug}}"
    for method in ("PATCH", "DELETE")
    for kind in ("conditions", "exercises", "red-flags")
}
# Refused with 403, always: the act belongs to another role (Theo's run tailors her doses
# and assigns her programs; nobody but an admin edits the catalog).
# (A therapist's invitations by email are theirs alone: Theo's, to Rosa's address.)
EMAIL_INVITATION = "DELETE /api/v1/email-invitations/{email_invitation_id}"
RESEND = "POST /api/v1/email-invitations/{email_invitation_id}/resend"
# A therapist's own program is for therapists (its owner changes it), and tailoring a plan is
# the runner's linked therapist's alone: Rosa and an admin are refused, 403.
OWN_PROGRAM = {
    f"{method} /api/v1/own-programs/{{program_id}}" for method in ("GET", "PUT", "DELETE")
}
TAILORING = {
    "POST /api/v1/plans/{plan_id}/exercises",
    "POST /api/v1/plans/{plan_id}/exercises/{plan_exercise_id}/dose",
    "POST /api/v1/plans/{plan_id}/exercises/{plan_exercise_id}/removal",
    "POST /api/v1/plans/{plan_id}/frequency",
}
ROSA_REFUSED = (
    CATALOG_EDITS
    | OWN_PROGRAM
    | TAILORING
    | {
        EMAIL_INVITATION,
        RESEND,
        "POST /api/v1/plans/{plan_id}/exercises/{plan_exercise_id}/override",
        "POST /api/v1/patients/{runner_id}/plans",
        "POST /api/v1/alerts/{alert_id}/acknowledge",
    }
)
THEO_REFUSED = CATALOG_EDITS | {
    "PATCH /api/v1/plans/{plan_id}",
    "POST /api/v1/plans/{plan_id}/logs",
    "POST /api/v1/plans/{plan_id}/sessions",
    "PATCH /api/v1/plans/{plan_id}/logs/{log_id}",
    "PATCH /api/v1/plans/{plan_id}/reminder",
    "PATCH /api/v1/plans/{plan_id}/nudge",
    "POST /api/v1/plans/{plan_id}/check-ins",
    "POST /api/v1/plans/{plan_id}/questionnaires",
}
# 404 by design: only the runner answers her invitations, reads her inbox and mints the
# private address of her calendar; to her therapist they do not exist.
THEO_NOT_FOUND = {
    "POST /api/v1/invitations/{invitation_id}/accept",
    "POST /api/v1/invitations/{invitation_id}/decline",
    "POST /api/v1/notifications/{notification_id}/read",
    "DELETE /api/v1/push/devices/{device_id}",
    "POST /api/v1/plans/{plan_id}/calendar-feed",
    "DELETE /api/v1/plans/{plan_id}/calendar-feed",
}
# An admin reads everyone's data and edits the catalog, but acts for no runner and no
# therapist: what only Rosa does to her plan, or only a therapist, is refused (403), and what
# is Rosa's alone (her inbox, her invitations, her calendar's address) or her link's parties'
# does not exist for the admin (404).
ALICE_REFUSED = (
    OWN_PROGRAM
    | TAILORING
    | {
        EMAIL_INVITATION,
        RESEND,
        "PATCH /api/v1/plans/{plan_id}",
        "POST /api/v1/plans/{plan_id}/logs",
        "POST /api/v1/plans/{plan_id}/sessions",
        "PATCH /api/v1/plans/{plan_id}/logs/{log_id}",
        "PATCH /api/v1/plans/{plan_id}/reminder",
        "PATCH /api/v1/plans/{plan_id}/nudge",
        "POST /api/v1/patients/{runner_id}/plans",
        "POST /api/v1/plans/{plan_id}/check-ins",
        "POST /api/v1/plans/{plan_id}/questionnaires",
        "POST /api/v1/plans/{plan_id}/resume",
    }
)
# Alerts and screenings are their runner's and her linked therapists': an admin acts on them
# in the Django admin, and through the API they do not exist for her.
ALICE_NOT_FOUND = THEO_NOT_FOUND | {
    "DELETE /api/v1/care-links/{link_id}",
    # A conversation is its two people's: an admin reads it in the Django admin, recorded.
    "GET /api/v1/conversations/{conversation_id}/messages",
    "POST /api/v1/conversations/{conversation_id}/messages",
    "POST /api/v1/alerts/{alert_id}/acknowledge",
    "POST /api/v1/screenings/{screening_id}/clearance",
}


@dataclass
class RosasObjects:
    """The real value of every path parameter of the API, all pointing at Rosa's data."""

    ids: dict[str, int | str]
    catalog_slugs: dict[str, str]
    # Per operation label, the status codes answered over the run.
    answers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def path_parameters(self, path: str, generated: dict[str, Any]) -> dict[str, Any]:
        kind = path.removeprefix("/api/v1/").split("/")[0]
        return {
            name: self.catalog_slugs[kind] if name == "slug" else self.ids[name]
            for name in generated
        }


def path_fits_the_schema(context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    """Drop the cases whose path breaks the schema: it is replaced by Rosa's real ids, and
    schemathesis, which keeps its record of what it broke, would expect a refusal of what has
    become a fitting request."""
    meta = case.meta
    if meta is None:
        return True
    data = meta.phase.data
    broken = {
        data.parameter_location,
        *(mutation.parameter_location for mutation in data.mutations),
    }
    return ParameterLocation.PATH not in broken


def reached_past_lookup(status: int) -> bool:
    # 409: found, and kept (a condition or an exercise that a program uses is not deleted).
    return 200 <= status < 300 or status in (400, 409)


@pytest.fixture(autouse=True)
def keep_test_connection() -> Iterator[None]:
    """The app is called through WSGI, whose request_finished signal closes the database
    connection, and with it the test's transaction; Django's test client unhooks it too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def rosas_objects(people: People) -> RosasObjects:
    # A plan running now, not the persona's plan of last spring: a day asked without a date
    # is inside it, and yesterday's log can still be corrected, so fitting requests get past
    # "outside the plan" to the handlers' success paths.
    today = schedule.local_date(timezone.now(), "Europe/Berlin")
    plan = factories.plan_for(people.rosa, today - timedelta(days=10))
    shells = plan.exercises.get(exercise__slug="clamshells")
    log = SessionLog.objects.create(
        plan=plan,
        plan_exercise=shells,
        day=today - timedelta(days=1),
        done=True,
        pain_during=2,
    )
    # Uma's open invitation, which also leaves Rosa a notification about it.
    invitation = linking.invite(people.uma, "rosa", datetime.now(UTC))
    # Theo's invitation to Rosa's address (already his patient: it reaches no one new).
    by_email = linking.invite_by_email(people.theo, "rosa@example.com", datetime.now(UTC))
    feed, _ = create_or_rotate(plan, timezone.now())
    screening = Screening.objects.create(
        user=people.rosa,
        answers={"numbness-or-tingling": True},
        verdict=Screening.Verdict.SEE_CLINICIAN,
        answered_at=timezone.now(),
    )
    alert = Alert.objects.create(
        runner=people.rosa,
        plan=plan,
        screening=screening,
        kind=Alert.Kind.WARNING_SIGN,
        text="Rosa reported numbness",
        created_at=timezone.now(),
    )
    return RosasObjects(
        ids={
            "plan_id": plan.pk,
            "plan_exercise_id": shells.pk,
            "log_id": log.pk,
            "notification_id": people.rosa.notifications.get().pk,
            "invitation_id": invitation.pk,
            "email_invitation_id": by_email.pk,
            "link_id": CareLink.objects.get(therapist=people.theo, runner=people.rosa).pk,
            "runner_id": people.rosa.pk,
            "token": feed.token,
            "alert_id": alert.pk,
            "screening_id": screening.pk,
            "conversation_id": messages.with_runner(people.theo, people.rosa.pk).pk,
            "program_id": factories.own_program(people.theo).pk,
            "device_id": factories.push_device(people.rosa).pk,
        },
        catalog_slugs={
            "conditions": plan.program.condition.slug,
            "exercises": shells.exercise.slug,
            "programs": plan.program.slug,
            "red-flags": factories.calf_swelling().slug,
        },
    )


def headers_of(people: People, who: str) -> dict[str, str]:
    _token, key = AuthToken.objects.create(user=getattr(people, who))
    return {"Authorization": f"Token {key}"}


def call_on_rosas_objects(
    case: schemathesis.Case, objects: RosasObjects, headers: dict[str, str]
) -> None:
    """Call with Rosa's ids in the path and the generated query and body, and check.

    Schemathesis revalidates a case whose path was replaced, so a case that broke the schema
    only in its path is judged as the fitting case it has become."""
    if case.path_parameters:
        case.path_parameters = objects.path_parameters(case.operation.path, case.path_parameters)
    # Ending a link, revoking a feed or deleting the account would leave the next examples
    # nothing to find: each one runs in a savepoint that is rolled back, from the same data.
    with transaction.atomic():
        response = case.call(headers=headers)
        # The coverage phase also tries methods the operation does not have (405).
        if case.method.upper() == case.operation.method.upper():
            objects.answers[case.operation.label].append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        finally:
            transaction.set_rollback(True)


def assert_reached(
    objects: RosasObjects, label: str, refused: set[str], not_found: set[str]
) -> None:
    if "{" not in label:
        return
    answers = objects.answers[label]
    assert answers, f"{label}: no example ran"
    if label in not_found:
        assert set(answers) == {404}, f"{label} answered {sorted(set(answers))}, not only 404"
    elif label in refused:
        assert set(answers) == {403}, f"{label} answered {sorted(set(answers))}, not only 403"
    else:
        assert any(reached_past_lookup(status) for status in answers), (
            f"{label} never got past the lookup of Rosa's objects: {sorted(set(answers))}"
        )


@pytest.fixture
def rosa_reached(request: pytest.FixtureRequest, rosas_objects: RosasObjects) -> Iterator[None]:
    """After all examples of one operation: how far it got on Rosa's objects."""
    yield
    label = request.node.operation_label
    assert_reached(rosas_objects, label, refused=ROSA_REFUSED, not_found=set())


@pytest.fixture
def alice_reached(request: pytest.FixtureRequest, rosas_objects: RosasObjects) -> Iterator[None]:
    yield
    label = request.node.operation_label
    assert_reached(rosas_objects, label, refused=ALICE_REFUSED, not_found=ALICE_NOT_FOUND)


@pytest.fixture
def theo_reached(request: pytest.FixtureRequest, rosas_objects: RosasObjects) -> Iterator[None]:
    yield
    label = request.node.operation_label
    assert_reached(rosas_objects, label, refused=THEO_REFUSED, not_found=THEO_NOT_FOUND)


@pytest.mark.django_db
@schema.parametrize()
@FUZZ_SETTINGS
@seed(20260302)
def test_anonymous_caller(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@schema.hooks.apply(path_fits_the_schema, name="filter_case")
@schema.parametrize()
@FUZZ_SETTINGS
@seed(20260302)
def test_signed_in_runner_on_her_objects(
    case: schemathesis.Case, people: People, rosas_objects: RosasObjects, rosa_reached: None
) -> None:
    call_on_rosas_objects(case, rosas_objects, headers_of(people, "rosa"))


@pytest.mark.django_db
@schema.hooks.apply(path_fits_the_schema, name="filter_case")
@schema.parametrize()
@FUZZ_SETTINGS
@seed(20260302)
def test_linked_therapist_on_her_patients_objects(
    case: schemathesis.Case, people: People, rosas_objects: RosasObjects, theo_reached: None
) -> None:
    """Theo reaches what only a therapist does to her data: tailoring a dose, assigning a
    program."""
    call_on_rosas_objects(case, rosas_objects, headers_of(people, "theo"))


@pytest.mark.django_db
@schema.hooks.apply(path_fits_the_schema, name="filter_case")
@schema.parametrize()
@FUZZ_SETTINGS
@seed(20260302)
def test_admin_on_the_catalog_and_rosas_objects(
    case: schemathesis.Case, people: People, rosas_objects: RosasObjects, alice_reached: None
) -> None:
    """Alice reaches the catalog's writes: creating, editing and deleting conditions,
    exercises and warning signs."""
    call_on_rosas_objects(case, rosas_objects, headers_of(people, "alice"))
