"""Catalog rows and plans built in code, so each test shows the data it depends on."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import User

from conditions.models import BodyRegion, Condition, RedFlag, Source
from exercises.models import Exercise, Variation
from planner.models import (
    DoseChange,
    Phase,
    Plan,
    PlanExercise,
    Prescription,
    Program,
    PushSubscription,
    Screening,
    SessionLog,
)
from planner.plans import lifecycle, sessions


def article(slug: str = "ease-the-stride-hip-pain") -> Source:
    source, _ = Source.objects.get_or_create(
        slug=slug,
        defaults={
            "title": "Ease the Stride: Proven Ways to Treat Hip Pain from Walking and Running",
            "kind": Source.Kind.ARTICLE,
            "publisher": "laximedical.com",
        },
    )
    return source


def region(slug: str = "hip") -> BodyRegion:
    row, _ = BodyRegion.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    return row


def condition(slug: str = "it-band-syndrome", weeks: int = 6) -> Condition:
    row, created = Condition.objects.get_or_create(
        slug=slug,
        defaults={
            "name": slug.replace("-", " ").title(),
            "summary": "Pain on the outside of the leg.",
            "recovery_min": weeks,
            "recovery_max": weeks,
            "recovery_unit": Condition.RecoveryUnit.WEEKS,
            "recovery_text": f"about {weeks} weeks",
            "care": Condition.Care.HOME_EXERCISE,
            "source": article(),
        },
    )
    if created:
        row.regions.add(region())
    return row


# The pictures of exercises/data/exercises.yaml, as the loader stores them: the cards and the
# picture view draw the same figures in the tests as in the app.
CLAMSHELLS_PICTURE: dict[str, Any] = {
    "facing": "camera",
    "moving": ["left_leg"],
    "shows": [1, 3],
    "start": {
        "trunk": -83.0,
        "left_leg": {"thigh": 0.7, "shin": 0.7},
        "right_leg": {"hip": -7.0, "thigh": 0.7, "shin": 0.7},
        "left_arm": {"shoulder": 5.0, "elbow": 10.0},
        "right_arm": {"shoulder": 173.0, "elbow": 150.0},
    },
    "end": {
        "trunk": -83.0,
        "left_leg": {"hip": 36.0, "knee": -72.0, "thigh": 0.87, "shin": 0.89},
        "right_leg": {"hip": -7.0, "thigh": 0.7, "shin": 0.7},
        "left_arm": {"shoulder": 5.0, "elbow": 10.0},
        "right_arm": {"shoulder": 173.0, "elbow": 150.0},
    },
}
PIRIFORMIS_PICTURE: dict[str, Any] = {
    "moving": ["left_leg"],
    "shows": [1, 2],
    "start": {
        "left_leg": {"hip": 90.0, "ankle": 30.0},
        "right_leg": {"hip": 90.0, "ankle": 30.0},
        "left_arm": {"shoulder": -21.2},
        "right_arm": {"shoulder": -30.0, "elbow": 15.0},
    },
    "end": {
        "left_leg": {"hip": 144.1, "knee": 123.5, "ankle": 20.6},
        "right_leg": {"hip": 90.0, "ankle": 30.0},
        "left_arm": {"shoulder": -21.2},
        "right_arm": {"shoulder": 6.8, "elbow": 119.0},
    },
}


def clamshells(picture: bool = True) -> Exercise:
    exercise, created = Exercise.objects.get_or_create(
        slug="clamshells",
        defaults={
            "name": "Clamshells",
            "kind": Exercise.Kind.STRENGTHEN,
            "per_side": True,
            "unit": Exercise.Unit.REPS,
            "start": 10,
            "target": 30,
            "step": 5,
            "source": article(),
            "picture": CLAMSHELLS_PICTURE if picture else {},
        },
    )
    if created:
        Variation.objects.create(
            exercise=exercise,
            order=1,
            name="With an exercise band",
            description="Wrap a band halfway between knees and hips.",
        )
    return exercise


def piriformis_stretch(picture: bool = True) -> Exercise:
    exercise, _ = Exercise.objects.get_or_create(
        slug="piriformis-stretch",
        defaults={
            "name": "Piriformis stretch",
            "kind": Exercise.Kind.STRETCH,
            "per_side": True,
            "unit": Exercise.Unit.SECONDS,
            "start": 10,
            "target": 30,
            "step": 10,
            "source": article(),
            "picture": PIRIFORMIS_PICTURE if picture else {},
        },
    )
    return exercise


def program(weeks: int = 6) -> Program:
    """An IT band program: clamshells every day, the piriformis stretch every other day
    from week 2."""
    existing = Program.objects.filter(slug=f"it-band-{weeks}w").first()
    if existing:
        return existing
    row = Program.objects.create(
        slug=f"it-band-{weeks}w",
        name="IT band syndrome: home program",
        condition=condition(weeks=weeks),
        weeks=weeks,
        source=article(),
    )
    Phase.objects.create(program=row, order=1, name="Build", first_week=1, last_week=weeks)
    shells = clamshells()
    Prescription.objects.create(
        program=row,
        exercise=shells,
        order=1,
        frequency="daily",
        first_week=1,
        last_week=weeks,
        start=10,
        target=30,
        step=5,
        harder=[shells.variations.get().name],
    )
    Prescription.objects.create(
        program=row,
        exercise=piriformis_stretch(),
        order=2,
        frequency="every_other_day",
        first_week=2,
        last_week=weeks,
        start=10,
        target=30,
        step=10,
    )
    return row


def person(username: str, *, confirmed: bool = True) -> User:
    """Someone with an account and, unless `confirmed` is False, an address they confirmed
    (reminders and invitations reach confirmed addresses only)."""
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", password=f"{username}-pass-4242"
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=confirmed)
    return user


# Each authenticator app set up here, by username: the browser tests type its code when the
# sign-in asks for it.
TOTP_SECRETS: dict[str, str] = {}


def with_two_factors(user: User) -> str:
    """An authenticator app set up for `user`, as the setup page does; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    TOTP_SECRETS[user.username] = secret
    return secret


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows now for `secret` (RFC 6238: HMAC-SHA1 of the
    30-second step, six digits), worked out here rather than by the library under test.

    Asked for the current code with under 5 seconds of its step left, it waits for the next
    step, as a person would: a code typed as the step ends is refused (the app allows no
    drift), and a slow page in CI once took it over the edge."""
    if at is None:
        left = 30 - clock.time() % 30
        if left < 5:
            clock.sleep(left + 0.1)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    step = int((clock.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def screened(user: User, at: datetime | None = None) -> Screening:
    """A warning-sign screening answered "no" to everything: what every plan starts on."""
    return Screening.objects.create(
        user=user,
        answers=dict.fromkeys(RedFlag.objects.values_list("slug", flat=True), False),
        verdict=Screening.Verdict.CLEAR,
        answered_at=at or datetime.now(UTC),
    )


def checked_in(plan: Plan, at: datetime) -> Screening:
    """The plan's weekly check-in, answered at `at` with no warning sign."""
    return Screening.objects.create(
        user=plan.user,
        answers={},
        verdict=Screening.Verdict.CLEAR,
        answered_at=at,
        check_in_of=plan,
    )


