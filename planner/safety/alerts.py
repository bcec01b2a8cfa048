"""Alerts to a runner's therapists: written with one pending delivery per therapist in the
transaction that raised them, sent by the dispatcher's next tick (planner.delivery), and
acknowledged with a note that both see."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from planner import readers
from planner.access import active_links
from planner.models import Alert, Delivery, Notification, Plan, Screening, SessionLog
from planner.names import shown_name


def therapists_of(runner: User) -> list[User]:
    """The therapists linked to the runner (an active link, the role still held): the ones an
    alert goes to."""
    return list(
        User.objects.filter(
            pk__in=active_links().filter(runner_id=runner.pk).values("therapist_id")
        )
    )


def still_linked(therapist_id: int, runner_id: int) -> bool:
    """Whether an alert may still go to this therapist: the link and the role may have ended
    since it was raised."""
    return active_links().filter(therapist_id=therapist_id, runner_id=runner_id).exists()


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


def check_may_acknowledge(therapist: User, alert_id: int) -> None:
    """Only a therapist linked to the alert's runner acknowledges it: the runner herself is
    refused (403), anyone else finds no such alert (404)."""
    runner_id = Alert.objects.filter(pk=alert_id).values_list("runner_id", flat=True).first()
    if runner_id is not None and runner_id == therapist.pk:
        # The runner sees her alert, but it is her therapist's to acknowledge.
        raise PermissionDenied("Only your therapist acknowledges an alert about you.")
    if runner_id is None or not still_linked(therapist.pk, runner_id):
        raise Http404("No such alert.")


@transaction.atomic
def acknowledge(therapist: User, alert_id: int, note: str, now: datetime) -> Alert:
    """A linked therapist acknowledges an alert with a note (kept, and shown to the runner)."""
    check_may_acknowledge(therapist, alert_id)
    alert = Alert.objects.select_for_update().select_related("runner").get(pk=alert_id)
    if not note.strip():
        raise ValidationError({"note": _("Say what you did or advised: the runner reads it.")})
    if alert.acknowledged_at is not None:
        raise ValidationError(
            {
                "note": _("Already acknowledged on %(day)s.")
                % {"day": date_format(alert.acknowledged_at, _("j F Y"))}
            }
        )
    alert.acknowledged_at, alert.acknowledged_by = now, therapist
    alert.acknowledgement = note.strip()
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
    # The runner reads the note in the app, next to what they reported, in her language.
    with readers.writing_to(alert.runner_id):
        kind = REPORTED_KINDS.get(alert.kind)
        Notification.objects.create(
            user=alert.runner,
            title=_("%(therapist)s read your report: %(kind)s")
            % {
                "therapist": shown_name(therapist),
                "kind": _(kind) if kind else alert.get_kind_display().lower(),
            },
            # Translators: a therapist's note on what a runner reported, then the report.
            body=_("%(note)s\n\nYou reported: %(report)s")
            % {"note": alert.acknowledgement, "report": alert.text},
            link=f"/plans/{alert.plan_id}/" if alert.plan_id else "",
        )
    return alert


# The alerts' kinds as the runner's notice names them, mid-sentence ("theo read your report:
# warning sign").
REPORTED_KINDS = {
    Alert.Kind.WARNING_SIGN.value: gettext_noop("warning sign"),
    Alert.Kind.PAIN_ABOVE_RULE.value: gettext_noop("pain above the plan's rule"),
}
