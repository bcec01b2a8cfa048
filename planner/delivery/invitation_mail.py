"""Invitations by email, sent: the dispatcher's tick hands each one due to a send task, which
mails the link (planner.care.invitation_links) to the invited address.

The row is the source of truth, as for reminders and alerts: `mail_due_at` says an email is
owed; the tick moves it a grace period on as it enqueues, so a lost task is sent again at the
next tick after that; sending clears it. An address refused is given up at once; a server away
is tried again, with backoff, a few times.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from planner import invitation_tokens
from planner.delivery.dispatch import BATCH_SIZE, PENDING_GRACE
from planner.delivery.notify import MAX_ATTEMPTS, retry_delay
from planner.models import Clinic, EmailInvitation
from planner.names import shown_name

logger = logging.getLogger(__name__)

# Said in the subject, on the lock screen: what kind of email it is, nothing of health and
# no name (a therapist's name would say the reader sees a therapist).
SUBJECT = "An invitation to the rehab planner"


def dispatch_invitation_mail(now: datetime, enqueue: Callable[[list[int]], None]) -> int:
    """Enqueue the invitation emails due; return how many."""
    with transaction.atomic():
        ids = list(
            EmailInvitation.objects.select_for_update(skip_locked=True)
            .filter(mail_due_at__lte=now, withdrawn_at__isnull=True)
            .order_by("mail_due_at")
            .values_list("id", flat=True)[:BATCH_SIZE]
        )
        if ids:
            EmailInvitation.objects.filter(id__in=ids).update(mail_due_at=now + PENDING_GRACE)
            transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def compose(invitation: EmailInvitation) -> EmailMultiAlternatives:
    clinic = Clinic.objects.filter(therapists__user_id=invitation.therapist_id).first()
    context = {
        "therapist": shown_name(invitation.therapist),
        "clinic": clinic,
        "link": settings.SITE_URL
        + reverse("invitation-link", args=[invitation_tokens.token_for(invitation)]),
        "expires_at": invitation.expires_at,
        "subject": SUBJECT,
    }
    email = EmailMultiAlternatives(
        SUBJECT,
        render_to_string("planner/email/invitation.txt", context),
        to=[invitation.email],
    )
    email.attach_alternative(
        render_to_string("planner/email/invitation.html", context), "text/html"
    )
    return email


class TryAgain(Exception):
    """The mail server is away: the task retries after `delay` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__(f"retry in {delay:.0f} s")
        self.delay = delay


def send(invitation_id: int, now: datetime) -> bool:
    """Mail one invitation if it is still owed; True when sent. Raises TryAgain when the
    server is away and attempts are left (after the attempt is saved: raised inside the
    transaction, it would be undone)."""
    retry_in: float | None = None
    with transaction.atomic():
        invitation = (
            EmailInvitation.objects.select_for_update(of=("self",))
            .select_related("therapist")
            .filter(pk=invitation_id, mail_due_at__isnull=False, withdrawn_at__isnull=True)
            .first()
        )
        if invitation is None or invitation.used_at is not None or not invitation.nonce:
            return False
        invitation.mail_attempts += 1
        fields = ["mail_due_at", "mail_failed", "mail_attempts"]
        try:
            compose(invitation).send()
        except smtplib.SMTPRecipientsRefused:
            invitation.mail_due_at = None
            invitation.mail_failed = "address refused"
            logger.warning("invitation %s: address refused", invitation_id)
        except (smtplib.SMTPException, OSError) as exc:
            gave_up = invitation.mail_attempts >= MAX_ATTEMPTS
            delay = retry_delay(invitation.mail_attempts - 1)
            invitation.mail_due_at = None if gave_up else now + delay + PENDING_GRACE
            invitation.mail_failed = type(exc).__name__[:200]
            retry_in = None if gave_up else delay.total_seconds()
            logger.warning(
                "invitation %s mail attempt failed (%s)", invitation_id, type(exc).__name__
            )
        else:
            invitation.mail_due_at = None
            invitation.mail_failed = ""
            invitation.last_mailed_at = now
            fields.append("last_mailed_at")
        invitation.save(update_fields=fields)
    if retry_in is not None:
        raise TryAgain(retry_in)
    return invitation.last_mailed_at == now
