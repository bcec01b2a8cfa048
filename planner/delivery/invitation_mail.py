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
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from planner import invitation_tokens
from planner.delivery import email_templates
from planner.delivery.dispatch import BATCH_SIZE, PENDING_GRACE
from planner.delivery.notify import MAX_ATTEMPTS, retry_delay
from planner.models import EmailInvitation, Profile
from planner.names import clinic_of, shown_name

logger = logging.getLogger(__name__)

# Said in the subject, on the lock screen: what kind of email it is, nothing of health and
# no name (a therapist's name would say the reader sees a therapist). Translated when composed.
SUBJECT = gettext_noop("An invitation to the rehab planner")


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


def reader_of(invitation: EmailInvitation) -> tuple[str, str]:
    """The invitation's language and time zone: its therapist's (the invited person has no
    account to have chosen any, and likely lives and reads as her therapist works), else
    English and the project's zone."""
    chosen = (
        Profile.objects.filter(user_id=invitation.therapist_id)
        .values_list("language", "time_zone")
        .first()
    )
    language, zone = chosen or ("", "")
    return language or "en", zone or settings.TIME_ZONE


def compose(invitation: EmailInvitation) -> EmailMultiAlternatives:
    language, zone = reader_of(invitation)
    # The link's last day is a day on that clock.
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        return _compose(invitation)


def _compose(invitation: EmailInvitation) -> EmailMultiAlternatives:
    clinic = clinic_of(invitation.therapist_id)
    context = {
        "therapist": shown_name(invitation.therapist),
        "clinic": clinic,
        "link": settings.SITE_URL
        + reverse("invitation-link", args=[invitation_tokens.token_for(invitation)]),
        "expires_at": invitation.expires_at,
        "subject": _(SUBJECT),
    }
    email = EmailMultiAlternatives(
        _(SUBJECT),
        email_templates.render("invitation.txt", context),
        to=[invitation.email],
    )
    email.attach_alternative(email_templates.render("invitation.html", context), "text/html")
    return email


class TryAgain(Exception):
    """The mail server is away: the task retries after `delay` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__(f"retry in {delay:.0f} s")
        self.delay = delay


def send(invitation_id: int, now: datetime) -> bool:
    """Mail one invitation if it is still owed; True when sent. Raises TryAgain when the
    server is away and attempts are left.

    The row is claimed in a short transaction (its attempt counted, `mail_due_at` moved a
    grace period on, so a tick meanwhile leaves it alone) and the mail server is talked to
    after the commit: a slow server holds no lock. The outcome is written only if no resend
    replaced the link meanwhile (the nonce is unchanged)."""
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
        invitation.mail_due_at = now + PENDING_GRACE
        invitation.save(update_fields=["mail_attempts", "mail_due_at"])
    outcome: dict[str, object]
    retry_in: float | None = None
    try:
        compose(invitation).send()
    except smtplib.SMTPRecipientsRefused:
        outcome = {"mail_due_at": None, "mail_failed": "address refused"}
        logger.warning("invitation %s: address refused", invitation_id)
    except (smtplib.SMTPException, OSError) as exc:
        gave_up = invitation.mail_attempts >= MAX_ATTEMPTS
        delay = retry_delay(invitation.mail_attempts - 1)
        outcome = {
            "mail_due_at": None if gave_up else now + delay + PENDING_GRACE,
            "mail_failed": type(exc).__name__[:200],
        }
        retry_in = None if gave_up else delay.total_seconds()
        logger.warning("invitation %s mail attempt failed (%s)", invitation_id, type(exc).__name__)
    else:
        outcome = {"mail_due_at": None, "mail_failed": "", "last_mailed_at": now}
    EmailInvitation.objects.filter(pk=invitation_id, nonce=invitation.nonce).update(**outcome)
    if retry_in is not None:
        raise TryAgain(retry_in)
    return "last_mailed_at" in outcome
