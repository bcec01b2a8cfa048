"""Celery tasks: thin wrappers that read the clock and call the dispatcher and sender."""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app, shared_task
from django.utils import timezone
from kombu.exceptions import OperationalError

from planner.delivery import dispatch, invitation_mail, notify

# Ids and counts only: what a message says (doses, pain) never goes into a log.
logger = logging.getLogger(__name__)

# The names the tasks were registered under before they moved here: messages already queued
# (and the beat schedule) keep finding them.
TASKS = "planner.tasks"


def enqueue_send(chunks: list[list[int]]) -> None:
    """Publish one send task per chunk over a single broker connection.

    Called after the deliveries are committed. When the broker is away, they stay pending and
    the sweeper sends them once it is back; raising here would only stop the dispatcher before
    it claims the rest of what is due.
    """
    try:
        with current_app.producer_or_acquire() as producer:
            for delivery_ids in chunks:
                send_deliveries.apply_async(args=[delivery_ids], producer=producer)
    except OperationalError as exc:
        unsent = sum(len(ids) for ids in chunks)
        logger.warning("broker unreachable, %s deliveries left to the sweeper: %s", unsent, exc)


@shared_task(name=f"{TASKS}.dispatch_due_reminders", ignore_result=True)
def dispatch_due_reminders() -> int:
    now = timezone.now()
    claimed = dispatch.dispatch_due(now, enqueue=enqueue_send)
    logger.info("dispatcher claimed %d due reminders", claimed)
    # Alerts to therapists go out on the same tick they were raised in (or the next).
    alerts = dispatch.dispatch_alerts(now, enqueue=enqueue_send)
    if alerts:
        logger.info("dispatcher enqueued %d alerts", alerts)
    # So do the emails telling of new messages (at most one a conversation's recipient an hour).
    emails = dispatch.dispatch_messages(now, enqueue=enqueue_send)
    if emails:
        logger.info("dispatcher enqueued %d message emails", emails)
    invitations = invitation_mail.dispatch_invitation_mail(now, enqueue=enqueue_invitation_mail)
    if invitations:
        logger.info("dispatcher enqueued %d invitation emails", invitations)
    return claimed


def enqueue_invitation_mail(invitation_ids: list[int]) -> None:
    """One task per invitation (they are few); a broker away leaves them to the next tick
    after the grace period, as `mail_due_at` says."""
    try:
        with current_app.producer_or_acquire() as producer:
            for invitation_id in invitation_ids:
                send_invitation_mail.apply_async(args=[invitation_id], producer=producer)
    except OperationalError as exc:
        logger.warning("broker unreachable, invitation emails left for later: %s", exc)


@shared_task(name=f"{TASKS}.send_invitation_mail", bind=True, acks_late=True, ignore_result=True)
def send_invitation_mail(self: Any, invitation_id: int) -> None:
    try:
        invitation_mail.send(invitation_id, timezone.now())
    except invitation_mail.TryAgain as again:
        raise self.retry(countdown=again.delay, max_retries=notify.MAX_ATTEMPTS) from again


@shared_task(name=f"{TASKS}.sweep_deliveries", ignore_result=True)
def sweep_deliveries() -> int:
    resent = dispatch.sweep(timezone.now(), enqueue=enqueue_send)
    if resent:
        logger.warning("sweeper re-enqueued %d unsent deliveries", resent)
    return resent


@shared_task(
    name=f"{TASKS}.send_deliveries",
    bind=True,
    acks_late=True,
    max_retries=notify.MAX_ATTEMPTS,
    ignore_result=True,
)
def send_deliveries(self: Any, delivery_ids: list[int]) -> None:
    """Send a chunk of deliveries; retry, with backoff, only those the mail server refused
    for now."""
    logger.info("sending deliveries %s", delivery_ids)
    to_retry = notify.send_chunk(delivery_ids, timezone.now()).to_retry
    if to_retry:
        logger.info("deliveries %s will be retried", to_retry)
        delay = notify.retry_delay(self.request.retries)
        raise self.retry(args=[to_retry], countdown=delay.total_seconds())
