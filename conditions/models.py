"""What hurts: body regions, conditions, their recovery timelines and red flags, each citing
the article it comes from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from kit.curation import AdminCurated


class Source(AdminCurated):
    """A source article, or a published clinical source for a number the articles lack."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Source article"
        CLINICAL = "clinical", "Published clinical source (not from the articles)"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    publisher = models.CharField(
        max_length=200, blank=True, help_text="Who published it: the website or journal."
    )
    citation = models.TextField(blank=True, help_text="Full reference of a clinical source.")
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class CatalogEntry(AdminCurated):
    """What every cited catalog entry has: a stable slug and the source it comes from."""

    slug = models.SlugField(unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(AdminCurated.Meta):
        abstract = True


class BodyRegion(AdminCurated):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Condition(CatalogEntry):
    class Care(models.TextChoices):
        HOME_EXERCISE = "home_exercise", "Home exercise is appropriate"
        SEE_DOCTOR_FIRST = "see_doctor_first", "A doctor must see it first"
        # Not a condition that hurts: the way back to running after one, reached from a
        # runner's plans (planner.plans.readiness), never from "where it hurts".
        RETURN_TO_RUN = "return_to_run", "The way back to running after a problem"

    class RecoveryUnit(models.TextChoices):
        DAYS = "days", "days"
        WEEKS = "weeks", "weeks"
        MONTHS = "months", "months"

    name = models.CharField(max_length=150)
    regions = models.ManyToManyField(BodyRegion, related_name="conditions")
    summary = models.TextField()
    symptoms = models.JSONField(default=list, blank=True)
    causes = models.JSONField(default=list, blank=True, help_text="Causes and risk factors.")
    treatment = models.JSONField(default=list, blank=True)
    recovery_min = models.PositiveIntegerField(null=True, blank=True)
    recovery_max = models.PositiveIntegerField(null=True, blank=True)
    recovery_unit = models.CharField(
        max_length=6, choices=RecoveryUnit.choices, default=RecoveryUnit.WEEKS
    )
    recovery_text = models.TextField(blank=True, help_text="The article's own words.")
    recovery_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when the recovery numbers are not from the condition's article.",
    )
    care = models.CharField(max_length=20, choices=Care.choices)
    care_note = models.TextField(blank=True)
    signs = models.JSONField(
        default=list,
        blank=True,
        help_text="What it feels like, as answers to the finder's questions, each citing its "
        'source: [{"question", "answer", "source", "note"}].',
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recovery_min__isnull=True)
                | models.Q(recovery_max__gte=models.F("recovery_min")),
                name="condition_recovery_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def recovery_days(self) -> tuple[int, int] | None:
        """The recovery range in days, for scheduling a program over it."""
        if self.recovery_min is None or self.recovery_max is None:
            return None
        per_unit = {"days": 1, "weeks": 7, "months": 30}[self.recovery_unit]
        return self.recovery_min * per_unit, self.recovery_max * per_unit

    @property
    def recovery_display(self) -> str:
        if self.recovery_min is None:
            return self.recovery_text
        if self.recovery_min == self.recovery_max:
            return f"about {self.recovery_min} {self.recovery_unit}"
        return f"{self.recovery_min} to {self.recovery_max} {self.recovery_unit}"


class RedFlag(CatalogEntry):
    """A warning sign that needs a doctor, asked about before any plan starts."""

    class Urgency(models.TextChoices):
        EMERGENCY = "emergency", gettext_lazy("Emergency")
        SEE_DOCTOR_SOON = "see_doctor_soon", gettext_lazy("See a doctor soon")
        STOP_UNTIL_ASSESSED = "stop_until_assessed", gettext_lazy("Stop exercising until assessed")

    sign = models.CharField(max_length=300, help_text="What the person notices.")
    question = models.CharField(max_length=300, help_text="The yes/no screening question.")
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    advice = models.TextField(help_text="What to show, in the article's terms.")
    regions = models.ManyToManyField(
        BodyRegion, blank=True, related_name="red_flags", help_text="Empty: asked for any region."
    )
    conditions = models.ManyToManyField(Condition, blank=True, related_name="red_flags")

    class Meta:
        ordering = ["urgency", "sign"]

    def __str__(self) -> str:
        return self.sign


class RedFlagRegionSource(models.Model):
    """A source that gives a warning sign for one region, cited for a runner whose pain is
    there instead of the sign's own source (red_flags.yaml's `sources_by_region`)."""

    red_flag = models.ForeignKey(RedFlag, on_delete=models.CASCADE, related_name="region_sources")
    region = models.ForeignKey(BodyRegion, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["red_flag", "region"], name="red_flag_one_source_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.red_flag} ({self.region}): {self.source}"
