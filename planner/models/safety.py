"""Warning signs: the screenings a runner answers, the clearances that let them go on, and the
alerts their therapist must hear at once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from planner.models.plans import Plan, SessionLog


class Urgency(models.TextChoices):
    """How urgent a warning sign is (planner.engine.screening)."""

    EMERGENCY = "emergency", gettext_lazy("Emergency: get help now")
    SEE_CLINICIAN = "see_clinician", gettext_lazy("See a clinician before exercising")


class Screening(models.Model):
    """One answering of the warning-sign questions: before a plan, or a running plan's weekly
    check-in. Kept as answered: a sign reported is never lost by answering again."""

    class Verdict(models.TextChoices):
        EMERGENCY = "emergency", gettext_lazy("Emergency: get help now")
        SEE_CLINICIAN = "see_clinician", gettext_lazy("See a clinician first")
        CLEAR = "clear", gettext_lazy("No warning sign")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screenings"
    )
    answers = models.JSONField(help_text="Each warning sign asked, by slug: true for yes.")
    verdict = models.CharField(max_length=13, choices=Verdict.choices)
    answered_at = models.DateTimeField()
    check_in_of = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_ins",
        help_text="The running plan whose weekly check-in this was.",
    )
    used_by = models.OneToOneField(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screening",
        help_text="The plan that started on this screening.",
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded that a clinician assessed the runner: the runner or a therapist.",
    )
    clearance_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["user", "-answered_at"], name="screening_latest")]

    def __str__(self) -> str:
        return f"{self.user} {self.answered_at:%Y-%m-%d}: {self.verdict}"


class Alert(models.Model):
    """Something a runner's therapist must hear at once: a warning sign (in a screening, a
    check-in or a log), or pain above the plan's pain rule. Acknowledged with a note."""

    class Kind(models.TextChoices):
        WARNING_SIGN = "warning_sign", gettext_lazy("Warning sign")
        PAIN_ABOVE_RULE = "pain_above_rule", gettext_lazy("Pain above the plan's rule")

    runner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    screening = models.ForeignKey(
        Screening, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    session_log = models.ForeignKey(
        SessionLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    urgency = models.CharField(max_length=13, choices=Urgency.choices, blank=True)
    text = models.TextField(help_text="What happened, in words.")
    advice = models.TextField(blank=True, help_text="The catalog's advice for the sign.")
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledgement = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["runner", "-created_at"],
                name="alert_open",
                condition=models.Q(acknowledged_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.runner}: {self.text[:60]}"
