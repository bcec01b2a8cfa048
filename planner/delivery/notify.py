"""Sending one delivery: claim it, say what is due or what changed, email it and list it in
the app, and record how it went. Safe to run twice for the same delivery: the claim is a
conditional UPDATE, so only one sender ever holds it."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse

from planner import addresses
from planner.care import messages
from planner.delivery.dispatch import SENDING_LEASE
from planner.engine import outcomes as outcome_rules
from planner.engine import schedule
from planner.models import (
    Alert,
    Conversation,
    Delivery,
    DoseChange,
    Notification,
    Phase,
    Plan,
    Reminder,
    Urgency,
)
from planner.names import shown_name
from planner.plans import check_in, daily, ladders, outcomes
from planner.safety import alerts

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class TransientSendError(Exception):
    """The mail server could not take the message now; the delivery will be tried again."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    link: str
    # Listed in the app as well; a conversation's messages each have their own notice already.
    listed: bool = True
    # The text of its notice in the app: the email's words without its addresses, which the
    # notice carries as a link of its own (a raw URL would break mid-sentence on a phone).
    in_app: str = ""


def plan_link(plan: Plan, day: date) -> str:
    return f"{settings.SITE_URL}/plans/{plan.pk}/day/{day.isoformat()}/"


# Subjects show on lock screens and in notification lists, where anyone nearby reads them: they
# say what kind of message it is and nothing of health (no condition, exercise, dose, pain or
# patient). What the message is about is its first line inside (`headline`).
REMINDER_SUBJECT = "Your exercises for today"
PROGRESSION_SUBJECT = "Your plan changes today"
NEW_WEEK_SUBJECT = "A new week of your plan starts today"
MESSAGE_SUBJECT = "You have a new message in the rehab planner"
# Not the measures' names: "Lower Extremity Functional Scale" on a lock screen tells of a leg
# problem. They are inside.
QUESTIONNAIRES_SUBJECT = "Two short questionnaires are due"
QUESTIONNAIRE_SUBJECT = "A short questionnaire is due"


def _render(
    name: str, subject: str, context: dict[str, object], link: str, headline: str = ""
) -> Message:
    context = {**context, "link": link, "subject": subject, "headline": headline or subject}
    return Message(
        subject=subject,
        text=render_to_string(f"planner/email/{name}.txt", context),
        html=render_to_string(f"planner/email/{name}.html", context),
        link=link,
        in_app=render_to_string(f"planner/email/{name}.txt", {**context, "in_app": True}).strip(),
    )


def compose_reminder(plan: Plan, day: date) -> Message | None:
    """Today's exercises with their doses, or None on a rest day."""
    if not plan.start_date <= day <= plan.projected_end:
        return None
    today = daily.plan_day(plan, day)
    if not today.exercises:
        return None
    rules = ladders.pain_rules_of(card.plan_exercise for card in today.exercises)
    # The weekly warning-sign check-in, when it is due, one tap from the reminder.
    due = check_in.due_on(plan, day)
    context = {
        "day": today,
        "pain_rules": rules,
        "check_in_link": f"{settings.SITE_URL}/plans/{plan.pk}/check-in/" if due else "",
    }
    return _render("reminder", REMINDER_SUBJECT, context, plan_link(plan, day))


def compose_outcomes(plan: Plan, day: date) -> Message | None:
    """The questionnaires due on their due date `day`, each with a link to its page, or None
    when `day` is not a due date or each was answered since (on or after it)."""
    if day not in outcome_rules.due_dates(plan.start_date, plan.projected_end):
        return None
    due = outcomes.due_measures(plan, outcomes.answers_of(plan), day)
    if not due:
        return None
    measures = [
        {
            "name": outcomes.NAMES[measure],
            "link": settings.SITE_URL + reverse(f"plan-{measure.value}", args=[plan.pk]),
        }
        for measure in due
    ]
    subject = QUESTIONNAIRES_SUBJECT if len(measures) > 1 else QUESTIONNAIRE_SUBJECT
    headline = (
        "How are you doing? Your progress questionnaires are due today"
        if len(measures) > 1
        else "How are you doing? Your progress questionnaire is due today"
    )
    return _render(
        "outcomes",
        subject,
        {"plan": plan, "day": day, "measures": measures},
        measures[0]["link"],
        headline=headline,
    )


