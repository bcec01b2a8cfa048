"""How to move: exercises with their steps, dose ladders, harder variations and the conditions
each article recommends them for."""

from __future__ import annotations

from django.db import models

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

    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=15, choices=Kind.choices)
    regions = models.ManyToManyField(BodyRegion, related_name="exercises")
    summary = models.TextField(blank=True)
    equipment = models.JSONField(default=list, blank=True)
    per_side = models.BooleanField(help_text="Done on each side in turn.")
    cautions = models.JSONField(default=list, blank=True)

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
    dose_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when a number of the ladder is not from the exercise's article.",
    )
    dose_note = models.TextField(blank=True, help_text="Which numbers come from dose_source.")

    conditions: models.ManyToManyField[Condition, Recommendation] = models.ManyToManyField(
        Condition, through="Recommendation", related_name="exercises", blank=True
    )

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

    class Meta:
        ordering = ["exercise", "order"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "order"], name="step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


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

    class Meta:
        ordering = ["exercise", "order"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "order"], name="variation_order_unique")
        ]

    def __str__(self) -> str:
        return self.name


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
