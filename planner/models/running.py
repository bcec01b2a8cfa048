"""Return to running: the readiness checks a runner takes before the walk-run program."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from planner.models.plans import Plan


class ReadinessCheck(models.Model):
    """One taking of the return-to-run readiness check (planner.engine.return_to_run), logged
    like a session: the answers as given and the verdict worked out when it was taken."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_checks"
    )
    after_plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The plan it was taken after, if any (the runner may choose it on their own).",
    )
    taken_at = models.DateTimeField()
    taken_on = models.DateField(help_text="The runner's local date when taken.")
    answers = models.JSONField(help_text="Each criterion's answer, by its key.")
    ready = models.BooleanField(help_text="Every criterion met, when it was taken.")

    class Meta:
        ordering = ["taken_at", "pk"]
        indexes = [models.Index(fields=["user", "taken_at"], name="readiness_by_user")]

    def __str__(self) -> str:
        return f"readiness check of {self.user_id} on {self.taken_on}: ready={self.ready}"
