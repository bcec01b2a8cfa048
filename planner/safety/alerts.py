"""Alerts to a runner's therapists: written with one pending delivery per therapist in the
transaction that raised them, sent by the dispatcher's next tick (planner.delivery), and
acknowledged with a note that both see."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from planner.models import Alert, CareLink, Delivery, Notification, Plan, Screening, SessionLog


def therapists_of(runner: User) -> list[User]:
    """The therapists with an active link to the runner: the ones an alert goes to."""
    return list(
        User.objects.filter(
            patient_links__runner=runner, patient_links__status=CareLink.Status.ACTIVE
        ).distinct()
    )


def raise_alert(
    *,
    runner: User,
    kind: str,
    text: str,
    now: datetime,
    urgency: str = "",
    advice: str = "",
    plan: Plan | None = None,
    screening: Screening | None = None,
    session_log: SessionLog | None = None,
) -> Alert:
    """Record an alert and a delivery to each of the runner's therapists, in the caller's
    transaction: if what raised it is not saved, neither is the alert."""
    alert = Alert.objects.create(
        runner=runner,
        plan=plan,
        screening=screening,
        session_log=session_log,
        kind=kind,
        urgency=urgency,
        text=text,
        advice=advice,
        created_at=now,
    )
    Delivery.objects.bulk_create(
        Delivery(
            plan=plan,
            kind="alert",
            alert=alert,
            recipient=therapist,
            local_date=now.date(),
            due_at=now,
            state=Delivery.State.PENDING,
        )
        for therapist in therapists_of(runner)
    )
    return alert


@transaction.atomic
def acknowledge(therapist: User, alert_id: int, note: str, now: datetime) -> Alert:
    """A linked therapist acknowledges an alert with a note (kept, and shown to the runner)."""
    alert = (
        Alert.objects.select_for_update()
        .filter(
            pk=alert_id,
            runner__therapist_links__therapist=therapist,
            runner__therapist_links__status=CareLink.Status.ACTIVE,
        )
        .first()
    )
    if alert is None:
        raise Http404("No such alert.")
    if not note.strip():
        raise ValidationError({"note": "Say what you did or advised: the runner reads it."})
    if alert.acknowledged_at is not None:
        raise ValidationError(
            {"note": f"Already acknowledged on {alert.acknowledged_at:%d %B %Y}."}
        )
    alert.acknowledged_at, alert.acknowledged_by = now, therapist
    alert.acknowledgement = note.strip()
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
    # The runner reads the note in the app, next to what they reported.
    Notification.objects.create(
        user=alert.runner,
        title=f"{therapist.username} read your report: {alert.get_kind_display().lower()}",
        body=f"{alert.acknowledgement}\n\nYou reported: {alert.text}",
        link=f"/plans/{alert.plan_id}/" if alert.plan_id else "",
    )
    return alert
