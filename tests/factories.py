"""Catalog rows and plans built in code, so each test shows the data it depends on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import User

from conditions.models import BodyRegion, Condition, RedFlag, Source
from exercises.models import Exercise, Variation
from planner import plans
from planner.models import Phase, Plan, Prescription, Program


def article(slug: str = "ease-the-stride-hip-pain") -> Source:
    source, _ = Source.objects.get_or_create(
        slug=slug,
        defaults={
            "title": "Ease the Stride: Proven Ways to Treat Hip Pain from Walking and Running",
            "kind": Source.Kind.ARTICLE,
            "file": "002_0ea9f1eaba6183ce.txt",
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


def clamshells() -> Exercise:
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


def piriformis_stretch() -> Exercise:
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
        variation=shells.variations.get(),
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


def person(username: str) -> User:
    return User.objects.create_user(
        username=username, email=f"{username}@example.com", password=f"{username}-pass-4242"
    )


def plan_for(user: User, start: date, weeks: int = 6, time_zone: str = "Europe/Berlin") -> Plan:
    return plans.start_plan(
        user=user,
        program=program(weeks),
        start_date=start,
        time_zone=time_zone,
        now=datetime.combine(start, time(0), tzinfo=UTC) - timedelta(days=1),
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
