"""`manage.py setup_demo`: demo accounts for the embedded app, with their logins printed.

A demo admin, a demo therapist and a demo runner whose IT band plan started three weeks ago,
with three weeks of logs behind it, so a newcomer sees a plan that has already adapted.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from conditions.models import RedFlag
from planner.access import THERAPIST_GROUP
from planner.accounts import profile
from planner.engine import schedule
from planner.models import CareLink, Plan, Program, Screening
from planner.plans import daily, lifecycle, reminders, sessions

DEMO_ZONE = "Europe/Berlin"
DEMO_PROGRAM = "it-band-syndrome-home-program"
WEEKS_IN = 3


def demo_user(username: str, **flags: bool) -> tuple[User, str]:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com"}
    )
    # A fresh password on every start: a demo login never outlives the run that printed it.
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    for name, value in flags.items():
        setattr(user, name, value)
    user.save()
    # Confirmed, so the demo's reminders are written (to var/mail/ in development).
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    return user, password


def evening(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time(20, 0), tzinfo=ZoneInfo(time_zone))


def walk_plan(plan: Plan) -> None:
    """Log every session due so far, the way a steady runner would: mostly comfortable, one
    sore day that holds the dose, and next-morning pain that settles."""
    today = schedule.local_date(timezone.now(), plan.time_zone)
    day = plan.start_date
    while day < today:
        plan.refresh_from_db()
        logged_at = evening(day, plan.time_zone)
        for card in daily.plan_day(plan, day).exercises:
            sore = day == plan.start_date + timedelta(days=9)
            sessions.log_session(
                runner=plan.user,
                plan_id=plan.pk,
                plan_exercise_id=card.plan_exercise.pk,
                day=day,
                entry=sessions.Entry(
                    done=True,
                    amount_done=card.amount,
                    pain_during=4 if sore else 2,
                    pain_next_morning=1,
                    difficulty=3,
                ),
                # Logged that evening, as the runner would have.
                now=logged_at,
            )
        day += timedelta(days=1)


class Command(BaseCommand):
    help = "Create or refresh the demo accounts (development mode only) and print their logins."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo accounts are never created in production mode.")
        _admin, admin_password = demo_user("demo-admin", is_staff=True, is_superuser=True)
        therapist, therapist_password = demo_user("demo-therapist")
        therapist.groups.add(Group.objects.get_or_create(name=THERAPIST_GROUP)[0])
        runner, runner_password = demo_user("demo-runner")
        # Names and a clinic, so the pages show what a clinic's would.
        profile.set_name(therapist, "Theo Marsh")
        profile.set_name(runner, "Nina Ortiz")
        if profile.clinic_of(therapist) is None:
            profile.set_clinic(
                therapist,
                name="Riverside Physio (demo)",
                phone="+44 20 7946 0018",
                email="desk@riverside.example",
                address="12 River Walk\nLondon SE1 9AA",
            )
        CareLink.objects.get_or_create(
            therapist=therapist, runner=runner, defaults={"status": CareLink.Status.ACTIVE}
        )
        if not Plan.objects.filter(user=runner).exists():
            program = Program.objects.filter(slug=DEMO_PROGRAM).first()
            if program is None:
                raise CommandError(f"Load the catalog first: no program {DEMO_PROGRAM!r}.")
            now = timezone.now()
            start = schedule.local_date(now, DEMO_ZONE) - timedelta(weeks=WEEKS_IN)
            # Assigned the evening before it started, as the therapist would have done, after
            # the runner answered "no" to every warning-sign question.
            assigned = evening(start - timedelta(days=1), DEMO_ZONE)
            Screening.objects.create(
                user=runner,
                answers=dict.fromkeys(RedFlag.objects.values_list("slug", flat=True), False),
                verdict=Screening.Verdict.CLEAR,
                answered_at=assigned,
            )
            plan = lifecycle.start_plan(
                user=runner,
                program=program,
                start_date=start,
                time_zone=DEMO_ZONE,
                now=assigned,
                assigned_by=therapist,
            )
            walk_plan(plan)
            # Its messages from now on, not from the evening it was assigned.
            reminders.reschedule(plan, now)
        self.stdout.write(f"Demo admin:     username demo-admin, password {admin_password}")
        self.stdout.write(f"Demo therapist: username demo-therapist, password {therapist_password}")
        self.stdout.write(f"Demo runner:    username demo-runner, password {runner_password}")
        self.stdout.write(
            "The therapist and the admin set up a second factor at their first sign-in "
            "(any authenticator app: scan the code shown)."
        )