def plan_for(user: User, start: date, weeks: int = 6, time_zone: str = "Europe/Berlin") -> Plan:
    now = datetime.combine(start, time(0), tzinfo=UTC) - timedelta(days=1)
    screened(user, now)
    return lifecycle.start_plan(
        user=user, program=program(weeks), start_date=start, time_zone=time_zone, now=now
    )


def calf_swelling() -> RedFlag:
    flag, _ = RedFlag.objects.get_or_create(
        slug="calf-swelling-warmth",
        defaults={
            "sign": "Calf pain with swelling and warmth",
            "question": "Is your calf swollen, warm and painful?",
            "urgency": RedFlag.Urgency.EMERGENCY,
            "advice": "This may be a blood clot (DVT): seek emergency care.",
            "source": article("legs-hurt-after-walking"),
        },
    )
    return flag


def lingering_pain() -> RedFlag:
    """A sign to see a clinician about before exercising (not an emergency)."""
    flag, _ = RedFlag.objects.get_or_create(
        slug="pain-lasting-more-than-a-few-days",
        defaults={
            "sign": "Pain lasting more than a few days without getting better",
            "question": "Has this pain lasted more than a few days without getting better?",
            "urgency": RedFlag.Urgency.STOP_UNTIL_ASSESSED,
            "advice": "See a doctor or physical therapist before exercising.",
            "source": article("sore-ankle-after-walking"),
        },
    )
    return flag


