"""An admin reading runners' plans, logs, dose changes, accounts and conversations in the Django
admin is recorded like any other look: the runner reads it in her access log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessRecord
from planner.care import messages
from planner.models import DoseChange, SessionLog
from tests.personas import People

pytestmark = pytest.mark.django_db


def looks_at(people: People, runner: str) -> list[tuple[str | None, str, str]]:
    return list(
        AccessRecord.objects.filter(subject=getattr(people, runner))
        .order_by("pk")
        .values_list("viewer__username", "viewer_role", "what")
    )


@pytest.fixture
def alice(people: People) -> Client:
    client = Client()
    client.force_login(people.alice)
    return client


@pytest.fixture
def rosas_log(people: People) -> SessionLog:
    plan = people.rosa_plan
    return SessionLog.objects.create(
        plan=plan,
        plan_exercise=plan.exercises.first(),
        day=plan.start_date,
        done=True,
        pain_during=6,
    )


def test_opening_a_log_is_a_look_at_its_runner(
    people: People, alice: Client, rosas_log: SessionLog
) -> None:
    page = alice.get(reverse("admin:planner_sessionlog_change", args=[rosas_log.pk]))

    assert page.status_code == 200
    assert looks_at(people, "rosa") == [("alice", "admin", f"admin: session logs {rosas_log.pk}")]
    assert looks_at(people, "oscar") == []


def test_a_list_page_is_one_look_at_each_runner_on_it(
    people: People, alice: Client, rosas_log: SessionLog
) -> None:
    page = alice.get(reverse("admin:planner_plan_changelist"))
    alice.get(reverse("admin:planner_dosechange_changelist"))

    assert page.status_code == 200
    for runner in ("rosa", "oscar"):
        assert ("alice", "admin", "admin: plans") in looks_at(people, runner)
    # Each plan starts with its doses, which the dose-change list shows.
    assert DoseChange.objects.filter(plan_exercise__plan=people.rosa_plan).exists()
    assert ("alice", "admin", "admin: dose changes") in looks_at(people, "rosa")


def test_opening_a_plan_is_a_look_at_its_runner(people: People, alice: Client) -> None:
    plan = people.oscar_plan

    alice.get(reverse("admin:planner_plan_change", args=[plan.pk]))

    assert looks_at(people, "oscar") == [("alice", "admin", f"admin: plans {plan.pk}")]
    assert looks_at(people, "rosa") == []


def test_opening_a_persons_account_is_a_look_at_them(people: People, alice: Client) -> None:
    # Her email, name, last sign-in and groups (issue 17).
    page = alice.get(reverse("admin:auth_user_change", args=[people.rosa.pk]))

    assert page.status_code == 200
    assert looks_at(people, "rosa") == [("alice", "admin", f"admin: users {people.rosa.pk}")]
    assert looks_at(people, "oscar") == []


def test_the_list_of_people_is_a_look_at_each_one_on_it(people: People, alice: Client) -> None:
    page = alice.get(reverse("admin:auth_user_changelist"))

    assert page.status_code == 200
    for person in ("rosa", "oscar", "theo"):
        assert looks_at(people, person) == [("alice", "admin", "admin: users")]
    assert looks_at(people, "alice") == []  # her own account is no look at anyone


def test_reading_a_conversation_is_a_look_at_its_runner_and_changes_nothing(
    people: People, alice: Client
) -> None:
    conversation = messages.with_runner(people.theo, people.rosa.pk)
    messages.post(people.rosa, conversation.pk, "My knee clicks on stairs.", timezone.now())
    change = reverse("admin:planner_conversation_change", args=[conversation.pk])

    page = alice.get(change)
    listed = alice.get(reverse("admin:planner_conversation_changelist"))

    assert page.status_code == listed.status_code == 200
    assert "My knee clicks on stairs." in page.content.decode()
    assert looks_at(people, "rosa") == [
        ("alice", "admin", f"admin: conversations {conversation.pk}"),
        ("alice", "admin", "admin: conversations"),
    ]
    # Read-only: the admin neither writes, edits nor deletes a message.
    assert alice.post(change, {}).status_code == 403
    assert alice.get(reverse("admin:planner_conversation_add")).status_code == 403
    assert messages.read(people.rosa, conversation.pk).messages.count() == 1
