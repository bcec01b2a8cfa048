"""Outcome measures answered: the LEFS and the PSFS (planner.engine.outcomes), per plan."""

from __future__ import annotations

from django.db import models

from planner.models.plans import Plan


class QuestionnaireAnswer(models.Model):
    """One answering of an outcome measure for a plan, kept as answered with its score worked
    out when it was given (the engine's; the items stay so it can be worked out again)."""

    class Measure(models.TextChoices):
        LEFS = "lefs", "Lower Extremity Functional Scale"
        PSFS = "psfs", "Patient-Specific Functional Scale"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="questionnaires")
    measure = models.CharField(max_length=4, choices=Measure.choices)
    answered_at = models.DateTimeField()
    answered_on = models.DateField(
        help_text="The runner's local date when answered: the due dates are local dates."
    )
    items = models.JSONField(
        help_text="The scores in order: the LEFS's 20 items (0-4), or each PSFS activity (0-10)."
    )
    activities = models.JSONField(
        default=list, blank=True, help_text="The PSFS activities' names, in the items' order."
    )
    total = models.FloatField(help_text="LEFS: the sum (0-80). PSFS: the mean (0-10).")

    class Meta:
        ordering = ["answered_at", "pk"]
        indexes = [
            models.Index(fields=["plan", "measure", "answered_at"], name="questionnaire_by_plan")
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.total:g} for plan {self.plan_id} on {self.answered_on}"
