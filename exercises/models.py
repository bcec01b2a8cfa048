"""How to move: exercises with their steps, dose ladders, harder variations and the conditions
each article recommends them for."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from modeltranslation.manager import MultilingualManager

from conditions.models import BodyRegion, CatalogEntry, Condition, Source


class Exercise(CatalogEntry):
    class Kind(models.TextChoices):
        STRENGTHEN = "strengthen", "Strengthen"
        STRETCH = "stretch", "Stretch"
        MOBILITY = "mobility", "Mobility"
        BALANCE = "balance", "Balance"
        CONDITIONING = "conditioning", "Conditioning"

    class Unit(models.TextChoices):
        REPS = "reps", "repetitions"
        SECONDS = "seconds", "seconds held"
        # A walk-run program's ladder: each rung a phase of `phases`, the amount counting them.
        PHASES = "phases", "walk-run phases"

    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=15, choices=Kind.choices)
    regions = models.ManyToManyField(BodyRegion, related_name="exercises")
    summary = models.TextField(blank=True)
    equipment = models.JSONField(default=list, blank=True)
    per_side = models.BooleanField(help_text="Done on each side in turn.")
    cautions = models.JSONField(default=list, blank=True)
    # The picture's poses (exercises.pictures.poses.Picture): the app draws it from these.
    picture = models.JSONField(
        default=dict,
        blank=True,
        help_text="The start and end poses the exercise's picture is drawn from; empty: none.",
    )

    # The dose ladder: from start to target in steps, counted in `unit`.
    unit = models.CharField(max_length=7, choices=Unit.choices)
    sets = models.PositiveSmallIntegerField(default=1)
    sets_target = models.PositiveSmallIntegerField(default=1)
    start = models.PositiveSmallIntegerField()
    target = models.PositiveSmallIntegerField()
    step = models.PositiveSmallIntegerField()
    hold_seconds = models.PositiveSmallIntegerField(
        default=0, help_text="How long each repetition is held."
    )
    phases = models.JSONField(
        default=list,
        blank=True,
        help_text='A walk-run exercise\'s phases, in order: {"run": minutes, "walk": minutes, '
        '"repeats": n} each; empty for every other exercise.',
    )
    dose_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when a number of the ladder is not from the exercise's article.",
    )
    dose_note = models.TextField(blank=True, help_text="Which numbers come from dose_source.")
    # The variations' names in each language other than English, by their English name (the
    # key plans and prescriptions name them by): {"es": {"With a band": "con una banda"}}.
    # Kept from the variations by exercises/version_names.py, so that a dose read with its
    # exercise words its version in the reader's language with no query of the variations.
    version_names = models.JSONField(default=dict, blank=True, editable=False)

    conditions: models.ManyToManyField[Condition, Recommendation] = models.ManyToManyField(
        Condition, through="Recommendation", related_name="exercises", blank=True
    )

    # modeltranslation's manager (exercises/translation.py), declared rather than patched in
    # at start-up, so that type checking sees the manager the app runs with.
    objects: ClassVar[MultilingualManager[Exercise]] = MultilingualManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lte=models.F("target")),
                name="exercise_start_not_above_target",
            ),
            models.CheckConstraint(condition=models.Q(step__gt=0), name="exercise_step_positive"),
            models.CheckConstraint(condition=models.Q(start__gt=0), name="exercise_start_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ladder_display(self) -> str:
        side = " per side" if self.per_side else ""
        unit = "s" if self.unit == self.Unit.SECONDS else " reps"
        hold = f", hold {self.hold_seconds}s each" if self.hold_seconds else ""
        sets = (
            f", then {self.sets} to {self.sets_target} sets" if self.sets_target > self.sets else ""
        )
        return f"{self.start}{unit} to {self.target}{unit}{side}, step {self.step}{hold}{sets}"


class InstructionStep(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects: ClassVar[MultilingualManager[InstructionStep]] = MultilingualManager()

    class Meta:
        ordering = ["exercise", "order"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "order"], name="step_order_unique")
        ]

    def __str__(self) -> str:
        # The step's number is its order, shown beside it: not repeated in its name.
        return self.text[:60]


class Variation(models.Model):
    """Another version of the exercise: harder (a load step, taken at the top of the ladder),
    easier (what a dose that hurts too much steps down to), or an alternative position."""

    class Kind(models.TextChoices):
        HARDER = "harder", "Harder"
        EASIER = "easier", "Easier"
        ALTERNATIVE = "alternative", "Alternative"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="variations")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=11, choices=Kind.choices, default=Kind.HARDER)
    description = models.TextField()
    equipment = models.JSONField(default=list, blank=True)

    objects: ClassVar[MultilingualManager[Variation]] = MultilingualManager()

    class Meta:
        ordering = ["exercise", "order"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "order"], name="variation_order_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """The English name, whatever language is shown: prescriptions and plans name their
        harder and easier versions by it (`harder`, `easier`), so it must not change with the
        reader's language."""
        return str(getattr(self, "name_en", None) or self.name)


class Recommendation(models.Model):
    """A condition's article recommends this exercise for it."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE)
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE)
    note = models.TextField(blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["condition", "exercise"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "condition"], name="recommendation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.exercise} for {self.condition}"


class ExerciseMedia(models.Model):
    """A photo or a short video of an exercise: the catalog's (uploaded by an admin, `owner`
    empty, seen by everyone) or a therapist's own (seen by the therapist and the runners linked
    to them, removed with the therapist's account). Photos are stored re-encoded, with a
    thumbnail; see exercises/media.py."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "Photo"
        VIDEO = "video", "Video"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="media")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exercise_media",
        help_text="The therapist whose patients see it; empty: the catalog's, for everyone.",
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    file = models.FileField(upload_to="exercise-media/%Y/%m/", max_length=255)
    thumbnail = models.FileField(upload_to="exercise-media/%Y/%m/", blank=True, max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    caption = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exercise", "created_at", "pk"]
        verbose_name = "exercise photo or video"
        verbose_name_plural = "exercise photos and videos"
        indexes = [models.Index(fields=["exercise", "owner"], name="media_exercise_owner")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.exercise}"