def evening_of_zone(time_zone: str, day: date) -> datetime:
    """20:00 on `day` in `time_zone`."""
    return datetime.combine(day, time(20, 0), tzinfo=ZoneInfo(time_zone))


def evening_of(plan: Plan, day: date) -> datetime:
    """20:00 on `day` in the plan's own time zone: "now" for a runner logging that day."""
    return datetime.combine(day, time(20, 0), tzinfo=ZoneInfo(plan.time_zone))


def log_session(
    *, plan: Plan, plan_exercise: PlanExercise, day: date, today: date, **entry: Any
) -> sessions.Logged:
    """The runner logs `day` of their plan on the evening of `today` (their local date)."""
    return sessions.log_session(
        runner=plan.user,
        plan_id=plan.pk,
        plan_exercise_id=plan_exercise.pk,
        day=day,
        entry=sessions.Entry(**entry),
        now=evening_of(plan, today),
    )


def correct(log: SessionLog, today: date, **changes: Any) -> sessions.Logged:
    """The runner corrects a log (or adds its next-morning pain) on the evening of `today`."""
    return sessions.correct_session(
        runner=log.plan.user,
        plan_id=log.plan_id,
        log_id=log.pk,
        changes=changes,
        now=evening_of(log.plan, today),
    )


def set_status(plan: Plan, status: str, now: datetime) -> Plan:
    """The plan paused, resumed or completed by its runner, or stopped by a warning sign."""
    if status == Plan.Status.STOPPED:
        return lifecycle.stop(plan, "Calf pain with swelling and warmth reported.", now)
    return lifecycle.change_plan(plan, now, status=status)


def own_program(owner: User, name: str = "Theo's hip start", *, shared: bool = False) -> Program:
    """A therapist's own program: clamshells daily over four weeks, private unless `shared`
    (with the owner's clinic)."""
    from planner.programs import own  # the builder's service, only where a test needs it

    clamshells()
    condition()
    return own.create(
        owner,
        own.ProgramDraft(
            name=name,
            condition="it-band-syndrome",
            weeks=4,
            shared_with_clinic=shared,
            phases=(own.PhaseDraft("Build", 1, 4),),
            exercises=(own.ExerciseDraft(exercise="clamshells", note="Slowly."),),
        ),
    )


def clamshells_stepped_up(plan: Plan) -> DoseChange:
    """Eight comfortable days of clamshells from the plan's start: the engine steps the dose
    up; that change."""
    shells = plan.exercises.select_related("exercise").get(exercise__slug="clamshells")
    for offset in range(8):
        day = plan.start_date + timedelta(days=offset)
        log_session(plan=plan, plan_exercise=shells, day=day, today=day, done=True, pain_during=1)
    change = shells.dose_changes.order_by("pk").last()
    assert change is not None
    return change


def push_device(user: User, name: str = "phone") -> PushSubscription:
    """A device on which `user` turned push reminders on (at Google's push service: never
    called, only kept)."""
    return PushSubscription.objects.create(
        user=user,
        endpoint=f"https://fcm.googleapis.com/fcm/send/{user.username}-{name}",
        p256dh="B" * 87,
        auth="A" * 22,
        label=name,
    )
