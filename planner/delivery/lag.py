"""How far behind the scheduler is: read by /health and `manage.py deliveries_report`.

Two ages, each one indexed query:
- the dispatcher's lag: how long the oldest due reminder has waited to be claimed (the
  partial index `reminder_due` serves `next_due_at <= now ORDER BY next_due_at`);
- the sender's lag: how long the oldest pending delivery has waited to be sent (the partial
  index `delivery_unsent` covers pending and sending rows by `created_at`).
Both are None when nothing waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from planner.models import Delivery, Reminder


@dataclass(frozen=True)
class Lag:
    dispatcher_seconds: float | None
    oldest_pending_delivery_seconds: float | None


def age_seconds(since: datetime | None, now: datetime) -> float | None:
    """Whole seconds from `since` to `now` (never negative), None for nothing waiting."""
    if since is None:
        return None
    return max(0.0, round((now - since).total_seconds(), 1))


def oldest_unclaimed_due(now: datetime) -> datetime | None:
    return (
        Reminder.objects.filter(next_due_at__lte=now)
        .order_by("next_due_at")
        .values_list("next_due_at", flat=True)
        .first()
    )


def oldest_pending_delivery() -> datetime | None:
    return (
        Delivery.objects.filter(state=Delivery.State.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def measure(now: datetime) -> Lag:
    return Lag(
        dispatcher_seconds=age_seconds(oldest_unclaimed_due(now), now),
        oldest_pending_delivery_seconds=age_seconds(oldest_pending_delivery(), now),
    )
