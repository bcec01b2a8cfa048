"""Everything the planner holds about one person, as a JSON-able dict: their copy to keep.

Eighteen queries whatever the number of plans, logs, questionnaires or messages: one per
table, each filtered by the person, so the export of a long history costs what a short one
does. The FHIR bundle in it (planner.accounts.fhir_records) is built from the rows read for
the rest, with one query more for the name the person chose.

The calendar feed's token is left out on purpose: an export file gets shared and stored, and
the token alone gives the plan's sessions to whoever holds it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q

from audit.models import AccessRecord
from planner import models
from planner.accounts import fhir_records
from planner.care import linking, messages
from planner.engine import course
from planner.models import (
    Alert,
    CareLink,
    Delivery,
    DoseChange,
    Message,
    Notification,
    Plan,
    PlanExercise,
    PushSubscription,
    QuestionnaireAnswer,
    ReadinessCheck,
    RedFlagReport,
    Reminder,
    Screening,
    SessionLog,
)
from planner.plans import ladders

FORMAT_VERSION = 1


def iso(value: date | datetime | time | None) -> str | None:
    return value.isoformat() if value is not None else None


def username_of(user: User | None) -> str | None:
    return user.username if user is not None else None


def collect(user: User, now: datetime) -> dict[str, Any]:
    """The person's account, plans (with their exercises, dose history, logs, warning signs,
    reminders and deliveries), notifications, care links, conversations and who saw their
    data."""
    plan_rows = list(
        # 1: the plans, with their program, who assigned them and their calendar feed.
        Plan.objects.filter(user=user)
        .select_related("program", "assigned_by", "calendar_feed")
        .order_by("start_date", "pk")
    )
    by_plan: dict[str, dict[int, list[dict[str, Any]]]] = {
        part: defaultdict(list)
        for part in (
            "exercises",
            "logs",
            "red_flag_reports",
            "reminders",
            "deliveries",
            "questionnaires",
        )
    }
    changes_of: dict[int, list[dict[str, Any]]] = defaultdict(list)

    # 2: every dose change of the person's exercises, with the therapist who decided.
    for change in (
        DoseChange.objects.filter(plan_exercise__plan__user=user)
        .select_related("decided_by")
        .order_by("plan_exercise_id", "effective_on", "created_at", "pk")
    ):
        changes_of[change.plan_exercise_id].append(
            {
                "effective_on": iso(change.effective_on),
                "action": change.action,
                "old_amount": change.old_amount,
                "old_sets": change.old_sets,
                "old_level": change.old_level,
                "new_amount": change.new_amount,
                "new_sets": change.new_sets,
                "new_level": change.new_level,
                "reason": change.reason,
                # None when the engine decided, or the therapist has since left.
                "decided_by": username_of(change.decided_by),
                "created_at": iso(change.created_at),
            }
        )

    # 3: the plans' exercises, with the exercise for its name and unit.
    exercise_rows = list(
        PlanExercise.objects.filter(plan__user=user)
        .select_related("exercise")
        .order_by("plan_id", "order", "pk")
    )
    for item in exercise_rows:
        by_plan["exercises"][item.plan_id].append(
            {
                "id": item.pk,
                "exercise": item.exercise.slug,
                "name": item.exercise.name,
                "unit": item.exercise.unit,
                "per_side": item.exercise.per_side,
                **{name: getattr(item, name) for name in models.LADDER_FIELDS},
                "current_dose": {
                    "sets": item.current_sets,
                    "amount": item.amount,
                    "level": item.level,
                    "text": course.dose_text(ladders.ladder_of(item), ladders.dose_of(item)),
                    "since": iso(item.dose_since),
                },
                "dose_history": changes_of.get(item.pk, []),
            }
        )

    # 4: the session logs.
    log_rows = list(SessionLog.objects.filter(plan__user=user).order_by("plan_id", "day", "pk"))
    for log in log_rows:
        by_plan["logs"][log.plan_id].append(
            {
                "plan_exercise": log.plan_exercise_id,
                "day": iso(log.day),
                "done": log.done,
                "amount_done": log.amount_done,
                "partial": log.partial,
                "pain_during": log.pain_during,
                "pain_next_morning": log.pain_next_morning,
                "difficulty": log.difficulty,
                "note": log.note,
                "run_seconds": log.run_seconds,
                "distance_metres": log.distance_metres,
                "track": log.track,
                "created_at": iso(log.created_at),
                "updated_at": iso(log.updated_at),
            }
        )

    # 5: the warning signs reported, with the sign in words.
    for report in (
        RedFlagReport.objects.filter(plan__user=user)
        .select_related("red_flag")
        .order_by("plan_id", "day", "pk")
    ):
        by_plan["red_flag_reports"][report.plan_id].append(
            {
                "red_flag": report.red_flag.slug,
                "sign": report.red_flag.sign,
                "day": iso(report.day),
                "note": report.note,
                "created_at": iso(report.created_at),
            }
        )

    # 5b: the outcome questionnaires answered (LEFS, PSFS), with their scores.
    answer_rows = list(
        QuestionnaireAnswer.objects.filter(plan__user=user).order_by("plan_id", "answered_at", "pk")
    )
    for answer in answer_rows:
        by_plan["questionnaires"][answer.plan_id].append(
            {
                "measure": answer.measure,
                "answered_at": iso(answer.answered_at),
                "answered_on": iso(answer.answered_on),
                "items": answer.items,
                "activities": answer.activities,
                "total": answer.total,
            }
        )

    # 6: the reminder settings.
    for reminder in Reminder.objects.filter(plan__user=user).order_by("plan_id", "kind"):
        by_plan["reminders"][reminder.plan_id].append(
            {
                "kind": reminder.kind,
                "local_time": reminder.local_time.strftime("%H:%M"),
                "state": reminder.state,
                "next_local_date": iso(reminder.next_local_date),
            }
        )

    # 7: the messages written for the plans.
    for delivery in Delivery.objects.filter(plan__user=user, alert__isnull=True).order_by(
        "plan_id", "local_date", "kind", "channel"
    ):
        by_plan["deliveries"][delivery.plan_id or 0].append(
            {
                "kind": delivery.kind,
                "channel": delivery.channel,
                "local_date": iso(delivery.local_date),
                "state": delivery.state,
                "sent_at": iso(delivery.sent_at),
            }
        )

    # 8: the in-app notifications.
    notifications = [
        {
            "title": note.title,
            "body": note.body,
            "link": note.link,
            "created_at": iso(note.created_at),
            "read_at": iso(note.read_at),
        }
        for note in Notification.objects.filter(user=user).order_by("created_at", "pk")
    ]

    # 9: care links both ways: the person's therapists, and (for a therapist) their patients.
    care_links = [
        {
            "role": "runner" if link.runner_id == user.pk else "therapist",
            "therapist": link.therapist.username,
            "runner": link.runner.username
            if link.runner_id == user.pk
            else linking.runner_as_known_to_therapist(link),
            "status": link.status,
            "created_at": iso(link.created_at),
            "responded_at": iso(link.responded_at),
            "ended_at": iso(link.ended_at),
        }
        for link in CareLink.objects.filter(Q(runner=user) | Q(therapist=user))
        .select_related("therapist", "runner")
        .order_by("created_at", "pk")
    ]

    # 10 and 11: the conversations the person reads in the app (as the runner, all of hers; as
    # a therapist, those of links that still grant access), and their messages.
    conversations = list(
        messages.readable_by(user)
        .select_related("link__therapist", "link__runner")
        .order_by("created_at", "pk")
    )
    messages_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for message in (
        Message.objects.filter(conversation__in=messages.readable_by(user).values("pk"))
        .select_related("author")
        .order_by("conversation_id", "created_at", "pk")
    ):
        messages_of[message.conversation_id].append(
            {
                "author": message.author.username,
                "body": message.body,
                "created_at": iso(message.created_at),
            }
        )
    conversation_rows = [
        {
            "role": "runner" if c.link.runner_id == user.pk else "therapist",
            "therapist": c.link.therapist.username,
            "runner": c.link.runner.username,
            "link_status": c.link.status,
            "created_at": iso(c.created_at),
            "messages": messages_of.get(c.pk, []),
        }
        for c in conversations
    ]

    # 12: who saw the person's data (therapists, admins), what and when.
    access_log = [
        {
            "viewer": username_of(record.viewer),
            "viewer_role": record.viewer_role,
            "what": record.what,
            "at": iso(record.at),
        }
        for record in AccessRecord.objects.filter(subject=user)
        .select_related("viewer")
        .order_by("at", "pk")
    ]

    # 13: the name the person chose, for the FHIR bundle's Patient; the bundle is built from
    # the plans, exercises, logs and questionnaire answers read above, so it costs this one
    # query more.
    records = fhir_records.RunnerRecords(
        account_id=user.pk,
        display_name=fhir_records.chosen_name(user),
        plans=plan_rows,
        exercises=exercise_rows,
        logs=log_rows,
        answers=answer_rows,
    )

    return {
        "format_version": FORMAT_VERSION,
        "exported_at": iso(now),
        "account": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
        },
        "plans": [
            {
                "id": plan.pk,
                "program": plan.program.slug,
                "program_name": plan.program.name,
                "assigned_by": username_of(plan.assigned_by),
                "start_date": iso(plan.start_date),
                "time_zone": plan.time_zone,
                "status": plan.status,
                "stop_reason": plan.stop_reason,
                "stop_urgency": plan.stop_urgency,
                "stop_advice": plan.stop_advice,
                "stopped_at": iso(plan.stopped_at),
                "planned_end": iso(plan.planned_end),
                "projected_end": iso(plan.projected_end),
                "created_at": iso(plan.created_at),
                "calendar_feed_since": iso(feed_created_at(plan)),
                **{part: rows.get(plan.pk, []) for part, rows in by_plan.items()},
            }
            for plan in plan_rows
        ],
        "notifications": notifications,
        # The devices push reminders go to: what she called them and when they were reached
        # (not the push service's address or the keys, which are the browser's secrets).
        "push_devices": [
            {
                "label": device.label,
                "created_at": iso(device.created_at),
                "last_sent_at": iso(device.last_sent_at),
            }
            for device in PushSubscription.objects.filter(user=user).order_by("created_at", "pk")
        ],
        # 14 and 15: the warning-sign screenings answered, and the alerts they raised.
        "screenings": [
            {
                "answered_at": iso(s.answered_at),
                "answers": s.answers,
                "verdict": s.verdict,
                "check_in_of_plan": s.check_in_of_id,
                "plan_started": s.used_by_id,
                "cleared_at": iso(s.cleared_at),
                "cleared_by": username_of(s.cleared_by),
                "clearance_note": s.clearance_note,
            }
            for s in Screening.objects.filter(user=user).select_related("cleared_by")
        ],
        "alerts": [
            {
                "created_at": iso(a.created_at),
                "kind": a.kind,
                "urgency": a.urgency,
                "text": a.text,
                "plan": a.plan_id,
                "acknowledged_at": iso(a.acknowledged_at),
                "acknowledged_by": username_of(a.acknowledged_by),
                "acknowledgement": a.acknowledgement,
            }
            for a in Alert.objects.filter(runner=user).select_related("acknowledged_by")
        ],
        # 16: the return-to-run readiness checks taken, with their answers and verdicts.
        "readiness_checks": [
            {
                "taken_at": iso(check.taken_at),
                "taken_on": iso(check.taken_on),
                "after_plan": check.after_plan_id,
                "answers": check.answers,
                "ready": check.ready,
            }
            for check in ReadinessCheck.objects.filter(user=user).order_by("taken_at", "pk")
        ],
        "care_links": care_links,
        "conversations": conversation_rows,
        "access_log": access_log,
        # The same plans, sessions, pain scores and questionnaires as a FHIR R4 bundle, for a
        # clinic's record system (what GET /api/v1/account/fhir answers).
        "fhir": fhir_records.as_json(fhir_records.bundle_of(records, settings.SITE_URL, now)),
    }


def feed_created_at(plan: Plan) -> datetime | None:
    # select_related caches a missing reverse one-to-one as absent: no query either way.
    feed = getattr(plan, "calendar_feed", None)
    return feed.created_at if feed is not None else None
