"""A plan's recurring messages, each message written before it is sent, and its in-app copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from planner.models.care import CareLink
from planner.models.messages import Conversation, Message
from planner.models.plans import Plan
from planner.models.safety import Alert


class Reminder(models.Model):
    """A plan's recurring message: the daily reminder, the daily progression step, the
    outcome questionnaires' reminder (only on their due dates: planner.engine.outcomes), or the
    evening nudge (only when the day's session is not logged by then).

    The dispatcher finds due rows by `next_due_at` alone; a row that must not fire (reminders
    off or paused, plan not active) has it set to NULL, which also keeps it out of the index.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Daily reminder"
        PROGRESSION = "progression", "Progression step"
        # Fires at the daily reminder's time, only on the questionnaires' due dates.
        OUTCOMES = "outcomes", "Outcome questionnaires due"
        # At a time of its own (19:00 unless the runner picks another), and says something
        # only when the day's session is due and nothing of it is logged yet.
        NUDGE = "nudge", "Evening nudge"

    class State(models.TextChoices):
        ON = "on", gettext_lazy("On")
        PAUSED = "paused", gettext_lazy("Paused")
        OFF = "off", gettext_lazy("Off")

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


DELIVERY_KINDS = [
    *Reminder.Kind.choices,
    ("alert", "Alert to a therapist"),
    ("message", "New messages in a conversation"),
]


class Delivery(models.Model):
    """One message for (plan, local date, kind, channel), for (alert, recipient), or for
    (conversation, recipient, hour), written before it is sent: the UNIQUE constraints are what
    make each go out once whatever the broker does."""

    class Channel(models.TextChoices):
        # The email and its notice in the app (one delivery: the notice is listed even when
        # no email can go).
        EMAIL = "email", "Email and in-app"
        # Web Push to each device the person turned it on for (planner.delivery.push).
        PUSH = "push", "Push to devices"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped: nothing to say"
        FAILED = "failed", "Failed"

    # Reminders' deliveries are read through the partial UNIQUE (plan, local_date, kind,
    # channel) WHERE
    # alert IS NULL; the plain index serves the rest (an alert's, a plan's deletion). Empty only
    # for an alert about a runner with no plan (a sign in the screening before one).
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True
    )
    kind = models.CharField(max_length=12, choices=DELIVERY_KINDS)
    # A default in the database too: the statements that write deliveries by hand (a new
    # message's email) write emails.
    channel = models.CharField(
        max_length=5, choices=Channel.choices, default=Channel.EMAIL, db_default=Channel.EMAIL
    )
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
        help_text="Whom it goes to when not the plan's runner: an alert's therapist, the "
        "other side of a conversation.",
    )
    # A conversation's email: one per conversation, recipient and hour at most, however many
    # messages the hour brings (each has its in-app notification already). No index of its
    # own: the UNIQUE (conversation, recipient, message_hour) leads with it.
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        db_index=False,
    )
    message_hour = models.DateTimeField(
        null=True, blank=True, help_text="A conversation's email: the hour (UTC) it tells of."
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
                fields=["plan", "local_date", "kind", "channel"],
                name="delivery_once_per_day_kind_and_channel",
                condition=models.Q(alert__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["alert", "recipient"],
                name="delivery_once_per_alert_and_recipient",
                condition=models.Q(alert__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["conversation", "recipient", "message_hour"],
                name="delivery_once_per_conversation_recipient_and_hour",
                condition=models.Q(conversation__isnull=False),
            ),
            models.CheckConstraint(
                condition=models.Q(plan__isnull=False)
                | models.Q(alert__isnull=False)
                | models.Q(conversation__isnull=False, message_hour__isnull=False),
                name="delivery_for_a_plan_an_alert_or_a_conversation",
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
    # A new message's notice goes with the message (and so with the link and either account):
    # it names the sender, which must not outlive them.
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # An invitation's notice goes with the invitation: its words follow the answer (accepted,
    # declined, withdrawn), so an invitation answered never reads as waiting.
    invitation = models.ForeignKey(
        CareLink, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
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


class PushSubscription(models.Model):
    """A device on which its person turned push reminders on: where its browser's push service
    takes messages for it, and the keys the message is encrypted to (RFC 8291). Only the
    device's browser and its push service can read what is sent; the push service learns only
    that something was."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    # The browser makes it; it names the device to its push service, so it is unique.
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100, help_text="The device's public key, base64url.")
    auth = models.CharField(max_length=40, help_text="The device's authentication secret.")
    label = models.CharField(
        max_length=120, blank=True, help_text="What the person knows the device as."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.label or f"device {self.pk}"
