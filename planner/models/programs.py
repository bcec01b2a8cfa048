"""Program templates: a condition's phases and the dose ladder of each exercise in it."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop
from modeltranslation.manager import MultilingualManager, MultilingualQuerySet

from conditions.models import Condition, Source
from exercises.models import Exercise
from kit.curation import AdminCurated
from planner.engine.pain import PAIN_MONITORING, PAIN_RULES
from planner.engine.schedule import Frequency

# English, marked for the catalog of translations: a page shows one through gettext, in its
# reader's language; stored choices and sentences built from these stay plain strings.
FREQUENCY_LABELS = {
    Frequency.DAILY: gettext_noop("Every day"),
    Frequency.EVERY_OTHER_DAY: gettext_noop("Every other day"),
    Frequency.THREE_PER_WEEK: gettext_noop("Three times a week (Mon, Wed, Fri)"),
}


class ProgramQuerySet(MultilingualQuerySet["Program"]):
    def catalog(self) -> ProgramQuerySet:
        """The catalog's programs, the ones the data files load: what anyone may choose."""
        return self.filter(is_own=False)


class Program(AdminCurated):
    """A condition's home exercise program: its phases over the program's length (never a
    recovery time: where the length comes from is `weeks_source` and `weeks_note`).

    The catalog's programs come from the data files and cite their source. A therapist's own
    program (`is_own`), built or copied in the builder (planner.programs.own), is the
    therapist's own choice of exercises and doses: it cites no source, and is seen only by its
    owner, their clinic's therapists when shared, and the runners who have a plan of it
    (planner.access.programs_visible_to). It stays the therapist's own when its owner deletes
    their account: `owner` then empties, and the plans of it go on."""

    # A therapist's own program has an underscore in its slug (`<name>_<id>`), which no catalog
    # slug has (conditions.schema.SLUG_PATTERN): the data files can never name one.
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=150)
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="programs")
    summary = models.TextField(blank=True)
    weeks = models.PositiveSmallIntegerField(help_text="The program's length: not a recovery time.")
    weeks_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinical source whose programme lasted this long, if any.",
    )
    weeks_note = models.TextField(blank=True, help_text="Where the length comes from, in words.")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The source whose content the program contains: every catalog program has "
        "one; a therapist's own program has none, it is their own choice.",
    )
    is_own = models.BooleanField(
        default=False,
        help_text="A therapist's own program, not the catalog's: never listed with the catalog.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_programs",
        help_text="The therapist who built it; empty for the catalog's programs (and for an own "
        "program whose therapist deleted their account).",
    )
    shared_with_clinic = models.BooleanField(
        default=False,
        help_text="Seen (and copied, and assigned) by the therapists of its owner's clinic; "
        "only its owner changes it.",
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The program it started as a copy of: where it came from, not a citation.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Declared as modeltranslation's (planner/translation.py) rather than left for it to patch
    # in at start-up, so that type checking sees the manager the app runs with.
    objects = MultilingualManager.from_queryset(ProgramQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weeks__gt=0), name="program_weeks_positive"),
            models.CheckConstraint(
                condition=models.Q(is_own=True) | models.Q(source__isnull=False),
                name="program_catalog_cites_source",
                violation_error_message="A catalog program cites the source of its content.",
            ),
            models.CheckConstraint(
                condition=models.Q(is_own=True) | models.Q(owner__isnull=True),
                name="program_owned_is_own",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    first_week = models.PositiveSmallIntegerField()
    last_week = models.PositiveSmallIntegerField()
    goal = models.TextField(blank=True)

    objects: ClassVar[MultilingualManager[Phase]] = MultilingualManager()

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="phase_order_unique"),
            models.CheckConstraint(
                condition=models.Q(last_week__gte=models.F("first_week")),
                name="phase_weeks_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (weeks {self.first_week}-{self.last_week})"


class DoseLadder(models.Model):
    """The dose fields a prescription sets and a plan copies, so a therapist can tailor them."""

    frequency = models.CharField(
        max_length=16,
        choices=[(f.value, label) for f, label in FREQUENCY_LABELS.items()],
        default=Frequency.DAILY,
    )
    first_week = models.PositiveSmallIntegerField(default=1)
    last_week = models.PositiveSmallIntegerField()
    sets = models.PositiveSmallIntegerField(default=1, help_text="Sets at the start.")
    sets_target = models.PositiveSmallIntegerField(
        default=1, help_text="Sets climb one at a time to this once the target is reached."
    )
    start = models.PositiveSmallIntegerField()
    target = models.PositiveSmallIntegerField()
    step = models.PositiveSmallIntegerField()
    hold_seconds = models.PositiveSmallIntegerField(default=0)
    times_per_day = models.PositiveSmallIntegerField(default=1)
    harder = models.JSONField(
        default=list,
        blank=True,
        help_text="The exercise's harder variations, by name, in the order they are taken once "
        "the top of the ladder is reached (a band, a heavier band, a weight).",
    )
    easier = models.CharField(
        max_length=150,
        blank=True,
        help_text="The exercise's easier variation a dose that hurts too much at the bottom of "
        "the ladder steps down to.",
    )
    sessions_to_progress = models.PositiveSmallIntegerField(default=3)
    days_to_progress = models.PositiveSmallIntegerField(default=7)
    pain_rule = models.CharField(
        max_length=20,
        choices=[(rule.key, rule.name.capitalize()) for rule in PAIN_RULES.values()],
        default=PAIN_MONITORING.key,
        help_text="How much pain during the exercise is acceptable (planner.engine.pain).",
    )
    note = models.TextField(
        max_length=500,
        blank=True,
        help_text="A therapist's note on the exercise for the runner (\"keep the knee over the "
        "toes\"); the catalog's prescriptions have none.",
    )

    class Meta:
        abstract = True


def ladder_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(start__lte=models.F("target")), name=f"{prefix}_start_le_target"
        ),
        models.CheckConstraint(
            condition=models.Q(step__gt=0) & models.Q(start__gt=0), name=f"{prefix}_positive"
        ),
        models.CheckConstraint(
            condition=models.Q(last_week__gte=models.F("first_week")),
            name=f"{prefix}_weeks_ordered",
        ),
        models.CheckConstraint(
            condition=models.Q(sets_target__gte=models.F("sets")) & models.Q(sets__gt=0),
            name=f"{prefix}_sets_ordered",
        ),
        models.CheckConstraint(
            condition=models.Q(times_per_day__gte=1) & models.Q(times_per_day__lte=3),
            name=f"{prefix}_times_per_day",
        ),
    ]


# The dose fields a plan copies from its program's prescription, for a therapist to tailor.
LADDER_FIELDS = tuple(field.name for field in DoseLadder._meta.local_fields)


class Prescription(DoseLadder):
    """One exercise in a program: which weeks, how often, and its dose ladder."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="prescriptions")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "exercise"], name="prescription_unique"),
            *ladder_constraints("prescription"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.program}"
