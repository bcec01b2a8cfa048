"""A therapist's link to a runner, made and ended by consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy


class CareLink(models.Model):
    """A therapist's link to a runner: made by an invitation the runner accepts, ended by
    either of them at any time. Only an active link lets the therapist see the runner's plans."""

    class Status(models.TextChoices):
        INVITED = "invited", gettext_lazy("Invited")
        ACTIVE = "active", gettext_lazy("Active")
        DECLINED = "declined", gettext_lazy("Declined")
        ENDED = "ended", gettext_lazy("Ended")

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


class EmailInvitation(models.Model):
    """A therapist's invitation to an email address, kept whether or not anyone has confirmed
    the address, so the therapist sees the same either way (who has an account is not theirs
    to learn). It reaches a runner, as a CareLink they accept or decline, once an account holds
    the address confirmed: at once, or when its owner confirms it later."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_invitations"
    )
    email = models.EmailField(max_length=254)
    link = models.OneToOneField(
        CareLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_invitation",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The sign-up link the email carries is signed over (id, nonce) and ends at `expires_at`;
    # a new email (a resend) makes a new nonce, so only the latest link works, and using it
    # clears the nonce (single use). See planner.care.invitation_links.
    nonce = models.CharField(max_length=32, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # The email to send: due from `mail_due_at` (None: nothing to send), tried so often, and
    # how many were asked for in all (resending is limited).
    mail_due_at = models.DateTimeField(null=True, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mails_asked = models.PositiveSmallIntegerField(default=0)
    last_mailed_at = models.DateTimeField(null=True, blank=True)
    mail_failed = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["mail_due_at"],
                condition=models.Q(mail_due_at__isnull=False),
                name="email_invitation_mail_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "therapist",
                condition=models.Q(withdrawn_at__isnull=True),
                name="email_invitation_one_open_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.therapist} invited {self.email}"
