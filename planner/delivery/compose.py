"""What a delivery says: the subject, the words of the email and of its notice in the app, and
the link, from what was read for it beforehand (planner.delivery.chunk reads a whole chunk's
at once). No query here, except a conversation's, whose emails are few."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from planner.care import messages
from planner.delivery import email_templates
from planner.engine import outcomes as outcome_rules
from planner.engine import pain, schedule
from planner.models import (
    Alert,
    Conversation,
    Delivery,
    DoseChange,
    Phase,
    Plan,
    QuestionnaireAnswer,
    Urgency,
)
from planner.names import shown_name
from planner.plans import daily, ladders, outcomes


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
# In English here; each is translated when a message is composed, in its recipient's language.
REMINDER_SUBJECT = gettext_noop("Your exercises for today")
NUDGE_SUBJECT = gettext_noop("Today's exercises are still open")
PROGRESSION_SUBJECT = gettext_noop("Your plan changes today")
NEW_WEEK_SUBJECT = gettext_noop("A new week of your plan starts today")
MESSAGE_SUBJECT = gettext_noop("You have a new message in the rehab planner")
# Not the measures' names: "Lower Extremity Functional Scale" on a lock screen tells of a leg
# problem. They are inside.
QUESTIONNAIRES_SUBJECT = gettext_noop("Two short questionnaires are due")
QUESTIONNAIRE_SUBJECT = gettext_noop("A short questionnaire is due")

# The questionnaires' names as the emails write them (outcomes.NAMES' words), translated.
MEASURE_NAMES = {
    outcome_rules.Measure.LEFS: gettext_noop("Lower Extremity Functional Scale"),
    outcome_rules.Measure.PSFS: gettext_noop("Patient-Specific Functional Scale"),
}
# The pain rules' advice (planner.engine.pain's words: the engine knows no Django), translated.
PAIN_ADVICE = {
    pain.PAIN_MONITORING.key: gettext_noop(
        "Pain during the exercise up to 5 out of 10 is acceptable if it has settled by the next "
        "morning, and morning pain should be no worse than the morning before. 0 to 2 counts "
        "towards the next step; pain above 5 steps the dose back."
    ),
    pain.NEAR_PAIN_FREE.key: gettext_noop(
        "Work pain-free or almost: no more than 2 out of 10 during the exercise, and no worse "
        "the next morning. More than that steps the dose back; tingling or numbness that "
        "spreads means stop and have it checked."
    ),
    pain.RETURN_TO_RUN.key: gettext_noop(
        "Pain during the run no more than 2 out of 10, and back to how it was before the run "
        "within 24 hours: by the next morning, no worse than the morning before. More than "
        "that steps back a phase."
    ),
}
# The languages the chunk's facts are read in (no language activated: settings.LANGUAGE_CODE).
DEFAULT_LANGUAGES = frozenset({"en", "en-us", None})
# The alerts' kinds as the therapist's email names them (Alert.Kind's labels), translated.
ALERT_KINDS: dict[str, str] = {
    Alert.Kind.WARNING_SIGN: gettext_noop("Warning sign"),
    Alert.Kind.PAIN_ABOVE_RULE: gettext_noop("Pain above the plan's rule"),
}


def _render(
    name: str, subject: str, context: dict[str, object], link: str, headline: str = ""
) -> Message:
    """The message drawn in the active language: `subject` is the English, translated here."""
    language = translation.get_language()
    subject = email_templates.gettext_in(language)(subject)
    context = {**context, "link": link, "subject": subject, "headline": headline or subject}
    return Message(
        subject=subject,
        text=email_templates.render(f"{name}.txt", context, language),
        html=email_templates.render(f"{name}.html", context, language),
        link=link,
        in_app=email_templates.render(f"{name}.txt", {**context, "in_app": True}, language).strip(),
    )


def worded(cards: Sequence[daily.DueExercise]) -> list[tuple[str, str]]:
    """Each card's exercise and dose in the active language: as read (in the default
    language, planner.delivery.chunk) or, for a reader of another, worded again from the
    exercises read with both languages' columns (no query)."""
    if translation.get_language() in DEFAULT_LANGUAGES:
        return [(card.name, card.dose_text) for card in cards]
    again = ladders.Ladders()
    language = ladders.reading_language()
    found = []
    for card in cards:
        ladder = again.of(card.plan_exercise, language)
        found.append((ladder.exercise, again.dose_text(ladder, card.dose, language)))
    return found


def reminder(today: daily.Day | None, check_in_due: bool) -> Message | None:
    """Today's exercises with their doses (`today`: daily.plan_day's, None outside the plan),
    or None on a rest day."""
    if today is None or not today.exercises:
        return None
    plan = today.plan
    rules = ladders.pain_rules_of(card.plan_exercise for card in today.exercises)
    # The weekly warning-sign check-in, when it is due, one tap from the reminder.
    context = {
        "day": today,
        "cards": worded(today.exercises),
        "pain_advice": [
            email_templates.gettext_in(translation.get_language())(
                PAIN_ADVICE.get(rule.key, rule.advice)
            )
            for rule in rules
        ],
        "check_in_link": f"{settings.SITE_URL}/plans/{plan.pk}/check-in/" if check_in_due else "",
    }
    return _render("reminder", REMINDER_SUBJECT, context, plan_link(plan, today.day))


