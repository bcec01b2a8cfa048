"""`manage.py setup_demo`: demo accounts for the embedded app, with their logins printed.

A demo admin, a demo therapist and a demo runner whose IT band plan started three weeks ago.
Her weeks are lived through the real services, so the engine's decisions are its own: a day
of borderline pain that holds a dose, a missed day, a flare that steps a dose back (and tells
her therapist, who answers), next-morning ratings, today's reminder and a message from her
therapist in her inbox. The therapist has a handful of other patients in different states:
one who reported a warning sign (an open alert), one doing well, one who stopped logging.

Every date follows from the plans' starts: a therapist is linked from the evening a plan was
assigned, not from the moment this command ran. Each patient is made once; a second run only
prints fresh logins.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
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
from planner.care import messages
from planner.delivery import notify
from planner.engine import schedule
from planner.engine.words import in_sentence
from planner.models import (
    Alert,
    CareLink,
    Delivery,
    DoseChange,
    Notification,
    Plan,
    Program,
    Reminder,
    Screening,
)
from planner.plans import daily, lifecycle, reminders, sessions
from planner.safety import alerts

DEMO_ZONE = "Europe/Berlin"
DEMO_PROGRAM = "it-band-syndrome-home-program"
WEEKS_IN = 3

# The demo runner's story, by day of her plan (0: its first day). Her program is decided by
# the pain-monitoring model: 0-2/10 counts towards a step, up to 5/10 holds, above it steps
# back.
MISSED_DAY = 12  # nothing logged: the day holds the dose (and shows in the last 14 days)
BORDERLINE_DAY = 9  # 4/10 on the first exercise: held
FLARE_DAY = 15  # 7/10 on the first exercise: stepped back, and her therapist is told
OMAR_DAYS_IN = 12
SWOLLEN_DAY = OMAR_DAYS_IN - 1  # yesterday: a warning sign, which stops his plan


@dataclass(frozen=True)
class Session:
    """How one day of a demo plan went: pain during the first exercise of the day (the others
    are comfortable), and the next morning's pain."""

    first_pain: int = 1
    other_pain: int = 1
    morning: int = 1


# A day's session, or None for a day not logged.
Story = Callable[[int], Session | None]


def nina_story(day: int) -> Session | None:
    if day == MISSED_DAY:
        return None
    if day == BORDERLINE_DAY:
        return Session(first_pain=4)
    if day == FLARE_DAY:
        return Session(first_pain=7, other_pain=2)
    return Session(first_pain=2 if day % 3 == 0 else 1)


def swollen_knee_story(day: int) -> Session | None:
    """Comfortable days, then a knock: the knee sore (3/10) and clearly swollen, reported with
    yesterday's log."""
    return Session(first_pain=3, other_pain=2) if day == SWOLLEN_DAY else Session()


def steady_story(day: int) -> Session | None:
    return Session(first_pain=1, other_pain=0, morning=0)


def stopped_after(days: int) -> Story:
    def story(day: int) -> Session | None:
        return Session() if day < days else None

    return story


@dataclass(frozen=True)
class Patient:
    """One of the demo therapist's other patients (no login: seen from the therapist's side)."""

    username: str
    name: str
    program: str
    days_in: int
    story: Story
    warning_sign: str = ""  # reported on the last day logged, which stops the plan


OTHER_PATIENTS = (
    Patient("demo-patient-omar", "Omar Haddad", "patellofemoral-pain-syndrome-home-program",
            OMAR_DAYS_IN, swollen_knee_story, warning_sign="swelling-or-bruising"),
    Patient("demo-patient-priya", "Priya Shah", "trochanteric-bursitis-home-program", 16,
            steady_story),
    Patient("demo-patient-sam", "Sam Keller", "achilles-tendonitis-home-program", 20,
            stopped_after(8)),
)  # fmt: skip


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


def at(day: date, hour: int, time_zone: str = DEMO_ZONE) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(time_zone))


def start_assigned_plan(
    therapist: User, runner: User, program_slug: str, days_in: int, now: datetime
) -> Plan:
    """A plan the therapist assigned the evening before it started, after the runner answered
    "no" to every warning-sign question; the two linked since that evening."""
    program = Program.objects.filter(slug=program_slug).first()
    if program is None:
        raise CommandError(f"Load the catalog first: no program {program_slug!r}.")
    start = schedule.local_date(now, DEMO_ZONE) - timedelta(days=days_in)
    assigned = at(start - timedelta(days=1), 20)
    link, _ = CareLink.objects.get_or_create(
        therapist=therapist, runner=runner, defaults={"status": CareLink.Status.ACTIVE}
    )
    # Invited two days before, accepted the evening of the assignment.
    CareLink.objects.filter(pk=link.pk).update(
        created_at=assigned - timedelta(days=2), responded_at=assigned
    )
    Screening.objects.create(
        user=runner,
        answers=dict.fromkeys(RedFlag.objects.values_list("slug", flat=True), False),
        verdict=Screening.Verdict.CLEAR,
        answered_at=assigned,
    )
    return lifecycle.start_plan(
        user=runner,
        program=program,
        start_date=start,
        time_zone=DEMO_ZONE,
        now=assigned,
        assigned_by=therapist,
    )


