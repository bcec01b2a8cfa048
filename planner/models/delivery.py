"""A plan's recurring messages, each message written before it is sent, and its in-app copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from planner.models.plans import Plan
from planner.models.safety import Alert


class Reminder(models.Model):
    """A plan's recurring message: the daily reminder, or the daily progression step.

    The dispatcher finds due rows by `next_due_at` alone; a row that must not fire (reminders
    off or paused, plan not active) has it set to NULL, which also keeps it out of the index.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Daily reminder"
        PROGRESSION = "progression", "Progression step"

    class State(models.TextChoices):
        ON = "on", "On"
        PAUSED = "paused", "Paused"
        OFF = "off", "Off"

    # No index of its own: UNIQUE (plan, kind) leads with it, and each index slows the
    # dispatcher's UPDATE of next_due_at.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    local_time = models.TimeField(help_text="Time of day in the plan's time zone.")
    state = models.CharField(max_length=6, choices=State.choices, default=State.ON)
    next_due_at = models.DateTimeField(null=True, blank=True)
    next_local_date = models.DateField(
        null=True, blank=True, help_text="The person's date of the occurrence due next."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="reminder_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(next_due_at__isnull=True)
                | models.Q(next_local_date__isnull=False),
                name="reminder_due_has_local_date",
            ),
        ]
        indexes = [
            # Used by planner.delivery.dispatch._claim_due:
            # WHERE next_due_at <= now ORDER BY next_due_at.
            # Partial, so the rows that never fire (off, paused, ended plans) cost nothing.
            models.Index(
                fields=["next_due_at"],
                name="reminder_due",
                condition=models.Q(next_due_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.plan} at {self.local_time}"


DELIVERY_KINDS = [*Reminder.Kind.choices, ("alert", "Alert to a therapist")]


class Delivery(models.Model):
    """One message for (plan, local date, kind), or for (alert, recipient), written before it
    is sent: the UNIQUE constraints are what make each go out once whatever the broker does."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped: nothing to say"
        FAILED = "failed", "Failed"

    # Reminders' deliveries are read through the partial UNIQUE (plan, local_date, kind) WHERE
    # alert IS NULL; the plain index serves the rest (an alert's, a plan's deletion). Empty only
    # for an alert about a runner with no plan (a sign in the screening before one).
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True
    )
    kind = models.CharField(max_length=12, choices=DELIVERY_KINDS)
    # An alert's delivery: one per alert and therapist to tell.
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whom it goes to when not the plan's runner: an alert's therapist.",
    )
    local_date = models.DateField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "local_date", "kind"],
                name="delivery_once_per_day_and_kind",
                condition=models.Q(alert__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["alert", "recipient"],
                name="delivery_once_per_alert_and_recipient",
                condition=models.Q(alert__isnull=False),
            ),
            models.CheckConstraint(
                condition=models.Q(plan__isnull=False) | models.Q(alert__isnull=False),
                name="delivery_for_a_plan_or_an_alert",
            ),
        ]
        indexes = [
            # Used by planner.delivery.dispatch.sweep: deliveries left unsent, oldest first.
            models.Index(
                fields=["created_at"],
                name="delivery_unsent",
                condition=models.Q(state__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.plan_id} on {self.local_date}: {self.state}"


class Notification(models.Model):
    """The in-app copy of a delivery, listed for the person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, null=True, blank=True, related_name="notification"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return self.title