def compose_progression(plan: Plan, day: date) -> Message | None:
    """What changes from today and why, or None when nothing does."""
    changes = list(
        DoseChange.objects.filter(plan_exercise__plan=plan, effective_on=day)
        .exclude(action=DoseChange.Action.START)
        .select_related("plan_exercise__exercise")
        .order_by("plan_exercise__order", "pk")
    )
    week = schedule.week_of(plan.start_date, day)
    starts_week = (day - plan.start_date).days % 7 == 0 and week > 1
    phase = (
        Phase.objects.filter(program_id=plan.program_id, first_week=week).first()
        if starts_week
        else None
    )
    if not changes and phase is None:
        return None
    headline = (
        f"From {day:%A}: "
        + ", ".join(f"{c.plan_exercise.exercise.name} {c.new_amount}" for c in changes)
        if changes
        else f"Week {week}: {phase.name if phase else ''}"
    )
    return _render(
        "progression",
        PROGRESSION_SUBJECT if changes else NEW_WEEK_SUBJECT,
        {"plan": plan, "day": day, "changes": changes, "phase": phase, "week": week},
        plan_link(plan, day),
        headline=headline[:190],
    )


def compose_alert(alert: Alert) -> Message:
    """What the therapist must hear: what the runner reported, the catalog's advice, and a
    link to acknowledge it."""
    urgent = "Emergency: " if alert.urgency == Urgency.EMERGENCY else ""
    # The urgency stays on the lock screen (an emergency must not wait to be opened); who it
    # is about, and what they reported, only inside.
    subject = f"{urgent}an alert from a patient" if urgent else "An alert from a patient"
    headline = f"{urgent}{alert.get_kind_display()}: {shown_name(alert.runner)}"
    link = f"{settings.SITE_URL}/patients/{alert.runner_id}/#alerts"
    return _render("alert", subject, {"alert": alert}, link, headline[:190])


# At most one email a conversation's recipient an hour: the UNIQUE constraint holds it per
# hour of the clock; this holds it across the hour's turn (a message at 12:59 and another at
# 13:01 make one email, the app listing both).
MESSAGE_EMAIL_GAP = timedelta(hours=1)


def compose_message(
    delivery: Delivery, conversation: Conversation, now: datetime
) -> Message | None:
    """The email telling of new messages: "You have a new message from <name>" and a link to
    the conversation, or None when the recipient may no longer read it, has read everything in
    the app already, or had one of these emails within the hour. Nothing of what was written:
    an email is read outside the app. The subject names nobody: to a therapist a patient's
    name, and to a runner a therapist's ("Dr X, Sports Physio"), would tell whoever sees the
    lock screen that someone is under care. The name is inside, in the first line.
    """
    recipient = delivery.recipient
    if recipient is None or not messages.may_still_read(recipient.pk, conversation):
        return None
    if not messages.has_unread(recipient.pk, conversation):
        return None
    if (
        Delivery.objects.filter(
            conversation=conversation,
            recipient=recipient,
            state=Delivery.State.SENT,
            sent_at__gt=now - MESSAGE_EMAIL_GAP,
        )
        .exclude(pk=delivery.pk)
        .exists()
    ):
        return None
    link = conversation.link
    to_runner = recipient.pk == link.runner_id
    # A chosen name is the person's text: on one line, as a mail header must be.
    sender = " ".join(shown_name(link.therapist if to_runner else link.runner).split())
    headline = f"You have a new message from {sender}"
    subject = MESSAGE_SUBJECT
    url = f"{settings.SITE_URL}/messages/{conversation.pk}/"
    return Message(
        subject=subject[:190],
        text=render_to_string("planner/email/message.txt", {"headline": headline, "link": url}),
        html=render_to_string("planner/email/message.html", {"headline": headline, "link": url}),
        link=url,
        listed=False,
    )