def live(plan: Plan, story: Story, now: datetime, warning_sign: str = "") -> None:
    """Each day from the plan's start to yesterday as the story tells: the morning's rating of
    the day before (except this morning's, which the runner meets on today's page), then the
    evening's log of each exercise due. A warning sign, if any, is reported with the last day
    logged and stops the plan."""
    today = schedule.local_date(now, plan.time_zone)
    days = [plan.start_date + timedelta(days=n) for n in range((today - plan.start_date).days)]
    logged_days = [day for n, day in enumerate(days) if story(n) is not None]
    flagged_day = logged_days[-1] if warning_sign and logged_days else None
    for n, day in enumerate(days):
        before = story(n - 1) if n else None
        waiting = plan.logs.filter(day=day - timedelta(days=1), pain_next_morning__isnull=True)
        if before is not None and waiting.exists():
            sessions.record_morning_pain(
                runner=plan.user,
                plan_id=plan.pk,
                day=day - timedelta(days=1),
                pain_next_morning=before.morning,
                now=at(day, 8),
            )
        session = story(n)
        if session is None:
            continue
        for index, card in enumerate(daily.plan_day(plan, day).exercises):
            flag = RedFlag.objects.get(slug=warning_sign) if day == flagged_day else None
            logged = sessions.log_session(
                runner=plan.user,
                plan_id=plan.pk,
                plan_exercise_id=card.plan_exercise.pk,
                day=day,
                entry=sessions.Entry(
                    done=True,
                    amount_done=card.amount,
                    pain_during=session.first_pain if index == 0 else session.other_pain,
                    difficulty=3,
                    red_flag=flag if index == 0 else None,
                ),
                now=at(day, 20),
            )
            if logged.stopped:
                return  # the warning sign stopped the plan: nothing more is logged


def answer_nina(therapist: User, plan: Plan, now: datetime) -> None:
    """The therapist acknowledges the flare's alert the next morning, and writes today."""
    flare = plan.start_date + timedelta(days=FLARE_DAY)
    for alert in Alert.objects.filter(runner=plan.user, acknowledged_at__isnull=True):
        alerts.acknowledge(
            therapist,
            alert.pk,
            "Seen. The planner has eased that exercise back; keep the others going and tell me "
            "if it is still sore after two sessions.",
            at(flare + timedelta(days=1), 9),
        )
    stepped_back = DoseChange.objects.filter(
        plan_exercise__plan=plan, action=DoseChange.Action.STEP_BACK
    ).select_related("plan_exercise__exercise")
    eased = ", ".join(in_sentence(change.plan_exercise.exercise.name) for change in stepped_back)
    conversation = messages.with_runner(therapist, plan.user.pk)
    message = messages.post(
        therapist,
        conversation.pk,
        f"After {flare:%A}'s flare the planner eased {eased} back, and it builds again from "
        "there. Keep rating each morning's pain: it is how the plan tells that you have "
        "settled.",
        min(now, at(schedule.local_date(now, DEMO_ZONE), 7)),
    )
    # The notices carry the moment they tell of: the app writes them as it happens, which
    # here is a single run standing in for two weeks.
    Notification.objects.filter(message=message).update(created_at=message.created_at)
    # The acknowledgement, read by the runner that morning: what waits unread is today's.
    acknowledged = at(flare + timedelta(days=1), 9)
    Notification.objects.filter(user=plan.user, title__contains="read your report").update(
        created_at=acknowledged, read_at=acknowledged + timedelta(hours=2)
    )


def send_todays_reminder(plan: Plan, now: datetime) -> None:
    """Today's reminder, written and sent as the dispatcher would: in the inbox, and by email
    (to var/mail/ in development). The dispatcher's own run finds it already written."""
    today = schedule.local_date(now, plan.time_zone)
    delivery, created = Delivery.objects.get_or_create(
        plan=plan, kind=Reminder.Kind.REMINDER, local_date=today, defaults={"due_at": now}
    )
    if created:
        notify.send_delivery(delivery.pk, now)


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
        now = timezone.now()
        if not Plan.objects.filter(user=runner).exists():
            plan = start_assigned_plan(therapist, runner, DEMO_PROGRAM, 7 * WEEKS_IN, now)
            live(plan, nina_story, now)
            answer_nina(therapist, plan, now)
            # Its messages from now on, not from the evening it was assigned.
            reminders.reschedule(plan, now)
            send_todays_reminder(plan, now)
        for patient in OTHER_PATIENTS:
            user, created = User.objects.get_or_create(username=patient.username)
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                profile.set_name(user, patient.name)
            if Plan.objects.filter(user=user).exists():
                continue
            plan = start_assigned_plan(therapist, user, patient.program, patient.days_in, now)
            live(plan, patient.story, now, patient.warning_sign)
            plan.refresh_from_db()
            if plan.status == Plan.Status.ACTIVE:
                reminders.reschedule(plan, now)
        self.stdout.write(f"Demo admin:     username demo-admin, password {admin_password}")
        self.stdout.write(f"Demo therapist: username demo-therapist, password {therapist_password}")
        self.stdout.write(f"Demo runner:    username demo-runner, password {runner_password}")
        self.stdout.write(
            "The therapist and the admin set up a second factor at their first sign-in "
            "(any authenticator app: scan the code shown)."
        )
