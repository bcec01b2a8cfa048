"""Therapists and their runners, by consent: invitations the runner accepts or declines,
links either of them can end at any time, and programs a therapist assigns to a linked runner.

Consent comes first: a therapist sees nothing of a runner until the runner accepts, and nothing
again once either of them ends the link (planner.access reads only active links). Errors a
person can fix are ValidationErrors naming the field; another person's link is Http404.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kit.text import plain_text
from planner import addresses, readers
from planner.access import active_links, is_therapist
from planner.models import CareLink, EmailInvitation, Notification, Plan, Program
from planner.names import shown_name
from planner.plans import lifecycle

OPEN = (CareLink.Status.INVITED, CareLink.Status.ACTIVE)


def is_email(identifier: str) -> bool:
    return "@" in identifier


def find_runner(username: str, therapist: User) -> User:
    """The active account with that username (invitations by email: `invite_by_email`)."""
    runner = User.objects.filter(is_active=True, username__iexact=username.strip()).first()
    if runner is None:
        raise ValidationError({"runner": _("No runner with that username.")})
    if runner.pk == therapist.pk:
        raise ValidationError({"runner": _("You cannot invite yourself.")})
    return runner


def links_of(user: User) -> QuerySet[CareLink]:
    """The person's links, as they may know them: a therapist does not see, by its id or in a
    list, an invitation made by email that no one has answered (its account is the runner's to
    show); it is theirs as an EmailInvitation."""
    return (
        CareLink.objects.filter(Q(runner_id=user.pk) | Q(therapist_id=user.pk))
        .exclude(therapist_id=user.pk, status=CareLink.Status.INVITED, invited_as__gt="")
        .select_related("therapist", "runner")
    )


def runner_as_known_to_therapist(link: CareLink) -> str:
    """The runner's name, or the address the therapist typed while an invitation by email was
    never accepted."""
    if link.invited_as and link.status in (CareLink.Status.INVITED, CareLink.Status.DECLINED):
        return link.invited_as
    return link.runner.username


# A runner who declined is not asked again for a month (the project's choice: long enough
# that a "no" is respected, short enough for a new course of care).
DECLINED_REST = timedelta(days=30)
SENT_BY_EMAIL = gettext_lazy(
    "we email it a link to sign up or sign in, and a runner who has confirmed this address "
    "finds your invitation in the app too; you will see their plans once they accept."
)


def invite(therapist: User, identifier: str, now: datetime) -> CareLink:
    """An invitation by username to the runner named, who is told in the app. One the
    therapist already sent by email to the same runner, unanswered, becomes this one (answered
    as new: the two must not be told apart)."""
    runner = find_runner(identifier, therapist)
    by_email = CareLink.objects.filter(
        therapist=therapist, runner=runner, status=CareLink.Status.INVITED, invited_as__gt=""
    ).first()
    if by_email is not None:
        by_email.invited_as = ""
        by_email.save(update_fields=["invited_as"])
        return by_email
    return _link(therapist, runner, now, invited_as="")


def _declined_lately(
    therapist: User, runner: User, now: datetime, *, by_username_only: bool = False
) -> datetime | None:
    declines = CareLink.objects.filter(
        therapist=therapist,
        runner=runner,
        status=CareLink.Status.DECLINED,
        responded_at__gt=now - DECLINED_REST,
    )
    if by_username_only:
        # A decline of an invitation by email is not the therapist's to tie to a username.
        declines = declines.filter(invited_as="")
    declined: datetime | None = (
        declines.order_by("-responded_at").values_list("responded_at", flat=True).first()
    )
    return declined


def _link(therapist: User, runner: User, now: datetime, invited_as: str) -> CareLink:
    shown = invited_as or runner.username
    already = ValidationError(
        {
            "runner": _("You already have an open invitation or link with %(name)s.")
            % {"name": shown}
        }
    )
    if CareLink.objects.filter(therapist=therapist, runner=runner, status__in=OPEN).exists():
        raise already
    declined = _declined_lately(therapist, runner, now, by_username_only=not invited_as)
    if declined is not None:
        again = (declined + DECLINED_REST).date().isoformat()
        raise ValidationError(
            {
                "runner": _(
                    "%(name)s declined your last invitation; you can invite again from %(day)s."
                )
                % {"name": shown, "day": again}
            }
        )
    try:
        with transaction.atomic():
            link = CareLink.objects.create(
                therapist=therapist, runner=runner, invited_as=invited_as
            )
            with readers.writing_to(runner.pk):
                Notification.objects.create(
                    user=runner,
                    invitation=link,
                    title=_("%(therapist)s would like to follow your plans")
                    % {"therapist": shown_name(therapist)},
                    body=_(
                        "Accept the invitation to let them see your plans, logs and pain "
                        "ratings; you can end the link at any time."
                    ),
                )
    except IntegrityError as exc:
        # Two invitations sent at once: the unique open link per pair lets one through.
        raise already from exc
    return link


@transaction.atomic
def invite_by_email(therapist: User, email: str, now: datetime) -> EmailInvitation:
    """An invitation to an address, kept whoever has it: the therapist's answer and list are
    the same whether or not anyone has confirmed it. Its owner, once confirmed, finds it in
    the app (`deliver_email_invitations`); an owner already linked, or who declined this
    therapist in the last month, is not asked (and the therapist is not told why)."""
    email = email.strip()
    already = ValidationError(
        {"runner": _("You have already invited %(address)s.") % {"address": email}}
    )
    if EmailInvitation.objects.filter(
        therapist=therapist, email__iexact=email, withdrawn_at__isnull=True
    ).exists():
        raise already
    try:
        with transaction.atomic():
            invitation = EmailInvitation.objects.create(therapist=therapist, email=email)
    except IntegrityError as exc:
        # Sent twice at once: the unique open invitation per address lets one through.
        raise already from exc
    owner = addresses.owner_of(email)
    if owner is not None:
        reach(invitation, owner, now)
    return invitation


def reach(invitation: EmailInvitation, owner: User, now: datetime) -> None:
    """The invitation becomes a link the owner answers, unless they are the therapist, are
    already linked or lately declined: then it waits, and the therapist is not told why."""
    if owner.pk == invitation.therapist_id:
        return
    try:
        with transaction.atomic():
            invitation.link = _link(invitation.therapist, owner, now, invited_as=invitation.email)
            invitation.save(update_fields=["link"])
    except ValidationError:
        return


def deliver_email_invitations(owner: User, email: str, now: datetime) -> int:
    """Open invitations to an address its owner has just confirmed reach them now."""
    if not owner.is_active:
        return 0
    waiting = list(
        EmailInvitation.objects.filter(
            email__iexact=email, withdrawn_at__isnull=True, link__isnull=True
        ).select_related("therapist")
    )
    for invitation in waiting:
        reach(invitation, owner, now)
    return len(waiting)


def on_email_confirmed(sender: object, email_address: Any, **_: Any) -> None:
    """django-allauth's signal: an address was confirmed, by `email_address.user`."""
    deliver_email_invitations(email_address.user, email_address.email, timezone.now())


