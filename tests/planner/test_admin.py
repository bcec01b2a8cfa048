"""Program templates curated in the admin, with phases and prescriptions inline."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.test import Client
from django.urls import reverse

from planner.models import Plan, Program, SessionLog
from tests import factories


def test_a_program_page_shows_its_phases_and_prescriptions_inline(
    client: Client, admin_user: AbstractUser, catalog: object
) -> None:
    client.force_login(admin_user)
    program = Program.objects.get(condition__slug="it-band-syndrome")

    page = client.get(reverse("admin:planner_program_change", args=[program.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Prescriptions" in body and "Phases" in body
    assert "Clamshells" in body


def test_the_program_list_filters_by_region(
    client: Client, admin_user: AbstractUser, catalog: object
) -> None:
    client.force_login(admin_user)

    page = client.get(reverse("admin:planner_program_changelist"), {"q": "labral"})

    assert "Hip labral tear" in page.content.decode()


def test_plans_are_not_shown_to_a_runner_in_the_admin(client: Client, runner: AbstractUser) -> None:
    factories.plan_for(factories.person("other"), date(2026, 3, 2))
    client.force_login(runner)

    response = client.get(reverse("admin:planner_plan_changelist"))

    assert response.status_code == 302
    assert Plan.objects.count() == 1


def test_session_logs_are_read_only_in_the_admin(client: Client, admin_user: AbstractUser) -> None:
    plan = factories.plan_for(factories.person("rosa"), date(2026, 3, 2))
    log = SessionLog.objects.create(
        plan=plan,
        plan_exercise=plan.exercises.first(),
        day=date(2026, 3, 2),
        done=True,
        pain_during=2,
    )
    client.force_login(admin_user)

    page = client.get(reverse("admin:planner_sessionlog_change", args=[log.pk]))
    edit = client.post(
        reverse("admin:planner_sessionlog_change", args=[log.pk]),
        {"day": "2026-03-03", "done": "on", "pain_during": "9"},
    )
    delete = client.post(reverse("admin:planner_sessionlog_delete", args=[log.pk]), {"post": "yes"})
    add = client.get(reverse("admin:planner_sessionlog_add"))

    assert page.status_code == 200 and "Save" not in page.content.decode()
    assert (delete.status_code, add.status_code) == (403, 403)
    assert edit.status_code == 403
    log.refresh_from_db()
    assert (log.day, log.pain_during) == (date(2026, 3, 2), 2)
