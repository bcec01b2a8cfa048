"""The sign-up link an invitation by email carries: one per email sent, single use, expiring.

Whoever opens the link read the invited mailbox, so the link is what binds a new (or
existing) account to the invitation; the runner then accepts or declines it like any other.
The token is signed (Django's signing, with the secret key) over the invitation's id and a
nonce kept on the row: a resend makes a new nonce, so only the latest link works, and using
it clears the nonce. Nothing secret is stored: the token is made again from the row when the
email is sent.

Resending is limited (MAX_EMAILS in all, at least RESEND_GAP apart): an invitation must not
become a way to mail a stranger over and over.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from planner import invitation_tokens
from planner.care import linking
from planner.models import CareLink, EmailInvitation

# The project's choice: long enough for a runner who reads email weekly, short enough that an
# old email forwarded or found later does not open a link to a therapist.
LINK_LIFETIME = timedelta(days=14)
MAX_EMAILS = 3
RESEND_GAP = timedelta(hours=1)
# The emails one therapist may send one address in a week, withdrawn invitations included:
# withdrawing and inviting again must not reset the count.
EMAILS_PER_ADDRESS_WEEK = MAX_EMAILS
WEEK = timedelta(days=7)


class LinkUnusable(Exception):
    """The link cannot be used: the words say why and what to do."""


def ask_email(invitation: EmailInvitation, now: datetime) -> None:
    """A (new) email with a fresh link, sent by the dispatcher's next tick."""
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_at = now + LINK_LIFETIME
    invitation.mail_due_at = now
    invitation.mail_attempts = 0
    invitation.mail_failed = ""
    invitation.mails_asked += 1
    invitation.last_mailed_at = None
    invitation.save()


@transaction.atomic
def invite(therapist: User, email: str, now: datetime) -> EmailInvitation:
    """linking.invite_by_email, and the email with its link: every page and API invitation
    by email goes through here."""
    recent = EmailInvitation.objects.filter(
        therapist_id=therapist.pk, email__iexact=email.strip(), created_at__gte=now - WEEK
    ).aggregate(emails=Sum("mails_asked"))["emails"]
    if (recent or 0) >= EMAILS_PER_ADDRESS_WEEK:
        raise ValidationError(
            {
                "runner": [
                    _(
                        "%(address)s has had %(count)d emails from you this week: invite again "
                        "in a few days."
                    )
                    % {"address": email.strip(), "count": EMAILS_PER_ADDRESS_WEEK}
                ]
            }
        )
    invitation = linking.invite_by_email(therapist, email, now)
    ask_email(invitation, now)
    return invitation


def mail_state(invitation: EmailInvitation) -> str:
    """What became of the latest email, in the therapist's words."""
    if invitation.mails_asked == 0:
        # Made before invitations were emailed: the therapist chooses whether to send one.
        return _("not emailed: send it if you like")
    if invitation.used_at is not None:
        # Translators: a date format of Django's date filter, the day and month ("7 Dec").
        return _("link opened %(day)s") % {"day": date_format(invitation.used_at, _("j M"))}
    if invitation.last_mailed_at is not None:
        return _("emailed %(day)s") % {"day": date_format(invitation.last_mailed_at, _("j M"))}
    if invitation.mail_failed == "address refused":
        return _("the address was refused: check it")
    if invitation.mail_failed and invitation.mail_due_at is None:
        return _("the email could not be sent: send it again later")
    return _("email on its way")


def next_resend(invitation: EmailInvitation) -> datetime | None:
    """When the therapist may send the email again (None: never again). An invitation made
    before invitations were emailed has never been sent: at once."""
    if invitation.mails_asked >= MAX_EMAILS:
        return None
    if invitation.expires_at is None:
        return invitation.created_at
    return invitation.expires_at - LINK_LIFETIME + RESEND_GAP


@transaction.atomic
def resend(therapist: User, invitation_id: int, now: datetime) -> EmailInvitation:
    """The email again, with a new link (the old one stops working). Another therapist's
    invitation is a 404."""
    invitation = get_object_or_404(
        EmailInvitation.objects.select_for_update(of=("self",))
        .select_related("link")
        .filter(therapist_id=therapist.pk, withdrawn_at__isnull=True),
        pk=invitation_id,
    )
    if invitation.link is not None and invitation.link.status != CareLink.Status.INVITED:
        raise ValidationError({"invitation": [_("This invitation has been answered.")]})
    if invitation.used_at is not None:
        raise ValidationError({"invitation": [_("The runner has opened this invitation's link.")]})
    allowed = next_resend(invitation)
    if allowed is None:
        raise ValidationError(
            {
                "invitation": [
                    _("Sent %(count)d times already: it cannot be sent again.")
                    % {"count": MAX_EMAILS}
                ]
            }
        )
    if now < allowed:
        minutes = max(1, int((allowed - now).total_seconds() // 60))
        raise ValidationError(
            {
                "invitation": [
                    _("Sent less than an hour ago: you can send it again in %(minutes)d min.")
                    % {"minutes": minutes}
                ]
            }
        )
    ask_email(invitation, now)
    return invitation


def find(token: str, now: datetime) -> EmailInvitation:
    """The invitation the link opens, or LinkUnusable saying why."""
    read = invitation_tokens.read(token)
    if read is None:
        raise LinkUnusable("This link is not one we sent: check you copied all of it.")
    invitation_id, nonce = read
    invitation = (
        EmailInvitation.objects.select_related("therapist", "link").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.withdrawn_at is not None:
        raise LinkUnusable("This invitation was withdrawn by the therapist who sent it.")
    if invitation.used_at is not None:
        raise LinkUnusable("This link has been used: sign in to see the invitation.")
    if not nonce or nonce != invitation.nonce:
        raise LinkUnusable("A newer email replaced this link: use the latest one.")
    if invitation.expires_at is None or invitation.expires_at <= now:
        raise LinkUnusable(
            "This link has expired: ask your therapist to send the invitation again."
        )
    return invitation


@transaction.atomic
def claim(token: str, user: User, now: datetime) -> CareLink:
    """The invitation, opened by `user` through its link, becomes their invitation to answer
    (or is theirs already). The link is used up."""
    found = find(token, now)
    invitation = EmailInvitation.objects.select_for_update(of=("self",)).get(pk=found.pk)
    if invitation.nonce != found.nonce:
        raise LinkUnusable("This link has been used: sign in to see the invitation.")
    if invitation.therapist_id == user.pk:
        raise LinkUnusable("This is your own invitation: it is for the runner you invited.")
    invitation.used_at = now
    invitation.nonce = ""
    invitation.mail_due_at = None
    invitation.save(update_fields=["used_at", "nonce", "mail_due_at"])
    if invitation.link is None:
        linking.reach(invitation, user, now)
        invitation.refresh_from_db(fields=["link"])
    link = invitation.link
    if link is None or link.runner_id != user.pk:
        # Already linked with this therapist, or declined them lately: nothing new to answer.
        existing = CareLink.objects.filter(
            therapist_id=invitation.therapist_id, runner_id=user.pk
        ).first()
        if existing is None:
            raise LinkUnusable("This invitation cannot reach you: ask your therapist.")
        return existing
    return link