def on_signed_up(sender: object, request: object, user: User, **_: Any) -> None:
    """django-allauth's signal: a new account, its addresses confirmed already only when it
    signed up through an invitation's link."""
    for email in addresses.confirmed_emails(user):
        deliver_email_invitations(user, email, timezone.now())


@transaction.atomic
def withdraw_email_invitation(
    therapist: User, invitation_id: int, now: datetime
) -> EmailInvitation:
    invitation = get_object_or_404(
        EmailInvitation.objects.select_for_update().filter(
            therapist_id=therapist.pk, withdrawn_at__isnull=True
        ),
        pk=invitation_id,
    )
    invitation.withdrawn_at = now
    invitation.save(update_fields=["withdrawn_at"])
    if invitation.link_id is not None and (
        CareLink.objects.filter(pk=invitation.link_id, status=CareLink.Status.INVITED).update(
            status=CareLink.Status.ENDED, ended_at=now
        )
    ):
        Notification.objects.filter(invitation_id=invitation.link_id).update(
            body=f"{shown_name(therapist)} withdrew this invitation on {now:%-d %B %Y}.",
            read_at=Coalesce(F("read_at"), Value(now)),
        )
    return invitation


def email_invitations_of(therapist: User) -> QuerySet[EmailInvitation]:
    """The therapist's open invitations by email, with what the runner answered if it reached
    one (a decline shows; an acceptance makes a patient)."""
    return (
        EmailInvitation.objects.filter(therapist_id=therapist.pk, withdrawn_at__isnull=True)
        .exclude(link__status__in=[CareLink.Status.ACTIVE, CareLink.Status.ENDED])
        .select_related("link")
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def answer_invitation(runner: User, invitation_id: int, *, accept: bool, now: datetime) -> CareLink:
    """Accept or decline: only the invited runner may (anyone else gets 404), and only once."""
    link = get_object_or_404(
        CareLink.objects.select_for_update(of=("self",))
        .select_related("therapist", "runner")
        .filter(runner_id=runner.pk),
        pk=invitation_id,
    )
    if link.status != CareLink.Status.INVITED:
        raise ValidationError(
            {
                "status": _("This invitation is already %(status)s.")
                % {"status": link.get_status_display().lower()}
            }
        )
    if accept and not is_therapist(link.therapist):
        raise ValidationError(
            {
                "status": _("%(name)s is no longer a therapist here.")
                % {"name": shown_name(link.therapist)}
            }
        )
    link.status = CareLink.Status.ACTIVE if accept else CareLink.Status.DECLINED
    link.responded_at = now
    link.save(update_fields=["status", "responded_at"])
    if accept:
        answered = (
            f"You accepted on {now:%-d %B %Y}: {shown_name(link.therapist)} can see your plans, "
            "logs and pain ratings. You can end the link at any time."
        )
    else:
        answered = f"You declined this invitation on {now:%-d %B %Y}."
    _invitation_answered(link, answered, now)
    return link


def _invitation_answered(link: CareLink, words: str, now: datetime) -> None:
    """The invitation's notice says what became of it, and is read: the runner answered it,
    or there is nothing left to answer."""
    Notification.objects.filter(invitation=link).update(
        body=words, read_at=Coalesce(F("read_at"), Value(now))
    )


@transaction.atomic
def end_link(user: User, link_id: int, now: datetime) -> CareLink:
    """Either party ends the link (or withdraws, or turns down, an open invitation)."""
    link = get_object_or_404(
        links_of(user).select_for_update(of=("self",)).filter(status__in=OPEN), pk=link_id
    )
    was_invited = link.status == CareLink.Status.INVITED
    link.status = CareLink.Status.ENDED
    link.ended_at = now
    link.save(update_fields=["status", "ended_at"])
    if was_invited:
        _invitation_answered(link, _invitation_closed_words(link, user, now), now)
    return link


def _invitation_closed_words(link: CareLink, closed_by: User, now: datetime) -> str:
    if closed_by.pk == link.runner_id:
        return f"You turned down this invitation on {now:%-d %B %Y}."
    return f"{shown_name(link.therapist)} withdrew this invitation on {now:%-d %B %Y}."


def active_link(therapist: User, runner_id: int) -> CareLink:
    """The therapist's active link to that runner, with the runner; 404 without one."""
    return get_object_or_404(
        CareLink.objects.select_related("runner__profile").filter(
            therapist_id=therapist.pk, status=CareLink.Status.ACTIVE
        ),
        runner_id=runner_id,
    )


@transaction.atomic
def assign_program(
    *,
    therapist: User,
    runner: User,
    program: Program,
    start_date: date,
    time_zone: str,
    reminder_time: time,
    now: datetime,
    running: str | None = None,
) -> Plan:
    """Start a plan for a linked runner, who is told in the app. While another plan of theirs
    runs, the therapist says what becomes of it (`running`: END_RUNNING completes it, KEEP_BOTH
    keeps both going): two plans running unasked doubled the runner's day."""
    plan = lifecycle.start_plan(
        user=runner,
        program=program,
        start_date=start_date,
        time_zone=time_zone,
        now=now,
        reminder_time=reminder_time,
        assigned_by=therapist,
    )
    # Asked after start_plan's own checks (the screening, the start date), which come first;
    # refusing here undoes the new plan with the rest of the transaction.
    active = list(
        Plan.objects.filter(user_id=runner.pk, status=Plan.Status.ACTIVE)
        .exclude(pk=plan.pk)
        .select_related("program")
    )
    if active and running not in RUNNING_CHOICES:
        names = "; ".join(other.program.name for other in active)
        raise ValidationError(
            {
                "running": [
                    _(
                        "%(name)s has a plan running (%(plans)s): say whether to end it "
                        "(%(end)s) or keep both (%(keep)s)."
                    )
                    % {
                        "name": shown_name(runner),
                        "plans": names,
                        "end": END_RUNNING,
                        "keep": KEEP_BOTH,
                    }
                ]
            }
        )
    if running == END_RUNNING:
        for old in active:
            lifecycle.change_plan(old, now, status=Plan.Status.COMPLETED)
    with readers.writing_to(runner.pk):
        # Translators: a plan's first day, in Django's date format letters: "Monday 07
        # December 2026".
        starts = formats.date_format(plan.start_date, _("l d F Y"))
        Notification.objects.create(
            user=runner,
            title=_("%(therapist)s gave you a program: %(program)s")
            % {"therapist": shown_name(therapist), "program": plan.program.name},
            body=_("It starts on %(date)s.") % {"date": starts},
        )
    return plan


# What becomes of a runner's running plan when the therapist assigns another.
END_RUNNING = "end"
KEEP_BOTH = "keep"
RUNNING_CHOICES = (END_RUNNING, KEEP_BOTH)

# The changes a therapist makes to a linked runner's plan, and what the runner reads.
THERAPIST_CHANGES: dict[str, str] = {
    Plan.Status.PAUSED.value: "paused",
    Plan.Status.ACTIVE.value: "resumed",
    Plan.Status.COMPLETED.value: "ended",
}


# What the runner reads of each change, in her language.
CHANGE_NOTICES: dict[str, str] = {
    Plan.Status.PAUSED.value: gettext_noop("%(therapist)s paused your plan: %(program)s"),
    Plan.Status.ACTIVE.value: gettext_noop("%(therapist)s resumed your plan: %(program)s"),
    Plan.Status.COMPLETED.value: gettext_noop("%(therapist)s ended your plan: %(program)s"),
}


@transaction.atomic
def change_patient_plan(
    therapist: User, plan_id: int, status: str, now: datetime, note: str = ""
) -> Plan:
    """The runner's therapist pauses, resumes or ends one of their plans (a plan stopped for a
    warning sign resumes only after a clearance: planner.plans.resume). The runner is told,
    with the therapist's note. Another therapist's patient's plan is a 404."""
    plan = get_object_or_404(
        Plan.objects.select_related("program", "user").filter(
            user_id__in=active_links().filter(therapist_id=therapist.pk).values("runner_id")
        ),
        pk=plan_id,
    )
    if status not in THERAPIST_CHANGES:
        raise ValidationError(
            {"status": [_("One of %(values)s.") % {"values": ", ".join(THERAPIST_CHANGES)}]}
        )
    note = plain_text(note, "note", 500, lines=True)
    if plan.status == status:
        raise ValidationError(
            {
                "status": [
                    _("The plan is already %(status)s.")
                    % {"status": plan.get_status_display().lower()}
                ]
            }
        )
    changed = lifecycle.change_plan(plan, now, status=status)
    with readers.writing_to(plan.user_id):
        Notification.objects.create(
            user=plan.user,
            title=_(CHANGE_NOTICES[status])
            % {"therapist": shown_name(therapist), "program": plan.program.name},
            body=note or _("Ask them if you are unsure why."),
        )
    return changed
