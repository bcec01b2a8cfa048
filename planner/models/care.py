"""A therapist's link to a runner, made and ended by consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CareLink(models.Model):
    """A therapist's link to a runner: made by an invitation the runner accepts, ended by
    either of them at any time. Only an active link lets the therapist see the runner's plans."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_links"
    )
    runner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist_links"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.INVITED)
    # The email a therapist invited, shown to them instead of the account until the runner
    # accepts (empty for an invitation by username, which the therapist already knows).
    invited_as = models.CharField(max_length=254, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "runner"],
                condition=models.Q(status__in=["invited", "active"]),
                name="care_link_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(therapist=models.F("runner")), name="care_link_not_self"
            ),
        ]
        indexes = [models.Index(fields=["therapist", "status"])]

    def __str__(self) -> str:
        return f"{self.therapist} cares for {self.runner} ({self.status})"