def compose(delivery: Delivery, now: datetime) -> Message | None:
    if delivery.conversation is not None:
        return compose_message(delivery, delivery.conversation, now)
    if delivery.alert is not None:
        # An alert goes out whatever the plan's status (a stop is what it is about), but only
        # to a therapist still linked to the runner.
        if delivery.recipient_id is None or not alerts.still_linked(
            delivery.recipient_id, delivery.alert.runner_id
        ):
            return None
        return compose_alert(delivery.alert)
    if delivery.plan is None or delivery.plan.status != Plan.Status.ACTIVE:
        return None
    if delivery.kind == Reminder.Kind.REMINDER:
        return compose_reminder(delivery.plan, delivery.local_date)
    if delivery.kind == Reminder.Kind.OUTCOMES:
        return compose_outcomes(delivery.plan, delivery.local_date)
    return compose_progression(delivery.plan, delivery.local_date)


def claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for this sender; False when another has it or it is done."""
    return bool(
        Delivery.objects.filter(pk=delivery_id)
        .filter(
            Q(state=Delivery.State.PENDING)
            | Q(state=Delivery.State.SENDING, claimed_at__lt=now - SENDING_LEASE)
        )
        .update(state=Delivery.State.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )


def finish(delivery_id: int, state: str, now: datetime, error: str = "") -> None:
    Delivery.objects.filter(pk=delivery_id, state=Delivery.State.SENDING).update(
        state=state, sent_at=now if state == Delivery.State.SENT else None, last_error=error
    )


def send_delivery(delivery_id: int, now: datetime) -> str:
    """Send one delivery if it is still to be sent; return the state it ends in."""
    if not claim(delivery_id, now):
        return "not claimed"
    delivery = Delivery.objects.select_related(
        "plan__user", "recipient", "alert__runner", "conversation__link"
    ).get(pk=delivery_id)
    message = compose(delivery, now)
    if message is None:
        finish(delivery_id, Delivery.State.SKIPPED, now)
        return Delivery.State.SKIPPED
    user = delivery.recipient or (delivery.plan.user if delivery.plan else None)
    if user is None:
        finish(delivery_id, Delivery.State.SKIPPED, now)
        return Delivery.State.SKIPPED
    # Only to an address its owner confirmed: anyone can type anyone's at sign-up.
    address = addresses.confirmed_email(user)
    if not message.listed and not address:
        # An email alone (a conversation's) with nowhere to go: nothing was sent, and the hour
        # after it is not kept quiet.
        finish(delivery_id, Delivery.State.SKIPPED, now)
        return Delivery.State.SKIPPED
    try:
        with transaction.atomic():
            if message.listed:
                Notification.objects.get_or_create(
                    delivery=delivery,
                    defaults={
                        "user": user,
                        "title": message.subject,
                        "body": message.in_app,
                        "link": message.link,
                    },
                )
            if address:
                email = EmailMultiAlternatives(message.subject, message.text, to=[address])
                email.attach_alternative(message.html, "text/html")
                email.send()
            finish(delivery_id, Delivery.State.SENT, now)
    except smtplib.SMTPRecipientsRefused as exc:
        # The address itself is refused: trying again cannot help.
        finish(delivery_id, Delivery.State.FAILED, now, f"address refused: {exc}")
        logger.warning("delivery %s failed for good: address refused", delivery_id)
        return Delivery.State.FAILED
    except (smtplib.SMTPException, OSError) as exc:
        gave_up = delivery.attempts >= MAX_ATTEMPTS
        state = Delivery.State.FAILED if gave_up else Delivery.State.PENDING
        finish(delivery_id, state, now, f"{type(exc).__name__}: {exc}")
        logger.warning("delivery %s attempt failed (%s)", delivery_id, type(exc).__name__)
        if gave_up:
            return Delivery.State.FAILED
        raise TransientSendError(str(exc)) from exc
    return Delivery.State.SENT


def retry_delay(retries: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min... capped at an hour."""
    return timedelta(seconds=min(30 * 2**retries, 3600))