def nudge(today: daily.Day | None) -> Message | None:
    """The evening nudge: one short line and a link when the day's session is due and nothing
    of it is logged yet (`today`: daily.plan_day's, None outside the plan), or None: a rest day,
    a plan stopped for a warning sign, or a session logged in any part (done, partly done or
    skipped all say the runner has seen to the day)."""
    if today is None or not today.exercises:
        return None
    if any(card.log is not None for card in today.exercises):
        return None
    return _render(
        "nudge",
        NUDGE_SUBJECT,
        {"count": len(today.exercises)},
        plan_link(today.plan, today.day),
    )


def questionnaires(plan: Plan, day: date, answers: Sequence[QuestionnaireAnswer]) -> Message | None:
    """The questionnaires due on their due date `day`, each with a link to its page, or None
    when `day` is not a due date or each was answered since (on or after it)."""
    if day not in outcome_rules.due_dates(plan.start_date, plan.projected_end):
        return None
    due = outcomes.due_measures(plan, answers, day)
    if not due:
        return None
    measures = [
        {
            "name": _(MEASURE_NAMES[measure])
            if measure in MEASURE_NAMES
            else outcomes.NAMES[measure],
            "link": settings.SITE_URL + reverse(f"plan-{measure.value}", args=[plan.pk]),
        }
        for measure in due
    ]
    subject = QUESTIONNAIRES_SUBJECT if len(measures) > 1 else QUESTIONNAIRE_SUBJECT
    headline = (
        _("How are you doing? Your progress questionnaires are due today")
        if len(measures) > 1
        else _("How are you doing? Your progress questionnaire is due today")
    )
    return _render(
        "outcomes",
        subject,
        {"plan": plan, "day": day, "measures": measures},
        measures[0]["link"],
        headline=headline,
    )


def starts_a_week(plan: Plan, day: date) -> int | None:
    """The plan's week that starts on `day`, from its second on; None on any other day."""
    week = schedule.week_of(plan.start_date, day)
    return week if (day - plan.start_date).days % 7 == 0 and week > 1 else None


def progression(
    plan: Plan, day: date, changes: Sequence[DoseChange], phase: Phase | None
) -> Message | None:
    """What changes from `day` and why (`changes`: the plan's dose changes effective that day,
    starts left out, in the plan's order; `phase`: the program's phase whose first week starts
    that day), or None when nothing does."""
    if not changes and phase is None:
        return None
    week = schedule.week_of(plan.start_date, day)
    headline = (
        # Translators: the weekday a plan's doses change, and what changes: "From Monday:
        # Clamshells 15, Calf raises 12".
        _("From %(weekday)s: %(changes)s")
        % {
            "weekday": formats.date_format(day, "l"),
            "changes": ", ".join(
                f"{c.plan_exercise.exercise.name} {c.new_amount}" for c in changes
            ),
        }
        if changes
        # Translators: a plan's week and the name of the program's phase it starts.
        else _("Week %(week)s: %(phase)s") % {"week": week, "phase": phase.name if phase else ""}
    )
    return _render(
        "progression",
        PROGRESSION_SUBJECT if changes else NEW_WEEK_SUBJECT,
        {"plan": plan, "day": day, "changes": changes, "phase": phase, "week": week},
        plan_link(plan, day),
        headline=headline[:190],
    )


def shown_time(instant: datetime, zone: str) -> str:
    """An instant on the clock of `zone`, written for the active language: "Monday 7 December
    2026, 09:30" (the zone is named beside it by the caller)."""
    local = timezone.localtime(instant, ZoneInfo(zone))
    # Translators: how an email writes a date and time, in Django's date format letters:
    # "Monday 7 December 2026, 09:30". Keep the 24-hour clock (H:i).
    return formats.date_format(local, _("l j F Y, H:i"))


def alert(alert: Alert, zone: str = "") -> Message:
    """What the therapist must hear: what the runner reported, the catalog's advice, and a
    link to acknowledge it; the time of the report on the clock of `zone`, the therapist's
    (the project's TIME_ZONE when empty)."""
    urgent = alert.urgency == Urgency.EMERGENCY
    kind = _(ALERT_KINDS[alert.kind]) if alert.kind in ALERT_KINDS else alert.get_kind_display()
    names = {"kind": kind, "name": shown_name(alert.runner)}
    # The urgency stays on the lock screen (an emergency must not wait to be opened); who it
    # is about, and what they reported, only inside.
    subject = (
        gettext_noop("Emergency: an alert from a patient")
        if urgent
        else gettext_noop("An alert from a patient")
    )
    # Translators: an alert's kind and the patient's name: "Emergency: Warning sign: Rosa".
    headline = (
        _("Emergency: %(kind)s: %(name)s") % names if urgent else _("%(kind)s: %(name)s") % names
    )
    link = f"{settings.SITE_URL}/patients/{alert.runner_id}/#alerts"
    zone = zone or settings.TIME_ZONE
    context = {"alert": alert, "reported": shown_time(alert.created_at, zone), "zone": zone}
    return _render("alert", subject, context, link, headline[:190])


# At most one email a conversation's recipient an hour: the UNIQUE constraint holds it per
# hour of the clock; this holds it across the hour's turn (a message at 12:59 and another at
# 13:01 make one email, the app listing both).
MESSAGE_EMAIL_GAP = timedelta(hours=1)


def new_message(delivery: Delivery, conversation: Conversation, now: datetime) -> Message | None:
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
    headline = _("You have a new message from %(sender)s") % {"sender": sender}
    subject = _(MESSAGE_SUBJECT)
    url = f"{settings.SITE_URL}/messages/{conversation.pk}/"
    return Message(
        subject=subject[:190],
        text=email_templates.render("message.txt", {"headline": headline, "link": url}),
        html=email_templates.render("message.html", {"headline": headline, "link": url}),
        link=url,
        listed=False,
    )
